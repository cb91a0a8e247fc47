"""Contraction hierarchies: built once at import, saved with the graph, queried by two upward searches.

Nodes are contracted one by one, least important first (edge difference plus contracted
neighbours, updated lazily). Contracting x adds a shortcut a–b (middle x) for every pair of its
remaining neighbours unless a witness path that avoids x is no longer. Every node keeps its arcs to
the nodes contracted after it ("upward"); a shortest path then always climbs from both ends to
its highest node, so a query searches upward only, from both ends, and settles a few dozen nodes.
Each arc is an original edge (`edge` ≥ 0) or a shortcut (`middle` ≥ 0), unpacked recursively.

A witness search that gives up early (WITNESS_SETTLE_LIMIT) only adds a needless shortcut, so
the hierarchy stays exact.
"""

from __future__ import annotations

import heapq
import math
from typing import Any

import numpy as np

from ._geometry import FloatArray, IntArray

WITNESS_SETTLE_LIMIT = 60
Seeds = list[tuple[int, float]]  # (node, distance already travelled to reach it)
Arc = tuple[float, int, int]  # (length, middle node or -1, original edge or -1)


def build_hierarchy(node_count: int, edge_u: IntArray, edge_v: IntArray, edge_length: FloatArray) -> dict[str, Any]:
    """The upward arcs as CSR arrays: `ch_indptr`, `ch_target`, `ch_weight`, `ch_middle`, `ch_edge`."""
    adjacency: list[dict[int, Arc]] = [{} for _ in range(node_count)]
    for edge, (u, v, length) in enumerate(zip(edge_u.tolist(), edge_v.tolist(), edge_length.tolist(), strict=True)):
        if u != v and (v not in adjacency[u] or length < adjacency[u][v][0]):
            adjacency[u][v] = adjacency[v][u] = (length, -1, edge)
    contracted_neighbours = [0] * node_count

    def shortcuts(x: int) -> list[tuple[int, int, float]]:
        neighbours = list(adjacency[x].items())
        needed: list[tuple[int, int, float]] = []
        for i, (a, (wa, _, _)) in enumerate(neighbours):
            via = {b: wa + wb for b, (wb, _, _) in neighbours[i + 1 :]}
            if via:
                witness = _witness_distances(adjacency, a, x, max(via.values()), set(via))
                needed.extend((a, b, length) for b, length in via.items() if witness.get(b, math.inf) > length)
        return needed

    def priority(x: int) -> int:
        return len(shortcuts(x)) - len(adjacency[x]) + contracted_neighbours[x]

    heap = [(priority(x), x) for x in range(node_count)]
    heapq.heapify(heap)
    arcs: list[list[tuple[int, float, int, int]]] = [[] for _ in range(node_count)]
    while heap:
        _, x = heapq.heappop(heap)
        current = priority(x)
        if heap and current > heap[0][0]:
            heapq.heappush(heap, (current, x))
            continue
        for a, b, length in shortcuts(x):
            if b not in adjacency[a] or length < adjacency[a][b][0]:
                adjacency[a][b] = adjacency[b][a] = (length, x, -1)
        for y, (length, middle, edge) in adjacency[x].items():
            arcs[x].append((y, length, middle, edge))
            del adjacency[y][x]
            contracted_neighbours[y] += 1
        adjacency[x].clear()
    flat = [arc for node_arcs in arcs for arc in node_arcs]
    return {
        "ch_indptr": np.concatenate([[0], np.cumsum([len(a) for a in arcs])]).astype(np.int64),
        "ch_target": np.array([a[0] for a in flat], dtype=np.int64),
        "ch_weight": np.array([a[1] for a in flat], dtype=np.float64),
        "ch_middle": np.array([a[2] for a in flat], dtype=np.int64),
        "ch_edge": np.array([a[3] for a in flat], dtype=np.int64),
    }


def _witness_distances(
    adjacency: list[dict[int, Arc]], source: int, avoid: int, limit: float, targets: set[int]
) -> dict[int, float]:
    """Lengths of paths from `source` that avoid `avoid` (upper bounds where the search stopped early)."""
    dist = {source: 0.0}
    heap = [(0.0, source)]
    settled = 0
    while heap and targets and settled < WITNESS_SETTLE_LIMIT:
        d, y = heapq.heappop(heap)
        if d > dist[y]:
            continue
        if d > limit:
            break
        targets.discard(y)
        settled += 1
        for z, (length, _, _) in adjacency[y].items():
            if z != avoid and d + length < dist.get(z, math.inf):
                dist[z] = d + length
                heapq.heappush(heap, (d + length, z))
    return dist


