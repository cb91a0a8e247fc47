"""Delivery of the messages to recipient authorities, with retries.

Each message is delivered by its own task (`deliver`), so a recipient that is down holds up no other.
A failed attempt is written down with its error and the time of the next attempt (`BACKOFF`); after
the last step the message has "given up" and waits for a clerk's "Erneut senden" (`message_retry`).
`deliver_due` queues the messages whose next attempt has come; `rathaus serve` calls it every minute
and `rathaus outbox` on demand.

How a message travels is its recipient's transport, looked up by name in `TRANSPORTS`: a folder the
recipient's system collects from (`FileDropTransport`) or e-mail with the XML attached
(`EmailTransport`). A further way (FIT-Connect) is one more entry there.

Every change of a message's state is an entry in the audit trail; the entries name the message and the
recipient's kind, never a person. The admins' settings of the office and its recipients are saved here
too (`office_update`, `recipient_save`), each with its audit entry.
"""

from __future__ import annotations

import logging
import os
import re
import smtplib
import tempfile
from collections.abc import Iterable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage, get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_tasks import task

from rathaus.accounts.models import User
from rathaus.core.mail import RETRY_DELAYS, QueuedEmailBackend
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.records.services import audit_record
from rathaus.trade.models import OutboxMessage, Recipient, TradeOffice

if TYPE_CHECKING:
    from rathaus.municipalities.models import Municipality

logger = logging.getLogger(__name__)

# Pauses after the 1st, 2nd, … failed attempt: 1 min, 5 min, 15 min, 1 h, 4 h, 18 h, the same as for
# the portal's own mails. After the last the message gives up (7 attempts in about a day).
BACKOFF = RETRY_DELAYS
# While one task sends a message, its next attempt moves this far ahead: no second task sends it at
# the same time, and a worker that dies mid-send leaves a message that is due again after this.
CLAIM = timedelta(minutes=10)
# How many due messages one run of `deliver_due` queues at the most.
DUE_BATCH = 500
# The longest error text kept on a message.
ERROR_LENGTH = 1000
_FOLDER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,99}$")
PENDING = OutboxMessage.Status.PENDING
SENT = OutboxMessage.Status.SENT
FAILED = OutboxMessage.Status.FAILED
GAVE_UP = OutboxMessage.Status.GAVE_UP


class DeliveryError(Exception):
    """A message did not reach its recipient. The text is German and shown to clerks as it is."""


class Transport(Protocol):
    """One way to deliver a message. `send` raises DeliveryError when the message did not arrive."""

    @property
    def label(self) -> str | Promise:
        """The name clerks see, e.g. "E-Mail"."""

    def validate_address(self, address: str) -> None:
        """Raises ValidationError (German) when `address` cannot be an address of this transport."""

    def send(self, message: OutboxMessage) -> None: ...


class FileDropTransport:
    """Writes `<TRADE_OUTBOX_DIR>/<address>/<message uuid>.xml`, where the recipient's system (or a
    transfer job) collects it. The file appears whole or not at all: it is written under a hidden
    temporary name in the same folder, flushed to disk and then renamed."""

    label = gettext_lazy("Dateiablage")

    def validate_address(self, address: str) -> None:
        if not _FOLDER.match(address):
            raise ValidationError(
                gettext_lazy(
                    "Bei der Dateiablage ist die Adresse ein einfacher Ordnername aus Buchstaben, Ziffern, "
                    "Binde- und Unterstrichen, z. B. „finanzamt-soest“."
                ),
                code="folder",
            )

    def folder(self, address: str) -> Path:
        """The recipient's folder; never outside the outbox directory."""
        try:
            self.validate_address(address)
        except ValidationError:
            raise DeliveryError(
                _("Die Adresse „%(address)s“ ist kein zulässiger Ordner der Dateiablage.") % {"address": address}
            ) from None
        base = Path(settings.TRADE_OUTBOX_DIR).resolve()
        folder = (base / address).resolve()
        if folder.parent != base:  # e.g. a symbolic link out of the outbox directory
            raise DeliveryError(
                _("Der Ordner „%(address)s“ liegt außerhalb des Ablageverzeichnisses.") % {"address": address}
            )
        return folder

    def send(self, message: OutboxMessage) -> None:
        folder = self.folder(message.recipient.address)
        target = folder / f"{message.message_uuid}.xml"
        temporary = ""
        try:
            folder.mkdir(mode=0o750, parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".part")
            with os.fdopen(handle, "wb") as file:
                os.fchmod(file.fileno(), 0o640)
                file.write(message.xml.encode("utf-8"))
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, target)
            temporary = ""
            _fsync_directory(folder)
        except OSError as error:
            raise DeliveryError(
                _("Die Datei konnte nicht im Ordner „%(address)s“ abgelegt werden: %(error)s")
                % {"address": message.recipient.address, "error": error.strerror or error}
            ) from error
        finally:
            if temporary:
                Path(temporary).unlink(missing_ok=True)


