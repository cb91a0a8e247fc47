"""Demo services: each demo municipality gets the catalogue of its level through
`install_catalogue`, the same function that onboards a real municipality."""

from rathaus.catalog.catalogue import install_catalogue, level_for
from rathaus.municipalities.models import Municipality


def catalog_demo_load(municipalities: list[Municipality], levels: dict[str, str]) -> None:
    """The services of each municipality's level ("city" or "district"), keyed by AGS in `levels`.

    A kreisfreie Stadt among them (Münster) is "independent_city" and gets both levels.
    """
    for municipality in municipalities:
        install_catalogue(municipality, level_for(municipality, levels[municipality.ags]))
