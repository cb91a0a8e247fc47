"""The job application (Bewerbung) to a posting of the municipality, as a procedure of the engine.

An application always names a posting: the start link carries its id as `stelle`, and the posting
must be published and open. Unsolicited applications are not taken. Uploads are PDF only, because
the selection committee reads them on screen and in the electronic file.

Retention follows AGG § 15 (4): a rejected applicant has two months after the rejection to claim
damages for discrimination in writing, and then three months to sue (ArbGG § 61b); so files are
deleted six months after the procedure ended, not earlier and not much later (DSGVO Art. 17). The file of a hired applicant
moves to the personnel file (Personalakte), which is outside this software; the application file
here is deleted on the same schedule.
"""

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rathaus.jobs.models import JobPosting
from rathaus.procedures.base import (
    Answers,
    AttachmentRule,
    Procedure,
    Retention,
    Step,
    Transition,
    Workflow,
)
from rathaus.procedures.fields import AttachmentField
from rathaus.procedures.forms import ApplicantContactForm
from rathaus.procedures.registry import register

if TYPE_CHECKING:
    from rathaus.cases.models import Case

PROCEDURE_KEY = "bewerbung"
COVER_LETTER_MAX_CHARS = 5_000
# AGG § 15 (4); DSGVO Art. 17 (1) (a): kept while a claim may still come, then deleted.
RETENTION_PERIOD = timedelta(days=183)


class PersonForm(ApplicantContactForm):
    salutation = forms.ChoiceField(
        label=_("Anrede"),
        required=False,
        choices=[("", _("Keine Angabe")), ("frau", _("Frau")), ("herr", _("Herr"))],
    )
    email = forms.EmailField(
        label=_("E-Mail-Adresse"), help_text=_("Hierhin schicken wir Nachrichten zu Ihrer Bewerbung.")
    )
    field_order = ["salutation"]