def _fsync_directory(folder: Path) -> None:
    """The rename itself survives a power cut only once the directory is on disk."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class EmailTransport:
    """Sends the message as an e-mail attachment. It goes straight through the real mail backend, not
    the portal's mail queue: a failure must show here, where the outbox counts and retries it."""

    label = gettext_lazy("E-Mail")

    def validate_address(self, address: str) -> None:
        try:
            validate_email(address)
        except ValidationError:
            raise ValidationError(
                gettext_lazy("Bitte geben Sie eine gültige E-Mail-Adresse an, z. B. „gewerbe@finanzamt.example“."),
                code="email",
            ) from None

    def connection_backend(self) -> str:
        backend: str = settings.EMAIL_BACKEND
        if issubclass(import_string(backend), QueuedEmailBackend):
            backend = settings.EMAIL_DELIVERY_BACKEND
        return backend

    def send(self, message: OutboxMessage) -> None:
        from rathaus.trade.services import trade_office_for

        recipient = message.recipient
        office = trade_office_for(message.municipality)
        correction = _(" (Korrektur)") if message.is_correction else ""
        email = EmailMessage(
            subject=_("Gewerbemeldung %(reference)s%(correction)s")
            % {"reference": message.notice.reference, "correction": correction},
            body=_(
                "Guten Tag,\n\nim Anhang erhalten Sie eine Gewerbemeldung nach XGewerbeanzeige (%(type)s) von "
                "%(sender)s.\nNachrichten-UUID: %(uuid)s\n\nBei Rückfragen schreiben Sie bitte an %(email)s.\n"
            )
            % {
                "type": message.message_type,
                "sender": office.sender_name,
                "uuid": message.message_uuid,
                "email": office.sender_email,
            },
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[recipient.address],
            reply_to=[office.sender_email] if office.sender_email else [],
            connection=get_connection(self.connection_backend(), fail_silently=False),
        )
        email.attach(
            f"{message.message_type}-{message.message_uuid}.xml", message.xml.encode("utf-8"), "application/xml"
        )
        try:
            email.send()
        except (OSError, smtplib.SMTPException) as error:
            raise DeliveryError(
                _("Die E-Mail an %(address)s wurde nicht angenommen: %(error)s")
                % {"address": recipient.address, "error": error}
            ) from error


# The ways a message can travel, by the name a recipient stores in `transport`.
TRANSPORTS: dict[str, Transport] = {
    "file": FileDropTransport(),
    "email": EmailTransport(),
}


def _audit(message: OutboxMessage, action: str, actor: User | None = None, **data: object) -> None:
    audit_record(
        municipality=message.municipality,
        actor=actor,
        action=action,
        obj=message,
        data={
            "message": str(message.message_uuid),
            "recipient": message.recipient.kind,
            "case": message.notice.reference,
            **data,
        },
    )


def _claim(message: OutboxMessage) -> bool:
    """Takes the message for this task if it is (still) due; False if another task has it or it is done."""
    now = timezone.now()
    claimed = (
        OutboxMessage.objects.of(message.municipality_id)
        .filter(pk=message.pk, status__in=[PENDING, FAILED], attempts=message.attempts)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .update(next_attempt_at=now + CLAIM)
    )
    return claimed == 1


def _sent(message: OutboxMessage) -> None:
    with transaction.atomic():
        message.status = SENT
        message.attempts += 1
        message.sent_at = timezone.now()
        message.last_error = ""
        message.next_attempt_at = None
        message.save(update_fields=["status", "attempts", "sent_at", "last_error", "next_attempt_at"])
        _audit(message, "trade.message_sent", attempt=message.attempts)


def _failed(message: OutboxMessage, error: str) -> None:
    with transaction.atomic():
        message.attempts += 1
        message.last_error = error[:ERROR_LENGTH]
        if message.attempts > len(BACKOFF):
            message.status = GAVE_UP
            message.next_attempt_at = None
        else:
            message.status = FAILED
            message.next_attempt_at = timezone.now() + BACKOFF[message.attempts - 1]
        message.save(update_fields=["status", "attempts", "last_error", "next_attempt_at"])
        _audit(message, "trade.message_failed", attempt=message.attempts, status=message.status)
    logger.warning(
        "Message %s to %s failed (attempt %d, now %s): %s",
        message.message_uuid,
        message.recipient.kind,
        message.attempts,
        message.status,
        error,
    )


