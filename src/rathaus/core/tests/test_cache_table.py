"""`rathaus migrate` makes the database cache's table, so rate-limited endpoints work without a separate
`createcachetable`: 200 while under the limit, then 429, never a 500 for a missing table."""

from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client

from rathaus.testing import make_municipality

TABLE = "rathaus_cache"


def cache_table_exists() -> bool:
    return TABLE in connection.introspection.table_names()


def drop_cache_table() -> None:
    with connection.schema_editor() as editor:
        editor.execute(f"DROP TABLE {editor.quote_name(TABLE)}")
    assert not cache_table_exists()


@pytest.mark.django_db(transaction=True)
def test_migrate_creates_the_cache_table_and_rate_limits_answer_200_then_429(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE}}
    drop_cache_table()

    call_command("migrate", verbosity=0)

    assert cache_table_exists()
    make_municipality(ags="05974040", slug="soest", name="Stadt Soest", city="Soest", postal_code="59494")
    settings.TRADE_REGISTER_RATE_LIMIT = "2/m"
    settings.SCHOOL_ROUTE_RATE_LIMIT = "1/m"
    cache.clear()
    client = Client()
    register = [client.get("/api/v1/municipalities/soest/trade-register", {"q": "Bäckerei"}) for _ in range(3)]
    assert [answer.status_code for answer in register] == [200, 200, 429]
    assert register[0].json() == {"count": 0, "results": []}
    assert int(register[2]["Retry-After"]) >= 1
    # The school route counts before it looks for a street network: 404 (none imported), then 429.
    point = {"lat": "51.57", "lon": "8.1", "school": "123456", "grade": "3"}
    route = [client.get("/api/v1/municipalities/soest/school-route", point) for _ in range(2)]
    assert [answer.status_code for answer in route] == [404, 429]


@pytest.mark.django_db(transaction=True)
def test_migrate_keeps_an_existing_cache_table_and_its_entries(settings: Any) -> None:
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": TABLE}}
    cache.set("rathaus:test", "kept", timeout=60)

    call_command("migrate", verbosity=0)
    call_command("migrate", verbosity=0)

    assert cache.get("rathaus:test") == "kept"
