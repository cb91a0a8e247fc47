import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from rathaus.accounts.models import Membership, User
from rathaus.accounts.tests.helpers import logged_in_user_id
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.testing import PASSWORD, make_staff, totp_code

pytestmark = pytest.mark.django_db

BACKOFFICE = "/soest/verwaltung/"
SET_UP_TOTP_FIRST = (
    "Bitte richten Sie zuerst die Anmeldung in zwei Schritten ein. Erst dann öffnet sich der Verwaltungsbereich."
)


def service_edit_url(service: Service) -> str:
    return f"/soest/verwaltung/leistungen/{service.pk}/"


def test_a_clerk_without_totp_is_sent_to_set_it_up_first(client: Client, soest: Municipality) -> None:
    clerk = make_staff(soest, "ohne-totp@soest.example", totp=False)
    client.force_login(clerk)

    response = client.get(BACKOFFICE)

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    assert [str(m) for m in get_messages(response.wsgi_request)] == [SET_UP_TOTP_FIRST]


def test_the_set_up_message_is_shown_on_the_page_the_clerk_lands_on(client: Client, soest: Municipality) -> None:
    clerk = make_staff(soest, "ohne-totp@soest.example", totp=False)
    client.force_login(clerk)

    response = client.get(BACKOFFICE, follow=True)

    assert response.status_code == 200
    assert SET_UP_TOTP_FIRST in response.content.decode()


def test_a_clerk_with_totp_opens_the_back_office(client: Client, clerk_of_soest: User) -> None:
    client.force_login(clerk_of_soest)

    assert client.get(BACKOFFICE).status_code == 200


def test_a_citizen_may_not_open_the_back_office(client: Client, citizen: User, soest: Municipality) -> None:
    client.force_login(citizen)

    assert client.get(BACKOFFICE).status_code == 403


def test_a_clerk_of_another_municipality_may_not_open_the_back_office(
    client: Client, clerk_of_lippstadt: User, soest: Municipality
) -> None:
    client.force_login(clerk_of_lippstadt)

    assert client.get(BACKOFFICE).status_code == 403
    assert client.get("/lippstadt/verwaltung/").status_code == 200


def test_anonymous_visitors_are_sent_to_log_in(client: Client, soest: Municipality) -> None:
    response = client.get(BACKOFFICE)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('account_login')}?next={BACKOFFICE}"


def test_a_clerk_may_not_edit_services(client: Client, clerk_of_soest: User, soest_service: Service) -> None:
    client.force_login(clerk_of_soest)

    assert client.get(service_edit_url(soest_service)).status_code == 403
    response = client.post(service_edit_url(soest_service), {"name": "Gekapert"})
    assert response.status_code == 403
    soest_service.refresh_from_db()
    assert soest_service.name == "Personalausweis beantragen"


def test_an_admin_can_edit_and_save_a_service(client: Client, admin_of_soest: User, soest_service: Service) -> None:
    client.force_login(admin_of_soest)
    assert client.get(service_edit_url(soest_service)).status_code == 200

    response = client.post(
        service_edit_url(soest_service),
        {
            "name": "Personalausweis beantragen oder verlängern",
            "name_en": "",
            "leika_key": soest_service.leika_key,
            "synonyms": soest_service.synonyms,
            "summary": "Neue Kurzbeschreibung.",
            "summary_en": "",
            "prerequisites": "",
            "documents": "",
            "fees": "37,00 Euro",
            "processing_time": "",
            "department": soest_service.department_id,
            "channel": soest_service.channel,
            "external_url": "",
        },
    )

    assert response.status_code == 302, response.context["form"].errors if response.context else response
    assert response["Location"] == BACKOFFICE + "leistungen/"  # back to the list of services
    soest_service.refresh_from_db()
    assert soest_service.name == "Personalausweis beantragen oder verlängern"
    assert soest_service.summary == "Neue Kurzbeschreibung."
    assert soest_service.fees == "37,00 Euro"


def test_a_clerk_with_admin_role_elsewhere_is_still_only_a_clerk_here(
    client: Client, soest: Municipality, lippstadt: Municipality, soest_service: Service
) -> None:
    user = make_staff(soest, "doppelt@example.org")
    Membership.all_tenants.create(municipality=lippstadt, user=user, role=Membership.Role.ADMIN)
    client.force_login(user)

    assert client.get(service_edit_url(soest_service)).status_code == 403


def test_staff_login_asks_for_the_totp_code_after_the_password(client: Client, clerk_of_soest: User) -> None:
    response = client.post(reverse("account_login"), {"login": clerk_of_soest.email, "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    # The password alone logs nobody in.
    assert logged_in_user_id(client) is None
    assert client.get(BACKOFFICE).status_code == 302


def test_staff_login_refuses_a_wrong_totp_code(client: Client, clerk_of_soest: User) -> None:
    client.post(reverse("account_login"), {"login": clerk_of_soest.email, "password": PASSWORD})
    right = totp_code(clerk_of_soest)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"

    response = client.post(reverse("mfa_authenticate"), {"code": wrong})

    assert response.status_code == 200
    assert response.context["form"].errors["code"]
    assert logged_in_user_id(client) is None


def test_staff_login_succeeds_with_the_right_totp_code(client: Client, clerk_of_soest: User) -> None:
    client.post(reverse("account_login"), {"login": clerk_of_soest.email, "password": PASSWORD})
    client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(clerk_of_soest) != "000000" else "111111"})

    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(clerk_of_soest)})

    assert response.status_code == 302
    assert response["Location"] == reverse("account_profile")
    assert logged_in_user_id(client) == str(clerk_of_soest.pk)
    assert client.get(BACKOFFICE).status_code == 200
