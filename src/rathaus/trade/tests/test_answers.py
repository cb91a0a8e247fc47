"""The typed view of a trade notice's answers: a full notice, a minimal one, and answers stored long
ago or left half-done, which must parse without a KeyError."""

from datetime import date

import pytest

from rathaus.cases.models import Case
from rathaus.trade import notice as notice_data
from rathaus.trade.answers import (
    MAX_PERSONS,
    PERSON_STEP_KEYS,
    Activity,
    Address,
    Business,
    Person,
    Premises,
    StepKey,
    TradeNoticeAnswers,
    person_step_key,
)
from rathaus.trade.codes import (
    BusinessKind,
    ChangeKind,
    CraftCard,
    DeregistrationCause,
    DeregistrationReason,
    Establishment,
    LegalForm,
    NationalityGroup,
    PermitRequired,
    PersonRole,
    RegistrationReason,
    ResidenceTitle,
    SelfEmployment,
    Sex,
)
from rathaus.trade.procedure import Change, Deregistration, Registration
from rathaus.trade.tests.conftest import gmbh_steps, sole_trader_steps


def test_the_step_keys_are_the_keys_of_the_procedures_pages() -> None:
    keys = {step.key for procedure in (Registration, Change, Deregistration) for step in procedure.steps}
    assert keys == {*StepKey, *PERSON_STEP_KEYS}
    assert person_step_key(1) == "person_1"
    assert len(PERSON_STEP_KEYS) == MAX_PERSONS


def test_it_reads_a_full_gmbh_notice() -> None:
    notice = TradeNoticeAnswers.from_answers(gmbh_steps())

    assert notice.business == Business(
        legal_form=LegalForm.GMBH,
        registered_name="Bördeland Haustechnik GmbH",
        register_court="Amtsgericht Arnsberg",
        register_number="HRB 12345",
        person_count=2,
    )
    first, second = notice.persons
    assert first.role == PersonRole.MANAGING_DIRECTOR
    assert first.full_name == "Katrin Hoffmann"
    assert first.sex == Sex.FEMALE
    assert first.birth_date == date(1981, 4, 12)
    assert first.nationality_group == NationalityGroup.GERMAN
    assert first.address == Address("Brüderstraße 12", "59494", "Soest")
    assert first.email == "k.hoffmann@boerdeland-haustechnik.example"
    assert second.nationality_group == NationalityGroup.OTHER
    assert second.residence_title == ResidenceTitle.YES
    assert second.residence_title_date == date(2015, 3, 1)
    assert second.self_employment_allowed == SelfEmployment.YES
    assert notice.applicant == first
    assert notice.premises == Premises(
        address=Address("Ulricher Straße 20", "59494", "Soest"),
        email="info@boerdeland-haustechnik.example",
        establishment=Establishment.MAIN,
    )
    assert notice.activity is not None
    assert notice.activity.kinds == (BusinessKind.CRAFT,)
    assert notice.activity.start_date == date.fromisoformat(gmbh_steps()["taetigkeit"]["start_date"])
    # POST data carries counts as text; stored answers as numbers: both read as int.
    assert (notice.activity.staff_full, notice.activity.staff_part) == (4, 1)
    assert notice.registration is not None
    assert notice.registration.reason == RegistrationReason.NEW
    assert notice.permits is not None
    assert notice.permits.permit_required == PermitRequired.NO
    assert notice.permits.craft_card == CraftCard.YES
    assert notice.permits.craft_card_date == date(2020, 6, 15)
    assert notice.change is None
    assert notice.deregistration is None
    assert notice.display_name == "Bördeland Haustechnik GmbH"
    assert notice.wz_code == "43220"


def test_a_sole_trader_is_named_by_trade_name_and_owner() -> None:
    notice = TradeNoticeAnswers.from_answers(sole_trader_steps())
    assert notice.display_name == "Salon Schnittig (Laura Becker)"
    assert notice.business.legal_form == LegalForm.SOLE


def test_it_reads_the_pages_of_a_change_and_a_deregistration() -> None:
    notice = TradeNoticeAnswers.from_answers(
        {
            "betrieb_nummer": {"number": "G-SO-000001", "postal_code": "59494"},
            "aenderung": {"changes": ["verlegung", "personen"], "change_date": "2025-03-01"},
            "abmeldung": {"end_date": "2025-06-30", "reason": "uebergabe", "cause": "alter", "successor": "Jonas"},
        }
    )
    assert notice.business_number == "G-SO-000001"
    assert notice.change is not None
    assert notice.change.changes == (ChangeKind.MOVE, ChangeKind.PERSONS)
    assert notice.change.change_date == date(2025, 3, 1)
    assert notice.deregistration is not None
    assert notice.deregistration.reason == DeregistrationReason.HANDOVER
    assert notice.deregistration.cause == DeregistrationCause.AGE
    assert notice.deregistration.end_date == date(2025, 6, 30)


