from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability


class SiteConfig(AppConfig):
    """The top of the layers: the root URLs, the API's assembly, `serve`, `worker`, `demo`, and
    onboarding (`rathaus municipality add`, the operator's pages under /plattform/). Nothing imports it."""

    name = "rathaus.site"
    label = "site"
    verbose_name = "Rathaus"
    capability = Capability(
        label=_("Plattform"),
        site_urls="rathaus.site.operator_urls.site_patterns",
        audit_actions={"municipality.onboarded": _("Kommune auf der Plattform aufgenommen")},
    )
