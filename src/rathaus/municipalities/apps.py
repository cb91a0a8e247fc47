from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability


class MunicipalitiesConfig(AppConfig):
    name = "rathaus.municipalities"
    verbose_name = _("Kommunen")
    capability = Capability(label=_("Kommunen"), api_router="rathaus.municipalities.api.router")
