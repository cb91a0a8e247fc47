"""An outbox message made directly, without a case: for tests of pages that only need one to exist."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from rathaus.municipalities.models import Municipality
from rathaus.trade.models import Business, BusinessNotice, OutboxMessage, Recipient
from rathaus.trade.xml import build_message


def make_recipient(municipality: Municipality, *, kind: str = "finanzamt", name: str = "Finanzamt") -> Recipient:
    return Recipient.all_tenants.create(municipality=municipality, kind=kind, name=name, transport="file", address=kind)


def make_message(municipality: Municipality, recipient: Recipient) -> OutboxMessage:
    """A pending message to `recipient` about a new sole trader's notice."""
    business = Business.all_tenants.create(
        municipality=municipality,
        number=f"G-T-{Business.all_tenants.count() + 1:06d}",
        name="Kiosk am Markt",
        legal_form="einzel",
        street="Markt 1",
        postal_code=municipality.postal_code,
        city=municipality.city,
        activity="Kiosk",
        wz_code="47111",
        started_on=date(2025, 1, 2),
    )
    notice = BusinessNotice.all_tenants.create(
        municipality=municipality,
        business=business,
        kind="anmeldung",
        reference=f"T-{BusinessNotice.all_tenants.count() + 1:06d}",
        valid_from=business.started_on,
        wz_code=business.wz_code,
        answers={},
        confirmed_at=timezone.now(),
    )
    rule = recipient.rule
    message = OutboxMessage(
        municipality=municipality,
        notice=notice,
        recipient=recipient,
        message_type=f"{rule.message_prefix}.gewerbemeldung.{rule.message_code}",
    )
    message.xml = build_message(
        notice=notice,
        recipient=recipient,
        values={1: business.name},
        message_uuid=message.message_uuid,
        is_correction=False,
        created_at=timezone.now(),
    )
    message.save()
    return message
