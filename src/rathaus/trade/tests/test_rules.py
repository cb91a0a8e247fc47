"""The rules of what a trade notice must contain (`rathaus.trade.gewanzv`), on their own: without a
form, a request or a database, and on a fixed day."""

from dataclasses import replace
from datetime import date, timedelta

from rathaus.trade import gewanzv
from rathaus.trade.answers import (
    Activity,
    Address,
    Business,
    DeregistrationDetails,
    Permits,
    Person,
    Premises,
    RegistrationDetails,
    TradeNoticeAnswers,
)
from rathaus.trade.codes import (
    CraftCard,
    DeregistrationReason,
    Establishment,
    LegalForm,
    NationalityGroup,
    PermitRequired,
    PersonRole,
    RegistrationReason,
    ResidenceTitle,
    SelfEmployment,
)
from rathaus.trade.forms import BusinessForm

TODAY = date(2025, 6, 15)
GMBH = Business(
    legal_form=LegalForm.GMBH,
    registered_name="Muster GmbH",
    register_court="Amtsgericht Arnsberg",
    register_number="HRB 12345",
)


def fields_of(problems: list[gewanzv.Problem]) -> list[str]:
    return [problem.field for problem in problems]


# Fields 1, 2 and 10 by legal form ----------------------------------------------------------------------


def test_a_registered_company_gives_name_court_and_number() -> None:
    assert gewanzv.business_problems(GMBH) == []
    problems = gewanzv.business_problems(Business(legal_form=LegalForm.GMBH))
    assert fields_of(problems) == ["registered_name", "register_court", "register_number"]
    assert {problem.code for problem in problems} == {"required"}


def test_the_register_type_must_match_the_legal_form() -> None:
    problems = gewanzv.business_problems(replace(GMBH, register_number="HRA 123"))
    assert fields_of(problems) == ["register_number"]
    assert "HRB" in str(problems[0].message)
    assert "HRA" in str(problems[0].message)
    association = Business(legal_form=LegalForm.EV, registered_name="TV", register_court="AG", register_number="VR 9")
    assert gewanzv.business_problems(association) == []


def test_a_sole_trader_is_not_in_the_register() -> None:
    problems = gewanzv.business_problems(Business(legal_form=LegalForm.SOLE, registered_name="Muster"))
    assert fields_of(problems) == ["legal_form"]
    assert gewanzv.business_problems(Business(legal_form=LegalForm.SOLE, trade_name="Salon")) == []


def test_a_register_number_without_court_is_refused_once() -> None:
    # A GbR may be entered (MoPeG); when it gives a number it gives the court too.
    gbr = Business(legal_form=LegalForm.GBR, register_number="GsR 12", person_count=2)
    assert fields_of(gewanzv.business_problems(gbr)) == ["register_court"]
    # A GmbH without court hears it once, from the required fields.
    gmbh = replace(GMBH, register_court="")
    assert fields_of(gewanzv.business_problems(gmbh)) == ["register_court"]


def test_the_number_of_persons_fits_the_legal_form() -> None:
    assert fields_of(gewanzv.business_problems(Business(legal_form=LegalForm.SOLE, person_count=2))) == ["person_count"]
    assert fields_of(gewanzv.business_problems(Business(legal_form=LegalForm.GBR, person_count=1))) == ["person_count"]
    # Exactly the minimum is enough.
    assert gewanzv.business_problems(Business(legal_form=LegalForm.GBR, person_count=2)) == []
    assert gewanzv.business_problems(replace(GMBH, person_count=3)) == []


def test_no_legal_form_no_rule() -> None:
    assert gewanzv.business_problems(Business(register_number="HRB 1")) == []


# Field 17: the dates -------------------------------------------------------------------------------


def test_a_start_more_than_a_year_ahead_is_refused() -> None:
    assert gewanzv.start_date_problem(TODAY + gewanzv.EARLY_BEFORE, today=TODAY) is None
    problem = gewanzv.start_date_problem(TODAY + gewanzv.EARLY_BEFORE + timedelta(days=1), today=TODAY)
    assert problem is not None
    assert (problem.field, problem.code) == ("start_date", "too_early")


