"""What issuing a receipt sets off: the notice enters the trade register and one filtered message per
recipient goes into the outbox. Both happen in the transaction of the clerk's decision, so a
receipt never exists without its register entry and its messages, and delivery starts only after
the commit (a recipient that is down cannot undo a decision)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.records.services import audit_record
from rathaus.trade import notice as notice_data
from rathaus.trade.answers import TradeNoticeAnswers
from rathaus.trade.models import Business, BusinessNotice, OutboxMessage, Recipient, TradeOffice

if TYPE_CHECKING:
    from rathaus.accounts.models import User
    from rathaus.cases.models import Case
    from rathaus.municipalities.models import Municipality


def trade_office_for(municipality: Municipality) -> TradeOffice:
    """The municipality's trade office settings; created with the NRW defaults on first use."""
    office = TradeOffice.objects.filter(municipality=municipality).first()
    if office is None:
        office = TradeOffice.objects.create(
            municipality=municipality,
            sender_name=f"{municipality.name}, Gewerbeamt",
            sender_email=municipality.email,
            sender_phone=municipality.phone,
        )
    return office


def business_number_next(municipality: Municipality) -> str:
    """G-<prefix>-000123: readable on the phone and unique per municipality (the caller holds a lock)."""
    prefix = f"G-{municipality.reference_prefix}-"
    last = (
        Business.objects.of(municipality)
        .select_for_update()
        .filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    following = int(last.rsplit("-", 1)[1]) + 1 if last else 1
    return f"{prefix}{following:06d}"


def _business_for(case: Case, notice: TradeNoticeAnswers) -> Business | None:
    if not notice.business_number:
        return None
    return Business.objects.of(case.municipality_id).select_for_update().filter(number=notice.business_number).first()


def _apply(business: Business, notice: TradeNoticeAnswers) -> None:
    business.name = notice.display_name[:200] or business.name
    if notice.business.legal_form is not None:
        business.legal_form = notice.business.legal_form.value
    if notice.premises is not None:
        address = notice.premises.address
        business.street = address.street or business.street
        business.postal_code = address.postal_code or business.postal_code
        business.city = address.city or business.city
    if notice.activity is not None:
        business.activity = (notice.activity.activity or business.activity)[:500]
        business.wz_code = notice.activity.wz_code or business.wz_code


def _valid_from(notice: TradeNoticeAnswers, kind: str) -> date:
    """Field 17: the start (GewA 1), the change (GewA 2) or the end (GewA 3)."""
    if kind == notice_data.REGISTRATION:
        day = notice.activity.start_date if notice.activity is not None else None
    elif kind == notice_data.CHANGE:
        day = notice.change.change_date if notice.change is not None else None
    else:
        day = notice.deregistration.end_date if notice.deregistration is not None else None
    if day is None:
        raise ValidationError(_("Die Anzeige nennt kein Datum (Feld 17)."))
    return day


@transaction.atomic
def notice_register(*, case: Case, kind: str, actor: User | None = None) -> BusinessNotice:
    """Files a confirmed notice in the trade register: a GewA 1 creates the business, a GewA 2 changes
    it, a GewA 3 closes it. Returns the register's notice; queues the messages to recipients."""
    answers = case.answers
    notice = TradeNoticeAnswers.from_answers(answers)
    now = timezone.now()
    if kind == notice_data.REGISTRATION:
        business = Business(
            municipality=case.municipality,
            number=business_number_next(case.municipality),
            started_on=_valid_from(notice, kind),
            legal_form="",
            street="",
            postal_code="",
            city="",
            activity="",
            wz_code="",
            name="",
        )
        _apply(business, notice)
        business.save()
        valid_from = business.started_on
    else:
        existing = _business_for(case, notice)
        if existing is None:
            raise ValidationError(_("Der Betrieb steht nicht (mehr) im Gewerberegister."))
        business = existing
        if business.status != Business.Status.ACTIVE:
            raise ValidationError(_("Der Betrieb ist bereits abgemeldet."))
        valid_from = _valid_from(notice, kind)
        if kind == notice_data.CHANGE:
            _apply(business, notice)
        else:
            business.status = Business.Status.CLOSED
            business.closed_on = valid_from
        business.save()
    registered = BusinessNotice.objects.create(
        municipality=case.municipality,
        business=business,
        case=case,
        kind=kind,
        reference=case.reference,
        valid_from=valid_from,
        wz_code=business.wz_code,
        answers=answers,
        confirmed_at=now,
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="trade.registered",
        obj=business,
        data={"case": case.reference, "notice": kind, "business": business.number},
    )
    outbox_enqueue(notice=registered)
    return registered


@transaction.atomic
def answers_correct(*, case: Case, actor: User, changes: dict[str, dict[str, Any]]) -> Case:
    """A clerk corrects answers of a notice (a typo in the name, a wrong WZ code) before re-issuing the
    receipt with the transition "correct". The audit entry names the fields, not their values."""
    answers = {key: dict(value) if isinstance(value, dict) else value for key, value in case.answers.items()}
    changed = []
    for step, fields in changes.items():
        for name, value in fields.items():
            if answers.get(step, {}).get(name) != value:
                answers.setdefault(step, {})[name] = value
                changed.append(f"{step}.{name}")
    if not changed:
        raise ValidationError(_("Es wurde nichts geändert."))
    case.answers = answers
    case.save(update_fields=["answers", "updated_at"])
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="trade.answers_corrected",
        obj=case,
        data={"case": case.reference, "fields": sorted(changed)},
    )
    return case


