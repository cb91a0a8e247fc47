"""Benchmark of the routing engine on North-Bayreuth: import, routes against networkx and pgRouting, batch.

Run with `make bench-routing` (or `.venv/bin/python benchmarks/routing.py`). Not a test: it prints
figures, and asserts only that every route length agrees with networkx and pgRouting within 0.5 m.
It reads only the OSM file that ships with the code (src/rathaus/routing/data/north-bayreuth.osm.gz).

networkx runs Dijkstra on the graph we export (`graph.edges()`), with the start and end added as
nodes that split their edges, so both sides solve exactly the same problem; its time is the
search alone (the split nodes are added before the clock starts).

pgRouting (Debian `postgresql-15-pgrouting`, not needed by CI) gets the same exported graph in a
database of its own, `--database-url` (default postgres://root@127.0.0.1:5432/rathaus_bench_routing,
dropped and created afresh, so its name must contain "bench"), with each pair's two split edges
tagged by the pair; its time is one `pgr_dijkstra` query from Python. Without PostgreSQL or the
extension the benchmark says so and carries on.

The whole-town batch: every OSM address (`AddressIndex.from_osm`) to every school of the file
(amenity=school; North-Bayreuth has none, so its kindergartens stand in), one `distances_to` call
per school, and the same with 22 destinations (as many as Soest's schools).
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx
import osmium

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rathaus.routing import DEFAULT_MAX_SNAP_M, AddressIndex, Graph, NoRouteError, SnappedPoint  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "src" / "rathaus" / "routing" / "data" / "north-bayreuth.osm.gz"
TOLERANCE_M = 0.5
DEFAULT_DATABASE_URL = "postgres://root@127.0.0.1:5432/rathaus_bench_routing"
SOEST_SCHOOLS = 22
Pair = tuple[tuple[float, float], tuple[float, float]]


def timed(function: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = function()
    return (time.perf_counter() - start) * 1000, result


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def random_pairs(graph: Graph, count: int, seed: int) -> list[tuple[tuple[float, float], tuple[float, float]]]:
    """Front doors near the network: a random node moved up to about 35 m, paired at random."""
    rng = random.Random(seed)
    lats, lons = graph.node_lat.tolist(), graph.node_lon.tolist()

    def point() -> tuple[float, float]:
        node = rng.randrange(graph.node_count)
        return lats[node] + rng.uniform(-3e-4, 3e-4), lons[node] + rng.uniform(-4.5e-4, 4.5e-4)

    return [(point(), point()) for _ in range(count)]


def networkx_graph(graph: Graph) -> nx.Graph:
    g = nx.Graph()
    for u, v, length in graph.edges():
        if u != v and (not g.has_edge(u, v) or g[u][v]["weight"] > length):
            g.add_edge(u, v, weight=length)
    return g


def networkx_length(graph: Graph, g: nx.Graph, s: SnappedPoint, t: SnappedPoint) -> tuple[float, float]:
    """(time in ms, length) of networkx Dijkstra between the snapped points, legs included."""
    added = []
    for name, p in (("S", s), ("T", t)):
        u, v = int(graph.edge_u[p.edge]), int(graph.edge_v[p.edge])
        g.add_edge(name, u, weight=p.to_u_m if u != v else min(p.to_u_m, p.to_v_m))
        if u != v:
            g.add_edge(name, v, weight=p.to_v_m)
        added.append(name)
    if s.edge == t.edge:
        g.add_edge("S", "T", weight=abs(s.to_u_m - t.to_u_m))
    try:
        elapsed, walk = timed(lambda: nx.dijkstra_path_length(g, "S", "T"))
        return elapsed, walk + s.distance_m + t.distance_m
    except nx.NetworkXNoPath:
        return 0.0, math.inf
    finally:
        g.remove_nodes_from(added)


def parts(graph: Graph, pairs: list[Pair]) -> None:
    """Where a route's time goes: snapping both points, the search with unpacking, the rest (geometry)."""
    snap_ms, search_ms = [], []
    for start, end in pairs:
        elapsed, (s, t) = timed(partial(graph._snap_all, [start, end], DEFAULT_MAX_SNAP_M))
        snap_ms.append(elapsed)
        search_ms.append(timed(partial(graph._hierarchy.shortest, graph._seeds(s), graph._seeds(t)))[0])
    print(
        f"parts of route() at p50: snapping both points {percentile(snap_ms, 0.5):.3f} ms, "
        f"search with unpacking {percentile(search_ms, 0.5):.3f} ms, the rest is the coordinate list"
    )


