"""The clerks' side of cases: the work queue and the electronic file (E-Akte) with what staff do on it.

The middleware lets only staff with two-step login into these pages. Each case is then checked
against the clerk's department (`staff_role_for`); a case someone may not work on answers 404, as if
it did not exist. Every action is a POST that calls one service and returns to the file: with a
message when it worked, or the file again with the form's error and status 422 when it did not.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Exists, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST, require_safe

from rathaus.accounts.access import requires, staff_user
from rathaus.accounts.models import Membership, User
from rathaus.cases.backoffice_forms import (
    AssignForm,
    CorrectionForm,
    DocumentRequestForm,
    LegalHoldForm,
    NoteForm,
    QueueFilterForm,
    TransitionForm,
)
from rathaus.cases.export import case_export
from rathaus.cases.forms import ClerkMessageForm
from rathaus.cases.models import Case, Document
from rathaus.cases.queue import work_queue
from rathaus.cases.services import (
    case_assign,
    case_legal_hold,
    case_paid_at_counter,
    case_transition,
    case_viewed,
    document_correct,
    document_request,
    document_viewed,
    message_to_applicant,
    note_add,
    procedure_for,
    staff_role_for,
)
from rathaus.cases.views import document_file_response
from rathaus.municipalities.models import Municipality
from rathaus.procedures import registry
from rathaus.procedures.base import ADMIN, Transition
from rathaus.records.models import AuditEvent

PAGE_PARAM = "seite"
FormT = TypeVar("FormT", bound=forms.Form)
# The file shows the newest entries of the case's audit trail; the whole trail is on the log page.
AUDIT_ENTRIES = 200


# The work queue ----------------------------------------------------------------------------------


@dataclass
class QueueRow:
    case: Case
    status_label: str
    overdue: bool


@requires("cases.queue")
@require_safe
def case_queue(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality: Municipality = request.municipality  # type: ignore[attr-defined]
    form = QueueFilterForm(request.GET, statuses=_status_choices(municipality), procedures=registry.choices())
    filters = form.filters()
    page = work_queue(municipality=municipality, user=staff_user(request), page=page_number(request), **filters)
    now = timezone.now()
    rows = [QueueRow(case, _status_label(case), _is_overdue(case, now)) for case in page.rows]
    return render(
        request,
        "cases/backoffice/queue.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "sort": filters["sort"],
            "sort_links": _sort_links(request, filters["sort"]),
            "previous_url": query_with(request, **{PAGE_PARAM: page.page - 1}) if page.has_previous else None,
            "next_url": query_with(request, **{PAGE_PARAM: page.page + 1}) if page.has_next else None,
        },
    )


def page_number(request: HttpRequest) -> int:
    value = request.GET.get(PAGE_PARAM, "")
    return int(value) if value.isdigit() and len(value) < 7 else 1


def query_with(request: HttpRequest, **changes: object) -> str:
    """The current query string with some parameters changed (None removes one)."""
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = str(value)
    return "?" + query.urlencode()


def _sort_links(request: HttpRequest, current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the link that sorts by it, and for the sorted column its aria-sort value."""
    links = {}
    for column, sort in (("reference", "reference"), ("submitted", "-submitted_at"), ("due", "due_at")):
        active = current.lstrip("-") == sort.lstrip("-")
        if column == "submitted" and current == "-submitted_at":
            sort = "submitted_at"  # a second click turns the order round
        links[column] = {
            "url": query_with(request, sortierung=sort, **{PAGE_PARAM: None}),
            "aria_sort": ("descending" if current.startswith("-") else "ascending") if active else "",
        }
    return links


def _status_choices(municipality: Municipality) -> list[tuple[str, str]]:
    """The workflow states of the registered procedures that have cases here, each state once."""
    procedures = list(registry.all_procedures())
    if not procedures:
        return []
    # One query: an EXISTS per procedure, each a single look into the case_procedure index.
    present = (
        Municipality.objects.filter(pk=municipality.pk)
        .annotate(
            **{
                f"has_{number}": Exists(Case.objects.filter(municipality=municipality, procedure_key=procedure.key))
                for number, procedure in enumerate(procedures)
            }
        )
        .values_list(*(f"has_{number}" for number in range(len(procedures))))
        .get()
    )
    labels: dict[str, list[str]] = {}
    for procedure, has_cases in zip(procedures, present, strict=True):
        if has_cases:
            for state, label in procedure.workflow.states.items():
                if str(label) not in labels.setdefault(state, []):
                    labels[state].append(str(label))
    return [(state, " / ".join(names)) for state, names in labels.items()]


