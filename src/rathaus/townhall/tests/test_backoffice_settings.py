from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality


def _form(municipality: Municipality, **changes: str) -> dict[str, str]:
    data = {
        "name": municipality.name,
        "street": municipality.street,
        "postal_code": municipality.postal_code,
        "city": municipality.city,
        "phone": municipality.phone,
        "email": municipality.email,
        "website": "",
        "opening_hours": municipality.opening_hours,
        "opening_hours_en": "",
        "colour": municipality.colour,
        "reference_prefix": municipality.reference_prefix,
        "legal_representative": municipality.legal_representative,
        "supervisory_authority": "",
        "privacy_officer": "",
        "accessibility_contact": "",
        "accessibility_reviewed_on": "",
    }
    data.update(changes)
    return data


def test_admin_changes_opening_hours_shown_on_the_start_page(admin_client: Client, soest: Municipality) -> None:
    response = admin_client.post("/soest/verwaltung/kommune/", _form(soest, opening_hours="Mo 7:30–12:00"))
    assert response.status_code == 302
    soest.refresh_from_db()
    assert soest.opening_hours == "Mo 7:30–12:00"
    assert "Mo 7:30–12:00" in Client().get("/soest/").content.decode()


def test_admin_gets_german_messages_for_bad_postal_code_and_colour(admin_client: Client, soest: Municipality) -> None:
    response = admin_client.post("/soest/verwaltung/kommune/", _form(soest, postal_code="5949", colour="rot"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Die Postleitzahl hat 5 Ziffern." in body
    assert "Bitte eine Farbe als #RRGGBB angeben" in body
    soest.refresh_from_db()
    assert soest.postal_code == "59494"


def test_clerk_may_not_change_the_municipality(clerk_of_soest: User, soest: Municipality) -> None:
    client = Client()
    client.force_login(clerk_of_soest)
    response = client.post("/soest/verwaltung/kommune/", _form(soest, city="Anderswo"))
    assert response.status_code == 403
    soest.refresh_from_db()
    assert soest.city == "Soest"


def test_the_admin_sets_the_prefix_of_reference_numbers(admin_client: Client, soest: Municipality) -> None:
    response = admin_client.post("/soest/verwaltung/kommune/", _form(soest, reference_prefix="so"))
    assert response.status_code == 200
    assert "Ein bis fünf Großbuchstaben" in response.content.decode()
    response = admin_client.post("/soest/verwaltung/kommune/", _form(soest, reference_prefix="SOE"))
    assert response.status_code == 302
    soest.refresh_from_db()
    assert soest.reference_prefix == "SOE"
