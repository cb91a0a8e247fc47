"""The trade notices GewA 1 (Anmeldung), GewA 2 (Ummeldung) and GewA 3 (Abmeldung) as procedures of
the engine (GewO § 14, GewAnzV).

A notice is not an application: the office must take it and confirm its receipt within three days
(`processing_days`), unless it is incomplete. The clerk checks it, may ask for documents (permit,
Handwerkskarte, register extract), and issues the receipt (Empfangsbescheinigung); that enters the
notice in the trade register and sends the filtered copies to the recipients. A confirmed notice
can be corrected; the correction goes to the same recipients.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.procedures.base import (
    Answers,
    AttachmentRule,
    Procedure,
    Retention,
    Step,
    Transition,
    Workflow,
)
from rathaus.procedures.registry import register
from rathaus.trade import gewanzv, wz
from rathaus.trade import notice as notice_data
from rathaus.trade.answers import MAX_PERSONS, Business, StepKey, TradeNoticeAnswers, person_step_key
from rathaus.trade.codes import LEGAL_PERSONS, CraftCard, SelfEmployment
from rathaus.trade.forms import (
    ActivityForm,
    BusinessForm,
    BusinessLookupForm,
    ChangeActivityForm,
    ChangeForm,
    DeregistrationForm,
    PermitsForm,
    PremisesForm,
    RegistrationReasonForm,
    person_form,
)

if TYPE_CHECKING:
    from rathaus.cases.models import Case

SUBMITTED = "submitted"
IN_REVIEW = "in_review"
WAITING = "waiting"
CONFIRMED = "confirmed"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
RECEIPT_TEMPLATE = "trade/pdf/receipt.html"


def _needs_person(index: int) -> Any:
    def condition(answers: Answers) -> bool:
        return Business.from_step(answers.get(StepKey.BUSINESS)).person_count >= index

    return condition


def _person_steps() -> tuple[Step, ...]:
    return tuple(
        Step(
            person_step_key(index),
            _("Person %(index)s (Felder 3 bis 9)") % {"index": index} if index > 1 else _("Person (Felder 3 bis 9)"),
            person_form(index),
            condition=_needs_person(index) if index > 1 else None,
        )
        for index in range(1, MAX_PERSONS + 1)
    )


WORKFLOW = Workflow(
    states={
        SUBMITTED: _("Eingegangen"),
        IN_REVIEW: _("In Prüfung"),
        WAITING: _("Unterlagen nachgefordert"),
        CONFIRMED: _("Empfang bescheinigt"),
        REJECTED: _("Zurückgewiesen"),
        WITHDRAWN: _("Zurückgezogen"),
    },
    transitions=(
        Transition("start", _("Prüfung beginnen"), (SUBMITTED,), IN_REVIEW, style="primary"),
        Transition(
            "confirm",
            _("Empfang bescheinigen"),
            (SUBMITTED, IN_REVIEW),
            CONFIRMED,
            notice_template=RECEIPT_TEMPLATE,
            notice_title=_("Empfangsbescheinigung"),
            style="primary",
        ),
        Transition(
            "correct",
            _("Bescheinigung berichtigen"),
            (CONFIRMED,),
            CONFIRMED,
            notice_template=RECEIPT_TEMPLATE,
            notice_title=_("Berichtigte Empfangsbescheinigung"),
            needs_text=True,
        ),
        Transition(
            "reject",
            _("Anzeige zurückweisen"),
            (SUBMITTED, IN_REVIEW, WAITING),
            REJECTED,
            notice_template="records/pdf/notice.html",
            notice_title=_("Zurückweisung der Gewerbeanzeige"),
            needs_text=True,
        ),
        Transition(
            "withdraw",
            _("Anzeige zurückziehen"),
            (SUBMITTED, IN_REVIEW, WAITING),
            WITHDRAWN,
            by_applicant=True,
        ),
    ),
    final=frozenset({CONFIRMED, REJECTED, WITHDRAWN}),
    waiting=WAITING,
)


class TradeNotice(Procedure):
    """What the three notices share: workflow, fees, retention, hints and the register hook."""

    kind: ClassVar[str]
    workflow = WORKFLOW
    # GewAnzV: data go to the recipients "unverzüglich"; the receipt is due within three days.
    processing_days = 3
    department_key = "ordnungsamt"
    receipt_template = "records/pdf/receipt.html"
    file_panel_template = "trade/backoffice/_case_panel.html"
    attachments = AttachmentRule(max_files=10, max_bytes=10 * 1024 * 1024, types=frozenset({"pdf", "png", "jpeg"}))
    # The register keeps the notice; the case file is the working copy, anonymised after 5 years
    # (GewO § 14 Abs. 10 leaves retention to the Länder; NRW practice: 5 years after deregistration).
    retention = Retention(
        timedelta(days=5 * 366),
        action="anonymise",
        basis="GewO § 14; Aufbewahrung der Gewerbeanzeige 5 Jahre nach Abschluss, dann anonymisiert",
    )
    declaration = _(
        "Ich versichere, dass meine Angaben vollständig und richtig sind. Mir ist bekannt, dass eine falsche "
        "oder unvollständige Anzeige eine Ordnungswidrigkeit ist (§ 146 Abs. 2 Nr. 2 GewO)."
    )

    def applicant(self, answers: Answers) -> tuple[str, str]:
        person = TradeNoticeAnswers.from_answers(answers).applicant
        return person.full_name, person.email

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        return f"{self.short_title}: {TradeNoticeAnswers.from_answers(answers).display_name}"[:200]

    short_title: ClassVar[str] = ""

    def fee(self, answers: Answers, context: Mapping[str, Any]) -> Decimal:
        from rathaus.trade.services import trade_office_for

        office = trade_office_for(self.municipality)
        if self.kind == notice_data.DEREGISTRATION:
            return office.fee_deregistration
        if self.kind == notice_data.CHANGE and not office.fee_change:
            return Decimal("0.00")
        notice = TradeNoticeAnswers.from_answers(answers)
        base = office.fee_legal if notice.business.legal_form in LEGAL_PERSONS else office.fee_natural
        further = max(len(notice.persons) - 1, 0)
        return base + office.fee_additional_person * further

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        problems = gewanzv.notice_problems(TradeNoticeAnswers.from_answers(answers))
        if problems:
            raise ValidationError({problem.field: problem.message for problem in problems})

    def transitioned(self, case: Case, transition: Transition, actor: Any, text: str) -> None:
        from rathaus.trade.services import notice_correct, notice_register

        if transition.key == "confirm":
            notice_register(case=case, kind=self.kind, actor=actor)
        elif transition.key == "correct":
            notice_correct(case=case, actor=actor, reason=text)

    def notice_context(self, case: Case, transition: Transition, text: str) -> dict[str, Any]:
        from rathaus.trade.gewanzv import FIELDS
        from rathaus.trade.models import BusinessNotice
        from rathaus.trade.services import trade_office_for

        registered = (
            BusinessNotice.objects.of(case.municipality_id)
            .filter(case=case)
            .select_related("business")
            .order_by("-pk")
            .first()
        )
        notice = TradeNoticeAnswers.from_answers(case.answers)
        # The receipt goes to the premises; a GewA 3 names none, so it goes to the person's home.
        address = notice.premises.address if notice.premises is not None else notice.applicant.address
        lines = (notice.display_name, address.street, f"{address.postal_code} {address.city}")
        return {
            "addressee": "\n".join(line for line in lines if line.strip()),
            "legal_remedy": gettext(
                "Gegen diese Entscheidung können Sie innerhalb eines Monats nach Bekanntgabe Klage beim "
                "%(court)s erheben (§ 74 VwGO; ein Widerspruchsverfahren findet nach § 110 JustG NRW nicht statt)."
            )
            # An office whose court is not entered yet still names one, if not by name.
            % {"court": trade_office_for(case.municipality).court or gettext("zuständigen Verwaltungsgericht")}
            if transition.key == "reject"
            else "",
            "transition_key": transition.key,
            "business": registered.business if registered else None,
            "registered": registered,
            "kind_label": self.title,
            "sections": self.review(case.answers),
            "field_labels": FIELDS,
            "text": text,
        }

    def hints(self, case: Case) -> list[str]:
        from rathaus.trade.models import Business as RegisteredBusiness

        notice = TradeNoticeAnswers.from_answers(case.answers)
        hints: list[str] = []
        activity = notice.activity
        code = notice.wz_code
        permits = notice.permits
        needed = wz.permit(code) if code else None
        if needed is not None:
            hints.append(
                gettext("WZ %(code)s: %(permit)s. Angegeben: %(given)s.")
                % {
                    "code": code,
                    "permit": needed,
                    "given": (permits.permit_kind if permits is not None else "") or gettext("keine Erlaubnis"),
                }
            )
        craft = wz.craft(code) if code else None
        if craft is not None and (permits is None or permits.craft_card != CraftCard.YES):
            hints.append(
                gettext(
                    "WZ %(code)s ist wahrscheinlich ein zulassungspflichtiges Handwerk: %(craft)s. Eine "
                    "Handwerkskarte liegt laut Anzeige nicht vor."
                )
                % {"code": code, "craft": craft}
            )
        if activity is not None and activity.late_reason:
            hints.append(gettext("Verspätete Anzeige, Begründung: %(reason)s") % {"reason": activity.late_reason})
        for person in notice.persons:
            if gewanzv.residence_title_asked(person.nationality_group) and (
                person.self_employment_allowed != SelfEmployment.YES
            ):
                hints.append(gettext("%(name)s: Aufenthaltstitel prüfen (Feld 30/31).") % {"name": person.full_name})
        if self.kind == notice_data.REGISTRATION:
            premises = notice.premises.address if notice.premises is not None else None
            duplicates = (
                RegisteredBusiness.objects.filter(
                    municipality=case.municipality,
                    status=RegisteredBusiness.Status.ACTIVE,
                    name_search=notice.display_name.lower()[:200],
                    postal_code=premises.postal_code if premises is not None else "",
                    street__iexact=premises.street if premises is not None else "",
                )
                # Once confirmed, the case's own business is in the register: it is no duplicate of itself.
                .exclude(notices__case=case)
                .values_list("number", flat=True)
            )
            for number in duplicates[:5]:
                hints.append(
                    gettext(
                        "Möglicherweise doppelt: Betrieb %(number)s mit gleichem Namen an gleicher Anschrift "
                        "ist bereits angemeldet."
                    )
                    % {"number": number}
                )
        start = activity.start_date if activity is not None else None
        if start is not None and start > timezone.localdate():
            hints.append(gettext("Der Beginn liegt in der Zukunft (%(date)s).") % {"date": start.isoformat()})
        return hints


# The pages the three notices share.
LOOKUP_STEP = Step(StepKey.LOOKUP, _("Ihr Betrieb im Gewerberegister"), BusinessLookupForm)
BUSINESS_STEP = Step(StepKey.BUSINESS, _("Unternehmen und Register (Felder 1, 2, 10)"), BusinessForm)
PERSON_STEPS = _person_steps()
PREMISES_STEP = Step(StepKey.PREMISES, _("Betriebsstätte (Felder 12 bis 14, 20)"), PremisesForm)
PERMITS_STEP = Step(StepKey.PERMITS, _("Erlaubnisse und Nachweise (Felder 27 bis 32)"), PermitsForm)


@register
class Registration(TradeNotice):
    key = "gewerbe-anmeldung"
    kind = notice_data.REGISTRATION
    short_title = "GewA 1"
    title = _("Gewerbe anmelden (GewA 1)")
    description = _(
        "Zeigen Sie den Beginn eines Gewerbes an, auch einer Zweigniederlassung oder nach einer Übernahme. "
        "Sie erhalten die Empfangsbescheinigung (Gewerbeschein) als PDF in Ihr Postfach."
    )
    steps = (
        BUSINESS_STEP,
        *PERSON_STEPS,
        PREMISES_STEP,
        Step(StepKey.ACTIVITY, _("Tätigkeit (Felder 15 bis 19, 21, 22)"), ActivityForm),
        Step(StepKey.REGISTRATION, _("Grund der Anmeldung (Felder 23 bis 26)"), RegistrationReasonForm),
        PERMITS_STEP,
    )


@register
class Change(TradeNotice):
    key = "gewerbe-ummeldung"
    kind = notice_data.CHANGE
    short_title = "GewA 2"
    title = _("Gewerbe ummelden (GewA 2)")
    description = _(
        "Zeigen Sie an, dass Ihr Betrieb innerhalb des Ortes umzieht oder seine Tätigkeit wechselt oder ausdehnt. "
        "Sie brauchen die Betriebsnummer von Ihrer Empfangsbescheinigung."
    )
    steps = (
        LOOKUP_STEP,
        BUSINESS_STEP,
        *PERSON_STEPS,
        PREMISES_STEP,
        Step(StepKey.ACTIVITY, _("Tätigkeit (Felder 15, 16, 18, 19, 21, 22)"), ChangeActivityForm),
        Step(StepKey.CHANGE, _("Änderung (Felder 17, 23)"), ChangeForm),
        PERMITS_STEP,
    )


@register
class Deregistration(TradeNotice):
    key = "gewerbe-abmeldung"
    kind = notice_data.DEREGISTRATION
    short_title = "GewA 3"
    title = _("Gewerbe abmelden (GewA 3)")
    description = _(
        "Zeigen Sie an, dass Sie Ihren Betrieb aufgeben, übergeben oder in einen anderen Ort verlegen. "
        "Die Abmeldung ist gebührenfrei."
    )
    steps = (
        LOOKUP_STEP,
        BUSINESS_STEP,
        *PERSON_STEPS,
        Step(StepKey.DEREGISTRATION, _("Abmeldung (Felder 17, 24, 26)"), DeregistrationForm),
    )

    def hints(self, case: Case) -> list[str]:
        """A deregistration names no activity, permit or premises to check, and a residence title no
        longer matters once the business closes."""
        return []
