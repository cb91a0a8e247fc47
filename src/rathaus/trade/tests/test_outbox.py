"""Delivering the messages: file drop and e-mail, one task per message, retries with growing pauses, and
the clerk's "Erneut senden"."""

from __future__ import annotations

import io
import os
import smtplib
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.cases.services import case_transition
from rathaus.records.models import AuditEvent
from rathaus.trade import outbox
from rathaus.trade.models import BusinessNotice, OutboxMessage, Recipient
from rathaus.trade.outbox import BACKOFF, DeliveryError, FileDropTransport, deliver, deliver_due, message_retry

SENT = OutboxMessage.Status.SENT
FAILED = OutboxMessage.Status.FAILED
GAVE_UP = OutboxMessage.Status.GAVE_UP
PENDING = OutboxMessage.Status.PENDING


class BrokenTransport:
    """A recipient whose system is down."""

    label = "kaputt"

    def __init__(self) -> None:
        self.calls = 0

    def validate_address(self, address: str) -> None:
        return None

    def send(self, message: OutboxMessage) -> None:
        self.calls += 1
        raise DeliveryError("Der Empfänger ist nicht erreichbar.")


class CountingTransport(BrokenTransport):
    def send(self, message: OutboxMessage) -> None:
        self.calls += 1


class RefusingBackend(BaseEmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, email_messages: Sequence[EmailMessage]) -> int:
        raise smtplib.SMTPRecipientsRefused({"zoll@behoerde.example": (550, b"unknown")})


def messages_of(notice: BusinessNotice) -> list[OutboxMessage]:
    return list(OutboxMessage.all_tenants.filter(notice=notice).select_related("recipient").order_by("pk"))


def message_to(notice: BusinessNotice, kind: str) -> OutboxMessage:
    return OutboxMessage.all_tenants.select_related("recipient").get(notice=notice, recipient__kind=kind)


def deliver_afresh(message: OutboxMessage) -> OutboxMessage:
    """Delivers `message` as if it had just been created, and returns it as it is afterwards."""
    OutboxMessage.all_tenants.filter(pk=message.pk).update(status=PENDING, attempts=0, next_attempt_at=None)
    deliver.enqueue(message.pk)
    message.refresh_from_db()
    return message


def make_due(message: OutboxMessage) -> None:
    """Time passes: the message's next attempt has come."""
    OutboxMessage.all_tenants.filter(pk=message.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))


@pytest.fixture
def broken(monkeypatch: pytest.MonkeyPatch) -> BrokenTransport:
    transport = BrokenTransport()
    monkeypatch.setitem(outbox.TRANSPORTS, "broken", transport)
    return transport


@pytest.fixture
def zoll_down(broken: BrokenTransport, soest_recipients: list[Recipient]) -> BrokenTransport:
    """The Hauptzollamt's system is down (its transport, a registry entry of its own, fails)."""
    Recipient.all_tenants.filter(kind="zoll").update(transport="broken")
    return broken


@pytest.fixture
def confirmed_with_zoll_down(zoll_down: BrokenTransport, confirmed_gmbh: BusinessNotice) -> BusinessNotice:
    return confirmed_gmbh


def test_the_file_drop_writes_each_message_into_its_recipients_folder(
    confirmed_gmbh: BusinessNotice, settings: Any
) -> None:
    base = Path(settings.TRADE_OUTBOX_DIR)
    messages = messages_of(confirmed_gmbh)

    assert messages and all(message.status == SENT for message in messages)
    for message in messages:
        file = base / message.recipient.address / f"{message.message_uuid}.xml"
        assert file.read_text(encoding="utf-8") == message.xml
        assert message.sent_at is not None and message.attempts == 1 and message.next_attempt_at is None
    assert sorted(path.name for path in base.rglob("*") if path.is_file()) == sorted(
        f"{message.message_uuid}.xml" for message in messages
    )
    # Every delivery is recorded, without personal data.
    events = AuditEvent.all_tenants.filter(action="trade.message_sent")
    assert events.count() == len(messages)
    for event in events:
        assert set(event.data) == {"message", "recipient", "case", "attempt"}
        assert "Hoffmann" not in str(event.data)


