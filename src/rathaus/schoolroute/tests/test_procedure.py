"""The application for school transport costs on the engine, over HTTP, on the demo's real street
network of Münster-Gievenbeck (OSM, ODbL): the route is measured on the server, never taken from
the start link, and the school office decides with notices."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import translation
from pypdf import PdfReader

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Document, Draft
from rathaus.cases.tests.conftest import pdf_upload
from rathaus.municipalities.models import Municipality
from rathaus.routing import Graph
from rathaus.schoolroute.models import School
from rathaus.schoolroute.procedure import RouteAnswers, SchoolTransport, route_lines, school_years
from rathaus.schoolroute.tests.conftest import (  # the demo fixtures and the HOME point
    HOME,
    MICHAELSCHULE,
    WARTBURGSCHULE,
    school_point,
)

START_URL = "/muenster/antrag/schuelerfahrkosten/"
SCHOOL_YEAR = school_years()[0][0]


@pytest.fixture
def clerk(demo: None) -> Client:
    client = Client()
    client.force_login(User.objects.get(email="schulamt.muenster@rathaus.example"))
    return client


def route_params(**changes: object) -> dict[str, str]:
    params = {"school": MICHAELSCHULE, "grade": "3", "lat": str(HOME[0]), "lon": str(HOME[1]), **changes}
    return {key: str(value) for key, value in params.items()}


def start(client: Client, params: dict[str, str] | None = None) -> str:
    """POSTs the start link as the school route page does; returns the first step's URL."""
    response = client.post(START_URL, params or {})
    assert response.status_code == 302, response.content.decode()[:500]
    return str(response["Location"])


def draft_of(client: Client) -> Draft:
    return Draft.all_tenants.filter(procedure_key="schuelerfahrkosten").latest("pk")


PUPIL = {"first_name": "Mia", "last_name": "Beispiel", "birth_date": "2018-05-04", "class_name": "3b"}
APPLICANT = {
    "relation": "parent",
    "first_name": "Robin",
    "last_name": "Beispiel",
    "email": "robin.beispiel@example.org",
    "street": "Am Küchenbusch 12",
    "postal_code": "48161",
    "city": "Münster",
}


def apply(client: Client, route: dict[str, str], exception: dict[str, Any] | None = None) -> Case:
    """Fills every step as a parent would and submits; returns the case."""
    url = start(client, route_params())
    response = client.post(url, route)
    assert response.status_code == 302, response.content.decode()[:2000]
    response = client.post(response["Location"], {**PUPIL, "school_year": SCHOOL_YEAR})
    assert response.status_code == 302
    response = client.post(response["Location"], APPLICANT)
    assert response.status_code == 302
    response = client.post(response["Location"], exception or {"reason": "", "explanation": ""})
    assert response.status_code == 302
    if exception:
        response = client.post(response["Location"], {"evidence": pdf_upload("attest.pdf")})
        assert response.status_code == 302, response.content.decode()[:2000]
    review = response["Location"]
    assert review.endswith("/pruefen/")
    response = client.post(review, {"privacy": "on", "declaration": "on", "confirm": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    return Case.all_tenants.get(procedure_key="schuelerfahrkosten", applicant_email=APPLICANT["email"])


@pytest.fixture
def decide(clerk: Client, django_capture_on_commit_callbacks: Any) -> Any:
    """The clerk takes a transition; the notice is generated after the commit, as in production."""

    def post(case: Case, transition: str, text: str | None = None) -> Any:
        data = {} if text is None else {f"schritt-{transition}-text": text}
        with django_capture_on_commit_callbacks(execute=True):
            return clerk.post(f"/muenster/verwaltung/vorgaenge/{case.pk}/schritt/{transition}/", data)

    return post


def notice_text(case: Case) -> str:
    document = Document.all_tenants.filter(case=case, kind=Document.Kind.NOTICE).order_by("-pk").first()
    assert document is not None
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


# Starting ---------------------------------------------------------------------------------------


def test_the_start_link_prefills_the_route_step(client: Client, demo: None) -> None:
    url = start(client, route_params())

    page = client.get(url).content.decode()

    assert '<option value="119910" selected>Michaelschule (Grundschule)</option>' in page
    assert '<option value="3" selected>3</option>' in page
    assert f'value="{HOME[0]!r}"' in page
    assert f'value="{HOME[1]!r}"' in page


def test_the_stored_distance_is_the_route_on_an_independent_graph(
    client: Client, demo: None, gievenbeck: Graph
) -> None:
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))
    nearest = gievenbeck.route(HOME, school_point(WARTBURGSCHULE))
    url = start(client, route_params())

    response = client.post(url, route_params())

    assert response.status_code == 302
    route = draft_of(client).answers["schulweg"]
    assert route["length_m"] == pytest.approx(expected.length_m, abs=0.01)
    assert route["threshold_m"] == 2000
    assert route["eligible"] is (expected.length_m > 2000)
    assert route["nearest_schulnummer"] == WARTBURGSCHULE
    assert route["nearest_length_m"] == pytest.approx(nearest.length_m, abs=0.01)
    assert route["entitlement"] == "nearer_school"
    with translation.override("de"):
        filed = RouteAnswers.of(route)
        assert "§ 9 SchfkVO NRW" in filed.nearest_note
        assert "Primarstufe" in filed.explanation


