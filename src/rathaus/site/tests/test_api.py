"""The public API with the real demo catalogue: shapes, ranking like the page, tenants, bad input."""

import json
import re
import time
from typing import Any

import pytest
from django.test import Client

from rathaus.catalog.models import Service
from rathaus.catalog.search import fold
from rathaus.catalog.tests.markup import result_ids

pytestmark = pytest.mark.django_db

BASE = "/api/v1/municipalities"


def get_json(client: Client, url: str, status: int = 200, **params: Any) -> Any:
    response = client.get(url, params)
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json")
    return response.json()


def all_services(client: Client, slug: str) -> list[dict[str, Any]]:
    """Every service of the municipality, page by page (at most 100 a page)."""
    results: list[dict[str, Any]] = []
    while True:
        page = get_json(client, f"{BASE}/{slug}/services", limit=100, offset=len(results))
        results += page["results"]
        if len(results) >= page["count"] or not page["results"]:
            return results


def soest_service(name: str) -> Service:
    return Service.all_tenants.get(municipality__slug="soest", name=name)


def test_municipalities_are_listed_with_ags(client: Client, demo: None) -> None:
    data = get_json(client, BASE)
    assert {(m["slug"], m["ags"]) for m in data} == {
        ("soest", "05974040"),
        ("lippstadt", "05974028"),
        ("iserlohn", "05962024"),
        ("kreis-soest", "05974000"),
        ("muenster", "05515000"),
    }
    soest = next(m for m in data if m["slug"] == "soest")
    assert soest["name"] == "Stadt Soest"
    assert soest["kind"] == "city"
    assert soest["url"] == "http://testserver/soest/"
    assert {"street", "postal_code", "city", "phone", "email", "website", "opening_hours"} <= set(soest)


def test_services_list_everything_a_to_z_without_query(client: Client, demo: None) -> None:
    count = get_json(client, f"{BASE}/soest/services")["count"]
    results = all_services(client, "soest")
    names = [item["name"] for item in results]
    assert count == Service.all_tenants.filter(municipality__slug="soest").count() == len(names)
    expected = sorted(Service.all_tenants.filter(municipality__slug="soest").values_list("name", flat=True), key=fold)
    assert names == expected
    assert set(results[0]) == {"id", "leika_key", "name", "name_en", "summary", "channel", "url"}
    first = results[0]
    assert all(re.fullmatch(r"(\d{14})?", item["leika_key"]) for item in results)
    assert any(item["leika_key"] for item in results)
    assert first["url"] == f"http://testserver/soest/leistungen/{first['id']}/"
    assert {item["channel"] for item in results} <= set(Service.Channel.values)


def test_services_paginate(client: Client, demo: None) -> None:
    everything = all_services(client, "soest")
    page = get_json(client, f"{BASE}/soest/services", limit=5, offset=5)
    assert page["count"] == len(everything)
    assert page["results"] == everything[5:10]
    assert get_json(client, f"{BASE}/soest/services", offset=10_000)["results"] == []


def test_search_finds_the_right_service_first(client: Client, demo: None) -> None:
    for query, first in [
        ("Ausweis", "Personalausweis beantragen"),
        ("Gewerbe anmelden", "Gewerbeanmeldung"),
        ("Persnalausweis", "Personalausweis beantragen"),
        ("passport", "Reisepass beantragen"),
    ]:
        data = get_json(client, f"{BASE}/soest/services", q=query)
        assert data["results"][0]["name"] == first, query
        assert data["count"] >= len(data["results"]) >= 1


def test_service_detail(client: Client, demo: None) -> None:
    service = soest_service("Personalausweis beantragen")
    data = get_json(client, f"{BASE}/soest/services/{service.pk}")
    assert data["id"] == service.pk
    assert data["name"] == "Personalausweis beantragen"
    assert data["name_en"] == "Apply for an identity card"
    assert data["leika_key"] == "99008001000000"
    assert data["fees"] == service.fees
    assert data["documents"] == service.document_list and data["documents"]
    assert "Perso" in data["synonyms"]
    assert data["department"] == {"key": "buergerbuero", "name": "Bürgerbüro"}
    assert {"summary_en", "prerequisites", "processing_time", "external_url", "url"} <= set(data)


@pytest.mark.parametrize(
    "query",
    ["Ausweis", "Perso", "Pass", "anmelden", "beantragen", "verloren", "Personalausweiss", "Parkausweis", "Rente"],
)
def test_api_ranks_like_the_page(client: Client, demo: None, query: str) -> None:
    api_ids = [item["id"] for item in get_json(client, f"{BASE}/soest/services", q=query, limit=20)["results"]]
    page = client.get("/soest/suche/", {"q": query})
    page_ids = result_ids(page.content.decode())
    assert api_ids and api_ids == page_ids


