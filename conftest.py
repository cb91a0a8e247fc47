import os
from typing import Any

import pytest
from django.test import Client

from rathaus.accounts.models import Membership, User
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_municipality, make_service, make_staff, make_user

# Playwright's sync API keeps an event loop in the test thread; the ORM calls in the same
# tests are still synchronous, so Django's guard against async misuse does not apply.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    """Tests hash passwords with MD5: PBKDF2 at full strength (a million rounds) costs about half a
    second per test user and login, which is most of a slow suite and tests nothing of ours."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Background tasks run inside the test, as soon as they are enqueued, but like the worker with
    no municipality of the test's in scope."""
    settings.TASKS = {"default": {"BACKEND": "rathaus.testing.WorkerLikeImmediateBackend"}}


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded and generated files (documents, receipts, logos) go to a temporary folder, not var/."""
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture(autouse=True)
def graphs_in_tmp(settings: Any, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Street network graphs (imported by the demo, among others) go to a temporary folder, not var/."""
    settings.GRAPH_DIR = tmp_path_factory.getbasetemp() / "graphs"


@pytest.fixture
def soest(db: None) -> Municipality:
    return make_municipality(ags="05974040", slug="soest", name="Stadt Soest", city="Soest", postal_code="59494")


@pytest.fixture
def lippstadt(db: None) -> Municipality:
    return make_municipality(
        ags="05974028", slug="lippstadt", name="Stadt Lippstadt", city="Lippstadt", postal_code="59555"
    )


@pytest.fixture
def soest_service(soest: Municipality) -> Service:
    return make_service(soest, leika_key="99008001000000", name="Personalausweis beantragen", synonyms="Perso\nAusweis")


@pytest.fixture
def citizen(db: None) -> User:
    return make_user("buergerin@example.org")


@pytest.fixture
def clerk_of_lippstadt(lippstadt: Municipality) -> User:
    return make_staff(lippstadt, "clerk@lippstadt.example")


@pytest.fixture
def clerk_of_soest(soest: Municipality) -> User:
    return make_staff(soest, "clerk@soest.example")


@pytest.fixture
def admin_of_soest(soest: Municipality) -> User:
    return make_staff(soest, "admin@soest.example", role=Membership.Role.ADMIN)


@pytest.fixture
def admin_client(admin_of_soest: User) -> Client:
    """A browser-less client logged in as Soest's municipal admin (TOTP set up)."""
    client = Client()
    client.force_login(admin_of_soest)
    return client