# A route step as filed: the facts of the verdict; the texts are worded when read.
FILED_ROUTE = {
    "school": MICHAELSCHULE,
    "grade": 3,
    "length_m": 2047.31,
    "threshold_m": 2000,
    "level": "Primarstufe",
    "eligible": True,
    "nearest_schulnummer": WARTBURGSCHULE,
    "nearest_name": "Wartburgschule",
    "nearest_length_m": 958.24,
    "entitlement": "nearer_school",
}


def test_the_filed_verdict_is_worded_in_the_readers_language() -> None:
    with translation.override("de"):
        german = [value for _label, value in route_lines(FILED_ROUTE)]
    with translation.override("en"):
        english = [value for _label, value in route_lines(FILED_ROUTE)]

    assert german[2].startswith("Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar.")
    assert "Der Schulweg ist 2.047 m lang, 47 m mehr als die 2 km für die Primarstufe" in german[2]
    assert german[3].startswith("Eine Schule derselben Schulform ist näher (958 m statt 2.047 m).")
    assert english[2].startswith("Probably not: a nearer school of the same type is within walking distance.")
    assert "The way to school is 2,047 m, 47 m more than the 2 km for the primary level" in english[2]
    assert english[3].startswith("A school of the same type is nearer (958 m instead of 2,047 m).")


def test_an_application_filed_with_its_texts_in_both_languages_reads_them_as_filed() -> None:
    filed = {
        **FILED_ROUTE,
        "headline_de": "Voraussichtlich nein (wie eingereicht).",
        "headline_en": "Probably not (as filed).",
        "explanation_de": "Erklärung wie eingereicht.",
        "explanation_en": "Explanation as filed.",
        "nearest_note_de": "Hinweis wie eingereicht.",
        "nearest_note_en": "Note as filed.",
    }

    with translation.override("de"):
        german = [value for _label, value in route_lines(filed)]
    with translation.override("en"):
        english = [value for _label, value in route_lines(filed)]

    assert german[2:4] == [
        "Voraussichtlich nein (wie eingereicht). Erklärung wie eingereicht.",
        "Hinweis wie eingereicht.",
    ]
    assert english[2:4] == ["Probably not (as filed). Explanation as filed.", "Note as filed."]


def test_tampered_figures_in_the_link_or_the_form_change_nothing(client: Client, demo: None, gievenbeck: Graph) -> None:
    expected = gievenbeck.route(HOME, school_point(MICHAELSCHULE))
    url = start(client, route_params(length_m="9999", eligible="True", threshold_m="1"))
    assert "length_m" not in draft_of(client).context.get("prefill", {})

    client.post(url, {**route_params(), "length_m": "9999", "eligible": "True", "threshold_m": "1"})

    route = draft_of(client).answers["schulweg"]
    assert route["length_m"] == pytest.approx(expected.length_m, abs=0.01)
    assert route["threshold_m"] == 2000


def test_starting_from_the_service_page_needs_no_params(client: Client, demo: None) -> None:
    assert client.get(START_URL).status_code == 200
    url = start(client)

    page = client.get(url).content.decode()

    assert '<option value="119910" selected>' not in page
    assert "Michaelschule (Grundschule)" in page
    assert 'name="lat"' in page


def test_malformed_params_refuse_the_start_with_a_message(client: Client, demo: None) -> None:
    for params, message in (
        (route_params(school="12ab"), "Die Schulnummer hat sechs Ziffern."),
        (route_params(grade="15"), "Die Klasse ist eine Zahl von 1 bis 13."),
        (route_params(lat="nord"), "Die Lage der Haustür im Link ist ungültig."),
        (route_params(lon="200"), "Die Lage der Haustür im Link ist ungültig."),
    ):
        response = client.post(START_URL, params)
        assert response.status_code == 404
        assert message in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"school": "999999"}, "school", "999999 ist keine gültige Auswahl"),
        ({"grade": "7"}, "grade", "Klasse 7 gibt es an der Schulform Grundschule nicht"),
        ({"lat": "52.2", "lon": "7.6"}, "lat", "vom nächsten Fußweg entfernt"),
        ({"lat": ""}, "lat", "Bitte geben Sie die Lage der Haustür an"),
    ],
)
def test_a_bad_route_is_named_at_its_field(
    client: Client, demo: None, changes: dict[str, str], field: str, message: str
) -> None:
    url = start(client, route_params())

    response = client.post(url, route_params(**changes))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<title>Fehler:" in page
    assert message in page
    assert f'href="#id_{field}"' in page
    assert "schulweg" not in draft_of(client).answers


