"""The school-route verdict: the footpath (§ 7 SchfkVO NRW), the footpath rule (§ 5 (2)) and the
nearest-school rule (§ 9) put together in one place.

The parents' page, the API, the application (and through what it files, the clerk's hints) and
the school-roll batch all call `school_route_check`, so none of them can apply fewer rules than
another. The rules themselves live in `eligibility`; this module only measures and combines.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rathaus.routing import Graph, Route, RoutingError, SchoolGrounds
from rathaus.schoolroute.eligibility import (
    Eligibility,
    Entitlement,
    NearestSchool,
    eligibility_check,
    entitlement_check,
    nearest_school_check,
    school_level,
)
from rathaus.schoolroute.models import School
from rathaus.schoolroute.selectors import route_to_school


@dataclass(frozen=True)
class NearestSchoolRoute:
    """A school of the chosen one's Schulform with a shorter footpath from the same front door."""

    school: School
    length_m: float


@dataclass(frozen=True)
class SchoolRouteVerdict:
    """The footpath to the chosen school and what it entitles to, with the texts that explain it.

    The texts are properties, rendered in the active language when read.
    """

    school: School
    route: Route
    eligibility: Eligibility
    nearest: NearestSchoolRoute | None  # only a school that is nearer than the chosen one
    nearest_check: NearestSchool  # compares with the chosen school itself when none is nearer
    entitlement: Entitlement

    @property
    def headline(self) -> str:
        return self.entitlement.headline

    @property
    def explanation(self) -> str:
        return self.eligibility.explanation

    @property
    def nearest_explanation(self) -> str:
        return self.nearest_check.explanation

    @property
    def note(self) -> str:
        """What parents can still do when a nearer school rules the costs out; empty otherwise."""
        return self.entitlement.note


def school_route_check(
    *,
    graph: Graph,
    grounds: Sequence[SchoolGrounds],
    school: School,
    start: tuple[float, float],
    grade: int,
    schools: Iterable[School],
) -> SchoolRouteVerdict:
    """The footpath from `start` to the school and the verdict of §§ 5 (2) and 9 SchfkVO NRW on it.

    Routes end at the nearest entrance of the school's `grounds`, else at its address point.
    `schools` are the candidates for § 9: of them only the chosen school's municipality and
    Schulform count, with coordinates and a route from `start`; the others are passed over, so
    any list of the municipality's schools will do. On equal footpaths the lower Schulnummer wins.

    Raises ValueError (before any routing) if the grade does not exist at the school, and
    `RoutingError` if the start lies too far from the network, no route connects it or the
    school has no coordinates.
    """
    school_level(school.schulform, grade)
    route = route_to_school(graph, school, start, grounds)
    eligibility = eligibility_check(schulform=school.schulform, grade=grade, distance_m=route.length_m)
    nearest = _nearer_school(graph, grounds, school, start, route.length_m, schools)
    check = nearest_school_check(
        chosen_distance_m=route.length_m,
        nearest_distance_m=route.length_m if nearest is None else nearest.length_m,
    )
    return SchoolRouteVerdict(
        school=school,
        route=route,
        eligibility=eligibility,
        nearest=nearest,
        nearest_check=check,
        entitlement=entitlement_check(eligibility, check),
    )


def _nearer_school(
    graph: Graph,
    grounds: Sequence[SchoolGrounds],
    school: School,
    start: tuple[float, float],
    length_m: float,
    schools: Iterable[School],
) -> NearestSchoolRoute | None:
    candidates = sorted(
        (
            other
            for other in schools
            if other.municipality_id == school.municipality_id
            and other.schulform == school.schulform
            and other.pk != school.pk
            and other.latitude is not None
            and other.longitude is not None
        ),
        key=lambda other: other.schulnummer,
    )
    nearest: NearestSchoolRoute | None = None
    for other in candidates:
        try:
            length = route_to_school(graph, other, start, grounds).length_m
        except RoutingError:
            continue
        if length < length_m and (nearest is None or length < nearest.length_m):
            nearest = NearestSchoolRoute(other, length)
    return nearest
