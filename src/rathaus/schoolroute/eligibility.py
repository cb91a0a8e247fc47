"""Who gets school transport costs paid in NRW: the law in one place.

Sources (all NRW):
- § 97 SchulG NRW: the school authority bears the necessary transport costs.
- SchfkVO NRW (Schülerfahrkostenverordnung, https://recht.nrw.de/lmi/owa/br_vbl_detail_text?anw_nr=6&vd_id=3742):
  § 5 (2) the thresholds, one way: Primarstufe more than 2 km, Sekundarstufe I more than 3.5 km,
  Sekundarstufe II more than 5 km; § 6 the exceptions (especially dangerous route, health);
  § 7 the distance is the shortest reasonable footpath from the front door to the school;
  § 9 costs are paid only up to those of the nearest school of the chosen Schulform.
- Stadt Soest, Schülerbeförderung: the Gymnasium's Einführungsphase (EF) counts as 3.5 km,
  Q1/Q2 and Gesamtschule years 11–13 as 5 km
  (https://www.soest.de/politik-verwaltung/dienstleistungen-a-z/schuelerbefoerderung).

Grades are counted as in NRW schools: 1–4 Primarstufe, 5–10 Sekundarstufe I, 11–13 the upper
years. The Gymnasium is G9 again since 2019, so its EF is grade 11 and Q1/Q2 are grades 12–13.

Everything here is pure Python; distances come from the router (§ 7), exceptions (§ 6) are
decisions of a clerk that a result can carry but never computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

LEGAL_BASIS: Final = "§ 97 SchulG NRW, § 5 Abs. 2 SchfkVO NRW"
NEAREST_SCHOOL_LEGAL_BASIS: Final = "§ 9 SchfkVO NRW"


class Schulform(StrEnum):
    """School types as named in the NRW school list (IT.NRW, column "Schulform")."""

    GRUNDSCHULE = "Grundschule"
    HAUPTSCHULE = "Hauptschule"
    VOLKSSCHULE = "Volksschule"
    REALSCHULE = "Realschule"
    SEKUNDARSCHULE = "Sekundarschule"
    GESAMTSCHULE = "Gesamtschule"
    PRIMUS_SCHULE = "PRIMUS-Schule"
    GYMNASIUM = "Gymnasium"
    FOERDERSCHULE_GRUND_HAUPTSCHULE = "Förderschule Grund-/Hauptschule"
    FOERDERSCHULE_REALSCHULE_GYMNASIUM = "Förderschule Realschule/Gymnasium"
    FOERDERSCHULE_BERUFSKOLLEG = "Förderschule Berufskolleg"
    FREIE_WALDORFSCHULE = "Freie Waldorfschule"
    BERUFSKOLLEG = "Berufskolleg"
    WEITERBILDUNGSKOLLEG = "Weiterbildungskolleg"


class SchoolLevel(StrEnum):
    PRIMARSTUFE = "Primarstufe"
    SEKUNDARSTUFE_I = "Sekundarstufe I"
    SEKUNDARSTUFE_II = "Sekundarstufe II"


# SchfkVO NRW § 5 (2): the one-way footpath must be MORE than this many metres.
THRESHOLD_M: Final[dict[SchoolLevel, int]] = {
    SchoolLevel.PRIMARSTUFE: 2_000,
    SchoolLevel.SEKUNDARSTUFE_I: 3_500,
    SchoolLevel.SEKUNDARSTUFE_II: 5_000,
}

_LEVEL_EN: Final = {
    SchoolLevel.PRIMARSTUFE: "primary level",
    SchoolLevel.SEKUNDARSTUFE_I: "lower secondary level",
    SchoolLevel.SEKUNDARSTUFE_II: "upper secondary level",
}

_P, _S1, _S2 = SchoolLevel.PRIMARSTUFE, SchoolLevel.SEKUNDARSTUFE_I, SchoolLevel.SEKUNDARSTUFE_II
_BY_GRADE_1_13: Final = {
    **dict.fromkeys(range(1, 5), _P),
    **dict.fromkeys(range(5, 11), _S1),
    **dict.fromkeys(range(11, 14), _S2),
}

# The level of every grade a Schulform teaches; a grade not listed does not exist at that school.
_LEVELS: Final[dict[Schulform, dict[int, SchoolLevel]]] = {
    Schulform.GRUNDSCHULE: dict.fromkeys(range(1, 5), _P),
    Schulform.HAUPTSCHULE: dict.fromkeys(range(5, 11), _S1),
    Schulform.VOLKSSCHULE: {**dict.fromkeys(range(1, 5), _P), **dict.fromkeys(range(5, 11), _S1)},
    Schulform.REALSCHULE: dict.fromkeys(range(5, 11), _S1),
    Schulform.SEKUNDARSCHULE: dict.fromkeys(range(5, 11), _S1),
    # Soest: Gesamtschule years 11–13 count as 5 km.
    Schulform.GESAMTSCHULE: {**dict.fromkeys(range(5, 11), _S1), **dict.fromkeys(range(11, 14), _S2)},
    Schulform.PRIMUS_SCHULE: {**dict.fromkeys(range(1, 5), _P), **dict.fromkeys(range(5, 11), _S1)},
    # G9: EF is grade 11 and counts as Sekundarstufe I for transport (3.5 km); Q1/Q2 (12–13) 5 km.
    Schulform.GYMNASIUM: {**dict.fromkeys(range(5, 12), _S1), **dict.fromkeys(range(12, 14), _S2)},
    # Förderschulen: by the grade level the pupil is taught at.
    Schulform.FOERDERSCHULE_GRUND_HAUPTSCHULE: {**dict.fromkeys(range(1, 5), _P), **dict.fromkeys(range(5, 11), _S1)},
    Schulform.FOERDERSCHULE_REALSCHULE_GYMNASIUM: {
        **dict.fromkeys(range(5, 12), _S1),
        **dict.fromkeys(range(12, 14), _S2),
    },
    Schulform.FOERDERSCHULE_BERUFSKOLLEG: dict.fromkeys(range(11, 14), _S2),
    Schulform.FREIE_WALDORFSCHULE: _BY_GRADE_1_13,
    # Every course of a Berufskolleg is Sekundarstufe II.
    Schulform.BERUFSKOLLEG: dict.fromkeys(range(11, 14), _S2),
    # Weiterbildungskolleg: adults in second-chance education are not covered (SchfkVO § 1).
    Schulform.WEITERBILDUNGSKOLLEG: {},
}


class ExceptionReason(StrEnum):
    """Exceptions of SchfkVO NRW § 6: decided by a clerk on evidence, never computed here."""

    DANGEROUS_ROUTE = "dangerous_route"  # § 6 (1): route especially dangerous or unsuitable
    HEALTH = "health"  # § 6 (2): health reasons lasting more than 8 weeks, medical certificate


def school_level(schulform: Schulform | str, grade: int) -> SchoolLevel:
    """The level (and so the threshold) for a pupil of this grade at this Schulform."""
    try:
        form = Schulform(schulform)
    except ValueError:
        raise ValueError(f"Unbekannte Schulform {schulform!r} / unknown school type {schulform!r}") from None
    grades = _LEVELS[form]
    if not grades:
        raise ValueError(
            f"Für die Schulform {form.value} gilt die Schülerfahrkostenverordnung nicht "
            f"/ the school transport regulation does not cover {form.value}"
        )
    if grade not in grades:
        first, last = min(grades), max(grades)
        raise ValueError(
            f"Klasse {grade} gibt es an der Schulform {form.value} nicht (nur {first}–{last}) "
            f"/ grade {grade} does not exist at {form.value} (only {first}–{last})"
        )
    return grades[grade]


def threshold_m(schulform: Schulform | str, grade: int) -> int:
    return THRESHOLD_M[school_level(schulform, grade)]


@dataclass(frozen=True)
class Eligibility:
    """The verdict on one footpath, with everything needed to explain it."""

    schulform: Schulform
    grade: int
    level: SchoolLevel
    distance_m: float
    threshold_m: int
    eligible: bool
    exception: ExceptionReason | None = None
    legal_basis: str = LEGAL_BASIS

    @property
    def margin_m(self) -> float:
        """How far the footpath is above (positive) or below (negative) the threshold."""
        return self.distance_m - self.threshold_m

    @property
    def exceeds_threshold(self) -> bool:
        return self.distance_m > self.threshold_m

    @property
    def explanation_de(self) -> str:
        distance = _format_m(self.distance_m)
        threshold = f"{self.threshold_m / 1000:g} km".replace(".", ",")
        margin = _format_m(abs(self.margin_m))
        if self.exceeds_threshold:
            text = (
                f"Der Schulweg ist {distance} lang, {margin} mehr als die {threshold} für die {self.level.value}, "
                "und damit lang genug für die Übernahme der Fahrkosten."
            )
        else:
            text = (
                f"Der Schulweg ist {distance} lang und damit nicht länger als {threshold} für die "
                f"{self.level.value} (es fehlen {margin}). Die Fahrkosten werden nicht übernommen."
            )
            if self.exception is not None:
                text += f" Ausnahme nach § 6 SchfkVO NRW anerkannt: {_EXCEPTION_DE[self.exception]}."
        return f"{text} Rechtsgrundlage: {self.legal_basis}."

    @property
    def explanation_en(self) -> str:
        distance = f"{self.distance_m:,.0f} m"
        threshold = f"{self.threshold_m / 1000:g} km"
        margin = f"{abs(self.margin_m):,.0f} m"
        level = _LEVEL_EN[self.level]
        if self.exceeds_threshold:
            text = (
                f"The way to school is {distance}, {margin} more than the {threshold} for the {level}, "
                "long enough for transport costs to be paid."
            )
        else:
            text = (
                f"The way to school is {distance}, not more than the {threshold} for the {level} "
                f"({margin} short). Transport costs are not paid."
            )
            if self.exception is not None:
                text += f" Exception under § 6 SchfkVO NRW granted: {_EXCEPTION_EN[self.exception]}."
        return f"{text} Legal basis: {self.legal_basis}."


_EXCEPTION_DE: Final = {
    ExceptionReason.DANGEROUS_ROUTE: "besonders gefährlicher Schulweg",
    ExceptionReason.HEALTH: "gesundheitliche Gründe für mehr als 8 Wochen",
}
_EXCEPTION_EN: Final = {
    ExceptionReason.DANGEROUS_ROUTE: "especially dangerous route",
    ExceptionReason.HEALTH: "health reasons lasting more than 8 weeks",
}


def _format_m(metres: float) -> str:
    return f"{metres:,.0f} m".replace(",", ".")


def eligibility_check(
    *, schulform: Schulform | str, grade: int, distance_m: float, exception: ExceptionReason | None = None
) -> Eligibility:
    """Whether the one-way footpath of `distance_m` (§ 7) entitles to transport costs (§ 5 (2)).

    `exception` is a clerk's decision under § 6; it makes a short route eligible and is shown
    in the explanation. Exactly at the threshold is not "more than" it: not eligible.
    """
    if distance_m < 0:
        raise ValueError(f"Die Entfernung kann nicht negativ sein: {distance_m} / distance cannot be negative")
    level = school_level(schulform, grade)
    threshold = THRESHOLD_M[level]
    return Eligibility(
        schulform=Schulform(schulform),
        grade=grade,
        level=level,
        distance_m=distance_m,
        threshold_m=threshold,
        eligible=distance_m > threshold or exception is not None,
        exception=exception,
    )


@dataclass(frozen=True)
class NearestSchool:
    """SchfkVO NRW § 9: costs are paid only up to those of the nearest school of the same Schulform."""

    chosen_distance_m: float
    nearest_distance_m: float
    legal_basis: str = NEAREST_SCHOOL_LEGAL_BASIS

    @property
    def nearer_school_exists(self) -> bool:
        return self.nearest_distance_m < self.chosen_distance_m

    @property
    def capped(self) -> bool:
        """The entitlement is limited to the costs of reaching the nearest school."""
        return self.nearer_school_exists

    @property
    def explanation_de(self) -> str:
        if not self.nearer_school_exists:
            return "Die gewählte Schule ist die nächstgelegene ihrer Schulform."
        return (
            f"Eine Schule derselben Schulform ist näher ({_format_m(self.nearest_distance_m)} statt "
            f"{_format_m(self.chosen_distance_m)}). Erstattet werden höchstens die Fahrkosten zur nächstgelegenen "
            f"Schule ({self.legal_basis})."
        )

    @property
    def explanation_en(self) -> str:
        if not self.nearer_school_exists:
            return "The chosen school is the nearest of its type."
        return (
            f"A school of the same type is nearer ({self.nearest_distance_m:,.0f} m instead of "
            f"{self.chosen_distance_m:,.0f} m). At most the cost of travelling to the nearest school is paid "
            f"({self.legal_basis})."
        )


def nearest_school_check(*, chosen_distance_m: float, nearest_distance_m: float) -> NearestSchool:
    """Compare the chosen school with the nearest school of the same Schulform (§ 9 SchfkVO NRW)."""
    if chosen_distance_m < 0 or nearest_distance_m < 0:
        raise ValueError("Entfernungen können nicht negativ sein / distances cannot be negative")
    return NearestSchool(chosen_distance_m=chosen_distance_m, nearest_distance_m=nearest_distance_m)


class Entitlement(StrEnum):
    """The footpath rule (§ 5 (2)) and the nearest-school rule (§ 9) together."""

    PAID = "paid"  # the footpath is long enough and no school of the same Schulform is nearer
    CAPPED = "capped"  # paid, but only up to the costs of reaching the nearer school (itself beyond the threshold)
    NEARER_SCHOOL = "nearer_school"  # a nearer school is within walking distance: its costs, and so these, are nil
    NOT_PAID = "not_paid"  # the footpath is not long enough


def entitlement_check(eligibility: Eligibility, nearest: NearestSchool | None) -> Entitlement:
    """What is paid, by § 5 (2) and § 9 SchfkVO NRW.

    § 9 pays at most what the way to the nearest school of the chosen Schulform would cost. If
    that way is itself not longer than the threshold, it costs nothing, so nothing is paid for
    the chosen school either; unless the nearest school could not admit the child (capacity),
    which a clerk checks on the application (then the chosen school counts as the nearest).
    """
    if not eligibility.eligible:
        return Entitlement.NOT_PAID
    if nearest is None or not nearest.nearer_school_exists:
        return Entitlement.PAID
    if nearest.nearest_distance_m > eligibility.threshold_m:
        return Entitlement.CAPPED
    return Entitlement.NEARER_SCHOOL


ENTITLEMENT_HEADLINE_DE: Final = {
    Entitlement.PAID: "Ja: Die Fahrkosten werden voraussichtlich übernommen.",
    Entitlement.CAPPED: "Ja, begrenzt: Übernommen werden höchstens die Fahrkosten zur nächstgelegenen Schule.",
    Entitlement.NEARER_SCHOOL: "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar.",
    Entitlement.NOT_PAID: "Nein: Der Schulweg ist zu kurz für die Übernahme der Fahrkosten.",
}
ENTITLEMENT_HEADLINE_EN: Final = {
    Entitlement.PAID: "Yes: the transport costs will probably be paid.",
    Entitlement.CAPPED: "Yes, capped: at most the cost of travelling to the nearest school is paid.",
    Entitlement.NEARER_SCHOOL: "Probably not: a nearer school of the same type is within walking distance.",
    Entitlement.NOT_PAID: "No: the way to school is too short for the transport costs to be paid.",
}
NEARER_SCHOOL_NOTE_DE: Final = (
    "Zur nächstgelegenen Schule derselben Schulform ist der Fußweg nicht länger als die Grenze; dafür entstehen "
    "keine Fahrkosten, und mehr wird nach § 9 SchfkVO NRW nicht erstattet. Hat die nähere Schule Ihr Kind nicht "
    "aufnehmen können, gilt die gewählte Schule als nächstgelegene: Geben Sie das im Antrag an."
)
NEARER_SCHOOL_NOTE_EN: Final = (
    "The footpath to the nearest school of the same type is not longer than the threshold; it costs nothing, and "
    "§ 9 SchfkVO NRW pays no more than that. If the nearer school could not admit your child, the chosen school "
    "counts as the nearest: say so in the application."
)
