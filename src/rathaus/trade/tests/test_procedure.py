"""GewA 1/2/3 on the engine: answers, validation across pages, fees, hints and the register."""

from decimal import Decimal

from rathaus.cases.models import Case
from rathaus.trade.models import Business, BusinessNotice, OutboxMessage


def test_a_gmbh_with_two_managing_directors_is_filed_with_its_fee(gmbh_case: Case) -> None:
    assert gmbh_case.status == "submitted"
    assert gmbh_case.subject == "GewA 1: Bördeland Haustechnik GmbH"
    assert gmbh_case.applicant_name == "Katrin Hoffmann"
    # NRW: 33 € for a legal person, 13 € for the second managing director.
    assert gmbh_case.fee == Decimal("46.00")


def test_confirming_enters_the_business_in_the_register(confirmed_gmbh: BusinessNotice) -> None:
    business = confirmed_gmbh.business
    assert business.name == "Bördeland Haustechnik GmbH"
    assert business.wz_code == "43220"
    assert business.street == "Ulricher Straße 20"
    assert business.status == Business.Status.ACTIVE
    assert business.number == f"G-{business.municipality.reference_prefix}-000001"
    assert OutboxMessage.all_tenants.filter(notice=confirmed_gmbh).exists()
