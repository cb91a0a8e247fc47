"""The trade office's pages: staff pages under /<slug>/verwaltung/gewerbe/, open data under /<slug>/gewerbe/."""

from django.urls import URLPattern, URLResolver

from rathaus.trade import correction_views, outbox_views, register_views

backoffice_patterns: list[URLPattern | URLResolver] = [
    *correction_views.patterns,
    *outbox_views.patterns,
    *register_views.patterns,
]
public_patterns: list[URLPattern | URLResolver] = [*register_views.public_patterns]
