"""A municipality's catalogue of services, installed from the shipped data (`data/services.json`).

`install_catalogue` is the one entry point: the demo loader and `rathaus municipality add`
call it. The data hold the services of a kreisangehörige town ("city") and of a district
("district"); a kreisfreie Stadt ("independent_city") does the work of both and gets both.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality

LEVELS = ("city", "district", "independent_city")
# The data levels a municipality of each level offers.
DATA_LEVELS: dict[str, tuple[str, ...]] = {
    "city": ("city",),
    "district": ("district",),
    "independent_city": ("city", "district"),
}


@cache
def services_data() -> tuple[dict[str, Any], ...]:
    """The shipped services, each with its `level` ("city" or "district")."""
    text = resources.files("rathaus.catalog").joinpath("data", "services.json").read_text(encoding="utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return tuple(data)


@cache
def departments_data() -> dict[str, dict[str, str]]:
    """The departments a municipality may have, by key: the platform's list
    (`municipalities/data/departments.json`), then the catalogue's own additions
    (`catalog/data/departments.json`, offices the platform's list lacks)."""
    data: dict[str, dict[str, str]] = {}
    for package in ("rathaus.catalog", "rathaus.municipalities"):
        text = resources.files(package).joinpath("data", "departments.json").read_text(encoding="utf-8")
        data.update(json.loads(text))
    return data


def level_services(level: str) -> list[dict[str, Any]]:
    """The services of a municipality level; ValueError for an unknown level."""
    if level not in DATA_LEVELS:
        raise ValueError(f"Unknown level {level!r}; expected one of {', '.join(LEVELS)}.")
    wanted = DATA_LEVELS[level]
    return [item for item in services_data() if item["level"] in wanted]


def _department(municipality: Municipality, key: str, known: dict[str, Department]) -> Department:
    """The municipality's department of that key, created from the shipped list when missing.

    A key the shipped list lacks (only possible with hand-edited data) falls back to the
    Bürgerbüro, the office that answers citizens' questions about any service.
    """
    department = known.get(key)
    if department is not None:
        return department
    info = departments_data().get(key)
    if info is None:
        if key == "buergerbuero":
            raise ValueError("departments.json has no 'buergerbuero' to fall back to.")
        return _department(municipality, "buergerbuero", known)
    department, _created = Department.objects.get_or_create(
        municipality=municipality, key=key, defaults={"name": info["name"], "name_en": info["name_en"]}
    )
    known[key] = department
    return department


def service_fields(item: dict[str, Any]) -> dict[str, Any]:
    """The model fields of one data item, without municipality and department."""
    return {
        "key": item["key"],
        "leika_key": item["leika"],
        "name": item["name"],
        "name_en": item["name_en"],
        "synonyms": "\n".join(item["synonyms"]),
        "summary": item["summary"],
        "summary_en": item["summary_en"],
        "prerequisites": item["prerequisites"],
        "documents": "\n".join(item["documents"]),
        "fees": item["fees"],
        "processing_time": item["processing_time"],
        "channel": item["channel"],
        "external_url": item["external_url"],
        "external_name": item["external_name"],
        "external_name_en": item["external_name_en"],
        "procedure_key": item["procedure"],
    }


@transaction.atomic
def install_catalogue(municipality: Municipality, level: str) -> int:
    """Gives the municipality the services of its level; returns how many were created.

    Idempotent: services the municipality already has, by our key or by LeiKa key (and any
    edits made to them), stay as they are. Each service goes to the municipality's department
    of the data's key, which is created from `departments.json` when missing. Every new
    service passes the model's validation, so data that calls a service "online" without a
    procedure or a named online service is refused (ValidationError naming the service).
    """
    items = level_services(level)
    known = {d.key: d for d in Department.objects.filter(municipality=municipality)}
    existing = Service.objects.filter(municipality=municipality).values_list("key", "leika_key")
    keys = {key for key, _leika in existing}
    leika_keys = {leika for _key, leika in existing if leika}
    created = 0
    for item in items:
        if item["key"] in keys or (item["leika"] and item["leika"] in leika_keys):
            continue
        service = Service(
            municipality=municipality,
            department=_department(municipality, item["department"], known),
            **service_fields(item),
        )
        try:
            service.full_clean()
        except ValidationError as error:
            raise ValidationError(f"Service {item['key']!r} of services.json: {error}") from error
        service.save()
        keys.add(service.key)
        if service.leika_key:
            leika_keys.add(service.leika_key)
        created += 1
    return created


def is_independent_city(municipality: Municipality) -> bool:
    """A kreisfreie Stadt: a town whose AGS has no municipality part ("05515000", Münster)."""
    return municipality.kind != Municipality.Kind.DISTRICT and municipality.ags.endswith("000")


def level_for(municipality: Municipality, level: str) -> str:
    """The catalogue level of a municipality given as "city" or "district": a kreisfreie Stadt is both."""
    if level == "city" and is_independent_city(municipality):
        return "independent_city"
    return level
