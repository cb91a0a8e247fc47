"""Every write on drafts, cases, messages and documents.

Each function validates, writes in one transaction together with its audit entry, and leaves
slow work (PDFs, mails) to background tasks started after the commit.
"""

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import (
    Case,
    CaseEvent,
    Document,
    DocumentRequest,
    Draft,
    Message,
    Note,
    ReferenceCounter,
    Upload,
)
from rathaus.catalog.models import Service
from rathaus.core.uploads import DocumentType, sha256_of, validate_document_upload
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry
from rathaus.procedures.base import ADMIN, Procedure, Step, Transition
from rathaus.records.services import audit_record


def procedure_for(case_or_draft: Case | Draft) -> Procedure:
    return registry.get(case_or_draft.procedure_key)(case_or_draft.municipality)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# Drafts ----------------------------------------------------------------------------------------


def draft_start(
    *,
    municipality: Municipality,
    procedure_key: str,
    user: User | None,
    service: Service | None = None,
    params: Mapping[str, str] | None = None,
) -> Draft:
    """Starts an application. The procedure checks the start link (e.g. that the job posting is still open)."""
    try:
        procedure = registry.get(procedure_key)(municipality)
    except KeyError:
        raise ValidationError(_("Dieses Verfahren gibt es nicht.")) from None
    context = procedure.initial(params or {})
    return Draft.objects.create(
        municipality=municipality,
        procedure_key=procedure_key,
        service=service,
        user=user if user is not None and user.is_authenticated else None,
        context=context,
    )


def _json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if hasattr(value, "pk"):
        return value.pk
    return value


@transaction.atomic
def draft_save_step(
    *, draft: Draft, step: Step, cleaned_data: Mapping[str, Any], files: Mapping[str, list[UploadedFile[bytes]]]
) -> Draft:
    """Keeps a valid step's answers. Uploads are checked against the procedure's limits, stored with
    their SHA-256 and replace earlier uploads of the same field; the answers keep their ids."""
    procedure = procedure_for(draft)
    rule = procedure.attachments
    answers = dict(draft.answers.get(step.key, {}))
    for name, value in cleaned_data.items():
        if name not in files:
            answers[name] = _json_safe(value)
    replaced = [name for name, uploads in files.items() if uploads]
    kept = draft.uploads.exclude(field__in=[f"{step.key}.{name}" for name in replaced]).count()
    incoming = sum(len(uploads) for uploads in files.values())
    if kept + incoming > rule.max_files:
        raise ValidationError(
            _("Sie können höchstens %(count)s Dateien zu diesem Antrag hochladen.") % {"count": rule.max_files}
        )
    # Every file is checked before any is stored: a refused file leaves the draft as it was.
    checked: dict[str, list[tuple[UploadedFile[bytes], DocumentType]]] = {}
    problems: dict[str, list[str]] = {}
    for name, uploads in files.items():
        for upload in uploads:
            try:
                document_type = validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes)
            except ValidationError as error:
                problems.setdefault(name, []).extend(f"{upload.name}: {message}" for message in error.messages)
            else:
                checked.setdefault(name, []).append((upload, document_type))
    if problems:
        raise ValidationError(problems)
    for name, uploads in files.items():
        if not uploads:
            answers.setdefault(name, [])
            continue
        for old in draft.uploads.filter(field=f"{step.key}.{name}"):
            old.file.delete(save=False)
            old.delete()
        stored = []
        for upload, document_type in checked[name]:
            row = Upload(
                municipality=draft.municipality,
                draft=draft,
                field=f"{step.key}.{name}",
                original_name=(upload.name or "datei")[:255],
                content_type=document_type.content_type,
                size=upload.size or 0,
                sha256=sha256_of(upload),
            )
            row.file.save(f"{uuid.uuid4().hex}.{document_type.extension}", upload, save=False)
            row.save()
            stored.append({"upload": row.pk, "name": row.original_name, "sha256": row.sha256})
        answers[name] = stored
    draft.answers = {**draft.answers, step.key: answers}
    draft.save(update_fields=["answers", "updated_at"])
    return draft


def draft_discard(*, draft: Draft) -> None:
    for upload in draft.uploads.all():
        upload.file.delete(save=False)
    draft.delete()