def test_a_late_start_needs_a_reason_and_exactly_at_the_limit_is_not_late() -> None:
    at_limit = Activity(start_date=TODAY - gewanzv.LATE_AFTER)
    assert not gewanzv.is_late(TODAY - gewanzv.LATE_AFTER, today=TODAY)
    assert gewanzv.activity_problems(at_limit, today=TODAY) == []
    late = Activity(start_date=TODAY - gewanzv.LATE_AFTER - timedelta(days=1))
    assert fields_of(gewanzv.activity_problems(late, today=TODAY)) == ["late_reason"]
    assert fields_of(gewanzv.activity_problems(Activity(start_date=late.start_date, late_reason="  "), today=TODAY))
    explained = Activity(start_date=late.start_date, late_reason="Anzeige vergessen")
    assert gewanzv.activity_problems(explained, today=TODAY) == []
    # A GewA 2 asks no start: nothing to be late with.
    assert gewanzv.activity_problems(Activity(), today=TODAY) == []


def test_a_change_lies_at_most_a_year_ahead_and_three_years_back() -> None:
    assert gewanzv.change_date_problem(TODAY, today=TODAY) is None
    ahead = gewanzv.change_date_problem(TODAY + timedelta(days=367), today=TODAY)
    back = gewanzv.change_date_problem(TODAY - gewanzv.CHANGE_AT_MOST_BACK - timedelta(days=1), today=TODAY)
    assert ahead is not None and ahead.code == "too_early"
    assert back is not None and back.code == "too_late"
    assert gewanzv.change_date_problem(TODAY - gewanzv.CHANGE_AT_MOST_BACK, today=TODAY) is None


def test_an_end_lies_at_most_a_year_ahead() -> None:
    assert gewanzv.end_date_problem(TODAY - timedelta(days=4000), today=TODAY) is None
    problem = gewanzv.end_date_problem(TODAY + timedelta(days=367), today=TODAY)
    assert problem is not None and problem.field == "end_date"


# Persons ------------------------------------------------------------------------------------------


def test_a_person_of_fourteen_is_old_enough() -> None:
    assert gewanzv.birth_date_problem(date(2011, 6, 15), today=TODAY) is None
    problem = gewanzv.birth_date_problem(date(2011, 6, 16), today=TODAY)
    assert problem is not None and problem.code == "too_young"


def test_the_age_is_counted_on_the_29th_of_february_too() -> None:
    leap_day = date(2028, 2, 29)
    assert gewanzv.birth_date_problem(date(2014, 2, 28), today=leap_day) is None
    assert gewanzv.birth_date_problem(date(2014, 3, 1), today=leap_day) is not None


def test_a_foreign_nationality_is_named() -> None:
    problems = gewanzv.person_problems(Person(nationality_group=NationalityGroup.EU))
    assert fields_of(problems) == ["nationality"]
    assert gewanzv.person_problems(Person(nationality_group=NationalityGroup.GERMAN)) == []


def test_a_person_from_outside_the_eu_gives_the_residence_title() -> None:
    other = Person(nationality_group=NationalityGroup.OTHER, nationality="syrisch")
    assert fields_of(gewanzv.person_problems(other)) == ["residence_title"]
    with_title = replace(other, residence_title=ResidenceTitle.YES)
    assert fields_of(gewanzv.person_problems(with_title)) == ["residence_title_authority", "self_employment_allowed"]
    complete = replace(
        with_title, residence_title_authority="Kreis Soest", self_employment_allowed=SelfEmployment.CONDITIONS
    )
    assert gewanzv.person_problems(complete) == []
    applied = replace(other, residence_title=ResidenceTitle.APPLIED)
    assert gewanzv.person_problems(applied) == []


def test_only_persons_from_outside_the_eu_are_asked_for_a_residence_title() -> None:
    assert gewanzv.residence_title_asked(NationalityGroup.OTHER)
    assert not gewanzv.residence_title_asked(NationalityGroup.EU)
    assert not gewanzv.residence_title_asked(NationalityGroup.GERMAN)
    assert not gewanzv.residence_title_asked(None)


# Premises, reasons, permits ----------------------------------------------------------------------------


