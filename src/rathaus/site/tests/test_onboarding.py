"""Onboarding end to end: Werl (AGS 05974052), which the demo does not have, joins the platform by
one command; its public pages work, its first admin follows the invitation to a password and TOTP
into the back office, and a Gewerbeanmeldung goes through to the receipt.

Streets used are real streets of Werl (from the NRW school list's school addresses); the people
and the business are made up."""

from __future__ import annotations

import io
import re
from datetime import timedelta
from typing import Any

import pytest
from allauth.mfa.adapter import get_adapter
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import IntegrityError
from django.test import Client
from django.utils import timezone
from pypdf import PdfReader

from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case, Document
from rathaus.cases.services import case_transition
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality
from rathaus.municipalities.register import register_entry
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.records.models import AuditEvent
from rathaus.schoolroute.models import School
from rathaus.site.onboarding import slug_for
from rathaus.testing import make_municipality
from rathaus.trade.models import Business, OutboxMessage, Recipient, TradeOffice

pytestmark = pytest.mark.django_db

WERL = "05974052"
ADMIN = "ordnungsamt.leitung@werl.example"
PASSWORD = "Werl-Rathaus-2026-sicher"
GEWERBE_ANMELDUNG = "99050012104000"


def add(*args: str, **kwargs: Any) -> str:
    out = io.StringIO()
    call_command("municipality", *args, stdout=out, **kwargs)
    return out.getvalue()


@pytest.fixture
def werl(settings: Any, django_capture_on_commit_callbacks: Any) -> Municipality:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with django_capture_on_commit_callbacks(execute=True):
        output = add("add", "--ags", WERL, "--admin-email", ADMIN)
    assert "/werl/" in output
    return Municipality.objects.get(ags=WERL)


def anmeldung_steps() -> dict[str, dict[str, Any]]:
    start = (timezone.localdate() + timedelta(days=10)).isoformat()
    return {
        "betrieb": {"legal_form": "einzel", "trade_name": "Fahrradwerkstatt am Schloss", "person_count": "1"},
        "person_1": {
            "role": "inhaber",
            "last_name": "Brandt",
            "first_names": "Jana",
            "sex": "w",
            "birth_date": "1990-03-14",
            "birth_place": "Werl",
            "birth_country": "Deutschland",
            "nationality_group": "de",
            "street": "Langenwiedenweg 18",
            "postal_code": "59457",
            "city": "Werl",
            "email": "jana.brandt@example.org",
        },
        "betriebsstaette": {
            "street": "Schloßstraße 2",
            "postal_code": "59457",
            "city": "Werl",
            "establishment": "haupt",
        },
        "taetigkeit": {
            "activity": "Reparatur von Fahrrädern",
            "wz_code": "95290",
            "start_date": start,
            "kinds": ["sonstiges"],
            "staff_full": "0",
            "staff_part": "1",
        },
        "grund": {"reason": "neu"},
        "erlaubnisse": {"permit_required": "no", "craft_card": "not_needed"},
    }


def current_totp(secret: str) -> str:
    return str(format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30)))


def pdf_text(document: Document) -> str:
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def test_werl_gets_name_type_postal_code_departments_services_trade_office_and_schools(werl: Municipality) -> None:
    assert (werl.name, werl.slug, werl.kind, werl.postal_code, werl.city) == (
        "Stadt Werl",
        "werl",
        Municipality.Kind.CITY,
        "59457",
        "Werl",
    )
    assert werl.street == "" and werl.phone == ""
    assert Department.objects.filter(municipality=werl, key="ordnungsamt").exists()
    assert not Department.objects.filter(municipality=werl, key="strassenverkehr").exists()  # a district's
    anmeldung = Service.objects.get(municipality=werl, leika_key=GEWERBE_ANMELDUNG)
    assert anmeldung.procedure_key == "gewerbe-anmeldung"
    assert Service.objects.filter(municipality=werl).count() > 10
    assert TradeOffice.objects.filter(municipality=werl).get().sender_name == "Stadt Werl, Gewerbeamt"
    recipients = {r.kind: r for r in Recipient.objects.filter(municipality=werl)}
    assert recipients["ihk"].name == "IHK Arnsberg, Hellweg-Sauerland"
    assert recipients["auslaenderbehoerde"].name == "Kreis Soest, Ausländerbehörde"
    assert recipients["finanzamt"].name.startswith("⚠")  # not known to the project: the admin enters it
    assert {r.transport for r in recipients.values()} == {Recipient.Transport.FILE}
    schools = School.objects.filter(municipality=werl)
    assert schools.count() == 11
    assert schools.filter(name__icontains="Gymnasium").exists() or schools.filter(schulform="Gymnasium").exists()
    membership = Membership.objects.get(municipality=werl)
    assert (membership.user.email, membership.role) == (ADMIN, Membership.Role.ADMIN)
    assert not membership.user.has_usable_password()
    actions = set(AuditEvent.objects.filter(municipality=werl).values_list("action", flat=True))
    assert {"municipality.onboarded", "membership.granted"} <= actions


