"""A NUL character in a step's answers, a message or a clerk's note is refused with a page that says
so, whichever button was pressed; nothing of it reaches the database (PostgreSQL could not store it).
"""

from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.models import Draft, Message, Note
from rathaus.cases.services.drafts import PARTIAL
from rathaus.cases.tests.test_backoffice import client_for, file_url, office_clerk  # noqa: F401
from rathaus.cases.tests.test_services import submitted_case
from rathaus.cases.tests.test_views import PERSON, start, step_url
from rathaus.municipalities.models import Municipality

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")

REFUSED = "ein Zeichen, das wir nicht speichern können"


@pytest.mark.parametrize("action", ["back", "save", "next"])
def test_a_nul_in_a_step_is_refused_for_every_button(soest: Municipality, citizen: User, action: str) -> None:
    client = Client()
    client.force_login(citizen)
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    before = Draft.all_tenants.get().answers

    response = client.post(step_url(first, "request"), {"topic": "Straßen\x00fest", "action": action})

    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    draft = Draft.all_tenants.get()
    assert draft.answers == before
    assert PARTIAL not in draft.answers


def test_going_back_with_ordinary_text_still_keeps_it(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    response = client.post(step_url(first, "request"), {"topic": "Straßenfest 😀", "action": "back"})
    assert response.status_code == 302
    assert Draft.all_tenants.get().answers[PARTIAL]["request"]["topic"] == "Straßenfest 😀"


def test_a_nul_in_a_message_by_status_link_is_refused(soest: Municipality, citizen: User) -> None:
    case = submitted_case(soest)
    client = Client()
    client.force_login(citizen)
    case.applicant = citizen
    case.save(update_fields=["applicant"])
    response = client.post(f"/soest/meine-antraege/{case.reference}/", {"body": "Hallo\x00"})
    assert response.status_code == 400
    assert not Message.all_tenants.filter(case=case, direction=Message.Direction.FROM_APPLICANT).exists()


def test_a_nul_in_a_clerks_note_is_refused(soest: Municipality, office_clerk: User) -> None:  # noqa: F811
    case = submitted_case(soest)
    response = client_for(office_clerk).post(file_url(case, "notiz/"), {"notiz-text": "Notiz\x00"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert not Note.all_tenants.filter(case=case).exists()


def test_nothing_else_fails_on_the_way(soest: Municipality, settings: Any) -> None:
    """The fence answers before CSRF: a forged form with a NUL gets the same clear page."""
    client = Client(enforce_csrf_checks=True)
    response = client.post("/soest/barrierefreiheit/", {"message": "\x00"})
    assert response.status_code == 400
