"""Demo job postings for the four towns of the Soest region, an HR clerk each, and applications
in every state of the workflow, all made through the real services.

Idempotent like the rest of the demo: postings are found by title, applications by a fixed
idempotency key, so a second run adds nothing. Names and e-mail addresses are invented; the
applicants' addresses are their town hall's, so no private street is named.
"""

import io
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject

from rathaus.accounts.demo import DEMO_PASSWORD, DemoLogin, demo_person, demo_totp_ensure, demo_totp_secret
from rathaus.accounts.models import Membership, User
from rathaus.cases.models import Case
from rathaus.cases.services import case_submit, case_transition, document_request, draft_save_step, draft_start
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import PROCEDURE_KEY
from rathaus.jobs.services import job_posting_create
from rathaus.municipalities.models import Department, Municipality
from rathaus.procedures import registry

HR_DEPARTMENT = {"key": "personal", "name": "Personal und Organisation", "name_en": "Human Resources and Organisation"}
# A fixed namespace makes the same applicant get the same idempotency key on every run.
DEMO_NAMESPACE = uuid.UUID("0f5a4c7e-3d0b-4f7e-9a51-6a1e2b3c4d5e")

_BUERGERBUERO: dict[str, Any] = {
    "title": "Sachbearbeitung Bürgerbüro (m/w/d)",
    "department": "buergerbuero",
    "pay_grade": "EG 8",
    "part_time_possible": True,
    "start": "zum nächstmöglichen Zeitpunkt",
    "days": 21,
    "description": "Das Bürgerbüro ist die erste Anlaufstelle für alle Bürgerinnen und Bürger. Zur Verstärkung "
    "unseres Teams suchen wir eine freundliche und belastbare Persönlichkeit.",
    "tasks": "Pass- und Personalausweisangelegenheiten\nAn-, Um- und Abmeldungen nach dem Bundesmeldegesetz\n"
    "Ausstellen von Bescheinigungen und Beglaubigungen\nAuskünfte zu allen Leistungen der Verwaltung",
    "requirements": "Abgeschlossene Ausbildung als Verwaltungsfachangestellte/r oder Angestelltenlehrgang I\n"
    "Freundliches Auftreten und Freude am Umgang mit Menschen\nSicherer Umgang mit Fachverfahren und MS Office",
    "offer": "Unbefristete Stelle nach TVöD mit Jahressonderzahlung\nBetriebliche Altersvorsorge (ZVK)\n"
    "Flexible Arbeitszeiten und Teilzeit\nFortbildungen und betriebliches Gesundheitsmanagement",
}
_KITA: dict[str, Any] = {
    "title": "Erzieherin / Erzieher (m/w/d) für eine städtische Kita",
    "department": "familie",
    "pay_grade": "S 8a",
    "hours": "30.0",
    "part_time_possible": True,
    "start": "zum 1. des übernächsten Monats",
    "days": 28,
    "description": "In unseren städtischen Kindertageseinrichtungen begleiten wir Kinder von einem Jahr bis zum "
    "Schuleintritt. Für eine viergruppige Einrichtung suchen wir Verstärkung.",
    "tasks": "Bildung, Erziehung und Betreuung der Kinder nach dem KiBiz NRW\nBeobachtung und Dokumentation "
    "der Entwicklung\nZusammenarbeit mit Eltern und Familienzentrum\nMitwirkung an der pädagogischen Konzeption",
    "requirements": "Staatliche Anerkennung als Erzieherin / Erzieher oder gleichwertige Qualifikation\n"
    "Freude an der Arbeit mit Kindern und im Team\nErweitertes Führungszeugnis (§ 72a SGB VIII) vor Beginn",
    "offer": "Vergütung nach TVöD SuE mit Zulagen\nRegelmäßige Fachberatung und Supervision\n"
    "Fortbildungstage und Teamtage\nBetriebliche Altersvorsorge (ZVK)",
}
_TIEFBAU: dict[str, Any] = {
    "title": "Ingenieurin / Ingenieur Tiefbau (m/w/d)",
    "department": "umwelt",
    "pay_grade": "EG 11",
    "part_time_possible": False,
    "start": "zum nächstmöglichen Zeitpunkt",
    "days": 35,
    "description": "Wir planen, bauen und unterhalten Straßen, Wege, Brücken und die Entwässerung der Stadt.",
    "tasks": "Planung und Bauüberwachung von Straßen- und Kanalbaumaßnahmen\nAusschreibung und Vergabe nach "
    "VOB\nKostenkontrolle und Abrechnung\nAbstimmung mit Versorgungsunternehmen und Bürgerschaft",
    "requirements": "Bachelor oder Diplom (FH) Bauingenieurwesen, Schwerpunkt Tiefbau\nKenntnisse der VOB und "
    "HOAI\nFührerschein Klasse B",
    "offer": "Unbefristete Vollzeitstelle nach TVöD\nMobiles Arbeiten nach Absprache\n"
    "Jobticket und betriebliche Altersvorsorge (ZVK)",
}

