"""Walking routes on OpenStreetMap data, without Django.

Public API (import from `rathaus.routing`):

- `Graph`: `Graph.from_osm(path)` builds the pedestrian graph from .osm, .osm.gz, .osm.bz2,
  .osm.pbf or Overpass GeoJSON; `save`/`load` (.npz); `route`, `distances_from`, `nodes`, `edges`.
- `Route`, `SnappedPoint`: results.
- `RoutingError` and its subclasses `OsmImportError`, `GraphFileError`, `PointTooFarError`,
  `NoRouteError`: every message in German and English.

Modules:

- `_tags`: which ways a pupil may walk on (the OSM tag rules).
- `_reader`: reading walkable ways from files (pyosmium, GeoJSON).
- `_graph`: the graph in numpy arrays (junction nodes, edge geometry, CSR adjacency), snapping
  onto an edge, routing, one-to-all distances (scipy), saving and loading.
- `_geometry`: WGS84 geodesic lengths (pyproj), local projection, nearest-segment index (KD-tree).
- `_search`: A* on the CSR arrays (exact: the heuristic never overestimates).
- `_errors`: the exceptions.
"""

from ._errors import GraphFileError, NoRouteError, OsmImportError, PointTooFarError, RoutingError
from ._graph import DEFAULT_MAX_SNAP_M, Graph, Route, SnappedPoint

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "Graph",
    "GraphFileError",
    "NoRouteError",
    "OsmImportError",
    "PointTooFarError",
    "Route",
    "RoutingError",
    "SnappedPoint",
]
