"""Benchmark of the routing engine on North-Bayreuth: import, load, routes against networkx, one-to-all.

Run with `make bench-routing` (or `.venv/bin/python benchmarks/routing.py`). Not a test: it prints
figures, and asserts only that every route length agrees with networkx within 0.5 m. It reads
only the OSM file that ships with the code (src/rathaus/routing/data/north-bayreuth.osm.gz).

networkx runs Dijkstra on the graph we export (`graph.edges()`), with the start and end added as
nodes that split their edges, so both sides solve exactly the same problem; its time is the
search alone (the split nodes are added before the clock starts).
"""

from __future__ import annotations

import argparse
import math
import platform
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rathaus.routing import Graph, NoRouteError, SnappedPoint  # noqa: E402

DATA = Path(__file__).resolve().parent.parent / "src" / "rathaus" / "routing" / "data" / "north-bayreuth.osm.gz"
TOLERANCE_M = 0.5


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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=2026)
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
            nx_ms, nx_length = networkx_length(graph, g, route.start, route.end)
            theirs.append(nx_ms)
            worst = max(worst, abs(nx_length - route.length_m))
            assert abs(nx_length - route.length_m) <= TOLERANCE_M, (start, end, route.length_m, nx_length)
        print(f"{len(ours)} routes (+{unreachable} unreachable, same in networkx); largest difference {worst:.6f} m")
        print("| engine | p50 ms | p95 ms | mean ms |")
        print("|---|---:|---:|---:|")
        for name, times in (("rathaus.routing (snap + A*)", ours), ("networkx Dijkstra (search only)", theirs)):
            print(
                f"| {name} | {percentile(times, 0.5):.3f} | {percentile(times, 0.95):.3f} | {statistics.mean(times):.3f} |"
            )
        print(f"speed ratio networkx / ours: p50 {percentile(theirs, 0.5) / percentile(ours, 0.5):.1f}×")

        one_to_all = [timed(partial(graph.distances_from, start))[0] for start, _ in pairs[:100]]
        bounded = [timed(partial(graph.distances_from, start, limit_m=2_000))[0] for start, _ in pairs[:100]]
        print(
            f"one-to-all (scipy, incl. snapping): p50 {percentile(one_to_all, 0.5):.2f} ms, "
            f"p95 {percentile(one_to_all, 0.95):.2f} ms; bounded to 2 km p50 {percentile(bounded, 0.5):.2f} ms\n"
        )


if __name__ == "__main__":
    main()
