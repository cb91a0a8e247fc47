"""The school office's staff pages under /<slug>/verwaltung/schulweg/."""

from django.urls import URLPattern, URLResolver

backoffice_patterns: list[URLPattern | URLResolver] = []
