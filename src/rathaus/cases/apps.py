from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, PeriodicJob, Permission


class CasesConfig(AppConfig):
    name = "rathaus.cases"
    verbose_name = _("Vorgänge")
    capability = Capability(
        label=_("Vorgänge"),
        public_urls="rathaus.cases.urls.public_patterns",
        backoffice_urls="rathaus.cases.urls.backoffice_patterns",
        permissions=(Permission("cases.queue", _("Vorgänge des eigenen Fachbereichs bearbeiten")),),
        navigation=(NavLink(_("Vorgänge"), "case_queue", "cases.queue"),),
        # Closed files are deleted or anonymised when their retention period has passed.
        periodic_jobs=(PeriodicJob("retention", "rathaus.cases.tasks.retention_run", timedelta(days=1)),),
        audit_actions={
            "case.submitted": _("Antrag eingegangen"),
            "case.viewed": _("Akte mit personenbezogenen Daten geöffnet"),
            "case.assigned": _("Vorgang zugewiesen"),
            "case.transition": _("Status des Vorgangs geändert"),
            "case.notice": _("Bescheid erstellt"),
            "case.payment": _("Zahlung verbucht"),
            "case.documents_requested": _("Unterlagen nachgefordert"),
            "case.legal_hold_set": _("Aufbewahrung wegen Rechtsstreit angeordnet"),
            "case.legal_hold_lifted": _("Aufbewahrung wegen Rechtsstreit aufgehoben"),
            "case.exported": _("Akte exportiert"),
            "case.deleted_by_retention": _("Akte nach Ablauf der Aufbewahrungsfrist gelöscht"),
            "case.anonymised_by_retention": _("Akte nach Ablauf der Aufbewahrungsfrist anonymisiert"),
            "document.stored": _("Dokument abgelegt"),
            "document.corrected": _("Neue Fassung eines Dokuments abgelegt"),
            "document.viewed": _("Dokument geöffnet"),
            "message.sent": _("Nachricht an die antragstellende Person gesendet"),
            "message.received": _("Nachricht der antragstellenden Person eingegangen"),
            "note.added": _("Interne Notiz hinzugefügt"),
        },
    )

    def ready(self) -> None:
        from rathaus.cases import receivers  # noqa: F401 (connects the signal receivers)
