"""Retention: closed files are deleted or anonymised once their retention period has passed.

This is the deletion concept (GDPR Art. 5(1)(e), 17): every procedure declares how long its
closed files are kept, on which legal basis, and whether they are then deleted or anonymised
(`Procedure.retention`). The period starts when the case is closed (`Case.retention_until`). A
legal hold (Löschsperre, e.g. during a lawsuit) stops deletion until it is lifted. Drafts that
nobody finished are removed after a while, with their uploads.

- "delete" removes the stored files, the documents and the case with its messages, notes and
  timeline. The audit trail keeps one entry saying so, without personal data.
- "anonymise" removes the documents, notes and everything that names the applicant, and keeps
  the case row (reference, procedure, status, dates) for statistics.

`rathaus retention` runs it from cron; `rathaus serve` queues the `retention_run` task daily.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rathaus.cases.models import Case, CaseEvent, Document, DocumentRequest, Draft, Message, Note
from rathaus.cases.services import draft_discard, hash_token
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.procedures import registry
from rathaus.procedures.base import Procedure, Retention
from rathaus.records.services import audit_record

logger = logging.getLogger(__name__)

# Anonymous drafts live in one browser session; a week covers leaving the form and coming back.
ANONYMOUS_DRAFT_MAX_AGE = timedelta(days=7)
# Drafts in an account can be resumed from "Meine Anträge"; half a year without a change means abandoned.
ACCOUNT_DRAFT_MAX_AGE = timedelta(days=180)
ERASED = "[gelöscht]"

DELETED = "deleted"
ANONYMISED = "anonymised"
HELD = "held"


@dataclass
class RetentionReport:
    """References of the cases each outcome applied to (or would apply to, in a dry run)."""

    dry_run: bool = False
    deleted: list[str] = field(default_factory=list)
    anonymised: list[str] = field(default_factory=list)
    held: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    drafts_deleted: int = 0

    def counts(self) -> dict[str, int]:
        return {
            DELETED: len(self.deleted),
            ANONYMISED: len(self.anonymised),
            HELD: len(self.held),
            "failed": len(self.failed),
            "drafts_deleted": self.drafts_deleted,
        }


def retention_apply(*, now: datetime | None = None, dry_run: bool = False) -> RetentionReport:
    """Deletes or anonymises every case whose retention period has passed, and abandoned drafts.

    Each case is handled in its own transaction: one that fails (a storage error, an unknown
    procedure) is logged and reported, and the others go ahead. With `dry_run` nothing changes and
    the report says what would happen.
    """
    now = now or timezone.now()
    report = RetentionReport(dry_run=dry_run)
    due = Case.all_tenants.filter(retention_until__lte=now, anonymised_at__isnull=True)
    for case_id, reference, legal_hold in list(
        due.order_by("retention_until", "pk").values_list("pk", "reference", "legal_hold")
    ):
        if legal_hold:
            report.held.append(reference)
            continue
        try:
            outcome = _case_expire(case_id=case_id, now=now, dry_run=dry_run)
        except Exception:
            logger.exception("Retention failed for case %s; it stays as it is until the next run.", reference)
            report.failed.append(reference)
            continue
        if outcome == DELETED:
            report.deleted.append(reference)
        elif outcome == ANONYMISED:
            report.anonymised.append(reference)
        elif outcome == HELD:
            report.held.append(reference)
    report.drafts_deleted = _drafts_expire(now=now, dry_run=dry_run)
    return report


def _case_expire(*, case_id: int, now: datetime, dry_run: bool) -> str | None:
    with transaction.atomic():
        case = Case.all_tenants.select_for_update().select_related("municipality").get(pk=case_id)
        with tenant_scope(case.municipality):
            # Checked again under the lock: a hold may have been set, or the case reopened, since the list was read.
            if case.legal_hold:
                return HELD
            if case.anonymised_at is not None or case.retention_until is None or case.retention_until > now:
                return None
            procedure = registry.get(case.procedure_key)
            retention = procedure.retention
            if retention.action not in ("delete", "anonymise"):
                raise ValueError(f"Unknown retention action {retention.action!r} in {case.procedure_key}.")
            if retention.action == "anonymise":
                if not dry_run:
                    _case_anonymise(case, procedure, retention)
                return ANONYMISED
            if not dry_run:
                _case_delete(case, retention)
            return DELETED


def _documents_remove(case: Case) -> int:
    """Deletes the stored files, then the rows, of every document of the case (all versions)."""
    documents = Document.objects.of(case.municipality_id).filter(case=case)
    count = 0
    # Files first: when the storage fails, the transaction rolls back with nothing in the database
    # changed, and the next run tries again (deleting a file that is already gone is no error).
    for document in documents.order_by("pk"):
        if document.file:
            document.file.delete(save=False)
        count += 1
    # A correction protects the version it replaces (`previous` is PROTECT): newest versions go first.
    for version in sorted(set(documents.values_list("version", flat=True)), reverse=True):
        Document.objects.of(case.municipality_id).filter(case=case, version=version).delete()
    return count


def _audit_data(case: Case, retention: Retention, documents: int) -> dict[str, object]:
    # Nothing that names the applicant: this entry outlives the file it speaks of.
    return {
        "reference": case.reference,
        "procedure": case.procedure_key,
        "closed_at": case.closed_at.isoformat() if case.closed_at else None,
        "basis": retention.basis,
        "documents": documents,
    }


def _case_delete(case: Case, retention: Retention) -> None:
    documents = _documents_remove(case)
    audit_record(
        municipality=case.municipality,
        actor=None,
        action="case.deleted_by_retention",
        obj=case,
        data=_audit_data(case, retention, documents),
    )
    case.delete()  # with its timeline, messages, notes and document requests


def _case_anonymise(case: Case, procedure: type[Procedure], retention: Retention) -> None:
    documents = _documents_remove(case)
    Note.objects.of(case.municipality_id).filter(case=case).delete()
    Message.objects.of(case.municipality_id).filter(case=case).update(subject=ERASED, body=ERASED)
    Message.objects.of(case.municipality_id).filter(case=case, direction=Message.Direction.FROM_APPLICANT).update(
        sender=None
    )
    DocumentRequest.objects.of(case.municipality_id).filter(case=case).update(text=ERASED)
    # The kind, status and date of each event stay for statistics; texts may name files or people.
    CaseEvent.objects.of(case.municipality_id).filter(case=case).update(text="")
    case.subject = str(procedure.title)[:200]  # the subject is made from the answers
    case.answers = {}
    case.context = {}
    case.applicant = None
    case.applicant_name = ""
    case.applicant_name_search = ""
    case.applicant_email = ""
    # The status link from the receipt mail leads nowhere any more.
    case.access_token_hash = hash_token(secrets.token_urlsafe(32))
    case.anonymised_at = timezone.now()
    case.save(
        update_fields=[
            "subject",
            "answers",
            "context",
            "applicant",
            "applicant_name",
            "applicant_name_search",
            "applicant_email",
            "access_token_hash",
            "anonymised_at",
            "updated_at",
        ]
    )
    audit_record(
        municipality=case.municipality,
        actor=None,
        action="case.anonymised_by_retention",
        obj=case,
        data=_audit_data(case, retention, documents),
    )


def _drafts_expire(*, now: datetime, dry_run: bool) -> int:
    stale = Draft.all_tenants.filter(
        Q(user__isnull=True, updated_at__lt=now - ANONYMOUS_DRAFT_MAX_AGE)
        | Q(user__isnull=False, updated_at__lt=now - ACCOUNT_DRAFT_MAX_AGE)
    )
    if dry_run:
        return stale.count()
    removed = 0
    for draft in stale.order_by("pk"):
        try:
            draft_discard(draft=draft)
        except Exception:
            logger.exception("Could not remove the abandoned draft %s.", draft.pk)
            continue
        removed += 1
    return removed
