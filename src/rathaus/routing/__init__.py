"""Walking routes on OpenStreetMap data, without Django.

Public API (import from `rathaus.routing`):

- `Graph`: `Graph.from_osm(path)` builds the pedestrian graph from .osm, .osm.gz, .osm.bz2,
  .osm.pbf or Overpass GeoJSON; `save`/`load` (.npz); `route`, `distances_from`, `nodes`, `edges`;
  for batch work `distances_to` (one point to many, each exactly `route().length_m`) and `snap_many`.
- `Route`, `SnappedPoint`, `SnappedPoints`: results.
- `AddressIndex`: `AddressIndex.from_osm(path)` / `.from_house_coordinates(path)` (NRW house
  coordinates, GeoJSON or zip); `lookup(street, housenumber)` -> `Address`; `streets()`;
  `save`/`load` (JSON).
  `normalize_street`, `normalize_housenumber`: the comparison forms.
- `SchoolGrounds`, `read_school_grounds(path)`, `school_destinations(grounds, point)`,
  `grounds_save`/`grounds_load`: school grounds (`amenity=school` outlines) and their
  entrances, where a route to the school ends.
- `RoutingError` and its subclasses `OsmImportError`, `GraphFileError`, `PointTooFarError`,
  `NoRouteError`, `AddressFileError`, `AddressNotFound`, `AmbiguousAddress`: every message in
  German and English; the address errors carry `suggestions`.

Modules:

- `_tags`: which ways a pupil may walk on (the OSM tag rules).
- `_reader`: reading walkable ways from files (pyosmium, GeoJSON).
- `_graph`: the graph in numpy arrays (junction nodes, edge geometry), snapping onto an edge,
  routing, one-to-all and one-to-many distances (scipy), saving and loading.
- `_geometry`: WGS84 geodesic lengths (pyproj), local projection, nearest-segment index (KD-tree).
- `_hierarchy`: contraction hierarchies, built at import and saved with the graph; a route is
  two upward searches and the unpacking of shortcuts (exact).
- `addresses`: the address index and lookup with suggestions.
- `_address_reader`: address points from OSM (nodes, entrances, outline centroids) and NRW
  house coordinate files; `_normalize`: street and house number normalisation.
- `_grounds`: school grounds and entrances from OSM files.
- `_errors`: the exceptions.
"""

from ._errors import (
    AddressFileError,
    AddressNotFound,
    AmbiguousAddress,
    GraphFileError,
    NoRouteError,
    OsmImportError,
    PointTooFarError,
    RoutingError,
)
from ._graph import DEFAULT_MAX_SNAP_M, Graph, Route, SnappedPoint, SnappedPoints
from ._grounds import SchoolGrounds, grounds_load, grounds_save, read_school_grounds, school_destinations
from ._normalize import normalize_housenumber, normalize_street
from ._reader import Progress
from .addresses import Address, AddressIndex

__all__ = [
    "DEFAULT_MAX_SNAP_M",
    "Address",
    "AddressFileError",
    "AddressIndex",
    "AddressNotFound",
    "AmbiguousAddress",
    "Graph",
    "GraphFileError",
    "NoRouteError",
    "OsmImportError",
    "PointTooFarError",
    "Progress",
    "Route",
    "RoutingError",
    "SchoolGrounds",
    "SnappedPoint",
    "SnappedPoints",
    "grounds_load",
    "grounds_save",
    "normalize_housenumber",
    "normalize_street",
    "read_school_grounds",
    "school_destinations",
]
