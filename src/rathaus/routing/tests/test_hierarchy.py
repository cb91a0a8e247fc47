"""The contraction hierarchy on its own: node to node against scipy Dijkstra on the whole graph."""

import math
import random

import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra

from rathaus.routing import Graph
from rathaus.routing._hierarchy import Hierarchy, build_hierarchy

from .conftest import DATA


@pytest.fixture(scope="module")
def every_osm_node() -> Graph:
    return Graph.from_osm(DATA / "north-bayreuth.osm.gz", contract=False)


@pytest.mark.parametrize("name", ["north_bayreuth", "gievenbeck", "every_osm_node"])
def test_shortest_paths_equal_dijkstra_and_unpack_into_original_edges(name, request):
    graph: Graph = request.getfixturevalue(name)
    hierarchy = graph._hierarchy
    rng = random.Random(7)
    sources = rng.sample(range(graph.node_count), 15)
    table = dijkstra(graph._matrix, directed=False, indices=sources)
    for row, source in enumerate(sources):
        for target in rng.sample(range(graph.node_count), 20):
            length, nodes, edges = hierarchy.shortest([(source, 0.0)], [(target, 0.0)])
            expected = float(table[row, target])
            if math.isinf(expected):
                assert math.isinf(length) and nodes == [] and edges == []
                continue
            assert length == pytest.approx(expected, abs=1e-6, rel=0)
            assert nodes[0] == source and nodes[-1] == target
            assert len(nodes) == len(edges) + 1
            for a, b, edge in zip(nodes, nodes[1:], edges, strict=False):
                assert {a, b} == {int(graph.edge_u[edge]), int(graph.edge_v[edge])}
            assert sum(float(graph.edge_length[edge]) for edge in edges) == pytest.approx(length, abs=1e-6, rel=0)


def test_a_shorter_direct_way_wins_and_gives_no_path(north_bayreuth):
    length, nodes, edges = north_bayreuth._hierarchy.shortest([(0, 0.0)], [(1, 0.0)], best=0.0)
    assert (length, nodes, edges) == (0.0, [], [])


def test_the_hierarchy_keeps_parallel_edges_and_loops_out_of_the_way():
    # A square 0-1-2-3 with a long and a short parallel edge 0-1 and a loop at 2.
    u = [0, 0, 1, 2, 3, 2]
    v = [1, 1, 2, 3, 0, 2]
    w = [5.0, 1.0, 1.0, 1.0, 1.0, 0.5]
    hierarchy = Hierarchy(build_hierarchy(4, np.array(u), np.array(v), np.array(w)))
    length, nodes, edges = hierarchy.shortest([(0, 0.0)], [(2, 0.0)])
    assert length == 2.0
    assert edges in ([1, 2], [4, 3])
    assert nodes in ([0, 1, 2], [0, 3, 2])
