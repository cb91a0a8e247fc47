from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "rathaus.jobs"
    verbose_name = _("Stellenangebote")

    def ready(self) -> None:
        from rathaus.jobs import procedure  # noqa: F401 (registers the application procedure)
