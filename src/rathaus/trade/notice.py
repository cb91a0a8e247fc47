"""A trade notice's answers as the numbered fields of the form, the shape every recipient filter and
every message works on.

`values(notice, kind)` returns {field number: value}. Person 1 fills fields 3–9 (and 30–31); every
further owner, partner or legal representative is an entry of field 11, as on the paper form's
supplementary sheet. Fields not answered are absent, so a filter never invents an empty field.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from rathaus.trade.answers import Address, Person, TradeNoticeAnswers
from rathaus.trade.codes import BRANCHES, LEGAL_PERSONS, REGISTERED, CraftCard, NationalityGroup, RegistrationReason
from rathaus.trade.gewanzv import Facts, residence_title_asked

REGISTRATION = "anmeldung"
CHANGE = "ummeldung"
DEREGISTRATION = "abmeldung"


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def _key(code: StrEnum | None) -> str:
    return code.value if code is not None else ""


def _address(address: Address) -> dict[str, str]:
    return {"street": address.street, "postal_code": address.postal_code, "city": address.city}


def _person_identity(person: Person) -> dict[str, Any]:
    return {
        "role": _key(person.role),
        "last_name": person.last_name,
        "first_names": person.first_names,
        "birth_name": person.birth_name,
        "doctor": person.doctor,
        "sex": _key(person.sex),
        "birth_date": _iso(person.birth_date),
        "birth_place": person.birth_place,
        "birth_country": person.birth_country,
        "nationality_group": _key(person.nationality_group),
        "nationality": person.nationality,
        "address": _address(person.address),
    }


def _residence(person: Person) -> dict[str, Any] | None:
    if not residence_title_asked(person.nationality_group) or person.residence_title is None:
        return None
    return {
        "status": person.residence_title.value,
        "authority": person.residence_title_authority,
        "issued_on": _iso(person.residence_title_date),
    }


def values(answers: TradeNoticeAnswers | Mapping[str, Any], kind: str) -> dict[int, Any]:
    """The notice by field number, from its typed answers (or the stored ones, read here). Keys are ints;
    values are JSON-safe."""
    notice = answers if isinstance(answers, TradeNoticeAnswers) else TradeNoticeAnswers.from_answers(answers)
    result: dict[int, Any] = {}
    business = notice.business
    if business.registered_name:
        result[1] = business.registered_name
    if business.register_number:
        result[2] = {"court": business.register_court, "number": business.register_number}
    people = notice.persons
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
        contact = {key: value for key, value in (("phone", first.phone), ("email", first.email)) if value}
        if contact:
            result[9] = contact
        residence = _residence(first)
        if residence is not None:
            result[30] = residence
            if first.self_employment_allowed is not None:
                result[31] = first.self_employment_allowed.value
        others = []
        for person in people[1:]:
            entry = _person_identity(person)
            residence = _residence(person)
            if residence is not None:
                entry["residence_title"] = residence
                entry["self_employment_allowed"] = _key(person.self_employment_allowed)
            others.append(entry)
        if others:
            result[11] = others
    if business.legal_form in LEGAL_PERSONS:
        result[10] = len(people)
    premises = notice.premises
    if premises is not None:
        channels = {"phone": premises.phone, "email": premises.email, "website": premises.website}
        result[12] = {**_address(premises.address), **{key: value for key, value in channels.items() if value}}
        if premises.establishment in BRANCHES and premises.head_office.street:
            result[13] = _address(premises.head_office)
        if premises.former.street:
            result[14] = _address(premises.former)
        result[20] = premises.establishment.value
    activity = notice.activity
    if activity is not None:
        result[15] = {"text": activity.activity, "wz_code": activity.wz_code}
        result[16] = activity.side_business
        result[17] = _iso(activity.start_date)
        result[18] = [kind.value for kind in activity.kinds]
        result[19] = {"full_time": activity.staff_full, "part_time": activity.staff_part}
        result[21] = activity.vending
        result[22] = activity.itinerant
    if kind == REGISTRATION:
        registration = notice.registration
        if registration is not None:
            result[23] = _key(registration.reason)
            if registration.reason == RegistrationReason.RELOCATION:
                result[25] = registration.former_municipality
            if registration.previous_operator:
                result[26] = registration.previous_operator
    elif kind == CHANGE:
        change = notice.change
        if change is not None:
            result[23] = [item.value for item in change.changes]
            result[17] = _iso(change.change_date)
    elif kind == DEREGISTRATION:
        end = notice.deregistration
        if end is not None:
            result[17] = _iso(end.end_date)
            result[24] = {"reason": _key(end.reason), "cause": _key(end.cause)}
            if end.successor:
                result[26] = end.successor
    permits = notice.permits
    if permits is not None:
        result[27] = permits.permit_required.value
        if permits.permit_kind:
            result[28] = {
                "kind": permits.permit_kind,
                "date": _iso(permits.permit_date),
                "authority": permits.permit_authority,
            }
        if permits.craft_card is not None and permits.craft_card != CraftCard.NOT_NEEDED:
            result[29] = {
                "status": permits.craft_card.value,
                "date": _iso(permits.craft_card_date),
                "chamber": permits.craft_card_chamber,
            }
        if permits.notes:
            result[32] = permits.notes
    return result


def facts(notice: TradeNoticeAnswers, kind: str, *, register_wz_code: str = "") -> Facts:
    """What decides which recipients a notice concerns (see `RecipientRule.concerns`). A notice without
    an activity page (GewA 3) is judged by the WZ code in the register, `register_wz_code`."""
    from rathaus.trade import wz

    code = notice.wz_code or register_wz_code
    business = notice.business
    return {
        "kind": kind,
        "kinds": tuple(item.value for item in notice.activity.kinds) if notice.activity is not None else (),
        "wz_code": code,
        "craft_code": wz.craft(code) is not None if code else False,
        "registered": bool(business.register_number) or business.legal_form in REGISTERED,
        "needs_residence_title": any(person.nationality_group == NationalityGroup.OTHER for person in notice.persons),
    }