def test_werls_public_pages_work_with_what_the_register_has(werl: Municipality, client: Client) -> None:
    home = client.get("/werl/")
    assert home.status_code == 200
    assert "Stadt Werl" in home.content.decode()
    services = client.get("/werl/leistungen/")
    assert services.status_code == 200
    assert "Gewerbe" in services.content.decode()
    anmeldung = Service.objects.get(municipality=werl, leika_key=GEWERBE_ANMELDUNG)
    service_page = client.get(f"/werl/leistungen/{anmeldung.pk}/")
    assert service_page.status_code == 200
    assert "/werl/antrag/gewerbe-anmeldung/" in service_page.content.decode()
    imprint = client.get("/werl/impressum/")
    assert imprint.status_code == 200
    assert "wird ergänzt" in imprint.content.decode()
    assert "05974052" in imprint.content.decode()
    for path in ("/werl/datenschutz/", "/werl/barrierefreiheit/", "/"):
        assert client.get(path).status_code == 200, path


def test_the_first_admin_follows_the_invitation_to_a_password_and_totp_into_the_back_office(
    werl: Municipality, client: Client
) -> None:
    invitation = next(message for message in mail.outbox if ADMIN in message.to)
    assert "Stadt Werl" in invitation.subject
    link = re.search(r"https?://\S+/konto/password/reset/key/\S+", str(invitation.body))
    assert link is not None
    path = "/" + link.group(0).split("/", 3)[3]

    form_page = client.get(path, follow=True)
    assert "password1" in form_page.context["form"].fields
    set_password = client.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
    assert set_password.status_code == 302
    # The link works once.
    assert Client().get(path, follow=True).context["token_fail"] is True

    login = client.post("/konto/login/", {"login": ADMIN, "password": PASSWORD})
    assert login.status_code == 302
    # Staff need TOTP: the back office sends the admin to set it up first.
    first = client.get("/werl/verwaltung/")
    assert first.status_code == 302
    activate_path = first["Location"]
    # allauth asks for the password once more before a second factor is added.
    reauthenticate = client.get(activate_path)
    assert reauthenticate.status_code == 302 and "/konto/reauthenticate/" in reauthenticate["Location"]
    assert client.post(reauthenticate["Location"], {"password": PASSWORD}).status_code == 302
    activate = client.get(activate_path)
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', activate.content.decode())
    assert secret is not None
    assert client.post(activate_path, {"code": current_totp(secret.group(1))}).status_code == 302

    backoffice = client.get("/werl/verwaltung/")
    assert backoffice.status_code == 200
    settings_page = client.get("/werl/verwaltung/kommune/").content.decode()
    assert "Diese Angaben fehlen noch" in settings_page
    assert get_adapter().is_mfa_enabled(User.objects.get(email=ADMIN))


