"""The code lists of the trade notice: the answers the forms GewA 1/2/3 (GewAnzV, Anlagen 1–3) offer
for a field, with the key Rathaus stores and the label a person reads. The forms offer these as their
choices, the typed answers (`rathaus.trade.answers`) parse into them, and the rules
(`rathaus.trade.gewanzv`) decide on them.

The stored keys are the ones the answers of every notice so far were saved with: a key never changes,
a label may. The codes of XGewerbeanzeige for these keys are in `rathaus.trade.xml` (`CODES`), except
the legal form's, which is a property of the legal form (`XGEWERBE_KEYS`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalForm(models.TextChoices):
    """The legal form of the business (Rechtsform, with field 1)."""

    SOLE = "einzel", _("Einzelunternehmen (nicht im Handelsregister)")
    MERCHANT = "ek", _("Eingetragener Kaufmann / eingetragene Kauffrau (e. K.)")
    GBR = "gbr", _("Gesellschaft bürgerlichen Rechts (GbR)")
    OHG = "ohg", _("Offene Handelsgesellschaft (OHG)")
    KG = "kg", _("Kommanditgesellschaft (KG)")
    GMBH_CO_KG = "gmbh_co_kg", _("GmbH & Co. KG")
    GMBH = "gmbh", _("Gesellschaft mit beschränkter Haftung (GmbH)")
    UG = "ug", _("Unternehmergesellschaft (haftungsbeschränkt)")
    AG = "ag", _("Aktiengesellschaft (AG)")
    EG = "eg", _("Eingetragene Genossenschaft (eG)")
    EV = "ev", _("Eingetragener Verein (e. V.)")


# Legal persons pay the higher fee and act through legal representatives (fields 10–11).
LEGAL_PERSONS = frozenset({LegalForm.GMBH, LegalForm.UG, LegalForm.AG, LegalForm.EG, LegalForm.EV})
# Partnerships: every partner is a trader and is named.
PARTNERSHIPS = frozenset({LegalForm.GBR, LegalForm.OHG, LegalForm.KG, LegalForm.GMBH_CO_KG})
# Entered in a register (Handels-, Genossenschafts-, Vereinsregister): fields 1 and 2 are required.
REGISTERED = frozenset(
    {
        LegalForm.MERCHANT,
        LegalForm.OHG,
        LegalForm.KG,
        LegalForm.GMBH_CO_KG,
        LegalForm.GMBH,
        LegalForm.UG,
        LegalForm.AG,
        LegalForm.EG,
        LegalForm.EV,
    }
)
# Since the MoPeG (1 Jan 2024) a GbR may be entered in the Gesellschaftsregister.
MAY_REGISTER = frozenset({LegalForm.GBR})
# The kinds of register (the letters before the register number, field 2) each legal form is entered in.
REGISTER_TYPES: dict[LegalForm, tuple[str, ...]] = {
    LegalForm.MERCHANT: ("HRA",),
    LegalForm.OHG: ("HRA",),
    LegalForm.KG: ("HRA",),
    LegalForm.GMBH_CO_KG: ("HRA",),
    LegalForm.GMBH: ("HRB",),
    LegalForm.UG: ("HRB",),
    LegalForm.AG: ("HRB",),
    LegalForm.EG: ("GnR",),
    LegalForm.EV: ("VR",),
    LegalForm.GBR: ("GsR",),
}
# rechtsformSchluessel as in the XGewerbeanzeige example (170 = e. K.); see xml.py.
XGEWERBE_KEYS: dict[LegalForm, str] = {
    LegalForm.SOLE: "110",
    LegalForm.MERCHANT: "170",
    LegalForm.GBR: "210",
    LegalForm.OHG: "220",
    LegalForm.KG: "230",
    LegalForm.GMBH_CO_KG: "240",
    LegalForm.GMBH: "310",
    LegalForm.UG: "311",
    LegalForm.AG: "320",
    LegalForm.EG: "330",
    LegalForm.EV: "410",
}


def legal_form_label(key: str) -> str:
    """The label of a stored legal form; a key no longer in the list reads as itself."""
    try:
        return str(LegalForm(key).label)
    except ValueError:
        return key


class PersonRole(models.TextChoices):
    """The function of a person named in the notice (with field 3)."""

    OWNER = "inhaber", _("Inhaberin oder Inhaber")
    PARTNER = "gesellschafter", _("Gesellschafterin oder Gesellschafter")
    MANAGING_DIRECTOR = "geschaeftsfuehrer", _("Geschäftsführerin oder Geschäftsführer")
    BOARD = "vorstand", _("Vorstand")
    GENERAL_PARTNER = "komplementaer", _("Persönlich haftende Gesellschafterin oder Gesellschafter")


# The roles that represent a legal person by law (GmbHG § 35, AktG § 78, GenG § 24, BGB § 26).
LEGAL_REPRESENTATIVES = frozenset({PersonRole.MANAGING_DIRECTOR, PersonRole.BOARD})


class Sex(models.TextChoices):
    """Field 5."""

    FEMALE = "w", _("weiblich")
    MALE = "m", _("männlich")
    DIVERSE = "d", _("divers")
    UNSPECIFIED = "x", _("ohne Angabe")


class NationalityGroup(models.TextChoices):
    """Field 7, as far as the rules need it: German, of the EU/EEA/Switzerland, or of another state."""

    GERMAN = "de", _("deutsch")
    EU = "eu", _("eines anderen Staates der EU, des EWR oder der Schweiz")
    OTHER = "other", _("eines anderen Staates")


class ResidenceTitle(models.TextChoices):
    """Field 30: the residence title of a person from outside the EU, EEA and Switzerland."""

    YES = "yes", _("liegt vor")
    APPLIED = "applied", _("ist beantragt")
    NO = "no", _("liegt nicht vor")


class SelfEmployment(models.TextChoices):
    """Field 31: whether the residence title allows self-employment."""

    YES = "yes", _("Ja")
    NO = "no", _("Nein")
    CONDITIONS = "conditions", _("Mit Auflagen")


class Establishment(models.TextChoices):
    """Field 20."""

    MAIN = "haupt", _("eine Hauptniederlassung")
    BRANCH = "zweig", _("eine Zweigniederlassung")
    DEPENDENT_BRANCH = "zweigstelle", _("eine unselbständige Zweigstelle")


# A branch names its main establishment (field 13).
BRANCHES = frozenset({Establishment.BRANCH, Establishment.DEPENDENT_BRANCH})


class BusinessKind(models.TextChoices):
    """Field 18; decides whether the IHK or the Handwerkskammer is concerned."""

    INDUSTRY = "industrie", _("Industrie")
    CRAFT = "handwerk", _("Handwerk")
    TRADE = "handel", _("Handel")
    OTHER = "sonstiges", _("Sonstiges")


class RegistrationReason(models.TextChoices):
    """Field 23 of the GewA 1."""

    NEW = "neu", _("Neugründung")
    RELOCATION = "verlegung", _("Verlegung aus einem anderen Meldebezirk (Feld 25)")
    TAKEOVER = "uebernahme", _("Übernahme durch Kauf, Pacht oder Erbfolge")
    LEGAL_FORM = "rechtsform", _("Wechsel der Rechtsform")
    PARTNERS_JOIN = "eintritt", _("Eintritt von Gesellschaftern")
    CONVERSION = "umwg", _("Gründung nach dem Umwandlungsgesetz")


# A business that continues another names the former trader or firm (field 26).
REGISTRATION_WITH_PREDECESSOR = frozenset(
    {
        RegistrationReason.TAKEOVER,
        RegistrationReason.LEGAL_FORM,
        RegistrationReason.PARTNERS_JOIN,
        RegistrationReason.CONVERSION,
    }
)


class ChangeKind(models.TextChoices):
    """Field 23 of the GewA 2: what changes."""

    MOVE = "verlegung", _("Die Betriebsstätte zieht innerhalb des Ortes um")
    SWITCH = "wechsel", _("Die Tätigkeit wechselt")
    EXTENSION = "ausdehnung", _("Die Tätigkeit wird ausgedehnt")
    RESTRICTION = "einschraenkung", _("Die Tätigkeit wird eingeschränkt")
    PERSONS = "personen", _("Vertretungsberechtigte Personen ändern sich")


class DeregistrationReason(models.TextChoices):
    """Field 24 of the GewA 3."""

    CLOSURE = "aufgabe", _("Vollständige Aufgabe des Betriebes")
    RELOCATION = "verlegung", _("Verlegung in einen anderen Meldebezirk")
    HANDOVER = "uebergabe", _("Übergabe durch Verkauf, Verpachtung oder Erbfolge")
    LEGAL_FORM = "rechtsform", _("Wechsel der Rechtsform")
    PARTNERS_LEAVE = "austritt", _("Austritt von Gesellschaftern")


# A business that goes on elsewhere or under someone else names the successor or the new place (field 26).
DEREGISTRATION_WITH_SUCCESSOR = frozenset(
    {DeregistrationReason.HANDOVER, DeregistrationReason.LEGAL_FORM, DeregistrationReason.RELOCATION}
)


class DeregistrationCause(models.TextChoices):
    """Why a business closes: a voluntary answer, only for the statistics."""

    ECONOMIC = "wirtschaftlich", _("Wirtschaftliche Gründe")
    INSOLVENCY = "insolvenz", _("Insolvenzverfahren")
    AGE = "alter", _("Alter oder Gesundheit")
    OTHER = "sonstiges", _("Sonstige Gründe")


class PermitRequired(models.TextChoices):
    """Field 27."""

    NO = "no", _("Nein")
    YES = "yes", _("Ja")
    UNSURE = "unsure", _("Weiß ich nicht")


class CraftCard(models.TextChoices):
    """Field 29: the Handwerkskarte (entry in the Handwerksrolle)."""

    NOT_NEEDED = "not_needed", _("Kein Handwerk")
    YES = "yes", _("liegt vor")
    APPLIED = "applied", _("ist beantragt")
    NO = "no", _("liegt nicht vor")
