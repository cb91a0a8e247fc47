from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, Permission


class AccountsConfig(AppConfig):
    name = "rathaus.accounts"
    verbose_name = _("Konten")
    capability = Capability(
        label=_("Konten"),
        site_urls="rathaus.accounts.urls.site_patterns",
        backoffice_urls="rathaus.accounts.urls.backoffice_patterns",
        permissions=(Permission("accounts.staff", _("Mitarbeitende und Rollen verwalten"), clerks=False),),
        navigation=(NavLink(_("Mitarbeitende und Rollen"), "staff", "accounts.staff"),),
        audit_actions={
            "membership.granted": _("Zugang zur Verwaltung erteilt"),
            "membership.ended": _("Zugang zur Verwaltung beendet"),
        },
    )
