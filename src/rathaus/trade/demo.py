"""Demo data of the trade office: Soest and Lippstadt run it with different settings and no code
difference. Soest charges the NRW tariff and sends every copy to a file drop; Lippstadt does not
charge for a change of registration, sends by e-mail, and its Eichbehörde has waived the copies.

Recipient addresses end in ".example": the demo never writes to a real authority. Streets are real
streets of Soest and Lippstadt; businesses and people are made up.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from rathaus.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_person, demo_totp_ensure, demo_totp_secret
from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Draft
from rathaus.cases.services import case_submit, case_transition, draft_save_step, draft_start, procedure_for
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality
from rathaus.trade.gewanzv import RECIPIENTS
from rathaus.trade.models import Recipient
from rathaus.trade.services import trade_office_for

DEMO_NAMESPACE = uuid.UUID("6f1c2f8e-3d0a-4c55-9a57-0d6c7f2b9e41")
# The catalogue's services (LeiKa keys) that start the notices online.
SERVICE_PROCEDURES = {
    "99050012104000": "gewerbe-anmeldung",
    "99050012071000": "gewerbe-ummeldung",
    "99050012070000": "gewerbe-abmeldung",
}

# Per municipality: the office's settings, its recipients (kind → name, transport, address) and
# the kinds that waived the copies.
OFFICES: dict[str, dict[str, Any]] = {
    "soest": {
        "office": {"fee_change": True},
        "transport": "file",
        "names": {
            "finanzamt": "Finanzamt Soest",
            "ihk": "IHK Arnsberg, Hellweg-Sauerland",
            "hwk": "Handwerkskammer Südwestfalen",
            "statistik": "Information und Technik Nordrhein-Westfalen (IT.NRW)",
            "dguv": "Deutsche Gesetzliche Unfallversicherung",
            "eichbehoerde": "Landesbetrieb Mess- und Eichwesen NRW",
            "arbeitsagentur": "Agentur für Arbeit Meschede-Soest",
            "zoll": "Hauptzollamt Dortmund, Finanzkontrolle Schwarzarbeit",
            "registergericht": "Amtsgericht Arnsberg, Registergericht",
            "auslaenderbehoerde": "Kreis Soest, Ausländerbehörde",
            "immissionsschutz": "Kreis Soest, Abteilung Umwelt",
            "lebensmittel": "Kreis Soest, Veterinärdienst und Lebensmittelüberwachung",
        },
        "waived": (),
    },
    "lippstadt": {
        "office": {"fee_change": False},
        "transport": "email",
        "names": {
            "finanzamt": "Finanzamt Lippstadt",
            "ihk": "IHK Arnsberg, Hellweg-Sauerland",
            "hwk": "Handwerkskammer Südwestfalen",
            "statistik": "Information und Technik Nordrhein-Westfalen (IT.NRW)",
            "dguv": "Deutsche Gesetzliche Unfallversicherung",
            "eichbehoerde": "Landesbetrieb Mess- und Eichwesen NRW",
            "arbeitsagentur": "Agentur für Arbeit Meschede-Soest",
            "zoll": "Hauptzollamt Dortmund, Finanzkontrolle Schwarzarbeit",
            "registergericht": "Amtsgericht Paderborn, Registergericht",
            "auslaenderbehoerde": "Kreis Soest, Ausländerbehörde",
            "immissionsschutz": "Kreis Soest, Abteilung Umwelt",
            "lebensmittel": "Kreis Soest, Veterinärdienst und Lebensmittelüberwachung",
        },
        "waived": ("eichbehoerde",),
    },
}


def _person_data(
    first: str, last: str, sex: str, born: str, street: str, postal_code: str, city: str, **extra: str
) -> dict[str, str]:
    return {
        "role": extra.pop("role", "inhaber"),
        "last_name": last,
        "first_names": first,
        "sex": sex,
        "birth_date": born,
        "birth_place": extra.pop("birth_place", city),
        "birth_country": extra.pop("birth_country", "Deutschland"),
        "nationality_group": extra.pop("nationality_group", "de"),
        "street": street,
        "postal_code": postal_code,
        "city": city,
        **extra,
    }


def _activity(text: str, code: str, kinds: list[str], days: int, full: int = 0, part: int = 0) -> dict[str, Any]:
    return {
        "activity": text,
        "wz_code": code,
        "start_date": (timezone.localdate() + timedelta(days=days)).isoformat(),
        "kinds": kinds,
        "staff_full": str(full),
        "staff_part": str(part),
    }


def _premises(street: str, postal_code: str, city: str) -> dict[str, str]:
    return {"street": street, "postal_code": postal_code, "city": city, "establishment": "haupt"}


NO_PERMITS = {"permit_required": "no", "craft_card": "not_needed"}

# (municipality, label, state, steps). State "confirmed" issues the receipt; "submitted" leaves it
# in the queue for the clerk.
NOTICES: list[tuple[str, str, str, dict[str, dict[str, Any]]]] = [
    (
        "soest",
        "friseur",
        "confirmed",
        {
            "betrieb": {"legal_form": "einzel", "trade_name": "Salon am Vreithof", "person_count": "1"},
            "person_1": _person_data(
                "Laura", "Becker", "w", "1994-02-03", "Thomästraße 3", "59494", "Soest", email="laura@example.org"
            ),
            "betriebsstaette": _premises("Am Vreithof 4", "59494", "Soest"),
            "taetigkeit": _activity("Friseursalon für Damen und Herren", "96021", ["handwerk"], -40, 0, 2),
            "grund": {"reason": "neu"},
            "erlaubnisse": {
                "permit_required": "no",
                "craft_card": "yes",
                "craft_card_date": "2021-09-01",
                "craft_card_chamber": "Handwerkskammer Südwestfalen",
            },
        },
    ),
    (
        "soest",
        "cafe",
        "confirmed",
        {
            "betrieb": {"legal_form": "gbr", "trade_name": "Café Brüderstraße", "person_count": "2"},
            "person_1": _person_data(
                "Jonas",
                "Wagner",
                "m",
                "1988-07-19",
                "Grandweg 12",
                "59494",
                "Soest",
                role="gesellschafter",
                email="jonas.wagner@example.org",
            ),
            "person_2": _person_data(
                "Sofia",
                "Rossi",
                "w",
                "1990-11-02",
                "Grandweg 12",
                "59494",
                "Soest",
                role="gesellschafter",
                birth_place="Bologna",
                birth_country="Italien",
                nationality_group="eu",
                nationality="italienisch",
            ),
            "betriebsstaette": _premises("Brüderstraße 40", "59494", "Soest"),
            "taetigkeit": _activity(
                "Café mit Ausschank alkoholfreier Getränke und Kuchen", "56101", ["sonstiges"], -20, 1, 3
            ),
            "grund": {"reason": "uebernahme", "previous_operator": "Café Hellweg, Inh. Petra Schulte"},
            "erlaubnisse": NO_PERMITS,
        },
    ),
    (
        "soest",
        "gmbh",
        "submitted",
        {
            "betrieb": {
                "legal_form": "gmbh",
                "registered_name": "Bördeland Haustechnik GmbH",
                "register_court": "Amtsgericht Arnsberg",
                "register_number": "HRB 12345",
                "person_count": "2",
            },
            "person_1": _person_data(
                "Katrin",
                "Hoffmann",
                "w",
                "1981-04-12",
                "Brüderstraße 12",
                "59494",
                "Soest",
                role="geschaeftsfuehrer",
                birth_place="Lippstadt",
                email="k.hoffmann@boerdeland-haustechnik.example",
            ),
            "person_2": _person_data(
                "Emre",
                "Yılmaz",
                "m",
                "1979-09-30",
                "Grandweg 5",
                "59494",
                "Soest",
                role="geschaeftsfuehrer",
                birth_place="Ankara",
                birth_country="Türkei",
                nationality_group="other",
                nationality="türkisch",
                residence_title="yes",
                residence_title_authority="Kreis Soest, Ausländerbehörde",
                residence_title_date="2015-03-01",
                self_employment_allowed="yes",
            ),
            "betriebsstaette": _premises("Ulricher Straße 20", "59494", "Soest"),
            "taetigkeit": _activity(
                "Installation von Heizungs-, Sanitär- und Lüftungsanlagen", "43220", ["handwerk"], 10, 4, 1
            ),
            "grund": {"reason": "neu"},
            "erlaubnisse": {"permit_required": "no", "craft_card": "applied"},
        },
    ),
    (
        "lippstadt",
        "onlinehandel",
        "confirmed",
        {
            "betrieb": {"legal_form": "einzel", "trade_name": "Lippe Kreativ", "person_count": "1"},
            "person_1": _person_data(
                "Mara", "Schröder", "w", "1997-05-21", "Cappelstraße 15", "59555", "Lippstadt", email="mara@example.org"
            ),
            "betriebsstaette": _premises("Cappelstraße 15", "59555", "Lippstadt"),
            "taetigkeit": {
                **_activity("Onlinehandel mit selbst genähter Kinderkleidung", "47911", ["handel"], -10),
                "side_business": "on",
            },
            "grund": {"reason": "neu"},
            "erlaubnisse": NO_PERMITS,
        },
    ),
    (
        "lippstadt",
        "makler",
        "submitted",
        {
            "betrieb": {
                "legal_form": "ug",
                "registered_name": "Lippe Wohnen UG (haftungsbeschränkt)",
                "register_court": "Amtsgericht Paderborn",
                "register_number": "HRB 9876",
                "person_count": "1",
            },
            "person_1": _person_data(
                "Tobias",
                "Kaiser",
                "m",
                "1985-01-08",
                "Lange Straße 20",
                "59555",
                "Lippstadt",
                role="geschaeftsfuehrer",
                email="t.kaiser@lippe-wohnen.example",
            ),
            "betriebsstaette": _premises("Lange Straße 20", "59555", "Lippstadt"),
            "taetigkeit": _activity("Vermittlung von Wohnungen und Häusern", "68311", ["sonstiges"], 5, 1, 0),
            "grund": {"reason": "neu"},
            "erlaubnisse": NO_PERMITS,
        },
    ),
]


class DemoDataError(ValueError):
    """Demo answers a page refused: the demo must be fixed, not the page."""


def save_step(draft: Draft, step_key: str, data: dict[str, Any]) -> None:
    """Runs one page's POST data through its form and keeps the answers, as the page would."""
    procedure = procedure_for(draft)
    step = procedure.step(step_key)
    form = procedure.form_for(step, data=data)
    if not form.is_valid():
        raise DemoDataError(f"{draft.procedure_key} {step_key}: {form.errors.as_text()}")
    draft_save_step(draft=draft, step=step, cleaned_data=form.cleaned_data, files={})
    draft.refresh_from_db()


