"""The catalogue's set-up for a new municipality (`Capability.onboard`): the services of its level."""

from django.utils.translation import gettext as _

from rathaus.catalog.catalogue import install_catalogue, level_for
from rathaus.municipalities.models import Municipality


def catalog_onboard(municipality: Municipality) -> list[str]:
    """Installs the services of a town ("city"), a district or, for a kreisfreie Stadt, of both."""
    level = "district" if municipality.kind == Municipality.Kind.DISTRICT else "city"
    created = install_catalogue(municipality, level_for(municipality, level))
    return [
        _("Leistungen: %(count)d aus der Vorlage angelegt; bitte Gebühren und Zuständigkeiten prüfen.")
        % {"count": created}
    ]
