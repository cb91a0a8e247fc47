"""A trade notice's answers as the numbered fields of the form, the shape every recipient filter and
every message works on.

`values(answers, kind)` returns {field number: value}. Person 1 fills fields 3–9 (and 30–31); every
further owner, partner or legal representative is an entry of field 11, as on the paper form's
supplementary sheet. Fields not answered are absent, so a filter never invents an empty field.
"""

from __future__ import annotations

from typing import Any

from rathaus.procedures.base import Answers
from rathaus.trade.forms import MAX_PERSONS, LegalForm
from rathaus.trade.gewanzv import Facts

REGISTRATION = "anmeldung"
CHANGE = "ummeldung"
DEREGISTRATION = "abmeldung"


def persons(answers: Answers) -> list[dict[str, Any]]:
    """The persons in the order given (person_1 first), only as many as the business step names."""
    count = int(answers.get("betrieb", {}).get("person_count") or 1)
    return [
        answers[f"person_{index}"] for index in range(1, min(count, MAX_PERSONS) + 1) if f"person_{index}" in answers
    ]


def _address(data: dict[str, Any], prefix: str = "") -> dict[str, str]:
    return {
        "street": data.get(f"{prefix}street", ""),
        "postal_code": data.get(f"{prefix}postal_code", ""),
        "city": data.get(f"{prefix}city", ""),
    }


def _person_identity(person: dict[str, Any]) -> dict[str, Any]:
    return {
        "role": person.get("role", ""),
        "last_name": person.get("last_name", ""),
        "first_names": person.get("first_names", ""),
        "birth_name": person.get("birth_name", ""),
        "doctor": person.get("doctor", ""),
        "sex": person.get("sex", ""),
        "birth_date": person.get("birth_date", ""),
        "birth_place": person.get("birth_place", ""),
        "birth_country": person.get("birth_country", ""),
        "nationality_group": person.get("nationality_group", ""),
        "nationality": person.get("nationality", ""),
        "address": _address(person),
    }


def _residence(person: dict[str, Any]) -> dict[str, Any] | None:
    if person.get("nationality_group") != "other" or not person.get("residence_title"):
        return None
    return {
        "status": person.get("residence_title", ""),
        "authority": person.get("residence_title_authority", ""),
        "issued_on": person.get("residence_title_date") or "",
    }


def display_name(answers: Answers) -> str:
    """The business's name in the register: the registered name, else the trade name, else the owner(s)."""
    business = answers.get("betrieb", {})
    if business.get("registered_name"):
        return str(business["registered_name"])
    names = [f"{person.get('first_names', '')} {person.get('last_name', '')}".strip() for person in persons(answers)]
    owners = ", ".join(name for name in names if name)
    if business.get("trade_name"):
        return f"{business['trade_name']} ({owners})" if owners else str(business["trade_name"])
    return owners


