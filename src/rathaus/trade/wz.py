"""Economic activity codes (Klassifikation der Wirtschaftszweige, WZ 2008) for the trade notice.

The codes and titles come from the `wz-code` package (Destatis, dl-de/by-2.0). Trade notices carry
the five-digit subclass (96021 for hairdressers, as in XGewerbeanzeige's `taetigkeitSchluessel`).
People do not know the official titles ("Frisörsalons"), so the search adds the words they use
("Friseur", "Kiosk", "Hausmeister") and runs through the same German search as the service
catalogue: folding, stems, compounds and typos.

Two lists help the clerk: crafts that need a Handwerkskarte (Anlage A HwO, zulassungspflichtige
Handwerke) and activities that need a permit (GewO §§ 33c ff., 34a ff., GastG, PBefG, AÜG). A match
is a hint to check, never a refusal: one WZ subclass can hold permitted and free activities.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from wz_code import WZ

from rathaus.catalog.search import Document, rank

VERSION = "2008"
_CODE = re.compile(r"^\s*(\d{2})\.?(\d{2})\.?(\d)\s*$")


@dataclass(frozen=True)
class Activity:
    code: str  # five digits, e.g. "96021"
    title: str
    section: str  # the letter of the Abschnitt, e.g. "S"
    section_title: str

    @property
    def dotted(self) -> str:
        return f"{self.code[:2]}.{self.code[2:4]}.{self.code[4]}"

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


# Words people use for common trades, by five-digit code. Our own list, for the search only.
KEYWORDS: dict[str, tuple[str, ...]] = {
    "96021": ("Friseur", "Frisör", "Friseursalon", "Barbier", "Barbershop", "Haare schneiden"),
    "96022": ("Kosmetik", "Kosmetikstudio", "Nagelstudio", "Maniküre", "Fußpflege", "Wimpern"),
    "96040": ("Sauna", "Solarium", "Massage", "Wellness"),
    "96090": ("Tattoo", "Tätowierer", "Piercing", "Partnervermittlung"),
    "56101": ("Restaurant", "Gaststätte", "Kneipe", "Café", "Gastronomie"),
    "56102": ("Imbiss", "Imbissbude", "Pizzeria", "Döner", "Foodtruck", "Pommesbude"),
    "56301": ("Bar", "Schankwirtschaft", "Bierlokal", "Kneipe"),
    "47111": ("Kiosk", "Supermarkt", "Lebensmittelladen", "Späti", "Tante-Emma-Laden"),
    "47260": ("Tabakwaren", "Zigaretten", "Kiosk"),
    "47911": ("Online-Shop", "Onlinehandel", "Internethandel", "Versandhandel", "Kleidung online"),
    "47919": ("Online-Shop", "Onlinehandel", "Internethandel", "Versandhandel", "eBay", "Amazon-Händler"),
    "47999": ("Flohmarkt", "Markthändler", "Haustürverkauf"),
    "81100": ("Hausmeister", "Hausmeisterservice", "Facility Management"),
    "81210": ("Gebäudereinigung", "Reinigung", "Putzfirma", "Putzhilfe", "Reinigungsservice"),
    "81301": ("Gartenpflege", "Garten- und Landschaftsbau", "Rasenmähen"),
    "62019": ("Softwareentwicklung", "Programmierer", "App-Entwicklung"),
    "62011": ("Webdesign", "Webentwicklung", "Homepage-Erstellung", "Internetseiten"),
    "62020": ("IT-Beratung", "EDV-Beratung", "IT-Service", "Computerservice"),
    "70220": ("Unternehmensberatung", "Beratung", "Consulting", "Coaching"),
    "73110": ("Werbeagentur", "Werbung", "Marketing", "Social Media"),
    "74201": ("Fotograf", "Fotostudio", "Hochzeitsfotograf"),
    "43210": ("Elektriker", "Elektroinstallateur", "Elektroinstallation", "Photovoltaik", "Solaranlage"),
    "43220": ("Installateur", "Klempner", "Sanitär", "Heizungsbauer", "Heizung", "Wärmepumpe"),
    "43341": ("Maler", "Lackierer", "Malerbetrieb", "Anstreicher"),
    "43330": ("Fliesenleger", "Bodenleger", "Parkett", "Tapezierer"),
    "43911": ("Dachdecker", "Dach", "Bauspengler"),
    "43912": ("Zimmerer", "Zimmerei", "Holzbau"),
    "43320": ("Tischler", "Schreiner", "Fensterbau", "Türen"),
    "41201": ("Maurer", "Bauunternehmen", "Hausbau", "Rohbau"),
    "45203": ("Kfz-Werkstatt", "Autowerkstatt", "Autoreparatur", "Kfz-Mechatroniker", "Reifenservice"),
    "45201": ("Autolackiererei", "Fahrzeuglackierer", "Smart Repair"),
    "45110": ("Autohandel", "Gebrauchtwagenhandel", "Autohändler"),
    "10710": ("Bäcker", "Bäckerei", "Konditor"),
    "10130": ("Metzger", "Fleischer", "Metzgerei", "Schlachterei"),
    "49320": ("Taxi", "Taxiunternehmen", "Mietwagen mit Fahrer", "Fahrdienst"),
    "49410": ("Spedition", "Güterverkehr", "Transport", "Kurierfahrten"),
    "49420": ("Umzüge", "Umzugsunternehmen", "Umzugshilfe"),
    "53200": ("Kurierdienst", "Paketdienst", "Lieferdienst", "Fahrradkurier"),
    "68311": ("Immobilienmakler", "Makler", "Wohnungsvermittlung", "Hausverwaltung"),
    "66220": ("Versicherungsmakler", "Versicherungsvertreter", "Versicherungsvermittler"),
    "66190": ("Finanzanlagenvermittler", "Anlageberater", "Finanzberater", "Darlehensvermittler"),
    "80100": ("Sicherheitsdienst", "Bewachung", "Security", "Türsteher", "Wachdienst"),
    "78200": ("Zeitarbeit", "Arbeitnehmerüberlassung", "Personalvermittlung"),
    "92001": ("Spielhalle", "Wettbüro", "Spielautomaten", "Glücksspiel"),
    "85520": ("Musikschule", "Tanzschule", "Nachhilfe"),
    "85599": ("Nachhilfe", "Sprachschule", "Kurse", "Weiterbildung"),
    "85530": ("Fahrschule",),
    "88101": ("Pflegedienst", "Seniorenbetreuung", "Alltagsbegleitung"),
    "93130": ("Fitnessstudio", "Fitness", "Personal Trainer"),
    "95110": ("Computerreparatur", "Handyreparatur", "Smartphone-Reparatur"),
    "95230": ("Schuster", "Schuhmacher", "Schlüsseldienst"),
    "47781": ("Augenoptiker", "Optiker", "Brillen"),
    "47761": ("Blumenladen", "Florist", "Blumen"),
    "55101": ("Hotel", "Pension", "Gasthof"),
    "55201": ("Ferienwohnung", "Ferienhaus", "Monteurzimmer"),
    "90033": ("Künstler", "Illustrator", "Maler (Kunst)"),
    "74102": ("Grafikdesign", "Grafiker", "Mediengestalter"),
    "74101": ("Modedesign", "Designer", "Produktdesign"),
    "01301": ("Gärtnerei", "Baumschule", "Pflanzenzucht"),
    "16230": ("Holzbau", "Carport", "Holzverarbeitung"),
}

# Crafts that need an entry in the Handwerksrolle (Anlage A HwO), by five-digit code. The code
# says "probably a craft": the clerk confirms whether the activity is the craft's core work.
CRAFTS: dict[str, Promise | str] = {
    "96021": _("Friseur (Anlage A Nr. 38 HwO)"),
    "43210": _("Elektrotechniker (Anlage A Nr. 25 HwO)"),
    "43220": _("Installateur und Heizungsbauer (Anlage A Nr. 24 HwO)"),
    "43911": _("Dachdecker (Anlage A Nr. 4 HwO)"),
    "43912": _("Zimmerer (Anlage A Nr. 3 HwO)"),
    "43320": _("Tischler (Anlage A Nr. 27 HwO)"),
    "43341": _("Maler und Lackierer (Anlage A Nr. 10 HwO)"),
    "43330": _("Fliesen-, Platten- und Mosaikleger (Anlage A Nr. 12 HwO)"),
    "43310": _("Stuckateure (Anlage A Nr. 9 HwO)"),
    "43291": _("Wärme-, Kälte- und Schallschutzisolierer (Anlage A Nr. 42 HwO)"),
    "43992": _("Ofen- und Luftheizungsbauer (Anlage A Nr. 21 HwO)"),
    "43991": _("Gerüstbauer (Anlage A Nr. 6 HwO)"),
    "41201": _("Maurer und Betonbauer (Anlage A Nr. 1 HwO)"),
    "41202": _("Maurer und Betonbauer (Anlage A Nr. 1 HwO)"),
    "45203": _("Kraftfahrzeugtechniker (Anlage A Nr. 20 HwO)"),
    "45202": _("Karosserie- und Fahrzeugbauer (Anlage A Nr. 18 HwO)"),
    "45204": _("Kraftfahrzeugtechniker (Anlage A Nr. 20 HwO)"),
    "10710": _("Bäcker (Anlage A Nr. 30 HwO)"),
    "10130": _("Fleischer (Anlage A Nr. 32 HwO)"),
    "47781": _("Augenoptiker (Anlage A Nr. 33 HwO)"),
    "32501": _("Zahntechniker (Anlage A Nr. 37 HwO)"),
    "32502": _("Orthopädietechniker (Anlage A Nr. 35 HwO)"),
    "25110": _("Metallbauer (Anlage A Nr. 13 HwO)"),
    "25120": _("Metallbauer (Anlage A Nr. 13 HwO)"),
    "33120": _("Feinwerkmechaniker (Anlage A Nr. 16 HwO)"),
    "81221": _("Schornsteinfeger (Anlage A Nr. 12a HwO)"),
    "23700": _("Steinmetzen und Steinbildhauer (Anlage A Nr. 8 HwO)"),
    "33150": _("Boots- und Schiffbauer (Anlage A Nr. 40 HwO)"),
    "95250": _("Uhrmacher (Anlage B, zulassungsfrei; Hinweis)"),
}

# Activities that need a permit before they start, by code prefix (five digits or fewer).
PERMITS: dict[str, Promise | str] = {
    "6831": _("Immobilienmakler: Erlaubnis nach § 34c GewO"),
    "4110": _("Bauträger und Baubetreuer: Erlaubnis nach § 34c GewO"),
    "6622": _("Versicherungsvermittler: Erlaubnis nach § 34d GewO und Eintragung ins Vermittlerregister"),
    "6619": _("Finanzanlagen- und Darlehensvermittler: Erlaubnis nach § 34f oder § 34i GewO"),
    "6492": _("Immobiliardarlehensvermittler: Erlaubnis nach § 34i GewO"),
    "8010": _("Bewachungsgewerbe: Erlaubnis nach § 34a GewO"),
    "9200": _("Spielhallen und Geldspielgeräte: Erlaubnis nach §§ 33c, 33i GewO"),
    "5610": _("Gaststätte: Anzeige oder Erlaubnis nach dem Gaststättengesetz NRW, Ausschank von Alkohol prüfen"),
    "5630": _("Schankwirtschaft: Anzeige oder Erlaubnis nach dem Gaststättengesetz NRW"),
    "4932": _("Taxi- und Mietwagenverkehr: Genehmigung nach dem Personenbeförderungsgesetz"),
    "4941": _("Güterkraftverkehr über 3,5 t: Erlaubnis nach § 3 GüKG"),
    "7820": _("Arbeitnehmerüberlassung: Erlaubnis nach § 1 AÜG"),
    "8810": _("Ambulante Pflege: Versorgungsvertrag nach § 72 SGB XI"),
    "4773": _("Apotheke: Erlaubnis nach dem Apothekengesetz"),
    "8553": _("Fahrschule: Erlaubnis nach dem Fahrlehrergesetz"),
}


@cache
def _classification() -> WZ:
    return WZ(VERSION)


def normalise(code: str) -> str | None:
    """The five-digit form of a code typed as "96021", "96.02.1" or "96.021"; None if it is no code."""
    match = _CODE.match(code.replace(" ", ""))
    if match is None:
        return None
    return "".join(match.groups())


def lookup(code: str) -> Activity | None:
    """The subclass for a code, or None when there is no such subclass."""
    digits = normalise(code)
    if digits is None:
        return None
    dotted = f"{digits[:2]}.{digits[2:4]}.{digits[4]}"
    classification = _classification()
    if not classification.exists(dotted):
        return None
    entry = classification.get(dotted)
    if entry.level != 5:
        return None
    section = entry.ancestors[-1]
    return Activity(code=digits, title=entry.title, section=section.code, section_title=section.title)


@cache
def subclasses() -> tuple[Activity, ...]:
    classification = _classification()
    result = []
    for dotted in classification.get_all_codes():
        activity = lookup(dotted) if classification.get(dotted).level == 5 else None
        if activity is not None:
            result.append(activity)
    return tuple(result)


@cache
def sections() -> dict[str, str]:
    """Section letter → title, in the classification's order."""
    return {activity.section: activity.section_title for activity in subclasses()}


