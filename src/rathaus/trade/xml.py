"""The messages to the recipients of a trade notice, in the structure of XGewerbeanzeige 2.2.

One message is one recipient's copy of one notice: a header (`nachrichtenkopf`: message UUID, type,
time, the recipient as reader and the trade office as author) and one record (`satz`) holding an
`anmeldung`, `ummeldung` or `abmeldung`. The record carries only the fields the recipient may
receive (GewAnzV § 3): `build_message` gets them already filtered, and `_write_fields` is the one
place that says which field number becomes which element. `parse_fields` reads that mapping back
(`FIELD_PATHS`), for the tests and the outbox page.

Always present, whatever the filter leaves, because they identify the message rather than say
anything about a person: the header, the record's IDs (gemeindeSchluessel, gemeindeMeldungNr,
gewerbebetriebID, uuid), the dates of the record and the WZ code (`taetigkeitSchluessel`).

Element names and code values follow the example messages of the standard (KoSIT test suite). Where
the examples show no element for a field (e.g. fields 13, 14, 21, 25–28, 32), the name follows the
standard's naming style, and codes the examples do not show are Rathaus's own (`CODES`): both are to
be checked against the XSD and code lists before a recipient validates messages strictly.
Dates are ISO 8601, booleans the code 0/1 as in the examples.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from datetime import datetime
from importlib import metadata
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from lxml import etree

from rathaus.trade.answers import TradeNoticeAnswers
from rathaus.trade.codes import XGEWERBE_KEYS, BusinessKind, LegalForm
from rathaus.trade.notice import CHANGE, DEREGISTRATION, REGISTRATION

if TYPE_CHECKING:
    from rathaus.municipalities.models import Municipality
    from rathaus.trade.models import BusinessNotice, Recipient, TradeOffice

NAMESPACE = "http://www.xgewerbeanzeige.de/spezifikation/2.2"
PREFIX = "xga"
STANDARD = "XGewerbeanzeige"
VERSION = "2.2"
PRODUCT = "Rathaus"
_NS = {PREFIX: NAMESPACE}
# Seeds the record's uuid: the same notice gives the same uuid in every recipient's message.
_RECORD_NAMESPACE = uuid.UUID("6f1c2a52-3b1e-4c8e-9a55-0d3c8f0a7e21")
_HOUSE_NUMBER = re.compile(r"^(?P<street>.*?\S)\s+(?P<number>\d+\s*[a-zA-Z]?(?:\s*[-/]\s*\d+\s*[a-zA-Z]?)?)$")
# The record's element by the notice's kind (GewA 1, 2, 3).
RECORD_ELEMENTS = {REGISTRATION: "anmeldung", CHANGE: "ummeldung", DEREGISTRATION: "abmeldung"}

# Code values by answer. Those the example messages show: Germany 276, "deutsch" 000, male 1,
# main establishment 1, yes/no 1/0, e-mail 01, telephone 02, web 09, MELDID + AGS for the author.
CODES: dict[str, dict[str, str]] = {
    "sex": {"m": "1", "w": "2", "d": "3", "x": "4"},
    "role": {"inhaber": "1", "gesellschafter": "2", "geschaeftsfuehrer": "3", "vorstand": "4", "komplementaer": "5"},
    "establishment": {"haupt": "1", "zweig": "2", "zweigstelle": "3"},
    "registration_reason": {
        "neu": "01",
        "verlegung": "02",
        "uebernahme": "03",
        "rechtsform": "04",
        "eintritt": "05",
        "umwg": "06",
    },
    "change": {"verlegung": "01", "wechsel": "02", "ausdehnung": "03", "einschraenkung": "04", "personen": "05"},
    "deregistration_reason": {
        "aufgabe": "01",
        "verlegung": "02",
        "uebergabe": "03",
        "rechtsform": "04",
        "austritt": "05",
    },
    "deregistration_cause": {"wirtschaftlich": "11", "insolvenz": "12", "alter": "13", "sonstiges": "17"},
    # Handwerkskarte and residence title: 1 there, 2 applied for, 3 not there.
    "status": {"yes": "1", "applied": "2", "no": "3"},
    "permit_required": {"no": "0", "yes": "1", "unsure": "9"},
    "self_employment": {"no": "0", "yes": "1", "conditions": "2"},
    "register": {"HRA": "A", "HRB": "B", "GnR": "G", "PR": "P", "VR": "V", "GsR": "S"},
}
BUSINESS_KINDS = tuple(kind.value for kind in BusinessKind)
CHANNEL_EMAIL, CHANNEL_PHONE, CHANNEL_WEB = "01", "02", "09"
GERMANY = "276"
GERMAN = "000"


def _q(name: str) -> str:
    return f"{{{NAMESPACE}}}{name}"


def _add(parent: Any, name: str, text: object = None, **attributes: str) -> Any:
    """A child in the XGewerbeanzeige namespace; no text for None."""
    element = etree.SubElement(parent, _q(name), attributes)
    if text is not None:
        element.text = str(text)
    return element


def _code(parent: Any, name: str, code: str, **attributes: str) -> Any:
    """A code element: `<xga:name><code>…</code></xga:name>` (`code` has no namespace, as in the standard)."""
    element = _add(parent, name, **attributes)
    etree.SubElement(element, "code").text = code
    return element


def _flag(parent: Any, name: str, value: object) -> Any:
    return _code(parent, name, "1" if value else "0")


def _mapped(table: str, value: object) -> str:
    """The code for an answer; an answer without code goes out as it is rather than be lost."""
    return CODES[table].get(str(value), str(value))


def _text(parent: Any, name: str, value: object) -> None:
    """A text element, left out when there is nothing to say."""
    if value not in (None, ""):
        _add(parent, name, value)


def _split_street(street: str) -> tuple[str, str]:
    """ "Ulricher Straße 20" → ("Ulricher Straße", "20"); a street without number stays whole."""
    match = _HOUSE_NUMBER.match(street.strip())
    if match is None:
        return street.strip(), ""
    return match["street"], re.sub(r"\s+", "", match["number"])


def _address(parent: Any, address: Mapping[str, Any], *, name: str = "anschrift", number: str = "hausNrVon") -> Any:
    element = _add(parent, name)
    street, house_number = _split_street(str(address.get("street", "")))
    _text(element, "strasse", street)
    _text(element, number, house_number)
    _text(element, "ort", address.get("city", ""))
    _text(element, "plz", address.get("postal_code", ""))
    if number == "hausNrVon":
        # Every address of the forms is German: the postal code has five digits.
        _code(element, "nationSchluessel", GERMANY, listVersionID="2")
    return element


def _reachable(parent: Any, channel: str, value: object) -> None:
    if value:
        element = _add(parent, "erreichbarkeit")
        _code(element, "kanal", channel)
        _add(element, "kennung", value)


def _iso_date(value: object) -> str:
    return str(value)[:10]


def _timestamp(value: datetime) -> str:
    return timezone.localtime(value).isoformat(timespec="seconds")


# The header -------------------------------------------------------------------------------------------


def _author(parent: Any, municipality: Municipality, office: TradeOffice) -> None:
    """The trade office as author: MELDID with the municipality's AGS, as the examples have it."""
    author = _add(parent, "autor")
    key = _add(author, "behoerdenkennung")
    _code(key, "praefix", "MELDID", listVersionID="7")
    _code(key, "kennung", municipality.ags, listURI="urn:de:bund:destatis:bevoelkerungsstatistik:schluessel:ags")
    _reachable(author, CHANNEL_EMAIL, office.sender_email)
    _reachable(author, CHANNEL_PHONE, office.sender_phone)
    _address(
        author,
        {"street": municipality.street, "postal_code": municipality.postal_code, "city": municipality.city},
        number="hausNr",
    )
    _add(author, "behoerdenname", office.sender_name)


