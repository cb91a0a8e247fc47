"""The school route's public pages under /<slug>/schulweg/."""

from django.urls import URLPattern, URLResolver, path

from rathaus.schoolroute import views

public_patterns: list[URLPattern | URLResolver] = [
    path("schulweg/", views.school_route_page, name="school_route"),
    path("schulweg/karte.svg", views.school_route_map, name="school_route_map"),
]
