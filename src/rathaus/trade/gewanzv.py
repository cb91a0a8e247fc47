"""The law of the trade notice in one place: the numbered fields of the forms GewA 1/2/3
(Gewerbeanzeigeverordnung, GewAnzV, Anlagen 1–3) and who receives which of them (GewAnzV § 3,
GewO § 14 Abs. 8).

Field numbers follow the forms, so that a clerk who is asked about "Feld 15" finds the activity.
The numbering is the GewA 1 edition of 2014 as documented in DOMAIN.md § 1 (fields 1–2 register
entry, 3–9 person, 10–11 legal representatives, 12–14 premises, 15 activity, … 28 permit,
29 Handwerkskarte, 30 residence title). The forms were re-issued for XGewerbeordnung 1.6; when the
new numbering is confirmed, only `FIELDS` and `RECIPIENTS` change.

A recipient gets a message containing only the fields its rule allows; a municipality may leave a
recipient out when it waived the transmission (§ 3 Abs. 4 GewAnzV: "sofern … nicht verzichtet").

The second half is what a notice must contain: which fields a legal form requires, when a start is
late or too early, when a person needs a residence title. Each rule is a function of the typed
answers (`rathaus.trade.answers`) that returns the `Problem`s it finds; the pages (`forms.py`) show
them beside their fields, and `procedure.py` checks the rules across pages before submitting.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from rathaus.trade.answers import (
    Activity,
    Business,
    DeregistrationDetails,
    Permits,
    Person,
    Premises,
    RegistrationDetails,
    StepKey,
    TradeNoticeAnswers,
    person_step_key,
)
from rathaus.trade.codes import (
    BRANCHES,
    DEREGISTRATION_WITH_SUCCESSOR,
    LEGAL_PERSONS,
    LEGAL_REPRESENTATIVES,
    REGISTER_TYPES,
    REGISTERED,
    REGISTRATION_WITH_PREDECESSOR,
    CraftCard,
    LegalForm,
    NationalityGroup,
    PermitRequired,
    RegistrationReason,
    ResidenceTitle,
    legal_form_label,
)

Label = str | Promise

# The numbered fields of the GewA 1 (GewA 2 and 3 use the same numbers for the same facts).
FIELDS: dict[int, Label] = {
    1: _("Im Register eingetragener Name mit Rechtsform"),
    2: _("Registergericht, Registerart und Registernummer"),
    3: _("Familienname"),
    4: _("Vornamen"),
    5: _("Geschlecht"),
    6: _("Geburtsdatum, Geburtsort und Geburtsland"),
    7: _("Staatsangehörigkeit"),
    8: _("Anschrift der Wohnung"),
    9: _("Telefon, E-Mail, Internet"),
    10: _("Zahl der gesetzlichen Vertreter"),
    11: _("Gesetzliche Vertreter und Gesellschafter"),
    12: _("Anschrift der Betriebsstätte"),
    13: _("Anschrift der Hauptniederlassung"),
    14: _("Frühere Betriebsstätte"),
    15: _("Angemeldete Tätigkeit mit WZ-Code"),
    16: _("Nebenerwerb"),
    17: _("Datum des Beginns"),
    18: _("Art des Betriebes"),
    19: _("Zahl der tätigen Personen"),
    20: _("Haupt-, Zweigniederlassung oder unselbständige Zweigstelle"),
    21: _("Automatenaufstellungsgewerbe"),
    22: _("Reisegewerbe"),
    23: _("Grund der Anzeige"),
    24: _("Grund der Abmeldung"),
    25: _("Verlegung aus einem anderen Meldebezirk"),
    26: _("Früherer Gewerbetreibender oder künftiger Betreiber"),
    27: _("Erlaubnispflicht"),
    28: _("Erlaubnis: Art, Datum, Behörde"),
    29: _("Handwerkskarte"),
    30: _("Aufenthaltstitel"),
    31: _("Nebenbestimmungen zum Aufenthaltstitel"),
    32: _("Hinweise der anzeigenden Person"),
    # 33 is the signature; online the declaration of truth stands in for it (GewAnzV § 1 Abs. 2).
    33: _("Unterschrift"),
}

ALL_FIELDS = frozenset(FIELDS)


def fields(*numbers: int | range) -> frozenset[int]:
    result: set[int] = set()
    for number in numbers:
        result.update(number if isinstance(number, range) else (number,))
    return frozenset(result)


def everything_except(*numbers: int | range) -> frozenset[int]:
    return ALL_FIELDS - fields(*numbers)


# What a notice tells a rule about whether a recipient concerns it at all.
Facts = Mapping[str, Any]


@dataclass(frozen=True)
class RecipientRule:
    kind: str
    name: Label
    # The fields this recipient may receive (GewAnzV § 3).
    allowed: frozenset[int]
    # The message type of XGewerbeanzeige/XGewerbeordnung ("<prefix>.gewerbemeldung.<code>").
    message_prefix: str
    message_code: str
    basis: str
    # Whether a notice concerns this recipient (e.g. the HWK only for crafts); all notices if None.
    concerns: Callable[[Facts], bool] | None = None
    # Whose personal data this recipient may receive (e.g. the foreigners' authority: only persons from
    # outside the EU); everyone named in the notice if None.
    persons: Callable[[str], bool] | None = None

    def applies(self, facts: Facts) -> bool:
        return self.concerns is None or self.concerns(facts)

    def filter(self, values: Mapping[int, Any]) -> dict[int, Any]:
        """Only the fields this recipient may receive, about the persons it may hear of; fields not
        given stay absent."""
        result = {number: value for number, value in values.items() if number in self.allowed}
        if self.persons is None:
            return result
        first_group = str((values.get(7) or {}).get("group", ""))
        if not self.persons(first_group):
            for number in PERSON_FIELDS:
                result.pop(number, None)
        if 11 in result:
            others = [person for person in result[11] if self.persons(str(person.get("nationality_group", "")))]
            if others:
                result[11] = others
            else:
                del result[11]
        return result


# The fields that describe the first person (the others are entries of field 11).
PERSON_FIELDS = (3, 4, 5, 6, 7, 8, 9, 30, 31)


def _craft(facts: Facts) -> bool:
    return "handwerk" in facts.get("kinds", ()) or bool(facts.get("craft_code"))


def _not_only_craft(facts: Facts) -> bool:
    kinds = set(facts.get("kinds", ()))
    return not kinds or kinds != {"handwerk"}


def _wz_in(*prefixes: str) -> Callable[[Facts], bool]:
    def concerns(facts: Facts) -> bool:
        code = str(facts.get("wz_code", "")).replace(".", "")
        return any(code.startswith(prefix) for prefix in prefixes)

    return concerns


def _foreign_non_eu(facts: Facts) -> bool:
    return bool(facts.get("needs_residence_title"))


def _registered(facts: Facts) -> bool:
    return bool(facts.get("registered"))


# Each rule names the paragraph it implements. The IHK and Eichbehörde filters are the ones
# DOMAIN.md quotes from § 3 GewAnzV; the others follow the purposes § 14 Abs. 8 GewO names for each
# recipient (UNVERIFIED against the current consolidated text, see the closing note of issue 4).
RECIPIENTS: dict[str, RecipientRule] = {
    rule.kind: rule
    for rule in (
        RecipientRule(
            "finanzamt",
            _("Finanzamt"),
            everything_except(33),
            "fa",
            "0200",
            "§ 14 Abs. 8 Satz 1 Nr. 1 GewO, § 138 AO: alle Angaben",
        ),
        RecipientRule(
            "ihk",
            _("Industrie- und Handelskammer"),
            everything_except(13, 27, range(29, 32), 33),
            "ihk",
            "0300",
            "§ 3 Abs. 2 GewAnzV: ohne die Felder 13, 27, 29 bis 31 und 33",
            _not_only_craft,
        ),
        RecipientRule(
            "hwk",
            _("Handwerkskammer"),
            everything_except(13, 27, 30, 31, 33),
            "hwk",
            "0300",
            "§ 3 Abs. 2 GewAnzV: wie die IHK, mit der Handwerkskarte (Feld 29)",
            _craft,
        ),
        RecipientRule(
            "statistik",
            _("Statistisches Landesamt (IT.NRW)"),
            fields(1, 2, 5, 7, 10, range(12, 26)),
            "sta",
            "0100",
            "§ 14 Abs. 13 GewO: Gewerbeanzeigenstatistik, ohne Namen und Wohnanschrift natürlicher Personen",
        ),
        RecipientRule(
            "dguv",
            _("Deutsche Gesetzliche Unfallversicherung (für die Berufsgenossenschaft)"),
            fields(range(1, 5), 9, 10, 11, 12, range(15, 21), 23, 24, 26),
            "bg",
            "0400",
            "§ 14 Abs. 8 Satz 1 Nr. 3 GewO: Träger der gesetzlichen Unfallversicherung",
        ),
        RecipientRule(
            "eichbehoerde",
            _("Eichbehörde"),
            fields(1, range(3, 6), 11, 14, 15, 18, 20),
            "eich",
            "0600",
            "§ 3 Abs. 3 GewAnzV: nur die Felder 1, 3 bis 5, 11, 14, 15, 18 und 20",
            _wz_in("10", "11", "35", "36", "45", "46", "47", "55", "56"),
        ),
        RecipientRule(
            "arbeitsagentur",
            _("Bundesagentur für Arbeit"),
            fields(range(1, 5), 9, 11, 12, 15, 17, 19, 23, 24),
            "ba",
            "0700",
            "§ 14 Abs. 8 Satz 1 Nr. 4 GewO: Arbeitsvermittlung und Arbeitnehmerüberlassung",
        ),
        RecipientRule(
            "zoll",
            _("Hauptzollamt (Finanzkontrolle Schwarzarbeit)"),
            fields(range(1, 10), 11, 12, 15, 17, 19, 22, 23, 24),
            "zoll",
            "0800",
            "§ 14 Abs. 8 Satz 1 Nr. 5 GewO, § 2 SchwarzArbG",
        ),
        RecipientRule(
            "registergericht",
            _("Registergericht"),
            fields(1, 2, 3, 4, 8, 11, 12, 15, 17, 23, 24),
            "reg",
            "0900",
            "§ 14 Abs. 8 Satz 1 Nr. 6 GewO: Prüfung der Eintragungspflicht",
            _registered,
        ),
        RecipientRule(
            "auslaenderbehoerde",
            _("Ausländerbehörde"),
            fields(range(3, 9), 11, 12, 15, 17, 30, 31),
            "abh",
            "0500",
            "§ 14 Abs. 8 Satz 1 Nr. 8 GewO: nur bei Staatsangehörigen außerhalb von EU und EWR, nur über diese",
            _foreign_non_eu,
            persons=lambda group: group == "other",
        ),
        RecipientRule(
            "immissionsschutz",
            _("Immissionsschutzbehörde"),
            fields(1, 3, 4, 12, 15, 17, 18, 19),
            "imm",
            "1000",
            "§ 14 Abs. 8 Satz 1 Nr. 2 GewO: Überwachung nach dem BImSchG",
            _wz_in("0", "1", "2", "3", "452", "9601"),
        ),
        RecipientRule(
            "lebensmittel",
            _("Lebensmittelüberwachung und Veterinäramt"),
            fields(1, 3, 4, 9, 12, 15, 17),
            "lm",
            "1100",
            "§ 14 Abs. 8 Satz 1 Nr. 7 GewO: Lebensmittel- und Futtermittelüberwachung",
            _wz_in("10", "11", "463", "472", "56"),
        ),
    )
}


def wz_dotted(code: str) -> str:
    """ "96021" → "96.02.1", the spelling of the classification; dotted input stays."""
    digits = code.replace(".", "")
    if len(digits) != 5 or not digits.isdigit():
        return code
    return f"{digits[:2]}.{digits[2:4]}.{digits[4]}"


# What a notice must contain ------------------------------------------------------------------------

# A start more than this far back needs an explanation (late notice, GewO § 146 Abs. 2 Nr. 2).
# Exactly 92 days back is not more than it.
LATE_AFTER = timedelta(days=92)
# A start further ahead than this is not a notice yet but a plan (GewO § 14 Abs. 1: notice "gleichzeitig"
# with the start); the same limit holds for a change and an end.
EARLY_BEFORE = timedelta(days=366)
# A change further back than this is not taken online: the office clarifies it by phone (its own practice).
CHANGE_AT_MOST_BACK = timedelta(days=3 * 365)
# Minors need the family court's approval (BGB § 112); 14 is the floor for any sensible entry.
MIN_AGE = 14
# Legal forms with exactly one owner: the sole trader and the e. K. (HGB § 1, § 18).
SINGLE_OWNER = frozenset({LegalForm.SOLE, LegalForm.MERCHANT})
# A partnership has at least two partners (BGB § 705, HGB § 105, § 161); a GmbH & Co. KG counts its
# general partner, the GmbH, among them and is left to the clerk.
MIN_PERSONS = {LegalForm.GBR: 2, LegalForm.OHG: 2, LegalForm.KG: 2}


@dataclass(frozen=True)
class Problem:
    """An answer a rule refuses. `field` is the answer's name on its page, or, for a rule across pages,
    the key of the page to go back to."""

    field: str
    message: StrOrPromise
    code: str = "invalid"


def _years_before(day: date, years: int) -> date:
    """The same day `years` earlier; 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def business_problems(business: Business) -> list[Problem]:
    """Fields 1, 2 and 10 by legal form: a registered business gives its register entry, a sole trader
    has none, the register type matches the legal form, and the number of persons fits it."""
    legal_form = business.legal_form
    if legal_form is None:
        return []
    problems: list[Problem] = []
    if legal_form in REGISTERED:
        for name, value, message in (
            (
                "registered_name",
                business.registered_name,
                _("Bitte geben Sie den Namen an, der im Register eingetragen ist."),
            ),
            ("register_court", business.register_court, _("Bitte geben Sie das Registergericht an.")),
            ("register_number", business.register_number, _("Bitte geben Sie die Registernummer an.")),
        ):
            if not value:
                problems.append(Problem(name, message, "required"))
    elif legal_form == LegalForm.SOLE and (business.register_number or business.registered_name):
        problems.append(
            Problem(
                "legal_form",
                _("Ein Einzelunternehmen steht nicht im Register. Eingetragen sind Sie „e. K.“."),
                "not_registered",
            )
        )
    number = business.register_number
    expected = REGISTER_TYPES.get(legal_form, ())
    given = number.split(" ")[0]
    if number and expected and given not in expected:
        problems.append(
            Problem(
                "register_number",
                _("Für diese Rechtsform passt die Registerart %(expected)s, nicht %(given)s.")
                % {"expected": " / ".join(expected), "given": given},
                "register_type",
            )
        )
    # A registered business was already told above that the court is missing.
    if number and not business.register_court and legal_form not in REGISTERED:
        problems.append(Problem("register_court", _("Zur Registernummer gehört das Registergericht."), "required"))
    count = business.person_count
    if legal_form in SINGLE_OWNER and count != 1:
        problems.append(
            Problem("person_count", _("Ein Einzelunternehmen hat genau eine Inhaberin oder einen Inhaber."), "count")
        )
    minimum = MIN_PERSONS.get(legal_form, 1)
    if count < minimum:
        problems.append(
            Problem(
                "person_count",
                _("Eine %(form)s hat mindestens %(count)s Gesellschafter.")
                % {"form": legal_form_label(legal_form), "count": minimum},
                "count",
            )
        )
    return problems


