"""One source to many points (`distances_to`, `snap_many`): exactly what `route()` gives, pair by pair."""

import math

import networkx as nx
import numpy as np
import pytest

from rathaus.routing import AddressIndex, NoRouteError

from .conftest import DATA, islands
from .test_routes import networkx_graph, random_points, reference_length


@pytest.fixture(scope="module")
def addresses() -> list[tuple[float, float]]:
    return [(a.lat, a.lon) for a in AddressIndex.from_osm(DATA / "north-bayreuth.osm.gz")]


def test_snap_many_lands_every_point_where_snap_does(north_bayreuth, addresses):
    lats, lons = zip(*addresses, strict=True)
    snapped = north_bayreuth.snap_many(lats, lons)
    assert len(snapped) == len(addresses) == 788
    for i, point in enumerate(addresses):
        assert snapped[i] == north_bayreuth.snap(point)


def test_snap_many_marks_points_off_the_network_and_invalid_coordinates(north_bayreuth):
    snapped = north_bayreuth.snap_many([48.0, math.nan, 95.0, 50.0055], [11.5, 11.58, 11.58, 11.5988], 500)
    assert snapped.edge.tolist()[:3] == [-1, -1, -1]
    assert np.isnan(snapped.distance_m[:3]).all()
    assert snapped.edge[3] >= 0
    assert snapped[3] == north_bayreuth.snap((50.0055, 11.5988), 500)


def test_distances_to_every_address_equal_each_route(north_bayreuth, addresses):
    lats, lons = zip(*addresses, strict=True)
    for source in addresses[::160]:
        distances = north_bayreuth.distances_to(source, lats, lons)
        for target, distance in zip(addresses, distances.tolist(), strict=True):
            try:
                expected = north_bayreuth.route(source, target).length_m
            except NoRouteError:
                expected = math.inf
            assert distance == pytest.approx(expected, abs=1e-6, rel=0)


def test_distances_to_agree_with_networkx_on_the_split_edges(north_bayreuth, addresses):
    reference = networkx_graph(north_bayreuth)
    source = addresses[0]
    targets = addresses[1::10]
    lats, lons = zip(*targets, strict=True)
    distances = north_bayreuth.distances_to(source, lats, lons)
    s = north_bayreuth.snap(source)
    for target, distance in zip(targets, distances.tolist(), strict=True):
        t = north_bayreuth.snap(target)
        try:
            expected = reference_length(north_bayreuth, reference, source, target, s, t)
        except nx.NetworkXNoPath:
            expected = math.inf
        assert distance == pytest.approx(expected, abs=1e-6, rel=0)


def test_distances_to_points_on_the_source_edge_go_straight_along_it(north_bayreuth):
    points = random_points(north_bayreuth, 400, seed=21)
    snapped = north_bayreuth.snap_many([p[0] for p in points], [p[1] for p in points])
    pairs = [
        (points[i], points[j])
        for i in range(len(points))
        for j in range(i + 1, len(points))
        if snapped.edge[i] == snapped.edge[j]
    ]
    assert len(pairs) >= 5
    for source, target in pairs:
        [distance] = north_bayreuth.distances_to(source, [target[0]], [target[1]]).tolist()
        assert distance == pytest.approx(north_bayreuth.route(source, target).length_m, abs=1e-6, rel=0)


def test_distances_to_gives_nan_off_the_network_and_inf_without_a_connection(tmp_path):
    graph = islands(tmp_path)
    distances = graph.distances_to((50.0, 11.0002), [50.0, 50.002, 51.0], [11.0008, 11.0005, 11.0])
    assert distances[0] == pytest.approx(graph.route((50.0, 11.0002), (50.0, 11.0008)).length_m, abs=1e-9)
    assert math.isinf(distances[1])
    assert math.isnan(distances[2])