def _reader(parent: Any, recipient: Recipient) -> None:
    """The recipient as reader. Its authority key may name the DVDV prefix: "azr:000100"."""
    reader = _add(parent, "leser")
    if recipient.authority_key:
        prefix, _, key = recipient.authority_key.rpartition(":")
        identification = _add(reader, "behoerdenkennung")
        _code(identification, "praefix", prefix or PREFIX, listVersionID="7")
        _code(identification, "kennung", key)
    if recipient.transport == "email":
        _reachable(reader, CHANNEL_EMAIL, recipient.address)
    _add(reader, "behoerdenname", recipient.name)


def _header(root: Any, *, recipient: Recipient, message_uuid: uuid.UUID, created_at: datetime) -> Any:
    header = _add(root, "nachrichtenkopf")
    identification = _add(header, "identifikation.nachricht")
    _add(identification, "nachrichtenUUID", message_uuid)
    _code(identification, "nachrichtentyp", recipient.rule.message_code)
    _add(identification, "erstellungszeitpunkt", _timestamp(created_at))
    _reader(header, recipient)
    return header


# The fields -------------------------------------------------------------------------------------------

# Where each field number stands in a record (XPath from the `anmeldung`/`ummeldung`/`abmeldung`
# element): the reverse of `_write_fields`, read by `parse_fields`. Person 1 of the notice is always
# the first `beteiligtePerson`; the further persons of field 11 follow it.
_PERSON_1 = "xga:gewerbe/xga:beteiligtePerson[1]"
FIELD_PATHS: dict[int, str] = {
    1: "xga:gewerbe/xga:betrieb/xga:eingetragenerName",
    2: "xga:gewerbe/xga:betrieb/xga:eintragungNr",
    3: f"{_PERSON_1}/xga:familienname",
    4: f"{_PERSON_1}/xga:vorname",
    5: f"{_PERSON_1}/xga:geschlecht",
    6: f"{_PERSON_1}/xga:geburtsdatum",
    7: f"{_PERSON_1}/xga:staatangehoerigkeiten",
    8: f"{_PERSON_1}/xga:anschrift",
    9: f"{_PERSON_1}/xga:erreichbarkeit",
    10: "xga:gewerbe/xga:anzahlGesetzlicheVertreter",
    11: "xga:gewerbe/xga:beteiligtePerson[position() > 1]",
    12: "xga:gewerbe/xga:anschrift",
    13: "xga:gewerbe/xga:anschriftHauptniederlassung",
    14: "xga:gewerbe/xga:anschriftFruehereBetriebsstaette",
    15: "xga:taetigkeitenGesamt/xga:schwerpunkt/xga:taetigkeitSchwerpunkt",
    16: "xga:gewerbe/xga:istNebenerwerb",
    17: "xga:gueltigAb",
    18: "xga:gewerbe/xga:betriebArt",
    19: "xga:gewerbe/xga:anzahlVollzeitBeschaeftigte",
    20: "xga:gewerbe/xga:niederlassungArt",
    21: "xga:gewerbe/xga:istAutomatenaufstellung",
    22: "xga:gewerbe/xga:istReisegewerbe",
    23: "xga:grundAnmeldungSchluessel | xga:grundUmmeldungSchluessel",
    24: "xga:grundAbmeldungSchluessel",
    25: "xga:verlegungAusOrt",
    26: "xga:bisherigesGewerbe | xga:kuenftigesGewerbe",
    27: "xga:gewerbe/xga:erlaubnis/xga:erlaubnispflicht",
    28: "xga:gewerbe/xga:erlaubnis/xga:erlaubnisArt",
    29: "xga:gewerbe/xga:handwerkskarte",
    30: f"{_PERSON_1}/xga:aufenthaltstitel/xga:status",
    31: f"{_PERSON_1}/xga:aufenthaltstitel/xga:selbststaendigeTaetigkeitErlaubt",
    32: "xga:hinweise",
    # 33, the signature, never leaves the office: the online declaration stands in for it.
}
# The fields that describe one person (of person 1 directly, of field 11's persons per entry).
PERSON_FIELDS = frozenset({3, 4, 5, 6, 7, 8, 9, 30, 31})


