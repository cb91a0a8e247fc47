"""The engine's writes, called without HTTP: submit, workflow, requests, postbox, documents, audit."""

import hashlib
import io
import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, CaseEvent, Document, Draft, Message
from rathaus.cases.selectors import draft_partial_answers
from rathaus.cases.services import (
    case_legal_hold,
    case_submit,
    case_transition,
    document_correct,
    document_request,
    document_store,
    draft_keep_partial,
    draft_save_step,
    draft_start,
    message_from_applicant,
    message_to_applicant,
    note_add,
)
from rathaus.cases.tests.conftest import pdf_bytes, pdf_upload
from rathaus.core.uploads import PDF
from rathaus.municipalities.models import Department, Municipality
from rathaus.records.models import AppendOnlyError, AuditEvent
from rathaus.records.services import audit_verify
from rathaus.testing import make_department, make_staff

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")


def complete_draft(municipality: Municipality, *, topic: str = "Straßenfest", express: bool = False) -> Draft:
    from rathaus.cases.tests.procedure import TestPermit

    draft = draft_start(municipality=municipality, procedure_key=TestPermit.key, user=None)
    procedure = TestPermit(municipality)
    draft_save_step(
        draft=draft,
        step=procedure.step("person"),
        cleaned_data={"name": "Erika Mustermann", "email": "erika@example.org", "on_behalf": False},
        files={},
    )
    draft_save_step(
        draft=draft,
        step=procedure.step("request"),
        cleaned_data={"topic": topic, "express": express},
        files={"proof": [pdf_upload()]},
    )
    return draft


def submitted_case(municipality: Municipality, **kwargs: object) -> Case:
    draft = complete_draft(municipality, **kwargs)  # type: ignore[arg-type]
    case, _token = case_submit(draft=draft, idempotency_key=draft.token, user=None, payment_provider="counter")
    return case


def test_what_was_typed_on_an_unfinished_step_stays_until_the_step_is_saved(soest: Municipality) -> None:
    from rathaus.cases.tests.procedure import TestPermit

    draft = draft_start(municipality=soest, procedure_key=TestPermit.key, user=None)
    step = TestPermit(soest).step("person")

    draft_keep_partial(draft=draft, step=step, values={"name": "Erika Muster", "email": "erika@"})
    draft.refresh_from_db()
    assert draft_partial_answers(draft=draft, step=step) == {"name": "Erika Muster", "email": "erika@"}
    assert "person" not in draft.answers  # the step is still unanswered

    draft_save_step(
        draft=draft,
        step=step,
        cleaned_data={"name": "Erika Mustermann", "email": "erika@example.org", "on_behalf": False},
        files={},
    )
    draft.refresh_from_db()
    assert draft_partial_answers(draft=draft, step=step) == {}
    assert draft.answers["person"]["name"] == "Erika Mustermann"


def test_a_stored_document_carries_its_size_and_hash_and_a_new_version_points_back(soest: Municipality) -> None:
    case = submitted_case(soest)
    content = pdf_bytes()

    first = document_store(
        case=case,
        kind=Document.Kind.INTERNAL,
        title="Vermerk",
        original_name="vermerk.pdf",
        content=content,
        document_type=PDF,
        actor=None,
    )
    second = document_store(
        case=case,
        kind=Document.Kind.INTERNAL,
        title="Vermerk",
        original_name="vermerk.pdf",
        content=content,
        document_type=PDF,
        actor=None,
        previous=first,
    )

    assert first.size == len(content) and first.sha256 == hashlib.sha256(content).hexdigest()
    assert str(first.file.name).endswith(".pdf") and first.content_type == "application/pdf"
    with first.file.open("rb") as stored:
        assert stored.read() == content
    assert (second.version, second.previous) == (2, first)
    with pytest.raises(ValueError, match="document type"):
        document_store(
            case=case, kind=Document.Kind.INTERNAL, title="Vermerk", original_name="v.pdf", content=content, actor=None
        )


