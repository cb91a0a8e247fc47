"""Retention: expired files are deleted or anonymised, held files stay, abandoned drafts go."""

import io
import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import FileSystemStorage, default_storage
from django.core.management import call_command
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, CaseEvent, Document, Draft, Message, Note, Upload
from rathaus.cases.retention import retention_apply
from rathaus.cases.services import (
    case_legal_hold,
    case_submit,
    case_transition,
    document_correct,
    draft_save_step,
    draft_start,
    message_from_applicant,
    message_to_applicant,
    note_add,
)
from rathaus.cases.tasks import retention_run
from rathaus.cases.tests import procedure
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry
from rathaus.procedures.base import Retention
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify
from rathaus.testing import make_staff, make_user


class AnonymisedPermit(procedure.TestPermit):
    key = "test-permit-anonymised"
    retention = Retention(timedelta(days=30), action="anonymise", basis="Statistik nach § 1 Testgesetz")


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def permits(soest: Municipality) -> Iterator[None]:
    registry.register(procedure.TestPermit)
    registry.register(AnonymisedPermit)
    Department.all_tenants.create(municipality=soest, key="ordnungsamt", name="Ordnungsamt")
    yield
    registry.unregister(procedure.TestPermit.key)
    registry.unregister(AnonymisedPermit.key)


@pytest.fixture
def clerk(soest: Municipality) -> User:
    return make_staff(soest, "sachbearbeitung@soest.example")


def draft_with_upload(
    municipality: Municipality, key: str = procedure.TestPermit.key, user: User | None = None
) -> Draft:
    draft = draft_start(municipality=municipality, procedure_key=key, user=user)
    permit = registry.get(key)(municipality)
    draft_save_step(
        draft=draft,
        step=permit.step("person"),
        cleaned_data={"name": "Erika Mustermann", "email": "erika@example.org", "on_behalf": False},
        files={},
    )
    draft_save_step(
        draft=draft,
        step=permit.step("request"),
        cleaned_data={"topic": "Straßenfest", "express": False},
        files={"proof": [pdf_upload()]},
    )
    return draft


def closed_case(municipality: Municipality, clerk: User, key: str = procedure.TestPermit.key) -> Case:
    """A withdrawn case with a corrected attachment, messages both ways with a file, and an internal note."""
    draft = draft_with_upload(municipality, key)
    case, _token = case_submit(draft=draft, idempotency_key=draft.token, user=None)
    document_correct(document=case.documents.get(), upload=pdf_upload("neu.pdf"), actor=clerk, reason="Lesbar")
    message_from_applicant(case=case, user=None, body="Hier der Lageplan.", uploads=[pdf_upload("lageplan.pdf")])
    message_to_applicant(case=case, actor=clerk, subject="", body="Danke, Frau Mustermann.")
    note_add(case=case, actor=clerk, text="Frau Mustermann rief an.")
    return case_transition(case=case, transition_key="withdraw", actor=None)


def after(case: Case) -> datetime:
    assert case.retention_until is not None
    return case.retention_until + timedelta(days=1)


def stored_files(case: Case) -> list[str]:
    return [str(document.file.name) for document in Document.all_tenants.filter(case=case)]


def test_an_expired_file_is_deleted_with_its_documents_and_stored_files(
    soest: Municipality, clerk: User, tmp_path: Path
) -> None:
    case = closed_case(soest, clerk)
    files = stored_files(case)
    assert len(files) == 3 and all(default_storage.exists(name) for name in files)

    report = retention_apply(now=after(case))

    assert report.deleted == [case.reference]
    assert not Case.all_tenants.filter(pk=case.pk).exists()
    assert not Document.all_tenants.exists()
    assert not Message.all_tenants.exists() and not Note.all_tenants.exists() and not CaseEvent.all_tenants.exists()
    assert not any(default_storage.exists(name) for name in files)
    entry = AuditEvent.all_tenants.get(action="case.deleted_by_retention")
    assert entry.data == {
        "reference": case.reference,
        "procedure": "test-permit",
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "basis": "Test",
        "documents": 3,
    }
    assert "Mustermann" not in json.dumps(entry.data) and "erika@" not in json.dumps(entry.data)
    assert audit_verify(municipality=soest) == []


def test_a_file_whose_period_has_not_passed_is_kept(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk)
    assert case.retention_until is not None
    open_draft = draft_with_upload(soest)
    open_case, _token = case_submit(draft=open_draft, idempotency_key=open_draft.token, user=None)

    report = retention_apply(now=case.retention_until - timedelta(minutes=1))

    assert report.deleted == report.anonymised == report.held == []
    assert Case.all_tenants.count() == 2
    assert Document.all_tenants.filter(case=case).count() == 3
    assert not AuditEvent.all_tenants.filter(action__endswith="_by_retention").exists()


def test_a_legal_hold_keeps_an_expired_file_and_is_reported(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk)
    admin = make_staff(soest, "leitung@soest.example", role=Membership.Role.ADMIN)
    case_legal_hold(case=case, actor=admin, hold=True, reason="Klage anhängig")
    files = stored_files(case)

    report = retention_apply(now=after(case))

    assert report.held == [case.reference] and report.deleted == []
    assert Case.all_tenants.filter(pk=case.pk).exists()
    assert all(default_storage.exists(name) for name in files)