# Submission ------------------------------------------------------------------------------------


def reference_next(*, municipality: Municipality, year: int) -> str:
    """The next readable reference number, e.g. SO-2026-000123; unique per municipality.
    Must run inside the submit transaction: the counter row is locked until it commits."""
    counter, _created = ReferenceCounter.all_tenants.select_for_update().get_or_create(
        municipality=municipality, year=year
    )
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{municipality.reference_prefix}-{year}-{counter.last:06d}"


def _department_for(procedure: Procedure, draft: Draft) -> Department:
    if draft.service is not None:
        return draft.service.department
    departments = Department.all_tenants.filter(municipality=draft.municipality)
    department = departments.filter(key=procedure.department_key).first() or departments.order_by("pk").first()
    if department is None:
        raise ValidationError(_("Für dieses Verfahren ist noch kein Fachbereich zuständig."))
    return department


def case_submit(
    *, draft: Draft, idempotency_key: uuid.UUID, user: User | None, payment_provider: str = ""
) -> tuple[Case, str | None]:
    """Turns a complete draft into a case, in one transaction. Returns the case and its secret status
    token; a repeated submit with the same idempotency key returns the existing case and no token."""
    existing = Case.all_tenants.filter(municipality=draft.municipality, idempotency_key=idempotency_key).first()
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
                document = Document(
                    municipality=case.municipality,
                    case=case,
                    kind=Document.Kind.ATTACHMENT,
                    title=upload.original_name,
                    original_name=upload.original_name,
                    content_type=upload.content_type,
                    size=upload.size,
                    sha256=upload.sha256,
                    created_by=case.applicant,
                    created_at=now,
                )
                # The stored file is taken over as it is: same bytes, same hash.
                document.file.name = upload.file.name
                document.save()
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
            Upload.all_tenants.filter(draft=draft).delete()
            draft.delete()
    except IntegrityError:
        # Two submits with the same key raced: the other one won and its case is the answer.
        existing = Case.all_tenants.filter(municipality=draft.municipality, idempotency_key=idempotency_key).first()
        if existing is None:
            raise
        return existing, None
    transaction.on_commit(lambda: _after_submit(case, token))
    return case, token


def _after_submit(case: Case, token: str) -> None:
    from rathaus.cases.tasks import receipt_generate

    receipt_generate.enqueue(case.pk)
    with translation.override(case.language):
        link = f"{_site_url()}{reverse('case_status', kwargs={'municipality_slug': case.municipality.slug, 'token': token})}"
        send_mail(
            _("Ihr Antrag %(reference)s ist eingegangen") % {"reference": case.reference},
            _(
                "Guten Tag,\n\nIhr Antrag „%(subject)s“ ist bei %(municipality)s eingegangen.\n"
                "Aktenzeichen: %(reference)s\n\n"
                "Den Stand Ihres Antrags, Nachrichten und Bescheide sehen Sie hier:\n%(link)s\n\n"
                "Bitte geben Sie diesen Link nicht weiter: Wer ihn kennt, kann Ihren Antrag sehen.\n"
            )
            % {
                "subject": case.subject,
                "municipality": case.municipality.name,
                "reference": case.reference,
                "link": link,
            },
            None,
            [case.applicant_email],
        )


def _site_url() -> str:
    return str(settings.SITE_URL)


def _notify_applicant(case: Case, subject: str) -> None:
    """An e-mail that something new waits in the postbox. It never carries the content."""

    def send() -> None:
        with translation.override(case.language):
            if case.applicant is not None:
                where = _site_url() + reverse(
                    "my_case", kwargs={"municipality_slug": case.municipality.slug, "reference": case.reference}
                )
            else:
                where = _("den Link aus Ihrer Eingangsbestätigung")
            send_mail(
                subject,
                _(
                    "Guten Tag,\n\nzu Ihrem Vorgang %(reference)s bei %(municipality)s gibt es Neuigkeiten. "
                    "Aus Datenschutzgründen steht der Inhalt nur in Ihrem Postfach.\n\nBitte öffnen Sie %(where)s.\n"
                )
                % {"reference": case.reference, "municipality": case.municipality.name, "where": where},
                None,
                [case.applicant_email],
            )

    transaction.on_commit(send)