def _person_1(values: Mapping[int, Any]) -> dict[str, Any]:
    """Person 1 from fields 3–9, 30 and 31, in the shape of a field 11 entry."""
    name = values.get(3, {})
    birth = values.get(6, {})
    nationality = values.get(7, {})
    return {
        "role": name.get("role", ""),
        "last_name": name.get("last_name", ""),
        "birth_name": name.get("birth_name", ""),
        "doctor": name.get("doctor", ""),
        "first_names": values.get(4, ""),
        "sex": values.get(5, ""),
        "birth_date": birth.get("date", ""),
        "birth_place": birth.get("place", ""),
        "birth_country": birth.get("country", ""),
        "nationality_group": nationality.get("group", ""),
        "nationality": nationality.get("text", ""),
        "address": values.get(8, {}),
        "contact": values.get(9, {}),
        "residence_title": values.get(30),
        "self_employment_allowed": values.get(31, ""),
    }


def _person(parent: Any, person: Mapping[str, Any], given: frozenset[int]) -> None:
    """One `beteiligtePerson` with the parts of fields 3–9, 30 and 31 in `given`."""
    element = _add(parent, "beteiligtePerson")
    if 3 in given:  # Field 3: family name, with function, doctorate and birth name as on the form
        if person.get("role"):
            _code(element, "personFunktion", _mapped("role", person["role"]))
        _text(element, "doktorgrad", person.get("doctor"))
        _text(element, "familienname", person.get("last_name"))
    if 4 in given:  # Field 4: first names
        _text(element, "vorname", person.get("first_names"))
    if 5 in given and person.get("sex"):  # Field 5: sex
        _code(element, "geschlecht", _mapped("sex", person["sex"]), listVersionID="3")
    if 3 in given:
        _text(element, "geburtsname", person.get("birth_name"))
    if 6 in given:  # Field 6: date, place and country of birth
        if person.get("birth_date"):
            _add(element, "geburtsdatum", _iso_date(person["birth_date"]))
        _text(element, "geburtsort", person.get("birth_place"))
        _text(element, "geburtsland", person.get("birth_country"))
    if 7 in given and person.get("nationality_group"):  # Field 7: nationality
        nationalities = _add(element, "staatangehoerigkeiten")
        if person["nationality_group"] == "de":
            _code(nationalities, "staatsangehoerigkeitSchluessel", GERMAN)
        else:
            # The form asks for the nationality in words; the key of the Destatis list is not known.
            _add(nationalities, "staatsangehoerigkeitBezeichnung", person.get("nationality") or "")
            _flag(nationalities, "istEUStaatsangehoerigkeit", person["nationality_group"] == "eu")
    if 8 in given and person.get("address"):  # Field 8: home address
        _address(element, person["address"])
    if 9 in given:  # Field 9: telephone and e-mail
        contact = person.get("contact") or {}
        _reachable(element, CHANNEL_PHONE, contact.get("phone"))
        _reachable(element, CHANNEL_EMAIL, contact.get("email"))
    residence = person.get("residence_title")
    allowed = person.get("self_employment_allowed")
    if (30 in given and residence) or (31 in given and allowed):
        title = _add(element, "aufenthaltstitel")
        if 30 in given and residence:  # Field 30: residence title: status, date, issuing authority
            _code(title, "status", _mapped("status", residence.get("status", "")))
            if residence.get("issued_on"):
                _add(title, "ausgestelltAm", _iso_date(residence["issued_on"]))
            _text(title, "ausgestelltVonName", residence.get("authority"))
        if 31 in given and allowed:  # Field 31: conditions: self-employment allowed?
            _code(title, "selbststaendigeTaetigkeitErlaubt", _mapped("self_employment", allowed))


