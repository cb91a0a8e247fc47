"""Demo data: four real municipalities of the Soest model region, plus Münster for the school
route demo (Gievenbeck, where street data exist offline), with their services, schools and people.

`demo_load()` is idempotent: it creates what is missing and leaves what exists alone, so a
second run changes nothing. The staff logins carry a fixed TOTP secret so that a person
trying the demo can add it to an authenticator app; never use these accounts in production.
"""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.db import transaction

from rathaus.accounts.models import Membership, User
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality
from rathaus.schoolroute.models import StreetNetwork
from rathaus.schoolroute.services import schools_import, schools_read_csv, street_network_import

DEMO_PASSWORD = "Rathaus-Demo-2026"

OPENING_HOURS_DE = (
    "Mo–Mi 8:00–16:00\nDo 8:00–18:00\nFr 8:00–12:30\nTermine auch außerhalb dieser Zeiten nach Vereinbarung"
)
OPENING_HOURS_EN = "Mon–Wed 8 am–4 pm\nThu 8 am–6 pm\nFri 8 am–12.30 pm\nAppointments outside these hours on request"

# Official addresses of the town halls (Rathaus / Kreishaus); AGS from the Destatis
# Gemeindeverzeichnis. Contact e-mail addresses are demo values on the reserved .example domain.
MUNICIPALITIES: list[dict[str, Any]] = [
    {
        "ags": "05974040",
        "slug": "soest",
        "reference_prefix": "SO",
        "name": "Stadt Soest",
        "kind": Municipality.Kind.CITY,
        "street": "Am Vreithof 8",
        "postal_code": "59494",
        "city": "Soest",
        "phone": "02921 103-0",
        "email": "buergerbuero@soest.example",
        "website": "https://www.soest.de",
        "colour": "#9b1b30",
        "legal_representative": "den Bürgermeister der Stadt Soest",
        "level": "city",
        "schools": "soest.csv",
    },
    {
        "ags": "05974028",
        "slug": "lippstadt",
        "reference_prefix": "LP",
        "name": "Stadt Lippstadt",
        "kind": Municipality.Kind.CITY,
        "street": "Ostwall 1",
        "postal_code": "59555",
        "city": "Lippstadt",
        "phone": "02941 980-0",
        "email": "buergerbuero@lippstadt.example",
        "website": "https://www.lippstadt.de",
        "colour": "#005a9c",
        "legal_representative": "den Bürgermeister der Stadt Lippstadt",
        "level": "city",
    },
    {
        "ags": "05962024",
        "slug": "iserlohn",
        "reference_prefix": "IS",
        "name": "Stadt Iserlohn",
        "kind": Municipality.Kind.CITY,
        "street": "Schillerplatz 7",
        "postal_code": "58636",
        "city": "Iserlohn",
        "phone": "02371 217-0",
        "email": "buergerbuero@iserlohn.example",
        "website": "https://www.iserlohn.de",
        "colour": "#00655f",
        "legal_representative": "den Bürgermeister der Stadt Iserlohn",
        "level": "city",
    },
    {
        "ags": "05974000",
        "slug": "kreis-soest",
        "reference_prefix": "KSO",
        "name": "Kreis Soest",
        "kind": Municipality.Kind.DISTRICT,
        "street": "Hoher Weg 1–3",
        "postal_code": "59494",
        "city": "Soest",
        "phone": "02921 30-0",
        "email": "service@kreis-soest.example",
        "website": "https://www.kreis-soest.de",
        "colour": "#3d4f7c",
        "legal_representative": "den Landrat des Kreises Soest",
        "level": "district",
    },
    {
        "ags": "05515000",
        "slug": "muenster",
        "reference_prefix": "MS",
        "name": "Stadt Münster",
        "kind": Municipality.Kind.CITY,
        "street": "Klemensstraße 10",
        "postal_code": "48143",
        "city": "Münster",
        "phone": "0251 492-0",
        "email": "buergerbuero@muenster.example",
        "website": "https://www.stadt-muenster.de",
        "colour": "#0b6e4f",
        "legal_representative": "den Oberbürgermeister der Stadt Münster",
        "level": "city",
        "supervisory_authority": "Bezirksregierung Münster, Domplatz 1–3, 48143 Münster",
        "schools": "muenster_gievenbeck.csv",
        "streets": "muenster_gievenbeck_overpass_2019.geojson",
    },
]

CITIZEN_EMAIL = "buerger@rathaus.example"


