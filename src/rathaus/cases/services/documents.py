"""The documents of the electronic file. `document_store` is the one place a `Document` is made;
documents never change, a correction is a new version (`document_correct`)."""

import hashlib
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import FileField
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Document, Message, Upload
from rathaus.cases.services.common import procedure_for
from rathaus.cases.services.staff import staff_role_for
from rathaus.core.uploads import PDF, DocumentType, sha256_of, validate_document_upload
from rathaus.records.services import audit_record
from rathaus.tasks.pause import pause_point


def document_store(
    *,
    case: Case,
    kind: str,
    title: str,
    original_name: str,
    content: bytes | UploadedFile[bytes] | Upload,
    document_type: DocumentType | None = None,
    actor: User | None,
    message: Message | None = None,
    previous: Document | None = None,
    visible_to_applicant: bool = True,
    created_at: datetime | None = None,
    stored_name: str | None = None,
) -> Document:
    """Files a document in the case's electronic file, with its size and SHA-256.

    `content` is a generated file's bytes or an upload the caller has checked, each with the
    `document_type` the content is, or a draft's `Upload`, whose stored file is taken over as it is:
    same bytes, same hash. A new version names the one it replaces as `previous`. The audit entry is
    the caller's, because what happened differs (a submit, a notice, a correction). `stored_name`
    (see `generated_name`) stores new content under that name instead of a random one.
    """
    if isinstance(content, Upload):
        content_type, size, sha256 = content.content_type, content.size, content.sha256
    else:
        if document_type is None:
            raise ValueError("A document made from new content needs its document type.")
        content_type = document_type.content_type
        # Only the extension counts: the storage gives every new file a random name.
        name = f"dokument.{document_type.extension}"
        stored: File[bytes]
        if isinstance(content, bytes):
            size, sha256, stored = len(content), hashlib.sha256(content).hexdigest(), ContentFile(content)
        else:
            size, sha256, stored = content.size or 0, sha256_of(content), content
    document = Document(
        municipality=case.municipality,
        case=case,
        kind=kind,
        title=title[:200],
        original_name=original_name[:255],
        content_type=content_type,
        size=size,
        sha256=sha256,
        version=previous.version + 1 if previous is not None else 1,
        previous=previous,
        message=message,
        visible_to_applicant=visible_to_applicant,
        created_by=actor,
        created_at=created_at or timezone.now(),
    )
    if isinstance(content, Upload):
        document.file.name = content.file.name
    elif stored_name is not None:
        document.file.name = document.file.storage.save(stored_name, stored)
    else:
        document.file.save(name, stored, save=False)
    document.save()
    return document


def generated_name(*, case: Case, purpose: str) -> str:
    """Where a PDF the worker makes for `purpose` ("receipt", a notice's task id) is stored: the
    same name on every attempt, so that a retry finds what a crashed attempt left, and as little to
    guess as a random name (a keyed hash of case and purpose)."""
    digest = salted_hmac("rathaus.cases.generated", f"{case.pk}:{purpose}", algorithm="sha256").hexdigest()
    return f"akten/{case.municipality_id}/{digest[:32]}.pdf"


def generated_storage() -> Storage:
    field = Document._meta.get_field("file")
    if not isinstance(field, FileField):  # pragma: no cover (the model says it is)
        raise TypeError("Document.file is not a file field")
    return field.storage


def case_lock(case: Case) -> None:
    """Holds the case's row until the transaction ends: two workers filing for it take turns (on
    SQLite every write transaction takes the database's lock at its start anyway)."""
    Case.objects.of(case.municipality_id).select_for_update().filter(pk=case.pk).values_list("pk").get()


def orphan_remove(case: Case, name: str) -> None:
    """Removes a file an earlier attempt stored under `name` but whose document was never committed
    (its worker died in between); the caller holds the case's lock."""
    storage = generated_storage()
    if storage.exists(name) and not Document.objects.filter(municipality=case.municipality, file=name).exists():
        storage.delete(name)


def receipt_store(*, case: Case, pdf: bytes) -> Document:
    """Files the receipt (Eingangsbestätigung) rendered for a submitted case, once: a second call
    (two workers at once, a task run again after its worker died) returns the receipt there is.
    File, document and audit entry are stored together or not at all; a file left by a worker that
    died before its commit is replaced."""
    name = generated_name(case=case, purpose="receipt")
    written = False
    try:
        with transaction.atomic():
            case_lock(case)
            existing = case.documents.filter(kind=Document.Kind.RECEIPT).order_by("version", "pk").first()
            if existing is not None:
                return existing
            orphan_remove(case, name)
            written = True
            document = document_store(
                case=case,
                kind=Document.Kind.RECEIPT,
                title=_("Eingangsbestätigung"),
                original_name=f"{case.reference}-eingangsbestaetigung.pdf",
                content=pdf,
                document_type=PDF,
                actor=None,
                stored_name=name,
            )
            pause_point("receipt-stored")  # tests kill the worker here, between the file and the commit
            audit_record(
                municipality=case.municipality,
                actor=None,
                action="document.stored",
                obj=document,
                data={"case": case.reference, "kind": document.kind, "sha256": document.sha256},
            )
    except BaseException:
        if written:
            generated_storage().delete(name)
        raise
    return document


def uploads_store(
    *, case: Case, uploads: list[UploadedFile[bytes]], actor: User | None, kind: str, message: Message | None = None
) -> list[Document]:
    """Files uploads sent to a case (with a message), each checked against the procedure's limits
    first: one refused file stores none."""
    rule = procedure_for(case).attachments
    types = [validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes) for upload in uploads]
    now = timezone.now()
    documents = []
    for upload, document_type in zip(uploads, types, strict=True):
        document = document_store(
            case=case,
            kind=kind,
            title=upload.name or "Datei",
            original_name=upload.name or "datei",
            content=upload,
            document_type=document_type,
            actor=actor,
            message=message,
            created_at=now,
        )
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
def document_correct(*, document: Document, upload: UploadedFile[bytes], actor: User, reason: str) -> Document:
    """A correction: a new version of a document that points at the one it replaces; the old one stays."""
    staff_role_for(case=document.case, user=actor)
    if hasattr(document, "next_version"):
        raise ValidationError(_("Von diesem Dokument gibt es schon eine neuere Fassung."))
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund der Berichtigung.")})
    rule = procedure_for(document.case).attachments
    document_type = validate_document_upload(upload, allowed=rule.types, max_bytes=rule.max_bytes)
    corrected = document_store(
        case=document.case,
        kind=document.kind,
        title=document.title,
        original_name=upload.name or document.original_name,
        content=upload,
        document_type=document_type,
        actor=actor,
        message=document.message,
        previous=document,
        visible_to_applicant=document.visible_to_applicant,
    )
    audit_record(
        municipality=document.municipality,
        actor=actor,
        action="document.corrected",
        obj=corrected,
        data={"previous": document.pk, "sha256": corrected.sha256, "reason": reason.strip()},
    )
    return corrected


def document_viewed(*, document: Document, actor: User) -> None:
    """Staff opened a document of the file: that is recorded, every time."""
    audit_record(
        municipality=document.case.municipality,
        actor=actor,
        action="document.viewed",
        obj=document,
        data={"case": document.case.reference},
    )
