from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, Permission


class JobsConfig(AppConfig):
    name = "rathaus.jobs"
    verbose_name = _("Stellenangebote")
    capability = Capability(
        label=_("Stellenangebote"),
        procedures=("rathaus.jobs.procedure",),
        public_urls="rathaus.jobs.urls.public_patterns",
        backoffice_urls="rathaus.jobs.urls.backoffice_patterns",
        api_router="rathaus.jobs.api.router",
        permissions=(Permission("jobs.postings", _("Stellenangebote veröffentlichen"), clerks=False),),
        navigation=(NavLink(_("Stellenangebote"), "job_posting_list", "jobs.postings"),),
        demo="rathaus.jobs.demo.jobs_demo_load",
        audit_actions={
            "job_posting.created": _("Stellenangebot angelegt"),
            "job_posting.updated": _("Stellenangebot geändert"),
        },
    )
