"""The platform operator's pages under /plattform/ (`SiteConfig.capability.site_urls`)."""

from django.urls import URLPattern, URLResolver, path

from rathaus.site import views

site_patterns: list[URLPattern | URLResolver] = [
    path("plattform/kommunen/", views.operator_municipalities, name="operator_municipalities"),
    path("plattform/kommunen/neu/", views.operator_municipality_add, name="operator_municipality_add"),
]
