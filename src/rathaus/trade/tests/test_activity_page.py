"""The business's activity page (GewA 1, fields 15–22) as the citizen sees it, and the clerk's hint
about possible duplicates."""

import re
from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Draft
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.trade.demo import save_step
from rathaus.trade.models import BusinessNotice
from rathaus.trade.tests.conftest import gmbh_steps

pytestmark = pytest.mark.usefixtures("trade_department", "trade_office")

CHECKBOXES = ("side_business", "vending", "itinerant")


def activity_page(soest: Municipality, citizen: User) -> tuple[Client, str]:
    """A logged-in citizen's GewA 1 with every page before the activity answered; its address."""
    client = Client()
    client.force_login(citizen)
    first = client.post("/soest/antrag/gewerbe-anmeldung/")["Location"]
    draft = Draft.all_tenants.get()
    for key in ("betrieb", "person_1", "person_2", "betriebsstaette"):
        save_step(draft, key, gmbh_steps()[key])
    return client, re.sub(r"/[^/]+/$", "/taetigkeit/", first)


def ticked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page)
    assert tag is not None, name
    return " checked" in tag.group(0)


def test_the_kinds_of_business_are_checkboxes_and_the_legal_form_radio_buttons(
    soest: Municipality, citizen: User
) -> None:
    client, url = activity_page(soest, citizen)
    page = client.get(url).content.decode()
    kinds = re.findall(r'<input[^>]*name="kinds"[^>]*>', page)
    assert len(kinds) > 1
    assert all('type="checkbox"' in tag for tag in kinds)
    assert "Mehrfachnennung möglich" in page
    first_page = client.get(url.replace("/taetigkeit/", "/betrieb/")).content.decode()
    legal_forms = re.findall(r'<input[^>]*name="legal_form"[^>]*>', first_page)
    assert legal_forms and all('type="radio"' in tag for tag in legal_forms)
    assert "Mehrfachnennung möglich" not in first_page


def test_unticked_boxes_stay_unticked_after_going_back(soest: Municipality, citizen: User) -> None:
    client, url = activity_page(soest, citizen)
    # Incomplete (no WZ code), boxes left unticked, two kinds chosen: "Zurück".
    data = {**gmbh_steps()["taetigkeit"], "wz_code": "", "kinds": ["handwerk", "handel"], "action": "back"}
    assert client.post(url, data).status_code == 302
    page = client.get(url).content.decode()
    assert not any(ticked(page, name) for name in CHECKBOXES)
    kinds = {
        re.search(r'value="([^"]+)"', tag).group(1): " checked" in tag  # type: ignore[union-attr]
        for tag in re.findall(r'<input[^>]*name="kinds"[^>]*>', page)
    }
    assert kinds["handwerk"] and kinds["handel"]


def test_a_ticked_box_stays_ticked_after_going_back(soest: Municipality, citizen: User) -> None:
    client, url = activity_page(soest, citizen)
    data = {**gmbh_steps()["taetigkeit"], "wz_code": "", "vending": "on", "action": "back"}
    client.post(url, data)
    page = client.get(url).content.decode()
    assert ticked(page, "vending")
    assert not ticked(page, "side_business")


def test_a_saved_no_shows_unticked_after_going_back(soest: Municipality, citizen: User) -> None:
    client, url = activity_page(soest, citizen)
    client.post(url, {**gmbh_steps()["taetigkeit"], "action": "next"})
    assert Draft.all_tenants.get().answers["taetigkeit"]["side_business"] is False
    page = client.get(url).content.decode()
    assert not any(ticked(page, name) for name in CHECKBOXES)


def test_the_duplicate_hint_does_not_point_at_the_business_the_case_created(
    confirmed_gmbh: BusinessNotice, soest: Municipality
) -> None:
    assert confirmed_gmbh.case_id is not None
    case = Case.all_tenants.get(pk=confirmed_gmbh.case_id)
    hints = registry.get(case.procedure_key)(soest).hints(case)
    assert not any("doppelt" in hint for hint in hints)


def test_a_second_registration_still_gets_the_duplicate_hint(
    confirmed_gmbh: BusinessNotice, soest: Municipality, django_capture_on_commit_callbacks: Any
) -> None:
    from rathaus.trade.tests.conftest import submit_notice

    second = submit_notice(soest, gmbh_steps())
    hints = registry.get(second.procedure_key)(soest).hints(second)
    assert [hint for hint in hints if "doppelt" in hint and confirmed_gmbh.business.number in hint]
