from typing import Any

from django.core import mail
from django.test import Client

from rathaus.accounts.models import User
from rathaus.municipalities.models import AccessibilityFeedback, Municipality


def test_visitor_reports_a_barrier_and_the_municipality_is_told(soest: Municipality) -> None:
    response = Client().post(
        "/soest/barrierefreiheit/",
        {"page_url": "/soest/leistungen/", "message": "Die Schrift ist zu klein.", "name": "", "email": ""},
    )
    assert response.status_code == 302
    assert response["Location"] == "/soest/barrierefreiheit/danke/"
    feedback = AccessibilityFeedback.all_tenants.get()
    assert (feedback.municipality, feedback.message) == (soest, "Die Schrift ist zu klein.")
    assert mail.outbox[0].to == [soest.email]
    assert "Die Schrift ist zu klein." not in mail.outbox[0].body  # content stays in the back office


def test_empty_report_shows_the_error_next_to_the_field_and_in_a_summary(soest: Municipality) -> None:
    response = Client().post("/soest/barrierefreiheit/", {"message": "", "email": "keine-adresse"})
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="error-summary"' in body
    assert 'aria-invalid="true"' in body
    assert "Dieses Feld ist zwingend erforderlich." in body
    assert "gültige E-Mail-Adresse" in body
    assert not AccessibilityFeedback.all_tenants.exists()


def test_report_is_kept_when_the_mail_server_is_down(soest: Municipality, settings: Any) -> None:
    settings.EMAIL_BACKEND = "rathaus.townhall.tests.broken_mail.BrokenBackend"
    response = Client().post("/soest/barrierefreiheit/", {"message": "Kontrast zu schwach"})
    assert response.status_code == 302
    assert AccessibilityFeedback.all_tenants.filter(message="Kontrast zu schwach").exists()


def test_html_in_a_report_is_escaped_for_staff(soest: Municipality, clerk_of_soest: User) -> None:
    Client().post("/soest/barrierefreiheit/", {"message": "<script>alert(1)</script>"})
    feedback = AccessibilityFeedback.all_tenants.get()
    assert feedback.message == "<script>alert(1)</script>"  # stored as written

    client = Client()
    client.force_login(clerk_of_soest)
    body = client.get(f"/soest/verwaltung/rueckmeldungen/{feedback.pk}/").content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<script>alert(1)" not in body