def start_date_problem(start: date, *, today: date) -> Problem | None:
    """Field 17 of the GewA 1: a start more than a year ahead is refused."""
    if start > today + EARLY_BEFORE:
        return Problem(
            "start_date",
            _("Der Beginn liegt mehr als ein Jahr in der Zukunft. Bitte zeigen Sie das Gewerbe später an."),
            "too_early",
        )
    return None


def is_late(start: date, *, today: date) -> bool:
    """Whether a start lies more than `LATE_AFTER` back (exactly at the limit is not late)."""
    return start < today - LATE_AFTER


def activity_problems(activity: Activity, *, today: date) -> list[Problem]:
    """A late notice says why it comes only now."""
    if (
        activity.start_date is not None
        and is_late(activity.start_date, today=today)
        and not activity.late_reason.strip()
    ):
        return [
            Problem(
                "late_reason",
                _(
                    "Der Beginn liegt mehr als drei Monate zurück. Bitte erklären Sie kurz, warum Sie ihn erst "
                    "jetzt anzeigen."
                ),
                "required",
            )
        ]
    return []


def birth_date_problem(birth_date: date, *, today: date) -> Problem | None:
    """Field 6: a person younger than `MIN_AGE` is refused (exactly 14 today is old enough)."""
    if birth_date > _years_before(today, MIN_AGE):
        return Problem(
            "birth_date",
            _("Die Person wäre jünger als 14 Jahre. Bitte prüfen Sie das Geburtsdatum."),
            "too_young",
        )
    return None


