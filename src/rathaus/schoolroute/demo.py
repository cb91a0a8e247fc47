"""Demo data of the school route: Soest's and Münster's schools from the NRW school list, the
street network of Münster-Gievenbeck, and for the school transport application the school office
(Schulverwaltungsamt) of Soest and Münster, its service in the catalogue linked to the procedure,
and a clerk's login each."""

from __future__ import annotations

from importlib import resources
from typing import Final

from rathaus.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_person, demo_totp_ensure, demo_totp_secret
from rathaus.accounts.models import Membership
from rathaus.catalog.models import Service
from rathaus.municipalities.demo import SCHOOL_DATA
from rathaus.municipalities.models import Department, Municipality
from rathaus.schoolroute.models import StreetNetwork
from rathaus.schoolroute.procedure import PROCEDURE_KEY
from rathaus.schoolroute.services import schools_import, schools_read_csv, street_network_import

TOWNS: Final = ("soest", "muenster")
# UNVERIFIED: the LeiKa key of "Schülerbeförderung Kostenübernahme" as recalled, not checked in the catalogue.
LEIKA_KEY: Final = "99116003000000"


def schools_demo_load(municipality: Municipality) -> None:
    """The schools of the NRW school list, and the street network where one ships offline."""
    files = SCHOOL_DATA.get(municipality.slug)
    if files is None:
        return
    csv_text = resources.files("rathaus.schoolroute").joinpath("data", files["schools"]).read_text(encoding="utf-8")
    schools_import(municipality=municipality, rows=schools_read_csv(csv_text))
    if "streets" in files and not StreetNetwork.objects.filter(municipality=municipality).exists():
        with resources.as_file(resources.files("rathaus.routing").joinpath("data", files["streets"])) as path:
            street_network_import(municipality=municipality, path=path)


def schoolroute_demo_load(municipality: Municipality) -> list[DemoLogin]:
    schools_demo_load(municipality)
    logins: list[DemoLogin] = []
    if municipality.slug in TOWNS:
        department, _created = Department.objects.get_or_create(
            municipality=municipality,
            key="schulamt",
            defaults={"name": "Schulverwaltungsamt", "name_en": "School Administration Office"},
        )
        Service.objects.get_or_create(
            municipality=municipality,
            leika_key=LEIKA_KEY,
            defaults={
                "name": "Schülerbeförderung / Schülerfahrkosten",
                "name_en": "School transport / school travel costs",
                "synonyms": "Schülerticket\nSchulweg\nFahrkosten Schule\nSchulbus\nSchülerfahrkosten",
                "summary": "Ist der Schulweg Ihres Kindes länger als 2 km (Grundschule), 3,5 km (Klassen 5 bis 10) "
                "oder 5 km (Oberstufe), übernimmt die Stadt als Schulträger die Fahrkosten, meist als "
                "Schülerticket. Beantragen Sie es online; der Schulweg wird dabei berechnet.",
                "summary_en": "If your child's way to school is longer than 2 km (primary school), 3.5 km (grades 5 "
                "to 10) or 5 km (upper secondary), the town as school authority pays the travel costs, usually "
                "as a school ticket. Apply online; the way to school is measured for you.",
                "prerequisites": "Ihr Kind besucht die nächstgelegene Schule der gewählten Schulform, und der "
                "kürzeste Fußweg ist länger als die Grenze (§ 5 SchfkVO NRW). Ausnahmen gibt es bei besonders "
                "gefährlichem Schulweg oder aus gesundheitlichen Gründen (§ 6 SchfkVO NRW).",
                "documents": "Bei einer Ausnahme aus gesundheitlichen Gründen: ärztliche Bescheinigung",
                "fees": "Der Antrag ist gebührenfrei.",
                "processing_time": "etwa 4 Wochen",
                "department": department,
                "channel": Service.Channel.ONLINE,
                "external_url": "",
                "procedure_key": PROCEDURE_KEY,
            },
        )
        email = f"schulamt.{municipality.slug}@rathaus.example"
        user = demo_person(email=email, first_name="Sam", last_name=f"Schulamt ({municipality.name})")
        Membership.objects.get_or_create(
            municipality=municipality, user=user, defaults={"role": Membership.Role.CLERK, "department": department}
        )
        secret = demo_totp_secret(municipality.slug, "schulamt")
        demo_totp_ensure(user, secret)
        logins.append(DemoLogin(municipality.name, "Sachbearbeitung Schülerfahrkosten", email, DEMO_PASSWORD, secret))
    return logins