class Hierarchy:
    """The query side: upward arcs as Python lists (indexing them beats numpy scalars in the loop).

    Arc i leads from its owner (the node contracted first) up to `target[i]`.
    """

    def __init__(self, arrays: dict[str, Any]) -> None:
        indptr = arrays["ch_indptr"]
        self.indptr: list[int] = indptr.tolist()
        self.owner: list[int] = np.repeat(np.arange(len(indptr) - 1), np.diff(indptr)).tolist()
        self.target: list[int] = arrays["ch_target"].tolist()
        self.weight: list[float] = arrays["ch_weight"].tolist()
        self.middle: list[int] = arrays["ch_middle"].tolist()
        self.edge: list[int] = arrays["ch_edge"].tolist()
        self._paths: dict[int, tuple[list[int], list[int]]] = {}

    def shortest(self, sources: Seeds, targets: Seeds, best: float = math.inf) -> tuple[float, list[int], list[int]]:
        """Shortest length from any seeded source to any seeded target, unless `best` is shorter.

        Returns (length, nodes, edges): the path's nodes from a source seed to a target seed and
        the original edges between them; both empty when `best` stays the shortest.
        """
        indptr, target, weight = self.indptr, self.target, self.weight
        sides = [_seeded(sources), _seeded(targets)]
        meeting = -1
        # The two searches take turns; each stops once its nearest open node is no nearer than `best`.
        while any(heap and heap[0][0] < best for heap, _, _ in sides):
            for i, (heap, dist, pred) in enumerate(sides):
                if not heap or heap[0][0] >= best:
                    continue
                d, node = heapq.heappop(heap)
                if d > dist[node]:
                    continue
                other = sides[1 - i][1]
                if node in other and d + other[node] < best:
                    best, meeting = d + other[node], node
                for arc in range(indptr[node], indptr[node + 1]):
                    nxt, nd = target[arc], d + weight[arc]
                    if nd < dist.get(nxt, math.inf):
                        dist[nxt] = nd
                        pred[nxt] = arc
                        heapq.heappush(heap, (nd, nxt))
        if meeting == -1:
            return best, [], []
        up = self._arcs_down_from(sides[0][2], meeting)
        nodes = [self.owner[up[-1]] if up else meeting]
        edges: list[int] = []
        for arc in [*reversed(up), *self._arcs_down_from(sides[1][2], meeting)]:
            arc_nodes, arc_edges = self._unpacked(arc)
            if arc_nodes[0] != nodes[-1]:
                arc_nodes, arc_edges = arc_nodes[::-1], arc_edges[::-1]
            nodes.extend(arc_nodes[1:])
            edges.extend(arc_edges)
        return best, nodes, edges

    def _arcs_down_from(self, pred: dict[int, int], node: int) -> list[int]:
        """The arcs by which a search reached `node`, from it down to its seed."""
        arcs = []
        while pred[node] != -1:
            arcs.append(pred[node])
            node = self.owner[pred[node]]
        return arcs

    def _unpacked(self, arc: int) -> tuple[list[int], list[int]]:
        """The original path of an arc from its owner up to its target: (nodes, edges), remembered."""
        if arc not in self._paths:
            middle = self.middle[arc]
            if middle == -1:
                self._paths[arc] = [self.owner[arc], self.target[arc]], [self.edge[arc]]
            else:  # both halves are upward arcs of the middle node, contracted before either end
                down_nodes, down_edges = self._unpacked(self._arc(middle, self.owner[arc]))
                up_nodes, up_edges = self._unpacked(self._arc(middle, self.target[arc]))
                self._paths[arc] = down_nodes[::-1] + up_nodes[1:], down_edges[::-1] + up_edges
        return self._paths[arc]

    def _arc(self, owner: int, target: int) -> int:
        for arc in range(self.indptr[owner], self.indptr[owner + 1]):
            if self.target[arc] == target:
                return arc
        raise AssertionError("a shortcut without its halves")


def _seeded(seeds: Seeds) -> tuple[list[tuple[float, int]], dict[int, float], dict[int, int]]:
    """(heap, distances, arc that reached each node: -1 for a seed) of one search direction."""
    dist: dict[int, float] = {}
    for node, d in seeds:
        dist[node] = min(d, dist.get(node, math.inf))
    heap = [(d, node) for node, d in dist.items()]
    heapq.heapify(heap)
    return heap, dist, dict.fromkeys(dist, -1)
