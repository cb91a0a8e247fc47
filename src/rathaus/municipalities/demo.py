"""Demo municipalities: four real ones of the Soest model region, plus Münster for the school
route demo (Gievenbeck, where street data exist offline), with their departments.

Idempotent: creates what is missing and leaves what exists alone.
"""

import json
from datetime import date
from importlib import resources
from typing import Any

from rathaus.municipalities.models import Department, Municipality

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
    },
]


# Which demo municipality gets the school and street data of the school route demo.
SCHOOL_DATA: dict[str, dict[str, str]] = {
    "soest": {"schools": "soest.csv"},
    "muenster": {"schools": "muenster_gievenbeck.csv", "streets": "muenster_gievenbeck_overpass_2019.geojson"},
}


def departments_data() -> dict[str, dict[str, str]]:
    text = resources.files("rathaus.municipalities").joinpath("data", "departments.json").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = json.loads(text)
    return data


def municipalities_demo_load() -> list[Municipality]:
    """The demo municipalities with the departments of their level (city or district)."""
    departments = departments_data()
    loaded = []
    for spec in MUNICIPALITIES:
        level = spec["level"]
        fields = {key: value for key, value in spec.items() if key not in {"ags", "level"}}
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
        for key, info in departments.items():
            if info["level"] == level:
                Department.objects.get_or_create(
                    municipality=municipality, key=key, defaults={"name": info["name"], "name_en": info["name_en"]}
                )
        loaded.append(municipality)
    return loaded


def level_of(municipality: Municipality) -> str:
    level: str = next(spec["level"] for spec in MUNICIPALITIES if spec["ags"] == municipality.ags)
    return level
