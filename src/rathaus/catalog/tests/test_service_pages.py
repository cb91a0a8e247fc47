"""Service pages tell the truth: "online" only with something to click, and how to reach the office otherwise."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import resolve

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.testing import make_service

pytestmark = pytest.mark.django_db

# What a page may say only when it offers the procedure or the named online service.
ONLINE_CLAIM = re.compile(r"online (erledigen|beantragen)|Online-Dienst|Online beantragen", re.IGNORECASE)


def _action_box(html: str) -> str:
    match = re.search(r'id="so-erledigen".*?</div></div></div>', html, re.DOTALL)
    assert match, "the page has no 'So erledigen Sie es' box"
    return match.group(0)


def test_every_demo_service_page_says_online_only_with_a_working_link(client: Client, demo: None) -> None:
    checked = online = 0
    for municipality in Municipality.objects.all():
        for service in Service.objects.of(municipality).select_related("municipality"):
            response = client.get(service.get_absolute_url())
            assert response.status_code == 200, service
            box = unescape(_action_box(response.content.decode()))
            checked += 1
            if not ONLINE_CLAIM.search(box):
                assert "data-online-action" not in box, service
                continue
            online += 1
            form = re.search(r'<form method="post" action="([^"]+)">.*?data-online-action="procedure"', box, re.DOTALL)
            link = re.search(r'<a class="kern-btn[^"]*" href="([^"]+)" data-online-action="external"', box)
            assert form or link, f"{municipality.slug}: {service.name} says online but offers nothing to click"
            if form:
                match = resolve(form.group(1))
                assert match.url_name == "application_start"
                assert match.kwargs["municipality_slug"] == municipality.slug
                registry.get(match.kwargs["procedure_key"])  # KeyError if the procedure does not exist
            else:
                assert link is not None
                assert link.group(1) == service.external_url and link.group(1).startswith("https://")
                assert service.external_name and service.external_name in box
    total = sum(Service.objects.of(m).count() for m in Municipality.objects.all())
    assert checked == total and online >= 5


def test_the_soest_registry_services_no_longer_claim_online(client: Client, demo_soest: Municipality) -> None:
    for name in [
        "Wohnsitz abmelden",
        "Meldebescheinigung beantragen",
        "Melderegisterauskunft beantragen",
        "Übermittlungssperre einrichten (Widerspruch gegen Datenweitergabe)",
        "Geburtsurkunde und andere Personenstandsurkunden bestellen",
        "Sterbeurkunde beantragen",
        "Bewohnerparkausweis beantragen",
        "Bewohnerparkausweis nach Verlust neu beantragen",
    ]:
        service = Service.objects.of(demo_soest).get(name=name)
        box = unescape(_action_box(client.get(service.get_absolute_url()).content.decode()))
        assert not ONLINE_CLAIM.search(box), name
        assert "Öffnungszeiten" in box and "Telefon" in box, name


def test_the_fuehrungszeugnis_links_to_the_federal_online_application(client: Client, demo_soest: Municipality) -> None:
    service = Service.objects.of(demo_soest).get(name="Führungszeugnis beantragen")
    box = unescape(_action_box(client.get(service.get_absolute_url()).content.decode()))
    assert 'href="https://www.fuehrungszeugnis.bund.de"' in box
    assert "Bundesamt für Justiz" in box


def test_gewerbe_pages_start_the_registered_procedure(client: Client, demo_soest: Municipality) -> None:
    service = Service.objects.of(demo_soest).get(name="Gewerbeanmeldung")
    box = _action_box(client.get(service.get_absolute_url()).content.decode())
    assert 'action="/soest/antrag/gewerbe-anmeldung/' in box or "gewerbe-anmeldung" in box
    assert service.is_online


def test_an_appointment_page_gives_phone_email_and_opening_hours(client: Client, demo_soest: Municipality) -> None:
    service = Service.objects.of(demo_soest).get(name="Personalausweis beantragen")
    box = unescape(_action_box(client.get(service.get_absolute_url()).content.decode()))
    assert "Termin vereinbaren" in box
    assert demo_soest.phone in box and demo_soest.email in box
    assert "Do 8:00–18:00" in box  # the town hall's opening hours
    assert "Am Vreithof 8" in box


def test_the_departments_own_phone_and_email_come_first(client: Client, demo_soest: Municipality) -> None:
    service = Service.objects.of(demo_soest).select_related("department").get(name="Personalausweis beantragen")
    service.department.phone, service.department.email = "02921 103-2222", "buergerbuero@soest.example"
    service.department.save()
    box = unescape(_action_box(client.get(service.get_absolute_url()).content.decode()))
    assert "02921 103-2222" in box and 'href="tel:02921103-2222"' in box


def test_the_leika_key_is_explained_in_small_print(client: Client, demo_soest: Municipality) -> None:
    service = Service.objects.of(demo_soest).get(name="Personalausweis beantragen")
    html = unescape(client.get(service.get_absolute_url()).content.decode())
    assert "LeiKa-Schlüssel" not in html
    assert "Leistungsschlüssel 99008001000000 (LeiKa, der bundesweite Katalog der Verwaltungsleistungen)" in html


def test_a_service_without_leika_key_shows_no_key_line(client: Client, soest: Municipality) -> None:
    service = make_service(soest, leika_key="", name="Sperrmüll anmelden", key="sperrmuell-anmelden")
    html = client.get(service.get_absolute_url()).content.decode()
    assert "Leistungsschlüssel" not in html


def test_online_without_a_link_is_refused_by_the_model(soest: Municipality) -> None:
    service = make_service(soest, leika_key="", name="Hundesteuer anmelden", key="hundesteuer-anmelden")
    service.channel = Service.Channel.ONLINE
    with pytest.raises(ValidationError) as error:
        service.full_clean()
    assert "channel" in error.value.message_dict
    service.external_url = "https://www.example.org/"
    with pytest.raises(ValidationError):
        service.full_clean()  # an address alone is not a named online service
    service.external_name = "Online-Dienst der Stadt"
    service.full_clean()
    assert service.is_online


def test_a_stale_online_channel_is_not_shown_as_online(client: Client, soest: Municipality) -> None:
    # A row from before the rule (saved without validation) still gets the truthful page.
    service = make_service(soest, leika_key="", name="Sterbeurkunde", key="sterbeurkunde", channel="online")
    assert not service.is_online
    box = unescape(_action_box(client.get(service.get_absolute_url()).content.decode()))
    assert not ONLINE_CLAIM.search(box)
    assert "Kontakt" in box


def test_services_without_leika_key_get_distinct_keys(soest: Municipality) -> None:
    first = Service(municipality=soest, name="Biotonne bestellen", summary="x", channel="in_person")
    first.department = make_service(soest, leika_key="", name="A", key="a").department
    first.full_clean()
    first.save()
    second = Service(municipality=soest, name="Biotonne bestellen", summary="y", channel="in_person")
    second.department = first.department
    second.full_clean()
    assert (first.key, second.key) == ("biotonne-bestellen", "biotonne-bestellen-2")