def osm_amenities(kinds: tuple[str, ...]) -> list[tuple[str, float, float]]:
    """(name, lat, lon) of nodes and closed ways tagged amenity=<kind>; a way by the mean of its points."""
    found = []
    for obj in osmium.FileProcessor(str(DATA), osmium.osm.NODE | osmium.osm.WAY).with_locations():
        if obj.tags.get("amenity") not in kinds:
            continue
        name = obj.tags.get("name", obj.tags["amenity"])
        if isinstance(obj, osmium.osm.Node):
            found.append((name, obj.location.lat, obj.location.lon))
        elif isinstance(obj, osmium.osm.Way):
            points = [(n.location.lat, n.location.lon) for n in obj.nodes]
            found.append((name, statistics.mean(p[0] for p in points), statistics.mean(p[1] for p in points)))
    return found


def whole_town(graph: Graph) -> None:
    """Every address to every school: one `distances_to` per school, all addresses snapped at once."""
    addresses = [(a.lat, a.lon) for a in AddressIndex.from_osm(DATA)]
    lats, lons = [p[0] for p in addresses], [p[1] for p in addresses]
    schools = osm_amenities(("school",))
    label = "amenity=school"
    if not schools:
        schools, label = osm_amenities(("kindergarten",)), "amenity=kindergarten (the file has no school)"
    rng = random.Random(5)
    stand_ins = [("address", lat, lon) for lat, lon in rng.sample(addresses, SOEST_SCHOOLS)]
    for name, destinations in ((label, schools), (f"{SOEST_SCHOOLS} addresses as schools", stand_ins)):
        times = []
        for _ in range(5):
            elapsed, tables = timed(
                lambda d=destinations: [graph.distances_to((lat, lon), lats, lons) for _, lat, lon in d]
            )
            times.append(elapsed)
        reached = sum(int((table < math.inf).sum()) for table in tables)
        print(
            f"whole town: {len(addresses)} addresses × {len(destinations)} ({name}) = "
            f"{len(addresses) * len(destinations):,} distances ({reached:,} reachable): "
            f"best {min(times):.1f} ms, median {statistics.median(times):.1f} ms of 5 runs"
        )
    print()


