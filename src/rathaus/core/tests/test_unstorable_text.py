"""Text no database can store (a NUL character, a lone surrogate) is refused at the door with a page
in the user's language, on every path, instead of failing in PostgreSQL with a server error.

Run on PostgreSQL too: DATABASE_URL=postgres://root@127.0.0.1:5432/<name> .venv/bin/pytest -n 0 <this file>
"""

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from rathaus.accounts.models import User
from rathaus.core.middleware import unstorable
from rathaus.municipalities.models import AccessibilityFeedback, Municipality

REFUSED = "ein Zeichen, das wir nicht speichern können"


def test_nul_and_lone_surrogates_are_unstorable_and_ordinary_text_is_not() -> None:
    assert unstorable("Straßen\x00fest")
    assert unstorable("Fest \ud800")
    assert not unstorable("Straßenfest 😀 – „Grüße“\t\n")


def test_accessibility_feedback_with_a_nul_is_refused_with_a_message_and_not_stored(soest: Municipality) -> None:
    response = Client().post("/soest/barrierefreiheit/", {"page_url": "/soest/", "message": "Barriere\x00"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()
    assert AccessibilityFeedback.all_tenants.count() == 0


def test_the_refusal_is_in_english_for_an_english_browser(soest: Municipality) -> None:
    response = Client().get("/soest/suche/", {"q": "Fest\x00"}, headers={"accept-language": "en"})
    assert response.status_code == 400
    page = response.content.decode()
    assert REFUSED not in page
    assert "character we cannot store" in page


@pytest.mark.parametrize(
    "path",
    ["/soest/suche/?q=%00", "/soest/leistungen/?x%00=1", "/soest/meine-antraege/AB%00C/", "/soest/vorgang/a%00b/"],
)
def test_a_nul_in_the_address_or_its_query_is_refused(soest: Municipality, path: str) -> None:
    response = Client().get(path)
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_a_nul_in_a_field_name_is_refused_too(soest: Municipality) -> None:
    response = Client().post("/soest/barrierefreiheit/", {"message": "Barriere", "x\x00": "1"})
    assert response.status_code == 400


def test_the_login_form_refuses_a_nul_in_the_address(soest: Municipality, citizen: User) -> None:
    response = Client().post("/konto/anmelden/", {"login": "erika\x00@example.org", "password": "x"})
    assert response.status_code == 400
    assert REFUSED in response.content.decode()


def test_the_api_answers_a_nul_in_a_parameter_in_json(soest: Municipality) -> None:
    response = Client().get("/api/v1/municipalities/soest/services", {"q": "Fest\x00"})
    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]


@pytest.mark.parametrize("text", ['{"q": "Fest\\u0000"}', '{"q": "Fest\\ud800"}', '{"a": ["\\u0000"]}'])
def test_the_api_refuses_unstorable_text_in_a_json_body(soest: Municipality, text: str) -> None:
    response = Client().post("/api/v1/municipalities/soest/services", text, content_type="application/json")
    assert response.status_code == 400
    assert REFUSED in response.json()["detail"]


def test_json_with_ordinary_text_passes_the_fence(soest: Municipality) -> None:
    body = json.dumps({"q": "Fest 😀"})
    response = Client().post("/api/v1/municipalities/soest/services", body, content_type="application/json")
    assert response.status_code != 400  # the API itself answers (it has no such write)


def test_a_forged_session_cookie_with_a_nul_is_ignored_not_a_server_error(soest: Municipality, citizen: User) -> None:
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = "\x00" * 32
    response = client.get("/soest/")
    assert response.status_code == 200
    response = client.post("/soest/barrierefreiheit/", {"page_url": "/soest/", "message": "Eine Barriere"})
    assert response.status_code == 302  # a fresh session works as usual


def test_a_file_with_nul_bytes_is_not_text_and_passes_the_fence(soest: Municipality, tmp_path: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("bild.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", content_type="image/png")
    response = Client().post("/soest/barrierefreiheit/", {"message": "Barriere", "anhang": upload})
    assert response.status_code != 400
