"""The round trip through the test provider, which plays an external hosted payment page."""

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from pytest_django.fixtures import Settings

from rathaus.municipalities.models import Municipality
from rathaus.payments.models import Payment
from rathaus.payments.providers import return_signature
from rathaus.payments.services import payment_start
from rathaus.payments.signals import payment_status_changed
from rathaus.payments.tests.conftest import make_payment


@pytest.fixture
def signals() -> Iterator[list[dict[str, Any]]]:
    received: list[dict[str, Any]] = []

    def receiver(sender: type[Payment], **kwargs: Any) -> None:
        received.append(kwargs)

    payment_status_changed.connect(receiver)
    yield received
    payment_status_changed.disconnect(receiver)


@pytest.fixture
def client() -> Client:
    return Client(enforce_csrf_checks=True)


def csrf_post(client: Client, url: str, data: dict[str, str]) -> Any:
    """Posts as the browser would: with the token the page just handed out."""
    page = client.get(url)
    return client.post(url, {**data, "csrfmiddlewaretoken": page.context["csrf_token"]})


def test_citizen_pays_on_the_test_page(client: Client, soest_payment: Payment, signals: list[dict[str, Any]]) -> None:
    start_url = payment_start(payment=soest_payment)
    assert start_url is not None

    page = client.get(start_url)
    body = page.content.decode()
    assert page.status_code == 200
    assert "Testzahlung – keine echte Zahlung" in body
    assert "12,50" in body
    assert "Kartennummer" not in body

    paid = csrf_post(client, start_url, {"result": "paid"})
    assert paid.status_code == 302
    back = urlsplit(paid["Location"])
    assert back.path == "/soest/zahlung/rueckkehr/"
    assert parse_qs(back.query)["status"] == ["paid"]
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Payment.Status.OPEN  # not before the return

    returned = client.get(paid["Location"])
    assert returned.status_code == 302
    assert returned["Location"] == "/soest/antraege/SO-2026-000123/"
    soest_payment.refresh_from_db()
    assert soest_payment.status == Payment.Status.PAID
    assert soest_payment.paid_at is not None
    assert len(signals) == 1
    assert signals[0]["payment"] == soest_payment
    assert signals[0]["actor"] is None


def test_test_page_asks_for_no_card_data(client: Client, soest_payment: Payment) -> None:
    body = client.get(f"/soest/zahlung/test/{soest_payment.token}/").content.decode()
    main = body.split("<main", 1)[1].split("</main>", 1)[0]

    inputs = [tag.split(">", 1)[0] for tag in main.split("<input")[1:]]
    assert inputs  # the CSRF tokens of the two forms
    assert all('type="hidden"' in tag and 'name="csrfmiddlewaretoken"' in tag for tag in inputs)
    assert "Bezahlen" in main and "Abbrechen" in main
    for word in ("Kartennummer", "IBAN", "CVC", "Prüfziffer"):
        assert word not in main


def test_a_second_return_with_the_same_result_changes_nothing(
    client: Client, soest_payment: Payment, signals: list[dict[str, Any]]
) -> None:
    paid = csrf_post(client, f"/soest/zahlung/test/{soest_payment.token}/", {"result": "paid"})

    client.get(paid["Location"])
    again = client.get(paid["Location"])

    assert again.status_code == 302
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Payment.Status.PAID
    assert len(signals) == 1


def test_citizen_cancels_on_the_test_page(
    client: Client, soest_payment: Payment, signals: list[dict[str, Any]]
) -> None:
    cancelled = csrf_post(client, f"/soest/zahlung/test/{soest_payment.token}/", {"result": "cancelled"})
    returned = client.get(cancelled["Location"], follow=True)

    assert returned.redirect_chain[-1][0] == "/soest/antraege/SO-2026-000123/"
    soest_payment.refresh_from_db()
    assert soest_payment.status == Payment.Status.CANCELLED
    assert soest_payment.paid_at is None
    assert [s["previous_status"] for s in signals] == ["open"]


