"""Pages listing services run a fixed number of queries, however many services there are."""

from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.testing import make_service


def _queries_for(path: str, django_assert_max_num_queries: Callable[..., Any], limit: int) -> None:
    with django_assert_max_num_queries(limit):
        assert Client().get(path).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/soest/", "/soest/leistungen/", "/soest/suche/?q=Antrag", "/api/v1/municipalities/soest/services?q=Antrag"],
)
def test_listing_pages_do_not_query_per_service(
    path: str, soest: Municipality, django_assert_max_num_queries: Callable[..., Any]
) -> None:
    for number in range(30):
        make_service(soest, leika_key=f"990000000000{number:02d}", name=f"Antrag Nummer {number}")
    # Session, tenant, services and their departments: a handful, never one per service.
    _queries_for(path, django_assert_max_num_queries, 8)
