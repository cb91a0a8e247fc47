from django.urls import URLPattern, URLResolver, include, path
from django.views.i18n import set_language

from rathaus.accounts import views as account_views
from rathaus.api.urls import api
from rathaus.cases import urls as case_urls
from rathaus.catalog import views as catalog_views
from rathaus.core import views as core_views
from rathaus.jobs import views as job_views
from rathaus.municipalities import views as municipality_views
from rathaus.payments import urls as payment_urls
from rathaus.records import views as record_views
from rathaus.schoolroute import backoffice_urls as schoolroute_backoffice_urls
from rathaus.schoolroute import urls as schoolroute_urls
from rathaus.trade import urls as trade_urls
from rathaus.trade import views as trade_views

backoffice_patterns: list[URLPattern | URLResolver] = [
    path("", municipality_views.backoffice_dashboard, name="dashboard"),
    path("kommune/", municipality_views.backoffice_settings, name="settings"),
    path("mitarbeitende/", account_views.backoffice_staff, name="staff"),
    path("protokoll/", record_views.backoffice_audit, name="audit"),
    path("mitarbeitende/<int:membership_id>/entfernen/", account_views.backoffice_staff_remove, name="staff_remove"),
    path("rueckmeldungen/<int:feedback_id>/", municipality_views.backoffice_feedback_detail, name="feedback_detail"),
    path("leistungen/neu/", catalog_views.backoffice_service_create, name="service_create"),
    path("leistungen/<int:service_id>/", catalog_views.backoffice_service_edit, name="service_edit"),
    path("fachbereiche/neu/", municipality_views.backoffice_department_edit, name="department_create"),
    path("fachbereiche/<int:department_id>/", municipality_views.backoffice_department_edit, name="department_edit"),
    path("stellen/", job_views.backoffice_job_posting_list, name="job_posting_list"),
    path("stellen/neu/", job_views.backoffice_job_posting_create, name="job_posting_create"),
    path("stellen/<int:posting_id>/", job_views.backoffice_job_posting_edit, name="job_posting_edit"),
    *case_urls.backoffice_patterns,
    *trade_urls.backoffice_patterns,
    *schoolroute_backoffice_urls.backoffice_patterns,
]

municipality_patterns: list[URLPattern | URLResolver] = [
    path("", municipality_views.municipality_home, name="municipality_home"),
    path("leistungen/", catalog_views.service_index, name="service_index"),
    path("leistungen/<int:service_id>/", catalog_views.service_detail, name="service_detail"),
    path("suche/", catalog_views.service_search_page, name="service_search"),
    path("stellen/", job_views.job_index, name="job_index"),
    path("stellen/<int:posting_id>/", job_views.job_detail, name="job_detail"),
    path("logo/", municipality_views.logo, name="municipality_logo"),
    path("impressum/", municipality_views.imprint, name="imprint"),
    path("datenschutz/", municipality_views.privacy, name="privacy"),
    path("barrierefreiheit/", municipality_views.accessibility, name="accessibility"),
    path("barrierefreiheit/danke/", municipality_views.accessibility_thanks, name="accessibility_thanks"),
    path("verwaltung/", include((backoffice_patterns, "backoffice"))),
    *payment_urls.public_patterns,
    *case_urls.public_patterns,
    *trade_urls.public_patterns,
    *schoolroute_urls.public_patterns,
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("konto/", account_views.profile, name="account_profile"),
    path("konto/loeschen/", account_views.delete, name="account_delete"),
    path("konto/", include("allauth.urls")),
    path("api/v1/", api.urls),
    path("wz-vorschlaege/", trade_views.wz_suggestions, name="wz_suggestions"),
    path("<slug:municipality_slug>/", include(municipality_patterns)),
]

handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
