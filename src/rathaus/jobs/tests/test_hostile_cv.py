"""The attack test of the CV step, repeated at the HTTP level against the real form: every hostile file is
refused with a message and nothing is stored; a clean PDF sent as "Lebenslauf.hta" is stored and reaches
the HR clerk as "Lebenslauf.pdf", typed by its content."""

import io
import zipfile
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Upload
from rathaus.core import uploads
from rathaus.core.tests.hostile_files import HTA, Hostile, hostile_files, pdf
from rathaus.jobs.models import JobPosting
from rathaus.jobs.tests.test_procedure import PERSON

HOSTILE = hostile_files()
# The CV takes PDFs only: a picture, however hostile, is refused for its type before anything else.
ONLY_PDF = "Diese Art von Datei können wir nicht annehmen. Erlaubt sind PDF."


@pytest.fixture(autouse=True)
def no_clamav(monkeypatch: pytest.MonkeyPatch) -> None:
    """What is tested is the check of the content, on a machine with or without ClamAV."""
    monkeypatch.setattr(uploads, "clamav_command", lambda: None)


def _documents_step(client: Client, posting: JobPosting) -> str:
    response = client.post("/soest/antrag/bewerbung/", {"stelle": str(posting.pk)})
    response = client.post(response["Location"], PERSON)
    response = client.post(response["Location"], {"cover_letter": "Ich bewerbe mich.", "disability": "on"})
    return str(response["Location"])


def _expected(hostile: Hostile) -> str:
    return ONLY_PDF if hostile.content.startswith((b"\x89PNG", b"\xff\xd8\xff")) else hostile.message


@pytest.mark.parametrize("hostile", HOSTILE, ids=[hostile.kind for hostile in HOSTILE])
def test_the_cv_step_refuses_every_kind_of_hostile_file_with_a_message(
    client: Client, posting: JobPosting, hostile: Hostile
) -> None:
    documents_url = _documents_step(client, posting)

    response = client.post(documents_url, {"cv": SimpleUploadedFile(hostile.name, hostile.content)})

    assert response.status_code == 200  # the step comes back with the message, no 500, no next step
    page = unescape(response.content.decode())
    assert f"{hostile.name}: " in page
    assert _expected(hostile) in page
    assert not Upload.all_tenants.exists()


def test_the_attack_tests_pdf_with_an_hta_behind_it_is_refused(client: Client, posting: JobPosting) -> None:
    documents_url = _documents_step(client, posting)
    response = client.post(documents_url, {"cv": SimpleUploadedFile("Lebenslauf.hta", pdf() + HTA)})
    assert "Skripten oder Webseiten-Code" in unescape(response.content.decode())
    assert not Upload.all_tenants.exists()


def _apply_with(client: Client, posting: JobPosting, cv: SimpleUploadedFile) -> Case:
    documents_url = _documents_step(client, posting)
    consent_url = client.post(documents_url, {"cv": cv})["Location"]
    review_url = client.post(consent_url, {"privacy": "on"})["Location"]
    assert client.post(review_url, {"declaration": "on"}).status_code == 302
    return Case.all_tenants.get()


@pytest.mark.parametrize("uploaded_as", ["Lebenslauf.hta", "Lebenslauf.pdf.exe"])
def test_a_pdf_uploaded_under_a_dangerous_name_is_downloaded_as_a_pdf(
    client: Client, posting: JobPosting, hr_clerk: User, uploaded_as: str
) -> None:
    content = pdf()
    case = _apply_with(client, posting, SimpleUploadedFile(uploaded_as, content, content_type="application/hta"))
    document = case.documents.get(original_name=uploaded_as)
    clerk = Client()
    clerk.force_login(hr_clerk)
    file_url = f"/soest/verwaltung/vorgaenge/{case.pk}/"

    response = clerk.get(f"{file_url}dokumente/{document.pk}/")

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="Lebenslauf.pdf"'
    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == content  # type: ignore[attr-defined]
    # The clerk sees the name it was sent under, as text, beside the name it is saved under.
    page = clerk.get(file_url).content.decode()
    assert f"Originalname: {uploaded_as}" in page
    assert "Datei: Lebenslauf.pdf" in page
    # The file's export names it the same way.
    export = zipfile.ZipFile(io.BytesIO(clerk.get(f"{file_url}export/").content))
    assert [name for name in export.namelist() if name.startswith("dokumente/") and "Lebenslauf" in name] == [
        "dokumente/01-Lebenslauf.pdf"
    ]


def test_a_document_stored_before_the_rule_is_served_under_a_safe_name(
    client: Client, posting: JobPosting, hr_clerk: User
) -> None:
    """Old rows keep the name they were uploaded under; the download name is derived when it is served."""
    case = _apply_with(client, posting, SimpleUploadedFile("lebenslauf.pdf", pdf()))
    document = case.documents.get(original_name="lebenslauf.pdf")
    # As a row stored by the old code would read: the uploaded name, the sniffed type.
    type(document).all_tenants.filter(pk=document.pk).update(original_name="Lebenslauf.pdf.exe")
    clerk = Client()
    clerk.force_login(hr_clerk)

    response = clerk.get(f"/soest/verwaltung/vorgaenge/{case.pk}/dokumente/{document.pk}/")

    assert response["Content-Disposition"] == 'attachment; filename="Lebenslauf.pdf"'
