from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, Permission


class CatalogConfig(AppConfig):
    name = "rathaus.catalog"
    verbose_name = _("Leistungen")
    capability = Capability(
        label=_("Leistungen"),
        public_urls="rathaus.catalog.urls.public_patterns",
        backoffice_urls="rathaus.catalog.urls.backoffice_patterns",
        api_router="rathaus.catalog.api.router",
        permissions=(
            Permission("catalog.view", _("Leistungen ansehen")),
            Permission("catalog.edit", _("Leistungen anlegen und bearbeiten"), clerks=False),
        ),
        navigation=(NavLink(_("Leistungen"), "service_list", "catalog.view"),),
        onboard="rathaus.catalog.onboarding.catalog_onboard",
        audit_actions={
            "service.created": _("Leistung angelegt"),
            "service.updated": _("Leistung geändert"),
        },
    )
