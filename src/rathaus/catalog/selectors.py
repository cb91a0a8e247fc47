from django.db.models import Count, Max, QuerySet

from rathaus.catalog.models import Service
from rathaus.catalog.search import Document, rank, suggestions
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tenancy import tenant_scope

# Built indexes per municipality, dropped when a service or a department's name changes
# (count or newest update). The stamp is read from the database, so every process notices.
_index_cache: dict[int, tuple[tuple[object, ...], list[Document]]] = {}


def service_list(*, municipality: Municipality) -> QuerySet[Service]:
    return (
        Service.objects.filter(municipality=municipality).select_related("department", "municipality").order_by("name")
    )


def _documents(municipality: Municipality) -> list[Document]:
    stamp = tuple(
        Service.objects.filter(municipality=municipality)
        .aggregate(count=Count("id"), newest=Max("updated_at"), department=Max("department__updated_at"))
        .values()
    )
    cached = _index_cache.get(municipality.pk)
    if cached is not None and cached[0] == stamp:
        return cached[1]
    documents = [
        Document.build(
            key=service.pk,
            name=service.name,
            synonyms=[*service.synonym_list, service.name_en],
            summary=f"{service.summary} {service.summary_en}",
            department=f"{service.department.name} {service.department.name_en}",
        )
        for service in service_list(municipality=municipality)
    ]
    _index_cache[municipality.pk] = (stamp, documents)
    return documents


def service_search(*, municipality: Municipality, query: str) -> list[Service]:
    """Services of the municipality that match the query, best first."""
    return [service for service, _score in service_search_scored(municipality=municipality, query=query)]


def service_search_scored(*, municipality: Municipality, query: str) -> list[tuple[Service, float]]:
    """Services of the municipality that match the query with their scores, best first."""
    hits = rank(_documents(municipality), query)
    by_id = service_list(municipality=municipality).in_bulk([document.key for document, _ in hits])
    return [(by_id[document.key], value) for document, value in hits if document.key in by_id]


def search_suggestions(*, municipalities: list[Municipality], query: str) -> list[str]:
    """Close spellings of the query among the names and search terms of these municipalities' services."""
    documents = []
    for municipality in municipalities:
        with tenant_scope(municipality):
            documents.extend(_documents(municipality))
    return suggestions(documents, query)


def other_level(municipality: Municipality) -> list[Municipality]:
    """The other level of government on the platform: a town's district, or a district's towns.

    The first five digits of the AGS name the Kreis ("05974" Kreis Soest, AGS 05974000); a
    kreisfreie Stadt ("05515000", Münster) is both levels and has no other.
    """
    district_ags = municipality.ags[:5] + "000"
    if municipality.kind == Municipality.Kind.DISTRICT:
        return list(
            Municipality.objects.filter(ags__startswith=municipality.ags[:5])
            .exclude(pk=municipality.pk)
            .exclude(kind=Municipality.Kind.DISTRICT)
            .order_by("name")
        )
    if municipality.ags == district_ags:
        return []
    return list(Municipality.objects.filter(ags=district_ags, kind=Municipality.Kind.DISTRICT))


def other_level_hits(
    *, municipality: Municipality, query: str, limit: int = 3
) -> list[tuple[Municipality, list[Service], float]]:
    """For each municipality of the other level, its best services for the query (those with hits only)."""
    found = []
    for other in other_level(municipality):
        # Another municipality's catalogue is public; its rows are read in its own scope.
        with tenant_scope(other):
            scored = service_search_scored(municipality=other, query=query)
        if scored:
            found.append((other, [service for service, _ in scored[:limit]], scored[0][1]))
    return found
