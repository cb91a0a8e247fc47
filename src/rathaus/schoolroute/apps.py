from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolrouteConfig(AppConfig):
    name = "rathaus.schoolroute"
    verbose_name = _("Schulweg")

    def ready(self) -> None:
        from rathaus.schoolroute import procedure  # noqa: F401  registers the procedure
