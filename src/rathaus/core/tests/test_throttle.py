from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured

from rathaus.core.throttle import rate_limit


@pytest.mark.parametrize(
    ("value", "amount", "seconds"), [("30/m", 30, 60), ("100/h", 100, 3600), ("5/10s", 5, 10), (" 2 / d ", 2, 86400)]
)
def test_the_rate_limit_setting_is_read(settings: Any, value: str, amount: int, seconds: int) -> None:
    settings.TRADE_REGISTER_RATE_LIMIT = value

    rate = rate_limit("TRADE_REGISTER_RATE_LIMIT", "30/m")

    assert rate is not None
    assert (rate.amount, rate.seconds) == (amount, seconds)


def test_the_default_applies_when_the_setting_is_missing(settings: Any) -> None:
    del settings.SCHOOL_ROUTE_RATE_LIMIT

    rate = rate_limit("SCHOOL_ROUTE_RATE_LIMIT", "7/m")
    assert rate is not None
    assert (rate.amount, rate.seconds) == (7, 60)


@pytest.mark.parametrize("value", ["30", "30/minute", "0/m", "-1/m", "5/0s"])
def test_a_bad_rate_limit_setting_is_named(settings: Any, value: str) -> None:
    settings.SCHOOL_ROUTE_RATE_LIMIT = value

    with pytest.raises(ImproperlyConfigured, match="SCHOOL_ROUTE_RATE_LIMIT"):
        rate_limit("SCHOOL_ROUTE_RATE_LIMIT", "30/m")