def _status_label(case: Case) -> str:
    try:
        return str(registry.get(case.procedure_key).workflow.label(case.status))
    except KeyError:
        return case.status


def _is_overdue(case: Case, now: datetime) -> bool:
    return case.closed_at is None and case.due_at is not None and case.due_at < now


# The electronic file -----------------------------------------------------------------------------


def case_for_staff(request: HttpRequest, case_id: int) -> tuple[Case, str]:
    """The case and the member of staff's role on it; 404 for a case of another department."""
    case = Case.objects.select_related("municipality", "department", "assigned_to").filter(pk=case_id).first()
    if case is None:
        raise Http404(_("Diesen Vorgang gibt es nicht."))
    return case, staff_role_for(case=case, user=staff_user(request))


def _back(case: Case) -> HttpResponse:
    return redirect("backoffice:case_detail", municipality_slug=case.municipality.slug, case_id=case.pk)


def _confirm_transition(request: HttpRequest, case: Case, transition: Transition) -> HttpResponse:
    explanation = []
    if transition.notice_template:
        explanation.append(_("Erzeugt einen Bescheid im Postfach der antragstellenden Person."))
    if transition.target in procedure_for(case).workflow.final:
        explanation.append(_("Danach ist der Vorgang abgeschlossen."))
    explanation.append(_("Das lässt sich nicht rückgängig machen."))
    return render(
        request,
        "confirm.html",
        {
            "preline": f"{case.reference} · {case.subject}",
            "question": _("%(step)s?") % {"step": transition.label},
            "explanation": explanation,
            "confirm_label": _("Ja, %(step)s") % {"step": transition.label},
            "cancel_label": _("Nein, zurück zur Akte"),
            "cancel_url": reverse(
                "backoffice:case_detail", kwargs={"municipality_slug": case.municipality.slug, "case_id": case.pk}
            ),
        },
    )


