"""Reads of the school route app: schools, the street network's files and the footpath to a school.

The verdict on a footpath is `rathaus.schoolroute.verdict.school_route_check`."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TypeVar, cast

from django.conf import settings
from django.db.models import QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.routing import AddressIndex, Graph, Route, RoutingError, SchoolGrounds, grounds_load, school_destinations
from rathaus.schoolroute.models import School, StreetNetwork


def school_list(*, municipality: Municipality, schulform: str = "") -> QuerySet[School]:
    schools = School.objects.filter(municipality=municipality)
    if schulform:
        schools = schools.filter(schulform=schulform)
    return schools.order_by("name", "schulnummer")


def street_network_get(*, municipality: Municipality) -> StreetNetwork | None:
    return StreetNetwork.objects.filter(municipality=municipality).first()


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
