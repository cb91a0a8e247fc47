"""Fixtures for the trade office: a GmbH with two managing directors, a sole trader, and the
recipients of Soest. Addresses are real streets of Soest (59494) from OpenStreetMap; the people and
companies are made up."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Draft
from rathaus.cases.services import case_transition
from rathaus.municipalities.models import Department, Municipality
from rathaus.testing import make_department, make_staff
from rathaus.trade.demo import save_step, submit_steps
from rathaus.trade.gewanzv import RECIPIENTS
from rathaus.trade.models import BusinessNotice, Recipient, TradeOffice
from rathaus.trade.services import trade_office_for

START = (timezone.localdate() + timedelta(days=14)).isoformat()


def gmbh_steps() -> dict[str, dict[str, Any]]:
    """POST data per step of a GewA 1 for a GmbH with two managing directors."""
    return {
        "betrieb": {
            "legal_form": "gmbh",
            "registered_name": "Bördeland Haustechnik GmbH",
            "register_court": "Amtsgericht Arnsberg",
            "register_number": "HRB 12345",
            "person_count": "2",
        },
        "person_1": {
            "role": "geschaeftsfuehrer",
            "last_name": "Hoffmann",
            "first_names": "Katrin",
            "sex": "w",
            "birth_date": "1981-04-12",
            "birth_place": "Lippstadt",
            "birth_country": "Deutschland",
            "nationality_group": "de",
            "street": "Brüderstraße 12",
            "postal_code": "59494",
            "city": "Soest",
            "phone": "02921 123456",
            "email": "k.hoffmann@boerdeland-haustechnik.example",
        },
        "person_2": {
            "role": "geschaeftsfuehrer",
            "last_name": "Yılmaz",
            "first_names": "Emre",
            "sex": "m",
            "birth_date": "1979-09-30",
            "birth_place": "Ankara",
            "birth_country": "Türkei",
            "nationality_group": "other",
            "nationality": "türkisch",
            "residence_title": "yes",
            "residence_title_authority": "Kreis Soest, Ausländerbehörde",
            "residence_title_date": "2015-03-01",
            "self_employment_allowed": "yes",
            "street": "Grandweg 5",
            "postal_code": "59494",
            "city": "Soest",
        },
        "betriebsstaette": {
            "street": "Ulricher Straße 20",
            "postal_code": "59494",
            "city": "Soest",
            "email": "info@boerdeland-haustechnik.example",
            "establishment": "haupt",
        },
        "taetigkeit": {
            "activity": "Installation von Heizungs-, Sanitär- und Lüftungsanlagen",
            "wz_code": "43220",
            "start_date": START,
            "kinds": ["handwerk"],
            "staff_full": "4",
            "staff_part": "1",
        },
        "grund": {"reason": "neu"},
        "erlaubnisse": {
            "permit_required": "no",
            "craft_card": "yes",
            "craft_card_date": "2020-06-15",
            "craft_card_chamber": "Handwerkskammer Südwestfalen",
        },
    }


def sole_trader_steps() -> dict[str, dict[str, Any]]:
    """A hairdresser's salon of one person, without register entry."""
    return {
        "betrieb": {"legal_form": "einzel", "trade_name": "Salon Schnittig", "person_count": "1"},
        "person_1": {
            "role": "inhaber",
            "last_name": "Becker",
            "first_names": "Laura",
            "sex": "w",
            "birth_date": "1994-02-03",
            "birth_place": "Soest",
            "birth_country": "Deutschland",
            "nationality_group": "de",
            "street": "Thomästraße 3",
            "postal_code": "59494",
            "city": "Soest",
            "email": "laura.becker@example.org",
        },
        "betriebsstaette": {
            "street": "Marktstraße 4",
            "postal_code": "59494",
            "city": "Soest",
            "establishment": "haupt",
        },
        "taetigkeit": {
            "activity": "Friseursalon für Damen und Herren",
            "wz_code": "96021",
            "start_date": START,
            "kinds": ["handwerk"],
            "staff_full": "0",
            "staff_part": "2",
        },
        "grund": {"reason": "neu"},
        "erlaubnisse": {
            "permit_required": "no",
            "craft_card": "yes",
            "craft_card_date": "2021-09-01",
            "craft_card_chamber": "Handwerkskammer Südwestfalen",
        },
    }


def fill(draft: Draft, step_key: str, data: dict[str, Any]) -> None:
    """Runs one page's POST data through its form and keeps the answers; refused data fail the test."""
    save_step(draft, step_key, data)


def submit_notice(
    municipality: Municipality, steps: dict[str, dict[str, Any]], procedure_key: str = "gewerbe-anmeldung"
) -> Case:
    return submit_steps(municipality, steps, procedure_key)


def make_recipients(municipality: Municipality, *, transport: str = "file") -> list[Recipient]:
    recipients = []
    for kind, rule in RECIPIENTS.items():
        recipients.append(
            Recipient.all_tenants.create(
                municipality=municipality,
                kind=kind,
                name=str(rule.name),
                transport=transport,
                address=kind if transport == "file" else f"{kind}@behoerde.example",
            )
        )
    return recipients


@pytest.fixture
def trade_department(soest: Municipality) -> Department:
    return make_department(soest, key="ordnungsamt", name="Ordnungsamt")


@pytest.fixture
def trade_office(soest: Municipality) -> TradeOffice:
    return trade_office_for(soest)


@pytest.fixture
def soest_recipients(soest: Municipality) -> list[Recipient]:
    return make_recipients(soest)


@pytest.fixture
def trade_clerk(soest: Municipality, trade_department: Department) -> User:
    user = make_staff(soest, "gewerbe@soest.example")
    Membership.all_tenants.filter(user=user).update(department=trade_department)
    return user


@pytest.fixture
def gmbh_case(
    soest: Municipality,
    trade_department: Department,
    trade_office: TradeOffice,
    django_capture_on_commit_callbacks: Any,
) -> Case:
    with django_capture_on_commit_callbacks(execute=True):
        return submit_notice(soest, gmbh_steps())


@pytest.fixture
def confirmed_gmbh(
    gmbh_case: Case,
    trade_clerk: User,
    soest_recipients: list[Recipient],
    settings: Any,
    tmp_path: Any,
    django_capture_on_commit_callbacks: Any,
) -> BusinessNotice:
    """The GmbH's notice confirmed by the clerk: in the register, with its receipt in the postbox and its
    messages in the outbox (delivered to the file drop, as tasks run at once in tests)."""
    settings.TRADE_OUTBOX_DIR = str(tmp_path / "outbox")
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=gmbh_case, transition_key="confirm", actor=trade_clerk)
    return BusinessNotice.all_tenants.get(case=gmbh_case)