def test_a_branch_names_its_head_office() -> None:
    premises = Premises(address=Address("Markt 1", "59494", "Soest"), establishment=Establishment.BRANCH)
    assert fields_of(gewanzv.premises_problems(premises)) == ["head_street", "head_postal_code", "head_city"]
    with_head = replace(premises, head_office=Address("Hauptstraße 1", "59555", "Lippstadt"))
    assert gewanzv.premises_problems(with_head) == []
    assert gewanzv.premises_problems(Premises(address=premises.address)) == []


def test_a_former_address_is_given_whole_or_not_at_all() -> None:
    half = Premises(former=Address(street="Alte Gasse 2"))
    assert fields_of(gewanzv.premises_problems(half)) == ["former_postal_code", "former_city"]
    assert gewanzv.premises_problems(Premises(former=Address("Alte Gasse 2", "59494", "Soest"))) == []


def test_a_relocation_names_where_from_and_a_takeover_whom() -> None:
    relocation = RegistrationDetails(reason=RegistrationReason.RELOCATION)
    assert fields_of(gewanzv.registration_problems(relocation)) == ["former_municipality"]
    for reason in (
        RegistrationReason.TAKEOVER,
        RegistrationReason.LEGAL_FORM,
        RegistrationReason.PARTNERS_JOIN,
        RegistrationReason.CONVERSION,
    ):
        assert fields_of(gewanzv.registration_problems(RegistrationDetails(reason=reason))) == ["previous_operator"]
    assert gewanzv.registration_problems(RegistrationDetails(reason=RegistrationReason.NEW)) == []


def test_a_permit_and_a_handwerkskarte_give_their_details() -> None:
    problems = gewanzv.permit_problems(Permits(permit_required=PermitRequired.YES, craft_card=CraftCard.YES))
    assert fields_of(problems) == ["permit_kind", "craft_card_chamber", "craft_card_date"]
    applied = Permits(permit_required=PermitRequired.UNSURE, craft_card=CraftCard.APPLIED)
    assert gewanzv.permit_problems(applied) == []


def test_a_handover_names_the_successor() -> None:
    for reason in (DeregistrationReason.HANDOVER, DeregistrationReason.LEGAL_FORM, DeregistrationReason.RELOCATION):
        problems = gewanzv.deregistration_problems(DeregistrationDetails(reason=reason))
        assert fields_of(problems) == ["successor"]
    assert gewanzv.deregistration_problems(DeregistrationDetails(reason=DeregistrationReason.CLOSURE)) == []
    named = DeregistrationDetails(reason=DeregistrationReason.HANDOVER, successor="Jonas Becker")
    assert gewanzv.deregistration_problems(named) == []


# Across pages -------------------------------------------------------------------------------------------


def test_a_legal_person_names_who_represents_it_and_every_person_counted() -> None:
    partner = Person(role=PersonRole.PARTNER, first_names="Anna", last_name="Muster")
    notice = TradeNoticeAnswers(business=replace(GMBH, person_count=2), persons=(partner,))
    assert fields_of(gewanzv.notice_problems(notice)) == ["person_1", "betrieb"]
    director = Person(role=PersonRole.MANAGING_DIRECTOR, first_names="Ben", last_name="Muster")
    complete = TradeNoticeAnswers(business=notice.business, persons=(partner, director))
    assert gewanzv.notice_problems(complete) == []


def test_a_partnership_needs_no_legal_representative() -> None:
    partners = (Person(role=PersonRole.PARTNER), Person(role=PersonRole.PARTNER))
    notice = TradeNoticeAnswers(business=Business(legal_form=LegalForm.GBR, person_count=2), persons=partners)
    assert gewanzv.notice_problems(notice) == []


# How the pages show the rules ----------------------------------------------------------------------------


def test_a_page_shows_a_rule_at_its_field_but_not_over_a_refused_input() -> None:
    form = BusinessForm(data={"legal_form": "gmbh", "register_number": "12345", "person_count": "1"})
    assert not form.is_valid()
    # The rule's "required" for the unreadable number would only repeat the spelling error.
    assert [error.code for error in form.errors.as_data()["register_number"]] == ["register_type"]
    assert [error.code for error in form.errors.as_data()["registered_name"]] == ["required"]
