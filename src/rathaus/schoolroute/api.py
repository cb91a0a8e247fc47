from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from rathaus.schoolroute.eligibility import Schulform
from rathaus.schoolroute.models import School
from rathaus.schoolroute.selectors import school_list

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
