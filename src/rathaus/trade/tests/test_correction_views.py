"""The clerk's correction of a confirmed notice, over HTTP."""

from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case
from rathaus.cases.tests.test_backoffice import client_for
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department, make_staff
from rathaus.trade.models import BusinessNotice, OutboxMessage


def url(case: Case) -> str:
    return f"/{case.municipality.slug}/verwaltung/gewerbe/vorgang/{case.pk}/berichtigen/"


@pytest.fixture
def clerk(trade_clerk: User) -> Client:
    return client_for(trade_clerk)


def form_data(**changes: str) -> dict[str, str]:
    return {
        "registered_name": "Bördeland Haustechnik GmbH",
        "trade_name": "",
        "street": "Ulricher Straße 20",
        "postal_code": "59494",
        "city": "Soest",
        "activity": "Installation von Heizungs-, Sanitär- und Lüftungsanlagen",
        "wz_code": "43220",
        "reason": "Schreibfehler im Namen",
        **changes,
    }


def test_the_form_shows_the_notice_as_confirmed(confirmed_gmbh: BusinessNotice, clerk: Client) -> None:
    assert confirmed_gmbh.case is not None
    file_page = clerk.get(f"/soest/verwaltung/vorgaenge/{confirmed_gmbh.case.pk}/").content.decode()
    assert f'href="{url(confirmed_gmbh.case)}"' in file_page
    response = clerk.get(url(confirmed_gmbh.case))
    assert response.status_code == 200
    assert 'value="Bördeland Haustechnik GmbH"' in response.content.decode()


def test_a_correction_changes_the_register_and_sends_correction_messages(
    confirmed_gmbh: BusinessNotice, clerk: Client, django_capture_on_commit_callbacks: Any
) -> None:
    case = confirmed_gmbh.case
    assert case is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = clerk.post(url(case), form_data(registered_name="Boerdeland Haustechnik GmbH"))
    assert response.status_code == 302
    confirmed_gmbh.business.refresh_from_db()
    assert confirmed_gmbh.business.name == "Boerdeland Haustechnik GmbH"
    correction = BusinessNotice.all_tenants.get(corrects=confirmed_gmbh)
    assert correction.correction_reason == "Schreibfehler im Namen"
    assert OutboxMessage.all_tenants.filter(notice=correction, is_correction=True).exists()
    case.refresh_from_db()
    assert case.status == "confirmed"
    assert case.answers["betrieb"]["registered_name"] == "Boerdeland Haustechnik GmbH"


def test_bad_input_is_explained_and_changes_nothing(confirmed_gmbh: BusinessNotice, clerk: Client) -> None:
    case = confirmed_gmbh.case
    assert case is not None
    response = clerk.post(url(case), form_data(wz_code="Friseur", postal_code="123", reason=""))
    assert response.status_code == 422
    page = response.content.decode()
    assert "<title>Fehler:" in page
    assert "96021" in page
    assert "fünf Ziffern" in page
    response = clerk.post(url(case), form_data(reason="nichts geändert"))
    assert response.status_code == 422
    assert "nichts geändert" in response.content.decode().lower()
    assert not BusinessNotice.all_tenants.filter(corrects=confirmed_gmbh).exists()


def test_only_a_confirmed_notice_can_be_corrected(gmbh_case: Case, clerk: Client) -> None:
    assert clerk.get(url(gmbh_case)).status_code == 404


def test_clerks_of_other_departments_cannot_correct(confirmed_gmbh: BusinessNotice, soest: Municipality) -> None:
    other = make_staff(soest, "standesamt@soest.example")
    Membership.all_tenants.filter(user=other).update(department=make_department(soest, key="standesamt"))
    assert confirmed_gmbh.case is not None
    assert client_for(other).get(url(confirmed_gmbh.case)).status_code == 404
