"""The application procedure: who may start one, what it asks, and what it refuses at submit."""

import re
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.test import Client

from rathaus.cases.models import Case, Document, Draft
from rathaus.cases.services import case_submit, draft_save_step, draft_start
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import PROCEDURE_KEY, JobApplication
from rathaus.jobs.tests.conftest import in_days, make_posting
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64

PERSON = {
    "salutation": "frau",
    "first_name": "Lena",
    "last_name": "Hoffmann",
    "email": "lena.hoffmann@example.org",
    "phone": "",
    "street": "Am Markt 1",
    "postal_code": "59494",
    "city": "Soest",
}


def start(municipality: Municipality, posting: JobPosting) -> Draft:
    return draft_start(
        municipality=municipality, procedure_key=PROCEDURE_KEY, user=None, params={"stelle": str(posting.pk)}
    )


def fill(
    draft: Draft, *, cv: UploadedFile[bytes] | None = None, certificates: list[UploadedFile[bytes]] | None = None
) -> Draft:
    procedure = JobApplication(draft.municipality)
    draft_save_step(draft=draft, step=procedure.step("person"), cleaned_data=PERSON, files={})
    draft_save_step(
        draft=draft,
        step=procedure.step("cover"),
        cleaned_data={"cover_letter": "Sehr geehrte Damen und Herren, …", "earliest_start": None, "disability": True},
        files={},
    )
    draft_save_step(
        draft=draft,
        step=procedure.step("documents"),
        cleaned_data={},
        files={"cv": [cv or pdf_upload("lebenslauf.pdf")], "certificates": certificates or []},
    )
    draft_save_step(draft=draft, step=procedure.step("consent"), cleaned_data={"privacy": True}, files={})
    return draft


def test_an_application_needs_a_posting(soest: Municipality) -> None:
    with pytest.raises(ValidationError) as error:
        JobApplication(soest).initial({})
    assert error.value.messages == ["Bitte wählen Sie eine Stelle aus den Stellenangeboten."]


@pytest.mark.parametrize("stelle", ["abc", "999999", "1" * 40])
def test_an_unknown_posting_is_refused(soest: Municipality, stelle: str) -> None:
    with pytest.raises(ValidationError) as error:
        JobApplication(soest).initial({"stelle": stelle})
    assert error.value.messages == ["Diese Stelle ist nicht (mehr) ausgeschrieben."]


def test_a_closed_unpublished_or_foreign_posting_is_refused(
    soest: Municipality, lippstadt: Municipality, hr_department: Department
) -> None:
    closed = make_posting(soest, deadline=in_days(-1))
    draft = make_posting(soest, published=False)
    foreign = make_posting(lippstadt, department=make_department(lippstadt))
    procedure = JobApplication(soest)

    with pytest.raises(ValidationError) as error:
        procedure.initial({"stelle": str(closed.pk)})
    assert error.value.messages == ["Die Bewerbungsfrist für diese Stelle ist abgelaufen."]
    for posting in (draft, foreign):
        with pytest.raises(ValidationError):
            procedure.initial({"stelle": str(posting.pk)})
    assert not Draft.all_tenants.exists()


def test_the_start_link_of_a_closed_posting_says_why(
    client: Client, soest: Municipality, hr_department: Department
) -> None:
    closed = make_posting(soest, deadline=in_days(-1))

    response = client.post("/soest/antrag/bewerbung/", {"stelle": str(closed.pk)})

    assert response.status_code == 404
    assert "Die Bewerbungsfrist für diese Stelle ist abgelaufen." in response.content.decode()
    assert not Draft.all_tenants.exists()


