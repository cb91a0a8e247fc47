"""Demo services: the real services of a city or a district (`data/services.json`, from the
LeiKa catalogue and the municipalities' own pages) for each demo municipality."""

import json
from importlib import resources
from typing import Any

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality


def services_data() -> list[dict[str, Any]]:
    text = resources.files("rathaus.catalog").joinpath("data", "services.json").read_text(encoding="utf-8")
    data: list[dict[str, Any]] = json.loads(text)
    return data


def catalog_demo_load(municipalities: list[Municipality], levels: dict[str, str]) -> None:
    """The services of each municipality's level ("city" or "district"), keyed by AGS in `levels`."""
    services = services_data()
    for municipality in municipalities:
        departments = {d.key: d for d in Department.objects.filter(municipality=municipality)}
        for item in services:
            if item["level"] != levels[municipality.ags]:
                continue
            Service.objects.get_or_create(
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
