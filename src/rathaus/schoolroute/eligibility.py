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

Everything here is pure functions; only the messages go through Django's gettext (German
source, English in the catalogue). Distances come from the router (§ 7), exceptions (§ 6) are
decisions of a clerk that a result can carry but never computes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

from django.utils.translation import gettext as _

from rathaus.core.language import in_english

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

    @property
    def label(self) -> str:
        """The level's name in the active language, as it reads after "für die" / "for the"."""
        labels = {
            SchoolLevel.PRIMARSTUFE: _("Primarstufe"),
            SchoolLevel.SEKUNDARSTUFE_I: _("Sekundarstufe I"),
            SchoolLevel.SEKUNDARSTUFE_II: _("Sekundarstufe II"),
        }
        return labels[self]


# SchfkVO NRW § 5 (2): the one-way footpath must be MORE than this many metres.
THRESHOLD_M: Final[dict[SchoolLevel, int]] = {
    SchoolLevel.PRIMARSTUFE: 2_000,
    SchoolLevel.SEKUNDARSTUFE_I: 3_500,
    SchoolLevel.SEKUNDARSTUFE_II: 5_000,
}


def exceeds(distance_m: float, threshold_m: float) -> bool:
    """SchfkVO NRW § 5 (2): the footpath must be MORE than the threshold; exactly at it is not more."""
    return distance_m > threshold_m


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

    @property
    def label(self) -> str:
        labels = {
            ExceptionReason.DANGEROUS_ROUTE: _("besonders gefährlicher Schulweg"),
            ExceptionReason.HEALTH: _("gesundheitliche Gründe für mehr als 8 Wochen"),
        }
        return labels[self]


