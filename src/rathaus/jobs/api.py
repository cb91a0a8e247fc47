from datetime import date
from typing import Annotated

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema

from rathaus.core.api import MunicipalitySlug, Refused, documented
from rathaus.jobs.models import JobPosting
from rathaus.jobs.procedure import PROCEDURE_KEY
from rathaus.jobs.selectors import job_posting_open, job_postings_open

router = Router(tags=["jobs"])


class DepartmentOut(Schema):
    key: str
    name: str


class JobPostingSummaryOut(Schema):
    id: int
    title: str
    department: DepartmentOut
    pay_grade: str = Field(description='TVöD pay group, e.g. "EG 9a", "S 11b" or "P 8"')
    hours: float = Field(description="Hours per week; 39 is full time in the TVöD")
    part_time_possible: bool
    limited: bool
    deadline: date = Field(description="Applications are accepted until the end of this day")
    url: str = Field(description="The posting's page in the portal", json_schema_extra={"format": "uri"})


class JobPostingOut(JobPostingSummaryOut):
    limited_until: date | None
    start: str
    description: str
    tasks: list[str]
    requirements: list[str]
    offer: list[str]
    contact_name: str
    contact_phone: str
    apply_url: str = Field(
        description="POST here with stelle=<id> to start an application", json_schema_extra={"format": "uri"}
    )


def _summary(request: HttpRequest, posting: JobPosting) -> dict[str, object]:
    return {
        "id": posting.pk,
        "title": posting.title,
        "department": {"key": posting.department.key, "name": posting.department.name},
        "pay_grade": posting.pay_grade,
        "hours": float(posting.hours_per_week),
        "part_time_possible": posting.part_time_possible,
        "limited": posting.limited,
        "deadline": posting.deadline,
        "url": request.build_absolute_uri(posting.get_absolute_url()),
    }


@router.get(
    "/municipalities/{municipality_slug}/jobs",
    summary="Open job postings",
    **documented(list[JobPostingSummaryOut], 404),
)
def list_jobs(request: HttpRequest, municipality_slug: MunicipalitySlug) -> list[dict[str, object]]:
    municipality = request.municipality  # type: ignore[attr-defined]
    return [_summary(request, posting) for posting in job_postings_open(municipality=municipality)]


@router.get(
    "/municipalities/{municipality_slug}/jobs/{int:posting_id}",
    summary="One open job posting",
    **documented(JobPostingOut, 404, 422, meanings={404: "No such municipality, or no such open posting in it."}),
)
def get_job(
    request: HttpRequest,
    municipality_slug: MunicipalitySlug,
    posting_id: Annotated[int, Path(ge=1, description="The posting's id, as in the list")],
) -> dict[str, object]:
    posting = job_posting_open(municipality=request.municipality, posting_id=posting_id)  # type: ignore[attr-defined]
    if posting is None:
        raise Refused(404, _("Diese Stelle ist nicht (mehr) ausgeschrieben."))
    return {
        **_summary(request, posting),
        "limited_until": posting.limited_until,
        "start": posting.start,
        "description": posting.description,
        "tasks": posting.task_list,
        "requirements": posting.requirement_list,
        "offer": posting.offer_list,
        "contact_name": posting.contact_name,
        "contact_phone": posting.contact_phone,
        "apply_url": request.build_absolute_uri(
            reverse(
                "application_start", kwargs={"municipality_slug": municipality_slug, "procedure_key": PROCEDURE_KEY}
            )
        ),
    }