def test_the_file_appears_whole_or_not_at_all(confirmed_gmbh: BusinessNotice, monkeypatch: pytest.MonkeyPatch) -> None:
    message = message_to(confirmed_gmbh, "finanzamt")
    renames: list[tuple[str, str]] = []
    real_replace = os.replace

    def replace(source: str, target: Any) -> None:
        renames.append((str(source), str(target)))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    FileDropTransport().send(message)

    [(source, target)] = renames
    assert Path(source).parent == Path(target).parent  # renamed within the folder: atomic
    assert Path(source).name.startswith(".") and not source.endswith(".xml")
    assert target.endswith(f"finanzamt/{message.message_uuid}.xml")

    def fail(source: str, target: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    Path(target).unlink()
    with pytest.raises(DeliveryError, match="konnte nicht im Ordner „finanzamt“ abgelegt werden"):
        FileDropTransport().send(message)
    assert list(Path(target).parent.iterdir()) == []  # no half file, no temporary file left


@pytest.mark.parametrize("address", ["../x", "..", "/etc", "a/b", "", ".versteckt", "x\\..\\y"])
def test_the_file_drop_refuses_an_address_outside_its_directory(address: str, settings: Any, tmp_path: Path) -> None:
    settings.TRADE_OUTBOX_DIR = str(tmp_path / "outbox")

    with pytest.raises(DeliveryError):
        FileDropTransport().folder(address)


def test_a_message_to_an_escaping_address_fails_and_writes_nothing(
    confirmed_gmbh: BusinessNotice, settings: Any, tmp_path: Path
) -> None:
    message = message_to(confirmed_gmbh, "finanzamt")
    Recipient.all_tenants.filter(pk=message.recipient_id).update(address="../x")

    deliver_afresh(message)

    assert message.status == FAILED
    assert "kein zulässiger Ordner" in message.last_error
    assert not (tmp_path / "x").exists()


def test_a_symbolic_link_out_of_the_outbox_is_refused(settings: Any, tmp_path: Path) -> None:
    base = tmp_path / "outbox"
    base.mkdir()
    (base / "finanzamt").symlink_to(tmp_path)
    settings.TRADE_OUTBOX_DIR = str(base)

    with pytest.raises(DeliveryError, match="außerhalb des Ablageverzeichnisses"):
        FileDropTransport().folder("finanzamt")


def test_email_sends_the_xml_as_attachment(
    soest_recipients: list[Recipient], confirmed_gmbh: BusinessNotice, settings: Any
) -> None:
    message = message_to(confirmed_gmbh, "zoll")
    Recipient.all_tenants.filter(kind="zoll").update(transport="email", address="zoll@behoerde.example")
    mail.outbox.clear()

    deliver_afresh(message)

    assert message.status == SENT
    [email] = mail.outbox
    assert email.to == ["zoll@behoerde.example"]
    assert email.reply_to == ["info@soest.example"]
    assert confirmed_gmbh.reference in email.subject
    assert "Yılmaz" not in f"{email.subject} {email.body}"
    [(name, content, content_type)] = email.attachments
    assert name == f"zoll.gewerbemeldung.0800-{message.message_uuid}.xml"
    assert content_type == "application/xml"
    assert content == message.xml.encode("utf-8")


def test_email_bypasses_the_mail_queue_so_a_refusal_counts_here(
    soest_recipients: list[Recipient], confirmed_gmbh: BusinessNotice, settings: Any
) -> None:
    settings.EMAIL_BACKEND = "rathaus.core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = f"{__name__}.RefusingBackend"
    message = message_to(confirmed_gmbh, "zoll")
    Recipient.all_tenants.filter(kind="zoll").update(transport="email", address="zoll@behoerde.example")

    deliver_afresh(message)

    assert message.status == FAILED
    assert message.attempts == 1
    assert "zoll@behoerde.example wurde nicht angenommen" in message.last_error

    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox.clear()
    make_due(message)
    deliver_due()

    message.refresh_from_db()
    assert message.status == SENT
    assert len(mail.outbox) == 1


def test_a_recipient_that_is_down_holds_up_no_other(
    confirmed_with_zoll_down: BusinessNotice, zoll_down: BrokenTransport
) -> None:
    before = timezone.now()
    failed = message_to(confirmed_with_zoll_down, "zoll")

    assert failed.status == FAILED
    assert failed.attempts == 1
    assert failed.last_error == "Der Empfänger ist nicht erreichbar."
    assert failed.sent_at is None
    assert failed.next_attempt_at is not None
    assert timedelta(seconds=50) < failed.next_attempt_at - before <= BACKOFF[0] + timedelta(seconds=5)
    others = [message for message in messages_of(confirmed_with_zoll_down) if message.pk != failed.pk]
    assert others and all(message.status == SENT for message in others)
    [event] = AuditEvent.all_tenants.filter(action="trade.message_failed")
    assert event.data == {
        "message": str(failed.message_uuid),
        "recipient": "zoll",
        "case": confirmed_with_zoll_down.reference,
        "attempt": 1,
        "status": "failed",
    }


def test_the_pauses_grow_until_the_outbox_gives_up(
    confirmed_with_zoll_down: BusinessNotice, zoll_down: BrokenTransport
) -> None:
    message = message_to(confirmed_with_zoll_down, "zoll")
    for attempt, pause in enumerate(BACKOFF[1:], start=2):
        make_due(message)
        before = timezone.now()
        assert deliver_due() == 1
        message.refresh_from_db()
        assert (message.status, message.attempts) == (FAILED, attempt)
        assert message.next_attempt_at is not None
        assert pause <= message.next_attempt_at - before <= pause + timedelta(seconds=5)

    make_due(message)
    deliver_due()

    message.refresh_from_db()
    assert message.status == GAVE_UP
    assert message.attempts == len(BACKOFF) + 1 == 7
    assert message.next_attempt_at is None
    assert zoll_down.calls == 7
    # Given up: the periodic run leaves it to the clerk.
    assert deliver_due() == 0
    assert zoll_down.calls == 7
    assert AuditEvent.all_tenants.filter(action="trade.message_failed").count() == 7


def test_deliver_due_sends_only_what_is_due(
    confirmed_with_zoll_down: BusinessNotice, zoll_down: BrokenTransport
) -> None:
    message = message_to(confirmed_with_zoll_down, "zoll")

    assert deliver_due() == 0  # the next attempt is a minute away
    deliver.enqueue(message.pk)  # a stray task does not jump the queue either
    message.refresh_from_db()
    assert message.attempts == 1 and zoll_down.calls == 1

    Recipient.all_tenants.filter(kind="zoll").update(transport="file")  # the recipient is back
    make_due(message)
    assert deliver_due() == 1

    message.refresh_from_db()
    assert message.status == SENT
    assert message.attempts == 2
    assert message.last_error == ""


def test_retry_now_does_not_wait_for_the_pause(
    confirmed_with_zoll_down: BusinessNotice, zoll_down: BrokenTransport
) -> None:
    Recipient.all_tenants.filter(kind="zoll").update(transport="file")
    out = io.StringIO()

    call_command("outbox", stdout=out)
    assert "Queued 0 message(s)" in out.getvalue()
    assert "7 sent, 1 failed (retried later), 0 gave up" in out.getvalue()
    assert "FAILED soest" in out.getvalue()

    out = io.StringIO()
    call_command("outbox", "--retry-now", stdout=out)

    assert "Queued 1 message(s)" in out.getvalue()
    assert message_to(confirmed_with_zoll_down, "zoll").status == SENT


def test_a_sent_message_is_not_sent_twice(confirmed_gmbh: BusinessNotice, monkeypatch: pytest.MonkeyPatch) -> None:
    counting = CountingTransport()
    monkeypatch.setitem(outbox.TRANSPORTS, "file", counting)
    message = message_to(confirmed_gmbh, "finanzamt")

    assert deliver.enqueue(message.pk).return_value == "sent"
    deliver.enqueue(message.pk)
    deliver_due()

    assert counting.calls == 0
    assert (
        AuditEvent.all_tenants.filter(action="trade.message_sent", data__message=str(message.message_uuid)).count() == 1
    )


def test_a_message_another_task_is_sending_is_left_alone(
    confirmed_gmbh: BusinessNotice, monkeypatch: pytest.MonkeyPatch
) -> None:
    counting = CountingTransport()
    monkeypatch.setitem(outbox.TRANSPORTS, "file", counting)
    message = message_to(confirmed_gmbh, "finanzamt")
    # Pending, and claimed a moment ago by a task still at work.
    OutboxMessage.all_tenants.filter(pk=message.pk).update(
        status=PENDING, attempts=0, next_attempt_at=timezone.now() + outbox.CLAIM
    )

    deliver.enqueue(message.pk)
    deliver_due()

    assert counting.calls == 0
    make_due(message)  # the task died: its claim runs out and the message is due again
    deliver_due()
    assert counting.calls == 1


def test_a_fault_of_ours_counts_as_an_attempt(confirmed_gmbh: BusinessNotice, monkeypatch: pytest.MonkeyPatch) -> None:
    class Faulty(BrokenTransport):
        def send(self, message: OutboxMessage) -> None:
            raise KeyError("bug")

    monkeypatch.setitem(outbox.TRANSPORTS, "file", Faulty())
    message = message_to(confirmed_gmbh, "finanzamt")

    deliver_afresh(message)

    assert message.status == FAILED
    assert message.last_error == "Interner Fehler beim Senden: KeyError"


def test_an_unknown_transport_fails_readably(confirmed_gmbh: BusinessNotice) -> None:
    message = message_to(confirmed_gmbh, "finanzamt")
    Recipient.all_tenants.filter(pk=message.recipient_id).update(transport="fitconnect")

    deliver_afresh(message)

    assert message.status == FAILED
    assert message.last_error == "Den Übermittlungsweg „fitconnect“ gibt es nicht."


def test_erneut_senden_starts_a_new_round(
    confirmed_with_zoll_down: BusinessNotice,
    zoll_down: BrokenTransport,
    trade_clerk: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    message = message_to(confirmed_with_zoll_down, "zoll")
    OutboxMessage.all_tenants.filter(pk=message.pk).update(status=GAVE_UP, attempts=7, next_attempt_at=None)
    message.refresh_from_db()
    Recipient.all_tenants.filter(kind="zoll").update(transport="file")

    with django_capture_on_commit_callbacks(execute=True):
        message_retry(message=message, actor=trade_clerk)

    message.refresh_from_db()
    assert message.status == SENT
    assert message.attempts == 1
    event = AuditEvent.all_tenants.get(action="trade.message_retried")
    assert event.actor == trade_clerk
    assert event.data["attempts_before"] == 7
    with pytest.raises(ValidationError):
        message_retry(message=message, actor=trade_clerk)


def test_messages_go_out_once_the_receipt_is_committed(
    gmbh_case: Case,
    trade_clerk: User,
    soest_recipients: list[Recipient],
    settings: Any,
    tmp_path: Path,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TRADE_OUTBOX_DIR = str(tmp_path / "outbox")

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case_transition(case=gmbh_case, transition_key="confirm", actor=trade_clerk)
    notice = BusinessNotice.all_tenants.get(case=gmbh_case)
    # Until the decision is committed nothing leaves the office.
    assert {message.status for message in messages_of(notice)} == {PENDING}
    assert not (tmp_path / "outbox").exists()

    for callback in callbacks:
        callback()

    assert {message.status for message in messages_of(notice)} == {SENT}