def submit_steps(
    municipality: Municipality,
    steps: dict[str, dict[str, Any]],
    procedure_key: str = "gewerbe-anmeldung",
    *,
    idempotency_key: uuid.UUID | None = None,
) -> Case:
    """Files a notice as if typed page by page: every page's data runs through its form."""
    draft: Draft = draft_start(municipality=municipality, procedure_key=procedure_key, user=None)
    for step_key, data in steps.items():
        save_step(draft, step_key, data)
    case, _token = case_submit(
        draft=draft, idempotency_key=idempotency_key or draft.token, user=None, payment_provider="counter"
    )
    return case


def trade_demo_load(municipality: Municipality) -> list[DemoLogin]:
    """The trade notice services linked to their procedures; for Soest and Lippstadt also the
    office, its recipients, a trade clerk and notices. Returns the clerk's login."""
    for service in Service.objects.filter(leika_key__in=SERVICE_PROCEDURES, procedure_key=""):
        service.procedure_key = SERVICE_PROCEDURES[service.leika_key]
        service.save(update_fields=["procedure_key"])
    slug = municipality.slug
    config = OFFICES.get(slug)
    if config is None:
        return []
    office = trade_office_for(municipality)
    for name, value in config["office"].items():
        setattr(office, name, value)
    office.fee_natural, office.fee_legal = Decimal("26.00"), Decimal("33.00")
    office.save()
    for kind in RECIPIENTS:
        Recipient.objects.get_or_create(
            municipality=municipality,
            kind=kind,
            defaults={
                "name": config["names"][kind],
                "transport": config["transport"],
                "address": kind if config["transport"] == "file" else f"gewerbe-{kind}@{slug}.behoerde.example",
                "active": kind not in config["waived"],
            },
        )
    clerk, login = _trade_clerk(municipality)
    for town, label, state, steps in NOTICES:
        if town == slug:
            _notice(municipality, label, state, steps, clerk)
    return [login]