def _notify_staff(case: Case, clerk: User) -> None:
    """Tells the clerk working the case that the applicant wrote; the content stays in the file."""
    link = _site_url() + reverse(
        "backoffice:case_detail", kwargs={"municipality_slug": case.municipality.slug, "case_id": case.pk}
    )
    reference = case.reference

    def send() -> None:
        send_mail(
            _("Neue Nachricht zu Vorgang %(reference)s") % {"reference": reference},
            _("Zu Vorgang %(reference)s ist eine neue Nachricht der antragstellenden Person eingegangen:\n%(link)s\n")
            % {"reference": reference, "link": link},
            None,
            [clerk.email],
        )

    transaction.on_commit(send)


# Staff -----------------------------------------------------------------------------------------


def staff_role_for(*, case: Case, user: User) -> str:
    """The role `user` has on `case`: admins everywhere in their municipality; clerks in their department
    (or everywhere when they belong to no department). PermissionDenied-like ValidationError otherwise."""
    membership = Membership.all_tenants.filter(municipality=case.municipality, user=user).first()
    if membership is None:
        raise ValidationError(_("Sie gehören nicht zur Verwaltung dieser Kommune."))
    if membership.role == ADMIN:
        return ADMIN
    if membership.department_id is not None and membership.department_id != case.department_id:
        raise ValidationError(_("Dieser Vorgang gehört zu einem anderen Fachbereich."))
    return membership.role


def case_viewed(*, case: Case, actor: User) -> None:
    """Staff opened the file with the applicant's personal data: that is recorded."""
    audit_record(municipality=case.municipality, actor=actor, action="case.viewed", obj=case)


@transaction.atomic
def case_assign(*, case: Case, actor: User, assignee: User | None) -> Case:
    staff_role_for(case=case, user=actor)
    if assignee is not None:
        staff_role_for(case=case, user=assignee)
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.assigned",
        obj=case,
        data={"assignee": str(assignee.pk) if assignee else ""},
    )
    return case


def _close_if_final(case: Case, procedure: Procedure, now: datetime) -> None:
    if case.status in procedure.workflow.final:
        case.closed_at = now
        case.retention_until = procedure.retention_start(case) + procedure.retention.period
    else:
        case.closed_at = None
        case.retention_until = None


@transaction.atomic
def case_transition(*, case: Case, transition_key: str, actor: User | None, text: str = "") -> Case:
    """Moves a case along its workflow. Staff may take the transitions their role allows; the applicant
    (actor is the applicant or None through the status link) only those marked `by_applicant`."""
    case = Case.all_tenants.select_for_update().get(pk=case.pk)
    procedure = procedure_for(case)
    try:
        transition = procedure.workflow.transition(transition_key)
    except KeyError:
        raise ValidationError(_("Diesen Schritt gibt es in diesem Verfahren nicht.")) from None
    by_applicant = transition.by_applicant and (actor is None or actor.pk == case.applicant_id)
    if by_applicant:
        allowed = procedure.workflow.available(case.status, by_applicant=True)
    else:
        if actor is None:
            raise ValidationError(_("Diesen Schritt darf nur die Verwaltung gehen."))
        allowed = procedure.workflow.available(case.status, role=staff_role_for(case=case, user=actor))
    if transition not in allowed:
        raise ValidationError(
            _("„%(step)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"step": transition.label, "status": procedure.workflow.label(case.status)}
        )
    if transition.needs_text and not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie eine Begründung oder Erläuterung.")})
    now = timezone.now()
    previous = case.status
    case.status = transition.target
    _close_if_final(case, procedure, now)
    case.save(update_fields=["status", "closed_at", "retention_until", "updated_at"])
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.STATUS,
        status=case.status,
        text=str(transition.label),
        created_at=now,
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.transition",
        obj=case,
        data={"transition": transition.key, "from": previous, "to": case.status},
    )
    procedure.transitioned(case, transition, actor, text)
    if transition.notice_template:
        notice_case, notice_key, notice_text = case, transition.key, text
        actor_id = actor.pk if actor is not None else None

        def generate() -> None:
            from rathaus.cases.tasks import notice_generate

            notice_generate.enqueue(notice_case.pk, notice_key, notice_text, actor_id)

        transaction.on_commit(generate)
    elif not by_applicant:
        _notify_applicant(case, _("Neuer Stand zu Ihrem Vorgang %(reference)s") % {"reference": case.reference})
    return case


