"""Steps that cannot be undone ask first, on a page of their own that works without JavaScript:
GET shows the question with two buttons, only the POST of its form acts."""

import re
from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Draft
from rathaus.cases.tests.test_backoffice import client_for, file_url, office_clerk  # noqa: F401
from rathaus.cases.tests.test_services import submitted_case
from rathaus.cases.tests.test_views import fill_in, start
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.testing import make_staff

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")


def confirmation_form(page: str) -> str:
    """The question's form (the page's own, without an action: it posts to the same address), checked to
    have a submit button and a way back."""
    main = page.split("<main", 1)[1]
    forms = re.findall(r"<form method=\"post\"(?![^>]*action=)[^>]*>.*?</form>", main, flags=re.S)
    assert len(forms) == 1, forms
    assert '<button type="submit"' in forms[0]
    assert re.search(r'<a class="kern-btn kern-btn--secondary" href="[^"]+">', forms[0])
    return str(forms[0])


def test_withdrawing_asks_first_and_only_the_confirmation_withdraws(soest: Municipality) -> None:
    client = Client()
    review = fill_in(client, start(client))
    done = client.get(client.post(review, {"declaration": "on"})["Location"]).content.decode()
    match = re.search(r"http://testserver(/soest/vorgang/[^/]+/)", done)
    assert match is not None
    status_page = match.group(1)
    page = client.get(status_page).content.decode()
    # The case page links to the question; no form there takes the step.
    assert f'href="{status_page}schritt/withdraw/"' in page
    assert f'action="{status_page}schritt/withdraw/"' not in page

    question = client.get(f"{status_page}schritt/withdraw/")
    assert question.status_code == 200
    text = question.content.decode()
    assert "<h1" in text and "Antrag zurückziehen?" in text
    assert "Ja, Antrag zurückziehen" in text and "Nein, zurück zum Vorgang" in text
    confirmation_form(text)
    assert Case.all_tenants.get().status == "submitted"

    assert client.post(f"{status_page}schritt/withdraw/").status_code == 302
    assert Case.all_tenants.get().status == "withdrawn"
    # Afterwards there is nothing left to confirm.
    assert client.get(f"{status_page}schritt/withdraw/").status_code == 404


def test_a_staff_only_step_has_no_question_page_for_the_applicant(soest: Municipality, citizen: User) -> None:
    case = submitted_case(soest)
    Case.all_tenants.filter(pk=case.pk).update(applicant=citizen)
    client = Client()
    client.force_login(citizen)
    assert client.get(f"/soest/meine-antraege/{case.reference}/schritt/start/").status_code == 404


def test_discarding_a_draft_asks_first(soest: Municipality) -> None:
    client = Client()
    review = fill_in(client, start(client))
    draft = Draft.all_tenants.get()
    discard = f"/soest/antrag/entwurf/{draft.token}/verwerfen/"
    assert f'href="{discard}"' in client.get(review).content.decode()

    question = client.get(discard)
    assert question.status_code == 200
    text = question.content.decode()
    assert "Antrag verwerfen?" in text and "Ja, Antrag verwerfen" in text
    assert f'href="{review}"' in confirmation_form(text)
    assert Draft.all_tenants.filter(pk=draft.pk).exists()

    assert client.post(discard).status_code == 302
    assert not Draft.all_tenants.filter(pk=draft.pk).exists()
    assert Client().get(discard).status_code == 404


def test_a_clerks_step_that_sends_a_notice_asks_first(
    soest: Municipality,
    office_clerk: User,  # noqa: F811
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = submitted_case(soest)
    clerk = client_for(office_clerk)
    clerk.post(file_url(case, "schritt/start/"))  # starting the review is an ordinary button
    assert Case.all_tenants.get().status == "in_review"
    page = clerk.get(file_url(case)).content.decode()
    assert f'href="{file_url(case, "schritt/approve/")}"' in page
    assert f'action="{file_url(case, "schritt/approve/")}"' not in page

    question = clerk.get(file_url(case, "schritt/approve/"))
    assert question.status_code == 200
    text = question.content.decode()
    assert "Genehmigen?" in text and "Erzeugt einen Bescheid" in text and "Nein, zurück zur Akte" in text
    confirmation_form(text)
    assert Case.all_tenants.get().status == "in_review"

    with django_capture_on_commit_callbacks(execute=True):
        assert clerk.post(file_url(case, "schritt/approve/")).status_code == 302
    assert Case.all_tenants.get().status == "approved"


def test_a_step_not_open_now_sends_the_clerk_back_to_the_file(
    soest: Municipality,
    office_clerk: User,  # noqa: F811
) -> None:
    case = submitted_case(soest)
    response = client_for(office_clerk).get(file_url(case, "schritt/approve/"))
    assert response.status_code == 302
    assert Case.all_tenants.get().status == "submitted"


@pytest.mark.parametrize(
    ("procedure_key", "transition_key"),
    [
        ("bewerbung", "withdraw"),
        ("gewerbe-anmeldung", "confirm"),  # Empfang bescheinigen
        ("gewerbe-anmeldung", "withdraw"),
        ("schuelerfahrkosten", "withdraw"),
    ],
)
def test_the_steps_found_in_the_test_ask_first(procedure_key: str, transition_key: str) -> None:
    workflow = registry.get(procedure_key).workflow
    assert workflow.asks_confirmation(workflow.transition(transition_key))


def test_starting_the_review_does_not_ask(soest: Municipality) -> None:
    workflow = registry.get("gewerbe-anmeldung").workflow
    assert not workflow.asks_confirmation(workflow.transition("start"))


def test_removing_a_member_of_staff_asks_first(soest: Municipality, admin_client: Client) -> None:
    clerk = make_staff(soest, "kollegin@soest.example")
    membership = Membership.all_tenants.get(user=clerk)
    url = f"/soest/verwaltung/mitarbeitende/{membership.pk}/entfernen/"
    assert f'href="{url}"' in admin_client.get("/soest/verwaltung/mitarbeitende/").content.decode()

    question = admin_client.get(url)
    assert question.status_code == 200
    text = question.content.decode()
    assert "kollegin@soest.example aus der Verwaltung entfernen?" in text
    confirmation_form(text)
    assert Membership.all_tenants.filter(pk=membership.pk).exists()

    assert admin_client.post(url).status_code == 302
    assert not Membership.all_tenants.filter(pk=membership.pk).exists()
