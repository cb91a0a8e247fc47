"""GewA 1/2/3 on the engine: answers, validation a clerk would otherwise do by phone, fees per
municipality, hints to the clerk, the register and the receipt."""

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from pypdf import PdfReader

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Document
from rathaus.cases.services import case_transition, draft_start
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.records.models import AuditEvent
from rathaus.testing import make_department
from rathaus.trade.forms import ActivityForm, BusinessForm, PermitsForm, PremisesForm, person_form
from rathaus.trade.models import Business, BusinessNotice, OutboxMessage, Recipient, TradeOffice
from rathaus.trade.procedure import Registration
from rathaus.trade.services import answers_correct, trade_office_for
from rathaus.trade.tests.conftest import fill, gmbh_steps, sole_trader_steps, submit_notice


def notice_text(case: Case) -> str:
    """The text of the case's newest notice PDF, whitespace normalised."""
    document = Document.all_tenants.filter(case=case, kind=Document.Kind.NOTICE).order_by("-pk").first()
    assert document is not None
    with document.file.open("rb") as handle:
        pages = PdfReader(io.BytesIO(handle.read())).pages
    return " ".join(" ".join(page.extract_text() for page in pages).split())


def errors_of(form_class: type, data: dict[str, Any], municipality: Municipality | None = None) -> dict[str, Any]:
    form = form_class(data=data)
    if municipality is not None:
        form.procedure = Registration(municipality)
    form.is_valid()
    return {name: " ".join(messages) for name, messages in form.errors.items()}


# Fees ---------------------------------------------------------------------------------------------


def test_a_gmbh_with_two_managing_directors_is_filed_with_its_fee(gmbh_case: Case) -> None:
    assert gmbh_case.status == "submitted"
    assert gmbh_case.subject == "GewA 1: Bördeland Haustechnik GmbH"
    assert gmbh_case.applicant_name == "Katrin Hoffmann"
    assert gmbh_case.applicant_email == "k.hoffmann@boerdeland-haustechnik.example"
    # NRW: 33 € for a legal person, 13 € for the second managing director.
    assert gmbh_case.fee == Decimal("46.00")
    # The receipt is due within three days (§ 15 Abs. 1 GewO).
    assert gmbh_case.due_at is not None
    assert gmbh_case.due_at - gmbh_case.submitted_at == timedelta(days=3)


@pytest.mark.usefixtures("trade_department", "trade_office")
def test_a_sole_trader_pays_the_fee_of_a_natural_person(soest: Municipality) -> None:
    assert submit_notice(soest, sole_trader_steps()).fee == Decimal("26.00")


@pytest.mark.usefixtures("trade_department", "trade_office")
def test_each_further_partner_of_a_gbr_adds_the_surcharge(soest: Municipality) -> None:
    steps = sole_trader_steps()
    steps["betrieb"] = {"legal_form": "gbr", "trade_name": "Salon Schnittig", "person_count": "3"}
    for index, first_name in ((2, "Jonas"), (3, "Mia")):
        steps[f"person_{index}"] = {**steps["person_1"], "first_names": first_name, "role": "gesellschafter"}
        steps[f"person_{index}"].pop("email")
    case = submit_notice(soest, steps)
    assert case.fee == Decimal("26.00") + 2 * Decimal("13.00")


@pytest.mark.usefixtures("trade_department")
def test_fees_come_from_the_municipalitys_table(soest: Municipality) -> None:
    office = trade_office_for(soest)
    office.fee_natural = Decimal("30.00")
    office.save()
    assert submit_notice(soest, sole_trader_steps()).fee == Decimal("30.00")


def test_the_default_table_is_the_nrw_tariff(soest: Municipality) -> None:
    office = trade_office_for(soest)
    assert (office.fee_natural, office.fee_legal, office.fee_additional_person, office.fee_deregistration) == (
        Decimal("26.00"),
        Decimal("33.00"),
        Decimal("13.00"),
        Decimal("0.00"),
    )
    assert TradeOffice.all_tenants.filter(municipality=soest).count() == 1


