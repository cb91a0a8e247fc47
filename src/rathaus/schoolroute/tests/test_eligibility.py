import re

import pytest
from django.utils import translation

from rathaus.schoolroute.eligibility import (
    LEGAL_BASIS,
    Eligibility,
    Entitlement,
    ExceptionReason,
    NearestSchool,
    SchoolLevel,
    Schulform,
    eligibility_check,
    entitlement_check,
    nearest_school_check,
    school_level,
    threshold_m,
)


def explained(result: Eligibility | NearestSchool, language: str) -> str:
    with translation.override(language):
        return result.explanation


def test_it_pays_for_a_primary_pupil_just_over_2_km() -> None:
    result = eligibility_check(schulform=Schulform.GRUNDSCHULE, grade=3, distance_m=2000.01)
    assert result.eligible
    assert result.threshold_m == 2000
    assert result.margin_m == pytest.approx(0.01)
    assert result.legal_basis == LEGAL_BASIS


def test_exactly_2_km_is_not_more_than_2_km() -> None:
    result = eligibility_check(schulform="Grundschule", grade=1, distance_m=2000)
    assert not result.eligible
    assert result.margin_m == 0
    assert "nicht länger als 2 km" in explained(result, "de")
    assert "not more than the 2 km" in explained(result, "en")


@pytest.mark.parametrize(("distance_m", "eligible"), [(3499.99, False), (3500, False), (3500.01, True), (4000, True)])
def test_lower_secondary_threshold_is_3_5_km(distance_m: float, eligible: bool) -> None:
    assert eligibility_check(schulform=Schulform.REALSCHULE, grade=7, distance_m=distance_m).eligible is eligible


@pytest.mark.parametrize(("distance_m", "eligible"), [(5000, False), (5000.01, True)])
def test_upper_secondary_threshold_is_5_km(distance_m: float, eligible: bool) -> None:
    assert eligibility_check(schulform=Schulform.GYMNASIUM, grade=12, distance_m=distance_m).eligible is eligible


def test_gymnasium_ef_counts_as_3_5_km_and_q1_as_5_km() -> None:
    assert threshold_m(Schulform.GYMNASIUM, 10) == 3500
    assert threshold_m(Schulform.GYMNASIUM, 11) == 3500
    assert threshold_m(Schulform.GYMNASIUM, 12) == 5000
    assert threshold_m(Schulform.GYMNASIUM, 13) == 5000


def test_gesamtschule_years_11_to_13_count_as_5_km() -> None:
    assert threshold_m(Schulform.GESAMTSCHULE, 10) == 3500
    assert [threshold_m(Schulform.GESAMTSCHULE, grade) for grade in (11, 12, 13)] == [5000, 5000, 5000]


@pytest.mark.parametrize(
    ("schulform", "grade", "level"),
    [
        (Schulform.GRUNDSCHULE, 4, SchoolLevel.PRIMARSTUFE),
        (Schulform.HAUPTSCHULE, 5, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.VOLKSSCHULE, 2, SchoolLevel.PRIMARSTUFE),
        (Schulform.VOLKSSCHULE, 9, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.REALSCHULE, 10, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.SEKUNDARSCHULE, 6, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.GESAMTSCHULE, 5, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.PRIMUS_SCHULE, 1, SchoolLevel.PRIMARSTUFE),
        (Schulform.PRIMUS_SCHULE, 10, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.GYMNASIUM, 5, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.FOERDERSCHULE_GRUND_HAUPTSCHULE, 3, SchoolLevel.PRIMARSTUFE),
        (Schulform.FOERDERSCHULE_GRUND_HAUPTSCHULE, 8, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.FOERDERSCHULE_REALSCHULE_GYMNASIUM, 11, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.FOERDERSCHULE_REALSCHULE_GYMNASIUM, 12, SchoolLevel.SEKUNDARSTUFE_II),
        (Schulform.FOERDERSCHULE_BERUFSKOLLEG, 11, SchoolLevel.SEKUNDARSTUFE_II),
        (Schulform.FREIE_WALDORFSCHULE, 4, SchoolLevel.PRIMARSTUFE),
        (Schulform.FREIE_WALDORFSCHULE, 5, SchoolLevel.SEKUNDARSTUFE_I),
        (Schulform.FREIE_WALDORFSCHULE, 12, SchoolLevel.SEKUNDARSTUFE_II),
        (Schulform.BERUFSKOLLEG, 11, SchoolLevel.SEKUNDARSTUFE_II),
        (Schulform.BERUFSKOLLEG, 13, SchoolLevel.SEKUNDARSTUFE_II),
    ],
)
def test_every_schulform_has_its_level(schulform: Schulform, grade: int, level: SchoolLevel) -> None:
    assert school_level(schulform, grade) == level


def test_every_schulform_of_the_nrw_list_is_known() -> None:
    covered = {form for form in Schulform if form != Schulform.WEITERBILDUNGSKOLLEG}
    for form in covered:
        # Every covered type has at least one grade with a level.
        assert any(_has_level(form, grade) for grade in range(1, 14)), form