def test_a_gewerbeanmeldung_in_werl_goes_through_to_the_receipt(
    werl: Municipality, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    service = Service.objects.get(municipality=werl, leika_key=GEWERBE_ANMELDUNG)
    response = client.post("/werl/antrag/gewerbe-anmeldung/", {"service": str(service.pk)})
    assert response.status_code == 302
    steps = anmeldung_steps()
    location = response["Location"]
    while "/pruefen/" not in location:
        step_key = location.rstrip("/").rsplit("/", 1)[1]
        response = client.post(location, steps[step_key])
        assert response.status_code == 302, (step_key, response.content.decode()[:2000])
        location = response["Location"]
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(location, {"declaration": "on", "payment": "counter"})
    assert done.status_code == 302, done.content.decode()[:2000]
    case = Case.objects.get(municipality=werl)
    assert case.reference.startswith("WE-")
    assert case.department is not None and case.department.key == "ordnungsamt"
    receipt = Document.objects.of(werl).get(case=case, kind=Document.Kind.RECEIPT)
    text = pdf_text(receipt)
    assert case.reference in text
    assert "Stadt Werl" in text
    assert any("jana.brandt@example.org" in m.to for m in mail.outbox)

    # The admin, the only member of staff so far, issues the Empfangsbescheinigung: the business
    # enters Werl's register and the copies wait in the file drop for the authorities.
    admin = User.objects.get(email=ADMIN)
    with django_capture_on_commit_callbacks(execute=True), tenant_scope(werl):
        case_transition(case=case, transition_key="start", actor=admin)
        case_transition(case=case, transition_key="confirm", actor=admin)
    business = Business.objects.of(werl).get()
    assert business.number == "G-WE-000001"
    notice = Document.objects.of(werl).filter(case=case, kind=Document.Kind.NOTICE).get()
    assert "Empfangsbescheinigung" in pdf_text(notice)
    assert OutboxMessage.objects.of(werl).filter(recipient__kind="finanzamt").exists()


def test_the_list_shows_the_municipalities_on_the_platform(werl: Municipality) -> None:
    assert "05974052  /werl/  Stadt Werl" in add("list")


def test_an_unknown_ags_is_refused_and_nothing_is_stored() -> None:
    with pytest.raises(CommandError, match="gibt es im Gemeindeverzeichnis"):
        add("add", "--ags", "05974999", "--admin-email", ADMIN)
    with pytest.raises(CommandError, match="genau 8 Ziffern"):
        add("add", "--ags", "5974052", "--admin-email", ADMIN)
    assert not Municipality.objects.exists()
    assert not User.objects.exists()


def test_a_municipality_already_on_the_platform_is_refused(werl: Municipality) -> None:
    with pytest.raises(CommandError, match="schon auf der Plattform: /werl/"):
        add("add", "--ags", WERL, "--admin-email", "andere@werl.example")
    assert Municipality.objects.filter(ags=WERL).count() == 1
    assert not User.objects.filter(email="andere@werl.example").exists()


def test_a_bad_email_address_is_refused_and_nothing_is_stored() -> None:
    with pytest.raises(CommandError, match="keine gültige E-Mail-Adresse"):
        add("add", "--ags", WERL, "--admin-email", "leitung-at-werl")
    with pytest.raises(CommandError, match="keine gültige E-Mail-Adresse"):
        add("add", "--ags", WERL, "--admin-email", ADMIN, "--email", "rathaus@")
    assert not Municipality.objects.exists()
    assert not User.objects.exists()


def test_a_reserved_or_taken_slug_is_refused(werl: Municipality) -> None:
    with pytest.raises(CommandError, match="reserviert"):
        add("add", "--ags", "05974040", "--admin-email", ADMIN, "--slug", "plattform")
    with pytest.raises(CommandError, match="schon eine andere Kommune"):
        add("add", "--ags", "05974040", "--admin-email", ADMIN, "--slug", "werl")
    assert not Municipality.objects.filter(ags="05974040").exists()


def test_a_failing_capability_leaves_nothing_half_written(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(municipality: Municipality) -> list[str]:
        raise RuntimeError("the school list is unreadable")

    monkeypatch.setattr("rathaus.schoolroute.onboarding.schoolroute_onboard", broken)
    with pytest.raises(RuntimeError):
        add("add", "--ags", WERL, "--admin-email", ADMIN)
    assert not Municipality.objects.exists()
    assert not Service.all_tenants.exists()
    assert not User.objects.exists()
    assert mail.outbox == []


def test_slugs_are_transliterated_and_a_taken_one_gets_the_kreis() -> None:
    assert slug_for(register_entry("05515000")) == "muenster"
    assert slug_for(register_entry("05974056")) == "wickede-ruhr"
    assert slug_for(register_entry("05974000")) == "kreis-soest"
    make_municipality(ags="03454057", slug="werl", name="Stadt Werlte", city="Werlte", postal_code="49757")
    assert slug_for(register_entry("05974052")) == "werl-kreis-soest"


def test_a_district_gets_the_district_services_and_no_trade_office_or_schools(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = add("add", "--ags", "05958000", "--admin-email", "landrat@hsk.example")
    district = Municipality.objects.get(ags="05958000")
    assert (district.postal_code, district.city) == ("", "")  # the register has them for Gemeinden only
    assert "Postleitzahl" in output and "Ort" in output
    assert (district.name, district.slug, district.kind) == (
        "Hochsauerlandkreis",
        "hochsauerlandkreis",
        Municipality.Kind.DISTRICT,
    )
    keys = set(Department.objects.filter(municipality=district).values_list("key", flat=True))
    assert "strassenverkehr" in keys and "standesamt" not in keys
    assert not TradeOffice.objects.filter(municipality=district).exists()
    assert not School.objects.filter(municipality=district).exists()
    assert Service.objects.filter(municipality=district).exists()


def test_a_kreisfreie_stadt_does_the_work_of_town_and_district(django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        add("add", "--ags", "05915000", "--admin-email", "leitung@hamm.example", "--phone", "02381 17-0")
    hamm = Municipality.objects.get(ags="05915000")
    assert (hamm.name, hamm.slug, hamm.phone) == ("Stadt Hamm", "hamm", "02381 17-0")
    keys = set(Department.objects.filter(municipality=hamm).values_list("key", flat=True))
    assert {"standesamt", "strassenverkehr", "ordnungsamt"} <= keys
    recipients = {r.kind: r.name for r in Recipient.objects.filter(municipality=hamm)}
    assert recipients["auslaenderbehoerde"] == "Stadt Hamm, Ausländerbehörde"
    assert TradeOffice.objects.filter(municipality=hamm).get().court == ""  # not known: the admin enters it
    assert School.objects.filter(municipality=hamm).count() > 30


def test_an_existing_account_becomes_the_admin_and_keeps_its_password(
    django_capture_on_commit_callbacks: Any,
) -> None:
    citizen = User.objects.create_user(email=ADMIN, password=PASSWORD)
    with django_capture_on_commit_callbacks(execute=True):
        add("add", "--ags", WERL, "--admin-email", ADMIN.upper())
    citizen.refresh_from_db()
    assert citizen.check_password(PASSWORD)
    werl = Municipality.objects.get(ags=WERL)
    assert Membership.objects.filter(municipality=werl, user=citizen, role=Membership.Role.ADMIN).exists()
    assert any(ADMIN in message.to for message in mail.outbox)


def test_an_invitation_link_expires(werl: Municipality, client: Client, settings: Any) -> None:
    invitation = next(message for message in mail.outbox if ADMIN in message.to)
    assert "3 Tage" in str(invitation.body)
    link = re.search(r"https?://\S+(/konto/password/reset/key/\S+)", str(invitation.body))
    assert link is not None
    settings.PASSWORD_RESET_TIMEOUT = -1  # as if its days had passed
    assert client.get(link.group(1), follow=True).context["token_fail"] is True
    assert not User.objects.get(email=ADMIN).has_usable_password()


def test_a_municipality_added_by_someone_else_at_the_same_moment_is_refused_cleanly(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def onboard_losing_the_race(*args: Any) -> None:
        # The other operator's transaction committed Werl between our check and our insert.
        make_municipality(ags=WERL, slug="werl", name="Stadt Werl", city="Werl", postal_code="59457")
        raise IntegrityError("UNIQUE constraint failed: municipalities_municipality.ags")

    monkeypatch.setattr("rathaus.site.onboarding._onboard", onboard_losing_the_race)
    with pytest.raises(CommandError, match="gerade von jemand anderem aufgenommen"):
        add("add", "--ags", WERL, "--admin-email", ADMIN)


def test_an_integrity_error_of_another_cause_is_not_hidden(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: Any) -> None:
        raise IntegrityError("NOT NULL constraint failed: catalog_service.name")

    monkeypatch.setattr("rathaus.site.onboarding._onboard", broken)
    with pytest.raises(IntegrityError):
        add("add", "--ags", WERL, "--admin-email", ADMIN)


def test_outside_nrw_only_what_the_project_knows_is_named_and_no_schools_are_loaded(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = add("add", "--ags", "09171133", "--admin-email", "rathaus@tuessling.example")
    market = Municipality.objects.get(ags="09171133")
    assert (market.name, market.slug, market.kind) == ("Markt Tüßling", "tuessling", Municipality.Kind.MUNICIPALITY)
    recipients = {r.kind: r.name for r in Recipient.objects.filter(municipality=market)}
    assert recipients["dguv"] == "Deutsche Gesetzliche Unfallversicherung"
    assert all(name.startswith("⚠") for kind, name in recipients.items() if kind != "dguv")
    assert "Finanzamt" in output and "Verwaltungsgericht" in output
    assert not School.objects.filter(municipality=market).exists()