@dataclass(frozen=True)
class DemoLogin:
    municipality: str
    role: str
    email: str
    password: str
    totp_secret: str


def _demo_totp_secret(slug: str, role: str) -> str:
    # Fixed per person so that a second run prints the same secret; derived from the person, not random.
    seed = hashlib.sha256(f"rathaus-demo-{slug}-{role}".encode()).digest()[:20]
    return base64.b32encode(seed).decode()


def _load_json(name: str) -> Any:
    return json.loads(resources.files("rathaus.catalog").joinpath("data", name).read_text(encoding="utf-8"))


def _person(*, email: str, first_name: str, last_name: str) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def _ensure_totp(user: User, secret: str) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


@transaction.atomic
def demo_load() -> list[DemoLogin]:
    departments_data: dict[str, dict[str, str]] = _load_json("departments.json")
    services_data: list[dict[str, Any]] = _load_json("services.json")
    logins: list[DemoLogin] = []
    for spec in MUNICIPALITIES:
        level = spec["level"]
        fields = {key: value for key, value in spec.items() if key not in {"ags", "level", "schools", "streets"}}
        municipality, _ = Municipality.objects.get_or_create(
            ags=spec["ags"],
            defaults={
                "opening_hours": OPENING_HOURS_DE,
                "opening_hours_en": OPENING_HOURS_EN,
                "supervisory_authority": "Bezirksregierung Arnsberg, Seibertzstraße 1, 59821 Arnsberg",
                **fields,
                "privacy_officer": f"Behördliche Datenschutzbeauftragte, {spec['name']}, {spec['street']}, "
                f"{spec['postal_code']} {spec['city']}",
                "accessibility_reviewed_on": date(2026, 11, 21),
            },
        )
        departments: dict[str, Department] = {}
        for key, info in departments_data.items():
            if info["level"] != level:
                continue
            departments[key], _ = Department.all_tenants.get_or_create(
                municipality=municipality, key=key, defaults={"name": info["name"], "name_en": info["name_en"]}
            )
        for item in services_data:
            if item["level"] != level:
                continue
            Service.all_tenants.get_or_create(
                municipality=municipality,
                leika_key=item["leika"],
                defaults={
                    "name": item["name"],
                    "name_en": item["name_en"],
                    "synonyms": "\n".join(item["synonyms"]),
                    "summary": item["summary"],
                    "summary_en": item["summary_en"],
                    "prerequisites": item["prerequisites"],
                    "documents": "\n".join(item["documents"]),
                    "fees": item["fees"],
                    "processing_time": item["processing_time"],
                    "department": departments[item["department"]],
                    "channel": item["channel"],
                    "external_url": item["external_url"],
                },
            )
        if "schools" in spec:
            csv_text = (
                resources.files("rathaus.schoolroute").joinpath("data", spec["schools"]).read_text(encoding="utf-8")
            )
            schools_import(municipality=municipality, rows=schools_read_csv(csv_text))
        if "streets" in spec and not StreetNetwork.all_tenants.filter(municipality=municipality).exists():
            with resources.as_file(resources.files("rathaus.routing").joinpath("data", spec["streets"])) as path:
                street_network_import(municipality=municipality, path=path)
        first_department = departments.get("buergerbuero") or next(iter(departments.values()))
        for role, first_name in ((Membership.Role.ADMIN, "Alex"), (Membership.Role.CLERK, "Kim")):
            email = f"{role.value}.{municipality.slug}@rathaus.example"
            user = _person(email=email, first_name=first_name, last_name=f"Demo ({municipality.name})")
            Membership.all_tenants.get_or_create(
                municipality=municipality,
                user=user,
                defaults={"role": role, "department": None if role == Membership.Role.ADMIN else first_department},
            )
            secret = _demo_totp_secret(municipality.slug, role.value)
            _ensure_totp(user, secret)
            logins.append(DemoLogin(municipality.name, str(role.label), email, DEMO_PASSWORD, secret))
    from rathaus.jobs.demo import jobs_demo_load  # imported here: it builds on this module's helpers

    logins.extend(jobs_demo_load())
    from rathaus.trade.demo import trade_demo_load

    logins.extend(trade_demo_load())
    from rathaus.schoolroute.demo import schoolroute_demo_load

    logins.extend(schoolroute_demo_load())
    _person(email=CITIZEN_EMAIL, first_name="Robin", last_name="Beispiel")
    logins.append(DemoLogin("–", "Bürgerin/Bürger", CITIZEN_EMAIL, DEMO_PASSWORD, ""))
    return logins