@contextmanager
def pgrouting_database(database_url: str) -> Iterator[Any]:
    """A fresh database with pgRouting; yields None (after saying why) when it cannot be had."""
    try:
        import psycopg
        from psycopg import sql
    except ImportError:
        print("pgRouting: skipped, psycopg is not installed.\n")
        yield None
        return
    parts = database_url.rsplit("/", 1)
    name = parts[1]
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop the database {name!r}: its name must contain 'bench'.")
    try:
        with psycopg.connect(f"{parts[0]}/postgres", autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
            admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn = psycopg.connect(database_url, autocommit=True)
        conn.execute("CREATE EXTENSION pgrouting CASCADE")
    except psycopg.Error as error:
        reason = " ".join(str(error).split())
        print(f"pgRouting: skipped, no PostgreSQL with the extension at {database_url} ({reason}).")
        print("Install it with: apt-get install postgresql-15-pgrouting\n")
        yield None
        return
    with conn:
        yield conn


def load_pgrouting(conn: Any, graph: Graph, routes: list[tuple[int, SnappedPoint, SnappedPoint]]) -> None:
    """The exported edges (pair NULL), and per pair the edges from its start S and end T into the split edges.

    Node ids: graph node + 1; S and T of pair i are node_count + 1 + 2i and node_count + 2 + 2i.
    """
    conn.execute("CREATE TABLE edges (id bigint PRIMARY KEY, source bigint, target bigint, cost float8, pair int)")
    rows: list[tuple[int, int, int, float, int | None]] = [
        (edge, u + 1, v + 1, length, None) for edge, (u, v, length) in enumerate(graph.edges())
    ]
    for i, s, t in routes:
        for offset, p in ((1, s), (2, t)):
            node = graph.node_count + offset + 2 * i
            u, v = int(graph.edge_u[p.edge]), int(graph.edge_v[p.edge])
            rows.append((len(rows), node, u + 1, p.to_u_m if u != v else min(p.to_u_m, p.to_v_m), i))
            if u != v:
                rows.append((len(rows), node, v + 1, p.to_v_m, i))
        if s.edge == t.edge:
            start = graph.node_count + 1 + 2 * i
            rows.append((len(rows), start, start + 1, abs(s.to_u_m - t.to_u_m), i))
    with conn.cursor() as cursor, cursor.copy("COPY edges (id, source, target, cost, pair) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    conn.execute("CREATE INDEX ON edges (pair)")
    conn.execute("VACUUM ANALYZE edges")


def fetch_one(conn: Any, query: str, params: tuple[int, ...]) -> Any:
    return conn.execute(query, params).fetchone()


def compare_pgrouting(database_url: str, graph: Graph, routed: list[tuple[Pair, float]], ours: list[float]) -> None:
    with pgrouting_database(database_url) as conn:
        if conn is None:
            return
        routes = [(i, graph.snap(start), graph.snap(end)) for i, ((start, end), _) in enumerate(routed)]
        load_ms, _ = timed(partial(load_pgrouting, conn, graph, routes))
        query = (
            "SELECT max(agg_cost) FROM pgr_dijkstra("
            "format('SELECT id, source, target, cost, cost AS reverse_cost FROM edges"
            " WHERE pair IS NULL OR pair = %%s', %s::int), %s::bigint, %s::bigint, directed => false)"
        )
        times: list[float] = []
        worst = 0.0
        for (i, s, t), (_, length) in zip(routes, routed, strict=True):
            start = graph.node_count + 1 + 2 * i
            elapsed, row = timed(partial(fetch_one, conn, query, (i, start, start + 1)))
            times.append(elapsed)
            theirs = row[0] + s.distance_m + t.distance_m
            worst = max(worst, abs(theirs - length))
            assert abs(theirs - length) <= TOLERANCE_M, (i, length, theirs)
        version = conn.execute("SELECT pgr_version()").fetchone()[0]
        print(
            f"pgRouting {version}: {len(times)} routes, graph loaded in {load_ms:.0f} ms; "
            f"largest difference {worst:.6f} m"
        )
        print(
            f"| pgr_dijkstra (one query) | {percentile(times, 0.5):.3f} | {percentile(times, 0.95):.3f} | "
            f"{statistics.mean(times):.3f} |"
        )
        print(f"speed ratio pgRouting / ours: p50 {percentile(times, 0.5) / percentile(ours, 0.5):.1f}×\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_ROUTING_DATABASE_URL", DEFAULT_DATABASE_URL))
    args = parser.parse_args()
    print(f"Python {platform.python_version()}, {platform.machine()}, file {DATA.name}\n")

    for contract in (True, False):
        import_ms, graph = timed(partial(Graph.from_osm, DATA, contract=contract))
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "graph.npz"
            save_ms, _ = timed(partial(graph.save, path))
            size_kb = path.stat().st_size / 1024
            load_ms, graph = timed(partial(Graph.load, path))
        label = "junctions only" if contract else "every OSM node"
        print(f"## Graph: {label}")
        print(f"nodes {graph.node_count:,}, edges {graph.edge_count:,}, file {size_kb:,.0f} KB")
        print(f"import {import_ms:,.0f} ms, save {save_ms:.1f} ms, load {load_ms:.1f} ms")
        graph.route(*random_pairs(graph, 1, 0)[0])  # builds the spatial index once

        pairs = random_pairs(graph, args.pairs, args.seed)
        ours: list[float] = []
        theirs: list[float] = []
        routed: list[tuple[Pair, float]] = []
        worst = 0.0
        unreachable = 0
        g = networkx_graph(graph)
        for start, end in pairs:
            try:
                elapsed, route = timed(partial(graph.route, start, end))
            except NoRouteError:
                s, t = graph.snap(start), graph.snap(end)
                assert math.isinf(networkx_length(graph, g, s, t)[1]), (start, end)
                unreachable += 1
                continue
            ours.append(elapsed)
            routed.append(((start, end), route.length_m))
            nx_ms, nx_length = networkx_length(graph, g, route.start, route.end)
            theirs.append(nx_ms)
            worst = max(worst, abs(nx_length - route.length_m))
            assert abs(nx_length - route.length_m) <= TOLERANCE_M, (start, end, route.length_m, nx_length)
        print(f"{len(ours)} routes (+{unreachable} unreachable, same in networkx); largest difference {worst:.6f} m")
        print("| engine | p50 ms | p95 ms | mean ms |")
        print("|---|---:|---:|---:|")
        for name, times in (("rathaus.routing (snap + search)", ours), ("networkx Dijkstra (search only)", theirs)):
            print(
                f"| {name} | {percentile(times, 0.5):.3f} | {percentile(times, 0.95):.3f} | {statistics.mean(times):.3f} |"
            )
        print(f"speed ratio networkx / ours: p50 {percentile(theirs, 0.5) / percentile(ours, 0.5):.1f}×")
        parts(graph, [pair for pair, _ in routed])

        one_to_all = [timed(partial(graph.distances_from, start))[0] for start, _ in pairs[:100]]
        bounded = [timed(partial(graph.distances_from, start, limit_m=2_000))[0] for start, _ in pairs[:100]]
        print(
            f"one-to-all (scipy, incl. snapping): p50 {percentile(one_to_all, 0.5):.2f} ms, "
            f"p95 {percentile(one_to_all, 0.95):.2f} ms; bounded to 2 km p50 {percentile(bounded, 0.5):.2f} ms\n"
        )
        if contract:
            compare_pgrouting(args.database_url, graph, routed, ours)
            whole_town(graph)


if __name__ == "__main__":
    main()