def test_a_cancelled_result_after_payment_does_not_undo_it(client: Client, soest_payment: Payment) -> None:
    cancel_url = urlsplit(
        csrf_post(client, f"/soest/zahlung/test/{soest_payment.token}/", {"result": "cancelled"})["Location"]
    )
    Payment.all_tenants.filter(pk=soest_payment.pk).update(status=Payment.Status.PAID)

    response = client.get(f"{cancel_url.path}?{cancel_url.query}")

    assert response.status_code == 302
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Payment.Status.PAID


@pytest.mark.parametrize(
    "query",
    [
        "status=paid&sig={bad}",
        "status=paid",
        "status=cancelled&sig={paid_sig}",
        "status=paid&sig={paid_sig}x",
        "status=open&sig={open_sig}",
    ],
)
def test_a_tampered_return_is_refused(
    client: Client, soest_payment: Payment, signals: list[dict[str, Any]], query: str
) -> None:
    token = soest_payment.token
    query = query.format(
        bad="0" * 64,
        paid_sig=return_signature(token=token, status="paid"),
        open_sig=return_signature(token=token, status="open"),
    )

    response = client.get(f"/soest/zahlung/rueckkehr/?payment={token}&{query}")

    assert response.status_code == 400
    assert "nicht gültig" in response.content.decode()
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Payment.Status.OPEN
    assert signals == []


def test_a_signature_for_another_payment_is_refused(client: Client, soest: Municipality) -> None:
    mine, other = make_payment(soest), make_payment(soest)
    sig = return_signature(token=other.token, status="paid")

    response = client.get(f"/soest/zahlung/rueckkehr/?payment={mine.token}&status=paid&sig={sig}")

    assert response.status_code == 400
    assert Payment.all_tenants.get(pk=mine.pk).status == Payment.Status.OPEN


def test_soest_payment_is_not_found_under_lippstadt(
    client: Client, soest_payment: Payment, lippstadt: Municipality
) -> None:
    token = soest_payment.token
    sig = return_signature(token=token, status="paid")

    assert client.get(f"/lippstadt/zahlung/test/{token}/").status_code == 404
    assert client.post(f"/lippstadt/zahlung/test/{token}/", {"result": "paid"}).status_code in {403, 404}
    assert client.get(f"/lippstadt/zahlung/rueckkehr/?payment={token}&status=paid&sig={sig}").status_code == 404
    assert Payment.all_tenants.get(pk=soest_payment.pk).status == Payment.Status.OPEN


def test_return_without_a_payment_is_not_found(client: Client, soest: Municipality) -> None:
    assert client.get("/soest/zahlung/rueckkehr/").status_code == 404


def test_test_page_is_gone_when_switched_off(client: Client, soest_payment: Payment, settings: Settings) -> None:
    settings.PAYMENT_TEST_PROVIDER = False
    assert client.get(f"/soest/zahlung/test/{soest_payment.token}/").status_code == 404


def test_test_page_does_not_serve_an_invoice_payment(client: Client, soest: Municipality) -> None:
    payment = make_payment(soest, provider_key="invoice")
    assert client.get(f"/soest/zahlung/test/{payment.token}/").status_code == 404


def test_test_page_of_a_paid_payment_offers_no_buttons(client: Client, soest_payment: Payment) -> None:
    Payment.all_tenants.filter(pk=soest_payment.pk).update(status=Payment.Status.PAID)

    body = client.get(f"/soest/zahlung/test/{soest_payment.token}/").content.decode()

    assert "nicht mehr offen" in body
    assert 'value="paid"' not in body


def test_post_without_a_csrf_token_is_refused(client: Client, soest_payment: Payment) -> None:
    response = client.post(f"/soest/zahlung/test/{soest_payment.token}/", {"result": "paid"})
    assert response.status_code == 403