# Submitting and deciding ------------------------------------------------------------------------------


def test_a_submitted_application_is_free_and_waits_in_the_school_office(
    client: Client, clerk: Client, gievenbeck: Graph
) -> None:
    case = apply(client, route_params())

    assert case.fee == Decimal("0.00")
    assert case.department.key == "schulamt"
    assert case.applicant_name == "Robin Beispiel"
    assert case.subject == f"Schülerfahrkosten: Mia Beispiel, {SCHOOL_YEAR}"
    assert case.due_at is not None and (case.due_at - case.submitted_at).days == 30
    queue = clerk.get("/muenster/verwaltung/vorgaenge/").content.decode()
    assert case.reference in queue
    file = clerk.get(f"/muenster/verwaltung/vorgaenge/{case.pk}/").content.decode()
    length = gievenbeck.route(HOME, school_point(MICHAELSCHULE)).length_m
    assert f"Schulweg {length:,.0f} m, Grenze 2.000 m".replace(",", ".") in file.replace(",", ".")
    # The Wartburgschule is a Grundschule within 2 km of HOME: § 9 leaves nothing to pay unless it was full.
    assert (
        "Die nächstgelegene Schule derselben Schulform liegt innerhalb der Grenze (§ 9 SchfkVO NRW): Wartburgschule"
        in file
    )
    assert "Voraussichtlich nein: Eine nähere Schule derselben Schulform ist zu Fuß erreichbar." in file
    assert "Über den Antrag entscheidet der Schulträger" in file


def test_a_route_near_the_threshold_is_flagged(demo: None) -> None:
    municipality = Municipality.objects.get(slug="muenster")
    case = Case(municipality=municipality, answers={"schulweg": {"length_m": 2050.0, "threshold_m": 2000}})

    hints = SchoolTransport(municipality).hints(case)

    assert "Schulweg 2.050 m, Grenze 2.000 m: länger als die Grenze." in hints
    assert any("weniger als 100 m neben der Grenze" in hint for hint in hints)


def test_the_clerk_approves_and_the_notice_gives_reasons(client: Client, decide: Any) -> None:
    case = apply(client, route_params())

    response = decide(case, "approve")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved"
    text = notice_text(case)
    assert "Bescheid über Schülerfahrkosten" in text
    assert "Ihrem Antrag wird entsprochen" in text
    assert "Mia Beispiel" in text
    assert "Michaelschule" in text
    assert "§ 9 SchfkVO NRW" in text
    assert "Verwaltungsgericht Münster" in text


def test_the_clerk_rejects_with_a_reason_and_the_legal_remedy(client: Client, decide: Any) -> None:
    case = apply(client, route_params(school=WARTBURGSCHULE))

    assert decide(case, "reject", "").status_code == 422
    response = decide(case, "reject", "Der Schulweg ist nicht länger als 2 km.")

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "rejected"
    text = notice_text(case)
    assert "wird abgelehnt" in text
    assert "Der Schulweg ist nicht länger als 2 km." in text
    assert "Rechtsbehelfsbelehrung" in text
    assert "Klage beim Verwaltungsgericht Münster" in text
    assert "Die Fahrkosten werden nicht übernommen." in text


def test_an_exception_is_claimed_with_evidence_and_granted_with_a_reason(
    client: Client, clerk: Client, decide: Any
) -> None:
    case = apply(
        client,
        route_params(school=WARTBURGSCHULE),
        exception={"reason": "health", "explanation": "Mia kann nach einer Operation 3 Monate nicht weit gehen."},
    )

    assert case.answers["ausnahme"]["reason"] == "health"
    assert Document.all_tenants.filter(case=case, kind=Document.Kind.ATTACHMENT, title="attest.pdf").exists()
    file = clerk.get(f"/muenster/verwaltung/vorgaenge/{case.pk}/").content.decode()
    assert "Ausnahme nach § 6 beantragt (Gesundheitliche Gründe, die länger als 8 Wochen bestehen)" in file
    assert decide(case, "approve_exception", " ").status_code == 422
    response = decide(case, "approve_exception", "Ärztliche Bescheinigung liegt vor.")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == "approved"
    text = notice_text(case)
    assert "Die Ausnahme nach § 6 SchfkVO NRW wird anerkannt." in text
    assert "Ärztliche Bescheinigung liegt vor." in text


