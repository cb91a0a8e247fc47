"""The catalogue: a municipality's start page, A–Z, service pages and search, and the service editor."""

from django.urls import URLPattern, URLResolver, path

from rathaus.catalog import views

public_patterns: list[URLPattern | URLResolver] = [
    path("", views.municipality_home, name="municipality_home"),
    path("leistungen/", views.service_index, name="service_index"),
    path("leistungen/<int:service_id>/", views.service_detail, name="service_detail"),
    path("suche/", views.service_search_page, name="service_search"),
]

backoffice_patterns: list[URLPattern | URLResolver] = [
    path("leistungen/", views.backoffice_service_list, name="service_list"),
    path("leistungen/neu/", views.backoffice_service_create, name="service_create"),
    path("leistungen/<int:service_id>/", views.backoffice_service_edit, name="service_edit"),
]