def residence_title_asked(group: NationalityGroup | None) -> bool:
    """Fields 30 and 31 concern only persons from outside the EU, the EEA and Switzerland: the others
    may work self-employed without a title (FreizügG/EU § 2, AufenthG § 4a Abs. 1, § 21)."""
    return group == NationalityGroup.OTHER


def person_problems(person: Person) -> list[Problem]:
    """Fields 7, 30 and 31: a foreign nationality is named, and a person from outside the EU says
    whether a residence title exists and, if so, who issued it and whether it allows self-employment."""
    problems: list[Problem] = []
    group = person.nationality_group
    if group in (NationalityGroup.EU, NationalityGroup.OTHER) and not person.nationality:
        problems.append(Problem("nationality", _("Bitte nennen Sie die Staatsangehörigkeit."), "required"))
    if not residence_title_asked(group):
        return problems
    if person.residence_title is None:
        problems.append(
            Problem("residence_title", _("Bitte sagen Sie, ob ein Aufenthaltstitel vorliegt (Feld 30)."), "required")
        )
    elif person.residence_title == ResidenceTitle.YES:
        if not person.residence_title_authority:
            problems.append(
                Problem("residence_title_authority", _("Welche Behörde hat den Titel ausgestellt?"), "required")
            )
        if person.self_employment_allowed is None:
            problems.append(
                Problem(
                    "self_employment_allowed",
                    _("Bitte sagen Sie, ob der Titel eine selbständige Tätigkeit erlaubt (Feld 31)."),
                    "required",
                )
            )
    return problems


