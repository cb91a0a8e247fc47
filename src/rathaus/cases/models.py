"""Cases (Vorgänge): what an application becomes once submitted, and everything around it.

A case belongs to one municipality and one procedure. Its documents (`Document`) make up its
electronic file; every change is also written to the municipality's audit chain.
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rathaus.core.uploads import document_type_of, download_name
from rathaus.municipalities.tenancy import TenantModel
from rathaus.records.models import AppendOnlyError


class Case(TenantModel):
    class Payment(models.TextChoices):
        NONE = "none", _("Keine Gebühr")
        OPEN = "open", _("Offen")
        PAID = "paid", _("Bezahlt")
        CANCELLED = "cancelled", _("Abgebrochen")
        FAILED = "failed", _("Fehlgeschlagen")

    reference = models.CharField(_("Aktenzeichen"), max_length=32)
    procedure_key = models.CharField(_("Verfahren"), max_length=60)
    service = models.ForeignKey(
        "catalog.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    department = models.ForeignKey(
        "municipalities.Department", on_delete=models.PROTECT, related_name="cases", verbose_name=_("Fachbereich")
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    status = models.CharField(_("Status"), max_length=40)
    answers: models.JSONField[Any] = models.JSONField(_("Angaben"), default=dict)
    context: models.JSONField[Any] = models.JSONField(default=dict)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    applicant_name = models.CharField(_("Name"), max_length=200)
    # Lower-cased name for the queue's search; kept next to the name so the index can serve it.
    applicant_name_search = models.CharField(max_length=200, db_index=False)
    applicant_email = models.EmailField(_("E-Mail-Adresse"))
    language = models.CharField(max_length=8, default="de")
    # SHA-256 of the secret status link: whoever holds the link may open the case without an account.
    access_token_hash = models.CharField(max_length=64, unique=True)
    idempotency_key = models.UUIDField()
    fee = models.DecimalField(_("Gebühr"), max_digits=10, decimal_places=2, default=0)
    payment_status = models.CharField(_("Zahlung"), max_length=12, choices=Payment.choices, default=Payment.NONE)
    payment_provider = models.CharField(max_length=20, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        verbose_name=_("Bearbeitet von"),
    )
    submitted_at = models.DateTimeField(_("Eingegangen am"))
    due_at = models.DateTimeField(_("Zu entscheiden bis"), null=True, blank=True)
    closed_at = models.DateTimeField(_("Abgeschlossen am"), null=True, blank=True)
    retention_until = models.DateTimeField(_("Aufzubewahren bis"), null=True, blank=True)
    legal_hold = models.BooleanField(_("Löschsperre"), default=False)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "reference"], name="case_unique_reference"),
            models.UniqueConstraint(fields=["municipality", "idempotency_key"], name="case_unique_idempotency_key"),
        ]
        indexes = [
            # The clerk's queue: one department's cases by status, newest first.
            models.Index(fields=["municipality", "department", "status", "submitted_at"], name="case_queue"),
            models.Index(fields=["municipality", "department", "submitted_at"], name="case_queue_all"),
            models.Index(fields=["municipality", "assigned_to", "status"], name="case_assigned"),
            models.Index(fields=["municipality", "due_at"], name="case_due"),
            # Admins look across departments: every case, or one status, newest first.
            models.Index(fields=["municipality", "submitted_at"], name="case_submitted"),
            models.Index(fields=["municipality", "status", "submitted_at"], name="case_status"),
            # One procedure's cases, newest first; also whether a procedure has any cases at all.
            models.Index(fields=["municipality", "procedure_key", "submitted_at"], name="case_procedure"),
            # Open cases are a small share of all: these partial indexes stay small and serve the everyday
            # queue in every sort order without reading closed cases.
            models.Index(
                fields=["municipality", "submitted_at"], condition=models.Q(closed_at__isnull=True), name="case_open"
            ),
            models.Index(
                fields=["municipality", "department", "submitted_at"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_department",
            ),
            models.Index(
                fields=["municipality", "due_at"], condition=models.Q(closed_at__isnull=True), name="case_open_due"
            ),
            models.Index(
                fields=["municipality", "reference"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_reference",
            ),
            # The queue's name search is a prefix match (LIKE 'name%'): PostgreSQL uses an index for it
            # only with the pattern operator class, whatever the collation. Other databases ignore it.
            models.Index(
                fields=["municipality", "applicant_name_search"],
                name="case_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
            # The same search over open cases only (the default queue), for admins and for one department:
            # measured on 1,000,000 cases it answers a first-name search in about 6 ms instead of 30–90 ms.
            models.Index(
                fields=["municipality", "applicant_name_search"],
                name="case_open_name",
                opclasses=["int8_ops", "varchar_pattern_ops"],
                condition=models.Q(closed_at__isnull=True),
            ),
            models.Index(
                fields=["municipality", "department", "applicant_name_search"],
                name="case_open_department_name",
                opclasses=["int8_ops", "int8_ops", "varchar_pattern_ops"],
                condition=models.Q(closed_at__isnull=True),
            ),
            # "Assigned to me" among the open cases, newest first.
            models.Index(
                fields=["municipality", "assigned_to", "submitted_at"],
                condition=models.Q(closed_at__isnull=True),
                name="case_open_assigned",
            ),
            models.Index(fields=["applicant", "submitted_at"], name="case_applicant"),
            models.Index(fields=["retention_until"], name="case_retention"),
        ]
        verbose_name = pgettext_lazy("case", "Vorgang")
        verbose_name_plural = _("Vorgänge")

    def __str__(self) -> str:
        return self.reference

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class CaseEvent(TenantModel):
    """An entry of the case's timeline as the applicant sees it (the audit chain is the full record)."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("Eingegangen")
        STATUS = "status", _("Status geändert")
        REQUEST = "request", _("Unterlagen nachgefordert")
        UPLOAD = "upload", _("Unterlagen nachgereicht")
        NOTICE = "notice", _("Bescheid")
        MESSAGE = "message", _("Nachricht")
        PAYMENT = "payment", _("Zahlung")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=40, blank=True)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]


