"""Register rows made directly, for tests that need many businesses or notices at given dates."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from rathaus.municipalities.models import Municipality
from rathaus.trade.models import Business, BusinessNotice

BERLIN = ZoneInfo("Europe/Berlin")


def make_business(municipality: Municipality, name: str, **fields: Any) -> Business:
    """An active business at a street of Soest; `fields` override any column."""
    following = Business.all_tenants.filter(municipality=municipality).count() + 1
    values: dict[str, Any] = {
        "number": f"G-T-{following:06d}",
        "legal_form": "einzel",
        "street": "Marktstraße 1",
        "postal_code": municipality.postal_code,
        "city": municipality.city,
        "activity": "Einzelhandel",
        "wz_code": "47111",
        "started_on": date(2024, 5, 1),
        **fields,
    }
    return Business.all_tenants.create(municipality=municipality, name=name, **values)


def make_register(municipality: Municipality) -> dict[str, Business]:
    """Five businesses that differ in one criterion each; the kiosk is closed."""
    rows: dict[str, tuple[str, dict[str, Any]]] = {
        "salon": ("Salon Schnittig (Laura Becker)", {"street": "Marktstraße 4", "wz_code": "96021"}),
        "haustechnik": ("Bördeland Haustechnik GmbH", {"street": "Ulricher Straße 20", "wz_code": "43220"}),
        "elektro": ("Elektro Sauerland KG", {"street": "Grandweg 7", "wz_code": "43210"}),
        "kiosk": ("Kiosk am Bahnhof", {"street": "Bahnhofplatz 2", "wz_code": "47111"}),
        "software": ("Westfalen Software UG", {"street": "Thomästraße 9", "wz_code": "62019"}),
    }
    details: dict[str, dict[str, Any]] = {
        "salon": {"activity": "Friseursalon für Damen und Herren", "started_on": date(2023, 3, 1)},
        "haustechnik": {"legal_form": "gmbh", "activity": "Heizung und Sanitär", "started_on": date(2024, 6, 15)},
        "elektro": {"legal_form": "kg", "activity": "Elektroinstallation", "started_on": date(2025, 1, 10)},
        "kiosk": {
            "activity": "Kiosk mit Zeitschriften",
            "started_on": date(2022, 8, 1),
            "status": Business.Status.CLOSED,
            "closed_on": date(2024, 12, 31),
        },
        "software": {"legal_form": "ug", "activity": "Softwareentwicklung", "started_on": date(2025, 9, 1)},
    }
    return {key: make_business(municipality, name, **fields, **details[key]) for key, (name, fields) in rows.items()}


def make_notice(
    business: Business, kind: str, confirmed_at: datetime, *, wz_code: str | None = None, **fields: Any
) -> BusinessNotice:
    return BusinessNotice.all_tenants.create(
        municipality_id=business.municipality_id,
        business=business,
        kind=kind,
        reference=f"T-{BusinessNotice.all_tenants.count() + 1:06d}",
        valid_from=confirmed_at.date(),
        wz_code=business.wz_code if wz_code is None else wz_code,
        confirmed_at=confirmed_at,
        **fields,
    )


def berlin(year: int, month: int, day: int, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN)
