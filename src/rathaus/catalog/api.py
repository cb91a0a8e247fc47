from typing import Annotated

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Path, Query, Router, Schema

from rathaus.catalog.models import Service
from rathaus.catalog.search import MAX_QUERY_LENGTH, clean_query, fold
from rathaus.catalog.selectors import service_list, service_search
from rathaus.core.api import MunicipalitySlug, documented

router = Router(tags=["services"])


class DepartmentOut(Schema):
    key: str
    name: str


class ServiceSummaryOut(Schema):
    id: int
    leika_key: str = Field(
        pattern=r"^(\d{14})?$",
        description="14-digit key of the federal service catalogue (LeiKa); empty where no source gives one",
    )
    name: str
    name_en: str
    summary: str
    channel: Service.Channel = Field(description="How the service is done (the model's choices)")
    url: str = Field(description="The service's page in the portal", json_schema_extra={"format": "uri"})


class ServiceOut(ServiceSummaryOut):
    summary_en: str
    synonyms: list[str]
    prerequisites: str
    documents: list[str]
    fees: str
    processing_time: str
    external_url: str = Field(description="The online service of another authority; empty when there is none")
    department: DepartmentOut


class ServicePage(Schema):
    count: int
    results: list[ServiceSummaryOut]


class ServiceFilter(Schema):
    # No longer than what is searched: a longer query would not fit the server's request line (4 KB) in every case.
    q: str = Field(
        "",
        max_length=MAX_QUERY_LENGTH,
        description="Search terms; empty lists every service A–Z.",
        examples=["Ausweis"],
    )
    limit: int = Field(20, ge=1, le=100, description="At most this many results")
    offset: int = Field(0, ge=0, description="Skip this many results")


def _summary(request: HttpRequest, service: Service) -> dict[str, object]:
    return {
        "id": service.pk,
        "leika_key": service.leika_key,
        "name": service.name,
        "name_en": service.name_en,
        "summary": service.summary,
        "channel": service.channel,
        "url": request.build_absolute_uri(service.get_absolute_url()),
    }


@router.get(
    "/municipalities/{municipality_slug}/services",
    summary="List or search services",
    **documented(ServicePage, 404, 422),
)
def list_services(
    request: HttpRequest, municipality_slug: MunicipalitySlug, filters: Query[ServiceFilter]
) -> dict[str, object]:
    municipality = request.municipality  # type: ignore[attr-defined]
    query = clean_query(filters.q)
    services = (
        service_search(municipality=municipality, query=query)
        if query
        # Sorted in Python: SQLite and PostgreSQL collate umlauts differently.
        else sorted(service_list(municipality=municipality), key=lambda service: fold(service.name))
    )
    window = services[filters.offset : filters.offset + filters.limit]
    return {"count": len(services), "results": [_summary(request, service) for service in window]}


# The int converter lets a non-numeric id miss the route: a 404 like any unknown id, not a 422.
@router.get(
    "/municipalities/{municipality_slug}/services/{int:service_id}",
    summary="One service",
    **documented(ServiceOut, 404, 422, meanings={404: "No such municipality, or no such service in it."}),
)
def get_service(
    request: HttpRequest,
    municipality_slug: MunicipalitySlug,
    service_id: Annotated[int, Path(ge=1, description="The service's id, as in the list")],
) -> dict[str, object]:
    service = get_object_or_404(Service.objects.select_related("department", "municipality"), pk=service_id)
    return {
        **_summary(request, service),
        "summary_en": service.summary_en,
        "synonyms": service.synonym_list,
        "prerequisites": service.prerequisites,
        "documents": service.document_list,
        "fees": service.fees,
        "processing_time": service.processing_time,
        "external_url": service.external_url,
        "department": {"key": service.department.key, "name": service.department.name},
    }
