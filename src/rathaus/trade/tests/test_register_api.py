"""The public extract of the trade register (§ 14 Abs. 5 GewO): only name, premises and activity of active
businesses; the query's minimum length; the municipality's switch; the rate limit; the tenant boundary."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.trade.models import Business, BusinessNotice, TradeOffice
from rathaus.trade.tests.register_data import make_business, make_register

REGISTER = "/api/v1/municipalities/soest/trade-register"
EXTRACT_KEYS = {"name", "street", "postal_code", "city", "activity", "wz_code"}


@pytest.fixture(autouse=True)
def fresh_cache(db: None) -> Iterator[None]:
    """The rate limit counts in the cache: no test inherits another's requests."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def soest_register(soest: Municipality) -> dict[str, Business]:
    return make_register(soest)


def get(client: Client, url: str = REGISTER, **params: Any) -> Any:
    return client.get(url, params)


def test_the_extract_names_only_name_premises_and_activity(client: Client, confirmed_gmbh: BusinessNotice) -> None:
    response = get(client, q="Haustechnik")

    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 1
    assert [set(entry) for entry in data["results"]] == [EXTRACT_KEYS]
    assert data["results"] == [
        {
            "name": "Bördeland Haustechnik GmbH",
            "street": "Ulricher Straße 20",
            "postal_code": "59494",
            "city": "Soest",
            "activity": "Installation von Heizungs-, Sanitär- und Lüftungsanlagen",
            "wz_code": "43220",
        }
    ]
    # Nothing about the persons behind it, anywhere in the answer.
    body = response.content.decode()
    for personal in ("Hoffmann", "Katrin", "Yılmaz", "1981-04-12", "Ankara", "@", "Brüderstraße", "HRB 12345"):
        assert personal not in body


def test_only_active_businesses_are_named(client: Client, soest_register: dict[str, Business]) -> None:
    assert get(client, q="Kiosk").json() == {"count": 0, "results": []}
    assert [entry["name"] for entry in get(client, q="friseur").json()["results"]] == ["Salon Schnittig (Laura Becker)"]


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("sauerland", ["Elektro Sauerland KG"]),  # within the name
        ("Elektroinstallation", ["Elektro Sauerland KG"]),  # within the activity
        ("96.02", ["Salon Schnittig (Laura Becker)"]),  # the start of a WZ code
        ("432", ["Bördeland Haustechnik GmbH", "Elektro Sauerland KG"]),
        ("Metzgerei", []),
    ],
)
def test_the_query_matches_name_activity_or_the_start_of_a_wz_code(
    client: Client, soest_register: dict[str, Business], query: str, found: list[str]
) -> None:
    assert [entry["name"] for entry in get(client, q=query).json()["results"]] == found


def test_the_extract_pages(client: Client, soest: Municipality) -> None:
    for number in range(5):
        make_business(soest, f"Gärtnerei {number}", activity="Gartenbau")

    data = get(client, q="gärtnerei", limit="2", offset="2").json()

    assert data["count"] == 5
    assert [entry["name"] for entry in data["results"]] == ["Gärtnerei 2", "Gärtnerei 3"]
    assert get(client, q="gärtnerei", limit="101").status_code == 422


@pytest.mark.parametrize("query", ["", "ab", "  a  b  "])
def test_a_query_of_fewer_than_three_characters_is_refused(
    client: Client, soest_register: dict[str, Business], query: str
) -> None:
    response = get(client, q=query)

    assert response.status_code == 422
    assert response.json() == {
        "detail": "Die Anfrage enthält ungültige Werte.",
        "errors": [{"field": "q", "message": "Bitte geben Sie mindestens 3 Zeichen ein."}],
    }


def test_a_municipality_may_switch_the_extract_off(
    client: Client, soest: Municipality, trade_office: TradeOffice, soest_register: dict[str, Business]
) -> None:
    trade_office.public_extract = False
    trade_office.save()

    response = get(client, q="friseur")

    assert response.status_code == 403
    assert response.json() == {"detail": "Diese Kommune bietet keine Registerauskunft über die Schnittstelle an."}


def test_without_trade_office_settings_the_extract_is_offered(
    client: Client, soest_register: dict[str, Business]
) -> None:
    assert not TradeOffice.all_tenants.exists()
    assert get(client, q="friseur").status_code == 200
    assert not TradeOffice.all_tenants.exists()  # reading never creates the settings


def test_too_many_requests_from_one_address_are_refused(
    client: Client, soest_register: dict[str, Business], settings: Any
) -> None:
    settings.TRADE_REGISTER_RATE_LIMIT = "3/m"

    statuses = [get(client, q="friseur").status_code for _ in range(3)]
    refused = get(client, q="friseur")
    other_address = client.get(REGISTER, {"q": "friseur"}, REMOTE_ADDR="192.0.2.7")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/json"
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= 60
    assert json.loads(refused.content) == {
        "detail": f"Zu viele Anfragen. Bitte versuchen Sie es in {retry_after} Sekunden erneut."
    }
    # Refused requests count too, and one address never uses up another's requests.
    assert get(client, q="ab").status_code == 429
    assert other_address.status_code == 200


def test_ipv6_clients_are_counted_by_their_network(
    client: Client, soest_register: dict[str, Business], settings: Any
) -> None:
    settings.TRADE_REGISTER_RATE_LIMIT = "1/h"

    first = client.get(REGISTER, {"q": "friseur"}, REMOTE_ADDR="2001:db8:1:2::1")
    same_network = client.get(REGISTER, {"q": "friseur"}, REMOTE_ADDR="2001:db8:1:2::ffff")
    other_network = client.get(REGISTER, {"q": "friseur"}, REMOTE_ADDR="2001:db8:1:3::1")

    assert (first.status_code, same_network.status_code, other_network.status_code) == (200, 429, 200)
    assert 1 <= int(same_network["Retry-After"]) <= 3600


def test_an_empty_rate_limit_setting_switches_the_limit_off(
    client: Client, soest_register: dict[str, Business], settings: Any
) -> None:
    settings.TRADE_REGISTER_RATE_LIMIT = ""

    assert {get(client, q="friseur").status_code for _ in range(40)} == {200}


def test_lippstadt_answers_with_none_of_soests_businesses(
    client: Client, soest_register: dict[str, Business], lippstadt: Municipality, confirmed_gmbh: BusinessNotice
) -> None:
    make_business(lippstadt, "Friseur Lippe", activity="Friseursalon", wz_code="96021")

    salons = get(client, "/api/v1/municipalities/lippstadt/trade-register", q="friseur").json()
    gmbh = get(client, "/api/v1/municipalities/lippstadt/trade-register", q="Bördeland").json()

    assert [entry["name"] for entry in salons["results"]] == ["Friseur Lippe"]
    assert gmbh == {"count": 0, "results": []}


def test_an_unknown_municipality_is_not_found(client: Client, soest: Municipality) -> None:
    response = get(client, "/api/v1/municipalities/atlantis/trade-register", q="friseur")

    assert response.status_code == 404
    assert response.json() == {"detail": "Nicht gefunden."}


def test_the_openapi_spec_lists_only_the_extract_fields(client: Client) -> None:
    spec = client.get("/api/v1/openapi.json").json()

    assert "/api/v1/municipalities/{municipality_slug}/trade-register" in spec["paths"]
    assert "/api/v1/municipalities/{municipality_slug}/trade-statistics" in spec["paths"]
    assert set(spec["components"]["schemas"]["RegisterEntryOut"]["properties"]) == EXTRACT_KEYS