def school_level(schulform: Schulform | str, grade: int) -> SchoolLevel:
    """The level (and so the threshold) for a pupil of this grade at this Schulform."""
    try:
        form = Schulform(schulform)
    except ValueError:
        raise ValueError(_("Unbekannte Schulform %(schulform)s") % {"schulform": repr(schulform)}) from None
    grades = _LEVELS[form]
    if not grades:
        raise ValueError(
            _("Für die Schulform %(schulform)s gilt die Schülerfahrkostenverordnung nicht") % {"schulform": form.value}
        )
    if grade not in grades:
        raise ValueError(
            _("Klasse %(grade)s gibt es an der Schulform %(schulform)s nicht (nur %(first)s–%(last)s)")
            % {"grade": grade, "schulform": form.value, "first": min(grades), "last": max(grades)}
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
        return exceeds(self.distance_m, self.threshold_m)

    @property
    def explanation(self) -> str:
        """The verdict in words, in the active language."""
        return footpath_explanation(
            distance_m=self.distance_m,
            threshold_m=self.threshold_m,
            level=self.level,
            exception=self.exception,
            legal_basis=self.legal_basis,
        )


def footpath_explanation(
    *,
    distance_m: float,
    threshold_m: int,
    level: SchoolLevel,
    exception: ExceptionReason | None = None,
    legal_basis: str = LEGAL_BASIS,
) -> str:
    """The footpath rule's verdict in words, from its figures alone (so a filed verdict can be told again)."""
    figures = {
        "distance": metres(distance_m),
        "threshold": _kilometres(threshold_m),
        "margin": metres(abs(distance_m - threshold_m)),
        "level": level.label,
    }
    if exceeds(distance_m, threshold_m):
        sentences = [
            _(
                "Der Schulweg ist %(distance)s lang, %(margin)s mehr als die %(threshold)s für die %(level)s, "
                "und damit lang genug für die Übernahme der Fahrkosten."
            )
            % figures
        ]
    else:
        sentences = [
            _(
                "Der Schulweg ist %(distance)s lang und damit nicht länger als %(threshold)s für die %(level)s "
                "(es fehlen %(margin)s). Die Fahrkosten werden nicht übernommen."
            )
            % figures
        ]
        if exception is not None:
            sentences.append(
                _("Ausnahme nach § 6 SchfkVO NRW anerkannt: %(exception)s.") % {"exception": exception.label}
            )
    sentences.append(_("Rechtsgrundlage: %(basis)s.") % {"basis": legal_basis})
    return " ".join(sentences)


def metres(value: float) -> str:
    """Whole metres with the language's thousands separator: "4.212 m", in English "4,212 m"."""
    text = f"{value:,.0f}"
    return f"{text if in_english() else text.replace(',', '.')} m"


def _kilometres(metres: int) -> str:
    """A threshold in kilometres: "3,5 km", in English "3.5 km"."""
    text = f"{metres / 1000:g}"
    return f"{text if in_english() else text.replace('.', ',')} km"


def eligibility_check(
    *, schulform: Schulform | str, grade: int, distance_m: float, exception: ExceptionReason | None = None
) -> Eligibility:
    """Whether the one-way footpath of `distance_m` (§ 7) entitles to transport costs (§ 5 (2)).

    `exception` is a clerk's decision under § 6; it makes a short route eligible and is shown
    in the explanation. Exactly at the threshold is not "more than" it: not eligible.
    """
    if distance_m < 0:
        raise ValueError(_("Die Entfernung kann nicht negativ sein: %(distance)s") % {"distance": distance_m})
    level = school_level(schulform, grade)
    threshold = THRESHOLD_M[level]
    return Eligibility(
        schulform=Schulform(schulform),
        grade=grade,
        level=level,
        distance_m=distance_m,
        threshold_m=threshold,
        eligible=exceeds(distance_m, threshold) or exception is not None,
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
    def explanation(self) -> str:
        """The nearest-school rule in words, in the active language."""
        if not self.nearer_school_exists:
            return _("Die gewählte Schule ist die nächstgelegene ihrer Schulform.")
        return _(
            "Eine Schule derselben Schulform ist näher (%(nearest)s statt %(chosen)s). Erstattet werden höchstens "
            "die Fahrkosten zur nächstgelegenen Schule (%(basis)s)."
        ) % {
            "nearest": metres(self.nearest_distance_m),
            "chosen": metres(self.chosen_distance_m),
            "basis": self.legal_basis,
        }


def nearest_school_check(*, chosen_distance_m: float, nearest_distance_m: float) -> NearestSchool:
    """Compare the chosen school with the nearest school of the same Schulform (§ 9 SchfkVO NRW)."""
    if chosen_distance_m < 0 or nearest_distance_m < 0:
        raise ValueError(_("Entfernungen können nicht negativ sein"))
    return NearestSchool(chosen_distance_m=chosen_distance_m, nearest_distance_m=nearest_distance_m)


class Entitlement(StrEnum):
    """The footpath rule (§ 5 (2)) and the nearest-school rule (§ 9) together."""

    PAID = "paid"  # the footpath is long enough and no school of the same Schulform is nearer
    CAPPED = "capped"  # paid, but only up to the costs of reaching the nearer school (itself beyond the threshold)
    NEARER_SCHOOL = "nearer_school"  # a nearer school is within walking distance: its costs, and so these, are nil
    NOT_PAID = "not_paid"  # the footpath is not long enough

    @property
    def paid(self) -> bool:
        """Transport costs are paid, in full or up to those of the nearest school."""
        return self in (Entitlement.PAID, Entitlement.CAPPED)

    @property
    def headline(self) -> str:
        """The entitlement in one sentence, in the active language."""
        headlines = {
            Entitlement.PAID: _("Ja: Die Fahrkosten werden voraussichtlich übernommen."),
            Entitlement.CAPPED: _(
                "Ja, begrenzt: Übernommen werden höchstens die Fahrkosten zur nächstgelegenen Schule."
            ),
            Entitlement.NEARER_SCHOOL: _(
                "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar."
            ),
            Entitlement.NOT_PAID: _("Nein: Der Schulweg ist zu kurz für die Übernahme der Fahrkosten."),
        }
        return headlines[self]

    @property
    def note(self) -> str:
        """What parents can still do when a nearer school rules the costs out; empty otherwise."""
        if self is not Entitlement.NEARER_SCHOOL:
            return ""
        return _(
            "Zur nächstgelegenen Schule derselben Schulform ist der Fußweg nicht länger als die Grenze; dafür "
            "entstehen keine Fahrkosten, und mehr wird nach § 9 SchfkVO NRW nicht erstattet. Hat die nähere Schule "
            "Ihr Kind nicht aufnehmen können, gilt die gewählte Schule als nächstgelegene: Geben Sie das im Antrag an."
        )


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
    if exceeds(nearest.nearest_distance_m, eligibility.threshold_m):
        return Entitlement.CAPPED
    return Entitlement.NEARER_SCHOOL