POSTINGS: dict[str, list[dict[str, Any]]] = {
    "soest": [_BUERGERBUERO, _KITA, _TIEFBAU],
    "lippstadt": [
        {
            **_KITA,
            "limited": True,
            "limited_until_days": 400,
            "start": "als Elternzeitvertretung zum nächstmöglichen Zeitpunkt",
        },
        {
            "title": "Sachbearbeitung Standesamt (m/w/d)",
            "department": "standesamt",
            "pay_grade": "EG 9a",
            "part_time_possible": True,
            "start": "zum nächstmöglichen Zeitpunkt",
            "days": 24,
            "description": "Das Standesamt beurkundet Geburten, Eheschließungen und Sterbefälle.",
            "tasks": "Beurkundung von Personenstandsfällen\nVorbereitung und Durchführung von Trauungen\n"
            "Ausstellen von Urkunden\nNamenserklärungen",
            "requirements": "Angestelltenlehrgang II oder Bachelor of Laws (Allgemeine Verwaltung)\n"
            "Bereitschaft zur Fortbildung als Standesbeamtin / Standesbeamter\nTrauungen auch samstags",
            "offer": "Unbefristete Stelle nach TVöD\nFlexible Arbeitszeiten\nBetriebliche Altersvorsorge (ZVK)",
        },
    ],
    "iserlohn": [
        {**_BUERGERBUERO, "days": 18},
        {
            "title": "Sachbearbeitung Personal und Entgelt (m/w/d)",
            "department": "personal",
            "pay_grade": "EG 9b",
            "part_time_possible": True,
            "start": "zum nächstmöglichen Zeitpunkt",
            "days": 30,
            "description": "Der Fachbereich Personal betreut rund 1.500 Beschäftigte der Stadt.",
            "tasks": "Entgeltabrechnung nach TVöD\nBearbeitung von Einstellungen und Vertragsänderungen\n"
            "Beratung der Beschäftigten in tariflichen Fragen",
            "requirements": "Angestelltenlehrgang II oder vergleichbare Qualifikation\nKenntnisse im TVöD und "
            "im Sozialversicherungsrecht",
            "offer": "Unbefristete Stelle nach TVöD\nFlexible Arbeitszeiten und mobiles Arbeiten\n"
            "Betriebliche Altersvorsorge (ZVK)",
        },
    ],
    "kreis-soest": [
        {
            "title": "Sachbearbeitung Kfz-Zulassung (m/w/d)",
            "department": "strassenverkehr",
            "pay_grade": "EG 6",
            "part_time_possible": True,
            "start": "zum nächstmöglichen Zeitpunkt",
            "days": 20,
            "description": "Die Zulassungsstelle des Kreises lässt jedes Jahr zehntausende Fahrzeuge zu.",
            "tasks": "Zulassung, Umschreibung und Außerbetriebsetzung von Fahrzeugen\nAusgabe von Kennzeichen\n"
            "Erhebung von Gebühren",
            "requirements": "Abgeschlossene Ausbildung als Verwaltungsfachangestellte/r oder kaufmännische "
            "Ausbildung\nFreundlicher Umgang auch in hektischen Situationen",
            "offer": "Unbefristete Stelle nach TVöD\nGleitende Arbeitszeit\nBetriebliche Altersvorsorge (ZVK)",
        },
        {
            "title": "Sozialarbeiterin / Sozialarbeiter (m/w/d) im Allgemeinen Sozialen Dienst",
            "department": "jugend",
            "pay_grade": "S 14",
            "part_time_possible": True,
            "start": "zum nächstmöglichen Zeitpunkt",
            "days": 32,
            "description": "Der Allgemeine Soziale Dienst des Jugendamts berät Familien und schützt Kinder.",
            "tasks": "Beratung von Familien in Erziehungsfragen\nHilfeplanung nach § 36 SGB VIII\n"
            "Wahrnehmung des Schutzauftrags nach § 8a SGB VIII",
            "requirements": "Bachelor Soziale Arbeit mit staatlicher Anerkennung\nFührerschein Klasse B",
            "offer": "Unbefristete Stelle nach TVöD SuE\nSupervision und kollegiale Beratung\n"
            "Betriebliche Altersvorsorge (ZVK)",
        },
    ],
}