def test_it_submits_a_complete_draft_as_one_case_with_a_reference_number(soest: Municipality) -> None:
    draft = complete_draft(soest)
    case, token = case_submit(draft=draft, idempotency_key=draft.token, user=None)

    year = timezone.localdate().year
    assert case.reference == f"{soest.reference_prefix}-{year}-000001"
    assert token is not None and len(token) >= 40
    assert case.status == "submitted"
    assert case.subject == "Testerlaubnis: Straßenfest"
    assert case.applicant_email == "erika@example.org"
    assert case.department.key == "ordnungsamt"
    attachment = case.documents.get(kind=Document.Kind.ATTACHMENT)
    assert attachment.original_name == "nachweis.pdf" and len(attachment.sha256) == 64
    assert not Draft.all_tenants.filter(pk=draft.pk).exists()
    assert AuditEvent.all_tenants.filter(action="case.submitted", object_id=str(case.pk)).exists()
    assert case.events.get().kind == CaseEvent.Kind.SUBMITTED


def test_reference_numbers_count_up_per_municipality(soest: Municipality, lippstadt: Municipality) -> None:
    make_department(lippstadt, key="ordnungsamt", name="Ordnungsamt")
    first = submitted_case(soest)
    second = submitted_case(soest)
    other = submitted_case(lippstadt)
    assert first.reference.endswith("-000001")
    assert second.reference.endswith("-000002")
    assert other.reference.endswith("-000001")


def test_the_receipt_is_filed_as_pdfa_and_the_mail_carries_the_status_link(
    soest: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    mail.outbox.clear()
    draft = complete_draft(soest)
    with django_capture_on_commit_callbacks(execute=True):
        case, token = case_submit(draft=draft, idempotency_key=draft.token, user=None)

    receipt = case.documents.get(kind=Document.Kind.RECEIPT)
    content = receipt.file.read()
    assert content.startswith(b"%PDF")
    metadata = PdfReader(io.BytesIO(content)).root_object["/Metadata"].get_object().get_data()  # type: ignore[union-attr]
    assert b"pdfaid:part" in metadata
    confirmation = next(message for message in mail.outbox if case.reference in message.subject)
    assert confirmation.to == ["erika@example.org"]
    assert f"/soest/vorgang/{token}/" in confirmation.body


def test_a_repeated_submit_with_the_same_key_creates_exactly_one_case(soest: Municipality) -> None:
    draft = complete_draft(soest)
    key = draft.token
    first, token = case_submit(draft=draft, idempotency_key=key, user=None)
    # The retried request still carries the draft it had in memory.
    again, second_token = case_submit(draft=draft, idempotency_key=key, user=None)

    assert again.pk == first.pk
    assert second_token is None
    assert Case.all_tenants.count() == 1


def test_a_draft_with_a_step_missing_cannot_be_submitted(soest: Municipality) -> None:
    from rathaus.cases.tests.procedure import TestPermit

    draft = draft_start(municipality=soest, procedure_key=TestPermit.key, user=None)
    draft_save_step(
        draft=draft,
        step=TestPermit(soest).step("person"),
        cleaned_data={"name": "Erika", "email": "erika@example.org", "on_behalf": False},
        files={},
    )
    with pytest.raises(ValidationError) as error:
        case_submit(draft=draft, idempotency_key=uuid.uuid4(), user=None)
    assert "request" in error.value.message_dict
    assert Case.all_tenants.count() == 0


def test_a_conditional_step_is_required_only_when_it_applies(soest: Municipality) -> None:
    from rathaus.cases.tests.procedure import TestPermit

    draft = complete_draft(soest)
    procedure = TestPermit(soest)
    assert [step.key for step in procedure.applicable_steps(draft.answers)] == ["person", "request"]
    draft_save_step(
        draft=draft,
        step=procedure.step("person"),
        cleaned_data={"name": "Erika Mustermann", "email": "erika@example.org", "on_behalf": True},
        files={},
    )
    assert procedure.check(draft.answers, {}) == {"represented": ["Dieser Schritt ist noch nicht ausgefüllt."]}


def test_the_rule_across_steps_sends_the_applicant_back_to_the_step(soest: Municipality) -> None:
    draft = complete_draft(soest, topic="Erika Mustermann")
    with pytest.raises(ValidationError) as error:
        case_submit(draft=draft, idempotency_key=draft.token, user=None)
    assert error.value.message_dict == {"request": ["Das Thema darf nicht Ihr Name sein."]}


def test_the_fee_rule_sets_the_fee_and_requires_a_payment_method(soest: Municipality) -> None:
    draft = complete_draft(soest, express=True)
    with pytest.raises(ValidationError):
        case_submit(draft=draft, idempotency_key=draft.token, user=None)
    case, _token = case_submit(draft=draft, idempotency_key=draft.token, user=None, payment_provider="counter")
    assert case.fee == Decimal("12.50")
    assert case.payment_status == Case.Payment.OPEN


def test_a_refused_upload_leaves_the_draft_unchanged(soest: Municipality) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rathaus.cases.tests.procedure import TestPermit

    draft = complete_draft(soest)
    before = dict(draft.answers["request"])
    with pytest.raises(ValidationError) as error:
        draft_save_step(
            draft=draft,
            step=TestPermit(soest).step("request"),
            cleaned_data={"topic": "Neu", "express": False},
            files={"proof": [SimpleUploadedFile("lebenslauf.pdf", b"MZ\x90\x00" + b"\x00" * 100)]},
        )
    assert "proof" in error.value.message_dict
    draft.refresh_from_db()
    assert draft.answers["request"] == before
    assert draft.uploads.count() == 1


@pytest.fixture
def clerk(soest: Municipality, permit_office: Department) -> User:
    user = make_staff(soest, "sachbearbeitung@soest.example")
    Membership.all_tenants.filter(user=user).update(department=permit_office)
    return user


def test_staff_may_take_only_the_transitions_the_workflow_allows(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="approve", actor=clerk)  # not from "submitted"
    case = case_transition(case=case, transition_key="start", actor=clerk)
    assert case.status == "in_review"
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="start", actor=clerk)
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="unknown", actor=clerk)


