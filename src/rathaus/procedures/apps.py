from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import contributions


class ProceduresConfig(AppConfig):
    name = "rathaus.procedures"
    verbose_name = _("Verfahren")

    def ready(self) -> None:
        # Each app's procedure modules register their procedures when imported (`registry.register`).
        for contribution in contributions():
            for module in contribution.capability.procedures:
                import_module(module)
