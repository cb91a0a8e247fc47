"""Back-office pages of the trade register and its statistics (filled in by the register work)."""

from django.urls import URLPattern

patterns: list[URLPattern] = []
public_patterns: list[URLPattern] = []