def values(answers: Answers, kind: str) -> dict[int, Any]:
    """The notice by field number. Keys are ints; values are JSON-safe."""
    result: dict[int, Any] = {}
    business = answers.get("betrieb", {})
    if business.get("registered_name"):
        result[1] = business["registered_name"]
    if business.get("register_number"):
        result[2] = {"court": business.get("register_court", ""), "number": business["register_number"]}
    people = persons(answers)
    if people:
        first = people[0]
        identity = _person_identity(first)
        # Field 3 is the name; birth name, doctorate and role belong to it on the form.
        result[3] = {
            "last_name": identity["last_name"],
            "birth_name": identity["birth_name"],
            "doctor": identity["doctor"],
            "role": identity["role"],
        }
        result[4] = identity["first_names"]
        result[5] = identity["sex"]
        result[6] = {
            "date": identity["birth_date"],
            "place": identity["birth_place"],
            "country": identity["birth_country"],
        }
        result[7] = {"group": identity["nationality_group"], "text": identity["nationality"] or "deutsch"}
        result[8] = identity["address"]
        contact = {key: first.get(key, "") for key in ("phone", "email") if first.get(key)}
        if contact:
            result[9] = contact
        residence = _residence(first)
        if residence is not None:
            result[30] = residence
            if first.get("self_employment_allowed"):
                result[31] = first["self_employment_allowed"]
        others = []
        for person in people[1:]:
            entry = _person_identity(person)
            residence = _residence(person)
            if residence is not None:
                entry["residence_title"] = residence
                entry["self_employment_allowed"] = person.get("self_employment_allowed", "")
            others.append(entry)
        if others:
            result[11] = others
    if business.get("legal_form") in LegalForm.LEGAL_PERSONS:
        result[10] = len(people)
    premises = answers.get("betriebsstaette", {})
    if premises:
        result[12] = {
            **_address(premises),
            **{key: premises.get(key, "") for key in ("phone", "email", "website") if premises.get(key)},
        }
        if premises.get("establishment") in ("zweig", "zweigstelle") and premises.get("head_street"):
            result[13] = _address(premises, "head_")
        if premises.get("former_street"):
            result[14] = _address(premises, "former_")
        result[20] = premises.get("establishment", "haupt")
    activity = answers.get("taetigkeit", {})
    if activity:
        result[15] = {"text": activity.get("activity", ""), "wz_code": activity.get("wz_code", "")}
        result[16] = bool(activity.get("side_business"))
        result[17] = activity.get("start_date", "")
        result[18] = list(activity.get("kinds", []))
        result[19] = {"full_time": activity.get("staff_full", 0), "part_time": activity.get("staff_part", 0)}
        result[21] = bool(activity.get("vending"))
        result[22] = bool(activity.get("itinerant"))
    if kind == REGISTRATION:
        reason = answers.get("grund", {})
        if reason:
            result[23] = reason.get("reason", "")
            if reason.get("reason") == "verlegung":
                result[25] = reason.get("former_municipality", "")
            if reason.get("previous_operator"):
                result[26] = reason["previous_operator"]
    elif kind == CHANGE:
        change = answers.get("aenderung", {})
        if change:
            result[23] = list(change.get("changes", []))
            result[17] = change.get("change_date", "")
    elif kind == DEREGISTRATION:
        end = answers.get("abmeldung", {})
        if end:
            result[17] = end.get("end_date", "")
            result[24] = {"reason": end.get("reason", ""), "cause": end.get("cause", "")}
            if end.get("successor"):
                result[26] = end["successor"]
    permits = answers.get("erlaubnisse", {})
    if permits:
        result[27] = permits.get("permit_required", "no")
        if permits.get("permit_kind"):
            result[28] = {
                "kind": permits["permit_kind"],
                "date": permits.get("permit_date") or "",
                "authority": permits.get("permit_authority", ""),
            }
        if permits.get("craft_card") and permits["craft_card"] != "not_needed":
            result[29] = {
                "status": permits["craft_card"],
                "date": permits.get("craft_card_date") or "",
                "chamber": permits.get("craft_card_chamber", ""),
            }
        if permits.get("notes"):
            result[32] = permits["notes"]
    return result


def facts(answers: Answers, kind: str) -> Facts:
    """What decides which recipients a notice concerns (see `RecipientRule.concerns`)."""
    from rathaus.trade import wz

    activity = answers.get("taetigkeit", {})
    business = answers.get("betrieb", {})
    code = activity.get("wz_code", "") or answers.get("_register", {}).get("wz_code", "")
    return {
        "kind": kind,
        "kinds": tuple(activity.get("kinds", ())),
        "wz_code": code,
        "craft_code": wz.craft(code) is not None if code else False,
        "registered": bool(business.get("register_number")) or business.get("legal_form") in LegalForm.REGISTERED,
        "needs_residence_title": any(person.get("nationality_group") == "other" for person in persons(answers)),
    }
