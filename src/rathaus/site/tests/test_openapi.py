"""The OpenAPI spec says what the API does: every error status an operation may answer with, with the one
error shape, the Retry-After of a 429, and the constraints of each parameter and field. And the API keeps
to it: errors in that shape, in German or in English by Accept-Language."""

from typing import Any

import pytest
from django.test import Client

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.schoolroute.eligibility import Entitlement, Schulform

BASE = "/api/v1/municipalities/{municipality_slug}"
# Every operation and the statuses it answers with; 400 (text no database can hold) and 414 (a request line
# over 4 KB, refused by gunicorn) are possible on each.
ALWAYS = {400, 414}
OPERATIONS: dict[str, set[int]] = {
    "/api/v1/municipalities": {200, *ALWAYS},
    f"{BASE}/services": {200, 404, 422, *ALWAYS},
    f"{BASE}/services/{{service_id}}": {200, 404, 422, *ALWAYS},
    f"{BASE}/jobs": {200, 404, *ALWAYS},
    f"{BASE}/jobs/{{posting_id}}": {200, 404, 422, *ALWAYS},
    f"{BASE}/trade-register": {200, 403, 404, 422, 429, *ALWAYS},
    f"{BASE}/trade-statistics": {200, 404, 422, *ALWAYS},
    f"{BASE}/schools": {200, 404, 422, *ALWAYS},
    f"{BASE}/school-route": {200, 404, 422, 429, 503, *ALWAYS},
}


@pytest.fixture(scope="module")
def spec(django_db_blocker: Any) -> dict[str, Any]:
    with django_db_blocker.unblock():
        response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    data: dict[str, Any] = response.json()
    return data


