from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, Permission


class TownhallConfig(AppConfig):
    """The municipality's own pages (legal pages, accessibility feedback) and the back office's
    start page, the municipality's settings, its departments and the audit log."""

    name = "rathaus.townhall"
    verbose_name = _("Rathaus")
    capability = Capability(
        label=_("Kommune"),
        site_urls="rathaus.townhall.urls.site_patterns",
        public_urls="rathaus.townhall.urls.public_patterns",
        backoffice_urls="rathaus.townhall.urls.backoffice_patterns",
        permissions=(
            Permission("townhall.settings", _("Angaben der Kommune bearbeiten"), clerks=False),
            Permission("townhall.departments", _("Fachbereiche anlegen und bearbeiten"), clerks=False),
            Permission("townhall.audit", _("Protokoll aller Änderungen einsehen"), clerks=False),
            Permission("townhall.feedback", _("Rückmeldungen zur Barrierefreiheit lesen")),
        ),
        navigation=(
            NavLink(
                _("Angaben der Kommune bearbeiten (Kontakt, Öffnungszeiten, Impressum)"),
                "settings",
                "townhall.settings",
            ),
            NavLink(_("Neuen Fachbereich anlegen"), "department_create", "townhall.departments"),
            NavLink(_("Protokoll aller Änderungen"), "audit", "townhall.audit"),
        ),
        audit_actions={
            "municipality.updated": _("Angaben der Kommune geändert"),
            "department.created": _("Fachbereich angelegt"),
            "department.updated": _("Fachbereich geändert"),
            "accessibility_feedback.received": _("Rückmeldung zur Barrierefreiheit eingegangen"),
        },
    )
