"""A capability that exists only in the tests: a lost-umbrella desk. It proves that an app plugs
into the portal through its `AppConfig` alone — procedures, pages, back-office pages with their
permission and navigation, an API router, a periodic job, demo data, its set-up for a new
municipality and audit actions — with
one line in INSTALLED_APPS (`tests/plugin/settings.py`) and no change to the platform."""

from datetime import timedelta

from django.apps import AppConfig

from rathaus.core.capability import Capability, NavLink, PeriodicJob, Permission


class PluginConfig(AppConfig):
    name = "tests.plugin"
    label = "umbrellas"
    capability = Capability(
        label="Schirmfundstelle",
        procedures=("tests.plugin.procedure",),
        public_urls="tests.plugin.urls.public_patterns",
        backoffice_urls="tests.plugin.urls.backoffice_patterns",
        api_router="tests.plugin.api.router",
        permissions=(Permission("umbrellas.desk", "Schirme verwalten", departments=("fundbuero",), generalists=False),),
        navigation=(NavLink("Gefundene Schirme", "umbrella_desk", "umbrellas.desk"),),
        periodic_jobs=(PeriodicJob("umbrella-count", "tests.plugin.jobs.umbrellas_count", timedelta(hours=1)),),
        demo="tests.plugin.demo.umbrellas_demo_load",
        onboard="tests.plugin.onboarding.umbrellas_onboard",
        audit_actions={"umbrellas.handed_out": "Schirm ausgegeben"},
    )