@task()
def deliver(message_id: int) -> str:
    """Delivers one message if it is due; returns its status afterwards."""
    message = (
        OutboxMessage.all_tenants.select_related("recipient", "notice", "municipality").filter(pk=message_id).first()
    )
    if message is None:
        return "missing"
    with tenant_scope(message.municipality):
        if message.status not in (PENDING, FAILED) or not _claim(message):
            return str(message.status)  # already sent, given up, not yet due, or in another task's hands
        transport = TRANSPORTS.get(message.recipient.transport)
        try:
            if transport is None:
                raise DeliveryError(
                    _("Den Übermittlungsweg „%(transport)s“ gibt es nicht.")
                    % {"transport": message.recipient.transport}
                )
            transport.send(message)
        except DeliveryError as error:
            _failed(message, str(error))
        except Exception as error:
            # A fault of ours (not the recipient's) counts as an attempt too, so the message cannot loop.
            logger.exception("Message %s could not be sent", message.message_uuid)
            _failed(message, _("Interner Fehler beim Senden: %(error)s") % {"error": type(error).__name__})
        else:
            _sent(message)
        return str(message.status)


def _enqueue(message_ids: Iterable[int]) -> int:
    queued = 0
    for message_id in message_ids:
        try:
            deliver.enqueue(message_id)
        except Exception:
            # The message stays due; the next run of `deliver_due` queues it again.
            logger.exception("Could not queue message %s", message_id)
        else:
            queued += 1
    return queued


def deliver_after_commit(message_ids: list[int]) -> None:
    """Queues one delivery per message once the transaction that created them has committed."""
    ids = list(message_ids)
    if ids:
        transaction.on_commit(lambda: _enqueue(ids))


def due_messages() -> list[int]:
    """The messages whose (next) attempt has come, oldest first."""
    now = timezone.now()
    return list(
        OutboxMessage.all_tenants.filter(status__in=[PENDING, FAILED])
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:DUE_BATCH]
    )


def deliver_due(*, now: bool = False) -> int:
    """Queues a delivery for every due message; with `now`, failed messages count as due at once.
    Returns how many were queued. Cheap when nothing is due: one indexed query."""
    if now:
        OutboxMessage.all_tenants.filter(status=FAILED).update(next_attempt_at=timezone.now())
    return _enqueue(due_messages())


@transaction.atomic
def message_retry(*, message: OutboxMessage, actor: User) -> OutboxMessage:
    """The clerk's "Erneut senden": a failed or given-up message starts a new round of attempts now."""
    if message.status not in (FAILED, GAVE_UP):
        raise ValidationError(_("Diese Nachricht ist nicht fehlgeschlagen und kann nicht erneut gesendet werden."))
    earlier = message.attempts
    updated = (
        OutboxMessage.objects.of(message.municipality_id)
        .filter(pk=message.pk, status__in=[FAILED, GAVE_UP])
        .update(status=PENDING, attempts=0, next_attempt_at=timezone.now())
    )
    if updated != 1:
        raise ValidationError(_("Die Nachricht wurde gerade schon erneut gesendet."))
    message.refresh_from_db()
    _audit(message, "trade.message_retried", actor=actor, attempts_before=earlier)
    deliver_after_commit([message.pk])
    return message


# Who receives messages, and as whom they go out: the admin's settings page ---------------------------


@transaction.atomic
def office_update(*, office: TradeOffice, data: dict[str, Any], by: User) -> TradeOffice:
    """Saves an admin's changes to the trade office's fees and sender; the audit names the fields."""
    for name, value in data.items():
        setattr(office, name, value)
    office.full_clean()
    office.save()
    audit_record(
        municipality=office.municipality,
        actor=by,
        action="trade.office_updated",
        obj=office,
        data={"fields": sorted(data)},
    )
    return office


@transaction.atomic
def recipient_save(
    *, municipality: Municipality, recipient: Recipient | None, data: dict[str, Any], by: User
) -> Recipient:
    """Adds a recipient authority or saves changes to one (address, transport, opted out)."""
    action = "trade.recipient_updated" if recipient is not None else "trade.recipient_created"
    recipient = recipient or Recipient(municipality=municipality)
    for name, value in data.items():
        setattr(recipient, name, value)
    transport = TRANSPORTS.get(recipient.transport)
    if transport is None:
        raise ValidationError({"transport": _("Diesen Übermittlungsweg gibt es nicht.")})
    try:
        transport.validate_address(recipient.address)
    except ValidationError as error:
        raise ValidationError({"address": error.messages}) from None
    recipient.full_clean()
    recipient.save()
    audit_record(
        municipality=municipality,
        actor=by,
        action=action,
        obj=recipient,
        data={"recipient": recipient.kind, "fields": sorted(data), "active": recipient.active},
    )
    return recipient