class CoverForm(forms.Form):
    cover_letter = forms.CharField(
        label=_("Anschreiben"),
        max_length=COVER_LETTER_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text=_("Warum passen Sie zu dieser Stelle? Höchstens 5.000 Zeichen."),
    )
    earliest_start = forms.DateField(
        label=_("Frühestmöglicher Beginn"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    disability = forms.BooleanField(
        label=_("Ich bin schwerbehindert oder schwerbehinderten Menschen gleichgestellt."),
        required=False,
        help_text=_(
            "Diese Angabe ist freiwillig. Schwerbehinderte und gleichgestellte Menschen laden wir zum "
            "Vorstellungsgespräch ein, wenn die fachliche Eignung nicht offensichtlich fehlt, und "
            "berücksichtigen sie bei gleicher Eignung bevorzugt (SGB IX, §§ 164, 165)."
        ),
    )

    def clean_earliest_start(self) -> date | None:
        value: date | None = self.cleaned_data.get("earliest_start")
        if value is not None and value < timezone.localdate():
            raise ValidationError(_("Der Beginn kann nicht in der Vergangenheit liegen."))
        return value


class DocumentsForm(forms.Form):
    cv = AttachmentField(label=_("Lebenslauf"), help_text=_("Eine PDF-Datei, höchstens 10 MB."))
    certificates = AttachmentField(
        label=_("Zeugnisse und Nachweise"),
        multiple=True,
        required=False,
        help_text=_("Eine oder mehrere PDF-Dateien, zusammen höchstens neun Dateien."),
    )


class ConsentForm(forms.Form):
    privacy = forms.BooleanField(
        label=_(
            "Ich bin mit der Verarbeitung meiner Angaben und Unterlagen für dieses Bewerbungsverfahren einverstanden."
        ),
        help_text=_(
            "Wir verwenden Ihre Daten nur für dieses Auswahlverfahren und geben sie nur an die Beteiligten "
            "(Auswahlkommission, Personalrat, Gleichstellungsbeauftragte, bei Angabe einer Schwerbehinderung "
            "die Schwerbehindertenvertretung) weiter. Sechs Monate nach Abschluss des Verfahrens löschen wir "
            "sie (AGG § 15 Abs. 4, DSGVO Art. 17). Sie können Ihre Bewerbung jederzeit zurückziehen."
        ),
    )


SUBMITTED = "submitted"
IN_REVIEW = "in_review"
WAITING = "waiting"
INVITED = "invited"
HIRED = "hired"
REJECTED = "rejected"
WITHDRAWN = "withdrawn"
NOTICE_TEMPLATE = "jobs/pdf/notice.html"


@register
class JobApplication(Procedure):
    key = PROCEDURE_KEY
    title = _("Bewerbung")
    description = _(
        "Bewerben Sie sich online mit Anschreiben, Lebenslauf und Zeugnissen. Sie brauchen dafür kein Benutzerkonto."
    )
    steps = (
        Step("person", _("Persönliche Angaben"), PersonForm),
        Step("cover", _("Anschreiben"), CoverForm),
        Step("documents", _("Unterlagen"), DocumentsForm),
        Step("consent", _("Datenschutz"), ConsentForm),
    )
    workflow = Workflow(
        states={
            SUBMITTED: _("Eingegangen"),
            IN_REVIEW: _("In Prüfung"),
            WAITING: _("Unterlagen nachgefordert"),
            INVITED: _("Zum Gespräch eingeladen"),
            HIRED: _("Eingestellt"),
            REJECTED: _("Abgesagt"),
            WITHDRAWN: _("Zurückgezogen"),
        },
        transitions=(
            Transition("start", _("Prüfung beginnen"), (SUBMITTED,), IN_REVIEW, style="primary"),
            Transition(
                "invite",
                _("Zum Gespräch einladen"),
                (IN_REVIEW,),
                INVITED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Einladung zum Vorstellungsgespräch"),
                needs_text=True,
                style="primary",
            ),
            Transition(
                "reject",
                _("Absagen"),
                (SUBMITTED, IN_REVIEW, WAITING, INVITED),
                REJECTED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Absage"),
            ),
            Transition(
                "hire",
                _("Zusagen"),
                (INVITED,),
                HIRED,
                notice_template=NOTICE_TEMPLATE,
                notice_title=_("Zusage"),
                style="primary",
            ),
            Transition(
                "withdraw",
                _("Bewerbung zurückziehen"),
                (SUBMITTED, IN_REVIEW, WAITING, INVITED),
                WITHDRAWN,
                by_applicant=True,
            ),
        ),
        final=frozenset({HIRED, REJECTED, WITHDRAWN}),
        waiting=WAITING,
    )
    retention = Retention(
        RETENTION_PERIOD,
        action="delete",
        basis="AGG § 15 Abs. 4; DSGVO Art. 17: Bewerbungsunterlagen 6 Monate nach Abschluss",
    )
    attachments = AttachmentRule(max_files=10, max_bytes=10 * 1024 * 1024, types=frozenset({"pdf"}))
    # The selection runs on the posting's own timetable (deadline, interviews), not on a statutory term.
    processing_days = None
    department_key = "personal"
    declaration = _("Ich versichere, dass meine Angaben vollständig und richtig sind.")

    def initial(self, params: Mapping[str, str]) -> dict[str, Any]:
        raw = params.get("stelle", "").strip()
        if not raw:
            raise ValidationError(_("Bitte wählen Sie eine Stelle aus den Stellenangeboten."))
        posting = self._posting(raw)
        if posting is None or not posting.published:
            raise ValidationError(_("Diese Stelle ist nicht (mehr) ausgeschrieben."))
        if posting.deadline < timezone.localdate():
            raise ValidationError(_("Die Bewerbungsfrist für diese Stelle ist abgelaufen."))
        return {"posting_id": posting.pk, "title": posting.title, "deadline": posting.deadline.isoformat()}

    def _posting(self, posting_id: object) -> JobPosting | None:
        # Outside a request the tenant manager shows every municipality: name ours explicitly.
        text = str(posting_id)
        if not text.isdigit() or len(text) > 12:
            return None
        return JobPosting.all_tenants.filter(municipality=self.municipality, pk=int(text)).first()

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        # The posting may have been withdrawn or its deadline passed while the applicant was writing.
        posting = self._posting(context.get("posting_id", ""))
        if posting is None or not posting.published:
            raise ValidationError(
                _("Diese Stelle ist nicht mehr ausgeschrieben. Die Bewerbung kann nicht abgesendet werden.")
            )
        if posting.deadline < timezone.localdate():
            raise ValidationError(
                _("Die Bewerbungsfrist für diese Stelle ist am %(date)s abgelaufen.")
                % {"date": posting.deadline.strftime("%d.%m.%Y")}
            )

    def applicant(self, answers: Answers) -> tuple[str, str]:
        person = answers["person"]
        return f"{person['first_name']} {person['last_name']}".strip(), person["email"]

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        return gettext("Bewerbung: %(title)s") % {"title": context.get("title", "")}

    def retention_start(self, case: "Case") -> datetime:
        """The later of closing the file and the end of the posting's deadline: an applicant who withdrew
        early is kept as long as the others, whose rejection may come only after the deadline."""
        closed = case.closed_at or case.submitted_at
        deadline = case.context.get("deadline")
        if not deadline:
            return closed
        end_of_deadline = datetime.combine(
            date.fromisoformat(deadline) + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )
        return max(closed, end_of_deadline)

    def notice_context(self, case: "Case", transition: Transition, text: str) -> dict[str, Any]:
        person = case.answers.get("person", {})
        name = case.applicant_name
        salutations = {
            "frau": gettext("Sehr geehrte Frau %(name)s,") % {"name": person.get("last_name", "")},
            "herr": gettext("Sehr geehrter Herr %(name)s,") % {"name": person.get("last_name", "")},
        }
        return {
            "transition_key": transition.key,
            "posting_title": case.context.get("title", ""),
            "addressee": "\n".join(
                line
                for line in (
                    name,
                    person.get("street", ""),
                    f"{person.get('postal_code', '')} {person.get('city', '')}",
                )
                if line.strip()
            ),
            "salutation": salutations.get(
                person.get("salutation", ""), gettext("Guten Tag %(name)s,") % {"name": name}
            ),
        }
