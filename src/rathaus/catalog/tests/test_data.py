"""The shipped catalogue (`data/services.json`): schema, departments, names, English, LeiKa keys."""

import json
import re
from importlib import resources
from typing import Any

import pytest

from rathaus.catalog.catalogue import departments_data, level_services, services_data
from rathaus.catalog.models import Service

FIELDS = {
    "key": str,
    "leika": str,
    "name": str,
    "name_en": str,
    "synonyms": list,
    "summary": str,
    "summary_en": str,
    "prerequisites": str,
    "documents": list,
    "fees": str,
    "processing_time": str,
    "department": str,
    "channel": str,
    "procedure": str,
    "external_url": str,
    "external_name": str,
    "external_name_en": str,
    "level": str,
    "unverified": str,
}
SERVICES: list[dict[str, Any]] = list(services_data())


def _leika_source() -> dict[str, str]:
    text = resources.files("rathaus.catalog").joinpath("data", "leika_keys.json").read_text(encoding="utf-8")
    return {entry["leika"]: entry["name_muenchen"] for entry in json.loads(text)["keys"]}


def test_the_catalogue_is_real_size() -> None:
    assert len(level_services("city")) >= 120
    assert len(level_services("district")) >= 60


@pytest.mark.parametrize("item", SERVICES, ids=lambda item: item.get("key", "?"))
def test_each_service_follows_the_schema(item: dict[str, Any]) -> None:
    assert set(item) == set(FIELDS)
    for name, kind in FIELDS.items():
        assert isinstance(item[name], kind), name
    assert all(isinstance(entry, str) and entry.strip() for entry in item["synonyms"] + item["documents"])
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item["key"]) and len(item["key"]) <= 80
    assert item["level"] in {"city", "district"}
    assert item["channel"] in Service.Channel.values
    assert item["name"].strip() and item["summary"].strip()
    assert item["name_en"].strip() and item["summary_en"].strip(), "English name and summary"
    assert item["department"] in departments_data()
    assert departments_data()[item["department"]]["level"] == item["level"]


@pytest.mark.parametrize("item", SERVICES, ids=lambda item: item.get("key", "?"))
def test_online_only_with_a_link(item: dict[str, Any]) -> None:
    if item["channel"] == "online":
        assert item["procedure"] or (item["external_url"] and item["external_name"])
    if item["channel"] == "external":
        assert item["external_url"].startswith("https://") and item["external_name"] and item["external_name_en"]
    if item["external_url"]:
        assert item["external_url"].startswith("https://")


def test_no_duplicate_names_keys_or_leika_keys_per_level() -> None:
    for level in ("city", "district"):
        items = level_services(level)
        for field in ("name", "key"):
            values = [item[field] for item in items]
            assert len(values) == len(set(values)), (level, field)
        leika = [item["leika"] for item in items if item["leika"]]
        assert len(leika) == len(set(leika)), level
    # An independent city gets both levels: keys and LeiKa keys must not collide across them.
    both = level_services("independent_city")
    assert len({item["key"] for item in both}) == len(both)
    leika = [item["leika"] for item in both if item["leika"]]
    assert len(leika) == len(set(leika))


def test_every_leika_key_comes_from_the_shipped_source() -> None:
    source = _leika_source()
    for item in SERVICES:
        if item["leika"]:
            assert re.fullmatch(r"\d{14}", item["leika"]), item["key"]
            assert item["leika"] in source, f"{item['key']}: LeiKa key {item['leika']} has no source"
    assert any(not item["leika"] for item in SERVICES)  # services without a known key keep it empty


def test_the_services_the_town_and_the_district_must_offer() -> None:
    city = {item["name"] for item in level_services("city")}
    district = {item["name"] for item in level_services("district")}
    for name in ["Hundesteuer anmelden", "Hundesteuer abmelden", "Abfallkalender", "Sperrmüll anmelden"]:
        assert name in city
    assert {"Biotonne bestellen oder ändern", "Wohngeld beantragen", "Bauantrag stellen"} <= city
    assert {"Grundsteuer: Bescheid und Fragen", "Zweitwohnungsteuer anmelden", "Grabstätte erwerben"} <= city
    assert {"Sondernutzung öffentlicher Straßen beantragen", "Kita-Platz anmelden"} <= city
    assert {"Führerschein erstmals beantragen", "Schwerbehindertenausweis beantragen"} <= district


def test_unverified_notes_are_english_sentences() -> None:
    notes = [item["unverified"] for item in SERVICES if item["unverified"]]
    assert notes and all(note.endswith(".") for note in notes)
