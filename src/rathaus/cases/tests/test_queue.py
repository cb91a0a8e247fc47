"""The clerks' work queue: who sees which cases, filters, search, sorting and paging."""

import itertools
import uuid
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.cases import queue
from rathaus.cases.models import Case
from rathaus.cases.queue import work_queue
from rathaus.cases.services import reference_next
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department, make_staff

_numbers = itertools.count(1)


def make_case(
    municipality: Municipality,
    department: Department,
    *,
    name: str = "Erika Mustermann",
    status: str = "submitted",
    closed: bool = False,
    submitted_at: datetime | None = None,
    due_in: timedelta | None = timedelta(days=30),
    **fields: Any,
) -> Case:
    number = next(_numbers)
    submitted_at = submitted_at or timezone.now() - timedelta(minutes=number)
    return Case.all_tenants.create(
        municipality=municipality,
        reference=reference_next(municipality=municipality, year=timezone.localdate().year),
        procedure_key=fields.pop("procedure_key", "test-permit"),
        department=department,
        subject=f"Testerlaubnis {number}",
        status=status,
        applicant_name=name,
        applicant_name_search=name.lower(),
        applicant_email="erika@example.org",
        access_token_hash=uuid.uuid4().hex + uuid.uuid4().hex,
        idempotency_key=uuid.uuid4(),
        submitted_at=submitted_at,
        due_at=submitted_at + due_in if due_in is not None else None,
        closed_at=submitted_at + timedelta(days=1) if closed else None,
        **fields,
    )


@pytest.fixture
def office(soest: Municipality) -> Department:
    return make_department(soest, key="ordnungsamt", name="Ordnungsamt")


@pytest.fixture
def citizens_office(soest: Municipality) -> Department:
    return make_department(soest, key="buergerbuero", name="Bürgerbüro")


@pytest.fixture
def office_clerk(soest: Municipality, office: Department) -> User:
    clerk = make_staff(soest, "ordnungsamt@soest.example")
    Membership.all_tenants.filter(user=clerk).update(department=office)
    return clerk


def references(municipality: Municipality, user: User, **kwargs: Any) -> list[str]:
    return [case.reference for case in work_queue(municipality=municipality, user=user, **kwargs).rows]


def test_admin_sees_every_open_case_of_the_municipality_and_no_other(
    soest: Municipality,
    lippstadt: Municipality,
    office: Department,
    citizens_office: Department,
    admin_of_soest: User,
) -> None:
    first = make_case(soest, office)
    second = make_case(soest, citizens_office)
    make_case(lippstadt, make_department(lippstadt))

    assert references(soest, admin_of_soest) == [first.reference, second.reference]


def test_clerk_of_a_department_sees_only_its_cases(
    soest: Municipality, office: Department, citizens_office: Department, office_clerk: User
) -> None:
    own = make_case(soest, office)
    make_case(soest, citizens_office)

    assert references(soest, office_clerk) == [own.reference]


def test_clerk_without_a_department_sees_all_cases(
    soest: Municipality, office: Department, citizens_office: Department, clerk_of_soest: User
) -> None:
    make_case(soest, office)
    make_case(soest, citizens_office)

    assert len(references(soest, clerk_of_soest)) == 2


def test_someone_who_is_not_staff_of_the_municipality_sees_nothing(
    soest: Municipality, office: Department, clerk_of_lippstadt: User, citizen: User
) -> None:
    make_case(soest, office)

    assert references(soest, clerk_of_lippstadt) == []
    assert references(soest, citizen) == []