def test_anonymising_keeps_the_case_for_statistics_without_personal_data(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk, key=AnonymisedPermit.key)
    files = stored_files(case)

    report = retention_apply(now=after(case))

    assert report.anonymised == [case.reference] and report.deleted == []
    kept = Case.all_tenants.get(pk=case.pk)
    assert (kept.reference, kept.procedure_key, kept.status) == (case.reference, AnonymisedPermit.key, "withdrawn")
    assert kept.submitted_at == case.submitted_at and kept.closed_at == case.closed_at
    assert kept.anonymised_at is not None
    assert kept.answers == {} and kept.applicant_name == "" and kept.applicant_email == ""
    assert "Straßenfest" not in kept.subject
    assert not Document.all_tenants.exists() and not Note.all_tenants.exists()
    assert not any(default_storage.exists(name) for name in files)
    assert {(message.subject, message.body) for message in Message.all_tenants.filter(case=kept)} == {
        ("[gelöscht]", "[gelöscht]")
    }
    assert all(event.text == "" for event in CaseEvent.all_tenants.filter(case=kept))
    entry = AuditEvent.all_tenants.get(action="case.anonymised_by_retention")
    assert entry.data["basis"] == "Statistik nach § 1 Testgesetz" and "Mustermann" not in json.dumps(entry.data)
    assert audit_verify(municipality=soest) == []

    assert retention_apply(now=after(case)).anonymised == []  # once is enough


def test_a_dry_run_reports_and_changes_nothing(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk)
    audit_entries = AuditEvent.all_tenants.count()

    report = retention_apply(now=after(case), dry_run=True)

    assert report.dry_run and report.deleted == [case.reference]
    assert Case.all_tenants.filter(pk=case.pk).exists()
    assert Document.all_tenants.filter(case=case).count() == 3
    assert AuditEvent.all_tenants.count() == audit_entries


def test_one_failing_case_does_not_stop_the_others(
    soest: Municipality, clerk: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    broken = closed_case(soest, clerk)
    fine = closed_case(soest, clerk)
    unreachable = set(stored_files(broken))
    delete = FileSystemStorage.delete

    def failing_delete(storage: FileSystemStorage, name: str) -> None:
        if name in unreachable:
            raise OSError("storage unreachable")
        delete(storage, name)

    monkeypatch.setattr(FileSystemStorage, "delete", failing_delete)

    report = retention_apply(now=after(fine))

    assert report.failed == [broken.reference] and report.deleted == [fine.reference]
    assert Document.all_tenants.filter(case=broken).count() == 3  # rolled back, tried again next time
    assert not AuditEvent.all_tenants.filter(action="case.deleted_by_retention", object_id=str(broken.pk)).exists()


def test_abandoned_drafts_are_removed_with_their_uploads(soest: Municipality) -> None:
    now = timezone.now()
    citizen = make_user("buergerin@example.org")
    old_anonymous = draft_with_upload(soest)
    recent_anonymous = draft_with_upload(soest)
    resting_in_account = draft_with_upload(soest, user=citizen)
    old_in_account = draft_with_upload(soest, user=citizen)
    for draft, age in (
        (old_anonymous, timedelta(days=8)),
        (recent_anonymous, timedelta(days=6)),
        (resting_in_account, timedelta(days=100)),
        (old_in_account, timedelta(days=181)),
    ):
        Draft.all_tenants.filter(pk=draft.pk).update(updated_at=now - age)
    upload_file = str(Upload.all_tenants.get(draft=old_anonymous).file.name)
    assert default_storage.exists(upload_file)

    assert retention_apply(now=now, dry_run=True).drafts_deleted == 2
    assert Draft.all_tenants.count() == 4
    report = retention_apply(now=now)

    assert report.drafts_deleted == 2
    assert set(Draft.all_tenants.values_list("pk", flat=True)) == {recent_anonymous.pk, resting_in_account.pk}
    assert not default_storage.exists(upload_file)


def test_the_command_prints_a_line_per_case_and_a_summary(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk)
    Case.all_tenants.filter(pk=case.pk).update(retention_until=timezone.now() - timedelta(days=1))

    dry = io.StringIO()
    call_command("retention", "--dry-run", stdout=dry)
    assert dry.getvalue().splitlines() == [
        f"would delete {case.reference}",
        "Dry run, nothing changed: 1 deleted, 0 anonymised, 0 on legal hold, 0 failed; "
        "0 abandoned drafts would be removed.",
    ]
    out = io.StringIO()
    call_command("retention", stdout=out)
    assert out.getvalue().splitlines() == [
        f"deleted {case.reference}",
        "Retention: 1 deleted, 0 anonymised, 0 on legal hold, 0 failed; 0 abandoned drafts removed.",
    ]
    assert not Case.all_tenants.filter(pk=case.pk).exists()


def test_the_task_runs_the_retention(soest: Municipality, clerk: User) -> None:
    case = closed_case(soest, clerk)
    Case.all_tenants.filter(pk=case.pk).update(retention_until=timezone.now() - timedelta(days=1))

    result = retention_run.enqueue()

    assert result.return_value == {"deleted": 1, "anonymised": 0, "held": 0, "failed": 0, "drafts_deleted": 0}
    assert not Case.all_tenants.filter(pk=case.pk).exists()