def test_an_exception_needs_an_explanation_and_evidence(client: Client, demo: None) -> None:
    url = start(client, route_params())
    following = client.post(url, route_params())["Location"]
    following = client.post(following, {**PUPIL, "school_year": SCHOOL_YEAR})["Location"]
    following = client.post(following, APPLICANT)["Location"]

    response = client.post(following, {"reason": "dangerous_route", "explanation": ""})
    assert response.status_code == 200
    assert "Bitte begründen Sie die Ausnahme." in response.content.decode()
    evidence_url = client.post(following, {"reason": "dangerous_route", "explanation": "Ohne Gehweg."})["Location"]
    assert evidence_url.endswith("/nachweis/")
    response = client.post(evidence_url, {})
    assert response.status_code == 200
    assert "<title>Fehler:" in response.content.decode()


def test_without_a_street_network_the_school_office_measures_the_route(client: Client, demo: None) -> None:
    school = School.all_tenants.filter(municipality__slug="soest", schulform="Grundschule").order_by("pk").first()
    assert school is not None
    response = client.post("/soest/antrag/schuelerfahrkosten/", {})
    url = response["Location"]
    page = client.get(url).content.decode()
    assert 'name="lat"' not in page

    response = client.post(url, {"school": school.schulnummer, "grade": "2"})

    assert response.status_code == 302
    draft = Draft.all_tenants.filter(municipality__slug="soest").latest("pk")
    assert draft.answers["schulweg"]["length_m"] is None
    assert draft.answers["schulweg"]["network"] is False
    case = Case(municipality=draft.municipality, answers=draft.answers)
    hints = SchoolTransport(draft.municipality).hints(case)
    assert any("bitte von Hand messen" in hint for hint in hints)


def test_the_review_page_shows_the_verdict_and_who_decides(client: Client, demo: None, gievenbeck: Graph) -> None:
    length = gievenbeck.route(HOME, school_point(MICHAELSCHULE)).length_m
    following = client.post(start(client, route_params()), route_params())["Location"]
    following = client.post(following, {**PUPIL, "school_year": SCHOOL_YEAR})["Location"]
    following = client.post(following, APPLICANT)["Location"]
    review = client.post(following, {"reason": "", "explanation": ""})["Location"]

    page = client.get(review).content.decode()

    assert f"{length:,.0f} m".replace(",", ".") in page
    assert "mehr als 2.000 m (Primarstufe)" in page
    assert "Über den Antrag entscheidet der Schulträger" in page
    assert "Für diesen Antrag fällt keine Gebühr an." in page


def test_a_nearer_school_that_could_not_admit_the_child_is_claimed_with_its_refusal(
    client: Client, clerk: Client
) -> None:
    case = apply(client, route_params(), exception={"reason": "", "explanation": "", "not_admitted": "on"})

    assert case.answers["ausnahme"]["not_admitted"] is True
    assert Document.all_tenants.filter(case=case, kind=Document.Kind.ATTACHMENT, title="attest.pdf").exists()
    file = clerk.get(f"/muenster/verwaltung/vorgaenge/{case.pk}/").content.decode()
    assert "Laut Antrag konnte die nächstgelegene Schule das Kind nicht aufnehmen: die Absage prüfen." in file


def test_the_file_draws_the_route_measured_again_and_flags_a_change(
    client: Client, clerk: Client, gievenbeck: Graph
) -> None:
    case = apply(client, route_params())
    length = gievenbeck.route(HOME, school_point(MICHAELSCHULE)).length_m

    file = clerk.get(f"/muenster/verwaltung/vorgaenge/{case.pk}/").content.decode()

    assert "Schulweg auf der Karte" in file
    assert f'aria-labelledby="case-route-{case.pk}-title' in file
    assert "<title" in file and "Schulweg: Michaelschule" in file
    assert 'class="map-route"' in file
    assert "Der Weg hat sich seit dem Antrag geändert" not in file
    assert case.answers["schulweg"]["length_m"] == pytest.approx(length, abs=0.01)

    case.answers["schulweg"]["length_m"] = length - 120  # as if the network had been imported anew since
    case.save(update_fields=["answers"])
    file = clerk.get(f"/muenster/verwaltung/vorgaenge/{case.pk}/").content.decode()

    assert "Der Weg hat sich seit dem Antrag geändert" in file
    filed, today = (f"{value:,.0f}".replace(",", ".") for value in (length - 120, length))
    assert f"Im Antrag: {filed} m, heute: {today} m" in file


def test_the_file_says_when_no_route_can_be_drawn(demo: None) -> None:
    from rathaus.schoolroute.templatetags.schoolroute_case import case_route_map

    soest = Municipality.objects.get(slug="soest")
    school = School.all_tenants.filter(municipality=soest).first()
    assert school is not None

    assert case_route_map(Case(municipality=soest, answers={"schulweg": {"school": school.schulnummer}})) is None
    assert (
        case_route_map(
            Case(municipality=soest, answers={"schulweg": {"school": school.schulnummer, "lat": 1, "lon": 1}})
        )
        is None
    )
