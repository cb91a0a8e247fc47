from typing import Annotated, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema
from ninja.decorators import decorate_view

from rathaus.core.api import SLUG, AddressInvalidOut, MunicipalitySlug, Refused, documented
from rathaus.core.language import localized
from rathaus.core.throttle import rate_limited
from rathaus.routing import AddressNotFound, AmbiguousAddress, GraphFileError, RoutingError
from rathaus.schoolroute.eligibility import Entitlement, Schulform
from rathaus.schoolroute.models import School, StreetNetwork
from rathaus.schoolroute.selectors import (
    school_list,
    street_network_addresses,
    street_network_get,
    street_network_graph,
    street_network_grounds,
)
from rathaus.schoolroute.verdict import school_route_check

router = Router(tags=["schools"])


SCHULNUMMER = r"^\d{6}$"
# The demo has a street network for Münster-Gievenbeck only.
RouteMunicipality = Annotated[str, Path(**SLUG, examples=["muenster"])]


class SchoolOut(Schema):
    schulnummer: str = Field(pattern=SCHULNUMMER, description="6-digit official school number (NRW)")
    name: str
    schulform: str = Field(description="school type as named in the NRW school list")
    address: str
    lat: float | None = Field(ge=-90, le=90, description="WGS84; null where the school list gives no position")
    lon: float | None = Field(ge=-180, le=180, description="WGS84; null where the school list gives no position")


class SchoolFilter(Schema):
    schulform: Schulform | None = Field(None, description="only schools of this type")


def _school(school: School) -> dict[str, object]:
    return {
        "schulnummer": school.schulnummer,
        "name": school.name,
        "schulform": school.schulform,
        "address": school.address,
        "lat": school.latitude,
        "lon": school.longitude,
    }


@router.get(
    "/municipalities/{municipality_slug}/schools", summary="List schools", **documented(list[SchoolOut], 404, 422)
)
def list_schools(
    request: HttpRequest, municipality_slug: MunicipalitySlug, filters: Query[SchoolFilter]
) -> list[dict[str, object]]:
    municipality = request.municipality  # type: ignore[attr-defined]
    schools = school_list(municipality=municipality, schulform=filters.schulform or "")
    return [_school(school) for school in schools]


class SchoolRouteQuery(Schema):
    # Either lat and lon or street and housenumber: OpenAPI cannot say so, the description does and the view checks.
    lat: float | None = Field(
        None,
        ge=-90,
        le=90,
        description="latitude of the front door (WGS84); with lon, or give street and housenumber",
        examples=[51.9738389],
    )
    lon: float | None = Field(
        None, ge=-180, le=180, description="longitude of the front door (WGS84); with lat", examples=[7.5582014]
    )
    # The lengths keep any request within the server's request line (4 KB), each character percent-encoded.
    street: str | None = Field(
        None, max_length=100, description="street of the front door, instead of lat/lon (needs address data)"
    )
    housenumber: str | None = Field(None, max_length=20, description="house number with suffix, e.g. 12a; with street")
    city: str | None = Field(None, max_length=60, description="place, where a street and number exist in several")
    school: str = Field(..., pattern=SCHULNUMMER, description="Schulnummer of the chosen school", examples=["119910"])
    grade: int = Field(..., ge=1, le=13, description="grade (Klasse / Jahrgangsstufe) of the pupil", examples=[3])


class SchoolRef(Schema):
    schulnummer: str
    name: str


class NearestSchoolOut(SchoolRef):
    length_m: float = Field(description="walking distance to this nearer school of the same type")
    explanation: str


class LatLon(Schema):
    lat: float
    lon: float


class LineString(Schema):
    type: Literal["LineString"] = "LineString"
    coordinates: list[tuple[float, float]] = Field(description="[lon, lat] pairs (GeoJSON order)")


class SchoolRouteOut(Schema):
    length_m: float = Field(description="shortest footpath, one way, from the given point (§ 7 SchfkVO NRW)")
    threshold_m: int = Field(description="the footpath must be longer than this (§ 5 (2) SchfkVO NRW)")
    margin_m: float = Field(description="length_m - threshold_m")
    eligible: bool = Field(description="the footpath is longer than the threshold (§ 5 (2)); see entitlement for § 9")
    entitlement: Entitlement = Field(
        description="paid; capped (only up to the costs to a nearer school of the same type, § 9); "
        "nearer_school (a nearer school of the same type is within the threshold: nothing is paid unless it "
        "could not admit the pupil); not_paid"
    )
    headline: str = Field(description="the entitlement in one sentence")
    explanation: str
    legal_basis: str
    school: SchoolRef
    geometry: LineString
    start: LatLon = Field(description="the given point snapped onto the nearest walkable way")
    nearest_school: NearestSchoolOut | None = Field(None, description="a nearer school of the same type (§ 9)")


