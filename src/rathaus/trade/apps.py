from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "rathaus.trade"
    verbose_name = _("Gewerbeamt")

    def ready(self) -> None:
        from rathaus.trade import procedure  # noqa: F401 (registers GewA 1, 2 and 3)