def resolve(spec: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def parameter(spec: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(p for p in spec["paths"][path]["get"]["parameters"] if p["name"] == name)
    return found


def value_schema(found: dict[str, Any]) -> dict[str, Any]:
    """The schema of an optional parameter's value, without the null that pydantic adds."""
    schema: dict[str, Any] = found["schema"]
    for option in schema.get("anyOf", []):
        if option.get("type") != "null":
            return {**schema, **option}
    return schema


def test_every_operation_documents_the_statuses_it_answers_with(spec: dict[str, Any]) -> None:
    assert set(spec["paths"]) == set(OPERATIONS)
    for path, statuses in OPERATIONS.items():
        assert set(spec["paths"][path]) == {"get"}, path
        responses = spec["paths"][path]["get"]["responses"]
        assert {int(status) for status in responses} == statuses, path
        for status, response in responses.items():
            assert response["description"] and response["description"] != "Unknown Status Code", (path, status)
            expected = {"text/html"} if status == "414" else {"application/json"}
            assert set(response["content"]) == expected, (path, status)


def test_every_error_has_the_one_shape(spec: dict[str, Any]) -> None:
    for path in OPERATIONS:
        for status, response in spec["paths"][path]["get"]["responses"].items():
            if status in {"200", "414"}:  # 414 is gunicorn's HTML page
                continue
            schema = resolve(spec, response["content"]["application/json"]["schema"])
            assert schema["properties"]["detail"]["type"] == "string", (path, status)
            required = set(schema["required"])
            if status == "422":
                assert required == {"detail", "errors"}, path
                entry = resolve(spec, schema["properties"]["errors"]["items"])
                assert set(entry["required"]) == {"field", "message"}
            else:
                assert required == {"detail"}, (path, status)
    route_422 = spec["paths"][f"{BASE}/school-route"]["get"]["responses"]["422"]
    assert "suggestions" in resolve(spec, route_422["content"]["application/json"]["schema"])["properties"]


@pytest.mark.parametrize("path", [f"{BASE}/trade-register", f"{BASE}/school-route"])
def test_a_429_documents_retry_after(spec: dict[str, Any], path: str) -> None:
    response = spec["paths"][path]["get"]["responses"]["429"]
    assert response["headers"]["Retry-After"]["required"] is True
    assert response["headers"]["Retry-After"]["schema"] == {"type": "integer", "minimum": 1}
    assert "Retry-After" in spec["paths"][path]["get"]["description"]


def test_the_municipality_in_every_path_is_a_slug_with_an_example(spec: dict[str, Any]) -> None:
    for path in OPERATIONS:
        if "{municipality_slug}" not in path:
            continue
        slug = parameter(spec, path, "municipality_slug")
        assert slug["required"] is True
        assert slug["schema"]["pattern"] == "^[-a-zA-Z0-9_]+$"
        assert slug["schema"]["maxLength"] == 60
        # An example that the demo has data for: Münster's street network, Soest for everything else.
        assert slug["examples"] == (["muenster"] if path.endswith("school-route") else ["soest"])


def test_the_trade_register_query_needs_three_characters(spec: dict[str, Any]) -> None:
    path = f"{BASE}/trade-register"
    q = parameter(spec, path, "q")
    assert q["required"] is True
    assert (q["schema"]["minLength"], q["schema"]["maxLength"]) == (3, 200)
    assert "3 characters" in q["description"]
    limit, offset = parameter(spec, path, "limit")["schema"], parameter(spec, path, "offset")["schema"]
    assert (limit["minimum"], limit["maximum"], limit["default"]) == (1, 100, 20)
    assert (offset["minimum"], offset["maximum"], offset["default"]) == (0, 10_000, 0)
    entry = spec["components"]["schemas"]["RegisterEntryOut"]["properties"]
    assert entry["wz_code"]["pattern"] == r"^\d{5}$"


def test_the_other_parameters_state_their_limits(spec: dict[str, Any]) -> None:
    services = f"{BASE}/services"
    assert parameter(spec, services, "q")["schema"]["maxLength"] == 200
    limit = parameter(spec, services, "limit")["schema"]
    assert (limit["minimum"], limit["maximum"]) == (1, 100)
    assert parameter(spec, services, "offset")["schema"]["minimum"] == 0
    for path, name in [
        (f"{BASE}/services/{{service_id}}", "service_id"),
        (f"{BASE}/jobs/{{posting_id}}", "posting_id"),
    ]:
        identifier = parameter(spec, path, name)["schema"]
        assert (identifier["type"], identifier["minimum"]) == ("integer", 1)
    year = value_schema(parameter(spec, f"{BASE}/trade-statistics", "year"))
    assert (year["type"], year["minimum"]) == ("integer", 1900)
    schulform = resolve(spec, value_schema(parameter(spec, f"{BASE}/schools", "schulform")))
    assert schulform["enum"] == [form.value for form in Schulform]

    route = f"{BASE}/school-route"
    assert (parameter(spec, route, "school")["required"], parameter(spec, route, "grade")["required"]) == (True, True)
    assert parameter(spec, route, "school")["schema"]["pattern"] == r"^\d{6}$"
    grade = parameter(spec, route, "grade")["schema"]
    assert (grade["minimum"], grade["maximum"]) == (1, 13)
    lat, lon = value_schema(parameter(spec, route, "lat")), value_schema(parameter(spec, route, "lon"))
    assert (lat["minimum"], lat["maximum"], lon["minimum"], lon["maximum"]) == (-90, 90, -180, 180)
    assert value_schema(parameter(spec, route, "street"))["maxLength"] == 100
    assert value_schema(parameter(spec, route, "housenumber"))["maxLength"] == 20
    assert value_schema(parameter(spec, route, "city"))["maxLength"] == 60
    for name in ("lat", "lon", "street", "housenumber", "city"):
        assert parameter(spec, route, name)["required"] is False


def test_the_response_fields_state_their_formats_and_choices(spec: dict[str, Any]) -> None:
    schemas = spec["components"]["schemas"]
    assert resolve(spec, schemas["ServiceSummaryOut"]["properties"]["channel"])["enum"] == [
        choice.value for choice in Service.Channel
    ]
    assert schemas["ServiceSummaryOut"]["properties"]["leika_key"]["pattern"] == r"^(\d{14})?$"
    assert resolve(spec, schemas["MunicipalityOut"]["properties"]["kind"])["enum"] == [
        kind.value for kind in Municipality.Kind
    ]
    assert schemas["MunicipalityOut"]["properties"]["ags"]["pattern"] == r"^\d{8}$"
    for name, field in [
        ("ServiceSummaryOut", "url"),
        ("MunicipalityOut", "url"),
        ("JobPostingSummaryOut", "url"),
        ("JobPostingOut", "apply_url"),
    ]:
        assert schemas[name]["properties"][field]["format"] == "uri", name
    assert schemas["JobPostingSummaryOut"]["properties"]["deadline"]["format"] == "date"
    row = schemas["StatisticsRowOut"]["properties"]
    assert (row["month"]["minimum"], row["month"]["maximum"]) == (1, 12)
    assert row["section"]["pattern"] == "^[A-U]?$"
    route = schemas["SchoolRouteOut"]["properties"]
    assert resolve(spec, route["entitlement"])["enum"] == [value.value for value in Entitlement]
    assert schemas["LineString"]["properties"]["type"]["const"] == "LineString"
    assert schemas["SchoolOut"]["properties"]["schulnummer"]["pattern"] == r"^\d{6}$"


# The API keeps to the spec -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "params", "status"),
    [
        ("/api/v1/municipalities/atlantis/services", {}, 404),
        ("/api/v1/municipalities/soest/services", {"limit": "0"}, 422),
        ("/api/v1/municipalities/soest/services/0", {}, 422),
        ("/api/v1/municipalities/soest/services/4711", {}, 404),
        ("/api/v1/municipalities/soest/jobs/4711", {}, 404),
        ("/api/v1/municipalities/soest/trade-register", {}, 422),
        ("/api/v1/municipalities/soest/trade-register", {"q": "a  b"}, 422),
        ("/api/v1/municipalities/soest/trade-statistics", {"year": "1899"}, 422),
        ("/api/v1/municipalities/soest/schools", {"schulform": "Hogwarts"}, 422),
        ("/api/v1/municipalities/soest/school-route", {"school": "12345x", "grade": "3"}, 422),
        ("/api/v1/municipalities/soest/school-route", {"school": "123456", "grade": "3", "lat": "51"}, 404),
        ("/api/v1/municipalities/soest/services", {"q": "Pass\x00"}, 400),
    ],
)
def test_errors_come_in_the_documented_shape(
    client: Client, soest: Municipality, spec: dict[str, Any], url: str, params: dict[str, str], status: int
) -> None:
    response = client.get(url, params)

    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    path = url.replace("/soest/", "/{municipality_slug}/").replace("/atlantis/", "/{municipality_slug}/")
    path = path.replace("/services/0", "/services/{service_id}").replace("/services/4711", "/services/{service_id}")
    path = path.replace("/jobs/4711", "/jobs/{posting_id}")
    assert status in OPERATIONS[path]
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    if status == 422:
        assert body["errors"], body
        assert all(set(error) == {"field", "message"} and error["message"] for error in body["errors"])
    else:
        assert set(body) == {"detail"}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "field", "german", "english"),
    [
        ({"limit": "0"}, "limit", "Der Wert muss mindestens 1 sein.", "The value must be at least 1."),
        ({"limit": "101"}, "limit", "Der Wert darf höchstens 100 sein.", "The value must be at most 100."),
        ({"limit": "viele"}, "limit", "Bitte geben Sie eine ganze Zahl an.", "Please give a whole number."),
        ({"q": "x" * 201}, "q", "Bitte geben Sie höchstens 200 Zeichen ein.", "Please enter at most 200 characters."),
    ],
)
def test_validation_messages_follow_accept_language(
    client: Client, soest: Municipality, params: dict[str, str], field: str, german: str, english: str
) -> None:
    url = "/api/v1/municipalities/soest/services"

    in_german = client.get(url, params, HTTP_ACCEPT_LANGUAGE="de").json()
    in_english = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").json()

    assert in_german == {
        "detail": "Die Anfrage enthält ungültige Werte.",
        "errors": [{"field": field, "message": german}],
    }
    assert in_english == {
        "detail": "The request contains invalid values.",
        "errors": [{"field": field, "message": english}],
    }


@pytest.mark.django_db
def test_the_trade_register_says_three_characters_in_both_languages(client: Client, soest: Municipality) -> None:
    url = "/api/v1/municipalities/soest/trade-register"
    for params in ({"q": "ab"}, {"q": "a  b"}):
        german = client.get(url, params, HTTP_ACCEPT_LANGUAGE="de").json()
        english = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en").json()
        assert german["errors"] == [{"field": "q", "message": "Bitte geben Sie mindestens 3 Zeichen ein."}]
        assert english["errors"] == [{"field": "q", "message": "Please enter at least 3 characters."}]
    missing = client.get(url, HTTP_ACCEPT_LANGUAGE="en").json()
    assert missing["errors"] == [{"field": "q", "message": "This value is missing."}]
