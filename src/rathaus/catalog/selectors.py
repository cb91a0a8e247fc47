from django.db.models import Count, Max, QuerySet

from rathaus.catalog.models import Service
from rathaus.catalog.search import Document, rank
from rathaus.municipalities.models import Municipality

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
    hits = rank(_documents(municipality), query)
    by_id = service_list(municipality=municipality).in_bulk([document.key for document, _ in hits])
    return [by_id[document.key] for document, _ in hits if document.key in by_id]
