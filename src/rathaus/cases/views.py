"""The citizen's side: filling in an application step by step, submitting it, and following the case.

A draft is reachable only by the account that owns it or the browser session that started it; a
case only by its applicant's account or by its secret status link. Anything else is a 404.
"""

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from rathaus.cases.forms import ApplicantMessageForm, SubmitForm
from rathaus.cases.models import Case, Document, Draft
from rathaus.cases.selectors import (
    case_for_applicant,
    case_for_token,
    case_page_context,
    cases_of_user,
    draft_partial_answers,
)
from rathaus.cases.services import (
    case_payment_start,
    case_submit,
    case_transition,
    draft_discard,
    draft_keep_partial,
    draft_save_step,
    draft_start,
    message_from_applicant,
    messages_mark_read,
    procedure_for,
)
from rathaus.catalog.models import Service
from rathaus.payments.providers import provider as payment_provider
from rathaus.procedures import registry
from rathaus.procedures.base import Procedure, Step
from rathaus.procedures.fields import AttachmentField

ViewT = TypeVar("ViewT", bound=Callable[..., HttpResponse])

SESSION_DRAFTS = "rathaus_drafts"
SESSION_SUBMITTED = "rathaus_submitted"


def form_add_errors(form: forms.Form, error: ValidationError, fallback: str | None = None) -> None:
    """A service's ValidationError onto the form: by field where it names one, else on `fallback`. A
    plain error (e.g. the upload check's "this kind of file") has no field names to go by."""
    if hasattr(error, "error_dict"):
        for name, field_messages in error.message_dict.items():
            form.add_error(name if name in form.fields else fallback, field_messages)
    else:
        form.add_error(fallback, error.messages)


def _procedure_class(procedure_key: str) -> type[Procedure]:
    try:
        return registry.get(procedure_key)
    except KeyError:
        raise Http404(_("Dieses Verfahren gibt es nicht.")) from None


@require_http_methods(["GET", "POST"])
def application_start(request: HttpRequest, municipality_slug: str, procedure_key: str) -> HttpResponse:
    procedure = _procedure_class(procedure_key)(request.municipality)  # type: ignore[attr-defined]
    query = request.POST if request.method == "POST" else request.GET
    params: dict[str, str] = {key: str(query.get(key, "")) for key in query}
    params.pop("csrfmiddlewaretoken", None)
    service = None
    service_id = params.pop("service", "")
    if service_id.isdigit():
        service = Service.objects.filter(pk=int(service_id), procedure_key=procedure_key).first()
    try:
        context = procedure.initial(params)
    except ValidationError as error:
        return render(
            request, "cases/start_refused.html", {"procedure": procedure, "errors": error.messages}, status=404
        )
    if request.method == "POST":
        draft = draft_start(
            municipality=request.municipality,  # type: ignore[attr-defined]
            procedure_key=procedure_key,
            user=request.user if request.user.is_authenticated else None,
            service=service,
            params=params,
        )
        request.session[SESSION_DRAFTS] = [*request.session.get(SESSION_DRAFTS, [])[-19:], str(draft.token)]
        return redirect(_step_url(draft, procedure.applicable_steps(draft.answers)[0]))
    return render(
        request,
        "cases/start.html",
        {"procedure": procedure, "params": params, "service": service, "context": context},
    )


class DraftUnavailable(Http404):
    """The draft is not this visitor's, or gone: one answer for both, so that nobody learns whether a
    draft of someone else's exists."""


def _draft_for(request: HttpRequest, draft_token: uuid.UUID) -> Draft:
    draft = Draft.objects.filter(token=draft_token).select_related("municipality").first()
    if draft is None:
        raise DraftUnavailable(_("Diesen Antrag gibt es nicht (mehr)."))
    if draft.user_id is not None:
        if request.user.pk != draft.user_id:
            raise DraftUnavailable(_("Diesen Antrag gibt es nicht (mehr)."))
    elif str(draft.token) not in request.session.get(SESSION_DRAFTS, []):
        raise DraftUnavailable(_("Diesen Antrag gibt es nicht (mehr)."))
    return draft


