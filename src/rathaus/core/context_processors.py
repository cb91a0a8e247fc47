from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {
        "municipality": getattr(request, "municipality", None),
        "membership": getattr(request, "membership", None),
        "site_url": settings.SITE_URL,
    }
