"""Account pages under /konto/ (allauth's and ours) and the staff pages of the back office."""

from django.urls import URLPattern, URLResolver, include, path

from rathaus.accounts import views

site_patterns: list[URLPattern | URLResolver] = [
    path("konto/", views.profile, name="account_profile"),
    path("konto/loeschen/", views.delete, name="account_delete"),
    path("konto/", include("allauth.urls")),
]

backoffice_patterns: list[URLPattern | URLResolver] = [
    path("mitarbeitende/", views.backoffice_staff, name="staff"),
    path("mitarbeitende/<int:membership_id>/entfernen/", views.backoffice_staff_remove, name="staff_remove"),
]
