"""The pedestrian graph: building it from ways, saving and loading it, routing on it."""

from __future__ import annotations

import math
import os
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import ArrayLike
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import dijkstra

from ._errors import GraphFileError, NoRouteError, PointTooFarError
from ._geometry import FloatArray, IntArray, Projection, SegmentIndex, geodesic_lengths
from ._hierarchy import Hierarchy, Seeds, build_hierarchy
from ._reader import Progress, Way, read_ways

FORMAT_VERSION = 2  # 2: with the contraction hierarchy
DEFAULT_MAX_SNAP_M = 1_000.0
LatLon = tuple[float, float]
HIERARCHY_ARRAYS = ("ch_indptr", "ch_target", "ch_weight", "ch_middle", "ch_edge")


@dataclass(frozen=True, slots=True)
class SnappedPoint:
    """A given point projected onto the nearest walkable edge, which is split there.

    `segment` is the index (into the edge's geometry) of the segment's first point; `distance_m`
    is the geodesic distance from the given point; `to_u_m` / `to_v_m` are the lengths of the two
    parts of the split edge along its geometry.
    """

    lat: float
    lon: float
    edge: int
    segment: int
    distance_m: float
    to_u_m: float
    to_v_m: float


@dataclass(frozen=True, slots=True)
class Route:
    """A walking route; `length_m` includes the legs from the given points to the snapped ones.

    `coordinates` run from the given start over the snapped start, along the ways, to the snapped
    end and the given end.
    """

    length_m: float
    coordinates: list[LatLon]
    start: SnappedPoint
    end: SnappedPoint


@dataclass(frozen=True, slots=True)
class SnappedPoints:
    """Many points snapped at once (`Graph.snap_many`): arrays with the fields of `SnappedPoint`.

    Where a point has no walkable edge within the limit, `edge` and `segment` are -1 and the floats nan.
    """

    lat: FloatArray
    lon: FloatArray
    edge: IntArray
    segment: IntArray
    distance_m: FloatArray
    to_u_m: FloatArray
    to_v_m: FloatArray

    def __len__(self) -> int:
        return len(self.edge)

    def __getitem__(self, i: int) -> SnappedPoint:
        return SnappedPoint(
            float(self.lat[i]),
            float(self.lon[i]),
            int(self.edge[i]),
            int(self.segment[i]),
            float(self.distance_m[i]),
            float(self.to_u_m[i]),
            float(self.to_v_m[i]),
        )


