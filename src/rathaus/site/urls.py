"""The root URL configuration, assembled from the apps' capabilities (`rathaus.core.capability`):
each app's site-wide pages, then everything under /<slug>/, with the back office under
/<slug>/verwaltung/ in the `backoffice` namespace that the access policy guards."""

from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from rathaus.core import views as core_views
from rathaus.core.capability import url_patterns
from rathaus.site.api import api

municipality_patterns: list[URLPattern | URLResolver] = [
    *url_patterns("public_urls"),
    path("verwaltung/", include((url_patterns("backoffice_urls"), "backoffice"))),
]

urlpatterns: list[URLPattern | URLResolver] = [
    path("i18n/setlang/", set_language, name="set_language"),
    path("api/v1/", api.urls),
    *url_patterns("site_urls"),
    path("<slug:municipality_slug>/", include(municipality_patterns)),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