def _write_fields(record: Any, values: Mapping[int, Any], *, notice: BusinessNotice, recipient: Recipient) -> None:
    """THE mapping of field numbers to elements, in the order the standard wants them. Writes an
    element only for a field in `values` (already filtered for the recipient); `FIELD_PATHS` is its
    reverse. The WZ code in `taetigkeitSchluessel` is the one exception: message metadata."""
    business = _add(record, "gewerbe")
    betrieb = _add(business, "betrieb")
    _add(betrieb, "ID", 1)
    if 1 in values:  # Field 1: name in the register, with its legal form
        _add(betrieb, "eingetragenerName", values[1])
    if 2 in values:  # Field 2: register court, register type and number ("HRB 12345")
        kind, _, number = str(values[2].get("number", "")).partition(" ")
        _add(betrieb, "eintragungNr", number or kind)
        court = str(values[2].get("court", ""))
        _text(betrieb, "eintragungOrt", court.removeprefix("Amtsgericht").strip() or court)
        if number:
            _code(betrieb, "eintragungArt", _mapped("register", kind))
    # The legal form is metadata like the WZ code: every recipient needs it to file the message, and it
    # names no person (for a sole trader it says only "Einzelunternehmen").
    legal_form = TradeNoticeAnswers.from_answers(notice.answers).business.legal_form
    if legal_form is None and notice.business.legal_form in LegalForm.values:
        legal_form = LegalForm(notice.business.legal_form)
    if legal_form is not None:
        _code(betrieb, "rechtsformSchluessel", XGEWERBE_KEYS[legal_form])
    if 10 in values:  # Field 10: number of legal representatives
        _add(business, "anzahlGesetzlicheVertreter", values[10])
    if 19 in values:  # Field 19: people working there, full and part time
        _add(business, "anzahlVollzeitBeschaeftigte", int(values[19].get("full_time") or 0))
        _add(business, "anzahlTeilzeitBeschaeftigte", int(values[19].get("part_time") or 0))
    if 18 in values:  # Field 18: kind of business, one yes/no per kind
        kinds = _add(business, "betriebArt")
        for kind in BUSINESS_KINDS:
            _flag(kinds, kind, kind in values[18])
    if 20 in values:  # Field 20: main establishment, branch or dependent branch
        _code(business, "niederlassungArt", _mapped("establishment", values[20]))
    if 21 in values:  # Field 21: vending machines
        _flag(business, "istAutomatenaufstellung", values[21])
    if 22 in values:  # Field 22: itinerant trade
        _flag(business, "istReisegewerbe", values[22])
    if 16 in values:  # Field 16: side business
        _flag(business, "istNebenerwerb", values[16])
    if 27 in values or 28 in values:
        permit = _add(business, "erlaubnis")
        if 27 in values:  # Field 27: does the activity need a permit?
            _code(permit, "erlaubnispflicht", _mapped("permit_required", values[27]))
        if 28 in values:  # Field 28: the permit: kind, date, authority
            _add(permit, "erlaubnisArt", values[28].get("kind", ""))
            if values[28].get("date"):
                _add(permit, "erteiltAm", _iso_date(values[28]["date"]))
            _text(permit, "erteiltVonName", values[28].get("authority"))
    if 29 in values:  # Field 29: Handwerkskarte
        card = _add(business, "handwerkskarte")
        _code(card, "status", _mapped("status", values[29].get("status", "")))
        if values[29].get("date"):
            _add(card, "ausgestelltAm", _iso_date(values[29]["date"]))
        _text(card, "ausgestelltVonName", values[29].get("chamber"))
    if 12 in values:  # Field 12: premises, with their telephone, e-mail and website
        _address(business, values[12])
        _reachable(business, CHANNEL_PHONE, values[12].get("phone"))
        _reachable(business, CHANNEL_EMAIL, values[12].get("email"))
        _reachable(business, CHANNEL_WEB, values[12].get("website"))
    if 13 in values:  # Field 13: main establishment of a branch
        _address(business, values[13], name="anschriftHauptniederlassung")
    if 14 in values:  # Field 14: former premises
        _address(business, values[14], name="anschriftFruehereBetriebsstaette")
    # Fields 3–9, 30, 31: person 1. Field 11: the further persons, each with the parts of 3–9, 30
    # and 31 the recipient's rule allows (fields of a person; the form's supplementary sheet).
    own = frozenset(values) & PERSON_FIELDS
    if own or 11 in values:
        _person(business, _person_1(values), own)
    if 11 in values:
        for person in values[11]:
            _person(business, person, recipient.rule.allowed & PERSON_FIELDS)
    if 17 in values:  # Field 17: date of the start (GewA 1), the change (GewA 2), the end (GewA 3)
        _add(record, "gueltigAb", _iso_date(values[17]))
    _add(record, "datumMeldung", _notice_date(notice))
    activity = _add(_add(record, "taetigkeitenGesamt"), "schwerpunkt")
    if 15 in values:  # Field 15: the activity in words (the WZ code beside it is metadata)
        _add(activity, "taetigkeitSchwerpunkt", values[15].get("text", ""))
    _add(activity, "taetigkeitSchluessel", notice.wz_code.replace(".", ""))
    if 25 in values:  # Field 25: moved here from another municipality
        _add(record, "verlegungAusOrt", values[25])
    if 26 in values:  # Field 26: former trader (GewA 1) or future one (GewA 3)
        name = "kuenftigesGewerbe" if notice.kind == DEREGISTRATION else "bisherigesGewerbe"
        _add(_add(record, name), "bezeichnung", values[26])
    if 23 in values:  # Field 23: reason of the registration (GewA 1) or what changes (GewA 2)
        if notice.kind == CHANGE:
            for change in values[23]:
                _code(record, "grundUmmeldungSchluessel", _mapped("change", change))
        else:
            _code(record, "grundAnmeldungSchluessel", _mapped("registration_reason", values[23]))
    if 24 in values:  # Field 24: reason and cause of the deregistration
        _code(record, "grundAbmeldungSchluessel", _mapped("deregistration_reason", values[24].get("reason", "")))
        if values[24].get("cause"):
            _code(record, "ursacheAbmeldungSchluessel", _mapped("deregistration_cause", values[24]["cause"]))
    if 32 in values:  # Field 32: remarks of the person giving notice
        _add(record, "hinweise", values[32])


