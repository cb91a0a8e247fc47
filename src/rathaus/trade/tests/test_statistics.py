"""Monthly statistics of trade notices: exact counts by month, kind and WZ section, the staff page with its
chart and table, the open data files (CSV, JSON) and the same numbers through the API."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality
from rathaus.trade import statistics
from rathaus.trade.models import Business
from rathaus.trade.tests.register_data import berlin, make_business, make_notice

YEAR = 2025
TRADE = "Handel; Instandhaltung und Reparatur von Kraftfahrzeugen"
SERVICES = "Erbringung von sonstigen Dienstleistungen"
BUILDING = "Baugewerbe"
UNKNOWN = "Ohne gültigen WZ-Code"


@pytest.fixture
def notices(soest: Municipality, lippstadt: Municipality) -> dict[str, Business]:
    """The notices of 2025 in Soest, with the ones that must not count around them."""
    salon = make_business(soest, "Salon Schnittig", wz_code="96021")
    heating = make_business(soest, "Bördeland Haustechnik GmbH", wz_code="43220")
    kiosk = make_business(soest, "Kiosk am Bahnhof", wz_code="47111")
    market = make_business(soest, "Markt Müller", wz_code="47111")
    unknown = make_business(soest, "Altbetrieb", wz_code="99999")
    make_notice(salon, "anmeldung", berlin(YEAR, 1, 15))
    make_notice(salon, "ummeldung", berlin(YEAR, 3, 3))
    make_notice(salon, "abmeldung", berlin(YEAR, 3, 20))
    # 23:30 UTC on 31 January is 00:30 on 1 February in Soest: a February notice.
    registration = make_notice(heating, "anmeldung", datetime(YEAR, 1, 31, 23, 30, tzinfo=UTC))
    # A correction is no notice of its own.
    make_notice(heating, "anmeldung", berlin(YEAR, 2, 10), corrects=registration, correction_reason="Tippfehler")
    make_notice(kiosk, "anmeldung", berlin(YEAR, 1, 2))
    make_notice(market, "anmeldung", berlin(YEAR, 1, 5))
    make_notice(unknown, "ummeldung", berlin(YEAR, 12, 31, 23, 59))
    # Outside the year, and another town.
    make_notice(salon, "anmeldung", berlin(YEAR - 1, 12, 31, 23, 59))
    make_notice(salon, "anmeldung", berlin(YEAR + 1, 1, 1, 0, 0))
    make_notice(make_business(lippstadt, "Lippstädter Salon", wz_code="96021"), "anmeldung", berlin(YEAR, 1, 15))
    return {"salon": salon, "heating": heating}


def row(
    month: int, section: str, title: str, registrations: int = 0, changes: int = 0, deregistrations: int = 0
) -> dict[str, Any]:
    """A row as the JSON file and the API give it."""
    return {
        "year": YEAR,
        "month": month,
        "section": section,
        "section_title": title,
        "registrations": registrations,
        "changes": changes,
        "deregistrations": deregistrations,
    }


EXPECTED = [
    row(1, "G", TRADE, registrations=2),
    row(1, "S", SERVICES, registrations=1),
    row(2, "F", BUILDING, registrations=1),
    row(3, "S", SERVICES, changes=1, deregistrations=1),
    row(12, "", UNKNOWN, changes=1),
]


@pytest.fixture
def staff_client(trade_clerk: User) -> Client:
    client = Client()
    client.force_login(trade_clerk)
    return client


def test_counts_by_month_kind_and_section(soest: Municipality, notices: dict[str, Business]) -> None:
    rows = statistics.monthly(municipality=soest, year=YEAR)

    assert [entry.as_dict() for entry in rows] == EXPECTED


def test_a_confirmed_notice_counts_in_its_month(soest: Municipality, confirmed_gmbh: Any) -> None:
    today = timezone.localdate()

    rows = statistics.monthly(municipality=soest, year=today.year)

    assert [entry.as_dict() for entry in rows] == [{**row(today.month, "F", BUILDING, 1), "year": today.year}]


def test_a_year_without_notices_has_no_rows(soest: Municipality, notices: dict[str, Business]) -> None:
    assert statistics.monthly(municipality=soest, year=2019) == []


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("20x5", "Bitte geben Sie das Jahr mit vier Ziffern an"),
        ("20255", "Bitte geben Sie das Jahr mit vier Ziffern an"),
        ("-2025", "Bitte geben Sie das Jahr mit vier Ziffern an"),
        ("1899", "Statistiken gibt es für die Jahre 1900 bis"),
        ("2999", "Statistiken gibt es für die Jahre 1900 bis"),
    ],
)
def test_a_bad_year_is_refused(value: str, message: str) -> None:
    with pytest.raises(statistics.YearError, match=message):
        statistics.parse_year(value)


def test_the_year_defaults_to_this_year() -> None:
    assert statistics.parse_year(None) == statistics.parse_year(" ") == timezone.localdate().year
    assert statistics.parse_year(" 2025 ") == YEAR


def test_the_chart_scales_to_a_round_top() -> None:
    months = statistics.by_month(
        [statistics.Row(YEAR, 3, "S", SERVICES, statistics.Counts(registrations=7, changes=2))]
    )
    names = {"registrations": "Anmeldungen", "changes": "Ummeldungen", "deregistrations": "Abmeldungen"}

    chart = statistics.bar_chart(months, names)

    assert [tick.label for tick in chart.ticks] == ["0", "2", "4", "6", "8"]
    assert len(chart.bars) == 36
    march = [bar for bar in chart.bars if bar.title.startswith("März")]
    assert [bar.title for bar in march] == ["März: 7 Anmeldungen", "März: 2 Ummeldungen", "März: 0 Abmeldungen"]
    plot = chart.bottom - chart.top
    assert march[0].height == pytest.approx(plot * 7 / 8, abs=0.01)
    assert march[0].y == pytest.approx(chart.bottom - plot * 7 / 8, abs=0.01)
    assert march[2].height == 0
    assert all(chart.left <= bar.x and bar.x + bar.width <= chart.right for bar in chart.bars)
    assert [label.text for label in chart.labels][:3] == ["Jan.", "Feb.", "März"]


# The staff page ---------------------------------------------------------------------------------------


def test_the_page_shows_a_chart_and_the_same_numbers_as_a_table(
    staff_client: Client, notices: dict[str, Business]
) -> None:
    response = staff_client.get("/soest/verwaltung/gewerbe/statistik/", {"jahr": str(YEAR)})

    page = response.content.decode()
    assert response.status_code == 200
    svg = re.search(r"<svg class=\"stat-chart__svg\"[^>]*>.*?</svg>", page, re.S)
    assert svg is not None
    assert 'role="img"' in svg[0]
    assert (
        'aria-label="Säulendiagramm der Gewerbeanzeigen 2025 je Monat: insgesamt 4 Anmeldungen, 2 Ummeldungen und '
        "1 Abmeldungen." in svg[0]
    )
    assert "<title>Gewerbeanzeigen 2025 je Monat</title>" in svg[0]
    assert svg[0].count('class="stat-chart__bar ') == 36
    assert 'y="12.0"' in svg[0]  # the highest bar reaches the top, in SVG's number format
    assert "," not in re.sub(r'aria-label="[^"]*"|<title>[^<]*</title>', "", svg[0])
    months = response.context["months"]
    assert [
        (line.label, line.counts.registrations, line.counts.changes, line.counts.deregistrations) for line in months
    ][:3] == [("Januar", 3, 0, 0), ("Februar", 1, 0, 0), ("März", 0, 1, 1)]
    assert months[11].counts.changes == 1
    assert _cells(page, "Januar") == ["3", "0", "0", "3"]
    assert _cells(page, "März") == ["0", "1", "1", "2"]
    assert _cells(page, "Jahr insgesamt") == ["4", "2", "1", "7"]
    assert _cells(page, f"S – {SERVICES}") == ["1", "1", "1", "3"]
    assert _cells(page, UNKNOWN) == ["0", "1", "0", "1"]
    assert 'href="/soest/gewerbe/statistik.csv?jahr=2025"' in page
    assert 'href="/soest/gewerbe/statistik.json?jahr=2025"' in page


def _cells(page: str, heading: str) -> list[str]:
    """The numbers in the table row headed `heading`."""
    row = re.search(rf"<th scope=\"row\"[^>]*>(?:<a [^>]*>)?{re.escape(heading)}(?:</a>)?</th>(.*?)</tr>", page, re.S)
    assert row is not None, heading
    return re.findall(r"<td[^>]*>(\d+)</td>", row[1])


def test_one_section_by_month(staff_client: Client, notices: dict[str, Business]) -> None:
    response = staff_client.get("/soest/verwaltung/gewerbe/statistik/", {"jahr": str(YEAR), "abschnitt": "S"})

    page = response.content.decode()
    assert f"Je Monat: Abschnitt S – {SERVICES}" in page
    assert _cells(page, "Januar") == ["1", "0", "0", "1"]
    assert _cells(page, "März") == ["0", "1", "1", "2"]
    assert _cells(page, "Jahr insgesamt") == ["1", "1", "1", "3"]


def test_a_year_without_notices_says_so(staff_client: Client, soest: Municipality) -> None:
    page = staff_client.get("/soest/verwaltung/gewerbe/statistik/", {"jahr": "2019"}).content.decode()

    assert '<svg class="stat-chart__svg"' not in page
    assert "In diesem Jahr sind keine Gewerbeanzeigen bescheinigt worden." in page
    assert _cells(page, "Jahr insgesamt") == ["0", "0", "0", "0"]


def test_the_page_defaults_to_this_year(staff_client: Client, soest: Municipality) -> None:
    response = staff_client.get("/soest/verwaltung/gewerbe/statistik/")

    assert response.context["year"] == timezone.localdate().year


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"jahr": "20x5"}, "Bitte geben Sie das Jahr mit vier Ziffern an"),
        ({"jahr": "2999"}, "Statistiken gibt es für die Jahre 1900 bis"),
        ({"abschnitt": "Z"}, "Bitte eine gültige Auswahl treffen."),
    ],
)
def test_bad_input_on_the_page_is_named_next_to_its_field(
    staff_client: Client, soest: Municipality, params: dict[str, str], message: str
) -> None:
    response = staff_client.get("/soest/verwaltung/gewerbe/statistik/", params)

    page = response.content.decode()
    assert response.status_code == 200
    assert page.count(message) >= 2
    assert "<title>Fehler: Statistik der Gewerbeanzeigen" in page
    assert "stat-chart__svg" not in page


def test_only_staff_see_the_page(client: Client, citizen: User, soest: Municipality) -> None:
    client.force_login(citizen)
    assert client.get("/soest/verwaltung/gewerbe/statistik/").status_code == 403


# Open data ---------------------------------------------------------------------------------------------


def test_the_csv_file_has_a_header_and_one_line_per_month_and_section(
    client: Client, notices: dict[str, Business]
) -> None:
    response = client.get("/soest/gewerbe/statistik.csv", {"jahr": str(YEAR)})

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8; header=present"
    assert response["Content-Disposition"] == 'attachment; filename="gewerbestatistik-soest-2025.csv"'
    text = response.content.decode("utf-8")
    assert text.startswith("year,month,section,section_title,registrations,changes,deregistrations\r\n")
    assert f"2025,1,G,{TRADE},2,0,0\r\n" in text
    lines = list(csv.DictReader(io.StringIO(text)))
    assert lines == [{key: str(value) for key, value in expected.items()} for expected in EXPECTED]


def test_the_json_file_holds_the_same_rows(client: Client, notices: dict[str, Business]) -> None:
    response = client.get("/soest/gewerbe/statistik.json", {"jahr": str(YEAR)})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"] == 'inline; filename="gewerbestatistik-soest-2025.json"'
    assert response.json() == {
        "municipality": {"slug": "soest", "name": "Stadt Soest", "ags": "05974040"},
        "year": YEAR,
        "rows": EXPECTED,
    }
    assert "Dienstleistungen" in response.content.decode("utf-8")  # UTF-8, not \\u escapes
    assert "Ohne gültigen" in response.content.decode("utf-8")


def test_open_data_hold_no_names(client: Client, notices: dict[str, Business]) -> None:
    for url in ("/soest/gewerbe/statistik.csv", "/soest/gewerbe/statistik.json"):
        body = client.get(url, {"jahr": str(YEAR)}).content.decode()
        assert "Salon" not in body and "Bördeland" not in body and "G-T-" not in body


def test_a_bad_year_in_open_data_is_a_400_in_german(client: Client, soest: Municipality) -> None:
    csv_response = client.get("/soest/gewerbe/statistik.csv", {"jahr": "zwanzig"})
    json_response = client.get("/soest/gewerbe/statistik.json", {"jahr": "1850"})

    assert csv_response.status_code == 400
    assert csv_response["Content-Type"] == "text/plain; charset=utf-8"
    assert csv_response.content.decode().startswith("Bitte geben Sie das Jahr mit vier Ziffern an")
    assert json_response.status_code == 400
    assert json_response.json()["detail"].startswith("Statistiken gibt es für die Jahre 1900 bis")


def test_open_data_of_lippstadt_count_only_lippstadt(client: Client, notices: dict[str, Business]) -> None:
    data = client.get("/lippstadt/gewerbe/statistik.json", {"jahr": str(YEAR)}).json()

    assert data["rows"] == [row(1, "S", SERVICES, registrations=1)]


def test_the_api_answers_with_the_open_data_file(client: Client, notices: dict[str, Business]) -> None:
    file = client.get("/soest/gewerbe/statistik.json", {"jahr": str(YEAR)}).json()
    api = client.get("/api/v1/municipalities/soest/trade-statistics", {"year": str(YEAR)})

    assert api.status_code == 200
    assert api.json() == file


def test_the_api_refuses_a_bad_year_in_german(client: Client, soest: Municipality) -> None:
    response = client.get("/api/v1/municipalities/soest/trade-statistics", {"year": "20x5"})
    future = client.get("/api/v1/municipalities/soest/trade-statistics", {"year": "3000"})

    assert response.status_code == future.status_code == 422
    this_year = timezone.localdate().year
    assert response.json()["errors"] == [{"field": "year", "message": "Bitte geben Sie eine ganze Zahl an."}]
    assert future.json() == {
        "detail": "Die Anfrage enthält ungültige Werte.",
        "errors": [{"field": "year", "message": f"Statistiken gibt es für die Jahre 1900 bis {this_year}."}],
    }
