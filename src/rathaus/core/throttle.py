"""Per-client rate limits of public API endpoints, counted in Django's cache.

An endpoint names its setting ("30/m", "100/h", "5/10s"; empty: no limit) and a scope; each client
address (IPv6: its /64) gets a fixed window per scope. Over the limit, the endpoint answers 429 with
Retry-After (`too_many`). An API operation says `@decorate_view(rate_limited(...))`: the count comes before
its parameters are checked, so that refused requests count too and a client over the limit hears 429 for
any request.
"""

from __future__ import annotations

import ipaddress
import math
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from allauth.account.adapter import get_adapter
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

_RATE = re.compile(r"^\s*(?P<amount>\d+)\s*/\s*(?P<count>\d*)\s*(?P<unit>[smhd])\s*$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# IPv6 clients get a whole /64 each; counting single addresses would let one of them rotate freely.
_IPV6_PREFIX = 64


@dataclass(frozen=True)
class Rate:
    amount: int
    seconds: int


def rate_limit(setting: str, default: str) -> Rate | None:
    """The limit the setting names ("30/m", "100/h", "5/10s"); None when it is empty (no limit)."""
    value = str(getattr(settings, setting, default))
    if not value.strip():
        return None
    match = _RATE.match(value)
    if match is None or int(match["amount"]) < 1 or match["count"] == "0":
        raise ImproperlyConfigured(f"{setting} must be like 30/m, 100/h or 5/10s, not {value!r}")
    return Rate(int(match["amount"]), int(match["count"] or 1) * _UNITS[match["unit"]])


def _client(request: HttpRequest) -> str:
    """The client's address as allauth's login limits see it (one trusted proxy with BEHIND_PROXY)."""
    address = get_adapter().get_client_ip(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return str(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network(f"{parsed}/{_IPV6_PREFIX}", strict=False).network_address)
    return str(parsed)


def throttle(request: HttpRequest, *, scope: str, setting: str, default: str) -> int | None:
    """Counts the request against the client's window; None when it may go on, else the seconds until the
    window ends. On a cache without atomic increments (the database cache) a burst of simultaneous requests
    may pass a few over the limit; Redis counts exactly."""
    rate = rate_limit(setting, default)
    if rate is None:
        return None
    now = time.time()
    window = int(now // rate.seconds)
    key = f"rathaus:rl:{scope}:{rate.amount}/{rate.seconds}:{window}:{_client(request)}"
    cache.add(key, 0, timeout=rate.seconds + 1)
    try:
        used = cache.incr(key)
    except ValueError:  # the entry expired between add and incr
        cache.set(key, 1, timeout=rate.seconds + 1)
        used = 1
    if used <= rate.amount:
        return None
    return max(1, math.ceil((window + 1) * rate.seconds - now))


def too_many(retry_after: int) -> HttpResponse:
    response = JsonResponse(
        {
            "detail": _("Zu viele Anfragen. Bitte versuchen Sie es in %(seconds)s Sekunden erneut.")
            % {"seconds": retry_after}
        },
        status=429,
        json_dumps_params={"ensure_ascii": False},
    )
    response["Retry-After"] = str(retry_after)
    return response


View = Callable[..., HttpResponse]


def rate_limited(*, scope: str, setting: str, default: str) -> Callable[[View], View]:
    """A view decorator (for ninja: `decorate_view`) answering 429 once the client is over the limit."""

    def decorate(view: View) -> View:
        @wraps(view)
        def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            retry_after = throttle(request, scope=scope, setting=setting, default=default)
            if retry_after is not None:
                return too_many(retry_after)
            return view(request, *args, **kwargs)

        return limited

    return decorate