def test_a_complete_application_becomes_a_case_of_the_hr_department(
    soest: Municipality, posting: JobPosting, hr_department: Department
) -> None:
    make_department(soest)  # another department first in line: the procedure's key decides
    draft = fill(start(soest, posting), certificates=[pdf_upload("zeugnis-1.pdf"), pdf_upload("zeugnis-2.pdf")])

    case, token = case_submit(draft=draft, idempotency_key=draft.token, user=None)

    assert token is not None
    assert case.subject == f"Bewerbung: {posting.title}"
    assert (case.applicant_name, case.applicant_email) == ("Lena Hoffmann", "lena.hoffmann@example.org")
    assert case.department == hr_department
    assert case.status == "submitted"
    assert case.due_at is None
    assert case.context == {"posting_id": posting.pk, "title": posting.title, "deadline": posting.deadline.isoformat()}
    names = set(case.documents.filter(kind=Document.Kind.ATTACHMENT).values_list("original_name", flat=True))
    assert names == {"lebenslauf.pdf", "zeugnis-1.pdf", "zeugnis-2.pdf"}
    assert case.answers["cover"]["disability"] is True


def test_only_pdf_files_are_taken(soest: Municipality, posting: JobPosting) -> None:
    draft = start(soest, posting)
    with pytest.raises(ValidationError) as error:
        draft_save_step(
            draft=draft,
            step=JobApplication(soest).step("documents"),
            cleaned_data={},
            files={
                "cv": [SimpleUploadedFile("lebenslauf.pdf", PNG, content_type="application/pdf")],
                "certificates": [],
            },
        )
    assert "cv" in error.value.message_dict
    assert "Erlaubt sind PDF" in error.value.message_dict["cv"][0]
    assert draft.uploads.count() == 0


def test_the_deadline_passing_while_the_applicant_writes_stops_the_submit(
    soest: Municipality, posting: JobPosting
) -> None:
    draft = fill(start(soest, posting))
    JobPosting.all_tenants.filter(pk=posting.pk).update(deadline=in_days(-1))

    with pytest.raises(ValidationError) as error:
        case_submit(draft=draft, idempotency_key=draft.token, user=None)

    assert "Die Bewerbungsfrist für diese Stelle ist am" in " ".join(error.value.messages)
    assert not Case.all_tenants.exists()


def test_a_posting_taken_down_while_the_applicant_writes_stops_the_submit(
    soest: Municipality, posting: JobPosting
) -> None:
    draft = fill(start(soest, posting))
    JobPosting.all_tenants.filter(pk=posting.pk).update(published=False)

    with pytest.raises(ValidationError):
        case_submit(draft=draft, idempotency_key=draft.token, user=None)
    assert not Case.all_tenants.exists()


def _step_url(response: Any) -> str:
    return str(response["Location"])


def test_an_applicant_applies_through_the_pages(client: Client, posting: JobPosting) -> None:
    response = client.post("/soest/antrag/bewerbung/", {"stelle": str(posting.pk)})
    person_url = _step_url(response)
    wrong = client.post(person_url, {**PERSON, "postal_code": "5949"})
    assert "Die Postleitzahl hat genau fünf Ziffern." in wrong.content.decode()

    response = client.post(person_url, PERSON)
    response = client.post(_step_url(response), {"cover_letter": "x" * 5001})
    assert response.status_code == 200  # too long: the form comes back
    response = client.post(response.wsgi_request.path, {"cover_letter": "Ich bewerbe mich.", "disability": "on"})
    documents_url = _step_url(response)
    image = client.post(documents_url, {"cv": SimpleUploadedFile("foto.png", PNG, content_type="image/png")})
    assert "Diese Art von Datei können wir nicht annehmen. Erlaubt sind PDF." in image.content.decode()
    response = client.post(documents_url, {"cv": pdf_upload("lebenslauf.pdf")})
    consent_url = _step_url(response)
    assert "AGG § 15 Abs. 4" in client.get(consent_url).content.decode()
    assert client.post(consent_url, {}).status_code == 200  # consent is required
    review_url = _step_url(client.post(consent_url, {"privacy": "on"}))
    assert review_url.endswith("/pruefen/")

    done = client.post(review_url, {"declaration": "on"})

    assert done.status_code == 302
    case = Case.all_tenants.get()
    assert re.fullmatch(r"[A-Z]+-\d{4}-\d{6}", case.reference)
    assert case.subject == f"Bewerbung: {posting.title}"
    assert case.documents.filter(original_name="lebenslauf.pdf").exists()
