"""The citizen's journey over HTTP: start, steps, review, submit, confirmation, status link, postbox."""

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Document, Draft, Upload
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_service

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")

PERSON = {"name": "Erika Mustermann", "email": "erika@example.org"}


def start(client: Client, slug: str = "soest") -> str:
    """Starts an application and returns the first step's address."""
    response = client.post(f"/{slug}/antrag/test-permit/")
    assert response.status_code == 302
    return str(response["Location"])


def step_url(first_step: str, key: str) -> str:
    return first_step.replace("/person/", f"/{key}/")


def fill_in(client: Client, first_step: str, *, topic: str = "Straßenfest") -> str:
    """Answers every step; returns the review page's address."""
    response = client.post(first_step, {**PERSON, "action": "next"})
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(step_url(first_step, "request"), {"topic": topic, "proof": pdf_upload(), "action": "next"})
    assert response.status_code == 302
    assert response["Location"].endswith("/pruefen/")
    return str(response["Location"])


def test_a_service_with_a_procedure_offers_to_apply_online(soest: Municipality) -> None:
    service = make_service(soest, leika_key="99000000000002", name="Testerlaubnis", procedure_key="test-permit")
    page = Client().get(service.get_absolute_url()).content.decode()
    assert "Online beantragen" in page
    assert "/soest/antrag/test-permit/" in page


def test_an_unknown_procedure_is_a_404(soest: Municipality) -> None:
    assert Client().get("/soest/antrag/gibt-es-nicht/").status_code == 404
    assert Client().post("/soest/antrag/gibt-es-nicht/").status_code == 404