@cache
def _documents() -> tuple[Document, ...]:
    documents = []
    for activity in subclasses():
        entry = _classification().get(activity.dotted)
        parents = " ".join(ancestor.title for ancestor in entry.ancestors[:-1])
        documents.append(
            Document.build(
                key=int(activity.code),
                name=activity.title,
                synonyms=KEYWORDS.get(activity.code, ()),
                summary=parents,
                department=activity.section_title,
            )
        )
    return tuple(documents)


def search(query: str, *, limit: int = 8) -> list[Activity]:
    """Subclasses for the words people type ("Friseur" → 96021), best first; a code finds itself."""
    exact = lookup(query)
    if exact is not None:
        return [exact]
    return [
        activity
        for document, _score in rank(_documents(), query)[:limit]
        if (activity := lookup(f"{document.key:05d}")) is not None
    ]


def craft(code: str) -> Promise | str | None:
    """The Anlage A craft a code probably is, for the hint to the clerk."""
    return CRAFTS.get(normalise(code) or "")


def permit(code: str) -> Promise | str | None:
    """The permit an activity probably needs, for the hint to the clerk and the applicant."""
    digits = normalise(code) or ""
    for length in (5, 4, 3):
        found = PERMITS.get(digits[:length])
        if found is not None:
            return found
    return None
