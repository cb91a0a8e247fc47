"""The trade office's set-up for a new municipality (`Capability.onboard`).

A town or Gemeinde gets its trade office with the Land's defaults: the NRW fee tariff (the model's
defaults), the catalogue's trade notice services linked to the online procedures, and one
recipient per authority of § 14 Abs. 8 GewO. Every recipient starts with the file drop into
`TRADE_OUTBOX_DIR/<kind>/`: nothing leaves for an authority until an admin has entered its
address, and nothing is lost meanwhile. A district runs no trade office (the Gewerbeamt is the
municipality's task) and gets nothing.

Names come from what the project knows; each table below says how far that goes. An authority
the tables do not name gets a placeholder name that says so, and `trade_onboard` returns it as
a point for the admin.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.register import RegisterError, register_entry
from rathaus.trade.demo import SERVICE_PROCEDURES
from rathaus.trade.gewanzv import RECIPIENTS
from rathaus.trade.models import Recipient
from rathaus.trade.services import trade_office_for

NRW = "05"
# A placeholder name begins with this; the admin replaces it under Gewerbeamt → Einstellungen.
PLACEHOLDER_MARK = "⚠"

# Authorities for all of Germany.
NATIONWIDE: dict[str, str] = {"dguv": "Deutsche Gesetzliche Unfallversicherung"}

# Authorities for a whole Land, by the AGS's first two digits. NRW's are those the demo already
# uses for Soest and Lippstadt. UNVERIFIED for the other Länder: none entered yet.
LAND: dict[str, dict[str, str]] = {
    NRW: {
        "statistik": "Information und Technik Nordrhein-Westfalen (IT.NRW)",
        "eichbehoerde": "Landesbetrieb Mess- und Eichwesen NRW",
    },
}

# Authorities for a Kreis, by the AGS's first five digits: Kreis Soest as the demo names them.
# UNVERIFIED: that they serve every municipality of the Kreis (true for Soest and Lippstadt).
DISTRICT: dict[str, dict[str, str]] = {
    "05974": {
        "ihk": "IHK Arnsberg, Hellweg-Sauerland",
        "hwk": "Handwerkskammer Südwestfalen",
        "arbeitsagentur": "Agentur für Arbeit Meschede-Soest",
        "zoll": "Hauptzollamt Dortmund, Finanzkontrolle Schwarzarbeit",
    },
}

# The Verwaltungsgericht for the Rechtsbehelfsbelehrung of a rejection, by the first five digits.
# Only Kreis Soest is known to the project (VG Arnsberg, the model's default); elsewhere the
# court is left empty for the admin.
COURTS: dict[str, str] = {"05974": "Verwaltungsgericht Arnsberg, Jägerstraße 1, 59821 Arnsberg"}

# In NRW the Kreis (or the kreisfreie Stadt) is the Ausländerbehörde, the untere
# Immissionsschutzbehörde and the Lebensmittelüberwachung. UNVERIFIED: große kreisangehörige
# Städte with an Ausländerbehörde of their own must change it.
NRW_DISTRICT_OFFICES: dict[str, str] = {
    "auslaenderbehoerde": "Ausländerbehörde",
    "immissionsschutz": "Untere Immissionsschutzbehörde",
    "lebensmittel": "Lebensmittelüberwachung und Veterinäramt",
}


def recipient_names(municipality: Municipality) -> dict[str, str]:
    """The authorities the project can name for this municipality, by recipient kind."""
    ags = municipality.ags
    names = dict(NATIONWIDE)
    names.update(LAND.get(ags[:2], {}))
    names.update(DISTRICT.get(ags[:5], {}))
    if ags[:2] == NRW:
        try:
            entry = register_entry(ags)
        except RegisterError:
            entry = None
        # A kreisfreie Stadt is its own Kreis.
        holder = (entry.district_name if entry else None) or municipality.name
        names.update({kind: f"{holder}, {office}" for kind, office in NRW_DISTRICT_OFFICES.items()})
    return names


def trade_onboard(municipality: Municipality) -> list[str]:
    """Sets up the trade office; returns what an admin still has to enter (German sentences)."""
    if municipality.kind == Municipality.Kind.DISTRICT:
        return []
    for service in Service.objects.filter(leika_key__in=SERVICE_PROCEDURES, procedure_key=""):
        service.procedure_key = SERVICE_PROCEDURES[service.leika_key]
        service.save(update_fields=["procedure_key"])
    office = trade_office_for(municipality)
    office.court = COURTS.get(municipality.ags[:5], "")
    office.save(update_fields=["court"])
    names = recipient_names(municipality)
    missing = []
    for kind, rule in RECIPIENTS.items():
        name = names.get(kind)
        if name is None:
            missing.append(str(rule.name))
            name = f"{PLACEHOLDER_MARK} {rule.name}: " + _("zuständige Behörde bitte eintragen")
        Recipient.objects.get_or_create(
            municipality=municipality,
            kind=kind,
            defaults={"name": name, "transport": Recipient.Transport.FILE, "address": kind, "active": True},
        )
    todo = [
        _(
            "Gewerbeamt: Die Meldungen an die Empfangsbehörden landen in der Dateiablage, bis Sie unter "
            "„Einstellungen des Gewerbeamts“ deren Adressen eintragen."
        )
    ]
    if missing:
        todo.append(
            _("Gewerbeamt: Bitte die zuständigen Behörden eintragen: %(names)s.") % {"names": ", ".join(missing)}
        )
    if not office.court:
        todo.append(_("Gewerbeamt: Bitte das zuständige Verwaltungsgericht eintragen (für Zurückweisungen)."))
    if not office.sender_email:
        todo.append(_("Gewerbeamt: Bitte die E-Mail-Adresse des Gewerbeamts eintragen."))
    return todo