def _front_door(network: StreetNetwork, street: str, housenumber: str, city: str | None) -> tuple[float, float]:
    addresses = street_network_addresses(network)
    if addresses is None:
        message = _("Für diese Kommune sind keine Adressdaten geladen; bitte lat und lon angeben.")
        raise Refused(422, message, errors=[("street", message)])
    address = addresses.lookup(street, housenumber, city=city)
    return address.lat, address.lon


@router.get(
    "/municipalities/{municipality_slug}/school-route",
    summary="Walking route to a school and free school transport (SchfkVO NRW)",
    description="The front door is given by `lat` and `lon`, or by `street` and `housenumber` (and `city` where "
    "needed) where the municipality has loaded address data. Rate-limited per client address "
    "(`SCHOOL_ROUTE_RATE_LIMIT`, default 60 a minute; HTTP 429 with Retry-After).",
    **documented(
        SchoolRouteOut,
        404,
        422,
        429,
        503,
        meanings={
            404: "No such municipality, no street network imported for it, or no school with this Schulnummer in it.",
            422: "A parameter is missing or invalid, the address was not found (`suggestions` lists close ones), "
            "the grade does not exist at the school's Schulform, or the point is too far from any footpath.",
            503: "The street network's file cannot be read right now.",
        },
        schemas={422: AddressInvalidOut},
    ),
)
@decorate_view(rate_limited(scope="school-route", setting="SCHOOL_ROUTE_RATE_LIMIT", default="60/m"))
def get_school_route(
    request: HttpRequest, municipality_slug: RouteMunicipality, query: Query[SchoolRouteQuery]
) -> dict[str, object]:
    municipality = request.municipality  # type: ignore[attr-defined]
    network = street_network_get(municipality=municipality)
    if network is None:
        raise Refused(
            404,
            _(
                "Für %(name)s ist noch kein Straßennetz importiert. Die Verwaltung kann es mit "
                "„rathaus import-streets DATEI --municipality %(slug)s“ aus einem OpenStreetMap-Auszug importieren."
            )
            % {"name": municipality.name, "slug": municipality.slug},
        )
    by_address = query.lat is None and query.lon is None and bool(query.street or query.housenumber)
    required = ["street", "housenumber"] if by_address else ["lat", "lon"]
    missing = [name for name in required if getattr(query, name) in (None, "")]
    if missing:
        raise Refused(
            422,
            _("Es fehlen die Angaben: %(fields)s.") % {"fields": ", ".join(missing)},
            errors=[(name, _("Diese Angabe fehlt.")) for name in missing],
        )
    school = School.objects.filter(municipality=municipality, schulnummer=query.school).first()
    if school is None:
        raise Refused(
            404, _("Eine Schule mit der Schulnummer %(number)s gibt es hier nicht.") % {"number": query.school}
        )
    try:
        if by_address:
            start = _front_door(network, str(query.street), str(query.housenumber), query.city or None)
        else:
            start = (float(query.lat), float(query.lon))  # type: ignore[arg-type]
        verdict = school_route_check(
            graph=street_network_graph(network),
            grounds=street_network_grounds(network),
            school=school,
            start=start,
            grade=query.grade,
            schools=school_list(municipality=municipality, schulform=school.schulform),
        )
    except (AddressNotFound, AmbiguousAddress) as error:
        # The part of the address to change: the place for one in several, else the street or its number.
        field = "city" if isinstance(error, AmbiguousAddress) else "housenumber" if error.street_known else "street"
        raise Refused(
            422, localized(error), errors=[(field, localized(error))], suggestions=list(error.suggestions)
        ) from None
    except ValueError as error:  # the grade does not exist at this Schulform
        raise Refused(422, str(error), errors=[("grade", str(error))]) from None
    except GraphFileError as error:
        raise Refused(503, localized(error)) from None
    except RoutingError as error:  # the point lies too far from any footpath, or no path leads to the school
        raise Refused(422, localized(error)) from None
    route, eligibility = verdict.route, verdict.eligibility
    nearest = None
    if verdict.nearest is not None:
        nearest = {
            "schulnummer": verdict.nearest.school.schulnummer,
            "name": verdict.nearest.school.name,
            "length_m": verdict.nearest.length_m,
            "explanation": verdict.nearest_explanation,
        }
    return {
        "length_m": route.length_m,
        "threshold_m": eligibility.threshold_m,
        "margin_m": eligibility.margin_m,
        "eligible": eligibility.eligible,
        "entitlement": verdict.entitlement,
        "headline": verdict.headline,
        "explanation": verdict.explanation,
        "legal_basis": eligibility.legal_basis,
        "school": {"schulnummer": school.schulnummer, "name": school.name},
        "geometry": {"type": "LineString", "coordinates": [(lon, lat) for lat, lon in route.coordinates]},
        "start": {"lat": route.start.lat, "lon": route.start.lon},
        "nearest_school": nearest,
    }
