from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    verbose_name = _("Vorgänge")

    def ready(self) -> None:
        from rathaus.cases import receivers  # noqa: F401 (connects the signal receivers)
