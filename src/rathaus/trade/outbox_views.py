"""Back-office pages of the outbox and the trade office's settings (filled in by the outbox work)."""

from django.urls import URLPattern

patterns: list[URLPattern] = []
