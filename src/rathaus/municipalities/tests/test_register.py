"""The official register: name, type, postal code, coordinates and Kreis of a municipality by AGS."""

import pytest

from rathaus.municipalities.models import Municipality
from rathaus.municipalities.register import RegisterError, register_entry, register_search


def test_werl_is_a_town_in_kreis_soest_with_its_postal_code_and_centre() -> None:
    werl = register_entry("05974052")
    assert (werl.official_name, werl.short_name, werl.display_name) == ("Werl, Stadt", "Werl", "Stadt Werl")
    assert (werl.type, werl.kind, werl.level) == ("Stadt", Municipality.Kind.CITY, "city")
    assert (werl.district_ags, werl.district_name) == ("05974000", "Kreis Soest")
    assert (werl.land_name, werl.postal_code) == ("Nordrhein-Westfalen", "59457")
    assert werl.latitude == pytest.approx(51.553012) and werl.longitude == pytest.approx(7.914536)
    assert werl.population == 30767


@pytest.mark.parametrize(
    ("ags", "display_name", "type_", "level"),
    [
        ("05974048", "Gemeinde Welver", "Gemeinde", "city"),
        ("05974000", "Kreis Soest", "Kreis", "district"),
        ("05958000", "Hochsauerlandkreis", "Kreis", "district"),
        ("05515000", "Stadt Münster", "kreisfreie Stadt", "independent_city"),
        ("09171133", "Markt Tüßling", "Gemeinde", "city"),
        ("03241000", "Region Hannover", "Kreis", "district"),
    ],
)
def test_the_type_comes_from_the_record_type_and_the_name_suffix(
    ags: str, display_name: str, type_: str, level: str
) -> None:
    entry = register_entry(ags)
    assert (entry.display_name, entry.type, entry.level) == (display_name, type_, level)


def test_a_kreisfreie_stadt_has_no_kreis_and_a_district_no_postal_code() -> None:
    assert register_entry("05515000").district_name is None
    assert register_entry("05974000").postal_code == ""


@pytest.mark.parametrize("ags", ["05974999", "01053105", "5974052", "0597405x", ""])
def test_unknown_keys_and_unincorporated_areas_are_refused(ags: str) -> None:
    with pytest.raises(RegisterError):
        register_entry(ags)


def test_search_finds_by_the_start_of_the_name_or_the_key_larger_places_first() -> None:
    assert [e.ags for e in register_search("werl")][:2] == ["05974052", "03454057"]
    assert register_search("Münster")[0].ags == "05515000"
    assert register_search("muenster")[0].ags == "05515000"
    assert {e.ags for e in register_search("0597405")} == {"05974052", "05974056"}
    assert register_search("") == []
