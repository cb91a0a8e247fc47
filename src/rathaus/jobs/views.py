"""Job postings: the public list and detail pages, and the admins' pages to write them."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from rathaus.accounts.access import requires, staff_user
from rathaus.core.forms import saved
from rathaus.jobs.forms import JobPostingForm
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import PROCEDURE_KEY
from rathaus.jobs.selectors import job_posting_open, job_postings_all, job_postings_open
from rathaus.jobs.services import job_posting_create, job_posting_update


@require_safe
def job_index(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    postings = job_postings_open(municipality=request.municipality)  # type: ignore[attr-defined]
    return render(request, "jobs/index.html", {"postings": postings})


@require_safe
def job_detail(request: HttpRequest, municipality_slug: str, posting_id: int) -> HttpResponse:
    posting = job_posting_open(municipality=request.municipality, posting_id=posting_id)  # type: ignore[attr-defined]
    if posting is None:
        raise Http404(_("Diese Stelle ist nicht (mehr) ausgeschrieben."))
    return render(request, "jobs/detail.html", {"posting": posting, "procedure_key": PROCEDURE_KEY})


@requires("jobs.postings")
@require_safe
def backoffice_job_posting_list(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    postings = job_postings_all(municipality=request.municipality)  # type: ignore[attr-defined]
    return render(request, "jobs/backoffice/list.html", {"postings": postings})


@requires("jobs.postings")
@require_http_methods(["GET", "POST"])
def backoffice_job_posting_create(request: HttpRequest, municipality_slug: str) -> HttpResponse:
    municipality = request.municipality  # type: ignore[attr-defined]
    form = JobPostingForm(request.POST or None, instance=JobPosting(municipality=municipality))
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: job_posting_create(municipality=municipality, data=form.cleaned_data, by=staff_user(request)),
        )
    ):
        messages.success(request, _("Das Stellenangebot wurde angelegt."))
        return redirect("backoffice:job_posting_list", municipality_slug=municipality_slug)
    return render(request, "backoffice_form.html", {"form": form, "heading": _("Neues Stellenangebot")})


@requires("jobs.postings")
@require_http_methods(["GET", "POST"])
def backoffice_job_posting_edit(request: HttpRequest, municipality_slug: str, posting_id: int) -> HttpResponse:
    posting = get_object_or_404(JobPosting, pk=posting_id)
    form = JobPostingForm(request.POST or None, instance=posting)
    if (
        form.is_bound
        and form.is_valid()
        and saved(
            form,
            lambda: job_posting_update(
                posting=posting, data={n: form.cleaned_data[n] for n in form.changed_data}, by=staff_user(request)
            ),
        )
    ):
        messages.success(request, _("Das Stellenangebot wurde gespeichert."))
        return redirect("backoffice:job_posting_list", municipality_slug=municipality_slug)
    heading = _("%(title)s bearbeiten") % {"title": posting.title}
    return render(request, "backoffice_form.html", {"form": form, "heading": heading})
