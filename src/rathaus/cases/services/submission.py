"""Turning a complete draft into a case (`case_submit`), with its reference number and status link."""

import hashlib
import secrets
import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case, CaseEvent, Document, Draft, ReferenceCounter, Upload
from rathaus.cases.services.common import procedure_for
from rathaus.cases.services.documents import document_store
from rathaus.cases.services.notifications import submission_confirm
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures.base import Procedure
from rathaus.records.services import audit_record


def hash_token(token: str) -> str:
    """What is stored of a secret status link: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def reference_next(*, municipality: Municipality, year: int) -> str:
    """The next readable reference number, e.g. SO-2026-000123; unique per municipality.
    Must run inside the submit transaction: the counter row is locked until it commits."""
    counter, _created = ReferenceCounter.objects.of(municipality).select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{municipality.reference_prefix}-{year}-{counter.last:06d}"


def _department_for(procedure: Procedure, draft: Draft) -> Department:
    if draft.service is not None:
        return draft.service.department
    departments = Department.objects.filter(municipality=draft.municipality)
    department = departments.filter(key=procedure.department_key).first() or departments.order_by("pk").first()
    if department is None:
        raise ValidationError(_("Für dieses Verfahren ist noch kein Fachbereich zuständig."))
    return department


def case_submit(
    *, draft: Draft, idempotency_key: uuid.UUID, user: User | None, payment_provider: str = ""
) -> tuple[Case, str | None]:
    """Turns a complete draft into a case, in one transaction. Returns the case and its secret status
    token; a repeated submit with the same idempotency key returns the existing case and no token."""
    existing = Case.objects.filter(municipality=draft.municipality, idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing, None
    procedure = procedure_for(draft)
    errors = procedure.check(draft.answers, draft.context)
    if errors:
        raise ValidationError({key or "__all__": messages for key, messages in errors.items()})
    fee = procedure.fee(draft.answers, draft.context)
    if fee > 0 and not payment_provider:
        raise ValidationError(_("Bitte wählen Sie, wie Sie die Gebühr bezahlen möchten."))
    name, email = procedure.applicant(draft.answers)
    token = secrets.token_urlsafe(32)
    now = timezone.now()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                municipality=draft.municipality,
                reference=reference_next(municipality=draft.municipality, year=timezone.localdate(now).year),
                procedure_key=draft.procedure_key,
                service=draft.service,
                department=_department_for(procedure, draft),
                subject=procedure.subject(draft.answers, draft.context)[:200],
                status=procedure.workflow.initial,
                answers={key: value for key, value in draft.answers.items() if not key.startswith("_")},
                context=draft.context,
                applicant=user if user is not None and user.is_authenticated else None,
                applicant_name=name[:200],
                applicant_name_search=name.lower()[:200],
                applicant_email=email,
                language=translation.get_language() or "de",
                access_token_hash=hash_token(token),
                idempotency_key=idempotency_key,
                fee=fee,
                payment_status=Case.Payment.OPEN if fee > 0 else Case.Payment.NONE,
                payment_provider=payment_provider if fee > 0 else "",
                submitted_at=now,
                due_at=now + timedelta(days=procedure.processing_days) if procedure.processing_days else None,
            )
            for upload in draft.uploads.all():
                document_store(
                    case=case,
                    kind=Document.Kind.ATTACHMENT,
                    title=upload.original_name,
                    original_name=upload.original_name,
                    content=upload,
                    actor=case.applicant,
                    created_at=now,
                )
            CaseEvent.objects.create(
                municipality=case.municipality,
                case=case,
                kind=CaseEvent.Kind.SUBMITTED,
                status=case.status,
                created_at=now,
            )
            audit_record(
                municipality=case.municipality,
                actor=case.applicant,
                action="case.submitted",
                obj=case,
                data={"reference": case.reference, "procedure": case.procedure_key, "fee": str(fee)},
            )
            Upload.objects.of(draft.municipality_id).filter(draft=draft).delete()
            draft.delete()
    except IntegrityError:
        # Two submits with the same key raced: the other one won and its case is the answer.
        existing = Case.objects.filter(municipality=draft.municipality, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, None
    transaction.on_commit(lambda: _after_submit(case, token))
    return case, token


def _after_submit(case: Case, token: str) -> None:
    from rathaus.cases.tasks import receipt_generate

    receipt_generate.enqueue(case.pk)
    submission_confirm(case=case, token=token)
