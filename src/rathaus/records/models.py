"""The audit trail: an append-only log per municipality whose entries are chained by hashes.

Each entry stores the SHA-256 of its own content together with the hash of the entry before
it. Editing, deleting or reordering any row breaks the chain at that row, which
`rathaus audit verify` finds (see `records.services.audit_verify`).
"""

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from rathaus.municipalities.tenancy import TenantModel

GENESIS_HASH = "0" * 64


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a row that is written once: an audit entry, a document."""


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
