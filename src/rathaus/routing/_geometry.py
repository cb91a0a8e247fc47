"""Geodesic lengths on WGS84, a local planar projection, and snapping a point onto the nearest edge."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from pyproj import Geod
from scipy.spatial import cKDTree

GEOD = Geod(ellps="WGS84")
EARTH_RADIUS_M = 6_371_008.8
# Every segment is sampled at least this densely for the KD-tree; see SegmentIndex.nearest.
SAMPLE_SPACING_M = 25.0

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


def geodesic_lengths(lats1: FloatArray, lons1: FloatArray, lats2: FloatArray, lons2: FloatArray) -> FloatArray:
    """Distances in metres on the WGS84 ellipsoid, element-wise."""
    if len(lats1) == 0:
        return np.zeros(0)
    _, _, dist = GEOD.inv(lons1, lats1, lons2, lats2)
    return np.asarray(dist, dtype=np.float64)


def geodesic_length(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    _, _, dist = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(dist)


@dataclass(frozen=True, slots=True)
class Projection:
    """Equirectangular projection around the network's centre: metres, exact enough to pick the nearest edge."""

    lat0: float
    lon0: float

    def xy(self, lats: FloatArray, lons: FloatArray) -> tuple[FloatArray, FloatArray]:
        scale = EARTH_RADIUS_M * math.pi / 180
        return (lons - self.lon0) * scale * math.cos(math.radians(self.lat0)), (lats - self.lat0) * scale


class SegmentIndex:
    """Nearest segment to a point, exact: a KD-tree over points sampled along every segment.

    Any point of a segment lies within SAMPLE_SPACING_M / 2 of a sample, so the true nearest segment
    is among those with a sample within (nearest sample distance + spacing / 2). Those few candidates
    are then projected exactly.
    """

    def __init__(self, x: FloatArray, y: FloatArray, segment_starts: IntArray) -> None:
        self.x, self.y = x, y
        self.segment_starts = segment_starts
        dx = x[segment_starts + 1] - x[segment_starts]
        dy = y[segment_starts + 1] - y[segment_starts]
        counts = np.maximum(1, np.ceil(np.hypot(dx, dy) / SAMPLE_SPACING_M).astype(np.int64)) + 1
        owner = np.repeat(np.arange(len(segment_starts)), counts)
        first = np.repeat(np.cumsum(counts) - counts, counts)
        t = (np.arange(len(owner)) - first) / (counts[owner] - 1)
        sx = x[segment_starts[owner]] + t * dx[owner]
        sy = y[segment_starts[owner]] + t * dy[owner]
        self.sample_owner = owner
        self.tree = cKDTree(np.column_stack([sx, sy]))

    def nearest(self, px: FloatArray, py: FloatArray, max_distance_m: float) -> tuple[IntArray, FloatArray]:
        """For each point: the nearest segment (index of its first point, -1 beyond the limit) and fraction t.

        Ties go to the lowest segment index, so one point alone or among many lands the same.
        """
        n = len(px)
        points = np.column_stack([px, py])
        d0, _ = self.tree.query(points, distance_upper_bound=max_distance_m + SAMPLE_SPACING_M)
        found = np.flatnonzero(np.isfinite(d0))
        segments = np.full(n, -1, dtype=np.int64)
        fractions = np.zeros(n)
        if len(found) == 0:
            return segments, fractions
        balls = self.tree.query_ball_point(points[found], d0[found] + SAMPLE_SPACING_M / 2 + 1e-6)
        counts = np.array([len(ball) for ball in balls], dtype=np.int64)
        which = np.repeat(found, counts)  # the point each candidate belongs to
        starts = self.segment_starts[self.sample_owner[np.concatenate(balls).astype(np.int64)]]
        ax, ay = self.x[starts], self.y[starts]
        dx, dy = self.x[starts + 1] - ax, self.y[starts + 1] - ay
        norm = dx * dx + dy * dy
        qx, qy = px[which], py[which]
        with np.errstate(invalid="ignore", divide="ignore"):
            t = np.where(norm > 0, ((qx - ax) * dx + (qy - ay) * dy) / norm, 0.0)
        t = np.clip(t, 0.0, 1.0)
        distances = np.hypot(ax + t * dx - qx, ay + t * dy - qy)
        # Per point, the candidate with the smallest distance, then the lowest segment: the first after sorting.
        order = np.lexsort((starts, distances, which))
        first = order[np.concatenate([[0], np.cumsum(counts)[:-1]])]
        keep = distances[first] <= max_distance_m
        segments[found[keep]] = starts[first[keep]]
        fractions[found[keep]] = t[first[keep]]
        return segments, fractions
