"""The outbox pages for staff and the trade office's settings for admins."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import Municipality
from rathaus.records.models import AuditEvent
from rathaus.testing import make_department, make_staff
from rathaus.trade import outbox_views
from rathaus.trade.models import BusinessNotice, OutboxMessage, Recipient, TradeOffice
from rathaus.trade.tests.outbox_data import make_message, make_recipient

OUTBOX = "/soest/verwaltung/gewerbe/postausgang/"
SETTINGS = "/soest/verwaltung/gewerbe/einstellungen/"


def login(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def clerk_client(trade_clerk: User) -> Client:
    return login(trade_clerk)


def rows(page: str) -> list[str]:
    """The message types in the outbox table, top to bottom."""
    return re.findall(r'postausgang/\d+/">([a-z.]+gewerbemeldung\.\d+)</a>', page)


def message_to(notice: BusinessNotice, kind: str) -> OutboxMessage:
    return OutboxMessage.all_tenants.select_related("recipient").get(notice=notice, recipient__kind=kind)


def fail(message: OutboxMessage, status: str = OutboxMessage.Status.FAILED) -> None:
    OutboxMessage.all_tenants.filter(pk=message.pk).update(
        status=status, attempts=3, last_error="Der Empfänger ist nicht erreichbar.", sent_at=None
    )


@pytest.mark.parametrize("who", ["clerk", "admin"])
def test_the_outbox_lists_the_messages_with_their_case(
    who: str, confirmed_gmbh: BusinessNotice, trade_clerk: User, admin_of_soest: User
) -> None:
    client = login(trade_clerk if who == "clerk" else admin_of_soest)

    response = client.get(OUTBOX)

    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Nachrichten an Empfangsbehörden" in page
    messages = OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).select_related("recipient")
    assert sorted(rows(page)) == sorted(message.message_type for message in messages)
    for message in messages:
        assert message.recipient.name in page
    assert f'href="/soest/verwaltung/vorgaenge/{confirmed_gmbh.case_id}/">{confirmed_gmbh.reference}</a>' in page
    assert "8 Nachrichten" in page
    assert "Zugestellt" in page
    assert ("Einstellungen des Gewerbeamts" in page) is (who == "admin")


def test_the_outbox_filters_by_status_and_recipient(confirmed_gmbh: BusinessNotice, clerk_client: Client) -> None:
    zoll = message_to(confirmed_gmbh, "zoll")
    fail(zoll)

    page = clerk_client.get(OUTBOX, {"status": "failed"}).content.decode()
    assert rows(page) == ["zoll.gewerbemeldung.0800"]
    assert "1 Nachricht" in page
    assert "Der Empfänger ist nicht erreichbar." in page

    page = clerk_client.get(OUTBOX, {"empfaenger": message_to(confirmed_gmbh, "hwk").recipient_id}).content.decode()
    assert rows(page) == ["hwk.gewerbemeldung.0300"]

    page = clerk_client.get(OUTBOX, {"status": "unsinn"}).content.decode()
    assert "<title>Fehler:" in page


def test_the_outbox_shows_the_newest_first_in_pages(
    confirmed_gmbh: BusinessNotice, clerk_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outbox_views, "PER_PAGE", 3)
    newest = list(
        OutboxMessage.all_tenants.filter(notice=confirmed_gmbh)
        .order_by("-created_at", "-pk")
        .values_list("message_type", flat=True)
    )

    first = clerk_client.get(OUTBOX).content.decode()
    second = clerk_client.get(OUTBOX, {"seite": "2"}).content.decode()

    assert rows(first) == newest[:3]
    assert rows(second) == newest[3:6]
    assert 'href="?seite=2" rel="next"' in first
    assert "Seite 2 von 3" in second


def test_a_clerk_of_another_department_is_refused_the_trade_messages(
    confirmed_gmbh: BusinessNotice, soest: Municipality
) -> None:
    """The outbox holds names and addresses: an HR clerk may not open it at all (permission
    "trade.outbox": the trade office, generalists and admins)."""
    other = make_staff(soest, "personal@soest.example")
    Membership.all_tenants.filter(user=other).update(department=make_department(soest, key="personal", name="Personal"))
    client = login(other)
    message = message_to(confirmed_gmbh, "finanzamt")

    assert client.get(OUTBOX).status_code == 403
    assert client.get(f"{OUTBOX}{message.pk}/").status_code == 403
    assert client.post(f"{OUTBOX}{message.pk}/erneut/").status_code == 403


def test_the_message_page_shows_its_fields_and_xml(confirmed_gmbh: BusinessNotice, clerk_client: Client) -> None:
    message = message_to(confirmed_gmbh, "statistik")

    response = clerk_client.get(f"{OUTBOX}{message.pk}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "Feld 5: Geschlecht" in page
    assert "Feld 15: Angemeldete Tätigkeit mit WZ-Code" in page
    assert "Feld 3: Familienname" not in page
    assert "<pre>&lt;?xml version=&quot;1.0&quot;" in page
    assert "&lt;xga:sta.gewerbemeldung.0100" in page
    assert str(message.message_uuid) in page
    assert "Erneut senden" not in page  # delivered
    [event] = AuditEvent.all_tenants.filter(action="trade.message_viewed")
    assert event.data == {
        "message": str(message.message_uuid),
        "recipient": "statistik",
        "case": message.notice.reference,
    }


def test_erneut_senden_sends_a_given_up_message_again(
    confirmed_gmbh: BusinessNotice, clerk_client: Client, trade_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    message = message_to(confirmed_gmbh, "zoll")
    fail(message, OutboxMessage.Status.GAVE_UP)
    page = clerk_client.get(f"{OUTBOX}{message.pk}/").content.decode()
    assert "Endgültig fehlgeschlagen" in page
    assert f'action="{OUTBOX}{message.pk}/erneut/"' in page
    assert clerk_client.get(f"{OUTBOX}{message.pk}/erneut/").status_code == 405

    with django_capture_on_commit_callbacks(execute=True):
        response = clerk_client.post(f"{OUTBOX}{message.pk}/erneut/", follow=True)

    assert response.redirect_chain == [(f"{OUTBOX}{message.pk}/", 302)]
    assert "wird erneut gesendet" in response.content.decode()
    message.refresh_from_db()
    assert message.status == OutboxMessage.Status.SENT
    assert AuditEvent.all_tenants.get(action="trade.message_retried").actor == trade_clerk


def test_erneut_senden_refuses_a_delivered_message(confirmed_gmbh: BusinessNotice, clerk_client: Client) -> None:
    message = message_to(confirmed_gmbh, "zoll")

    response = clerk_client.post(f"{OUTBOX}{message.pk}/erneut/", follow=True)

    assert "nicht fehlgeschlagen" in response.content.decode()
    assert not AuditEvent.all_tenants.filter(action="trade.message_retried").exists()


def test_the_case_file_shows_the_messages_of_its_notice(
    confirmed_gmbh: BusinessNotice, clerk_client: Client, soest: Municipality, django_assert_num_queries: Any
) -> None:
    message = message_to(confirmed_gmbh, "finanzamt")

    page = clerk_client.get(f"/soest/verwaltung/vorgaenge/{confirmed_gmbh.case_id}/").content.decode()

    assert "Meldungen an Behörden" in page
    assert f'href="{OUTBOX}{message.pk}/"' in page
    case = confirmed_gmbh.case
    assert case is not None
    with django_assert_num_queries(1):
        panel = render_to_string("trade/backoffice/_case_panel.html", {"case": case, "municipality": soest})
    assert panel.count("gewerbemeldung") == 8


def test_the_settings_are_for_admins_only(clerk_client: Client, trade_office: TradeOffice) -> None:
    assert clerk_client.get(SETTINGS).status_code == 403
    assert clerk_client.post(SETTINGS, {"fee_natural": "0"}).status_code == 403
    assert clerk_client.get("/soest/verwaltung/gewerbe/empfaenger/neu/").status_code == 403


def office_data(office: TradeOffice, **changes: str) -> dict[str, str]:
    data = {
        "sender_name": office.sender_name,
        "sender_email": office.sender_email,
        "sender_phone": office.sender_phone,
        "fee_natural": str(office.fee_natural),
        "fee_legal": str(office.fee_legal),
        "fee_additional_person": str(office.fee_additional_person),
        "fee_deregistration": str(office.fee_deregistration),
        "fee_change": "on" if office.fee_change else "",
        "public_extract": "on" if office.public_extract else "",
    }
    return {key: value for key, value in {**data, **changes}.items() if value != ""}


def test_an_admin_changes_fees_and_sender(
    admin_client: Client, admin_of_soest: User, trade_office: TradeOffice, soest_recipients: list[Recipient]
) -> None:
    page = admin_client.get(SETTINGS).content.decode()
    assert "Gebühren und Absender" in page
    assert "Hauptzollamt (Finanzkontrolle Schwarzarbeit)" in page

    response = admin_client.post(SETTINGS, office_data(trade_office, fee_natural="28.50", sender_phone="02921 1030"))

    assert response.status_code == 302
    trade_office.refresh_from_db()
    assert trade_office.fee_natural == Decimal("28.50")
    assert trade_office.sender_phone == "02921 1030"
    event = AuditEvent.all_tenants.get(action="trade.office_updated")
    assert event.actor == admin_of_soest
    assert event.data == {"fields": ["fee_natural", "sender_phone"]}


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"fee_legal": "-1"}, "Eine Gebühr kann nicht negativ sein."),
        ({"sender_email": "gewerbeamt"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"sender_name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_office_settings_change_nothing(
    admin_client: Client, trade_office: TradeOffice, changes: dict[str, str], error: str
) -> None:
    before = TradeOffice.all_tenants.values().get(pk=trade_office.pk)

    response = admin_client.post(SETTINGS, office_data(trade_office, **changes))

    page = response.content.decode()
    assert response.status_code == 422
    assert "<title>Fehler:" in page
    assert error in page
    assert TradeOffice.all_tenants.values().get(pk=trade_office.pk) == before
    assert not AuditEvent.all_tenants.filter(action="trade.office_updated").exists()


def recipient_url(recipient: Recipient) -> str:
    return f"/soest/verwaltung/gewerbe/empfaenger/{recipient.pk}/"


def recipient_data(recipient: Recipient, **changes: str) -> dict[str, str]:
    data = {
        "name": recipient.name,
        "authority_key": recipient.authority_key,
        "transport": recipient.transport,
        "address": recipient.address,
        "active": "on" if recipient.active else "",
        **changes,
    }
    return {key: value for key, value in data.items() if value != ""}


def test_an_admin_switches_a_recipient_to_email_and_opts_one_out(
    admin_client: Client, soest_recipients: list[Recipient]
) -> None:
    zoll = next(recipient for recipient in soest_recipients if recipient.kind == "zoll")

    response = admin_client.post(
        recipient_url(zoll),
        recipient_data(zoll, name="Hauptzollamt Dortmund", transport="email", address=" fks@zoll.example "),
    )

    assert response.status_code == 302
    zoll.refresh_from_db()
    assert (zoll.name, zoll.transport, zoll.address, zoll.kind) == (
        "Hauptzollamt Dortmund",
        "email",
        "fks@zoll.example",
        "zoll",
    )
    event = AuditEvent.all_tenants.get(action="trade.recipient_updated")
    assert event.data == {"recipient": "zoll", "fields": ["address", "name", "transport"], "active": True}

    admin_client.post(recipient_url(zoll), recipient_data(zoll, active=""))
    zoll.refresh_from_db()
    assert zoll.active is False


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"transport": "email", "address": "kein-postfach"}, "Bitte geben Sie eine gültige E-Mail-Adresse an"),
        ({"transport": "file", "address": "../x"}, "ein einfacher Ordnername"),
        ({"transport": "file", "address": "/var/lib"}, "ein einfacher Ordnername"),
        ({"transport": "fitconnect"}, "Bitte eine gültige Auswahl treffen."),
        ({"name": ""}, "Dieses Feld ist zwingend erforderlich."),
    ],
)
def test_bad_recipient_settings_change_nothing(
    admin_client: Client, soest_recipients: list[Recipient], changes: dict[str, str], error: str
) -> None:
    finanzamt = soest_recipients[0]
    before = Recipient.all_tenants.values().get(pk=finanzamt.pk)

    response = admin_client.post(recipient_url(finanzamt), recipient_data(finanzamt, **changes))

    page = response.content.decode()
    assert response.status_code == 422
    assert "<title>Fehler:" in page
    assert error in page
    assert Recipient.all_tenants.values().get(pk=finanzamt.pk) == before
    assert not AuditEvent.all_tenants.filter(action__startswith="trade.recipient").exists()


def test_an_admin_adds_a_recipient(admin_client: Client, soest: Municipality, admin_of_soest: User) -> None:
    make_recipient(soest, kind="finanzamt", name="Finanzamt Soest")
    url = "/soest/verwaltung/gewerbe/empfaenger/neu/"

    page = admin_client.get(url).content.decode()
    assert 'value="ihk"' in page
    assert 'value="finanzamt"' not in page  # there is one already

    response = admin_client.post(
        url,
        {
            "kind": "ihk",
            "name": "IHK Arnsberg, Hellweg-Sauerland",
            "authority_key": "ihk:0312",
            "transport": "file",
            "address": "ihk-arnsberg",
            "active": "on",
        },
    )

    assert response.status_code == 302
    ihk = Recipient.all_tenants.get(municipality=soest, kind="ihk")
    assert (ihk.name, ihk.transport, ihk.address, ihk.active) == (
        "IHK Arnsberg, Hellweg-Sauerland",
        "file",
        "ihk-arnsberg",
        True,
    )
    event = AuditEvent.all_tenants.get(action="trade.recipient_created")
    assert event.actor == admin_of_soest
    assert event.data["recipient"] == "ihk"

    again = admin_client.post(
        url, {"kind": "finanzamt", "name": "Zweites Finanzamt", "transport": "file", "address": "fa"}
    )
    assert again.status_code == 422
    assert Recipient.all_tenants.filter(municipality=soest, kind="finanzamt").count() == 1


def test_lippstadt_sees_nothing_of_soests_outbox(confirmed_gmbh: BusinessNotice, lippstadt: Municipality) -> None:
    client = login(make_staff(lippstadt, "admin@lippstadt.example", role=Membership.Role.ADMIN))
    message = message_to(confirmed_gmbh, "finanzamt")

    page = client.get("/lippstadt/verwaltung/gewerbe/postausgang/").content.decode()
    assert "0 Nachrichten" in page
    assert rows(page) == []
    assert confirmed_gmbh.reference not in page
    assert f'<option value="{message.recipient_id}"' not in page
    assert client.get(f"/lippstadt/verwaltung/gewerbe/postausgang/{message.pk}/").status_code == 404
    assert client.get(f"/lippstadt/verwaltung/gewerbe/empfaenger/{message.recipient_id}/").status_code == 404
    assert client.get(f"{OUTBOX}{message.pk}/").status_code == 403
    settings_page = client.get("/lippstadt/verwaltung/gewerbe/einstellungen/").content.decode()
    assert "Noch keine Empfangsbehörden eingerichtet" in settings_page
    assert f"/gewerbe/empfaenger/{message.recipient_id}/" not in settings_page


def test_a_message_made_directly_shows_on_its_page(admin_client: Client, soest: Municipality) -> None:
    message = make_message(soest, make_recipient(soest))

    page = admin_client.get(f"{OUTBOX}{message.pk}/").content.decode()

    assert "Feld 1: Im Register eingetragener Name mit Rechtsform" in page
    assert "Wartet" in page
