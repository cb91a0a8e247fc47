from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, NavLink, PeriodicJob, Permission

# The department that runs the trade office (Gewerbeamt) in the demo and by default.
TRADE_OFFICE = "ordnungsamt"


class TradeConfig(AppConfig):
    name = "rathaus.trade"
    verbose_name = _("Gewerbeamt")
    capability = Capability(
        label=_("Gewerbeamt"),
        procedures=("rathaus.trade.procedure",),
        site_urls="rathaus.trade.urls.site_patterns",
        public_urls="rathaus.trade.urls.public_patterns",
        backoffice_urls="rathaus.trade.urls.backoffice_patterns",
        api_router="rathaus.trade.api.router",
        permissions=(
            # The register holds names and home addresses: the trade office only (and generalists).
            Permission("trade.register", _("Gewerberegister einsehen"), departments=(TRADE_OFFICE,)),
            Permission("trade.statistics", _("Statistik der Gewerbeanzeigen einsehen")),
            Permission("trade.outbox", _("Nachrichten an Empfangsbehörden einsehen"), departments=(TRADE_OFFICE,)),
            Permission("trade.settings", _("Einstellungen des Gewerbeamts bearbeiten"), clerks=False),
        ),
        navigation=(
            NavLink(_("Gewerberegister"), "trade_register", "trade.register"),
            NavLink(_("Statistik der Gewerbeanzeigen"), "trade_statistics", "trade.statistics"),
            NavLink(_("Nachrichten an Empfangsbehörden"), "trade_outbox", "trade.outbox"),
            NavLink(_("Einstellungen des Gewerbeamts"), "trade_settings", "trade.settings"),
        ),
        # Messages to the authorities whose next attempt has come are queued for the worker.
        periodic_jobs=(PeriodicJob("trade-outbox", "rathaus.trade.outbox.deliver_due", timedelta(minutes=1)),),
        demo="rathaus.trade.demo.trade_demo_load",
        onboard="rathaus.trade.onboarding.trade_onboard",
        audit_actions={
            "trade.registered": _("Gewerbeanzeige ins Gewerberegister übernommen"),
            "trade.corrected": _("Gewerbeanzeige berichtigt"),
            "trade.answers_corrected": _("Angaben einer Gewerbeanzeige berichtigt"),
            "trade.business_viewed": _("Eintrag im Gewerberegister geöffnet"),
            "trade.message_sent": _("Nachricht an Empfangsbehörde gesendet"),
            "trade.message_failed": _("Nachricht an Empfangsbehörde fehlgeschlagen"),
            "trade.message_retried": _("Nachricht an Empfangsbehörde erneut gesendet"),
            "trade.message_viewed": _("Nachricht an Empfangsbehörde geöffnet"),
            "trade.office_updated": _("Einstellungen des Gewerbeamts geändert"),
            "trade.recipient_created": _("Empfangsbehörde angelegt"),
            "trade.recipient_updated": _("Empfangsbehörde geändert"),
        },
    )