def notice_store(*, case: Case, transition: Transition, text: str, actor: User | None, pdf: bytes) -> Message:
    """Files a generated notice (Bescheid) and delivers it to the applicant's postbox."""
    from django.core.files.base import ContentFile

    now = timezone.now()
    title = str(transition.notice_title or transition.label)
    with transaction.atomic():
        message = Message.objects.create(
            municipality=case.municipality,
            case=case,
            direction=Message.Direction.TO_APPLICANT,
            sender=actor,
            subject=title,
            body=text or title,
            created_at=now,
        )
        document = Document(
            municipality=case.municipality,
            case=case,
            kind=Document.Kind.NOTICE,
            title=title,
            original_name=f"{case.reference}-{transition.key}.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            message=message,
            created_by=actor,
            created_at=now,
        )
        document.file.save(f"{case.reference}-{transition.key}.pdf", ContentFile(pdf), save=False)
        document.save()
        CaseEvent.objects.create(
            municipality=case.municipality, case=case, kind=CaseEvent.Kind.NOTICE, text=title, created_at=now
        )
        audit_record(
            municipality=case.municipality,
            actor=actor,
            action="case.notice",
            obj=case,
            data={"document": document.pk, "sha256": document.sha256, "title": title},
        )
        _notify_applicant(case, _("Neuer Bescheid zu Ihrem Vorgang %(reference)s") % {"reference": case.reference})
    return message


def receipt_store(*, case: Case, pdf: bytes) -> Document:
    from django.core.files.base import ContentFile

    with transaction.atomic():
        document = Document(
            municipality=case.municipality,
            case=case,
            kind=Document.Kind.RECEIPT,
            title=_("Eingangsbestätigung"),
            original_name=f"{case.reference}-eingangsbestaetigung.pdf",
            content_type="application/pdf",
            size=len(pdf),
            sha256=hashlib.sha256(pdf).hexdigest(),
            created_at=timezone.now(),
        )
        document.file.save(document.original_name, ContentFile(pdf), save=False)
        document.save()
        audit_record(
            municipality=case.municipality,
            actor=None,
            action="document.stored",
            obj=document,
            data={"case": case.reference, "kind": document.kind, "sha256": document.sha256},
        )
    return document


@transaction.atomic
def document_request(*, case: Case, actor: User, text: str, due_on: date) -> DocumentRequest:
    """Asks the applicant for missing documents with a deadline; the case waits for them."""
    case = Case.all_tenants.select_for_update().get(pk=case.pk)
    staff_role_for(case=case, user=actor)
    if case.is_closed:
        raise ValidationError(_("Der Vorgang ist abgeschlossen."))
    if not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie, welche Unterlagen fehlen.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("Die Frist muss in der Zukunft liegen.")})
    procedure = procedure_for(case)
    now = timezone.now()
    request = DocumentRequest.objects.create(
        municipality=case.municipality,
        case=case,
        text=text,
        due_on=due_on,
        requested_by=actor,
        created_at=now,
        resume_status=case.status,
    )
    if procedure.workflow.waiting and case.status != procedure.workflow.waiting:
        case.status = procedure.workflow.waiting
        case.save(update_fields=["status", "updated_at"])
    Message.objects.create(
        municipality=case.municipality,
        case=case,
        direction=Message.Direction.TO_APPLICANT,
        sender=actor,
        subject=_("Bitte reichen Sie Unterlagen nach"),
        body=_("%(text)s\n\nBitte laden Sie die Unterlagen bis zum %(due)s auf der Seite Ihres Antrags hoch.")
        % {"text": text, "due": due_on.strftime("%d.%m.%Y")},
        created_at=now,
    )
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.REQUEST,
        status=case.status,
        text=text,
        created_at=now,
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.documents_requested",
        obj=case,
        data={"request": request.pk, "due_on": due_on.isoformat()},
    )
    _notify_applicant(case, _("Unterlagen zu Ihrem Vorgang %(reference)s fehlen") % {"reference": case.reference})
    return request


