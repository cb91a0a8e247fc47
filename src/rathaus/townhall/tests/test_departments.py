from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department


def test_admin_adds_a_department_to_their_municipality(admin_client: Client, soest: Municipality) -> None:
    response = admin_client.post(
        "/soest/verwaltung/fachbereiche/neu/",
        {"name": "Ordnungsamt", "name_en": "Public order office", "key": "ordnungsamt", "email": "", "phone": ""},
    )
    assert response.status_code == 302
    department = Department.all_tenants.get(key="ordnungsamt")
    assert department.municipality == soest
    assert "Ordnungsamt" in admin_client.get("/soest/verwaltung/").content.decode()


def test_admin_renames_a_department(admin_client: Client, soest: Municipality) -> None:
    department = make_department(soest)
    response = admin_client.post(
        f"/soest/verwaltung/fachbereiche/{department.pk}/",
        {"name": "Bürgerservice", "name_en": "", "key": department.key, "email": "", "phone": ""},
    )
    assert response.status_code == 302
    department.refresh_from_db()
    assert department.name == "Bürgerservice"


def test_a_key_used_twice_in_one_municipality_is_refused_with_a_message(
    admin_client: Client, soest: Municipality, lippstadt: Municipality
) -> None:
    make_department(soest, key="standesamt", name="Standesamt")
    make_department(lippstadt, key="ordnungsamt", name="Ordnungsamt Lippstadt")

    taken = admin_client.post(
        "/soest/verwaltung/fachbereiche/neu/", {"name": "Zweites Standesamt", "key": "standesamt"}
    )
    assert "Diesen Schlüssel hat schon ein anderer Fachbereich." in taken.content.decode()
    # Another municipality's keys do not count.
    free = admin_client.post("/soest/verwaltung/fachbereiche/neu/", {"name": "Ordnungsamt", "key": "ordnungsamt"})
    assert free.status_code == 302
    assert Department.all_tenants.filter(key="ordnungsamt").count() == 2


def test_clerks_cannot_change_departments(clerk_of_soest: User, soest: Municipality) -> None:
    client = Client()
    client.force_login(clerk_of_soest)
    response = client.post("/soest/verwaltung/fachbereiche/neu/", {"name": "Schattenamt", "key": "schatten"})
    assert response.status_code == 403
    assert not Department.all_tenants.filter(key="schatten").exists()