def premises_problems(premises: Premises) -> list[Problem]:
    """Fields 13 and 14: a branch names its main establishment, a former address is given whole."""
    problems: list[Problem] = []
    if premises.establishment in BRANCHES:
        head = premises.head_office
        for name, value in (
            ("head_street", head.street),
            ("head_postal_code", head.postal_code),
            ("head_city", head.city),
        ):
            if not value:
                problems.append(
                    Problem(name, _("Bei einer Zweigniederlassung fehlt die Hauptniederlassung (Feld 13)."), "required")
                )
    former = premises.former
    if former.given and not former.complete:
        for name, value in (
            ("former_street", former.street),
            ("former_postal_code", former.postal_code),
            ("former_city", former.city),
        ):
            if not value:
                problems.append(
                    Problem(name, _("Bitte die frühere Anschrift vollständig angeben (Feld 14)."), "required")
                )
    return problems


def registration_problems(details: RegistrationDetails) -> list[Problem]:
    """Fields 25 and 26 of the GewA 1: a relocation names where from, a takeover the former trader."""
    problems: list[Problem] = []
    if details.reason == RegistrationReason.RELOCATION and not details.former_municipality:
        problems.append(Problem("former_municipality", _("Von wo wird der Betrieb verlegt?"), "required"))
    if details.reason in REGISTRATION_WITH_PREDECESSOR and not details.previous_operator:
        problems.append(
            Problem(
                "previous_operator", _("Bitte nennen Sie den bisherigen Inhaber oder die bisherige Firma."), "required"
            )
        )
    return problems


