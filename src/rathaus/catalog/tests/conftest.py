import pytest
from pytest_django.fixtures import Settings

from rathaus.municipalities.models import Municipality
from rathaus.site.demo import demo_load


@pytest.fixture
def demo(db: None, settings: Settings) -> None:
    """The four demo municipalities with their real services (fast password hashing for the demo logins)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo_load(capabilities=False)


@pytest.fixture
def demo_soest(demo: None) -> Municipality:
    return Municipality.objects.get(slug="soest")
