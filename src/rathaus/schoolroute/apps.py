from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, PeriodicJob, Permission

# The department key of the school office (Schulamt), which runs school transport.
SCHOOL_OFFICE = "schulamt"


class SchoolrouteConfig(AppConfig):
    name = "rathaus.schoolroute"
    verbose_name = _("Schulweg")
    capability = Capability(
        label=_("Schulweg"),
        procedures=("rathaus.schoolroute.procedure",),
        public_urls="rathaus.schoolroute.urls.public_patterns",
        backoffice_urls="rathaus.schoolroute.backoffice_urls.backoffice_patterns",
        api_router="rathaus.schoolroute.api.router",
        permissions=(
            # School rolls hold pupils' addresses: the school office and the municipality's admins only.
            Permission(
                "schoolroute.office",
                _("Schulweg-Prüfungen und Entfernungskarten"),
                departments=(SCHOOL_OFFICE,),
                generalists=False,
            ),
        ),
        navigation=(
            NavLink(_("Schulweg-Prüfung einer Schülerliste"), "schoolroute_batch", "schoolroute.office"),
            NavLink(_("Entfernungskarte einer Schule"), "schoolroute_map_choose", "schoolroute.office"),
        ),
        # School roll checks hold pupils' addresses and are deleted after 30 days.
        periodic_jobs=(
            PeriodicJob("school-roll-purge", "rathaus.schoolroute.batch.batch_runs_purge", timedelta(days=1)),
        ),
        demo="rathaus.schoolroute.demo.schoolroute_demo_load",
        onboard="rathaus.schoolroute.onboarding.schoolroute_onboard",
        audit_actions={
            "schoolroute.batch_uploaded": _("Schülerliste zur Schulweg-Prüfung hochgeladen"),
            "schoolroute.batch_downloaded": _("Ergebnis einer Schulweg-Prüfung heruntergeladen"),
        },
    )
