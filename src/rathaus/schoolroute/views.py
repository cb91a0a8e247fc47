"""The parents' school route page: how long is the way to school, and are transport costs paid?

One GET form (bookmarkable): school, grade and the front door, given by street and house number
where the municipality has address data, otherwise by a click on the network's map (an
`<input type="image">`, so it works without JavaScript) or typed coordinates. The result, on the
same page, is the route on a map and the verdict of `eligibility`, as the JSON API gives it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from rathaus.core.language import localized
from rathaus.procedures import registry
from rathaus.routing import (
    AddressFileError,
    AddressIndex,
    AddressNotFound,
    AmbiguousAddress,
    Graph,
    GraphFileError,
    PointTooFarError,
    RoutingError,
    SchoolGrounds,
)
from rathaus.schoolroute.eligibility import ExceptionReason, metres
from rathaus.schoolroute.forms import SchoolRouteForm
from rathaus.schoolroute.maps import MapView, Marker, network_svg, route_svg
from rathaus.schoolroute.models import School
from rathaus.schoolroute.selectors import (
    school_list,
    street_network_addresses,
    street_network_get,
    street_network_graph,
    street_network_grounds,
)
from rathaus.schoolroute.verdict import SchoolRouteVerdict, school_route_check

APPLICATION_PROCEDURE = "schuelerfahrkosten"
# The map to click on has this many pixels across; a click (karte.x, karte.y) is read in them.
# Without JavaScript the image is shown at this size; schoolmap.js scales it to the screen and
# converts the click back, so the server reads both alike.
PICK_MAP_WIDTH = 800
CLICK = ("karte.x", "karte.y")
FORM_KEYS = ("school", "grade", "street", "housenumber", "place", "lat", "lon")


def pick_view(graph: Graph) -> MapView:
    """The view of the whole network, as the map to click on shows it."""
    lats, lons = graph.geometry_lat, graph.geometry_lon
    corners = [(float(lats.min()), float(lons.min())), (float(lats.max()), float(lons.max()))]
    return MapView.around(corners, margin_m=30, width=PICK_MAP_WIDTH)


def _click_redirect(request: HttpRequest, graph: Graph) -> HttpResponse | None:
    """A click on the map: the same query with the clicked point as lat/lon, so the URL stays readable.

    Pressing Enter on the image button, or in a text field before it, submits (0, 0): that is no click.
    """
    try:
        x, y = (float(request.GET[key]) for key in CLICK)
    except (KeyError, ValueError):
        return None
    if x <= 0 and y <= 0:
        return None
    lat, lon = pick_view(graph).latlon(x, y)
    query = request.GET.copy()
    for key in CLICK:
        del query[key]
    query["lat"], query["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")


@dataclass(frozen=True)
class Suggestion:
    label: str
    url: str


def _suggestions(request: HttpRequest, field: str, values: list[str]) -> list[Suggestion]:
    suggestions = []
    for value in values:
        query = request.GET.copy()
        query[field] = value
        suggestions.append(Suggestion(value, f"{request.path}?{query.urlencode()}"))
    return suggestions


def _start(
    request: HttpRequest, form: SchoolRouteForm, addresses: AddressIndex | None
) -> tuple[tuple[float, float] | None, list[Suggestion]]:
    """The front door: looked up by address (never guessed: a miss gives suggestions) or as given."""
    data = form.cleaned_data
    if addresses is None:
        return (data["lat"], data["lon"]), []
    try:
        address = addresses.lookup(data["street"], data["housenumber"], city=data["place"] or None)
    except AddressNotFound as error:
        field = "housenumber" if error.street_known else "street"
        form.add_error(field, localized(error))
        return None, _suggestions(request, field, error.suggestions)
    except AmbiguousAddress as error:
        form.add_error("place", localized(error))
        return None, _suggestions(request, "place", error.suggestions)
    return (address.lat, address.lon), []


def _route(
    form: SchoolRouteForm,
    graph: Graph,
    grounds: list[SchoolGrounds],
    school: School,
    start: tuple[float, float],
    schools: list[School],
) -> SchoolRouteVerdict | None:
    try:
        return school_route_check(
            graph=graph, grounds=grounds, school=school, start=start, grade=form.cleaned_data["grade"], schools=schools
        )
    except ValueError as error:  # the grade does not exist at this Schulform
        form.add_error("grade", str(error))
    except PointTooFarError as error:
        form.add_error("street" if form.by_address else "lat", localized(error))
    except RoutingError as error:
        form.add_error(None, localized(error))
    return None


def _result(
    verdict: SchoolRouteVerdict, graph: Graph, start: tuple[float, float], form: SchoolRouteForm
) -> dict[str, Any]:
    route, eligibility, school = verdict.route, verdict.eligibility, verdict.school
    nearest_length = verdict.nearest_check.nearest_distance_m
    school_lat, school_lon = route.coordinates[-1]  # the route ends at the school's point
    svg = route_svg(graph, route, start=start, school_name=school.name)
    margin = eligibility.margin_m
    application: dict[str, Any] = {"school": school.schulnummer, "grade": eligibility.grade}
    application |= {"lat": f"{start[0]:.6f}", "lon": f"{start[1]:.6f}"}
    if form.by_address:
        application |= {"street": form.cleaned_data["street"], "housenumber": form.cleaned_data["housenumber"]}
    return {
        "school": school,
        "eligibility": eligibility,
        "entitlement": verdict.entitlement.value,
        "paid": verdict.entitlement.paid,
        "headline": verdict.headline,
        "nearer_school_note": verdict.note,
        "length": metres(route.length_m),
        "threshold": metres(eligibility.threshold_m),
        "margin": ("+" if margin > 0 else "−" if margin < 0 else "") + metres(abs(margin)),
        "explanation": verdict.explanation,
        "nearest": verdict.nearest,
        "nearest_length": metres(nearest_length),
        "nearest_explanation": verdict.nearest_explanation,
        "exceptions": list(ExceptionReason),
        "map": svg,
        # For the tile map's script (schoolmap.js), used only with a tile server.
        "map_data": {
            "route": route.coordinates,
            "markers": [[start[0], start[1], _("Haustür")], [school_lat, school_lon, school.name]],
        },
        "application": application,
    }


def _application_available() -> bool:
    try:
        registry.get(APPLICATION_PROCEDURE)
    except KeyError:
        return False
    return True


@require_GET
def school_route_page(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    network = street_network_get(municipality=municipality)
    context: dict[str, Any] = {"network": network}
    if network is None:
        return render(request, "schoolroute/school_route.html", context)
    try:
        graph = street_network_graph(network)
        addresses = street_network_addresses(network)
    except (GraphFileError, AddressFileError) as error:
        context["service_error"] = localized(error)
        return render(request, "schoolroute/school_route.html", context, status=503)
    redirect = _click_redirect(request, graph)
    if redirect is not None:
        return redirect
    bound = any(key in request.GET for key in FORM_KEYS)
    schools = list(school_list(municipality=municipality))
    form = SchoolRouteForm(request.GET if bound else None, schools=schools, by_address=addresses is not None)
    if bound and form.is_valid():
        school = next(school for school in schools if school.schulnummer == form.cleaned_data["school"])
        start, context["suggestions"] = _start(request, form, addresses)
        verdict = (
            None if start is None else _route(form, graph, street_network_grounds(network), school, start, schools)
        )
        if verdict is not None and start is not None:
            context["result"] = _result(verdict, graph, start, form)
            context["application_url"] = reverse(
                "application_start",
                kwargs={"municipality_slug": municipality.slug, "procedure_key": APPLICATION_PROCEDURE},
            )
            context["application_available"] = _application_available()
    view = pick_view(graph)
    picked = QueryDict(mutable=True)
    # The image is cached; a new import must change its URL, since clicks are read in the new view.
    picked["v"] = str(int(network.imported_at.timestamp()))
    if not form.by_address and bound and not form.has_error("lat") and not form.has_error("lon"):
        lat, lon = form.cleaned_data.get("lat"), form.cleaned_data.get("lon")
        if lat is not None and lon is not None:
            picked["lat"], picked["lon"] = f"{lat:.6f}", f"{lon:.6f}"
    map_url = reverse("school_route_map", kwargs={"municipality_slug": municipality.slug})
    context |= {
        "form": form,
        "pick_map_url": f"{map_url}?{picked.urlencode()}",
        "pick_map": view,
        "coordinates_open": form.has_error("lat") or form.has_error("lon"),
        "tile_url": settings.SCHOOLROUTE_TILE_URL,
    }
    return render(request, "schoolroute/school_route.html", context)


@require_GET
def school_route_map(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    """The whole network as an SVG image to click on; `lat`/`lon` mark the picked point."""
    municipality = request.municipality  # type: ignore[attr-defined]
    network = street_network_get(municipality=municipality)
    if network is None:
        return HttpResponse(status=404)
    try:
        graph = street_network_graph(network)
    except GraphFileError:
        return HttpResponse(status=503)
    markers = []
    with contextlib.suppress(KeyError, ValueError):
        markers.append(Marker(float(request.GET["lat"]), float(request.GET["lon"]), _("Ihre Auswahl"), "map-start"))
    svg = network_svg(
        graph,
        pick_view(graph),
        title=_("Straßennetz von %(name)s") % {"name": municipality.name},
        description=_("Karte aller Fußwege. Klicken Sie auf Ihre Haustür."),
        markers=markers,
        element_id="pick-map",
    )
    response = HttpResponse(svg, content_type="image/svg+xml; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    return response
