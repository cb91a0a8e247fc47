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
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

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
