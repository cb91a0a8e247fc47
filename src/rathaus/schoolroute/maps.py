"""Server-side SVG maps of a street network: no tiles, no JavaScript, works in every browser.

`MapView` maps a latitude/longitude box onto an SVG viewport (equirectangular, x scaled by
cos(latitude) so that a metre is as long across as up), `network_svg` draws the network's
streets, extra lines (a route) and markers into it.

The SVG is also served on its own as the image of a map-click form (`<input type="image">`),
where the page's CSS does not reach it. So every shape carries presentation attributes
(`stroke`, `fill`) as its defaults; the page's CSS, which the classes address, overrides them
when the SVG is inlined.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.routing import Graph, Route
from rathaus.schoolroute.eligibility import metres

# Metres per degree of latitude on a sphere of the mean earth radius; exact enough for a picture.
_M_PER_DEGREE: Final = 6_371_008.8 * math.pi / 180
ATTRIBUTION: Final = _("© OpenStreetMap-Mitwirkende")
STREET_CLASS: Final = "map-street"
# A route map is at most this many times as tall as wide.
ROUTE_MAP_MAX_RATIO: Final = 1.0

# Presentation defaults per class (see the module docstring); unknown classes get _DEFAULT_STROKE.
_STROKES: Final = {
    STREET_CLASS: 'stroke="#8a8a8a" stroke-width="1.2"',
    "map-route": 'stroke="#0b5cad" stroke-width="4"',
}
_DEFAULT_STROKE: Final = 'stroke="#444" stroke-width="2"'
_MARKER_FILLS: Final = {"map-start": "#b00020", "map-school": "#0b5cad"}


@dataclass(frozen=True)
class MapView:
    """An equirectangular view of a lat/lon box onto an SVG viewport `width` pixels wide."""

    south: float
    west: float
    north: float
    east: float
    width: int = 800

    def __post_init__(self) -> None:
        if not (self.north > self.south and self.east > self.west and self.width > 0):
            raise ValueError(f"Empty map view: {self}")

    @classmethod
    def around(cls, points: Iterable[tuple[float, float]], *, margin_m: float = 150, width: int = 800) -> MapView:
        """The smallest view holding all (lat, lon) `points`, with `margin_m` metres around them."""
        coordinates = list(points)
        if not coordinates:
            raise ValueError("A map view needs at least one point.")
        lats = [lat for lat, _lon in coordinates]
        lons = [lon for _lat, lon in coordinates]
        middle = (min(lats) + max(lats)) / 2
        margin = max(margin_m, 1.0)
        dlat = margin / _M_PER_DEGREE
        dlon = margin / (_M_PER_DEGREE * math.cos(math.radians(middle)))
        return cls(min(lats) - dlat, min(lons) - dlon, max(lats) + dlat, max(lons) + dlon, width)

    def no_taller_than(self, ratio: float) -> MapView:
        """The same view, widened east and west about its middle where it would be more than `ratio`
        times as tall as wide (a long north–south route would otherwise give a map far taller than a screen)."""
        if self.height <= self.width * ratio:
            return self
        half = (self.north - self.south) / (ratio * math.cos(math.radians((self.north + self.south) / 2))) / 2
        middle = (self.east + self.west) / 2
        return replace(self, west=middle - half, east=middle + half)

    @property
    def _x_scale(self) -> float:
        """Pixels per degree of longitude; a degree of latitude is _x_scale / cos(middle latitude)."""
        return self.width / (self.east - self.west)

    @property
    def _y_scale(self) -> float:
        return self._x_scale / math.cos(math.radians((self.north + self.south) / 2))

    @property
    def height(self) -> int:
        return max(1, round((self.north - self.south) * self._y_scale))

    def xy(self, lat: float, lon: float) -> tuple[float, float]:
        return (lon - self.west) * self._x_scale, (self.north - lat) * self._y_scale

    def latlon(self, x: float, y: float) -> tuple[float, float]:
        """The inverse of `xy`: the point under pixel (x, y), e.g. of a click on the map."""
        return self.north - y / self._y_scale, self.west + x / self._x_scale


@dataclass(frozen=True)
class Line:
    points: Sequence[tuple[float, float]]  # (lat, lon)
    css_class: str


@dataclass(frozen=True)
class Marker:
    lat: float
    lon: float
    label: str
    css_class: str


def _edge_paths(graph: Graph, view: MapView, edge_classes: Sequence[str] | None) -> dict[str, list[str]]:
    """Path data ("M x,y x,y ...") of every edge that touches the view, grouped by CSS class."""
    offsets = graph.geometry_offsets
    edge_count = len(offsets) - 1
    if edge_classes is not None and len(edge_classes) != edge_count:
        raise ValueError(f"edge_classes has {len(edge_classes)} entries for {edge_count} edges.")
    if edge_count == 0:
        return {}
    lats, lons = graph.geometry_lat, graph.geometry_lon
    starts = offsets[:-1]
    visible = (
        (np.maximum.reduceat(lats, starts) >= view.south)
        & (np.minimum.reduceat(lats, starts) <= view.north)
        & (np.maximum.reduceat(lons, starts) >= view.west)
        & (np.minimum.reduceat(lons, starts) <= view.east)
    )
    xs = np.round((lons - view.west) * view._x_scale, 1).tolist()
    ys = np.round((view.north - lats) * view._y_scale, 1).tolist()
    first, last = offsets[:-1].tolist(), offsets[1:].tolist()
    paths: dict[str, list[str]] = {}
    for edge in np.flatnonzero(visible).tolist():
        css_class = STREET_CLASS if edge_classes is None else edge_classes[edge]
        points = " ".join(f"{xs[i]:g},{ys[i]:g}" for i in range(first[edge], last[edge]))
        paths.setdefault(css_class, []).append(f"M{points}")
    return paths


def _point(view: MapView, lat: float, lon: float) -> str:
    x, y = view.xy(lat, lon)
    return f"{round(x, 1):g},{round(y, 1):g}"


def network_svg(
    graph: Graph,
    view: MapView,
    *,
    title: str,
    description: str,
    lines: Sequence[Line] = (),
    markers: Sequence[Marker] = (),
    edge_classes: Sequence[str] | None = None,
    element_id: str = "map",
) -> SafeString:
    """The network's streets inside `view`, then `lines`, then `markers` (circle and label), as SVG.

    `edge_classes[i]` is the CSS class of edge i (default "map-street"); one <path> per class.
    Text is escaped; the OSM attribution sits at the bottom right. `element_id` prefixes the ids
    of <title> and <desc>, so two maps can share a page.
    """
    ident = escape(element_id)
    width, height = view.width, view.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="{ident}-title {ident}-desc">',
        f'<title id="{ident}-title">{escape(title)}</title>',
        f'<desc id="{ident}-desc">{escape(description)}</desc>',
        f'<rect class="map-background" width="{width}" height="{height}" fill="#f7f5ef"/>',
    ]
    for css_class, data in _edge_paths(graph, view, edge_classes).items():
        stroke = _STROKES.get(css_class, _DEFAULT_STROKE)
        parts.append(
            f'<path class="{escape(css_class)}" fill="none" {stroke} stroke-linecap="round" '
            f'stroke-linejoin="round" d="{" ".join(data)}"/>'
        )
    for line in lines:
        if len(line.points) < 2:
            continue
        stroke = _STROKES.get(line.css_class, _DEFAULT_STROKE)
        points = " ".join(_point(view, lat, lon) for lat, lon in line.points)
        parts.append(
            f'<path class="{escape(line.css_class)}" fill="none" {stroke} stroke-linecap="round" '
            f'stroke-linejoin="round" d="M{points}"/>'
        )
    for marker in markers:
        x, y = view.xy(marker.lat, marker.lon)
        fill = _MARKER_FILLS.get(marker.css_class, "#222")
        # The label sits right of the circle, or left of it near the right edge so it stays visible.
        anchor, dx = ("end", -10) if x > width * 0.7 else ("start", 10)
        parts.append(
            f'<g class="map-marker {escape(marker.css_class)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="{fill}" stroke="#fff" stroke-width="2"/>'
            f'<text x="{x + dx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" font-family="sans-serif" '
            f'font-size="14" font-weight="bold" fill="#111" stroke="#fff" stroke-width="3" '
            f'paint-order="stroke">{escape(marker.label)}</text></g>'
        )
    parts.append(
        f'<text class="map-attribution" x="{width - 4}" y="{height - 4}" text-anchor="end" '
        f'font-family="sans-serif" font-size="11" fill="#333">{escape(ATTRIBUTION)}</text>'
    )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 -- every text and class above is escaped


def route_svg(
    graph: Graph, route: Route, *, start: tuple[float, float], school_name: str, element_id: str = "route-map"
) -> SafeString:
    """The map of a school route: the streets around it, the route, the front door and the school."""
    school_lat, school_lon = route.coordinates[-1]  # the route ends at the school (its entrance)
    return network_svg(
        graph,
        MapView.around([*route.coordinates, start], margin_m=150).no_taller_than(ROUTE_MAP_MAX_RATIO),
        title=gettext("Schulweg: %(school)s") % {"school": school_name},
        description=gettext("Karte des kürzesten Fußwegs von der Haustür zur Schule, %(length)s lang.")
        % {"length": metres(route.length_m)},
        lines=[Line(route.coordinates, "map-route")],
        markers=[
            Marker(start[0], start[1], gettext("Haustür"), "map-start"),
            Marker(school_lat, school_lon, school_name, "map-school"),
        ],
        element_id=element_id,
    )
