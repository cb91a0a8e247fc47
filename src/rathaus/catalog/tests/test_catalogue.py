"""`install_catalogue`: the one function that gives a municipality its services."""

import pytest

from rathaus.catalog.catalogue import install_catalogue, level_for, level_services
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department, make_municipality

pytestmark = pytest.mark.django_db


def _services(municipality: Municipality) -> list[Service]:
    return list(Service.all_tenants.filter(municipality=municipality))


def test_install_creates_the_services_of_the_level_and_their_departments(soest: Municipality) -> None:
    assert not Department.all_tenants.filter(municipality=soest).exists()
    created = install_catalogue(soest, "city")
    assert created == len(level_services("city")) == len(_services(soest))
    keys = set(Department.all_tenants.filter(municipality=soest).values_list("key", flat=True))
    assert {item["department"] for item in level_services("city")} == keys
    for service in Service.all_tenants.filter(municipality=soest).select_related("department"):
        assert service.department.municipality_id == soest.pk


def test_install_is_idempotent_and_keeps_edits(soest: Municipality) -> None:
    install_catalogue(soest, "city")
    service = Service.all_tenants.filter(municipality=soest).first()
    assert service is not None
    service.summary = "Von der Stadt geändert."
    service.save()
    assert install_catalogue(soest, "city") == 0
    service.refresh_from_db()
    assert service.summary == "Von der Stadt geändert."
    assert len(_services(soest)) == len(level_services("city"))


def test_install_uses_the_municipalitys_existing_department(soest: Municipality) -> None:
    own = make_department(soest, key="buergerbuero", name="Bürgerservice im Rathaus")
    install_catalogue(soest, "city")
    assert Department.all_tenants.filter(municipality=soest, key="buergerbuero").get() == own
    assert Service.all_tenants.filter(municipality=soest, department=own).exists()


def test_a_district_gets_the_district_services_only() -> None:
    kreis = make_municipality(ags="05974000", slug="kreis-soest", name="Kreis Soest", city="Soest", postal_code="59494")
    created = install_catalogue(kreis, "district")
    assert created == len(level_services("district"))
    names = {s.name for s in _services(kreis)}
    assert "Kfz-Zulassung: Neufahrzeug anmelden" in names
    assert "Personalausweis beantragen" not in names


def test_an_independent_city_gets_both_levels() -> None:
    muenster = make_municipality(
        ags="05515000", slug="muenster", name="Stadt Münster", city="Münster", postal_code="48143"
    )
    assert level_for(muenster, "city") == "independent_city"
    created = install_catalogue(muenster, "independent_city")
    assert created == len(level_services("city")) + len(level_services("district"))
    names = {s.name for s in _services(muenster)}
    assert {"Kfz-Zulassung: Neufahrzeug anmelden", "Personalausweis beantragen"} <= names


def test_a_town_in_a_district_is_not_independent(soest: Municipality) -> None:
    assert level_for(soest, "city") == "city"


def test_an_unknown_level_is_refused_with_a_clear_message(soest: Municipality) -> None:
    with pytest.raises(ValueError, match="Unknown level 'town'"):
        install_catalogue(soest, "town")
    assert not _services(soest)