def _trade_clerk(municipality: Municipality) -> tuple[User, DemoLogin]:
    department, _ = Department.objects.get_or_create(
        municipality=municipality,
        key="ordnungsamt",
        defaults={"name": "Ordnungsamt", "name_en": "Public order office"},
    )
    email = f"gewerbe.{municipality.slug}@rathaus.example"
    user = demo_person(email=email, first_name="Dana", last_name=f"Gewerbe ({municipality.name})")
    Membership.objects.get_or_create(
        municipality=municipality, user=user, defaults={"role": Membership.Role.CLERK, "department": department}
    )
    secret = demo_totp_secret(municipality.slug, "gewerbe")
    demo_totp_ensure(user, secret)
    return user, DemoLogin(municipality.name, "Sachbearbeitung Gewerbe", email, DEMO_PASSWORD, secret)


def _notice(municipality: Municipality, label: str, state: str, steps: dict[str, dict[str, Any]], clerk: User) -> None:
    key = uuid.uuid5(DEMO_NAMESPACE, f"{municipality.slug}/{label}")
    if Case.objects.filter(municipality=municipality, idempotency_key=key).exists():
        return
    case = submit_steps(municipality, steps, idempotency_key=key)
    if state == "confirmed":
        case_transition(case=case, transition_key="start", actor=clerk)
        case_transition(case=case, transition_key="confirm", actor=clerk)