def _has_level(schulform: Schulform, grade: int) -> bool:
    try:
        school_level(schulform, grade)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("schulform", "grade", "language", "message"),
    [
        (Schulform.GRUNDSCHULE, 5, "de", "Klasse 5 gibt es an der Schulform Grundschule nicht (nur 1–4)"),
        (Schulform.GRUNDSCHULE, 0, "en", "grade 0 does not exist at Grundschule (only 1–4)"),
        (Schulform.REALSCHULE, 11, "de", "Klasse 11 gibt es an der Schulform Realschule nicht (nur 5–10)"),
        (Schulform.GYMNASIUM, 4, "de", "(nur 5–13)"),
        (Schulform.GYMNASIUM, 14, "de", "(nur 5–13)"),
        (Schulform.BERUFSKOLLEG, 10, "de", "(nur 11–13)"),
        (Schulform.WEITERBILDUNGSKOLLEG, 11, "en", "does not cover Weiterbildungskolleg"),
        (
            Schulform.WEITERBILDUNGSKOLLEG,
            11,
            "de",
            "Für die Schulform Weiterbildungskolleg gilt die Schülerfahrkostenverordnung nicht",
        ),
        ("Universität", 1, "de", "Unbekannte Schulform 'Universität'"),
        ("Universität", 1, "en", "unknown school type 'Universität'"),
    ],
)
def test_a_grade_the_school_does_not_have_is_refused_clearly(
    schulform: str, grade: int, language: str, message: str
) -> None:
    with translation.override(language), pytest.raises(ValueError, match=re.escape(message)):
        eligibility_check(schulform=schulform, grade=grade, distance_m=3000)


def test_a_negative_distance_is_refused() -> None:
    with translation.override("de"), pytest.raises(ValueError, match="negativ"):
        eligibility_check(schulform=Schulform.GRUNDSCHULE, grade=1, distance_m=-1)


def test_the_result_explains_itself_in_german_and_english() -> None:
    result = eligibility_check(schulform=Schulform.GYMNASIUM, grade=11, distance_m=4212.4)
    assert result.level == SchoolLevel.SEKUNDARSTUFE_I
    assert result.margin_m == pytest.approx(712.4)
    assert explained(result, "de") == (
        "Der Schulweg ist 4.212 m lang, 712 m mehr als die 3,5 km für die Sekundarstufe I, und damit lang genug "
        "für die Übernahme der Fahrkosten. Rechtsgrundlage: § 97 SchulG NRW, § 5 Abs. 2 SchfkVO NRW."
    )
    assert explained(result, "en") == (
        "The way to school is 4,212 m, 712 m more than the 3.5 km for the lower secondary level, long enough "
        "for transport costs to be paid. Legal basis: § 97 SchulG NRW, § 5 Abs. 2 SchfkVO NRW."
    )


def test_a_short_route_explains_how_much_is_missing() -> None:
    result = eligibility_check(schulform=Schulform.GRUNDSCHULE, grade=2, distance_m=1500)
    assert result.margin_m == -500
    assert "es fehlen 500 m" in explained(result, "de")
    assert "(500 m short)" in explained(result, "en")


def test_a_clerks_exception_makes_a_short_route_eligible_and_says_so() -> None:
    result = eligibility_check(
        schulform=Schulform.GRUNDSCHULE, grade=2, distance_m=900, exception=ExceptionReason.DANGEROUS_ROUTE
    )
    assert result.eligible
    assert not result.exceeds_threshold
    assert result.exception == ExceptionReason.DANGEROUS_ROUTE
    assert "besonders gefährlicher Schulweg" in explained(result, "de")
    assert "especially dangerous route" in explained(result, "en")


def test_health_exception_is_a_value_a_result_can_carry() -> None:
    result = eligibility_check(
        schulform=Schulform.REALSCHULE, grade=6, distance_m=100, exception=ExceptionReason.HEALTH
    )
    assert result.eligible
    assert "mehr als 8 Wochen" in explained(result, "de")


def test_a_nearer_school_of_the_same_type_caps_the_entitlement() -> None:
    check = nearest_school_check(chosen_distance_m=4800, nearest_distance_m=3900)
    assert check.nearer_school_exists
    assert check.capped
    assert "höchstens die Fahrkosten zur nächstgelegenen Schule" in explained(check, "de")
    assert "3.900 m statt 4.800 m" in explained(check, "de")
    assert "§ 9 SchfkVO NRW" in explained(check, "en")


def test_the_chosen_school_being_the_nearest_caps_nothing() -> None:
    for nearest in (4800, 5000):
        check = nearest_school_check(chosen_distance_m=4800, nearest_distance_m=nearest)
        assert not check.nearer_school_exists
        assert not check.capped
    assert "nächstgelegene" in explained(nearest_school_check(chosen_distance_m=1, nearest_distance_m=1), "de")


def test_nearest_school_check_refuses_negative_distances() -> None:
    with translation.override("en"), pytest.raises(ValueError, match="negative"):
        nearest_school_check(chosen_distance_m=-1, nearest_distance_m=0)


@pytest.mark.parametrize(
    ("distance_m", "nearest_m", "entitlement"),
    [
        (2500, None, Entitlement.PAID),  # no other school of the type
        (2500, 2500, Entitlement.PAID),  # the chosen school is the nearest
        (3500, 2100, Entitlement.CAPPED),  # the nearer school is itself beyond 2 km
        (2047, 958, Entitlement.NEARER_SCHOOL),  # the nearer school is within walking distance
        (2047, 2000, Entitlement.NEARER_SCHOOL),  # exactly 2 km to it is not more than 2 km
        (1500, 900, Entitlement.NOT_PAID),
        (2000, None, Entitlement.NOT_PAID),
    ],
)
def test_the_footpath_and_the_nearest_school_decide_together(
    distance_m: float, nearest_m: float | None, entitlement: Entitlement
) -> None:
    eligibility = eligibility_check(schulform=Schulform.GRUNDSCHULE, grade=2, distance_m=distance_m)
    nearest = None
    if nearest_m is not None:
        nearest = nearest_school_check(chosen_distance_m=distance_m, nearest_distance_m=nearest_m)

    assert entitlement_check(eligibility, nearest) is entitlement
