"""Reads of the school route app: schools, the street network's graph and the school route."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db.models import QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.routing import AddressIndex, Graph, Route, RoutingError
from rathaus.schoolroute.eligibility import Eligibility, eligibility_check
from rathaus.schoolroute.models import School, StreetNetwork


def school_list(*, municipality: Municipality, schulform: str = "") -> QuerySet[School]:
    schools = School.objects.filter(municipality=municipality)
    if schulform:
        schools = schools.filter(schulform=schulform)
    return schools.order_by("name", "schulnummer")


def street_network_get(*, municipality: Municipality) -> StreetNetwork | None:
    return StreetNetwork.all_tenants.filter(municipality=municipality).first()


# One graph per municipality and process, replaced when a newer import shows up.
_graphs: dict[str, tuple[tuple[datetime, str], Graph]] = {}
_graphs_lock = threading.Lock()


def street_network_graph(network: StreetNetwork) -> Graph:
    """The network's graph, loaded once per process and import (keyed by slug and imported_at).

    Raises `rathaus.routing.GraphFileError` if the file is missing or unreadable.
    """
    slug = network.municipality.slug
    path = Path(settings.GRAPH_DIR) / network.graph_file
    key = (network.imported_at, str(path))
    with _graphs_lock:
        cached = _graphs.get(slug)
        if cached is not None and cached[0] == key:
            return cached[1]
    graph = Graph.load(path)
    with _graphs_lock:
        _graphs[slug] = (key, graph)
    return graph


# The address points likewise, keyed by slug, imported_at and file.
_addresses: dict[str, tuple[tuple[datetime, str], AddressIndex]] = {}


def street_network_addresses(network: StreetNetwork) -> AddressIndex | None:
    """The network's address points (OSM addr:* or house coordinates), or None if it has none.

    Loaded once per process and import. Raises `rathaus.routing.AddressFileError` if the file
    recorded for the network is missing or unreadable.
    """
    if not network.address_file:
        return None
    slug = network.municipality.slug
    path = Path(settings.GRAPH_DIR) / network.address_file
    key = (network.imported_at, str(path))
    with _graphs_lock:
        cached = _addresses.get(slug)
        if cached is not None and cached[0] == key:
            return cached[1]
    addresses = AddressIndex.load(path)
    with _graphs_lock:
        _addresses[slug] = (key, addresses)
    return addresses


@dataclass(frozen=True)
class NearestSchoolRoute:
    school: School
    length_m: float


@dataclass(frozen=True)
class SchoolRoute:
    route: Route
    eligibility: Eligibility
    nearest: NearestSchoolRoute | None


def school_route(*, graph: Graph, school: School, start: tuple[float, float], grade: int) -> SchoolRoute:
    """The footpath from `start` to the school (§ 7 SchfkVO), its verdict, and a nearer school of its type.

    Raises ValueError if the grade does not exist at the school and `RoutingError` if the start
    lies too far from the network, no route connects it or the school has no coordinates.
    """
    eligibility_check(schulform=school.schulform, grade=grade, distance_m=0)  # grade check before routing
    if school.latitude is None or school.longitude is None:
        raise RoutingError(
            f"Für die Schule {school.name} sind keine Koordinaten hinterlegt.",
            f"No coordinates are recorded for the school {school.name}.",
        )
    route = graph.route(start, (school.latitude, school.longitude))
    eligibility = eligibility_check(schulform=school.schulform, grade=grade, distance_m=route.length_m)
    nearest: NearestSchoolRoute | None = None
    others = School.all_tenants.filter(
        municipality_id=school.municipality_id,
        schulform=school.schulform,
        latitude__isnull=False,
        longitude__isnull=False,
    ).exclude(pk=school.pk)
    for other in others.order_by("schulnummer"):
        try:
            length = graph.route(start, (other.latitude, other.longitude)).length_m  # type: ignore[arg-type]
        except RoutingError:
            continue
        if length < route.length_m and (nearest is None or length < nearest.length_m):
            nearest = NearestSchoolRoute(other, length)
    return SchoolRoute(route, eligibility, nearest)
