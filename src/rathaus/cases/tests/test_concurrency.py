"""Two submits of the same application at the same moment (a double click on a slow line, a
retrying proxy) must still make exactly one case: the unique idempotency key decides."""

import threading

import pytest
from django.db import connection

from rathaus.cases.models import Case, Draft
from rathaus.cases.services import case_submit
from rathaus.cases.tests.test_services import complete_draft
from rathaus.municipalities.models import Municipality

pytestmark = [pytest.mark.usefixtures("test_permit", "permit_office"), pytest.mark.django_db(transaction=True)]


def test_two_simultaneous_submits_with_one_key_make_one_case(soest: Municipality) -> None:
    draft = complete_draft(soest)
    start = threading.Barrier(2)
    cases: list[Case] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            mine = Draft.all_tenants.get(pk=draft.pk)  # each request holds its own copy of the draft
            start.wait(timeout=10)
            case, _token = case_submit(draft=mine, idempotency_key=mine.token, user=None)
            cases.append(case)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert errors == []
    assert Case.all_tenants.count() == 1
    assert [case.pk for case in cases] == [Case.all_tenants.get().pk] * 2
    assert Case.all_tenants.get().documents.filter(kind="attachment").count() == 1
