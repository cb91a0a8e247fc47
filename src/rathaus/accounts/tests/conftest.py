from collections.abc import Iterator

import pytest
from django.core.cache import cache
from pytest_django.fixtures import Settings as SettingsWrapper


@pytest.fixture(autouse=True)
def fresh_cache(db: None) -> Iterator[None]:
    """Rate-limit counters and used TOTP codes live in the cache: no test inherits another's."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: SettingsWrapper) -> None:
    """PBKDF2 at full strength makes every login take a noticeable fraction of a second."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
