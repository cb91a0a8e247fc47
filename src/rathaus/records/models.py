"""The audit trail: an append-only log per municipality whose entries are chained by hashes.

Each entry stores the SHA-256 of its own content together with the hash of the entry before
it. Editing, deleting or reordering any row breaks the chain at that row, which
`rathaus audit verify` finds (see `records.services.audit_verify`).
"""

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete an audit entry."""


class AuditEvent(TenantModel):
    sequence = models.PositiveBigIntegerField(_("Laufende Nummer"))
    created_at = models.DateTimeField(_("Zeitpunkt"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The actor's id as written; stays when the account is deleted, so the hash still holds.
    actor_ref = models.CharField(_("Handelnde Person"), max_length=40, blank=True)
    action = models.CharField(_("Vorgang"), max_length=80)
    object_type = models.CharField(_("Art des Eintrags"), max_length=80, blank=True)
    object_id = models.CharField(_("Nummer des Eintrags"), max_length=40, blank=True)
    data: models.JSONField[Any] = models.JSONField(_("Angaben"), default=dict)
    previous_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["municipality_id", "sequence"]
        constraints = [models.UniqueConstraint(fields=["municipality", "sequence"], name="audit_event_unique_sequence")]
        indexes = [
            # A case file shows the entries about the case and about everything in it (data["case"]);
            # without these, that page would read the municipality's whole log.
            models.Index(fields=["municipality", "object_type", "object_id"], name="audit_object"),
            models.Index(F("data__case"), name="audit_case"),
        ]
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokolleinträge")

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Audit entries cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("Audit entries cannot be deleted.")


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

    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="documents")
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
    message = models.ForeignKey(
        "cases.Message", null=True, blank=True, on_delete=models.CASCADE, related_name="attachments"
    )
    # Set for documents the applicant may see (their own uploads, receipts, notices, message attachments).
    visible_to_applicant = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("Gespeichert am"))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")

    def __str__(self) -> str:
        return f"{self.title} (v{self.version})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AppendOnlyError("Documents cannot be changed; store a new version instead.")
        super().save(*args, **kwargs)