class Graph:
    """An undirected pedestrian graph in compact numpy arrays.

    Nodes are junctions (where ways meet or end) unless built with `contract=False`; every edge
    keeps the full geometry of its way piece (`geometry_offsets` into `geometry_lat/lon`).
    """

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.node_lat: FloatArray = arrays["node_lat"]
        self.node_lon: FloatArray = arrays["node_lon"]
        self.node_osm_id: IntArray = arrays["node_osm_id"]
        self.edge_u: IntArray = arrays["edge_u"]
        self.edge_v: IntArray = arrays["edge_v"]
        self.edge_length: FloatArray = arrays["edge_length"]
        self.geometry_offsets: IntArray = arrays["geometry_offsets"]
        self.geometry_lat: FloatArray = arrays["geometry_lat"]
        self.geometry_lon: FloatArray = arrays["geometry_lon"]
        self._hierarchy_arrays: dict[str, Any] = {name: arrays[name] for name in HIERARCHY_ARRAYS}

    # --- building, saving, loading -------------------------------------------------------

    @classmethod
    def from_osm(
        cls, path: str | os.PathLike[str], *, contract: bool = True, progress: Progress | None = None
    ) -> Graph:
        """Read .osm/.osm.gz/.osm.bz2/.osm.pbf or Overpass GeoJSON; raises OsmImportError on a bad file."""
        ways = read_ways(Path(path), progress)
        arrays = _arrays_from_ways(ways, contract=contract)
        if progress is not None:
            progress("graph: building the contraction hierarchy")
        arrays.update(
            build_hierarchy(len(arrays["node_lat"]), arrays["edge_u"], arrays["edge_v"], arrays["edge_length"])
        )
        graph = cls(arrays)
        if progress is not None:
            progress(f"graph: {graph.node_count:,} nodes, {graph.edge_count:,} edges")
        return graph

    def save(self, path: str | os.PathLike[str]) -> None:
        """Write the graph as .npz, atomically: a temporary file in the same folder, then renamed."""
        target = Path(path)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                np.savez(file, format_version=np.int64(FORMAT_VERSION), **self._arrays())
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> Graph:
        """Read a graph written by `save`; raises GraphFileError if it is missing or not a graph."""
        try:
            with np.load(Path(path), allow_pickle=False) as data:
                if int(data["format_version"]) != FORMAT_VERSION:
                    raise GraphFileError(
                        f"Die Graphdatei {path} hat eine ältere oder andere Version; bitte das Straßennetz neu importieren.",
                        f"The graph file {path} has an older or another version; please import the street network again.",
                    )
                return cls({name: data[name] for name in data.files})
        except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
            raise GraphFileError(
                f"Die Graphdatei {path} fehlt oder ist unlesbar ({error}).",
                f"The graph file {path} is missing or unreadable ({error}).",
            ) from error

    def _arrays(self) -> dict[str, Any]:
        return {
            "node_lat": self.node_lat,
            "node_lon": self.node_lon,
            "node_osm_id": self.node_osm_id,
            "edge_u": self.edge_u,
            "edge_v": self.edge_v,
            "edge_length": self.edge_length,
            "geometry_offsets": self.geometry_offsets,
            "geometry_lat": self.geometry_lat,
            "geometry_lon": self.geometry_lon,
            **self._hierarchy_arrays,
        }

    @cached_property
    def _hierarchy(self) -> Hierarchy:
        return Hierarchy(self._hierarchy_arrays)

    # --- inspection ----------------------------------------------------------------------

    @property
    def node_count(self) -> int:
        return len(self.node_lat)

    @property
    def edge_count(self) -> int:
        return len(self.edge_u)

    def nodes(self) -> Iterator[tuple[int, float, float]]:
        """(node_id, lat, lon) for every node; node ids are 0 … node_count - 1."""
        for node, (lat, lon) in enumerate(zip(self.node_lat.tolist(), self.node_lon.tolist(), strict=True)):
            yield node, lat, lon

    def edges(self) -> Iterator[tuple[int, int, float]]:
        """(u, v, length_m) for every undirected edge, once; the edge id is the position."""
        yield from zip(self.edge_u.tolist(), self.edge_v.tolist(), self.edge_length.tolist(), strict=True)

    def edge_geometry(self, edge: int) -> list[LatLon]:
        """The edge's points from u to v as (lat, lon)."""
        return list(self._edge_points[edge])

    @cached_property
    def _edge_points(self) -> list[list[LatLon]]:
        # Routes walk dozens of short edges: ready lists of tuples beat slicing the arrays each time.
        offsets = self.geometry_offsets.tolist()
        points = list(zip(self.geometry_lat.tolist(), self.geometry_lon.tolist(), strict=True))
        return [points[offsets[edge] : offsets[edge + 1]] for edge in range(self.edge_count)]

    @cached_property
    def _edge_ends(self) -> list[int]:
        ends: list[int] = self.edge_v.tolist()
        return ends

    # --- snapping ------------------------------------------------------------------------

    @cached_property
    def _projection(self) -> Projection:
        return Projection(float(self.geometry_lat.mean()), float(self.geometry_lon.mean()))

    @cached_property
    def _segment_index(self) -> SegmentIndex:
        x, y = self._projection.xy(self.geometry_lat, self.geometry_lon)
        is_last = np.zeros(len(self.geometry_lat), dtype=bool)
        is_last[self.geometry_offsets[1:] - 1] = True
        return SegmentIndex(x, y, np.flatnonzero(~is_last))

    @cached_property
    def _cumulative(self) -> FloatArray:
        """Geodesic length along the geometry up to each point (segments between edges included, never used)."""
        glat, glon = self.geometry_lat, self.geometry_lon
        return np.concatenate([[0.0], np.cumsum(geodesic_lengths(glat[:-1], glon[:-1], glat[1:], glon[1:]))])

    def snap_many(self, lats: ArrayLike, lons: ArrayLike, max_distance_m: float = DEFAULT_MAX_SNAP_M) -> SnappedPoints:
        """Project many points at once onto their nearest walkable edges (edge -1 where none is near or valid)."""
        lat = np.atleast_1d(np.asarray(lats, dtype=np.float64))
        lon = np.atleast_1d(np.asarray(lons, dtype=np.float64))
        valid = np.isfinite(lat) & np.isfinite(lon) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
        px, py = self._projection.xy(np.where(valid, lat, 0.0), np.where(valid, lon, 0.0))
        segment, t = self._segment_index.nearest(px, py, max_distance_m)
        segment[~valid] = -1
        hit = segment >= 0
        a = np.where(hit, segment, 0)
        b = a + 1
        glat, glon, cumulative = self.geometry_lat, self.geometry_lon, self._cumulative
        slat = np.where(hit, glat[a] + t * (glat[b] - glat[a]), np.nan)
        slon = np.where(hit, glon[a] + t * (glon[b] - glon[a]), np.nan)
        edge = np.searchsorted(self.geometry_offsets, a, side="right") - 1
        first, last = self.geometry_offsets[edge], self.geometry_offsets[edge + 1]
        # One pyproj call for the three legs of every point: segment start, segment end, given point.
        legs = geodesic_lengths(
            np.concatenate([glat[a], glat[b], lat]),
            np.concatenate([glon[a], glon[b], lon]),
            np.tile(slat, 3),
            np.tile(slon, 3),
        ).reshape(3, -1)
        return SnappedPoints(
            lat=slat,
            lon=slon,
            edge=np.where(hit, edge, -1),
            segment=np.where(hit, a - first, -1),
            distance_m=legs[2],
            to_u_m=cumulative[a] - cumulative[first] + legs[0],
            to_v_m=legs[1] + cumulative[last - 1] - cumulative[b],
        )

    def snap(self, point: LatLon, max_distance_m: float = DEFAULT_MAX_SNAP_M) -> SnappedPoint:
        """Project a point onto the nearest walkable edge; raises PointTooFarError beyond the limit."""
        return self._snap_all([point], max_distance_m)[0]

    def _snap_all(self, points: Sequence[LatLon], max_distance_m: float) -> list[SnappedPoint]:
        """Snap a few points in one vectorised call; raises PointTooFarError for the first that fails."""
        for lat, lon in points:
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
                raise PointTooFarError(
                    f"Der Punkt {lat}, {lon} ist keine gültige Koordinate.",
                    f"The point {lat}, {lon} is not a valid coordinate.",
                )
        snapped = self.snap_many([p[0] for p in points], [p[1] for p in points], max_distance_m)
        for i, (lat, lon) in enumerate(points):
            if snapped.edge[i] < 0:
                raise PointTooFarError(
                    f"Der Punkt {lat:.6f}, {lon:.6f} liegt mehr als {max_distance_m:,.0f} m vom nächsten Fußweg entfernt.",
                    f"The point {lat:.6f}, {lon:.6f} is more than {max_distance_m:,.0f} m from the nearest walkable way.",
                )
        return [snapped[i] for i in range(len(points))]

    # --- routing -------------------------------------------------------------------------

    def route(self, start: LatLon, end: LatLon, *, max_snap_m: float = DEFAULT_MAX_SNAP_M) -> Route:
        """The shortest walking route; raises PointTooFarError or NoRouteError."""
        s, t = self._snap_all([(float(start[0]), float(start[1])), (float(end[0]), float(end[1]))], max_snap_m)
        direct = math.inf
        if s.edge == t.edge:
            direct = s.distance_m + abs(s.to_u_m - t.to_u_m) + t.distance_m
        length, nodes, edges = self._hierarchy.shortest(self._seeds(s), self._seeds(t), direct)
        if not math.isfinite(length):
            raise NoRouteError(
                "Zwischen Start und Ziel gibt es keinen zusammenhängenden Fußweg.",
                "There is no connected walking route between start and destination.",
            )
        if not nodes:  # straight along the edge both points lie on
            middle = self._partial(s, toward_u=s.to_u_m > t.to_u_m, stop_at=t)
        else:
            middle = self._partial(s, toward_u=self._leaves_toward_u(s, nodes[0]))
            for edge, node in zip(edges, nodes[1:], strict=True):
                middle.extend(self._oriented(edge, node)[1:])
            end_part = self._partial(t, toward_u=self._leaves_toward_u(t, nodes[-1]))
            middle.extend(reversed(end_part[:-1]))
        coordinates = _dedupe([(float(start[0]), float(start[1])), *middle, (float(end[0]), float(end[1]))])
        return Route(float(length), coordinates, s, t)

    def _seeds(self, p: SnappedPoint) -> Seeds:
        """Both ends of the split edge, each with the distance from the given point over the snapped one."""
        return [
            (int(self.edge_u[p.edge]), p.distance_m + p.to_u_m),
            (int(self.edge_v[p.edge]), p.distance_m + p.to_v_m),
        ]

    def _leaves_toward_u(self, p: SnappedPoint, node: int) -> bool:
        """Whether the search left the split edge at its u end (on a loop edge: the shorter way)."""
        u, v = int(self.edge_u[p.edge]), int(self.edge_v[p.edge])
        return node == u and not (node == v and p.to_v_m < p.to_u_m)

    def _oriented(self, edge: int, to_node: int) -> list[LatLon]:
        """The edge's geometry walked so that it ends at `to_node`."""
        points = self._edge_points[edge]
        return points if self._edge_ends[edge] == to_node else points[::-1]

    def _partial(self, p: SnappedPoint, *, toward_u: bool, stop_at: SnappedPoint | None = None) -> list[LatLon]:
        """Points from the snapped point along its edge to u or v (or to another point on the edge)."""
        points = self.edge_geometry(p.edge)
        here = (p.lat, p.lon)
        if stop_at is not None:
            there = (stop_at.lat, stop_at.lon)
            if toward_u:
                return [here, *reversed(points[stop_at.segment + 1 : p.segment + 1]), there]
            return [here, *points[p.segment + 1 : stop_at.segment + 1], there]
        if toward_u:
            return [here, *reversed(points[: p.segment + 1])]
        return [here, *points[p.segment + 1 :]]

    def distances_from(
        self, point: LatLon, limit_m: float | None = None, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> FloatArray:
        """Walking distance from a point to every node (inf where unreachable or beyond `limit_m`)."""
        s = self.snap(point, max_snap_m)
        limit = math.inf if limit_m is None else limit_m - s.distance_m - min(s.to_u_m, s.to_v_m)
        if limit < 0:
            return np.full(self.node_count, math.inf)
        result = s.distance_m + self._from_split_edge(s, limit)
        if limit_m is not None:
            result[result > limit_m] = math.inf
        return result

    def distances_to(
        self, source: LatLon, lats: ArrayLike, lons: ArrayLike, *, max_snap_m: float = DEFAULT_MAX_SNAP_M
    ) -> FloatArray:
        """Walking distance from one point to many, each exactly `route(source, point).length_m`.

        One scipy one-to-all search from the source; every target is snapped at once and reached
        through either end of its split edge, or directly along the edge it shares with the source.
        nan where a target lies beyond `max_snap_m` (or is no coordinate), inf where no route
        connects. Raises PointTooFarError if the source itself is off the network.
        """
        s = self.snap(source, max_snap_m)
        t = self.snap_many(lats, lons, max_snap_m)
        walk = self._from_split_edge(s, math.inf)
        hit = t.edge >= 0
        edge = np.where(hit, t.edge, 0)
        along = np.minimum(walk[self.edge_u[edge]] + t.to_u_m, walk[self.edge_v[edge]] + t.to_v_m)
        same = t.edge == s.edge
        along[same] = np.minimum(along[same], np.abs(s.to_u_m - t.to_u_m[same]))
        return np.where(hit, s.distance_m + along + t.distance_m, np.nan)

    def _from_split_edge(self, s: SnappedPoint, limit: float) -> FloatArray:
        """Distance along the network from a snapped point to every node (its leg to the network excluded)."""
        u, v = int(self.edge_u[s.edge]), int(self.edge_v[s.edge])
        table = dijkstra(self._matrix, directed=False, indices=[u, v], limit=limit)
        return np.asarray(np.minimum(table[0] + s.to_u_m, table[1] + s.to_v_m), dtype=np.float64)

    @cached_property
    def _matrix(self) -> csr_matrix:
        """The adjacency for scipy: parallel edges reduced to the shortest, loops dropped."""
        keep = self.edge_u != self.edge_v
        u, v, w = self.edge_u[keep], self.edge_v[keep], self.edge_length[keep]
        low, high = np.minimum(u, v), np.maximum(u, v)
        order = np.lexsort((w, high, low))
        low, high, w = low[order], high[order], w[order]
        first = np.ones(len(low), dtype=bool)
        first[1:] = (low[1:] != low[:-1]) | (high[1:] != high[:-1])
        # scipy would drop explicit zeros; a zero-length edge still connects.
        weights = np.maximum(w[first], 1e-9)
        n = self.node_count
        return csr_matrix((weights, (low[first], high[first])), shape=(n, n))


def _dedupe(points: Sequence[LatLon]) -> list[LatLon]:
    result: list[LatLon] = []
    for point in points:
        if not result or result[-1] != point:
            result.append(point)
    return result


def _arrays_from_ways(ways: list[Way], *, contract: bool) -> dict[str, Any]:
    """Split ways at junctions (nodes shared by ways, repeated in a way, or ending one) into edges."""
    uses = Counter(node for way in ways for node in way.node_ids)
    index: dict[int, int] = {}
    node_lat: list[float] = []
    node_lon: list[float] = []
    edge_u: list[int] = []
    edge_v: list[int] = []
    offsets = [0]
    geometry_lat: list[float] = []
    geometry_lon: list[float] = []

    def node_index(osm_id: int, lat: float, lon: float) -> int:
        if osm_id not in index:
            index[osm_id] = len(node_lat)
            node_lat.append(lat)
            node_lon.append(lon)
        return index[osm_id]

    for way in ways:
        ids, lats, lons = way.node_ids, way.lats, way.lons
        start = 0
        for i in range(1, len(ids)):
            if i == len(ids) - 1 or not contract or uses[ids[i]] > 1:
                edge_u.append(node_index(ids[start], lats[start], lons[start]))
                edge_v.append(node_index(ids[i], lats[i], lons[i]))
                geometry_lat.extend(lats[start : i + 1])
                geometry_lon.extend(lons[start : i + 1])
                offsets.append(len(geometry_lat))
                start = i
    glat, glon = np.array(geometry_lat), np.array(geometry_lon)
    offsets_array = np.array(offsets, dtype=np.int64)
    segment_lengths = geodesic_lengths(glat[:-1], glon[:-1], glat[1:], glon[1:])
    cumulative = np.concatenate([[0.0], np.cumsum(segment_lengths)])
    # Each edge's length: the segments between its first and last point (none cross edges).
    edge_length = cumulative[offsets_array[1:] - 1] - cumulative[offsets_array[:-1]]
    return {
        "node_lat": np.array(node_lat),
        "node_lon": np.array(node_lon),
        "node_osm_id": np.array(list(index), dtype=np.int64),
        "edge_u": np.array(edge_u, dtype=np.int64),
        "edge_v": np.array(edge_v, dtype=np.int64),
        "edge_length": edge_length,
        "geometry_offsets": offsets_array,
        "geometry_lat": glat,
        "geometry_lon": glon,
    }