@dataclass(frozen=True)
class DemoApplicant:
    town: str
    posting: str
    salutation: str
    first_name: str
    last_name: str
    state: str  # submitted, in_review, waiting, invited or rejected


APPLICANTS = (
    DemoApplicant("soest", _BUERGERBUERO["title"], "frau", "Lena", "Hoffmann", "submitted"),
    DemoApplicant("soest", _BUERGERBUERO["title"], "herr", "Jonas", "Becker", "in_review"),
    DemoApplicant("soest", _KITA["title"], "frau", "Aylin", "Demir", "waiting"),
    DemoApplicant("soest", _KITA["title"], "", "Sascha", "Wagner", "invited"),
    DemoApplicant("soest", _TIEFBAU["title"], "herr", "Markus", "Schulte", "rejected"),
    DemoApplicant("lippstadt", _KITA["title"], "frau", "Hannah", "Richter", "submitted"),
    DemoApplicant("lippstadt", "Sachbearbeitung Standesamt (m/w/d)", "herr", "Tim", "Krüger", "in_review"),
    DemoApplicant("iserlohn", _BUERGERBUERO["title"], "frau", "Mira", "Schäfer", "invited"),
    DemoApplicant("kreis-soest", "Sachbearbeitung Kfz-Zulassung (m/w/d)", "herr", "Felix", "Neumann", "submitted"),
)


def jobs_demo_load(municipality: Municipality) -> list[DemoLogin]:
    """Postings, an HR clerk and applications of a demo town; returns the HR clerk's login."""
    specs = POSTINGS.get(municipality.slug)
    if specs is None:
        return []
    hr_department, _ = Department.objects.get_or_create(
        municipality=municipality,
        key=HR_DEPARTMENT["key"],
        defaults={"name": HR_DEPARTMENT["name"], "name_en": HR_DEPARTMENT["name_en"]},
    )
    clerk, login = _hr_clerk(municipality, hr_department)
    postings = {spec["title"]: _posting(municipality, spec) for spec in specs}
    for applicant in APPLICANTS:
        if applicant.town == municipality.slug:
            _application(municipality, postings[applicant.posting], applicant, clerk)
    return [login]


def _hr_clerk(municipality: Municipality, department: Department) -> tuple[User, DemoLogin]:
    email = f"personal.{municipality.slug}@rathaus.example"
    user = demo_person(email=email, first_name="Sam", last_name=f"Personal ({municipality.name})")
    Membership.objects.get_or_create(
        municipality=municipality, user=user, defaults={"role": Membership.Role.CLERK, "department": department}
    )
    secret = demo_totp_secret(municipality.slug, "personal")
    demo_totp_ensure(user, secret)
    return user, DemoLogin(municipality.name, "Sachbearbeitung Personal", email, DEMO_PASSWORD, secret)


