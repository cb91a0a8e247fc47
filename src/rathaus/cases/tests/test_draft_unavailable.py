"""A draft opened where it is not reachable (another browser, an ended session, another account, a
discarded draft) gets a page that says what happened and how to go on, the same page in every case
so that nobody learns whether someone else's draft exists."""

import re
import uuid

import pytest
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.tests.test_views import PERSON, start
from rathaus.municipalities.models import Municipality

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")

EXPLAINED = "Diesen Antrag können wir Ihnen hier nicht zeigen"


def main_of(page: str) -> str:
    """The page's content without the header (its CSRF token differs from request to request)."""
    main = page.split("<main", 1)[1].split("</main>", 1)[0]
    return re.sub(r"next=[^\"&]+", "next=…", main)


def test_a_draft_from_another_browser_is_explained_with_a_way_on(soest: Municipality) -> None:
    first = start(Client())
    response = Client().get(first)
    assert response.status_code == 404
    page = response.content.decode()
    assert EXPLAINED in page
    assert "in einem anderen Browser" in page
    assert f'href="/konto/login/?next={first.replace("/", "%2F")}"' in page
    assert 'href="/soest/leistungen/"' in page


def test_another_accounts_draft_and_no_draft_at_all_look_the_same(soest: Municipality, citizen: User) -> None:
    owner = Client()
    owner.force_login(citizen)
    first = start(owner)
    owner.post(first, {**PERSON, "action": "save"})
    other = Client()
    other.force_login(User.objects.create_user(email="anders@example.org", password="x-Passwort-1"))

    theirs = other.get(first)
    nothing = other.get(first.replace(first.split("/")[4], str(uuid.uuid4())))
    assert theirs.status_code == nothing.status_code == 404
    assert main_of(theirs.content.decode()) == main_of(nothing.content.decode())
    assert 'href="/soest/meine-antraege/"' in theirs.content.decode()


@pytest.mark.parametrize("tail", ["pruefen/", "verwerfen/"])
def test_review_and_discard_explain_too(soest: Municipality, tail: str) -> None:
    first = start(Client())
    response = Client().get(re.sub(r"[^/]+/$", tail, first))
    assert response.status_code == 404
    assert EXPLAINED in response.content.decode()


def test_the_owner_still_reaches_the_draft(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    assert client.get(first).status_code == 200
