"""A trade notice's answers, typed and read-only.

The engine stores a notice's answers as JSON, {step key: {field name: value}}, with dates as ISO
strings. `TradeNoticeAnswers.from_answers` reads that once into frozen dataclasses, one per page of
the forms GewA 1/2/3, with dates as `date`, counts as `int` and choices as the code lists of
`rathaus.trade.codes`:

    TradeNoticeAnswers
    ├── business_number          the register's number a GewA 2/3 starts from
    ├── business: Business       fields 1, 2, 10
    ├── persons: (Person, …)     fields 3–9, 30, 31 (person 1), 11 (the others)
    ├── premises: Premises       fields 12–14, 20
    ├── activity: Activity       fields 15–19, 21, 22
    ├── registration / change / deregistration: the kind's own page (fields 17, 23–26)
    └── permits: Permits         fields 27–29, 32

A page not answered is None (its fields do not exist), a field not answered is its empty value or
None, and a value that no longer reads (an unknown code, a broken date) is None too: old notices in
the register always parse. The step keys are `StepKey` and `person_step_key`, nowhere else.
Writes stay JSON: the engine saves a page's cleaned data, and `services.answers_correct` changes
single fields by step key.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from typing import Any, TypeVar

from rathaus.trade.codes import (
    BusinessKind,
    ChangeKind,
    CraftCard,
    DeregistrationCause,
    DeregistrationReason,
    Establishment,
    LegalForm,
    NationalityGroup,
    PermitRequired,
    PersonRole,
    RegistrationReason,
    ResidenceTitle,
    SelfEmployment,
    Sex,
)

# Online a notice names up to ten persons; more are sent in writing after submitting.
MAX_PERSONS = 10


class StepKey(StrEnum):
    """The keys under which the pages of the trade notices store their answers."""

    LOOKUP = "betrieb_nummer"
    BUSINESS = "betrieb"
    PREMISES = "betriebsstaette"
    ACTIVITY = "taetigkeit"
    REGISTRATION = "grund"
    CHANGE = "aenderung"
    DEREGISTRATION = "abmeldung"
    PERMITS = "erlaubnisse"


def person_step_key(index: int) -> str:
    """The key of the page of person `index` (1 is the person giving notice)."""
    return f"person_{index}"


PERSON_STEP_KEYS = tuple(person_step_key(index) for index in range(1, MAX_PERSONS + 1))

Step = Mapping[str, Any]
_Code = TypeVar("_Code", bound=StrEnum)


def _text(step: Step, name: str) -> str:
    value = step.get(name)
    return "" if value is None else str(value)


def _int(step: Step, name: str, default: int) -> int:
    value = step.get(name)
    if value in (None, ""):
        return default
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def _date(step: Step, name: str) -> date | None:
    """A date from the form (a `date`) or from the stored answers (an ISO string)."""
    value = step.get(name)
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _code(codes: type[_Code], value: object) -> _Code | None:
    if value in (None, ""):
        return None
    try:
        return codes(str(value))
    except ValueError:
        return None


def _codes(codes: type[_Code], values: object) -> tuple[_Code, ...]:
    if not isinstance(values, Iterable) or isinstance(values, str):
        return ()
    parsed = (_code(codes, value) for value in values)
    return tuple(value for value in parsed if value is not None)


def _step(answers: Mapping[str, Any], key: str) -> Step | None:
    value = answers.get(key)
    return value if isinstance(value, Mapping) else None


@dataclass(frozen=True)
class Address:
    street: str = ""
    postal_code: str = ""
    city: str = ""

    @classmethod
    def from_step(cls, step: Step, prefix: str = "") -> Address:
        return cls(_text(step, f"{prefix}street"), _text(step, f"{prefix}postal_code"), _text(step, f"{prefix}city"))

    @property
    def given(self) -> bool:
        """Whether any part of the address is given."""
        return bool(self.street or self.postal_code or self.city)

    @property
    def complete(self) -> bool:
        return bool(self.street and self.postal_code and self.city)


@dataclass(frozen=True)
class Business:
    """Fields 1, 2 and 10: who runs the business (page "betrieb")."""

    legal_form: LegalForm | None = None
    registered_name: str = ""
    trade_name: str = ""
    register_court: str = ""
    register_number: str = ""
    tax_number: str = ""
    person_count: int = 1

    @classmethod
    def from_step(cls, step: Step | None) -> Business:
        if step is None:
            return cls()
        return cls(
            legal_form=_code(LegalForm, step.get("legal_form")),
            registered_name=_text(step, "registered_name"),
            trade_name=_text(step, "trade_name"),
            register_court=_text(step, "register_court"),
            register_number=_text(step, "register_number"),
            tax_number=_text(step, "tax_number"),
            person_count=_int(step, "person_count", 1),
        )


@dataclass(frozen=True)
class Person:
    """Fields 3–9, 30 and 31 of one person: owner, partner or legal representative."""

    role: PersonRole | None = None
    last_name: str = ""
    birth_name: str = ""
    first_names: str = ""
    doctor: str = ""
    sex: Sex | None = None
    birth_date: date | None = None
    birth_place: str = ""
    birth_country: str = ""
    nationality_group: NationalityGroup | None = None
    nationality: str = ""
    address: Address = field(default_factory=Address)
    phone: str = ""
    email: str = ""
    residence_title: ResidenceTitle | None = None
    residence_title_authority: str = ""
    residence_title_date: date | None = None
    self_employment_allowed: SelfEmployment | None = None

    @classmethod
    def from_step(cls, step: Step) -> Person:
        return cls(
            role=_code(PersonRole, step.get("role")),
            last_name=_text(step, "last_name"),
            birth_name=_text(step, "birth_name"),
            first_names=_text(step, "first_names"),
            doctor=_text(step, "doctor"),
            sex=_code(Sex, step.get("sex")),
            birth_date=_date(step, "birth_date"),
            birth_place=_text(step, "birth_place"),
            birth_country=_text(step, "birth_country"),
            nationality_group=_code(NationalityGroup, step.get("nationality_group")),
            nationality=_text(step, "nationality"),
            address=Address.from_step(step),
            phone=_text(step, "phone"),
            email=_text(step, "email"),
            residence_title=_code(ResidenceTitle, step.get("residence_title")),
            residence_title_authority=_text(step, "residence_title_authority"),
            residence_title_date=_date(step, "residence_title_date"),
            self_employment_allowed=_code(SelfEmployment, step.get("self_employment_allowed")),
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_names} {self.last_name}".strip()


@dataclass(frozen=True)
class Premises:
    """Fields 12, 13, 14 and 20: where the business is run (page "betriebsstaette")."""

    address: Address = field(default_factory=Address)
    phone: str = ""
    email: str = ""
    website: str = ""
    establishment: Establishment = Establishment.MAIN
    head_office: Address = field(default_factory=Address)
    former: Address = field(default_factory=Address)

    @classmethod
    def from_step(cls, step: Step) -> Premises:
        return cls(
            address=Address.from_step(step),
            phone=_text(step, "phone"),
            email=_text(step, "email"),
            website=_text(step, "website"),
            establishment=_code(Establishment, step.get("establishment")) or Establishment.MAIN,
            head_office=Address.from_step(step, "head_"),
            former=Address.from_step(step, "former_"),
        )


@dataclass(frozen=True)
class Activity:
    """Fields 15–19, 21 and 22: what the business does, from when, with whom (page "taetigkeit").
    A GewA 2 asks the date on its own page (`ChangeDetails`): `start_date` is None there."""

    activity: str = ""
    wz_code: str = ""
    side_business: bool = False
    start_date: date | None = None
    kinds: tuple[BusinessKind, ...] = ()
    staff_full: int = 0
    staff_part: int = 0
    vending: bool = False
    itinerant: bool = False
    late_reason: str = ""

    @classmethod
    def from_step(cls, step: Step) -> Activity:
        return cls(
            activity=_text(step, "activity"),
            wz_code=_text(step, "wz_code"),
            side_business=bool(step.get("side_business")),
            start_date=_date(step, "start_date"),
            kinds=_codes(BusinessKind, step.get("kinds")),
            staff_full=_int(step, "staff_full", 0),
            staff_part=_int(step, "staff_part", 0),
            vending=bool(step.get("vending")),
            itinerant=bool(step.get("itinerant")),
            late_reason=_text(step, "late_reason"),
        )


@dataclass(frozen=True)
class RegistrationDetails:
    """Fields 23, 25 and 26 of the GewA 1 (page "grund")."""

    reason: RegistrationReason | None = None
    former_municipality: str = ""
    previous_operator: str = ""

    @classmethod
    def from_step(cls, step: Step) -> RegistrationDetails:
        return cls(
            reason=_code(RegistrationReason, step.get("reason")),
            former_municipality=_text(step, "former_municipality"),
            previous_operator=_text(step, "previous_operator"),
        )


@dataclass(frozen=True)
class ChangeDetails:
    """Fields 17 and 23 of the GewA 2 (page "aenderung")."""

    changes: tuple[ChangeKind, ...] = ()
    change_date: date | None = None

    @classmethod
    def from_step(cls, step: Step) -> ChangeDetails:
        return cls(changes=_codes(ChangeKind, step.get("changes")), change_date=_date(step, "change_date"))


@dataclass(frozen=True)
class DeregistrationDetails:
    """Fields 17, 24 and 26 of the GewA 3 (page "abmeldung")."""

    end_date: date | None = None
    reason: DeregistrationReason | None = None
    cause: DeregistrationCause | None = None
    successor: str = ""

    @classmethod
    def from_step(cls, step: Step) -> DeregistrationDetails:
        return cls(
            end_date=_date(step, "end_date"),
            reason=_code(DeregistrationReason, step.get("reason")),
            cause=_code(DeregistrationCause, step.get("cause")),
            successor=_text(step, "successor"),
        )


@dataclass(frozen=True)
class Permits:
    """Fields 27–29 and 32: permits, the Handwerkskarte and remarks (page "erlaubnisse"). The evidence
    uploaded there is read by the engine from its uploads, not from here."""

    permit_required: PermitRequired = PermitRequired.NO
    permit_kind: str = ""
    permit_date: date | None = None
    permit_authority: str = ""
    craft_card: CraftCard | None = None
    craft_card_date: date | None = None
    craft_card_chamber: str = ""
    notes: str = ""

    @classmethod
    def from_step(cls, step: Step) -> Permits:
        return cls(
            permit_required=_code(PermitRequired, step.get("permit_required")) or PermitRequired.NO,
            permit_kind=_text(step, "permit_kind"),
            permit_date=_date(step, "permit_date"),
            permit_authority=_text(step, "permit_authority"),
            craft_card=_code(CraftCard, step.get("craft_card")),
            craft_card_date=_date(step, "craft_card_date"),
            craft_card_chamber=_text(step, "craft_card_chamber"),
            notes=_text(step, "notes"),
        )


@dataclass(frozen=True)
class TradeNoticeAnswers:
    """All answers of one GewA 1, 2 or 3. Build it with `from_answers`."""

    business: Business = field(default_factory=Business)
    persons: tuple[Person, ...] = ()
    business_number: str = ""
    premises: Premises | None = None
    activity: Activity | None = None
    registration: RegistrationDetails | None = None
    change: ChangeDetails | None = None
    deregistration: DeregistrationDetails | None = None
    permits: Permits | None = None

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> TradeNoticeAnswers:
        """The stored answers of a draft, a case or a register entry. Persons are taken in order, only
        as many as the business page names (a lowered count leaves earlier pages behind)."""
        business = Business.from_step(_step(answers, StepKey.BUSINESS))
        count = min(max(business.person_count, 1), MAX_PERSONS)
        persons = tuple(
            Person.from_step(step)
            for step in (_step(answers, person_step_key(index)) for index in range(1, count + 1))
            if step is not None
        )
        lookup = _step(answers, StepKey.LOOKUP)
        premises = _step(answers, StepKey.PREMISES)
        activity = _step(answers, StepKey.ACTIVITY)
        registration = _step(answers, StepKey.REGISTRATION)
        change = _step(answers, StepKey.CHANGE)
        deregistration = _step(answers, StepKey.DEREGISTRATION)
        permits = _step(answers, StepKey.PERMITS)
        return cls(
            business=business,
            persons=persons,
            business_number=_text(lookup, "number") if lookup is not None else "",
            premises=Premises.from_step(premises) if premises else None,
            activity=Activity.from_step(activity) if activity else None,
            registration=RegistrationDetails.from_step(registration) if registration else None,
            change=ChangeDetails.from_step(change) if change else None,
            deregistration=DeregistrationDetails.from_step(deregistration) if deregistration else None,
            permits=Permits.from_step(permits) if permits else None,
        )

    @property
    def applicant(self) -> Person:
        """Person 1, who gives notice and receives the receipt; an empty person before that page."""
        return self.persons[0] if self.persons else Person()

    @property
    def display_name(self) -> str:
        """The business's name in the register: the registered name, else the trade name, else the owner(s)."""
        if self.business.registered_name:
            return self.business.registered_name
        owners = ", ".join(name for name in (person.full_name for person in self.persons) if name)
        if self.business.trade_name:
            return f"{self.business.trade_name} ({owners})" if owners else self.business.trade_name
        return owners

    @property
    def wz_code(self) -> str:
        return self.activity.wz_code if self.activity is not None else ""
