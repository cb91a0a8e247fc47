"""Finding WZ codes by the words people use, and the suggestions while typing."""

import pytest
from django.test import Client

from rathaus.trade import wz
from rathaus.trade.forms import ActivityForm


@pytest.mark.parametrize(
    ("words", "code"),
    [
        ("Friseur", "96021"),
        ("Frisör", "96021"),
        ("Hausmeister", "81100"),
        ("Elektriker", "43210"),
        ("Imbiss", "56102"),
        ("Immobilienmakler", "68311"),
        ("Gebäudereinigung", "81210"),
        ("Softwareentwicklung", "62019"),
        ("Kfz-Werkstatt", "45203"),
        ("Autowerkstat", "45203"),
        ("Umzüge", "49420"),
        ("Webdesign", "62011"),
        ("96.02.1", "96021"),
    ],
)
def test_words_find_the_code(words: str, code: str) -> None:
    assert code in [activity.code for activity in wz.search(words)[:3]]


def test_codes_are_checked_against_the_classification() -> None:
    assert wz.lookup("96021") is not None
    assert wz.lookup("96.02.1") is not None
    assert wz.lookup("96020") is None  # a class, not a subclass
    assert wz.lookup("99999") is None
    assert wz.lookup("Friseur") is None
    activity = wz.lookup("43220")
    assert activity is not None and activity.section == "F"


def test_every_keyword_craft_and_permit_names_a_real_code() -> None:
    for code in (*wz.KEYWORDS, *wz.CRAFTS):
        assert wz.lookup(code) is not None, code
    subclass_prefixes = {activity.code[:4] for activity in wz.subclasses()}
    for prefix in wz.PERMITS:
        assert prefix[:4] in subclass_prefixes, prefix


def test_the_classification_has_all_839_subclasses_in_21_sections() -> None:
    assert len(wz.subclasses()) == 839
    assert len(wz.sections()) == 21


def test_suggestions_while_typing(client: Client) -> None:
    response = client.get("/wz-vorschlaege/", {"wz_code": "Friseur"})
    assert response.status_code == 200
    assert '<option value="96021">96021 Frisörsalons</option>' in response.content.decode()
    assert "<option" not in client.get("/wz-vorschlaege/", {"wz_code": "F"}).content.decode()
    assert client.get("/wz-vorschlaege/", {"wz_code": "<script>" * 100}).status_code == 200


def test_the_field_offers_the_suggestions_and_works_without_them() -> None:
    html = str(ActivityForm()["wz_code"])
    assert 'list="wz-vorschlaege"' in html and '<datalist id="wz-vorschlaege"></datalist>' in html
    assert 'hx-get="/wz-vorschlaege/"' in html