def test_open_cases_by_default_all_on_request_and_one_status_when_named(
    soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    open_case = make_case(soest, office, status="in_review")
    approved = make_case(soest, office, status="approved", closed=True)

    assert references(soest, admin_of_soest) == [open_case.reference]
    assert references(soest, admin_of_soest, status="all") == [open_case.reference, approved.reference]
    assert references(soest, admin_of_soest, status="approved") == [approved.reference]
    assert references(soest, admin_of_soest, status="in_review") == [open_case.reference]


def test_filter_by_procedure(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    permit = make_case(soest, office)
    make_case(soest, office, procedure_key="other")

    assert references(soest, admin_of_soest, procedure="test-permit") == [permit.reference]


def test_overdue_means_open_and_past_its_deadline(
    soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    long_ago = timezone.now() - timedelta(days=60)
    overdue = make_case(soest, office, submitted_at=long_ago)
    make_case(soest, office, submitted_at=long_ago, status="approved", closed=True)
    make_case(soest, office)
    make_case(soest, office, submitted_at=long_ago, due_in=None)

    assert references(soest, admin_of_soest, overdue=True) == [overdue.reference]
    assert references(soest, admin_of_soest, overdue=True, status="all") == [overdue.reference]


def test_assigned_to_me(soest: Municipality, office: Department, admin_of_soest: User, clerk_of_soest: User) -> None:
    mine = make_case(soest, office, assigned_to=clerk_of_soest)
    make_case(soest, office, assigned_to=admin_of_soest)
    make_case(soest, office)

    assert references(soest, clerk_of_soest, assigned_to_me=True) == [mine.reference]


@pytest.mark.parametrize("how", ["whole", "lower case", "without prefix", "number", "number without zeros"])
def test_search_finds_a_case_by_its_reference_number(
    how: str, soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    make_case(soest, office)
    wanted = make_case(soest, office, status="approved", closed=True)
    prefix, year, number = wanted.reference.split("-")
    query = {
        "whole": wanted.reference,
        "lower case": wanted.reference.lower(),
        "without prefix": f"{year}-{number}",
        "number": number,
        "number without zeros": str(int(number)),
    }[how]

    assert references(soest, admin_of_soest, query=f"  {query} ", status="all") == [wanted.reference]


def test_search_by_reference_of_an_earlier_year(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    year = timezone.localdate().year - 3
    old = make_case(soest, office)
    Case.all_tenants.filter(pk=old.pk).update(reference=f"{soest.reference_prefix}-{year}-000042")

    assert references(soest, admin_of_soest, query="42") == [f"{soest.reference_prefix}-{year}-000042"]


def test_search_by_the_start_of_the_name_ignoring_case(
    soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    erika = make_case(soest, office, name="Erika Mustermann")
    make_case(soest, office, name="Max Mustermann")
    make_case(soest, office, name="Erik Satie")

    assert references(soest, admin_of_soest, query="erika") == [erika.reference]
    assert references(soest, admin_of_soest, query="ERIKA  Must") == [erika.reference]
    assert len(references(soest, admin_of_soest, query="Erik")) == 2
    # Only the start: a search never reads every name looking for the middle.
    assert references(soest, admin_of_soest, query="Mustermann") == []


def test_search_treats_wildcards_as_letters(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    make_case(soest, office, name="Erika Mustermann")
    percent = make_case(soest, office, name="100% Müller")

    assert references(soest, admin_of_soest, query="%") == []
    assert references(soest, admin_of_soest, query="_rika") == []
    assert references(soest, admin_of_soest, query="100%") == [percent.reference]
    assert references(soest, admin_of_soest, query="müll") == []
    assert references(soest, admin_of_soest, query="100% mü") == [percent.reference]


def test_sort_orders(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    now = timezone.now()
    early = make_case(soest, office, submitted_at=now - timedelta(days=3), due_in=timedelta(days=10))
    late = make_case(soest, office, submitted_at=now - timedelta(days=1), due_in=timedelta(days=2))
    undated = make_case(soest, office, submitted_at=now - timedelta(days=2), due_in=None)

    assert references(soest, admin_of_soest) == [late.reference, undated.reference, early.reference]
    assert references(soest, admin_of_soest, sort="submitted_at") == [
        early.reference,
        undated.reference,
        late.reference,
    ]
    # Cases without a deadline come last.
    assert references(soest, admin_of_soest, sort="due_at") == [late.reference, early.reference, undated.reference]
    assert references(soest, admin_of_soest, sort="reference") == [early.reference, late.reference, undated.reference]


@pytest.mark.parametrize("sort", ["applicant_email", "-answers", "", "access_token_hash"])
def test_an_unknown_sort_falls_back_to_the_newest_first(
    sort: str, soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    now = timezone.now()
    older = make_case(soest, office, submitted_at=now - timedelta(days=2))
    newer = make_case(soest, office, submitted_at=now - timedelta(days=1))

    assert references(soest, admin_of_soest, sort=sort) == [newer.reference, older.reference]


def test_cases_submitted_at_the_same_moment_keep_a_stable_order(
    soest: Municipality, office: Department, admin_of_soest: User
) -> None:
    moment = timezone.now()
    cases = [make_case(soest, office, submitted_at=moment) for _ in range(4)]

    first = references(soest, admin_of_soest, per_page=2, page=1)
    second = references(soest, admin_of_soest, per_page=2, page=2)
    assert first + second == [case.reference for case in reversed(cases)]


def test_paging(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    for _ in range(5):
        make_case(soest, office)

    first = work_queue(municipality=soest, user=admin_of_soest, per_page=2)
    middle = work_queue(municipality=soest, user=admin_of_soest, per_page=2, page=2)
    last = work_queue(municipality=soest, user=admin_of_soest, per_page=2, page=3)
    beyond = work_queue(municipality=soest, user=admin_of_soest, per_page=2, page=9)

    assert (len(first.rows), first.has_previous, first.has_next, first.total) == (2, False, True, 5)
    assert (len(middle.rows), middle.has_previous, middle.has_next, middle.total) == (2, True, True, 5)
    assert (len(last.rows), last.has_previous, last.has_next, last.total) == (1, True, False, 5)
    assert (beyond.rows, beyond.has_next, beyond.total) == ([], False, 5)
    assert {case.pk for page in (first, middle, last) for case in page.rows} == set(
        Case.all_tenants.values_list("pk", flat=True)
    )


def test_paging_is_bounded(soest: Municipality, office: Department, admin_of_soest: User) -> None:
    make_case(soest, office)

    page = work_queue(municipality=soest, user=admin_of_soest, page=-3, per_page=10_000)
    assert page.page == 1 and len(page.rows) == 1
    assert work_queue(municipality=soest, user=admin_of_soest, page=10**9).page == queue.MAX_PAGE


def test_the_total_is_left_out_when_counting_would_be_costly(
    soest: Municipality, office: Department, admin_of_soest: User, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(queue, "COUNT_LIMIT", 3)
    for _ in range(4):
        make_case(soest, office)

    assert work_queue(municipality=soest, user=admin_of_soest, per_page=2).total is None
    assert work_queue(municipality=soest, user=admin_of_soest, per_page=2, procedure="none").total == 0


@pytest.mark.parametrize("user_fixture", ["admin_of_soest", "office_clerk"])
def test_a_page_costs_the_same_few_queries_however_many_rows_it_shows(
    user_fixture: str,
    request: pytest.FixtureRequest,
    soest: Municipality,
    office: Department,
    django_assert_max_num_queries: Any,
) -> None:
    user: User = request.getfixturevalue(user_fixture)
    colleagues = [make_staff(soest, f"kollegin{number}@soest.example") for number in range(3)]
    for number in range(30):
        make_case(soest, office, assigned_to=colleagues[number % 3])

    # The membership, the rows, and the count (there is a next page).
    with django_assert_max_num_queries(3):
        page = work_queue(municipality=soest, user=user)
        shown = [(case.department.name, case.assigned_to and case.assigned_to.email) for case in page.rows]
    assert len(shown) == 25 and page.total == 30
