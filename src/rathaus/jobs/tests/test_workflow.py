"""The selection: HR works an application along the workflow; letters go to the postbox as PDF."""

import io
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Document, Message
from rathaus.cases.services import case_submit, case_transition, document_request, message_from_applicant
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import JobApplication
from rathaus.jobs.tests.conftest import in_days
from rathaus.jobs.tests.test_procedure import fill, start
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department, make_staff


@pytest.fixture
def application(soest: Municipality, posting: JobPosting) -> Case:
    draft = fill(start(soest, posting))
    case, _token = case_submit(draft=draft, idempotency_key=draft.token, user=None)
    return case


def notice_text(case: Case) -> str:
    notice = case.documents.filter(kind=Document.Kind.NOTICE).latest("created_at")
    with notice.file.open("rb") as file:
        reader = PdfReader(io.BytesIO(file.read()))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_an_invitation_needs_date_and_place_and_arrives_as_a_letter(
    application: Case, hr_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    case_transition(case=application, transition_key="start", actor=hr_clerk)
    with pytest.raises(ValidationError):
        case_transition(case=application, transition_key="invite", actor=hr_clerk)

    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(
            case=application, transition_key="invite", actor=hr_clerk, text="Dienstag, 10:00 Uhr, Raum 204"
        )

    assert case.status == "invited" and case.closed_at is None
    text = notice_text(case)
    assert "Einladung zum Vorstellungsgespräch" in text
    assert "Sehr geehrte Frau Hoffmann" in text
    assert "Raum 204" in text
    assert application.context["title"] in text
    assert "Rechtsbehelfsbelehrung" not in text
    message = Message.all_tenants.get(case=case, direction=Message.Direction.TO_APPLICANT)
    assert message.subject == "Einladung zum Vorstellungsgespräch"


def test_a_rejection_without_a_text_reads_neutrally(
    application: Case, hr_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(case=application, transition_key="reject", actor=hr_clerk)

    assert case.status == "rejected" and case.closed_at is not None
    text = notice_text(case)
    assert "Absage" in text
    assert "für eine andere Person entschieden" in text
    assert "sechs Monate" in text


def test_a_hire_follows_an_interview_and_closes_the_file(
    application: Case, hr_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    case_transition(case=application, transition_key="start", actor=hr_clerk)
    with pytest.raises(ValidationError):
        case_transition(case=application, transition_key="hire", actor=hr_clerk)  # not without an interview
    case_transition(case=application, transition_key="invite", actor=hr_clerk, text="Montag, 9 Uhr")
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(case=application, transition_key="hire", actor=hr_clerk)

    assert case.status == "hired" and case.closed_at is not None
    assert "Personalrat" in notice_text(case)
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="withdraw", actor=None)


def test_the_applicant_may_withdraw_while_the_selection_runs(application: Case, hr_clerk: User) -> None:
    case_transition(case=application, transition_key="start", actor=hr_clerk)
    with pytest.raises(ValidationError):
        case_transition(case=application, transition_key="invite", actor=None, text="Selbst eingeladen")

    case = case_transition(case=application, transition_key="withdraw", actor=None)

    assert case.status == "withdrawn" and case.closed_at is not None


def test_missing_documents_put_the_application_on_hold_until_they_arrive(application: Case, hr_clerk: User) -> None:
    case_transition(case=application, transition_key="start", actor=hr_clerk)
    document_request(case=application, actor=hr_clerk, text="Bitte das Abschlusszeugnis.", due_on=in_days(14))
    application.refresh_from_db()
    assert application.status == "waiting"

    message_from_applicant(case=application, user=None, body="Anbei.", uploads=[pdf_upload("abschluss.pdf")])

    application.refresh_from_db()
    assert application.status == "in_review"


def test_a_clerk_of_another_department_cannot_work_applications(soest: Municipality, application: Case) -> None:
    other = make_staff(soest, "buergerbuero@soest.example")
    Membership.all_tenants.filter(user=other).update(department=make_department(soest))
    with pytest.raises(ValidationError):
        case_transition(case=application, transition_key="start", actor=other)


def _end_of(day: Any) -> datetime:
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone())


def test_retention_starts_at_the_deadline_when_the_file_closes_before_it(
    soest: Municipality, application: Case, posting: JobPosting
) -> None:
    case = case_transition(case=application, transition_key="withdraw", actor=None)

    assert case.closed_at is not None and case.closed_at < _end_of(posting.deadline)
    assert JobApplication(soest).retention_start(case) == _end_of(posting.deadline)
    assert case.retention_until == _end_of(posting.deadline) + timedelta(days=183)


def test_retention_starts_at_closing_when_that_is_after_the_deadline(soest: Municipality, application: Case) -> None:
    application.context = {**application.context, "deadline": in_days(-30).isoformat()}
    application.closed_at = timezone.now()

    assert JobApplication(soest).retention_start(application) == application.closed_at