def test_a_citizen_applies_without_an_account_and_follows_the_case_by_link(
    soest: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    review = fill_in(client, start(client))
    page = client.get(review).content.decode()
    assert "Erika Mustermann" in page and "Straßenfest" in page and "nachweis.pdf" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(review, {"declaration": "on"})
    case = Case.all_tenants.get()
    assert response["Location"] == f"/soest/antrag/eingegangen/{case.reference}/"
    done = client.get(response["Location"]).content.decode()
    assert case.reference in done
    status_path = re.search(r"http://testserver(/soest/vorgang/[^/]+/)", done)
    assert status_path is not None

    stranger = Client()
    case_page = stranger.get(status_path.group(1))
    assert case_page.status_code == 200
    assert "Eingegangen" in case_page.content.decode()
    assert stranger.get(f"/soest/antrag/eingegangen/{case.reference}/").status_code == 404
    assert stranger.get(status_path.group(1).replace("/soest/", "/lippstadt/")).status_code == 404
    assert stranger.get("/soest/vorgang/falsches-token/").status_code == 404


def test_a_double_submit_creates_one_case_and_shows_it_again(soest: Municipality) -> None:
    client = Client()
    review = fill_in(client, start(client))
    first = client.post(review, {"declaration": "on"})
    second = client.post(review, {"declaration": "on"})
    assert Case.all_tenants.count() == 1
    assert second.status_code == 302
    assert second["Location"] == first["Location"]


def test_missing_answers_show_an_error_summary_next_to_the_fields(soest: Municipality) -> None:
    client = Client()
    response = client.post(start(client), {"name": "", "email": "keine-adresse", "action": "next"})
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in page
    assert 'aria-invalid="true"' in page
    assert "Dieses Feld ist zwingend erforderlich." in page
    assert "<title>Fehler:" in page


def test_steps_cannot_be_skipped_by_changing_the_address(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    assert client.get(step_url(first, "request"))["Location"] == first
    review = first.replace("/person/", "/pruefen/")
    assert client.get(review)["Location"] == first
    assert client.post(review, {"declaration": "on"}).status_code == 302
    assert Case.all_tenants.count() == 0
    # A step that does not apply (no representative) is not reachable either.
    client.post(first, {**PERSON, "action": "next"})
    assert client.get(step_url(first, "represented")).status_code == 404


def test_going_back_keeps_what_was_typed(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    response = client.post(step_url(first, "request"), {"topic": "Flohmarkt", "action": "back"})
    assert response["Location"] == first
    assert "Flohmarkt" in client.get(step_url(first, "request")).content.decode()


def test_someone_elses_draft_is_a_404(soest: Municipality) -> None:
    first = start(Client())
    assert Client().get(first).status_code == 404


def test_a_refused_upload_is_explained_and_nothing_is_stored(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    exe = SimpleUploadedFile("lebenslauf.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, content_type="application/pdf")
    response = client.post(step_url(first, "request"), {"topic": "Fest", "proof": exe, "action": "next"})
    assert response.status_code == 200
    assert "lebenslauf.pdf" in response.content.decode()
    assert Upload.all_tenants.count() == 0
    assert "request" not in Draft.all_tenants.get().answers


def test_a_logged_in_citizen_saves_a_draft_and_resumes_it(soest: Municipality, citizen: User) -> None:
    client = Client()
    client.force_login(citizen)
    first = start(client)
    response = client.post(first, {**PERSON, "action": "save"})
    assert response["Location"] == "/soest/meine-antraege/"
    mine = client.get("/soest/meine-antraege/").content.decode()
    assert "Testerlaubnis" in mine
    # Another account does not see it.
    other = Client()
    other.force_login(User.objects.create_user(email="anders@example.org", password="x-Passwort-1"))
    assert other.get(first).status_code == 404


def test_the_applicant_reads_the_postbox_and_uploads_into_the_same_case(
    soest: Municipality, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(citizen)
    review = fill_in(client, start(client))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(review, {"declaration": "on"})
    case = Case.all_tenants.get()
    assert case.applicant == citizen
    page_url = f"/soest/meine-antraege/{case.reference}/"
    assert case.reference in client.get("/soest/meine-antraege/").content.decode()

    response = client.post(page_url, {"body": "Hier noch ein Nachweis.", "attachments": pdf_upload("zusatz.pdf")})
    assert response.status_code == 302
    assert Document.all_tenants.filter(case=case, original_name="zusatz.pdf").exists()
    page = client.get(page_url).content.decode()
    assert "Hier noch ein Nachweis." in page
    assert "Erlaubt: JPEG, PDF, PNG, höchstens 1 MB je Datei." in page  # the procedure's own limits
    receipt = Document.all_tenants.get(case=case, kind=Document.Kind.RECEIPT)
    download = client.get(f"{page_url}dokument/{receipt.pk}/")
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")  # type: ignore[attr-defined]

    empty = client.post(page_url, {"body": ""})
    assert empty.status_code == 422
    assert "Bitte schreiben Sie eine Nachricht" in empty.content.decode()


def test_the_applicant_withdraws_the_application(soest: Municipality) -> None:
    client = Client()
    review = fill_in(client, start(client))
    done = client.get(client.post(review, {"declaration": "on"})["Location"]).content.decode()
    status_path = re.search(r"http://testserver(/soest/vorgang/[^/]+/)", done)
    assert status_path is not None
    client.post(f"{status_path.group(1)}schritt/withdraw/")
    assert Case.all_tenants.get().status == "withdrawn"
    # Staff-only steps cannot be taken through the status link.
    client.post(f"{status_path.group(1)}schritt/start/")
    assert Case.all_tenants.get().status == "withdrawn"


def test_a_fee_is_shown_before_submit_and_a_payment_method_is_required(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    client.post(
        step_url(first, "request"), {"topic": "Eilig", "express": "on", "proof": pdf_upload(), "action": "next"}
    )
    review = first.replace("/person/", "/pruefen/")
    assert "12,50" in client.get(review).content.decode() or "12.50" in client.get(review).content.decode()
    response = client.post(review, {"declaration": "on"})
    assert response.status_code == 422
    assert Case.all_tenants.count() == 0
    response = client.post(review, {"declaration": "on", "payment": "counter"})
    assert response.status_code == 302
    assert Case.all_tenants.get().payment_status == Case.Payment.OPEN


def test_the_online_payment_round_trip_marks_the_case_paid(soest: Municipality) -> None:
    client = Client()
    first = start(client)
    client.post(first, {**PERSON, "action": "next"})
    client.post(
        step_url(first, "request"), {"topic": "Eilig", "express": "on", "proof": pdf_upload(), "action": "next"}
    )
    done_url = client.post(first.replace("/person/", "/pruefen/"), {"declaration": "on", "payment": "test"})["Location"]
    case = Case.all_tenants.get()
    assert "Jetzt bezahlen" in client.get(done_url).content.decode()
    provider_page = client.post(f"{done_url}bezahlen/")["Location"]
    assert "/soest/zahlung/test/" in provider_page
    page = client.get(provider_page).content.decode()
    assert "Testzahlung" in page
    back = client.post(provider_page, {"result": "paid"}, follow=True)
    assert back.status_code == 200
    case.refresh_from_db()
    assert case.payment_status == Case.Payment.PAID
