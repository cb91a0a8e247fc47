"""Every response carries the Permissions-Policy; every page that shows personal data (the citizen's
draft, review, confirmation, status link and postbox, the account pages, the whole back office) is
sent with Cache-Control: no-store. The back office's routes are read from the URL configuration, so
a page added later is checked too."""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import get_resolver

from rathaus.accounts.models import User
from rathaus.cases.models import Case
from rathaus.cases.tests.conftest import permit_office, test_permit  # noqa: F401
from rathaus.cases.tests.test_views import fill_in, start
from rathaus.core.middleware import PERMISSIONS_POLICY
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tests.test_tenant_isolation import _walk

PARAMS = {"municipality_slug": "soest"}


def no_store(response: Any) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_the_permissions_policy_denies_devices_on_every_response(soest: Municipality) -> None:
    for response in (Client().get("/"), Client().get("/soest/"), Client().get("/gibt-es-nicht/")):
        policy = response["Permissions-Policy"]
        assert policy == PERMISSIONS_POLICY
        for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
            assert f"{feature}=()" in policy


def test_public_pages_may_be_cached(soest: Municipality) -> None:
    for path in ("/", "/soest/", "/soest/leistungen/", "/soest/stellen/"):
        assert not no_store(Client().get(path)), path


@pytest.mark.usefixtures("test_permit", "permit_office")
def test_the_citizens_personal_pages_are_not_stored(
    soest: Municipality, citizen: User, django_capture_on_commit_callbacks: Any
) -> None:
    client = Client()
    client.force_login(citizen)
    first = start(client)
    assert no_store(client.get(first))
    review = fill_in(client, start(client))
    assert no_store(client.get(review))
    assert no_store(client.get(review.replace("/pruefen/", "/verwerfen/")))
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(review, {"declaration": "on"})["Location"]
    done_page = client.get(done)
    assert no_store(done_page)
    case = Case.all_tenants.get()
    for path in (
        "/soest/meine-antraege/",
        f"/soest/meine-antraege/{case.reference}/",
        f"/soest/meine-antraege/{case.reference}/schritt/withdraw/",
        "/konto/",
        "/konto/email/",
        "/konto/password/change/",
        "/konto/loeschen/",
    ):
        assert no_store(client.get(path)), path
    status = re.search(r"http://testserver(/soest/vorgang/[^/]+/)", done_page.content.decode())
    assert status is not None
    assert no_store(Client().get(status.group(1)))


def test_every_back_office_page_is_not_stored(soest: Municipality, admin_of_soest: User) -> None:
    client = Client()
    client.force_login(admin_of_soest)
    routes = [route for route in _walk(get_resolver().url_patterns) if "backoffice" in route.namespaces]
    assert len(routes) > 20
    for route in routes:
        path = route.fill({name: PARAMS.get(name, 999999) for name in route.params})
        response = client.get(path)
        assert no_store(response), (path, response.status_code, response.get("Cache-Control"))