def test_openapi_document(client: Client, demo: None) -> None:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/v1/municipalities",
        "/api/v1/municipalities/{municipality_slug}/services",
        "/api/v1/municipalities/{municipality_slug}/services/{service_id}",
        "/api/v1/municipalities/{municipality_slug}/schools",
        "/api/v1/municipalities/{municipality_slug}/school-route",
        "/api/v1/municipalities/{municipality_slug}/jobs",
        "/api/v1/municipalities/{municipality_slug}/jobs/{posting_id}",
        "/api/v1/municipalities/{municipality_slug}/trade-register",
        "/api/v1/municipalities/{municipality_slug}/trade-statistics",
    }
    parameters = schema["paths"]["/api/v1/municipalities/{municipality_slug}/services"]["get"]["parameters"]
    q = next(parameter for parameter in parameters if parameter["name"] == "q")
    assert q["schema"]["maxLength"] == 200


# Tenants -------------------------------------------------------------------------------------


def test_a_service_of_soest_is_not_reachable_through_lippstadt(client: Client, demo: None) -> None:
    service = soest_service("Personalausweis beantragen")
    assert get_json(client, f"{BASE}/soest/services/{service.pk}")["id"] == service.pk
    data = get_json(client, f"{BASE}/lippstadt/services/{service.pk}", status=404)
    assert data["detail"]


def test_service_lists_stay_within_their_municipality(client: Client, demo: None) -> None:
    soest_ids = {item["id"] for item in all_services(client, "soest")}
    lippstadt_ids = {item["id"] for item in all_services(client, "lippstadt")}
    searched = {item["id"] for item in get_json(client, f"{BASE}/lippstadt/services", q="Ausweis")["results"]}
    assert soest_ids and lippstadt_ids and not soest_ids & lippstadt_ids
    assert searched and searched <= lippstadt_ids
    urls = [item["url"] for item in get_json(client, f"{BASE}/lippstadt/services", q="Ausweis")["results"]]
    assert all(url.startswith("http://testserver/lippstadt/") for url in urls)


# Errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        f"{BASE}/gibtsnicht/services",
        f"{BASE}/gibtsnicht/services/1",
        f"{BASE}/soest/services/abc",
        f"{BASE}/soest/services/1.5",
        f"{BASE}/soest/services/-1",
        f"{BASE}/soest/services/99999999",
        f"{BASE}/soest/services/99999999999999999999999",
    ],
)
def test_not_found_is_json(client: Client, demo: None, url: str) -> None:
    data = get_json(client, url, status=404)
    assert data["detail"]


@pytest.mark.parametrize(
    ("params", "field"),
    [({"limit": 0}, "limit"), ({"limit": 1000}, "limit"), ({"limit": "x"}, "limit"), ({"offset": -1}, "offset")],
)
def test_bad_paging_is_422_with_a_message(client: Client, demo: None, params: dict[str, Any], field: str) -> None:
    data = get_json(client, f"{BASE}/soest/services", status=422, **params)
    assert data["detail"]
    assert [error["field"] for error in data["errors"]] == [field]
    assert data["errors"][0]["message"]


def test_limit_bounds_are_accepted(client: Client, demo: None) -> None:
    assert len(get_json(client, f"{BASE}/soest/services", limit=1)["results"]) == 1
    assert get_json(client, f"{BASE}/soest/services", limit=100)["results"]


def test_query_over_200_characters_is_422(client: Client, demo: None) -> None:
    data = get_json(client, f"{BASE}/soest/services", status=422, q="x" * 201)
    assert data["errors"][0]["field"] == "q"
    assert "200" in data["errors"][0]["message"]


@pytest.mark.parametrize(
    "query",
    [
        "x" * 200,
        "Pass " * 40,
        "\x1b[2J",
        "\u202eReisepass",
        "' OR 1=1 --",
        "<script>alert(1)</script>",
    ],
)
def test_bad_queries_are_answered_quickly(client: Client, demo: None, query: str) -> None:
    get_json(client, f"{BASE}/soest/services", q="warm up")
    started = time.perf_counter()
    data = get_json(client, f"{BASE}/soest/services", q=query)
    assert time.perf_counter() - started < 1.0
    assert isinstance(data["count"], int)
    if "Pass" in query or "Reisepass" in query:
        assert data["results"][0]["name"] == "Reisepass beantragen"


@pytest.mark.parametrize("query", ["\x00", "Pass\x00"])
def test_a_nul_character_is_refused_with_400(client: Client, demo: None, query: str) -> None:
    # No database column can hold it (UnstorableTextMiddleware); the spec documents 400 on every operation.
    data = get_json(client, f"{BASE}/soest/services", status=400, q=query)
    assert "Nullzeichen" in data["detail"]


def test_sql_in_a_query_is_just_text(client: Client, demo: None) -> None:
    before = Service.all_tenants.count()
    get_json(client, f"{BASE}/soest/services", q="'; DROP TABLE catalog_service; --")
    assert Service.all_tenants.count() == before
