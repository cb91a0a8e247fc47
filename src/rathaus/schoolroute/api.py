from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError

from rathaus.core.language import localized
from rathaus.core.throttle import throttle, too_many
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


class SchoolOut(Schema):
    schulnummer: str = Field(description="6-digit official school number (NRW)")
    name: str
    schulform: str = Field(description="school type as named in the NRW school list")
    address: str
    lat: float | None
    lon: float | None


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


@router.get("/municipalities/{municipality_slug}/schools", response=list[SchoolOut], summary="List schools")
def list_schools(request: HttpRequest, municipality_slug: str, filters: Query[SchoolFilter]) -> list[dict[str, object]]:
    municipality = request.municipality  # type: ignore[attr-defined]
    schools = school_list(municipality=municipality, schulform=filters.schulform or "")
    return [_school(school) for school in schools]


class SchoolRouteQuery(Schema):
    # Checked in the view: a municipality without street network answers 404 first.
    lat: float | None = Field(None, ge=-90, le=90, description="latitude of the front door (WGS84)")
    lon: float | None = Field(None, ge=-180, le=180, description="longitude of the front door (WGS84)")
    street: str | None = Field(
        None, max_length=200, description="street of the front door, instead of lat/lon (needs address data)"
    )
    housenumber: str | None = Field(None, max_length=20, description="house number with suffix, e.g. 12a")
    city: str | None = Field(None, max_length=100, description="place, where a street and number exist in several")
    school: str | None = Field(None, description="Schulnummer of the chosen school; required")
    grade: int | None = Field(None, ge=1, le=13, description="grade (Klasse / Jahrgangsstufe) of the pupil; required")


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
    type: str = "LineString"
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
        raise HttpError(
            422,
            _("Für diese Kommune sind keine Adressdaten geladen; bitte lat und lon angeben."),
        )
    address = addresses.lookup(street, housenumber, city=city)
    return address.lat, address.lon


@router.get(
    "/municipalities/{municipality_slug}/school-route",
    response=SchoolRouteOut,
    summary="Walking route to a school and free school transport (SchfkVO NRW)",
    description="Rate-limited per client address (`SCHOOL_ROUTE_RATE_LIMIT`, default 60 a minute; HTTP 429 "
    "with Retry-After).",
)
def get_school_route(request: HttpRequest, municipality_slug: str, query: Query[SchoolRouteQuery]) -> dict[str, object]:
    retry_after = throttle(request, scope="school-route", setting="SCHOOL_ROUTE_RATE_LIMIT", default="60/m")
    if retry_after is not None:
        return too_many(retry_after)  # type: ignore[return-value]
    municipality = request.municipality  # type: ignore[attr-defined]
    network = street_network_get(municipality=municipality)
    if network is None:
        raise HttpError(
            404,
            _(
                "Für %(name)s ist noch kein Straßennetz importiert. Die Verwaltung kann es mit "
                "„rathaus import-streets DATEI --municipality %(slug)s“ aus einem OpenStreetMap-Auszug importieren."
            )
            % {"name": municipality.name, "slug": municipality.slug},
        )
    by_address = query.lat is None and query.lon is None and bool(query.street or query.housenumber)
    required = [*(["street", "housenumber"] if by_address else ["lat", "lon"]), "school", "grade"]
    missing = [name for name in required if getattr(query, name) in (None, "")]
    if missing:
        raise HttpError(422, _("Es fehlen die Angaben: %(fields)s.") % {"fields": ", ".join(missing)})
    school = School.objects.filter(municipality=municipality, schulnummer=query.school).first()
    if school is None:
        raise HttpError(
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
            grade=int(query.grade),  # type: ignore[arg-type]
            schools=school_list(municipality=municipality, schulform=school.schulform),
        )
    except (AddressNotFound, AmbiguousAddress) as error:
        return JsonResponse({"detail": localized(error), "suggestions": error.suggestions}, status=422)  # type: ignore[return-value]
    except ValueError as error:  # the grade does not exist at this Schulform
        raise HttpError(422, str(error)) from None
    except GraphFileError as error:
        raise HttpError(503, localized(error)) from None
    except RoutingError as error:
        raise HttpError(422, localized(error)) from None
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
