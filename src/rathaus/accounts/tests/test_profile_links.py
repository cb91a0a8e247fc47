from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import Municipality


def test_my_account_links_to_my_applications_in_each_municipality(
    soest: Municipality, lippstadt: Municipality, citizen: User
) -> None:
    client = Client()
    client.force_login(citizen)
    page = client.get("/konto/").content.decode()
    assert 'id="cases-heading">Meine Anträge</h2>' in page
    assert 'href="/soest/meine-antraege/"' in page
    assert 'href="/lippstadt/meine-antraege/"' in page
    # Before the settings: it is what a citizen comes for.
    assert page.index("/soest/meine-antraege/") < page.index("/konto/email/")


def test_with_one_municipality_the_link_is_a_button(soest: Municipality, citizen: User) -> None:
    client = Client()
    client.force_login(citizen)
    page = client.get("/konto/").content.decode()
    assert '<a class="kern-btn kern-btn--primary" href="/soest/meine-antraege/">' in page
