"""The trade office's pages: staff pages under /<slug>/verwaltung/gewerbe/, open data under /<slug>/gewerbe/."""

from django.urls import URLPattern, URLResolver, path

from rathaus.trade import correction_views, outbox_views, register_views, views

backoffice_patterns: list[URLPattern | URLResolver] = [
    *correction_views.patterns,
    *outbox_views.patterns,
    *register_views.patterns,
]
public_patterns: list[URLPattern | URLResolver] = [*register_views.public_patterns]

site_patterns: list[URLPattern | URLResolver] = [
    path("wz-vorschlaege/", views.wz_suggestions, name="wz_suggestions"),
]
