"""Routes checked against an independent reference: networkx Dijkstra on `graph.edges()`."""

import math
import random

import networkx as nx
import numpy as np
import pytest
from pyproj import Geod, Proj

from rathaus.routing import Graph, NoRouteError, PointTooFarError, SnappedPoint

from .conftest import islands, write_osm

GEOD = Geod(ellps="WGS84")


def geodesic(a: tuple[float, float], b: tuple[float, float]) -> float:
    return float(GEOD.inv(a[1], a[0], b[1], b[0])[2])


def split_lengths(graph: Graph, p: SnappedPoint) -> tuple[float, float]:
    """Lengths from the snapped point to u and to v, recomputed from the edge geometry."""
    points = graph.edge_geometry(p.edge)
    here = (p.lat, p.lon)
    to_u = sum(geodesic(a, b) for a, b in zip(points[: p.segment], points[1 : p.segment + 1], strict=True))
    to_u += geodesic(points[p.segment], here)
    to_v = geodesic(here, points[p.segment + 1])
    to_v += sum(geodesic(a, b) for a, b in zip(points[p.segment + 1 : -1], points[p.segment + 2 :], strict=True))
    return to_u, to_v


def reference_length(graph: Graph, reference: nx.Graph, start, end, s: SnappedPoint, t: SnappedPoint) -> float:
    g = reference.copy()
    edges = list(graph.edges())
    for name, p in (("S", s), ("T", t)):
        u, v, _ = edges[p.edge]
        to_u, to_v = split_lengths(graph, p)
        g.add_edge(name, u, weight=to_u)
        if v == u:
            g[name][u]["weight"] = min(to_u, to_v)
        else:
            g.add_edge(name, v, weight=to_v)
    if s.edge == t.edge:
        s_u, _ = split_lengths(graph, s)
        t_u, _ = split_lengths(graph, t)
        g.add_edge("S", "T", weight=abs(s_u - t_u))
    walk = float(nx.dijkstra_path_length(g, "S", "T"))
    return walk + geodesic(start, (s.lat, s.lon)) + geodesic(end, (t.lat, t.lon))


def networkx_graph(graph: Graph) -> nx.Graph:
    g = nx.Graph()
    for u, v, length in graph.edges():
        if u != v and (not g.has_edge(u, v) or g[u][v]["weight"] > length):
            g.add_edge(u, v, weight=length)
    return g


def random_points(graph: Graph, count: int, seed: int) -> list[tuple[float, float]]:
    """Points near the network: a random node moved up to about 60 m."""
    rng = random.Random(seed)
    nodes = list(graph.nodes())
    return [
        (lat + rng.uniform(-5e-4, 5e-4), lon + rng.uniform(-8e-4, 8e-4)) for _, lat, lon in rng.sample(nodes, count)
    ]


@pytest.mark.parametrize("name", ["north_bayreuth", "gievenbeck"])
def test_route_lengths_agree_with_networkx_dijkstra(name, request):
    graph: Graph = request.getfixturevalue(name)
    reference = networkx_graph(graph)
    points = random_points(graph, 120, seed=5)
    checked = 0
    for start, end in zip(points[::2], points[1::2], strict=True):
        try:
            route = graph.route(start, end)
        except NoRouteError:
            s, t = graph.snap(start), graph.snap(end)
            with pytest.raises(nx.NetworkXNoPath):
                reference_length(graph, reference, start, end, s, t)
            continue
        expected = reference_length(graph, reference, start, end, route.start, route.end)
        assert route.length_m == pytest.approx(expected, abs=1e-6, rel=0)
        checked += 1
    assert checked >= 50


def test_route_geometry_runs_from_start_to_end_and_matches_the_length(north_bayreuth):
    points = random_points(north_bayreuth, 40, seed=11)
    for start, end in zip(points[::2], points[1::2], strict=True):
        try:
            route = north_bayreuth.route(start, end)
        except NoRouteError:
            continue
        coordinates = route.coordinates
        assert coordinates[0] == pytest.approx(start)
        assert coordinates[-1] == pytest.approx(end)
        assert (route.start.lat, route.start.lon) in coordinates
        drawn = sum(geodesic(a, b) for a, b in zip(coordinates, coordinates[1:], strict=False))
        assert drawn == pytest.approx(route.length_m, abs=0.5)