def test_no_answers_at_all_read_as_empty_pages() -> None:
    notice = TradeNoticeAnswers.from_answers({})
    assert notice == TradeNoticeAnswers()
    assert notice.business.person_count == 1
    assert notice.persons == ()
    assert notice.applicant == Person()
    assert notice.applicant.full_name == ""
    assert notice.premises is None
    assert notice.activity is None
    assert notice.permits is None
    assert notice.display_name == ""
    assert notice.wz_code == ""


def test_a_minimal_page_has_its_defaults() -> None:
    notice = TradeNoticeAnswers.from_answers({"betrieb": {"legal_form": "einzel"}, "taetigkeit": {"activity": "X"}})
    assert notice.business.person_count == 1
    assert notice.activity == Activity(activity="X")
    assert notice.activity.start_date is None
    assert notice.activity.kinds == ()


def test_values_stored_long_ago_or_broken_read_as_none_not_as_errors() -> None:
    notice = TradeNoticeAnswers.from_answers(
        {
            "betrieb": {"legal_form": "kgaa", "person_count": "zwei", "registered_name": None},
            "person_1": {"first_names": "Anna", "sex": "", "birth_date": "1990-02-30", "role": "prokurist"},
            "betriebsstaette": {"street": "Markt 1", "establishment": "filiale"},
            "taetigkeit": {"kinds": ["handwerk", "landwirtschaft"], "staff_full": None, "start_date": 20240101},
            "erlaubnisse": {"craft_card": "", "permit_date": "gestern"},
            # Pages of the engine and of other notices are none of the view's business.
            "_partial": {"betrieb": {"trade_name": "Halb"}},
            "context": "not a page",
        }
    )
    assert notice.business.legal_form is None
    assert notice.business.person_count == 1
    assert notice.business.registered_name == ""
    person = notice.applicant
    assert (person.sex, person.birth_date, person.role) == (None, None, None)
    assert person.last_name == ""
    assert notice.premises is not None
    assert notice.premises.establishment == Establishment.MAIN
    assert notice.activity is not None
    assert notice.activity.kinds == (BusinessKind.CRAFT,)
    assert notice.activity.staff_full == 0
    assert notice.activity.start_date is None
    assert notice.permits is not None
    assert notice.permits.craft_card is None
    assert notice.permits.permit_date is None
    assert notice.permits.permit_required == PermitRequired.NO


def test_only_as_many_persons_as_the_business_page_counts_are_read() -> None:
    steps = gmbh_steps()
    steps["betrieb"]["person_count"] = "1"
    assert [person.full_name for person in TradeNoticeAnswers.from_answers(steps).persons] == ["Katrin Hoffmann"]
    steps["betrieb"]["person_count"] = "3"
    # Person 3's page is not answered yet: the others still count.
    assert len(TradeNoticeAnswers.from_answers(steps).persons) == 2


def test_the_numbered_fields_come_from_the_typed_answers() -> None:
    notice = TradeNoticeAnswers.from_answers(gmbh_steps())
    values = notice_data.values(notice, notice_data.REGISTRATION)
    assert values == notice_data.values(gmbh_steps(), notice_data.REGISTRATION)
    assert values[3] == {"last_name": "Hoffmann", "birth_name": "", "doctor": "", "role": "geschaeftsfuehrer"}
    assert values[6] == {"date": "1981-04-12", "place": "Lippstadt", "country": "Deutschland"}
    assert values[10] == 2
    assert values[11][0]["residence_title"] == {
        "status": "yes",
        "authority": "Kreis Soest, Ausländerbehörde",
        "issued_on": "2015-03-01",
    }
    assert values[17] == gmbh_steps()["taetigkeit"]["start_date"]
    assert values[18] == ["handwerk"]
    assert values[19] == {"full_time": 4, "part_time": 1}
    assert values[20] == "haupt"
    assert values[29] == {"status": "yes", "date": "2020-06-15", "chamber": "Handwerkskammer Südwestfalen"}
    assert 13 not in values and 14 not in values


def test_a_deregistration_is_judged_by_the_activity_in_the_register() -> None:
    notice = TradeNoticeAnswers.from_answers({"abmeldung": {"end_date": "2025-06-30", "reason": "aufgabe"}})
    facts = notice_data.facts(notice, notice_data.DEREGISTRATION, register_wz_code="96021")
    assert facts["wz_code"] == "96021"
    assert facts["kinds"] == ()


@pytest.mark.django_db
def test_a_submitted_case_reads_back_as_it_was_given(gmbh_case: Case) -> None:
    notice = TradeNoticeAnswers.from_answers(gmbh_case.answers)
    assert notice == TradeNoticeAnswers.from_answers(gmbh_steps())
