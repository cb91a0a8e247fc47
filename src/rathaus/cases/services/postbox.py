"""The postbox: messages between the applicant and the administration, and the notices
(Bescheide) delivered into it."""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case, CaseEvent, Document, Message
from rathaus.cases.services.common import procedure_for
from rathaus.cases.services.documents import (
    case_lock,
    document_store,
    generated_name,
    generated_storage,
    orphan_remove,
    uploads_store,
)
from rathaus.cases.services.notifications import applicant_notify, clerk_notify
from rathaus.cases.services.staff import staff_role_for
from rathaus.core.uploads import PDF
from rathaus.procedures.base import Transition
from rathaus.records.services import audit_record


def notice_store(
    *, case: Case, transition: Transition, text: str, actor: User | None, pdf: bytes, task_id: str | None = None
) -> Message:
    """Files a generated notice (Bescheid) and delivers it to the applicant's postbox.

    `task_id` names the task that rendered it: run again (after its worker died), the task finds
    the notice it filed and returns its message instead of delivering it twice, and replaces a
    file left by an attempt that died before its commit."""
    now = timezone.now()
    title = str(transition.notice_title or transition.label)
    name = generated_name(case=case, purpose=f"notice:{task_id}") if task_id else None
    written = False
    try:
        with transaction.atomic():
            if name is not None:
                case_lock(case)
                existing = Document.objects.filter(municipality=case.municipality, file=name).first()
                if existing is not None and existing.message is not None:
                    return existing.message
                orphan_remove(case, name)
            message = Message.objects.create(
                municipality=case.municipality,
                case=case,
                direction=Message.Direction.TO_APPLICANT,
                sender=actor,
                subject=title,
                body=text or title,
                created_at=now,
            )
            written = name is not None
            document = document_store(
                case=case,
                kind=Document.Kind.NOTICE,
                title=title,
                original_name=f"{case.reference}-{transition.key}.pdf",
                content=pdf,
                document_type=PDF,
                actor=actor,
                message=message,
                created_at=now,
                stored_name=name,
            )
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
            applicant_notify(
                case=case,
                subject=_("Neuer Bescheid zu Ihrem Vorgang %(reference)s") % {"reference": case.reference},
            )
    except BaseException:
        if written and name is not None:
            generated_storage().delete(name)
        raise
    return message


@transaction.atomic
def message_from_applicant(
    *, case: Case, user: User | None, body: str, uploads: list[UploadedFile[bytes]] | None = None
) -> Message:
    """The applicant writes to the administration, optionally with documents. Documents sent while a
    request is open fulfil it and the case goes back to the clerk."""
    case = Case.objects.of(case.municipality_id).select_for_update().get(pk=case.pk)
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
    documents = uploads_store(case=case, uploads=uploads, actor=actor, kind=Document.Kind.ATTACHMENT, message=message)
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
        clerk_notify(case=case, clerk=case.assigned_to)
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
    uploads_store(case=case, uploads=uploads or [], actor=actor, kind=Document.Kind.MESSAGE, message=message)
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
    applicant_notify(
        case=case, subject=_("Neue Nachricht zu Ihrem Vorgang %(reference)s") % {"reference": case.reference}
    )
    return message


def messages_mark_read(*, case: Case) -> None:
    """The applicant opened their postbox: messages to them count as read."""
    Message.objects.of(case.municipality_id).filter(
        case=case, direction=Message.Direction.TO_APPLICANT, read_at__isnull=True
    ).update(read_at=timezone.now())
