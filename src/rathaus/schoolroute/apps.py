from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchoolrouteConfig(AppConfig):
    name = "rathaus.schoolroute"
    verbose_name = _("Schulweg")
