"""The typed view of a job application's answers and of the posting its start link named."""

from datetime import date

import pytest

from rathaus.jobs.answers import (
    Applicant,
    Cover,
    JobApplicationAnswers,
    PostingContext,
    Salutation,
    StepKey,
    posting_id,
)
from rathaus.jobs.procedure import JobApplication
from rathaus.jobs.tests.conftest import make_posting
from rathaus.jobs.tests.test_procedure import fill, start
from rathaus.municipalities.models import Department, Municipality


def test_the_step_keys_are_the_keys_of_the_procedures_pages() -> None:
    assert [step.key for step in JobApplication.steps] == list(StepKey)


def test_it_reads_a_full_application() -> None:
    answers = JobApplicationAnswers.from_answers(
        {
            "person": {
                "salutation": "frau",
                "first_name": "Maria",
                "last_name": "Schulte",
                "email": "maria.schulte@example.org",
                "phone": "",
                "street": "Am Markt 1",
                "postal_code": "59494",
                "city": "Soest",
            },
            "cover": {"cover_letter": "Sehr geehrte …", "earliest_start": "2025-09-01", "disability": True},
            "documents": {"cv": [{"upload": 1, "name": "lebenslauf.pdf", "sha256": "ab"}], "certificates": []},
            "consent": {"privacy": True},
        }
    )
    assert answers.applicant.salutation == Salutation.MS
    assert answers.applicant.full_name == "Maria Schulte"
    assert answers.applicant.address_lines == ("Am Markt 1", "59494 Soest")
    assert answers.cover == Cover(cover_letter="Sehr geehrte …", earliest_start=date(2025, 9, 1), disability=True)
    assert answers.privacy_consent


def test_a_minimal_application_has_no_salutation_and_no_start() -> None:
    answers = JobApplicationAnswers.from_answers(
        {"person": {"first_name": "Ben", "last_name": "Kaya", "email": "ben@example.org", "salutation": ""}}
    )
    assert answers.applicant.salutation is None
    assert answers.applicant.address_lines == ()
    assert answers.cover is None
    assert not answers.privacy_consent


def test_missing_or_old_values_read_as_empty_not_as_errors() -> None:
    answers = JobApplicationAnswers.from_answers(
        {
            "person": {"salutation": "dr", "first_name": None},
            "cover": {"earliest_start": "bald"},
            "consent": "yes",
            "_partial": {"cover": {"cover_letter": "Ent"}},
        }
    )
    assert answers.applicant == Applicant()
    assert answers.cover == Cover()
    assert not answers.privacy_consent
    assert JobApplicationAnswers.from_answers({}) == JobApplicationAnswers()


def test_the_posting_context_reads_what_initial_stored() -> None:
    context = PostingContext(posting_id=7, title="Sachbearbeitung", deadline=date(2025, 7, 31))
    assert context.as_context() == {"posting_id": 7, "title": "Sachbearbeitung", "deadline": "2025-07-31"}
    assert PostingContext.from_context(context.as_context()) == context
    assert PostingContext.from_context({}) == PostingContext()
    assert PostingContext.from_context({"posting_id": "x", "deadline": "31.07.2025"}) == PostingContext()


@pytest.mark.parametrize(("value", "expected"), [("12", 12), (" 12 ", 12), (12, 12), ("", None), (None, None)])
def test_a_posting_id_is_a_plain_number(value: object, expected: int | None) -> None:
    assert posting_id(value) == expected


@pytest.mark.parametrize("value", ["-1", "1.0", "²", "1" * 13, "12abc"])
def test_anything_else_is_no_posting_id(value: str) -> None:
    assert posting_id(value) is None


@pytest.mark.django_db
def test_a_filled_draft_reads_back_with_its_posting(soest: Municipality, hr_department: Department) -> None:
    posting = make_posting(soest)
    draft = fill(start(soest, posting))
    answers = JobApplicationAnswers.from_answers(draft.answers)
    assert answers.applicant.full_name == "Lena Hoffmann"
    assert answers.applicant.salutation == Salutation.MS
    assert answers.cover is not None and answers.cover.disability
    assert answers.cover.earliest_start is None
    assert answers.privacy_consent
    context = PostingContext.from_context(draft.context)
    assert (context.posting_id, context.title, context.deadline) == (posting.pk, posting.title, posting.deadline)
