"""Template helpers of the school transport application, for the panel in the electronic file."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django import template
from django.utils.safestring import SafeString

from rathaus.cases.models import Case
from rathaus.routing import RoutingError
from rathaus.schoolroute.maps import route_svg
from rathaus.schoolroute.models import School
from rathaus.schoolroute.procedure import ROUTE_STEP
from rathaus.schoolroute.selectors import (
    route_to_school,
    street_network_get,
    street_network_graph,
    street_network_grounds,
)

register = template.Library()
# A route measured again that differs by more than this from the filed one is pointed out.
CHANGED_BY_M = 0.5


@dataclass(frozen=True)
class CaseRouteMap:
    svg: SafeString
    length_m: float
    filed_length_m: float | None
    network_imported_at: datetime

    @property
    def changed(self) -> bool:
        return self.filed_length_m is not None and abs(self.length_m - self.filed_length_m) > CHANGED_BY_M


@register.simple_tag
def case_route_map(case: Case) -> CaseRouteMap | None:
    """The application's route measured again on today's street network and drawn as a map, so the
    clerk sees the way the figures mean; None when the case holds no point or there is no network."""
    answers = case.answers.get(ROUTE_STEP, {})
    lat, lon, number = answers.get("lat"), answers.get("lon"), answers.get("school")
    if lat is None or lon is None or not number:
        return None
    network = street_network_get(municipality=case.municipality)
    school = School.objects.filter(municipality_id=case.municipality_id, schulnummer=number).first()
    if network is None or school is None:
        return None
    start = (float(lat), float(lon))
    try:
        graph = street_network_graph(network)
        route = route_to_school(graph, school, start, street_network_grounds(network))
    except RoutingError:
        return None
    filed = answers.get("length_m")
    return CaseRouteMap(
        svg=route_svg(graph, route, start=start, school_name=school.name, element_id=f"case-route-{case.pk}"),
        length_m=route.length_m,
        filed_length_m=float(filed) if filed is not None else None,
        network_imported_at=network.imported_at,
    )