def form_add_errors(form: forms.Form, error: ValidationError, fallback: str | None = None) -> None:
    """A service's ValidationError onto the form: by field where it names one, else on `fallback`."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else fallback, field_messages)
    else:
        form.add_error(fallback, error.messages)


def _problem(error: ValidationError) -> forms.Form:
    """An error that belongs to no form (e.g. a step no longer possible), shown at the top of the file."""
    form = forms.Form(data={})
    form.full_clean()
    form_add_errors(form, error)
    return form


@dataclass
class TransitionAction:
    transition: Transition
    form: TransitionForm
    # Shown as a link to a page that asks "really?" rather than as a button that acts at once.
    confirm: bool = False


@dataclass
class FileDocument:
    document: Document
    current: bool
    correction: CorrectionForm | None = None


@require_safe
def case_detail(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    return _render_file(request, case, role)


def _render_file(
    request: HttpRequest, case: Case, role: str, failed: dict[str, forms.Form] | None = None
) -> HttpResponse:
    user = staff_user(request)
    # Staff opening a file with personal data is recorded, every time.
    case_viewed(case=case, actor=user)
    procedure = procedure_for(case)
    failed = failed or {}

    def bound_or(key: str, form_class: type[FormT], **kwargs: Any) -> FormT:
        form = failed.get(key)
        return form if isinstance(form, form_class) else form_class(**kwargs)

    transitions = [
        TransitionAction(
            transition,
            bound_or(
                f"transition:{transition.key}",
                TransitionForm,
                needs_text=transition.needs_text,
                prefix=f"schritt-{transition.key}",
            ),
            confirm=procedure.workflow.asks_confirmation(transition),
        )
        for transition in procedure.workflow.available(case.status, role=role)
        if not transition.by_applicant
    ]
    documents = list(case.documents.select_related("created_by").order_by("created_at", "pk"))
    superseded = {document.previous_id for document in documents if document.previous_id}
    file_documents = [
        FileDocument(
            document,
            current=document.pk not in superseded,
            correction=bound_or(f"correction:{document.pk}", CorrectionForm, prefix=f"berichtigung-{document.pk}")
            if document.pk not in superseded
            else None,
        )
        for document in documents
    ]
    audit = (
        AuditEvent.objects.filter(
            Q(object_type=Case._meta.label_lower, object_id=str(case.pk)) | Q(data__case=case.reference)
        )
        .select_related("actor")
        .order_by("-sequence")[:AUDIT_ENTRIES]
    )
    context = {
        "case": case,
        "procedure": procedure,
        "is_admin": role == ADMIN,
        "status_label": procedure.workflow.label(case.status),
        "overdue": _is_overdue(case, timezone.now()),
        "sections": procedure.review(case.answers),
        "hints": procedure.hints(case),
        "documents": file_documents,
        "postbox": list(case.messages.select_related("sender").prefetch_related("attachments")),
        "notes": list(case.notes.select_related("author")),
        "open_requests": list(case.document_requests.filter(fulfilled_at__isnull=True)),
        "events": list(case.events.all()),
        "audit": list(audit),
        "transitions": transitions,
        "assign_form": bound_or("assign", AssignForm, staff=_staff_choices(case), prefix="zuweisung"),
        "request_form": bound_or("request", DocumentRequestForm, prefix="nachforderung"),
        "message_form": bound_or("message", ClerkMessageForm, prefix="nachricht"),
        "note_form": bound_or("note", NoteForm, prefix="notiz"),
        "hold_form": bound_or(
            "hold", LegalHoldForm, prefix="sperre", initial={"hold": "0" if case.legal_hold else "1"}
        ),
        "failed_forms": list(failed.values()),
    }
    return render(request, "cases/backoffice/detail.html", context, status=422 if failed else 200)


def _staff_choices(case: Case) -> list[tuple[int, str]]:
    """The municipality's staff who may work on this case: admins, its department's clerks, clerks of no department."""
    members = (
        Membership.objects.filter(municipality=case.municipality)
        .filter(Q(role=ADMIN) | Q(department__isnull=True) | Q(department=case.department_id))
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )
    return [(member.user_id, _person(member.user)) for member in members]


def _person(user: User) -> str:
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


@require_POST
def case_assign_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    user = staff_user(request)
    form = AssignForm(request.POST, staff=_staff_choices(case), prefix="zuweisung")
    # The "Übernehmen" button sends no assignee: the one who clicks takes the case.
    assignee: User | None = user
    if form.add_prefix("assignee") in request.POST:
        if not form.is_valid():
            return _render_file(request, case, role, {"assign": form})
        assignee_id = form.cleaned_data["assignee"]
        assignee = User.objects.filter(pk=assignee_id).first() if assignee_id is not None else None
    try:
        case_assign(case=case, actor=user, assignee=assignee)
    except ValidationError as error:
        form_add_errors(form, error, "assignee")
        return _render_file(request, case, role, {"assign": form})
    if assignee is None:
        messages.success(request, _("Der Vorgang ist niemandem mehr zugewiesen."))
    elif assignee == user:
        messages.success(request, _("Sie bearbeiten jetzt diesen Vorgang."))
    else:
        messages.success(request, _("Der Vorgang ist %(person)s zugewiesen.") % {"person": _person(assignee)})
    return _back(case)


@require_http_methods(["GET", "POST"])
def case_transition_action(
    request: HttpRequest, municipality_slug: str, case_id: int, transition_key: str
) -> HttpResponse:
    """GET asks whether the step should really be taken (for steps that cannot be undone), POST takes it."""
    case, role = case_for_staff(request, case_id)
    procedure = procedure_for(case)
    try:
        transition = procedure.workflow.transition(transition_key)
    except KeyError:
        raise Http404(_("Diesen Schritt gibt es in diesem Verfahren nicht.")) from None
    if request.method == "GET":
        if transition.needs_text or transition not in procedure.workflow.available(case.status, role=role):
            return _back(case)
        return _confirm_transition(request, case, transition)
    form = TransitionForm(request.POST, needs_text=transition.needs_text, prefix=f"schritt-{transition.key}")
    key = f"transition:{transition.key}"
    if transition.by_applicant:
        # Withdrawing is the applicant's decision; staff do not take it for them.
        error = ValidationError(_("Diesen Schritt kann nur die antragstellende Person gehen."))
        return _render_file(request, case, role, {"problem": _problem(error)})
    if not form.is_valid():
        return _render_file(request, case, role, {key: form})
    try:
        case_transition(
            case=case, transition_key=transition.key, actor=staff_user(request), text=form.cleaned_data.get("text", "")
        )
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            form_add_errors(form, error)
            return _render_file(request, case, role, {key: form})
        return _render_file(request, case, role, {"problem": _problem(error)})
    messages.success(request, _("Erledigt: %(step)s.") % {"step": transition.label})
    return _back(case)


@require_POST
def case_request_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    form = DocumentRequestForm(request.POST, prefix="nachforderung")
    if not form.is_valid():
        return _render_file(request, case, role, {"request": form})
    try:
        document_request(
            case=case, actor=staff_user(request), text=form.cleaned_data["text"], due_on=form.cleaned_data["due_on"]
        )
    except ValidationError as error:
        form_add_errors(form, error)
        return _render_file(request, case, role, {"request": form})
    messages.success(request, _("Die Unterlagen sind nachgefordert; die antragstellende Person ist benachrichtigt."))
    return _back(case)


@require_POST
def case_message_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    form = ClerkMessageForm(request.POST, request.FILES, prefix="nachricht")
    if not form.is_valid():
        return _render_file(request, case, role, {"message": form})
    try:
        message_to_applicant(
            case=case,
            actor=staff_user(request),
            subject=form.cleaned_data["subject"],
            body=form.cleaned_data["body"],
            uploads=form.cleaned_data["attachments"],
        )
    except ValidationError as error:
        form_add_errors(form, error, "attachments")
        return _render_file(request, case, role, {"message": form})
    messages.success(request, _("Die Nachricht ist im Postfach der antragstellenden Person."))
    return _back(case)


@require_POST
def case_note_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    form = NoteForm(request.POST, prefix="notiz")
    if not form.is_valid():
        return _render_file(request, case, role, {"note": form})
    try:
        note_add(case=case, actor=staff_user(request), text=form.cleaned_data["text"])
    except ValidationError as error:
        form_add_errors(form, error)
        return _render_file(request, case, role, {"note": form})
    messages.success(request, _("Die Notiz ist gespeichert."))
    return _back(case)


@require_POST
def case_legal_hold_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    form = LegalHoldForm(request.POST, prefix="sperre")
    if not form.is_valid():
        return _render_file(request, case, role, {"hold": form})
    try:
        case_legal_hold(
            case=case, actor=staff_user(request), hold=form.cleaned_data["hold"], reason=form.cleaned_data["reason"]
        )
    except ValidationError as error:
        form_add_errors(form, error)
        return _render_file(request, case, role, {"hold": form})
    if case.legal_hold:
        messages.success(request, _("Die Löschsperre ist gesetzt."))
    else:
        messages.success(request, _("Die Löschsperre ist aufgehoben."))
    return _back(case)


@require_POST
def case_paid_action(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    """Payment received at the cash desk (or the invoice settled): the open payment, or the case itself, is paid."""
    case, role = case_for_staff(request, case_id)
    try:
        case_paid_at_counter(case=case, actor=staff_user(request))
    except ValidationError as error:
        return _render_file(request, case, role, {"problem": _problem(error)})
    messages.success(request, _("Die Gebühr ist als bezahlt vermerkt."))
    return _back(case)


@require_POST
def document_correct_action(
    request: HttpRequest, municipality_slug: str, case_id: int, document_id: int
) -> HttpResponse:
    case, role = case_for_staff(request, case_id)
    document = get_object_or_404(Document.objects.select_related("case__municipality"), pk=document_id, case=case)
    form = CorrectionForm(request.POST, request.FILES, prefix=f"berichtigung-{document.pk}")
    key = f"correction:{document.pk}"
    if not form.is_valid():
        return _render_file(request, case, role, {key: form})
    try:
        document_correct(
            document=document,
            upload=form.cleaned_data["file"][0],
            actor=staff_user(request),
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form_add_errors(form, error, "file")
        return _render_file(request, case, role, {key: form})
    messages.success(request, _("Die berichtigte Fassung von „%(title)s“ ist gespeichert.") % {"title": document.title})
    return _back(case)


@require_safe
def document_download(request: HttpRequest, municipality_slug: str, case_id: int, document_id: int) -> FileResponse:
    case, _role = case_for_staff(request, case_id)
    document = get_object_or_404(Document.objects.select_related("case__municipality"), pk=document_id, case=case)
    document_viewed(document=document, actor=staff_user(request))
    return document_file_response(document)


@require_GET
def case_export_download(request: HttpRequest, municipality_slug: str, case_id: int) -> HttpResponse:
    """The electronic file as a ZIP, for staff who may work the case."""
    case, _role = case_for_staff(request, case_id)
    response = HttpResponse(case_export(case=case, actor=staff_user(request)), content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"{case.reference}-akte.zip"
    )
    response["Cache-Control"] = "private, no-store"
    return response
