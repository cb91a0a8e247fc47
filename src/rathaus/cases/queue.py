"""The clerks' work queue: which cases a member of staff sees, filtered, sorted and one page at a time.

It has to stay fast with a million cases in a municipality, so every query it makes is one an index
in `Case.Meta.indexes` serves: nothing is counted beyond `COUNT_LIMIT` rows, a page reads
`per_page + 1` rows to know whether another follows, searches never start with a wildcard, and
open cases (the everyday view) have small partial indexes of their own.
"""

import re
from dataclasses import dataclass
from itertools import product

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.expressions import OrderBy
from django.utils import timezone

from rathaus.accounts.access import case_department_limit, membership_of
from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.municipalities.models import Municipality

STATUS_OPEN = ""
STATUS_ALL = "all"
DEFAULT_SORT = "-submitted_at"
SORTS: dict[str, tuple[OrderBy, ...]] = {
    "-submitted_at": (F("submitted_at").desc(), F("pk").desc()),
    "submitted_at": (F("submitted_at").asc(), F("pk").asc()),
    # Cases without a deadline come last, on every database.
    "due_at": (F("due_at").asc(nulls_last=True), F("pk").asc()),
    "reference": (F("reference").asc(), F("pk").asc()),
}
# Up to this many matches the queue says how many there are; beyond it, counting costs more than it tells.
COUNT_LIMIT = 1000
MAX_PER_PAGE = 100
# Offset paging reads every skipped row; deeper than this, a filter finds the case faster.
MAX_PAGE = 400
# A number without a year is looked for in the reference numbers of this many years back.
REFERENCE_YEARS = 30
MAX_QUERY_LENGTH = 200
# SO-2026-000123, 2026-000123, 000123 or 123 (letters in any case).
_REFERENCE = re.compile(r"^(?:(?P<prefix>[A-Za-z]{1,5})-)?(?:(?P<year>\d{4})-)?(?P<number>\d{1,6})$")


@dataclass
class QueuePage:
    rows: list[Case]
    has_next: bool
    has_previous: bool
    page: int
    # None when there are more than COUNT_LIMIT matches.
    total: int | None


def work_queue(
    *,
    municipality: Municipality,
    user: User,
    status: str = STATUS_OPEN,
    procedure: str = "",
    overdue: bool = False,
    assigned_to_me: bool = False,
    query: str = "",
    sort: str = DEFAULT_SORT,
    page: int = 1,
    per_page: int = 25,
) -> QueuePage:
    """One page of the cases `user` may work on. Admins see all of the municipality's cases, clerks those of
    their department (or all when they belong to none). `status` "" means open cases, "all" every case;
    an unknown `sort` falls back to the newest first."""
    cases = visible_cases(municipality=municipality, user=user)
    if status == STATUS_OPEN:
        cases = cases.filter(closed_at__isnull=True)
    elif status != STATUS_ALL:
        cases = cases.filter(status=status)
    if procedure:
        cases = cases.filter(procedure_key=procedure)
    if overdue:
        cases = cases.filter(due_at__lt=timezone.now(), closed_at__isnull=True)
    if assigned_to_me:
        cases = cases.filter(assigned_to=user)
    query = " ".join(query.split())[:MAX_QUERY_LENGTH]
    if query:
        cases = cases.filter(_search(municipality, query))

    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, min(page, MAX_PAGE))
    offset = (page - 1) * per_page
    ordered = cases.order_by(*SORTS.get(sort, SORTS[DEFAULT_SORT]))
    rows = list(ordered.select_related("department", "assigned_to").only(*_SHOWN)[offset : offset + per_page + 1])
    more = len(rows) > per_page
    rows = rows[:per_page]
    if not more and (rows or page == 1):
        total: int | None = offset + len(rows)
    else:
        # Counted inside a LIMIT: at most COUNT_LIMIT + 1 index entries are read, however many cases match.
        counted = cases.order_by()[: COUNT_LIMIT + 1].count()
        total = counted if counted <= COUNT_LIMIT else None
    return QueuePage(rows=rows, has_next=more and page < MAX_PAGE, has_previous=page > 1, page=page, total=total)


def visible_cases(*, municipality: Municipality, user: User) -> QuerySet[Case]:
    """The cases of `municipality` that `user` may see in the back office (none for non-members)."""
    cases = Case.objects.filter(municipality=municipality)
    limit = case_department_limit(membership_of(user=user, municipality=municipality))
    if limit is False:
        return cases.none()
    return cases if limit is None else cases.filter(department_id=limit)


# What a queue row shows: no answers, no context (those can be large).
_SHOWN = (
    "municipality_id",
    "reference",
    "procedure_key",
    "subject",
    "status",
    "applicant_name",
    "submitted_at",
    "due_at",
    "closed_at",
    "department__name",
    "department__name_en",
    "assigned_to__email",
    "assigned_to__first_name",
    "assigned_to__last_name",
)


def _search(municipality: Municipality, query: str) -> Q:
    """A reference number (whole or its tail) by exact matches; anything else as the start of the name."""
    match = _REFERENCE.match(query)
    if match is None:
        return _name_prefix(query.lower())
    number = int(match["number"])
    prefixes = [match["prefix"].upper()] if match["prefix"] else [municipality.reference_prefix]
    if match["year"]:
        years = [int(match["year"])]
    else:
        this_year = timezone.localdate().year
        years = list(range(this_year, this_year - REFERENCE_YEARS, -1))
    # A handful of exact values: the unique (municipality, reference) index answers each directly.
    return Q(reference__in=[f"{prefix}-{year}-{number:06d}" for prefix, year in product(prefixes, years)])


def _name_prefix(prefix: str) -> Q:
    condition = Q(applicant_name_search__startswith=prefix)
    if connection.vendor == "sqlite":
        # SQLite's LIKE ignores case and so never uses an index; the same prefix as a range in code point
        # order (SQLite's binary collation) does. PostgreSQL's LIKE uses the case_name index directly.
        condition &= Q(applicant_name_search__gte=prefix, applicant_name_search__lt=_successor(prefix))
    return condition


def _successor(prefix: str) -> str:
    """The smallest string greater than every string that starts with `prefix`."""
    return prefix[:-1] + chr(min(ord(prefix[-1]) + 1, 0x10FFFF))
