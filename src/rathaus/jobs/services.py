"""Writes on job postings; each is validated and recorded in the municipality's audit chain."""

from typing import Any

from django.db import transaction

from rathaus.accounts.models import User
from rathaus.jobs.models import JobPosting
from rathaus.municipalities.models import Municipality
from rathaus.records.services import audit_record


def job_posting_create(*, municipality: Municipality, data: dict[str, Any], by: User | None) -> JobPosting:
    """Adds a posting. A published one needs a deadline that has not passed."""
    posting = JobPosting(municipality=municipality, **data)
    posting.full_clean()
    with transaction.atomic():
        posting.save()
        audit_record(
            municipality=municipality,
            actor=by,
            action="job_posting.created",
            obj=posting,
            data={"title": posting.title, "published": posting.published},
        )
    return posting


def job_posting_update(*, posting: JobPosting, data: dict[str, Any], by: User | None) -> JobPosting:
    """Saves changed fields of a posting, e.g. publishing it or moving its deadline."""
    for name, value in data.items():
        setattr(posting, name, value)
    posting.full_clean()
    with transaction.atomic():
        posting.save(update_fields=[*data.keys(), "updated_at"])
        audit_record(
            municipality=posting.municipality,
            actor=by,
            action="job_posting.updated",
            obj=posting,
            data={"fields": sorted(data), "published": posting.published},
        )
    return posting
