from django.test import Client

from rathaus.catalog.models import Service
from rathaus.catalog.selectors import service_search
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department


def _service(department_id: int, **changes: str) -> dict[str, str]:
    data = {
        "name": "Hundesteuer anmelden",
        "name_en": "Registering a dog for dog tax",
        "leika_key": "99048003000000",
        "synonyms": "Hund anmelden\nHundemarke",
        "summary": "Wer in Soest einen Hund hält, meldet ihn zur Hundesteuer an.",
        "summary_en": "",
        "prerequisites": "",
        "documents": "",
        "fees": "",
        "processing_time": "",
        "department": str(department_id),
        "channel": "in_person",
        "external_url": "",
    }
    data.update(changes)
    return data


def test_admin_adds_a_service_that_search_then_finds(admin_client: Client, soest: Municipality) -> None:
    department = make_department(soest, key="steuern", name="Steuern und Abgaben")
    response = admin_client.post("/soest/verwaltung/leistungen/neu/", _service(department.pk))
    assert response.status_code == 302
    service = Service.all_tenants.get(leika_key="99048003000000")
    assert (service.municipality, service.department) == (soest, department)
    assert service_search(municipality=soest, query="Hundemarke")[0] == service


def test_a_wrong_leika_key_and_a_missing_link_get_messages(admin_client: Client, soest: Municipality) -> None:
    department = make_department(soest)
    response = admin_client.post(
        "/soest/verwaltung/leistungen/neu/", _service(department.pk, leika_key="9904800", channel="external")
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Der LeiKa-Schlüssel hat genau 14 Ziffern" in body
    assert "Bitte die Adresse des Online-Dienstes angeben." in body
    assert not Service.all_tenants.exists()


def test_the_same_leika_key_twice_is_refused(admin_client: Client, soest: Municipality) -> None:
    department = make_department(soest)
    admin_client.post("/soest/verwaltung/leistungen/neu/", _service(department.pk))
    response = admin_client.post("/soest/verwaltung/leistungen/neu/", _service(department.pk, name="Nochmal"))
    assert response.status_code == 200
    assert Service.all_tenants.count() == 1


def test_renaming_a_department_refreshes_the_search(admin_client: Client, soest: Municipality) -> None:
    department = make_department(soest, key="steuern", name="Steuern und Abgaben")
    admin_client.post("/soest/verwaltung/leistungen/neu/", _service(department.pk))
    assert service_search(municipality=soest, query="Kämmerei") == []

    admin_client.post(f"/soest/verwaltung/fachbereiche/{department.pk}/", {"name": "Kämmerei", "key": "steuern"})

    assert [s.name for s in service_search(municipality=soest, query="Kämmerei")] == ["Hundesteuer anmelden"]
