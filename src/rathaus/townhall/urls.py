"""The municipality's own pages: the list of municipalities, legal pages, the accessibility
feedback, and the back office's start page, settings, departments and audit log."""

from django.urls import URLPattern, URLResolver, path

from rathaus.townhall import views

site_patterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]

public_patterns: list[URLPattern | URLResolver] = [
    path("logo/", views.logo, name="municipality_logo"),
    path("impressum/", views.imprint, name="imprint"),
    path("datenschutz/", views.privacy, name="privacy"),
    path("barrierefreiheit/", views.accessibility, name="accessibility"),
    path("barrierefreiheit/danke/", views.accessibility_thanks, name="accessibility_thanks"),
]

backoffice_patterns: list[URLPattern | URLResolver] = [
    path("", views.backoffice_dashboard, name="dashboard"),
    path("kommune/", views.backoffice_settings, name="settings"),
    path("protokoll/", views.backoffice_audit, name="audit"),
    path("rueckmeldungen/<int:feedback_id>/", views.backoffice_feedback_detail, name="feedback_detail"),
    path("fachbereiche/neu/", views.backoffice_department_edit, name="department_create"),
    path("fachbereiche/<int:department_id>/", views.backoffice_department_edit, name="department_edit"),
]
