from django.db.models import QuerySet
from django.utils import timezone

from rathaus.jobs.models import JobPosting
from rathaus.municipalities.models import Municipality


def job_postings_open(*, municipality: Municipality) -> QuerySet[JobPosting]:
    """The postings people may apply to now: published, deadline today or later; the soonest deadline first."""
    return (
        JobPosting.objects.filter(municipality=municipality, published=True, deadline__gte=timezone.localdate())
        .select_related("department", "municipality")
        .order_by("deadline", "title")
    )


def job_posting_open(*, municipality: Municipality, posting_id: int) -> JobPosting | None:
    return job_postings_open(municipality=municipality).filter(pk=posting_id).first()


def job_postings_all(*, municipality: Municipality) -> QuerySet[JobPosting]:
    """Every posting for the back office, drafts and closed ones included."""
    return JobPosting.objects.filter(municipality=municipality).select_related("department").order_by("-deadline")