def _posting(municipality: Municipality, spec: dict[str, Any]) -> JobPosting:
    existing = JobPosting.objects.filter(municipality=municipality, title=spec["title"]).first()
    if existing is not None:
        return existing
    today = timezone.localdate()
    deadline = today + timedelta(days=spec["days"])
    until_days = spec.get("limited_until_days")
    return job_posting_create(
        municipality=municipality,
        data={
            "title": spec["title"],
            "department": Department.objects.get(municipality=municipality, key=spec["department"]),
            "pay_grade": spec["pay_grade"],
            "hours_per_week": spec.get("hours", "39.0"),
            "part_time_possible": spec["part_time_possible"],
            "limited": spec.get("limited", False),
            "limited_until": today + timedelta(days=until_days) if until_days else None,
            "start": spec["start"],
            "deadline": deadline,
            "description": spec["description"],
            "tasks": spec["tasks"],
            "requirements": spec["requirements"],
            "offer": spec["offer"],
            "contact_name": "Team Personalgewinnung",
            "contact_phone": municipality.phone,
            "published": True,
        },
        by=None,
    )


def _application(municipality: Municipality, posting: JobPosting, applicant: DemoApplicant, clerk: User) -> None:
    email = f"{applicant.first_name}.{applicant.last_name}".lower().replace("ü", "ue").replace("ä", "ae")
    email = f"{email}@example.org"
    key = uuid.uuid5(DEMO_NAMESPACE, f"{municipality.slug}/{posting.title}/{email}")
    if Case.objects.filter(municipality=municipality, idempotency_key=key).exists():
        return
    procedure = registry.get(PROCEDURE_KEY)(municipality)
    draft = draft_start(
        municipality=municipality, procedure_key=PROCEDURE_KEY, user=None, params={"stelle": str(posting.pk)}
    )
    full_name = f"{applicant.first_name} {applicant.last_name}"
    answers: dict[str, tuple[dict[str, Any], dict[str, list[UploadedFile[bytes]]]]] = {
        "person": (
            {
                "salutation": applicant.salutation,
                "first_name": applicant.first_name,
                "last_name": applicant.last_name,
                "email": email,
                "phone": "",
                "street": municipality.street,
                "postal_code": municipality.postal_code,
                "city": municipality.city,
            },
            {},
        ),
        "cover": (
            {
                "cover_letter": f"Sehr geehrte Damen und Herren,\n\nmit großem Interesse habe ich Ihre Ausschreibung "
                f"„{posting.title}“ gelesen und bewerbe mich hiermit um die Stelle.\n\nMit freundlichen Grüßen\n"
                f"{full_name}",
                "earliest_start": None,
                "disability": False,
            },
            {},
        ),
        "documents": ({}, {"cv": [_pdf_upload("lebenslauf.pdf", f"Lebenslauf {full_name}")], "certificates": []}),
        "consent": ({"privacy": True}, {}),
    }
    for step_key, (cleaned_data, files) in answers.items():
        draft_save_step(draft=draft, step=procedure.step(step_key), cleaned_data=cleaned_data, files=files)
    case, _token = case_submit(draft=draft, idempotency_key=key, user=None)
    if applicant.state == "submitted":
        return
    case = case_transition(case=case, transition_key="start", actor=clerk)
    today = timezone.localdate()
    if applicant.state == "waiting":
        document_request(
            case=case,
            actor=clerk,
            text="Bitte reichen Sie die Urkunde über Ihre staatliche Anerkennung als Erzieherin nach.",
            due_on=today + timedelta(days=14),
        )
    elif applicant.state == "invited":
        interview = today + timedelta(days=10)
        case_transition(
            case=case,
            transition_key="invite",
            actor=clerk,
            text=f"{interview.strftime('%d.%m.%Y')}, 10:00 Uhr\n{municipality.name}, {municipality.street}, "
            f"{municipality.postal_code} {municipality.city}\nBitte melden Sie sich am Empfang.",
        )
    elif applicant.state == "rejected":
        case_transition(case=case, transition_key="reject", actor=clerk)


def _pdf_upload(name: str, heading: str) -> SimpleUploadedFile:
    """A one-page PDF with a heading: enough to stand for a CV, and made without a renderer to stay fast."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
            NameObject("/Encoding"): NameObject("/WinAnsiEncoding"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    text = heading.encode("cp1252").replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    content = DecodedStreamObject()
    content.set_data(b"BT /F1 20 Tf 72 760 Td (" + text + b") Tj ET")
    page.replace_contents(ArrayObject([content]))
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")
