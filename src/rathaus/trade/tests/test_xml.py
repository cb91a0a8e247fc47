"""The XGewerbeanzeige messages: every recipient gets only the fields GewAnzV § 3 allows it, and every
message identifies itself, its business, its municipality and the WZ code."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.cases.services import case_transition
from rathaus.trade import notice as notice_data
from rathaus.trade.gewanzv import RECIPIENTS
from rathaus.trade.models import BusinessNotice, OutboxMessage, Recipient
from rathaus.trade.xml import NAMESPACE, build_message, parse, parse_fields, record_of

NS = {"xga": NAMESPACE}
PERSON_NAMES = ("Hoffmann", "Katrin", "Yılmaz", "Emre")


def gmbh_values(notice: BusinessNotice) -> dict[int, Any]:
    return notice_data.values(notice.answers, notice.kind)


def message_for(
    notice: BusinessNotice, recipient: Recipient, values: dict[int, Any] | None = None, *, correction: bool = False
) -> str:
    """The message `recipient` gets about `notice`, filtered by its rule unless `values` are given."""
    return build_message(
        notice=notice,
        recipient=recipient,
        values=recipient.rule.filter(gmbh_values(notice)) if values is None else values,
        message_uuid=uuid.uuid4(),
        is_correction=correction,
        created_at=timezone.now(),
    )


def by_kind(recipients: list[Recipient]) -> dict[str, Recipient]:
    return {recipient.kind: recipient for recipient in recipients}


def texts(xml: str, path: str) -> list[str]:
    return [element.text or "" for element in parse(xml).xpath(path, namespaces=NS)]


def codes(xml: str, path: str) -> list[str]:
    return texts(xml, f"{path}/code")


def test_the_gmbh_notice_goes_to_the_recipients_it_concerns(confirmed_gmbh: BusinessNotice) -> None:
    kinds = set(OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).values_list("recipient__kind", flat=True))

    # A craft business (no IHK), registered (Registergericht), a Turkish director (Ausländerbehörde),
    # WZ 43220 (no Eichbehörde, Immissionsschutz or Lebensmittelüberwachung).
    assert kinds == {
        "finanzamt",
        "hwk",
        "statistik",
        "dguv",
        "arbeitsagentur",
        "zoll",
        "registergericht",
        "auslaenderbehoerde",
    }


def test_every_message_is_well_formed_and_carries_its_identifiers(confirmed_gmbh: BusinessNotice) -> None:
    messages = list(OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).select_related("recipient"))
    assert messages
    record_uuids = set()
    for message in messages:
        assert message.xml.startswith('<?xml version="1.0" encoding="UTF-8"?>\n')
        root = parse(message.xml)
        rule = message.recipient.rule
        assert root.tag == f"{{{NAMESPACE}}}{rule.message_prefix}.gewerbemeldung.{rule.message_code}"
        assert root.get("standard") == "XGewerbeanzeige"
        assert root.get("version") == "2.2"
        assert root.get("produkt") == "Rathaus"
        assert texts(message.xml, "//xga:nachrichtenUUID") == [str(message.message_uuid)]
        assert codes(message.xml, "//xga:nachrichtentyp") == [rule.message_code]
        assert texts(message.xml, "//xga:leser/xga:behoerdenname") == [message.recipient.name]
        assert codes(message.xml, "xga:nachrichtenkopf/xga:autor/xga:behoerdenkennung/xga:kennung") == ["05974040"]
        assert codes(message.xml, "//xga:anmeldung/xga:gemeindeSchluessel") == ["05974040"]
        assert texts(message.xml, "//xga:gemeindeMeldungNr") == [confirmed_gmbh.reference]
        assert texts(message.xml, "//xga:gewerbebetriebID") == [str(confirmed_gmbh.business.business_id)]
        assert texts(message.xml, "//xga:taetigkeitSchluessel") == ["43220"]
        assert codes(message.xml, "//xga:istKorrektur") == ["0"]
        record_uuids.update(texts(message.xml, "//xga:satz/*/xga:uuid"))
    # One notice, one record: every recipient's copy has the same record uuid.
    assert len(record_uuids) == 1


@pytest.mark.parametrize("kind", sorted(RECIPIENTS))
def test_each_recipient_gets_exactly_the_fields_its_rule_allows(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient], kind: str
) -> None:
    recipient = by_kind(soest_recipients)[kind]
    allowed = recipient.rule.filter(gmbh_values(confirmed_gmbh))

    carried = parse_fields(message_for(confirmed_gmbh, recipient))

    assert carried == set(allowed)
    assert carried <= recipient.rule.allowed


def test_the_ihk_gets_no_head_office_permit_craft_card_residence_title_or_signature(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    xml = message_for(confirmed_gmbh, by_kind(soest_recipients)["ihk"])

    assert not parse_fields(xml) & {13, 27, 29, 30, 31, 33}
    assert {1, 2, 3, 11, 12, 15} <= parse_fields(xml)
    for absent in ("handwerkskarte", "erlaubnis", "aufenthaltstitel", "anschriftHauptniederlassung"):
        assert not texts(xml, f"//xga:{absent}"), absent
    assert "Handwerkskammer Südwestfalen" not in xml


def test_the_eichbehoerde_gets_only_its_nine_fields(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    xml = message_for(confirmed_gmbh, by_kind(soest_recipients)["eichbehoerde"])

    # 14 (former premises) is not in this notice; the others of 1, 3–5, 11, 14, 15, 18, 20 are.
    assert parse_fields(xml) == {1, 3, 4, 5, 11, 15, 18, 20}
    # Field 11 brings the second director with the parts of a person the Eichbehörde may have.
    assert texts(xml, "//xga:beteiligtePerson/xga:familienname") == ["Hoffmann", "Yılmaz"]
    for absent in ("geburtsdatum", "geburtsort", "staatangehoerigkeiten", "aufenthaltstitel", "handwerkskarte"):
        assert not texts(xml, f"//xga:{absent}"), absent
    assert not texts(xml, "//xga:beteiligtePerson/xga:anschrift")
    assert not texts(xml, "//xga:gewerbe/xga:anschrift")  # field 12 is not the Eichbehörde's
    assert "1979-09-30" not in xml


def test_the_finanzamt_gets_everything_given(confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]) -> None:
    values = gmbh_values(confirmed_gmbh)
    message = OutboxMessage.all_tenants.get(notice=confirmed_gmbh, recipient__kind="finanzamt")

    assert parse_fields(message.xml) == set(values)
    assert texts(message.xml, "//xga:beteiligtePerson/xga:geburtsdatum") == ["1981-04-12", "1979-09-30"]
    assert codes(message.xml, "//xga:handwerkskarte/xga:status") == ["1"]
    assert texts(message.xml, "//xga:handwerkskarte/xga:ausgestelltAm") == ["2020-06-15"]
    assert codes(message.xml, "//xga:betriebArt/xga:handwerk") == ["1"]
    assert codes(message.xml, "//xga:betriebArt/xga:handel") == ["0"]
    assert texts(message.xml, "//xga:gewerbe/xga:anschrift/xga:strasse") == ["Ulricher Straße"]
    assert texts(message.xml, "//xga:gewerbe/xga:anschrift/xga:hausNrVon") == ["20"]
    assert texts(message.xml, "//xga:eintragungNr") == ["12345"]
    assert codes(message.xml, "//xga:rechtsformSchluessel") == ["310"]
    assert texts(message.xml, "//xga:gueltigAb") == [confirmed_gmbh.valid_from.isoformat()]


def test_the_auslaenderbehoerde_gets_the_residence_title_of_the_turkish_director(
    confirmed_gmbh: BusinessNotice,
) -> None:
    message = OutboxMessage.all_tenants.get(notice=confirmed_gmbh, recipient__kind="auslaenderbehoerde")

    assert texts(message.xml, "//xga:aufenthaltstitel/xga:ausgestelltVonName") == ["Kreis Soest, Ausländerbehörde"]
    # Only about him: the German managing director is none of the foreigners' authority's business.
    assert "Hoffmann" not in message.xml and "Katrin" not in message.xml
    assert "Yılmaz" in message.xml


def test_every_recipient_learns_the_legal_form_even_without_a_register_entry(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    answers = dict(confirmed_gmbh.answers)
    answers["betrieb"] = {"legal_form": "gbr", "person_count": 2}
    confirmed_gmbh.answers = answers  # in memory only: the same notice as a GbR without register entry
    recipient = by_kind(soest_recipients)["statistik"]
    xml = message_for(confirmed_gmbh, recipient, recipient.rule.filter(notice_data.values(answers, "anmeldung")))
    assert 1 not in parse_fields(xml)
    assert codes(xml, "//xga:rechtsformSchluessel") == ["210"]


def test_the_auslaenderbehoerde_gets_person_1s_residence_title_and_conditions(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    # The same GmbH with the Turkish director named first.
    answers = dict(confirmed_gmbh.answers)
    answers["person_1"], answers["person_2"] = answers["person_2"], answers["person_1"]
    recipient = by_kind(soest_recipients)["auslaenderbehoerde"]
    values = recipient.rule.filter(notice_data.values(answers, confirmed_gmbh.kind))

    xml = message_for(confirmed_gmbh, recipient, values)

    assert parse_fields(xml) == {3, 4, 5, 6, 7, 8, 12, 15, 17, 30, 31}
    assert texts(xml, "//xga:aufenthaltstitel/xga:ausgestelltVonName") == ["Kreis Soest, Ausländerbehörde"]
    assert texts(xml, "//xga:aufenthaltstitel/xga:ausgestelltAm") == ["2015-03-01"]
    assert codes(xml, "//xga:aufenthaltstitel/xga:selbststaendigeTaetigkeitErlaubt") == ["1"]
    assert texts(xml, "//xga:staatsangehoerigkeitBezeichnung") == ["türkisch"]
    assert not texts(xml, "//xga:handwerkskarte")


def test_the_statistics_office_gets_no_names_of_persons(confirmed_gmbh: BusinessNotice) -> None:
    message = OutboxMessage.all_tenants.get(notice=confirmed_gmbh, recipient__kind="statistik")

    for absent in ("familienname", "vorname", "geburtsname", "geburtsdatum", "geburtsort"):
        assert not texts(message.xml, f"//xga:{absent}"), absent
    assert not texts(message.xml, "//xga:beteiligtePerson/xga:anschrift")
    for name in PERSON_NAMES:
        assert name not in message.xml
    # What the statistics need is there: sex and nationality, legal form, staff, kind of business.
    assert codes(message.xml, "//xga:beteiligtePerson/xga:geschlecht") == ["2"]
    assert codes(message.xml, "//xga:staatsangehoerigkeitSchluessel") == ["000"]
    assert codes(message.xml, "//xga:rechtsformSchluessel") == ["310"]
    assert texts(message.xml, "//xga:anzahlVollzeitBeschaeftigte") == ["4"]


def test_without_field_15_only_the_wz_code_remains(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    xml = message_for(confirmed_gmbh, by_kind(soest_recipients)["finanzamt"], values={})

    assert parse_fields(xml) == set()
    assert texts(xml, "//xga:taetigkeitSchluessel") == ["43220"]
    assert not texts(xml, "//xga:taetigkeitSchwerpunkt")
    assert "Heizungs" not in xml
    assert not texts(xml, "//xga:beteiligtePerson")
    # The identifiers are metadata and stay.
    assert texts(xml, "//xga:gewerbebetriebID") == [str(confirmed_gmbh.business.business_id)]
    assert codes(xml, "//xga:satz/*/xga:gemeindeSchluessel") == ["05974040"]
    assert texts(xml, "//xga:nachrichtenUUID")


def test_a_correction_says_so_and_keeps_the_record_uuid(
    confirmed_gmbh: BusinessNotice, gmbh_case: Case, trade_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    original = OutboxMessage.all_tenants.get(notice=confirmed_gmbh, recipient__kind="finanzamt")
    gmbh_case.refresh_from_db()

    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=gmbh_case, transition_key="correct", actor=trade_clerk, text="Tippfehler im Namen")

    correction = OutboxMessage.all_tenants.get(notice__corrects=confirmed_gmbh, recipient__kind="finanzamt")
    assert correction.is_correction
    assert codes(correction.xml, "//xga:istKorrektur") == ["1"]
    assert codes(original.xml, "//xga:istKorrektur") == ["0"]
    assert correction.message_uuid != original.message_uuid
    assert texts(correction.xml, "//xga:satz/*/xga:uuid") == texts(original.xml, "//xga:satz/*/xga:uuid")


def test_a_deregistration_has_its_reason_and_successor(
    confirmed_gmbh: BusinessNotice, soest_recipients: list[Recipient]
) -> None:
    answers = {
        **confirmed_gmbh.answers,
        "abmeldung": {
            "end_date": "2027-03-31",
            "reason": "uebergabe",
            "cause": "alter",
            "successor": "Nachfolger GmbH",
        },
    }
    notice = BusinessNotice.all_tenants.create(
        municipality=confirmed_gmbh.municipality,
        business=confirmed_gmbh.business,
        kind=notice_data.DEREGISTRATION,
        reference="RH-2027-000009",
        valid_from="2027-03-31",
        wz_code="43220",
        answers=answers,
        confirmed_at=timezone.now(),
    )
    recipient = by_kind(soest_recipients)["finanzamt"]

    xml = message_for(notice, recipient, recipient.rule.filter(notice_data.values(answers, notice.kind)))

    assert record_of(parse(xml)).tag == f"{{{NAMESPACE}}}abmeldung"
    assert {17, 24, 26} <= parse_fields(xml)
    assert texts(xml, "//xga:gueltigAb") == ["2027-03-31"]
    assert codes(xml, "//xga:grundAbmeldungSchluessel") == ["03"]
    assert texts(xml, "//xga:kuenftigesGewerbe/xga:bezeichnung") == ["Nachfolger GmbH"]
    assert not texts(xml, "//xga:grundAnmeldungSchluessel")


def test_parsing_resolves_no_external_entities() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
        f'<xga:m xmlns:xga="{NAMESPACE}"><xga:satz><xga:anmeldung><xga:hinweise>&secret;</xga:hinweise>'
        "</xga:anmeldung></xga:satz></xga:m>"
    )

    root = parse(hostile)

    assert "root:" not in "".join(root.itertext())
    assert parse_fields(hostile) == {32}