def test_a_transition_for_admins_is_refused_to_clerks(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    case_transition(case=case, transition_key="start", actor=clerk)
    case_transition(case=case, transition_key="approve", actor=clerk)
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="archive", actor=clerk)
    admin = make_staff(soest, "leitung@soest.example", role=Membership.Role.ADMIN)
    assert case_transition(case=case, transition_key="archive", actor=admin).status == "archived"


def test_a_clerk_of_another_department_cannot_work_the_case(soest: Municipality) -> None:
    case = submitted_case(soest)
    other = make_staff(soest, "andere@soest.example")
    Membership.all_tenants.filter(user=other).update(department=make_department(soest, key="kasse", name="Kasse"))
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="start", actor=other)


def test_the_applicant_may_only_withdraw(soest: Municipality) -> None:
    case = submitted_case(soest)
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="start", actor=None)
    case = case_transition(case=case, transition_key="withdraw", actor=None)
    assert case.status == "withdrawn"
    assert case.closed_at is not None


def test_a_decision_sends_a_notice_pdf_to_the_postbox_and_mails_no_content(
    soest: Municipality, clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    case = submitted_case(soest)
    case_transition(case=case, transition_key="start", actor=clerk)
    mail.outbox.clear()
    with pytest.raises(ValidationError):
        case_transition(case=case, transition_key="reject", actor=clerk)  # needs a reason
    with django_capture_on_commit_callbacks(execute=True):
        case = case_transition(
            case=case, transition_key="reject", actor=clerk, text="Die Straße ist an diesem Tag gesperrt."
        )

    assert case.status == "rejected"
    assert case.closed_at is not None
    assert case.retention_until == case.closed_at + timedelta(days=30)
    notice = case.documents.get(kind=Document.Kind.NOTICE)
    assert notice.file.read().startswith(b"%PDF")
    message = Message.all_tenants.get(case=case, attachments=notice)
    assert message.direction == Message.Direction.TO_APPLICANT
    assert "gesperrt" in message.body
    notification = mail.outbox[-1]
    assert case.reference in notification.subject
    assert "gesperrt" not in notification.body


def test_requested_documents_put_the_case_on_hold_until_the_applicant_uploads(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    case_transition(case=case, transition_key="start", actor=clerk)
    with pytest.raises(ValidationError):
        document_request(case=case, actor=clerk, text="Lageplan", due_on=timezone.localdate())
    document_request(
        case=case, actor=clerk, text="Bitte den Lageplan.", due_on=timezone.localdate() + timedelta(days=14)
    )
    case.refresh_from_db()
    assert case.status == "waiting"

    message_from_applicant(case=case, user=None, body="Anbei der Lageplan.", uploads=[pdf_upload("lageplan.pdf")])

    case.refresh_from_db()
    assert case.status == "in_review"
    assert case.document_requests.get().fulfilled_at is not None
    assert case.documents.filter(original_name="lageplan.pdf").exists()
    assert case.events.filter(kind=CaseEvent.Kind.UPLOAD).exists()


def test_internal_notes_and_messages_are_recorded_in_the_audit_chain(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    note_add(case=case, actor=clerk, text="Anruf: Antragstellerin ist erreichbar.")
    message_to_applicant(case=case, actor=clerk, subject="", body="Wir melden uns nächste Woche.")
    actions = list(AuditEvent.all_tenants.filter(municipality=soest).values_list("action", flat=True))
    assert {"case.submitted", "note.added", "message.sent"} <= set(actions)
    assert audit_verify(municipality=soest) == []


def test_a_correction_is_a_new_version_and_the_old_document_stays(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    original = case.documents.get(kind=Document.Kind.ATTACHMENT)
    corrected = document_correct(document=original, upload=pdf_upload("neu.pdf"), actor=clerk, reason="Lesbare Kopie")
    assert corrected.version == 2 and corrected.previous == original
    assert Document.all_tenants.filter(pk=original.pk).exists()
    with pytest.raises(ValidationError):
        document_correct(document=original, upload=pdf_upload(), actor=clerk, reason="Noch einmal")
    original.title = "geändert"
    with pytest.raises(AppendOnlyError):
        original.save()


def test_only_admins_set_a_legal_hold(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    with pytest.raises(ValidationError):
        case_legal_hold(case=case, actor=clerk, hold=True, reason="Klage")
    admin = make_staff(soest, "leitung@soest.example", role=Membership.Role.ADMIN)
    assert case_legal_hold(case=case, actor=admin, hold=True, reason="Klage anhängig").legal_hold


def test_the_assigned_clerk_is_told_of_a_new_message_without_its_content(
    soest: Municipality, clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    from rathaus.cases.services import case_assign

    case = submitted_case(soest)
    case_assign(case=case, actor=clerk, assignee=clerk)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        message_from_applicant(case=case, user=None, body="Meine neue Telefonnummer ist 0171 000000.")
    notice = next(message for message in mail.outbox if message.to == [clerk.email])
    assert case.reference in notice.subject
    assert f"/soest/verwaltung/vorgaenge/{case.pk}/" in notice.body
    assert "Telefonnummer" not in notice.body


def test_tampering_with_a_case_history_is_found_by_the_audit_check(soest: Municipality, clerk: User) -> None:
    case = submitted_case(soest)
    case_transition(case=case, transition_key="start", actor=clerk)
    case_transition(case=case, transition_key="reject", actor=clerk, text="Nicht genehmigungsfähig.")
    note_add(case=case, actor=clerk, text="Antragstellerin telefonisch informiert.")
    assert audit_verify(municipality=soest) == []

    # Someone with database access rewrites the decision after the fact.
    decision = AuditEvent.all_tenants.get(municipality=soest, action="case.transition", data__transition="reject")
    AuditEvent.all_tenants.filter(pk=decision.pk).update(data={**decision.data, "to": "approved"})
    breaks = audit_verify(municipality=soest)
    assert [entry.sequence for entry in breaks] == [decision.sequence]

    # Deleting the entry instead breaks the chain at the entry after the gap.
    AuditEvent.all_tenants.filter(pk=decision.pk).update(data=decision.data)
    AuditEvent.all_tenants.filter(pk=decision.pk)._raw_delete(AuditEvent.all_tenants.db)
    breaks = audit_verify(municipality=soest)
    assert breaks and breaks[0].sequence == decision.sequence + 1
