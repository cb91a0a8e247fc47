"""The moves on a case: staff and applicant take the workflow's transitions, staff take the case,
ask for documents, write internal notes and set legal holds. Opening a file is recorded too."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rathaus.accounts.models import User
from rathaus.cases.models import Case, CaseEvent, DocumentRequest, Message, Note
from rathaus.cases.services.common import procedure_for
from rathaus.cases.services.notifications import applicant_notify
from rathaus.cases.services.staff import staff_role_for
from rathaus.procedures.base import ADMIN, Procedure
from rathaus.records.services import audit_record


def case_viewed(*, case: Case, actor: User) -> None:
    """Staff opened the file with the applicant's personal data: that is recorded."""
    audit_record(municipality=case.municipality, actor=actor, action="case.viewed", obj=case)


@transaction.atomic
def case_assign(*, case: Case, actor: User, assignee: User | None) -> Case:
    staff_role_for(case=case, user=actor)
    if assignee is not None:
        staff_role_for(case=case, user=assignee)
    case.assigned_to = assignee
    case.save(update_fields=["assigned_to", "updated_at"])
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.assigned",
        obj=case,
        data={"assignee": str(assignee.pk) if assignee else ""},
    )
    return case


def _close_if_final(case: Case, procedure: Procedure, now: datetime) -> None:
    if case.status in procedure.workflow.final:
        case.closed_at = now
        case.retention_until = procedure.retention_start(case) + procedure.retention.period
    else:
        case.closed_at = None
        case.retention_until = None


@transaction.atomic
def case_transition(*, case: Case, transition_key: str, actor: User | None, text: str = "") -> Case:
    """Moves a case along its workflow. Staff may take the transitions their role allows; the applicant
    (actor is the applicant or None through the status link) only those marked `by_applicant`."""
    case = Case.objects.of(case.municipality_id).select_for_update().get(pk=case.pk)
    procedure = procedure_for(case)
    try:
        transition = procedure.workflow.transition(transition_key)
    except KeyError:
        raise ValidationError(_("Diesen Schritt gibt es in diesem Verfahren nicht.")) from None
    by_applicant = transition.by_applicant and (actor is None or actor.pk == case.applicant_id)
    if by_applicant:
        allowed = procedure.workflow.available(case.status, by_applicant=True)
    else:
        if actor is None:
            raise ValidationError(_("Diesen Schritt darf nur die Verwaltung gehen."))
        allowed = procedure.workflow.available(case.status, role=staff_role_for(case=case, user=actor))
    if transition not in allowed:
        raise ValidationError(
            _("„%(step)s“ ist im Status „%(status)s“ nicht möglich.")
            % {"step": transition.label, "status": procedure.workflow.label(case.status)}
        )
    if transition.needs_text and not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie eine Begründung oder Erläuterung.")})
    now = timezone.now()
    previous = case.status
    case.status = transition.target
    _close_if_final(case, procedure, now)
    case.save(update_fields=["status", "closed_at", "retention_until", "updated_at"])
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.STATUS,
        status=case.status,
        text=str(transition.label),
        created_at=now,
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.transition",
        obj=case,
        data={"transition": transition.key, "from": previous, "to": case.status},
    )
    procedure.transitioned(case, transition, actor, text)
    if transition.notice_template:
        notice_case, notice_key, notice_text = case, transition.key, text
        actor_id = actor.pk if actor is not None else None

        def generate() -> None:
            from rathaus.cases.tasks import notice_generate

            notice_generate.enqueue(notice_case.pk, notice_key, notice_text, actor_id)

        transaction.on_commit(generate)
    elif not by_applicant:
        applicant_notify(
            case=case, subject=_("Neuer Stand zu Ihrem Vorgang %(reference)s") % {"reference": case.reference}
        )
    return case


@transaction.atomic
def document_request(*, case: Case, actor: User, text: str, due_on: date) -> DocumentRequest:
    """Asks the applicant for missing documents with a deadline; the case waits for them."""
    case = Case.objects.of(case.municipality_id).select_for_update().get(pk=case.pk)
    staff_role_for(case=case, user=actor)
    if case.is_closed:
        raise ValidationError(_("Der Vorgang ist abgeschlossen."))
    if not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie, welche Unterlagen fehlen.")})
    if due_on <= timezone.localdate():
        raise ValidationError({"due_on": _("Die Frist muss in der Zukunft liegen.")})
    procedure = procedure_for(case)
    now = timezone.now()
    request = DocumentRequest.objects.create(
        municipality=case.municipality,
        case=case,
        text=text,
        due_on=due_on,
        requested_by=actor,
        created_at=now,
        resume_status=case.status,
    )
    if procedure.workflow.waiting and case.status != procedure.workflow.waiting:
        case.status = procedure.workflow.waiting
        case.save(update_fields=["status", "updated_at"])
    Message.objects.create(
        municipality=case.municipality,
        case=case,
        direction=Message.Direction.TO_APPLICANT,
        sender=actor,
        subject=_("Bitte reichen Sie Unterlagen nach"),
        body=_("%(text)s\n\nBitte laden Sie die Unterlagen bis zum %(due)s auf der Seite Ihres Antrags hoch.")
        % {"text": text, "due": due_on.strftime("%d.%m.%Y")},
        created_at=now,
    )
    CaseEvent.objects.create(
        municipality=case.municipality,
        case=case,
        kind=CaseEvent.Kind.REQUEST,
        status=case.status,
        text=text,
        created_at=now,
    )
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.documents_requested",
        obj=case,
        data={"request": request.pk, "due_on": due_on.isoformat()},
    )
    applicant_notify(
        case=case, subject=_("Unterlagen zu Ihrem Vorgang %(reference)s fehlen") % {"reference": case.reference}
    )
    return request


@transaction.atomic
def note_add(*, case: Case, actor: User, text: str) -> Note:
    staff_role_for(case=case, user=actor)
    if not text.strip():
        raise ValidationError({"text": _("Bitte schreiben Sie eine Notiz.")})
    note = Note.objects.create(
        municipality=case.municipality, case=case, author=actor, text=text.strip(), created_at=timezone.now()
    )
    audit_record(
        municipality=case.municipality, actor=actor, action="note.added", obj=note, data={"case": case.reference}
    )
    return note


@transaction.atomic
def case_legal_hold(*, case: Case, actor: User, hold: bool, reason: str) -> Case:
    """A legal hold stops the retention clock from deleting the file (e.g. during a lawsuit)."""
    if staff_role_for(case=case, user=actor) != ADMIN:
        raise ValidationError(_("Nur die Verwaltung der Kommune darf eine Löschsperre setzen oder aufheben."))
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte nennen Sie den Grund.")})
    case.legal_hold = hold
    case.save(update_fields=["legal_hold", "updated_at"])
    audit_record(
        municipality=case.municipality,
        actor=actor,
        action="case.legal_hold_set" if hold else "case.legal_hold_lifted",
        obj=case,
        data={"reason": reason.strip()},
    )
    return case
