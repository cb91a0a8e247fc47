"""Bidirectional Dijkstra on CSR arrays held as Python lists (faster to index than numpy scalars)."""

from __future__ import annotations

import heapq
import math

Seeds = list[tuple[int, float]]  # (node, distance already travelled to reach it)
Predecessors = dict[int, tuple[int, int]]  # node -> (previous node, edge); (-1, -1) for a seed


def bidirectional_dijkstra(
    indptr: list[int],
    neighbours: list[int],
    weights: list[float],
    arc_edges: list[int],
    sources: Seeds,
    targets: Seeds,
    best: float = math.inf,
) -> tuple[float, int, Predecessors, Predecessors]:
    """Shortest distance from any seeded source to any seeded target on an undirected graph.

    `best` is a distance already known without passing a node (start and end on the same edge).
    Returns (distance, meeting node or -1, forward and backward predecessors).
    """
    dist = ({}, {})  # type: tuple[dict[int, float], dict[int, float]]
    pred: tuple[Predecessors, Predecessors] = ({}, {})
    heaps: tuple[list[tuple[float, int]], list[tuple[float, int]]] = ([], [])
    settled: tuple[set[int], set[int]] = (set(), set())
    for side, seeds in enumerate((sources, targets)):
        for node, d in seeds:
            if d < dist[side].get(node, math.inf):
                dist[side][node] = d
                pred[side][node] = (-1, -1)
                heapq.heappush(heaps[side], (d, node))
    meeting = -1
    for node, d in dist[0].items():
        total = d + dist[1].get(node, math.inf)
        if total < best:
            best, meeting = total, node
    while heaps[0] and heaps[1]:
        if heaps[0][0][0] + heaps[1][0][0] >= best:
            break
        side = 0 if heaps[0][0][0] <= heaps[1][0][0] else 1
        d, node = heapq.heappop(heaps[side])
        if node in settled[side]:
            continue
        settled[side].add(node)
        mine, other = dist[side], dist[1 - side]
        for arc in range(indptr[node], indptr[node + 1]):
            nxt = neighbours[arc]
            nd = d + weights[arc]
            if nd < mine.get(nxt, math.inf):
                mine[nxt] = nd
                pred[side][nxt] = (node, arc_edges[arc])
                heapq.heappush(heaps[side], (nd, nxt))
                if nxt in other and nd + other[nxt] < best:
                    best, meeting = nd + other[nxt], nxt
    return best, meeting, pred[0], pred[1]
