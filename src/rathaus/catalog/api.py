from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from rathaus.catalog.models import Service
from rathaus.catalog.search import clean_query, fold
from rathaus.catalog.selectors import service_list, service_search

router = Router(tags=["services"])


class DepartmentOut(Schema):
    key: str
    name: str


class ServiceSummaryOut(Schema):
    id: int
    leika_key: str = Field(description="14-digit key of the federal service catalogue (LeiKa)")
    name: str
    name_en: str
    summary: str
    channel: str = Field(description="online, appointment, in_person or external")
    url: str


class ServiceOut(ServiceSummaryOut):
    summary_en: str
    synonyms: list[str]
    prerequisites: str
    documents: list[str]
    fees: str
    processing_time: str
    external_url: str
    department: DepartmentOut


class ServicePage(Schema):
    count: int
    results: list[ServiceSummaryOut]


class ServiceFilter(Schema):
    q: str = Field(
        "",
        max_length=10_000,
        description="Search terms; empty lists every service A–Z. Only the first 200 characters are searched.",
    )
    limit: int = Field(20, ge=1, le=100)
    offset: int = Field(0, ge=0)


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


@router.get("/municipalities/{municipality_slug}/services", response=ServicePage, summary="List or search services")
def list_services(request: HttpRequest, municipality_slug: str, filters: Query[ServiceFilter]) -> dict[str, object]:
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
@router.get("/municipalities/{municipality_slug}/services/{int:service_id}", response=ServiceOut, summary="One service")
def get_service(request: HttpRequest, municipality_slug: str, service_id: int) -> dict[str, object]:
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
