"""The school office's staff pages under /<slug>/verwaltung/schulweg/."""

from django.urls import URLPattern, URLResolver

from rathaus.schoolroute import backoffice_views

backoffice_patterns: list[URLPattern | URLResolver] = [*backoffice_views.patterns]