def test_snapping_finds_the_nearest_segment(gievenbeck):
    lats = np.array([p[0] for edge in range(gievenbeck.edge_count) for p in gievenbeck.edge_geometry(edge)[:-1]])
    lons = np.array([p[1] for edge in range(gievenbeck.edge_count) for p in gievenbeck.edge_geometry(edge)[:-1]])
    lats2 = np.array([p[0] for edge in range(gievenbeck.edge_count) for p in gievenbeck.edge_geometry(edge)[1:]])
    lons2 = np.array([p[1] for edge in range(gievenbeck.edge_count) for p in gievenbeck.edge_geometry(edge)[1:]])
    for point in random_points(gievenbeck, 25, seed=3):
        # Distances from the point are true to the millimetre in an azimuthal equidistant projection around it.
        aeqd = Proj(proj="aeqd", lat_0=point[0], lon_0=point[1], ellps="WGS84")
        ax, ay = aeqd(lons, lats)
        bx, by = aeqd(lons2, lats2)
        dx, dy = bx - ax, by - ay
        norm = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
        t = np.clip(-(ax * dx + ay * dy) / norm, 0.0, 1.0)
        nearest = float(np.hypot(ax + t * dx, ay + t * dy).min())
        assert gievenbeck.snap(point).distance_m == pytest.approx(nearest, abs=0.05)


def test_a_route_on_one_street_counts_the_legs_to_the_street(tmp_path):
    graph = Graph.from_osm(
        write_osm(
            tmp_path / "street.osm",
            '<node id="1" lat="50.0" lon="11.0"/><node id="2" lat="50.0" lon="11.01"/>'
            '<way id="1"><nd ref="1"/><nd ref="2"/><tag k="highway" v="residential"/></way>',
        )
    )
    route = graph.route((50.0001, 11.002), (49.9999, 11.004))
    along = geodesic((50.0, 11.002), (50.0, 11.004))
    legs = geodesic((50.0001, 11.002), (50.0, 11.002)) + geodesic((49.9999, 11.004), (50.0, 11.004))
    assert route.length_m == pytest.approx(along + legs, abs=0.05)
    assert route.start.lat == pytest.approx(50.0)
    assert route.start.lon == pytest.approx(11.002)


def test_a_point_far_from_every_way_is_refused(north_bayreuth):
    with pytest.raises(PointTooFarError, match="more than 1,000 m"):
        north_bayreuth.route((48.0, 11.5), (49.95, 11.58))
    with pytest.raises(PointTooFarError):
        north_bayreuth.snap((49.95, 11.58), max_distance_m=0.001)


def test_disconnected_networks_give_no_route(tmp_path):
    graph = islands(tmp_path)
    with pytest.raises(NoRouteError, match="keinen zusammenhängenden Fußweg"):
        graph.route((50.0, 11.0005), (50.002, 11.0005))
    distances = graph.distances_from((50.0, 11.0005))
    assert math.isinf(distances[2]) and math.isinf(distances[3])


def test_distances_from_agree_with_networkx(north_bayreuth):
    reference = networkx_graph(north_bayreuth)
    start = random_points(north_bayreuth, 1, seed=8)[0]
    s = north_bayreuth.snap(start)
    u, v, _ = list(north_bayreuth.edges())[s.edge]
    to_u, to_v = split_lengths(north_bayreuth, s)
    reference.add_edge("S", u, weight=to_u)
    reference.add_edge("S", v, weight=min(to_v, reference["S"][v]["weight"]) if reference.has_edge("S", v) else to_v)
    expected = nx.single_source_dijkstra_path_length(reference, "S")
    distances = north_bayreuth.distances_from(start)
    for node in range(north_bayreuth.node_count):
        if node in expected:
            assert distances[node] == pytest.approx(expected[node] + s.distance_m, abs=1e-6, rel=0)
        else:
            assert math.isinf(distances[node])
    bounded = north_bayreuth.distances_from(start, limit_m=1_500)
    assert ((bounded <= 1_500) | ~(distances <= 1_500)).all()
    assert bounded[distances <= 1_500] == pytest.approx(distances[distances <= 1_500])
    assert np.isinf(bounded[distances > 1_500]).all()
