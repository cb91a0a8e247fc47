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

from rathaus.jobs.answers import JobApplicationAnswers, PostingContext, Salutation, StepKey, posting_id
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
        choices=[("", _("Keine Angabe")), *Salutation.choices],
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
        Step(StepKey.PERSON, _("Persönliche Angaben"), PersonForm),
        Step(StepKey.COVER, _("Anschreiben"), CoverForm),
        Step(StepKey.DOCUMENTS, _("Unterlagen"), DocumentsForm),
        Step(StepKey.CONSENT, _("Datenschutz"), ConsentForm),
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
        posting = self._posting(posting_id(raw))
        if posting is None or not posting.published:
            raise ValidationError(_("Diese Stelle ist nicht (mehr) ausgeschrieben."))
        if posting.deadline < timezone.localdate():
            raise ValidationError(_("Die Bewerbungsfrist für diese Stelle ist abgelaufen."))
        return PostingContext(posting.pk, posting.title, posting.deadline).as_context()

    def _posting(self, posting_id: int | None) -> JobPosting | None:
        if posting_id is None:
            return None
        # Outside a request the tenant manager shows every municipality: name ours explicitly.
        return JobPosting.objects.filter(municipality=self.municipality, pk=posting_id).first()

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        # The posting may have been withdrawn or its deadline passed while the applicant was writing.
        posting = self._posting(PostingContext.from_context(context).posting_id)
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
        person = JobApplicationAnswers.from_answers(answers).applicant
        return person.full_name, person.email

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        return gettext("Bewerbung: %(title)s") % {"title": PostingContext.from_context(context).title}

    def retention_start(self, case: "Case") -> datetime:
        """The later of closing the file and the end of the posting's deadline: an applicant who withdrew
        early is kept as long as the others, whose rejection may come only after the deadline."""
        closed = case.closed_at or case.submitted_at
        deadline = PostingContext.from_context(case.context).deadline
        if deadline is None:
            return closed
        end_of_deadline = datetime.combine(
            deadline + timedelta(days=1), time.min, tzinfo=timezone.get_current_timezone()
        )
        return max(closed, end_of_deadline)

    def notice_context(self, case: "Case", transition: Transition, text: str) -> dict[str, Any]:
        person = JobApplicationAnswers.from_answers(case.answers).applicant
        name = case.applicant_name
        if person.salutation == Salutation.MS:
            salutation = gettext("Sehr geehrte Frau %(name)s,") % {"name": person.last_name}
        elif person.salutation == Salutation.MR:
            salutation = gettext("Sehr geehrter Herr %(name)s,") % {"name": person.last_name}
        else:
            salutation = gettext("Guten Tag %(name)s,") % {"name": name}
        return {
            "transition_key": transition.key,
            "posting_title": PostingContext.from_context(case.context).title,
            "addressee": "\n".join(line for line in (name, *person.address_lines) if line.strip()),
            "salutation": salutation,
        }