def explains_unavailable_drafts(view: ViewT) -> ViewT:
    """A draft that is not the visitor's gets a page that says why that happens (another browser, the
    session ended, another account, discarded or submitted) and how to go on, instead of a bare 404."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except DraftUnavailable:
            return render(
                request,
                "cases/draft_unavailable.html",
                {"login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}"},
                status=404,
            )

    return cast(ViewT, wrapper)


def _step_url(draft: Draft, step: Step) -> str:
    return reverse(
        "application_step",
        kwargs={"municipality_slug": draft.municipality.slug, "draft_token": draft.token, "step_key": step.key},
    )


def _review_url(draft: Draft) -> str:
    return reverse(
        "application_review", kwargs={"municipality_slug": draft.municipality.slug, "draft_token": draft.token}
    )


def _first_open_step(procedure: Procedure, draft: Draft) -> Step | None:
    for step in procedure.applicable_steps(draft.answers):
        if step.key not in draft.answers:
            return step
    return None


def _initial_for(form: forms.Form, answers: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in answers.items() if name in form.fields}


@explains_unavailable_drafts
@require_http_methods(["GET", "POST"])
def application_step(
    request: HttpRequest, municipality_slug: str, draft_token: uuid.UUID, step_key: str
) -> HttpResponse:
    draft = _draft_for(request, draft_token)
    procedure = procedure_for(draft)
    steps = procedure.applicable_steps(draft.answers)
    step = next((candidate for candidate in steps if candidate.key == step_key), None)
    if step is None:
        raise Http404(_("Diesen Schritt gibt es in diesem Antrag nicht."))
    # No skipping ahead by editing the address: every earlier step must be answered first.
    index = steps.index(step)
    open_step = _first_open_step(procedure, draft)
    if open_step is not None and steps.index(open_step) < index:
        return redirect(_step_url(draft, open_step))

    saved_answers = draft.answers.get(step.key, {})
    partial = draft_partial_answers(draft=draft, step=step)
    prefill = procedure.step_initial(step, draft.context)
    form = procedure.form_for(
        step, initial=_initial_for(procedure.form_for(step), {**prefill, **saved_answers, **partial})
    )
    stored_files = {
        name: saved_answers.get(name) or [] for name, field in form.fields.items() if isinstance(field, AttachmentField)
    }
    if request.method == "POST":
        action = request.POST.get("action", "next")
        form = procedure.form_for(step, data=request.POST, files=request.FILES)
        for name, files in stored_files.items():
            if files:
                form.fields[name].required = False  # already uploaded; a new file replaces it
        if form.is_valid():
            uploads = {name: form.cleaned_data.get(name) or [] for name in stored_files}
            cleaned = {name: value for name, value in form.cleaned_data.items() if name not in stored_files}
            try:
                draft_save_step(draft=draft, step=step, cleaned_data=cleaned, files=uploads)
            except ValidationError as error:
                form_add_errors(form, error, next(iter(stored_files), None))
            else:
                return _after_step(request, draft, procedure, step, action)
        elif action in {"back", "save"}:
            # Going back keeps what was typed, even when it is not complete yet: each field's value as
            # its widget read it (a checkbox's True or False, a multiple choice's list), so that the
            # page shows it again as it was, not a "False" that a checkbox would take for ticked.
            partial_answers = {name: form[name].value() for name in form.fields if name not in stored_files}
            draft_keep_partial(draft=draft, step=step, values=partial_answers)
            return _after_step(request, draft, procedure, step, action)
    return render(
        request,
        "cases/step.html",
        {
            "procedure": procedure,
            "draft": draft,
            "step": step,
            "steps": steps,
            "number": index + 1,
            "form": form,
            "stored_files": {name: files for name, files in stored_files.items() if files},
            "previous_url": _step_url(draft, steps[index - 1]) if index > 0 else None,
        },
    )


def _after_step(request: HttpRequest, draft: Draft, procedure: Procedure, step: Step, action: str) -> HttpResponse:
    steps = procedure.applicable_steps(draft.answers)
    index = steps.index(step) if step in steps else 0
    if action == "save" and draft.user_id is not None:
        messages.success(request, _("Ihr Antrag ist als Entwurf gespeichert. Sie finden ihn unter „Meine Anträge“."))
        return redirect("my_cases", municipality_slug=draft.municipality.slug)
    if action == "back":
        return redirect(_step_url(draft, steps[index - 1]) if index > 0 else _step_url(draft, step))
    open_step = _first_open_step(procedure, draft)
    following = steps[index + 1] if index + 1 < len(steps) else None
    if following is not None and (following.key not in draft.answers or open_step is not None):
        return redirect(_step_url(draft, following))
    return redirect(_review_url(draft) if open_step is None else _step_url(draft, open_step))


@explains_unavailable_drafts
@require_http_methods(["GET", "POST"])
def application_review(request: HttpRequest, municipality_slug: str, draft_token: uuid.UUID) -> HttpResponse:
    try:
        draft = _draft_for(request, draft_token)
    except Http404:
        # A reload or a second click after the submit went through: show the case that was created.
        case = Case.objects.filter(idempotency_key=draft_token).first()
        if case is not None and _may_see_confirmation(request, case):
            return redirect("application_done", municipality_slug=municipality_slug, reference=case.reference)
        raise
    procedure = procedure_for(draft)
    open_step = _first_open_step(procedure, draft)
    if open_step is not None:
        return redirect(_step_url(draft, open_step))
    errors = procedure.check(draft.answers, draft.context)
    fee = procedure.fee(draft.answers, draft.context)
    form = SubmitForm(request.POST or None, fee=fee)
    if request.method == "POST" and not errors and form.is_valid():
        try:
            case, token = case_submit(
                draft=draft,
                idempotency_key=draft.token,
                user=request.user if request.user.is_authenticated else None,
                payment_provider=form.cleaned_data.get("payment", ""),
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            if token is not None:
                request.session[SESSION_SUBMITTED] = {
                    **request.session.get(SESSION_SUBMITTED, {}),
                    case.reference: token,
                }
            return redirect("application_done", municipality_slug=municipality_slug, reference=case.reference)
    return render(
        request,
        "cases/review.html",
        {
            "procedure": procedure,
            "draft": draft,
            "sections": procedure.review(draft.answers),
            "step_errors": errors,
            "fee": fee,
            "form": form,
            "steps": procedure.applicable_steps(draft.answers),
        },
        status=422 if request.method == "POST" else 200,
    )


@explains_unavailable_drafts
@require_http_methods(["GET", "POST"])
def application_discard(request: HttpRequest, municipality_slug: str, draft_token: uuid.UUID) -> HttpResponse:
    draft = _draft_for(request, draft_token)
    if request.method == "GET":
        return render(
            request,
            "confirm.html",
            {
                "preline": procedure_for(draft).title,
                "question": _("Antrag verwerfen?"),
                "explanation": [
                    _("Alles, was Sie in diesen Antrag eingegeben und hochgeladen haben, wird gelöscht."),
                    _("Das lässt sich nicht rückgängig machen."),
                ],
                "confirm_label": _("Ja, Antrag verwerfen"),
                "cancel_label": _("Nein, zurück zum Antrag"),
                "cancel_url": _review_url(draft),
            },
        )
    draft_discard(draft=draft)
    messages.success(request, _("Der Entwurf ist gelöscht."))
    if request.user.is_authenticated:
        return redirect("my_cases", municipality_slug=municipality_slug)
    return redirect("municipality_home", municipality_slug=municipality_slug)


def _may_see_confirmation(request: HttpRequest, case: Case) -> bool:
    if request.user.is_authenticated and case.applicant_id == request.user.pk:
        return True
    return case.reference in request.session.get(SESSION_SUBMITTED, {})


def application_done(request: HttpRequest, municipality_slug: str, reference: str) -> HttpResponse:
    case = Case.objects.filter(reference=reference).first()
    if case is None or not _may_see_confirmation(request, case):
        raise Http404(_("Diesen Vorgang gibt es nicht."))
    token = request.session.get(SESSION_SUBMITTED, {}).get(case.reference)
    status_url = (
        request.build_absolute_uri(
            reverse("case_status", kwargs={"municipality_slug": municipality_slug, "token": token})
        )
        if token
        else None
    )
    payment_url = None
    if case.payment_status == Case.Payment.OPEN and case.payment_provider:
        payment_url = reverse("case_pay", kwargs={"municipality_slug": municipality_slug, "reference": case.reference})
        if not payment_provider(case.payment_provider).online:
            payment_url = None
    return render(
        request,
        "cases/done.html",
        {"case": case, "procedure": procedure_for(case), "status_url": status_url, "payment_url": payment_url},
    )


# Following a case ------------------------------------------------------------------------------


def my_cases(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    cases, drafts = cases_of_user(user=request.user)
    for case in cases:
        case.status_label = procedure_for(case).workflow.label(case.status)  # type: ignore[attr-defined]
    for draft in drafts:
        draft.procedure_title = procedure_for(draft).title  # type: ignore[attr-defined]
    return render(request, "cases/my_cases.html", {"cases": cases, "drafts": drafts})


def _case_from(request: HttpRequest, token: str | None, reference: str | None) -> Case:
    if token is not None:
        case = case_for_token(token=token)
    elif request.user.is_authenticated and reference is not None:
        case = case_for_applicant(user=request.user, reference=reference)
    else:
        case = None
    if case is None:
        raise Http404(_("Diesen Vorgang gibt es nicht."))
    return case


def _case_url(case: Case, token: str | None) -> str:
    slug = case.municipality.slug
    if token is not None:
        return reverse("case_status", kwargs={"municipality_slug": slug, "token": token})
    return reverse("my_case", kwargs={"municipality_slug": slug, "reference": case.reference})


@require_http_methods(["GET", "POST"])
def case_page(
    request: HttpRequest, municipality_slug: str, token: str | None = None, reference: str | None = None
) -> HttpResponse:
    if token is None and reference is not None and not request.user.is_authenticated:
        return redirect(f"{reverse('account_login')}?next={request.path}")
    case = _case_from(request, token, reference)
    form = ApplicantMessageForm(request.POST or None, request.FILES or None, rule=procedure_for(case).attachments)
    if request.method == "POST" and form.is_valid():
        try:
            message_from_applicant(
                case=case,
                user=request.user,  # type: ignore[arg-type]
                body=form.cleaned_data["body"],
                uploads=form.cleaned_data["attachments"],
            )
        except ValidationError as error:
            # The service refuses as a whole (one transaction): neither the message nor any file is kept.
            form_add_errors(form, error, "attachments")
        else:
            messages.success(request, _("Ihre Nachricht ist bei der Verwaltung eingegangen."))
            return redirect(_case_url(case, token))
    if request.method == "GET":
        messages_mark_read(case=case)
    return render(
        request,
        "cases/case.html",
        {**case_page_context(case=case), "form": form, "base_url": _case_url(case, token)},
        status=422 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
def case_applicant_transition(
    request: HttpRequest,
    municipality_slug: str,
    transition_key: str,
    token: str | None = None,
    reference: str | None = None,
) -> HttpResponse:
    """GET asks whether the applicant really wants to take the step (e.g. withdraw), POST takes it."""
    case = _case_from(request, token, reference)
    if request.method == "GET":
        workflow = procedure_for(case).workflow
        transition = next(
            (
                candidate
                for candidate in workflow.available(case.status, by_applicant=True)
                if candidate.key == transition_key and not case.is_closed
            ),
            None,
        )
        if transition is None:
            raise Http404(_("Diesen Schritt gibt es für diesen Vorgang nicht (mehr)."))
        return render(
            request,
            "confirm.html",
            {
                "preline": _("Aktenzeichen %(reference)s") % {"reference": case.reference},
                "question": _("%(step)s?") % {"step": transition.label},
                "explanation": [
                    *(
                        [
                            _("Die Verwaltung bearbeitet Ihren Vorgang „%(subject)s“ danach nicht weiter.")
                            % {"subject": case.subject}
                        ]
                        if transition.target in workflow.final
                        else []
                    ),
                    _("Das lässt sich nicht rückgängig machen."),
                ],
                "confirm_label": _("Ja, %(step)s") % {"step": transition.label},
                "cancel_label": _("Nein, zurück zum Vorgang"),
                "cancel_url": _case_url(case, token),
            },
        )
    try:
        case_transition(
            case=case,
            transition_key=transition_key,
            actor=request.user if request.user.is_authenticated else None,
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("Erledigt: %(step)s.") % {"step": procedure_for(case).workflow.transition(transition_key).label}
        )
    return redirect(_case_url(case, token))


def document_file_response(document: Document) -> FileResponse:
    """A stored document as a download: never rendered inline, never cached on the way, and named and typed
    by its sniffed content, never by the name it was uploaded under ("Lebenslauf.hta" is "Lebenslauf.pdf")."""
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.download_name,
        content_type=document.download_content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def case_document(
    request: HttpRequest,
    municipality_slug: str,
    document_id: int,
    token: str | None = None,
    reference: str | None = None,
) -> FileResponse:
    case = _case_from(request, token, reference)
    document = get_object_or_404(Document, pk=document_id, case=case, visible_to_applicant=True)
    return document_file_response(document)


@require_POST
def case_pay(request: HttpRequest, municipality_slug: str, reference: str) -> HttpResponse:
    """Sends the applicant to the payment provider chosen at submit (e.g. the hosted payment page)."""
    case = Case.objects.filter(reference=reference).first()
    if case is None or not _may_see_confirmation(request, case):
        raise Http404(_("Diesen Vorgang gibt es nicht."))
    target = case_payment_start(
        case=case,
        return_url=reverse("application_done", kwargs={"municipality_slug": municipality_slug, "reference": reference}),
    )
    if target is None:
        return redirect("application_done", municipality_slug=municipality_slug, reference=reference)
    return redirect(target)