# Validation on the pages ----------------------------------------------------------------------------


def test_a_registered_company_needs_name_court_and_a_matching_register_number() -> None:
    errors = errors_of(BusinessForm, {"legal_form": "gmbh", "person_count": "1"})
    assert set(errors) >= {"registered_name", "register_court", "register_number"}
    errors = errors_of(
        BusinessForm,
        {
            "legal_form": "gmbh",
            "registered_name": "Muster GmbH",
            "register_court": "Amtsgericht Arnsberg",
            "register_number": "HRA 123",
            "person_count": "1",
        },
    )
    assert "HRB" in errors["register_number"]
    errors = errors_of(BusinessForm, {"legal_form": "gmbh", "register_number": "12345", "person_count": "1"})
    assert "Registerart" in errors["register_number"]


def test_register_numbers_are_written_the_same_way() -> None:
    form = BusinessForm(
        data={
            "legal_form": "gmbh",
            "registered_name": "Muster GmbH",
            "register_court": "Amtsgericht Arnsberg",
            "register_number": "hrb  4711",
            "person_count": "1",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["register_number"] == "HRB 4711"


def test_partnerships_and_sole_traders_have_the_right_number_of_persons() -> None:
    assert "person_count" in errors_of(BusinessForm, {"legal_form": "einzel", "person_count": "2"})
    assert "person_count" in errors_of(BusinessForm, {"legal_form": "gbr", "person_count": "1"})
    assert "person_count" in errors_of(BusinessForm, {"legal_form": "gmbh", "person_count": "11"})


def test_tax_numbers_are_checked() -> None:
    base = {"legal_form": "einzel", "person_count": "1"}
    assert "tax_number" in errors_of(BusinessForm, {**base, "tax_number": "12/34"})
    assert "tax_number" in errors_of(BusinessForm, {**base, "tax_number": "ABC/1234/5678"})
    # A valid NRW number (format FFF/BBBB/UUUP) from python-stdnum's examples.
    assert "tax_number" not in errors_of(BusinessForm, {**base, "tax_number": "133/8150/8159"})


def test_a_wz_code_that_does_not_exist_is_refused() -> None:
    errors = errors_of(ActivityForm, {"activity": "Beratung", "wz_code": "12345", "start_date": "2026-12-01"})
    assert "12345" in errors["wz_code"]


def test_words_instead_of_a_code_bring_suggestions() -> None:
    errors = errors_of(ActivityForm, {"activity": "Friseursalon", "wz_code": "Friseur", "start_date": "2026-12-01"})
    assert "96021 Frisörsalons" in errors["wz_code"]


def test_a_dotted_code_is_taken_as_five_digits() -> None:
    form = ActivityForm(
        data={
            "activity": "Friseursalon",
            "wz_code": "96.02.1",
            "start_date": timezone.localdate().isoformat(),
            "kinds": ["handwerk"],
            "staff_full": "0",
            "staff_part": "0",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["wz_code"] == "96021"


def test_start_dates_must_be_plausible() -> None:
    today = timezone.localdate()
    base = {"activity": "Friseursalon", "wz_code": "96021", "kinds": ["handwerk"], "staff_full": "0", "staff_part": "0"}
    far = (today + timedelta(days=400)).isoformat()
    assert "start_date" in errors_of(ActivityForm, {**base, "start_date": far})
    late = (today - timedelta(days=120)).isoformat()
    assert "late_reason" in errors_of(ActivityForm, {**base, "start_date": late})
    assert errors_of(ActivityForm, {**base, "start_date": late, "late_reason": "Anzeige vergessen"}) == {}
    assert "start_date" in errors_of(ActivityForm, {**base, "start_date": "2026-02-30"})


def test_persons_need_plausible_birth_dates_and_a_residence_title_outside_the_eu() -> None:
    data = dict(gmbh_steps()["person_2"])
    future = (timezone.localdate() + timedelta(days=1)).isoformat()
    assert "birth_date" in errors_of(person_form(2), {**data, "birth_date": future})
    assert "birth_date" in errors_of(person_form(2), {**data, "birth_date": timezone.localdate().isoformat()})
    assert "residence_title" in errors_of(person_form(2), {**data, "residence_title": ""})
    assert "self_employment_allowed" in errors_of(person_form(2), {**data, "self_employment_allowed": ""})
    assert errors_of(person_form(2), data) == {}


def test_the_first_person_must_give_an_email_address_for_the_receipt() -> None:
    data = dict(gmbh_steps()["person_1"])
    data.pop("email")
    assert "email" in errors_of(person_form(1), data)
    assert "email" not in errors_of(person_form(2), data)


def test_postal_codes_have_five_digits() -> None:
    errors = errors_of(PremisesForm, {**gmbh_steps()["betriebsstaette"], "postal_code": "5949"})
    assert "fünf Ziffern" in errors["postal_code"]


def test_a_branch_needs_its_head_office() -> None:
    errors = errors_of(PremisesForm, {**gmbh_steps()["betriebsstaette"], "establishment": "zweig"})
    assert {"head_street", "head_postal_code", "head_city"} <= set(errors)


def test_a_permit_and_a_handwerkskarte_need_their_details() -> None:
    errors = errors_of(PermitsForm, {"permit_required": "yes", "craft_card": "yes"})
    assert {"permit_kind", "craft_card_chamber", "craft_card_date"} <= set(errors)


def test_a_gmbh_without_a_legal_representative_cannot_be_submitted(
    soest: Municipality, trade_department: Any, trade_office: Any
) -> None:
    steps = gmbh_steps()
    steps["person_1"]["role"] = "gesellschafter"
    steps["person_2"]["role"] = "gesellschafter"
    draft = draft_start(municipality=soest, procedure_key="gewerbe-anmeldung", user=None)
    for key, data in steps.items():
        fill(draft, key, data)
    errors = Registration(soest).check(draft.answers, draft.context)
    assert "gesetzlich vertritt" in " ".join(errors["person_1"])


def test_persons_beyond_the_count_are_not_asked(soest: Municipality) -> None:
    procedure = registry.get("gewerbe-anmeldung")(soest)
    keys = [step.key for step in procedure.applicable_steps({"betrieb": {"person_count": 2}})]
    assert "person_2" in keys
    assert "person_3" not in keys


# Clerk: hints, receipt, register -------------------------------------------------------------------


def test_a_duplicate_registration_is_flagged_not_refused(confirmed_gmbh: BusinessNotice, soest: Municipality) -> None:
    second = submit_notice(soest, gmbh_steps())
    assert second.status == "submitted"
    hints = registry.get(second.procedure_key)(soest).hints(second)
    assert any(confirmed_gmbh.business.number in hint and "doppelt" in hint for hint in hints)


@pytest.mark.usefixtures("trade_department", "trade_office")
def test_a_craft_without_handwerkskarte_and_a_permit_are_flagged(soest: Municipality) -> None:
    steps = sole_trader_steps()
    steps["erlaubnisse"] = {"permit_required": "no", "craft_card": "no"}
    case = submit_notice(soest, steps)
    hints = " ".join(registry.get(case.procedure_key)(soest).hints(case))
    assert "Handwerk" in hints and "Anlage A Nr. 38" in hints

    steps = sole_trader_steps()
    steps["taetigkeit"] = {**steps["taetigkeit"], "wz_code": "68311", "kinds": ["sonstiges"]}
    steps["erlaubnisse"] = {"permit_required": "no", "craft_card": "not_needed"}
    case = submit_notice(soest, steps)
    assert "§ 34c GewO" in " ".join(registry.get(case.procedure_key)(soest).hints(case))


def test_confirming_enters_the_business_in_the_register(confirmed_gmbh: BusinessNotice) -> None:
    business = confirmed_gmbh.business
    assert business.name == "Bördeland Haustechnik GmbH"
    assert business.legal_form == "gmbh"
    assert business.wz_code == "43220"
    assert (business.street, business.postal_code, business.city) == ("Ulricher Straße 20", "59494", "Soest")
    assert business.status == Business.Status.ACTIVE
    assert business.number == f"G-{business.municipality.reference_prefix}-000001"
    assert confirmed_gmbh.kind == BusinessNotice.Kind.REGISTRATION
    entry = AuditEvent.all_tenants.get(action="trade.registered")
    assert entry.actor is not None and entry.actor.email == "gewerbe@soest.example"
    assert entry.data["business"] == business.number
    assert OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).exists()


def test_the_receipt_goes_to_the_postbox_as_pdf_with_the_business_number(confirmed_gmbh: BusinessNotice) -> None:
    case = confirmed_gmbh.case
    assert case is not None
    text = notice_text(case)
    assert "Empfangsbescheinigung" in text
    assert confirmed_gmbh.business.number in text
    assert "43220" in text


def test_a_rejection_needs_a_reason_and_names_the_court(
    gmbh_case: Case, trade_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    with pytest.raises(ValidationError):
        case_transition(case=gmbh_case, transition_key="reject", actor=trade_clerk)
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=gmbh_case, transition_key="reject", actor=trade_clerk, text="Kein Gewerbe.")
    assert "Verwaltungsgericht Arnsberg" in notice_text(gmbh_case)
    assert not Business.all_tenants.exists()


def test_a_rejection_from_an_office_without_a_court_still_names_one(
    gmbh_case: Case, trade_clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    office = trade_office_for(gmbh_case.municipality)
    office.court = ""
    office.save(update_fields=["court"])
    with django_capture_on_commit_callbacks(execute=True):
        case_transition(case=gmbh_case, transition_key="reject", actor=trade_clerk, text="Kein Gewerbe.")
    text = " ".join(notice_text(gmbh_case).split())
    assert "Klage beim zuständigen Verwaltungsgericht erheben" in text


def test_a_correction_updates_the_register_and_goes_to_the_same_recipients(
    confirmed_gmbh: BusinessNotice, trade_clerk: User
) -> None:
    case = confirmed_gmbh.case
    assert case is not None
    first_recipients = set(OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).values_list("recipient", flat=True))
    answers_correct(case=case, actor=trade_clerk, changes={"taetigkeit": {"wz_code": "43210"}})
    case_transition(case=case, transition_key="correct", actor=trade_clerk, text="WZ-Code berichtigt")
    correction = BusinessNotice.all_tenants.exclude(pk=confirmed_gmbh.pk).get()
    assert correction.corrects == confirmed_gmbh
    assert correction.business.wz_code == "43210"
    corrected = OutboxMessage.all_tenants.filter(notice=correction)
    assert corrected.exists() and all(message.is_correction for message in corrected)
    assert first_recipients <= set(corrected.values_list("recipient", flat=True))


def test_correcting_nothing_is_refused(confirmed_gmbh: BusinessNotice, trade_clerk: User) -> None:
    assert confirmed_gmbh.case is not None
    with pytest.raises(ValidationError):
        answers_correct(case=confirmed_gmbh.case, actor=trade_clerk, changes={"taetigkeit": {"wz_code": "43220"}})


# GewA 2 and 3 ---------------------------------------------------------------------------------------


def change_steps(business: Business) -> dict[str, dict[str, Any]]:
    steps = gmbh_steps()
    steps.pop("grund")
    steps["betriebsstaette"] = {**steps["betriebsstaette"], "street": "Nöttenstraße 30"}
    return {
        "betrieb_nummer": {"number": business.number, "postal_code": business.postal_code},
        **steps,
        "aenderung": {"changes": ["verlegung"], "change_date": timezone.localdate().isoformat()},
    }


def test_a_change_moves_the_business_in_the_register(confirmed_gmbh: BusinessNotice, trade_clerk: User) -> None:
    business = confirmed_gmbh.business
    case = submit_notice(business.municipality, change_steps(business), "gewerbe-ummeldung")
    assert case.fee == Decimal("46.00")
    case_transition(case=case, transition_key="confirm", actor=trade_clerk)
    business.refresh_from_db()
    assert business.street == "Nöttenstraße 30"
    assert business.notices.count() == 2


def test_a_deregistration_closes_the_business_free_of_charge(confirmed_gmbh: BusinessNotice, trade_clerk: User) -> None:
    business = confirmed_gmbh.business
    end = timezone.localdate().isoformat()
    steps = {
        "betrieb_nummer": {"number": business.number, "postal_code": "59494"},
        "betrieb": gmbh_steps()["betrieb"],
        "person_1": gmbh_steps()["person_1"],
        "person_2": gmbh_steps()["person_2"],
        "abmeldung": {"end_date": end, "reason": "aufgabe"},
    }
    case = submit_notice(business.municipality, steps, "gewerbe-abmeldung")
    assert case.fee == Decimal("0.00")
    case_transition(case=case, transition_key="confirm", actor=trade_clerk)
    business.refresh_from_db()
    assert business.status == Business.Status.CLOSED
    assert business.closed_on is not None and business.closed_on.isoformat() == end


def test_a_change_for_a_business_not_in_the_register_is_refused(
    soest: Municipality, trade_department: Any, trade_office: Any
) -> None:
    draft = draft_start(municipality=soest, procedure_key="gewerbe-ummeldung", user=None)
    procedure = registry.get("gewerbe-ummeldung")(soest)
    form = procedure.form_for(procedure.step("betrieb_nummer"), data={"number": "G-SO-999999", "postal_code": "59494"})
    assert not form.is_valid()
    assert "keinen Betrieb" in " ".join(str(error) for error in form.non_field_errors())
    assert draft.answers == {}


def test_a_closed_business_cannot_be_changed(confirmed_gmbh: BusinessNotice) -> None:
    business = confirmed_gmbh.business
    Business.all_tenants.filter(pk=business.pk).update(status=Business.Status.CLOSED, closed_on=timezone.localdate())
    procedure = registry.get("gewerbe-abmeldung")(business.municipality)
    form = procedure.form_for(
        procedure.step("betrieb_nummer"), data={"number": business.number, "postal_code": business.postal_code}
    )
    assert not form.is_valid()
    assert "abgemeldet" in " ".join(str(error) for error in form.non_field_errors())


def test_the_lookup_does_not_find_another_municipalitys_business(
    confirmed_gmbh: BusinessNotice, lippstadt: Municipality
) -> None:
    make_department(lippstadt, key="ordnungsamt", name="Ordnungsamt")
    business = confirmed_gmbh.business
    procedure = registry.get("gewerbe-ummeldung")(lippstadt)
    form = procedure.form_for(
        procedure.step("betrieb_nummer"), data={"number": business.number, "postal_code": business.postal_code}
    )
    assert not form.is_valid()


def test_an_inactive_recipient_gets_nothing(
    gmbh_case: Case, trade_clerk: User, soest_recipients: list[Recipient]
) -> None:
    Recipient.all_tenants.filter(kind="ihk").update(active=False)
    case_transition(case=gmbh_case, transition_key="confirm", actor=trade_clerk)
    kinds = set(OutboxMessage.all_tenants.values_list("recipient__kind", flat=True))
    assert "ihk" not in kinds
    assert {"finanzamt", "hwk", "auslaenderbehoerde"} <= kinds


def test_a_change_asks_for_the_date_of_the_change_not_the_start(soest: Municipality) -> None:
    procedure = registry.get("gewerbe-ummeldung")(soest)
    fields = procedure.form_for(procedure.step("taetigkeit")).fields
    assert "start_date" not in fields and "late_reason" not in fields
    assert "change_date" in procedure.form_for(procedure.step("aenderung")).fields