def notice_correct(*, case: Case, actor: User | None, reason: str) -> BusinessNotice:
    """Re-issues a confirmed notice from the case's current answers: the register follows, the correction
    is a notice of its own, and every recipient of the original gets a correction message. Runs inside
    the transition "correct"."""
    original = (
        BusinessNotice.objects.of(case.municipality_id).filter(case=case).order_by("-confirmed_at", "-pk").first()
    )
    if original is None:
        raise ValidationError(_("Zu diesem Vorgang gibt es noch keine bescheinigte Anzeige."))
    business = Business.objects.of(case.municipality_id).select_for_update().get(pk=original.business_id)
    if original.kind != notice_data.DEREGISTRATION:
        _apply(business, TradeNoticeAnswers.from_answers(case.answers))
        business.save()
    correction = BusinessNotice.objects.create(
        municipality=case.municipality,
        business=business,
        case=case,
        kind=original.kind,
        reference=case.reference,
        valid_from=original.valid_from,
        wz_code=business.wz_code,
        answers=case.answers,
        corrects=original,
        correction_reason=reason.strip(),
        confirmed_at=timezone.now(),
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="trade.corrected",
        obj=business,
        data={"case": case.reference, "business": business.number},
    )
    outbox_enqueue(notice=correction)
    return correction


def outbox_enqueue(*, notice: BusinessNotice) -> list[OutboxMessage]:
    """One message per active recipient the notice concerns, holding only the fields its rule allows.
    A correction goes to the recipients of the original (GewAnzV: the same circle), plus any new one."""
    from rathaus.trade.outbox import deliver_after_commit
    from rathaus.trade.xml import build_message

    answers = TradeNoticeAnswers.from_answers(notice.answers)
    all_values = notice_data.values(answers, notice.kind)
    facts = notice_data.facts(answers, notice.kind, register_wz_code=notice.wz_code)
    earlier = set()
    if notice.corrects_id is not None:
        earlier = set(
            OutboxMessage.objects.of(notice.municipality_id)
            .filter(notice_id=notice.corrects_id)
            .values_list("recipient_id", flat=True)
        )
    messages = []
    now = timezone.now()
    office = trade_office_for(notice.municipality)
    recipients = Recipient.objects.filter(municipality=notice.municipality, active=True).order_by("kind")
    for recipient in recipients:
        rule = recipient.rule
        if not (rule.applies(facts) or recipient.pk in earlier):
            continue
        message = OutboxMessage(
            municipality=notice.municipality,
            notice=notice,
            recipient=recipient,
            message_type=f"{rule.message_prefix}.gewerbemeldung.{rule.message_code}",
            is_correction=notice.corrects_id is not None,
            next_attempt_at=now,
        )
        message.xml = build_message(
            notice=notice,
            recipient=recipient,
            values=rule.filter(all_values),
            message_uuid=message.message_uuid,
            is_correction=message.is_correction,
            created_at=now,
            office=office,
        )
        message.save()
        messages.append(message)
    deliver_after_commit([message.pk for message in messages])
    return messages


def business_viewed(*, business: Business, actor: User) -> None:
    """Staff opened a business of the register, which holds personal data: that is recorded, every time."""
    audit_record(
        municipality=business.municipality,
        actor=actor,
        action="trade.business_viewed",
        obj=business,
        data={"business": business.number},
    )


def outbox_message_viewed(*, message: OutboxMessage, actor: User) -> None:
    """Staff opened a message to an authority with the data it carries: that is recorded."""
    audit_record(
        municipality=message.municipality,
        actor=actor,
        action="trade.message_viewed",
        obj=message,
        data={
            "message": str(message.message_uuid),
            "recipient": message.recipient.kind,
            "case": message.notice.reference,
        },
    )