def _store_uploads(
    *, case: Case, uploads: list[UploadedFile[bytes]], actor: User | None, kind: str, message: Message | None = None
) -> list[Document]:
    procedure = procedure_for(case)
    rule = procedure.attachments
    types = [validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes) for upload in uploads]
    now = timezone.now()
    documents = []
    for upload, document_type in zip(uploads, types, strict=True):
        document = Document(
            municipality=case.municipality,
            case=case,
            kind=kind,
            title=(upload.name or "Datei")[:200],
            original_name=(upload.name or "datei")[:255],
            content_type=document_type.content_type,
            size=upload.size or 0,
            sha256=sha256_of(upload),
            message=message,
            created_by=actor,
            created_at=now,
        )
        document.file.save(f"upload.{document_type.extension}", upload, save=False)
        document.save()
        documents.append(document)
        audit_record(
            municipality=case.municipality,
            actor=actor,
            action="document.stored",
            obj=document,
            data={"case": case.reference, "kind": kind, "sha256": document.sha256, "name": document.original_name},
        )
    return documents


@transaction.atomic
def message_from_applicant(
    *, case: Case, user: User | None, body: str, uploads: list[UploadedFile[bytes]] | None = None
) -> Message:
    """The applicant writes to the administration, optionally with documents. Documents sent while a
    request is open fulfil it and the case goes back to the clerk."""
    case = Case.all_tenants.select_for_update().get(pk=case.pk)
    uploads = uploads or []
    if not body.strip() and not uploads:
        raise ValidationError({"body": _("Bitte schreiben Sie eine Nachricht oder laden Sie eine Datei hoch.")})
    if case.anonymised_at is not None:
        raise ValidationError(_("Dieser Vorgang ist gelöscht."))
    if (
        len(uploads) + case.documents.filter(kind=Document.Kind.ATTACHMENT).count()
        > procedure_for(case).attachments.max_files * 2
    ):
        raise ValidationError(_("Zu diesem Vorgang können keine weiteren Dateien hochgeladen werden."))
    now = timezone.now()
    message = Message.objects.create(
        municipality=case.municipality,
        case=case,
        direction=Message.Direction.FROM_APPLICANT,
        sender=user if user is not None and user.is_authenticated else None,
        subject=_("Nachricht von %(name)s") % {"name": case.applicant_name},
        body=body.strip() or _("Unterlagen nachgereicht"),
        created_at=now,
    )
    actor = user if user is not None and user.is_authenticated else None
    documents = _store_uploads(case=case, uploads=uploads, actor=actor, kind=Document.Kind.ATTACHMENT, message=message)
    open_requests = case.document_requests.filter(fulfilled_at__isnull=True)
    if documents and open_requests.exists():
        resume = open_requests.order_by("created_at").first()
        open_requests.update(fulfilled_at=now)
        procedure = procedure_for(case)
        if resume is not None and case.status == procedure.workflow.waiting:
            case.status = resume.resume_status
            case.save(update_fields=["status", "updated_at"])
        CaseEvent.objects.create(
            municipality=case.municipality,
            case=case,
            kind=CaseEvent.Kind.UPLOAD,
            status=case.status,
            text=", ".join(document.original_name for document in documents),
            created_at=now,
        )
    if case.assigned_to is not None and case.assigned_to.email:
        _notify_staff(case, case.assigned_to)
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="message.received",
        obj=message,
        data={"case": case.reference, "documents": [document.pk for document in documents]},
    )
    return message


@transaction.atomic
def message_to_applicant(
    *, case: Case, actor: User, subject: str, body: str, uploads: list[UploadedFile[bytes]] | None = None
) -> Message:
    staff_role_for(case=case, user=actor)
    if not body.strip():
        raise ValidationError({"body": _("Bitte schreiben Sie eine Nachricht.")})
    message = Message.objects.create(
        municipality=case.municipality,
        case=case,
        direction=Message.Direction.TO_APPLICANT,
        sender=actor,
        subject=subject.strip() or _("Nachricht zu Ihrem Vorgang %(reference)s") % {"reference": case.reference},
        body=body,
        created_at=timezone.now(),
    )
    _store_uploads(case=case, uploads=uploads or [], actor=actor, kind=Document.Kind.MESSAGE, message=message)
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.MESSAGE,
        text=message.subject,
        created_at=message.created_at,
    )
    audit_record(
        municipality=case.municipality, actor=actor, action="message.sent", obj=message, data={"case": case.reference}
    )
    _notify_applicant(case, _("Neue Nachricht zu Ihrem Vorgang %(reference)s") % {"reference": case.reference})
    return message


