"""Reading the trade register: the clerks' search, one business with its history, and the public extract.

The register of a town holds thousands of businesses, of a city tens of thousands; the search stays
fast because every filter it offers is one an index in `Business.Meta.indexes` serves, as in the work
queue (`rathaus.cases.queue`): a name or an address is matched from its start (a range over
`trade_business_name` / `trade_business_address`), a WZ code exactly or by its leading digits (over
`trade_business_wz`), the start of the business by a date range (over `trade_business_started`). A page
reads `per_page + 1` rows to know whether another follows, and nothing is counted beyond `COUNT_LIMIT`.
Only "contains" reads every row of the municipality's register: it is the clerk's explicit choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Generic, TypeVar

from django.db import connection, models
from django.db.models import Q, QuerySet

from rathaus.municipalities.models import Municipality
from rathaus.trade.models import Business, BusinessNotice

# Up to this many matches the list says how many there are; beyond it, counting costs more than it tells.
COUNT_LIMIT = 1000
MAX_PER_PAGE = 100
# Offset paging reads every skipped row; deeper than this, a filter finds the business faster.
MAX_PAGE = 400
MAX_QUERY_LENGTH = 200
PREFIX = "prefix"
CONTAINS = "contains"
# The public extract (§ 14 Abs. 5 GewO): at most this many rows per request.
EXTRACT_MAX_LIMIT = 100

Row = TypeVar("Row", bound=models.Model)


@dataclass
class Page(Generic[Row]):
    rows: list[Row]
    has_next: bool
    has_previous: bool
    page: int
    # None when there are more than COUNT_LIMIT matches.
    total: int | None


def page_of(queryset: QuerySet[Row], *, page: int, per_page: int) -> Page[Row]:
    """One page of an ordered queryset without counting a large result: `per_page + 1` rows are read to
    know whether another page follows, and a count runs inside a LIMIT only when it is needed."""
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, min(page, MAX_PAGE))
    offset = (page - 1) * per_page
    rows = list(queryset[offset : offset + per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not more and (rows or page == 1):
        total: int | None = offset + len(rows)
    else:
        counted = queryset.order_by()[: COUNT_LIMIT + 1].count()
        total = counted if counted <= COUNT_LIMIT else None
    return Page(rows=rows, has_next=more and page < MAX_PAGE, has_previous=page > 1, page=page, total=total)


def starts_with(field_name: str, prefix: str) -> Q:
    """`field_name` starts with `prefix` (both lower case), in a form the field's index serves."""
    condition = Q(**{f"{field_name}__startswith": prefix})
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and so never uses an index; the same prefix as a range in code point
        # order (SQLite's binary collation) does. PostgreSQL's LIKE needs the pattern operator class.
        condition &= Q(**{f"{field_name}__gte": prefix, f"{field_name}__lt": _successor(prefix)})
    return condition


def code_starts_with(prefix: str) -> Q:
    """The WZ code starts with these digits: a plain range, which every database answers from the index
    (digits sort alike in every collation)."""
    return Q(wz_code__gte=prefix, wz_code__lt=_successor(prefix))


def _successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))


@dataclass
class RegisterFilter:
    """What the clerk asked for; empty values filter nothing. `wz_codes` are exact five-digit codes (from a
    keyword), `wz_prefix` the leading digits of a code ("43", "432", "43220")."""

    name: str = ""
    address: str = ""
    match: str = PREFIX
    wz_prefix: str = ""
    wz_codes: list[str] = field(default_factory=list)
    status: str = ""
    started_from: date | None = None
    started_to: date | None = None


def _text(field_name: str, value: str, match: str) -> Q:
    value = " ".join(value.split())[:MAX_QUERY_LENGTH].lower()
    if match == CONTAINS:
        return Q(**{f"{field_name}__contains": value})
    return starts_with(field_name, value)


def register_search(
    *, municipality: Municipality, filters: RegisterFilter, page: int = 1, per_page: int = 25
) -> Page[Business]:
    """One page of the municipality's register, A–Z by name."""
    return page_of(register_query(municipality=municipality, filters=filters), page=page, per_page=per_page)


def register_query(*, municipality: Municipality, filters: RegisterFilter) -> QuerySet[Business]:
    """The municipality's businesses that match every filter given, A–Z by name."""
    businesses = Business.objects.filter(municipality=municipality)
    if filters.name.strip():
        businesses = businesses.filter(_text("name_search", filters.name, filters.match))
    if filters.address.strip():
        businesses = businesses.filter(_text("address_search", filters.address, filters.match))
    if filters.wz_codes:
        businesses = businesses.filter(wz_code__in=filters.wz_codes)
    elif len(filters.wz_prefix) == 5:
        businesses = businesses.filter(wz_code=filters.wz_prefix)
    elif filters.wz_prefix:
        businesses = businesses.filter(code_starts_with(filters.wz_prefix))
    if filters.status:
        businesses = businesses.filter(status=filters.status)
    if filters.started_from is not None:
        businesses = businesses.filter(started_on__gte=filters.started_from)
    if filters.started_to is not None:
        businesses = businesses.filter(started_on__lte=filters.started_to)
    return businesses.order_by("name_search", "pk").only(*_SHOWN)


# What a list row shows.
_SHOWN = (
    "municipality_id",
    "number",
    "name",
    "street",
    "postal_code",
    "city",
    "wz_code",
    "status",
    "started_on",
    "closed_on",
)


def business_with_history(*, municipality: Municipality, business_id: int) -> tuple[Business, list[BusinessNotice]]:
    """The business and its notices, newest first; Business.DoesNotExist for another municipality's."""
    business = Business.objects.get(municipality=municipality, pk=business_id)
    notices = list(
        BusinessNotice.objects.filter(municipality=municipality, business=business)
        .select_related("case")
        .order_by("-confirmed_at", "-pk")
    )
    return business, notices


def register_extract(*, municipality: Municipality, query: str, limit: int, offset: int) -> tuple[int, list[Business]]:
    """The public extract for a legitimate interest (§ 14 Abs. 5 GewO): active businesses whose name or
    activity contains `query`, or whose WZ code starts with it. Returns the number of matches and one
    window of them. Callers show only name, premises and activity."""
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    condition = Q(name_search__contains=query.lower()) | Q(activity__icontains=query)
    digits = query.replace(".", "")
    if digits.isdigit() and 2 <= len(digits) <= 5:
        condition |= code_starts_with(digits)
    matches = Business.objects.filter(municipality=municipality, status=Business.Status.ACTIVE).filter(condition)
    window = list(
        matches.order_by("name_search", "pk").only(
            "municipality_id", "name", "street", "postal_code", "city", "activity", "wz_code"
        )[offset : offset + min(limit, EXTRACT_MAX_LIMIT)]
    )
    return matches.count(), window
