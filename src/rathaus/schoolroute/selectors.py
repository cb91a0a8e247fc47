"""Reads of the school route app: schools, the street network's graph and the school route."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

from django.conf import settings
from django.db.models import QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.routing import AddressIndex, Graph, Route, RoutingError, SchoolGrounds, grounds_load, school_destinations
from rathaus.schoolroute.eligibility import Eligibility, eligibility_check
from rathaus.schoolroute.models import School, StreetNetwork


def school_list(*, municipality: Municipality, schulform: str = "") -> QuerySet[School]:
    schools = School.objects.filter(municipality=municipality)
    if schulform:
        schools = schools.filter(schulform=schulform)
    return schools.order_by("name", "schulnummer")


def street_network_get(*, municipality: Municipality) -> StreetNetwork | None:
    return StreetNetwork.all_tenants.filter(municipality=municipality).first()


# The files of a network (graph, addresses, school grounds), each loaded once per process and
# import: keyed by slug and file, replaced when a newer import shows up.
_loaded: dict[tuple[str, str], tuple[datetime, object]] = {}
_loaded_lock = threading.Lock()
Loaded = TypeVar("Loaded")


def _load_once(network: StreetNetwork, file_name: str, load: Callable[[Path], Loaded]) -> Loaded:
    path = Path(settings.GRAPH_DIR) / file_name
    key = (network.municipality.slug, str(path))
    with _loaded_lock:
        cached = _loaded.get(key)
        if cached is not None and cached[0] == network.imported_at:
            return cast(Loaded, cached[1])
    value = load(path)
    with _loaded_lock:
        _loaded[key] = (network.imported_at, value)
    return value


def street_network_graph(network: StreetNetwork) -> Graph:
    """The network's graph. Raises `rathaus.routing.GraphFileError` if the file is missing or unreadable."""
    return _load_once(network, network.graph_file, Graph.load)


def street_network_addresses(network: StreetNetwork) -> AddressIndex | None:
    """The network's address points (OSM addr:* or house coordinates), or None if it has none.

    Raises `rathaus.routing.AddressFileError` if the file recorded for the network is missing or unreadable.
    """
    if not network.address_file:
        return None
    return _load_once(network, network.address_file, AddressIndex.load)


@dataclass(frozen=True)
class NearestSchoolRoute:
    school: School
    length_m: float


@dataclass(frozen=True)
class SchoolRoute:
    route: Route
    eligibility: Eligibility
    nearest: NearestSchoolRoute | None


def street_network_grounds(network: StreetNetwork) -> list[SchoolGrounds]:
    """The school grounds with entrances of the network's OSM extract (empty if it has none)."""
    return _load_once(
        network,
        f"{network.graph_file.removesuffix('.npz')}.grounds.json",
        lambda path: grounds_load(path) if path.is_file() else [],
    )


def route_to_school(
    graph: Graph, school: School, start: tuple[float, float], grounds: Sequence[SchoolGrounds]
) -> Route:
    """The shortest footpath from `start` to the school: to the nearest of its entrances where the
    OSM data map its grounds with entrances, else to its address point. Raises `RoutingError`."""
    if school.latitude is None or school.longitude is None:
        raise RoutingError(
            f"Für die Schule {school.name} sind keine Koordinaten hinterlegt.",
            f"No coordinates are recorded for the school {school.name}.",
        )
    best: Route | None = None
    failure: RoutingError | None = None
    for destination in school_destinations(grounds, (school.latitude, school.longitude)):
        try:
            route = graph.route(start, destination)
        except RoutingError as error:
            failure = error
            continue
        if best is None or route.length_m < best.length_m:
            best = route
    if best is None:
        assert failure is not None  # noqa: S101 - there is always at least one destination
        raise failure
    return best


def school_route(
    *,
    graph: Graph,
    school: School,
    start: tuple[float, float],
    grade: int,
    grounds: Sequence[SchoolGrounds] | None = None,
) -> SchoolRoute:
    """The footpath from `start` to the school (§ 7 SchfkVO), its verdict, and a nearer school of its type.

    `grounds` default to those of the school's municipality's network. Raises ValueError if the
    grade does not exist at the school and `RoutingError` if the start lies too far from the
    network, no route connects it or the school has no coordinates.
    """
    eligibility_check(schulform=school.schulform, grade=grade, distance_m=0)  # grade check before routing
    if grounds is None:
        network = street_network_get(municipality=school.municipality)
        grounds = street_network_grounds(network) if network is not None else []
    route = route_to_school(graph, school, start, grounds)
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
            length = route_to_school(graph, other, start, grounds).length_m
        except RoutingError:
            continue
        if length < route.length_m and (nearest is None or length < nearest.length_m):
            nearest = NearestSchoolRoute(other, length)
    return SchoolRoute(route, eligibility, nearest)