def permit_problems(permits: Permits) -> list[Problem]:
    """Fields 28 and 29: a permit is named, a Handwerkskarte that exists gives its chamber and date."""
    problems: list[Problem] = []
    if permits.permit_required == PermitRequired.YES and not permits.permit_kind:
        problems.append(Problem("permit_kind", _("Welche Erlaubnis ist es (Feld 28)?"), "required"))
    if permits.craft_card == CraftCard.YES:
        if not permits.craft_card_chamber:
            problems.append(
                Problem("craft_card_chamber", _("Welche Handwerkskammer hat die Karte ausgestellt?"), "required")
            )
        if permits.craft_card_date is None:
            problems.append(Problem("craft_card_date", _("Wann wurde die Handwerkskarte ausgestellt?"), "required"))
    return problems


def change_date_problem(change_date: date, *, today: date) -> Problem | None:
    """Field 17 of the GewA 2: at most a year ahead and at most three years back."""
    if change_date > today + EARLY_BEFORE:
        return Problem("change_date", _("Die Änderung liegt mehr als ein Jahr in der Zukunft."), "too_early")
    if change_date < today - CHANGE_AT_MOST_BACK:
        return Problem(
            "change_date", _("Die Änderung liegt mehr als drei Jahre zurück. Bitte rufen Sie uns an."), "too_late"
        )
    return None