def messages_mark_read(*, case: Case) -> None:
    """The applicant opened their postbox: messages to them count as read."""
    Message.all_tenants.filter(case=case, direction=Message.Direction.TO_APPLICANT, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def note_add(*, case: Case, actor: User, text: str) -> Note:
    staff_role_for(case=case, user=actor)
    if not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie eine Notiz.")})
    note = Note.objects.create(
        municipality=case.municipality, case=case, author=actor, text=text.strip(), created_at=timezone.now()
    )
    audit_record(
        municipality=case.municipality, actor=actor, action="note.added", obj=note, data={"case": case.reference}
    )
    return note


@transaction.atomic
def document_correct(*, document: Document, upload: UploadedFile[bytes], actor: User, reason: str) -> Document:
    """A correction: a new version of a document that points at the one it replaces; the old one stays."""
    staff_role_for(case=document.case, user=actor)
    if hasattr(document, "next_version"):
        raise ValidationError(_("Von diesem Dokument gibt es schon eine neuere Fassung."))
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Berichtigung.")})
    rule = procedure_for(document.case).attachments
    document_type = validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes)
    corrected = Document(
        municipality=document.municipality,
        case=document.case,
        kind=document.kind,
        title=document.title,
        original_name=(upload.name or document.original_name)[:255],
        content_type=document_type.content_type,
        size=upload.size or 0,
        sha256=sha256_of(upload),
        version=document.version + 1,
        previous=document,
        message=document.message,
        visible_to_applicant=document.visible_to_applicant,
        created_by=actor,
        created_at=timezone.now(),
    )
    corrected.file.save(f"upload.{document_type.extension}", upload, save=False)
    corrected.save()
    audit_record(
        municipality=document.municipality,
        actor=actor,
        action="document.corrected",
        obj=corrected,
        data={"previous": document.pk, "sha256": corrected.sha256, "reason": reason.strip()},
    )
    return corrected


@transaction.atomic
def case_legal_hold(*, case: Case, actor: User, hold: bool, reason: str) -> Case:
    """A legal hold stops the retention clock from deleting the file (e.g. during a lawsuit)."""
    if staff_role_for(case=case, user=actor) != ADMIN:
        raise ValidationError(_("Nur die Verwaltung der Kommune darf eine Löschsperre setzen oder aufheben."))
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund.")})
    case.legal_hold = hold
    case.save(update_fields=["legal_hold", "updated_at"])
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.legal_hold_set" if hold else "case.legal_hold_lifted",
        obj=case,
        data={"reason": reason.strip()},
    )
    return case


@transaction.atomic
def case_payment_update(*, case: Case, status: str, actor: User | None = None) -> Case:
    """Mirrors the payment's state on the case (called when the payment provider reports back)."""
    if status not in Case.Payment.values:
        raise ValidationError(_("Unbekannter Zahlungsstatus."))
    case.payment_status = status
    case.save(update_fields=["payment_status", "updated_at"])
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.PAYMENT,
        text=str(Case.Payment(status).label),
        created_at=timezone.now(),
    )
    audit_record(municipality=case.municipality, actor=actor, action="case.payment", obj=case, data={"status": status})
    return case


def case_payment_start(*, case: Case, return_url: str) -> str | None:
    """Starts (or restarts) paying the case's fee with the provider chosen at submit; returns where to send
    the applicant (a hosted payment page) or None when there is nothing to do online."""
    from rathaus.payments.models import Payment
    from rathaus.payments.services import payment_create, payment_start

    if case.payment_status == Case.Payment.PAID or case.fee <= 0:
        return None
    payment = (
        Payment.all_tenants.filter(municipality=case.municipality, reference=case.reference, status="open")
        .order_by("-created_at")
        .first()
    )
    if payment is None:
        payment = payment_create(
            municipality=case.municipality,
            reference=case.reference,
            purpose=case.subject,
            amount=case.fee,
            provider_key=case.payment_provider,
            return_url=return_url,
        )
    return payment_start(payment=payment)