class Message(TenantModel):
    """A postbox message between the applicant and the administration."""

    class Direction(models.TextChoices):
        TO_APPLICANT = "out", _("An Antragstellende")
        FROM_APPLICANT = "in", _("Von Antragstellenden")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="messages")
    direction = models.CharField(max_length=3, choices=Direction.choices)
    sender = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject = models.CharField(_("Betreff"), max_length=200)
    body = models.TextField(_("Nachricht"))
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["case", "created_at"], name="message_case")]


def _document_path(document: "Document", filename: str) -> str:
    # A random name: the stored path reveals nothing and cannot be guessed.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"akten/{document.municipality_id}/{uuid.uuid4().hex}.{extension}"


class Document(TenantModel):
    """A document of an electronic file (E-Akte). Documents never change: a correction is a new
    version pointing at the one it replaces. Each carries its SHA-256, who stored it and when."""

    class Kind(models.TextChoices):
        ATTACHMENT = "attachment", _("Anlage")
        RECEIPT = "receipt", _("Eingangsbestätigung")
        NOTICE = "notice", _("Bescheid")
        MESSAGE = "message", _("Anlage zu einer Nachricht")
        INTERNAL = "internal", _("Interne Unterlage")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    file = models.FileField(upload_to=_document_path)
    original_name = models.CharField(_("Dateiname"), max_length=255)
    content_type = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField(_("Größe"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    version = models.PositiveIntegerField(_("Version"), default=1)
    previous = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_version"
    )
    message = models.ForeignKey(Message, null=True, blank=True, on_delete=models.CASCADE, related_name="attachments")
    # Set for documents the applicant may see (their own uploads, receipts, notices, message attachments).
    visible_to_applicant = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Gespeichert am"))

    class Meta:
        # The model moved here from `records` (migrations records 0004, cases 0005); its table kept its name.
        db_table = "records_document"
        ordering = ["created_at", "pk"]
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    @property
    def download_name(self) -> str:
        """The name the document is downloaded under: a safe stem of the uploaded name and the extension of
        the type its content was sniffed as ("Lebenslauf.hta" holding a PDF is "Lebenslauf.pdf"). Derived,
        not stored, so that documents stored before this rule are served safely too; `original_name` is
        kept only to be shown as text."""
        return download_name(self.original_name, self.content_type)

    @property
    def download_content_type(self) -> str:
        """The sniffed content type the document is served with; anything unknown as plain bytes."""
        return self.content_type if document_type_of(self.content_type) is not None else "application/octet-stream"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Documents cannot be changed; store a new version instead.")
        super().save(*args, **kwargs)


class Note(TenantModel):
    """An internal note on a case: never shown to the applicant."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    text = models.TextField(_("Notiz"))
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]


class DocumentRequest(TenantModel):
    """Documents a clerk asked the applicant for, with a deadline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="document_requests")
    text = models.TextField(_("Welche Unterlagen fehlen?"))
    due_on = models.DateField(_("Frist"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField()
    fulfilled_at = models.DateTimeField(null=True, blank=True)
    # The state the case returns to once the documents are in.
    resume_status = models.CharField(max_length=40)

    class Meta:
        ordering = ["created_at", "pk"]


class ReferenceCounter(TenantModel):
    """The last number handed out per municipality and year, for readable reference numbers."""

    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["municipality", "year"], name="reference_counter_unique_year")]


class Draft(TenantModel):
    """An application being filled in. Anonymous drafts belong to the browser session that holds
    their token; logged-in people can leave and resume theirs from "Meine Anträge"."""

    token = models.UUIDField(default=uuid.uuid4, unique=True)
    procedure_key = models.CharField(max_length=60)
    service = models.ForeignKey("catalog.Service", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="drafts"
    )
    answers: models.JSONField[Any] = models.JSONField(default=dict)
    context: models.JSONField[Any] = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]


class Upload(TenantModel):
    """A file uploaded while filling in a draft; it becomes a document of the case at submit."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="uploads")
    field = models.CharField(max_length=80)
    file = models.FileField(upload_to="uploads/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=80)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
