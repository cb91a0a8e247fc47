"""The school route's public pages under /<slug>/schulweg/."""

from django.urls import URLPattern, URLResolver

public_patterns: list[URLPattern | URLResolver] = []