def _notice_date(notice: BusinessNotice) -> str:
    """The day the notice was given: the case's submission, else the receipt."""
    moment = notice.case.submitted_at if notice.case is not None else notice.confirmed_at
    return timezone.localdate(moment).isoformat()


def record_uuid(notice: BusinessNotice) -> uuid.UUID:
    """The record's uuid: the same for a notice and all its corrections, so a recipient replaces the
    record it holds (together with istKorrektur 1)."""
    original = notice
    while original.corrects is not None:
        original = original.corrects
    return uuid.uuid5(_RECORD_NAMESPACE, f"{notice.business.business_id}/{original.pk}")


def build_message(
    *,
    notice: BusinessNotice,
    recipient: Recipient,
    values: dict[int, Any],
    message_uuid: uuid.UUID,
    is_correction: bool,
    created_at: datetime,
    office: TradeOffice | None = None,
) -> str:
    """The message to `recipient` about `notice`, as UTF-8 XML text with declaration. Callers writing
    several messages of one notice pass the trade office once (`office`)."""
    from rathaus.trade.services import trade_office_for

    municipality = notice.municipality
    office = office or trade_office_for(municipality)
    rule = recipient.rule
    root = etree.Element(
        _q(f"{rule.message_prefix}.gewerbemeldung.{rule.message_code}"),
        {
            "produkt": PRODUCT,
            "produkthersteller": PRODUCT,
            "produktversion": _product_version(),
            "standard": STANDARD,
            "version": VERSION,
        },
        nsmap={PREFIX: NAMESPACE},
    )
    header = _header(root, recipient=recipient, message_uuid=message_uuid, created_at=created_at)
    _author(header, municipality, office)
    record = _add(_add(root, "satz"), RECORD_ELEMENTS[notice.kind])
    _add(record, "satzErstellung", _timestamp(created_at))
    _add(record, "ereigniszeitpunkt", _timestamp(notice.confirmed_at))
    _author(record, municipality, office)
    _flag(record, "istKorrektur", is_correction)
    _code(record, "gemeindeSchluessel", municipality.ags)
    _add(record, "gemeindeMeldungNr", notice.reference)
    _add(record, "gewerbebetriebID", notice.business.business_id)
    _add(record, "uuid", record_uuid(notice))
    _write_fields(record, values, notice=notice, recipient=recipient)
    body: str = etree.tostring(root, encoding="unicode", pretty_print=True)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n{body}'


def _product_version() -> str:
    try:
        return metadata.version("rathaus")
    except metadata.PackageNotFoundError:
        return "0"


def parse(xml: str) -> Any:
    """The message's root element. No DTDs, entities or network: the text may come from anywhere."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(xml.encode("utf-8"), parser)


def record_of(root: Any) -> Any:
    """The `anmeldung`, `ummeldung` or `abmeldung` element of a message."""
    found = root.xpath("xga:satz/*[1]", namespaces=_NS)
    if not found:
        raise ValueError("The message holds no record (satz).")
    return found[0]


def parse_fields(xml: str) -> set[int]:
    """The field numbers a message carries: the reverse of `_write_fields`."""
    record = record_of(parse(xml))
    return {number for number, path in FIELD_PATHS.items() if record.xpath(path, namespaces=_NS)}