def end_date_problem(end_date: date, *, today: date) -> Problem | None:
    """Field 17 of the GewA 3: at most a year ahead."""
    if end_date > today + EARLY_BEFORE:
        return Problem("end_date", _("Das Datum liegt mehr als ein Jahr in der Zukunft."), "too_early")
    return None


def deregistration_problems(details: DeregistrationDetails) -> list[Problem]:
    """Field 26 of the GewA 3: a business handed over, converted or moved names who or where next."""
    if details.reason in DEREGISTRATION_WITH_SUCCESSOR and not details.successor:
        return [Problem("successor", _("Bitte nennen Sie den Nachfolger oder den neuen Ort (Feld 26)."), "required")]
    return []


def notice_problems(notice: TradeNoticeAnswers) -> list[Problem]:
    """Rules across pages, by the key of the page to go back to: a legal person names someone who
    represents it by law, and every person the business page counts has their page."""
    problems: list[Problem] = []
    legal_form = notice.business.legal_form
    if (
        legal_form is not None
        and legal_form in LEGAL_PERSONS
        and not {person.role for person in notice.persons} & LEGAL_REPRESENTATIVES
    ):
        problems.append(
            Problem(
                person_step_key(1),
                _(
                    "Eine %(form)s braucht mindestens eine Person, die sie gesetzlich vertritt "
                    "(Geschäftsführung oder Vorstand)."
                )
                % {"form": legal_form_label(legal_form)},
                "representative",
            )
        )
    if len(notice.persons) < notice.business.person_count:
        problems.append(Problem(StepKey.BUSINESS, _("Es fehlen Angaben zu einer Person."), "persons"))
    return problems
