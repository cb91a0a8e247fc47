"""A job application's answers and its start link's context, typed and read-only.

`JobApplicationAnswers.from_answers` reads the stored JSON of the procedure "bewerbung" once:
the applicant's page, the cover letter (with its date as a `date`) and the consent. A page not
answered is None, a field not answered is its empty value. The uploads of the page "documents" are
read by the engine from its upload rows, not from here. `PostingContext` is the posting the start
link named, as `JobApplication.initial` stored it. The step keys are `StepKey`, nowhere else.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _


class StepKey(StrEnum):
    """The keys under which the pages of a job application store their answers."""

    PERSON = "person"
    COVER = "cover"
    DOCUMENTS = "documents"
    CONSENT = "consent"


class Salutation(models.TextChoices):
    MS = "frau", _("Frau")
    MR = "herr", _("Herr")


def _text(step: Mapping[str, Any], name: str) -> str:
    value = step.get(name)
    return "" if value is None else str(value)


def _date(value: object) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        try:
            return date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def posting_id(value: object) -> int | None:
    """A posting's id from a start link or the stored context; None for anything that is not one."""
    text = "" if value is None else str(value).strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 12 else None


def _step(answers: Mapping[str, Any], key: str) -> Mapping[str, Any] | None:
    value = answers.get(key)
    return value if isinstance(value, Mapping) and value else None


@dataclass(frozen=True)
class Applicant:
    """The page "person": name, contact and postal address."""

    salutation: Salutation | None = None
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    street: str = ""
    postal_code: str = ""
    city: str = ""

    @classmethod
    def from_step(cls, step: Mapping[str, Any]) -> Applicant:
        salutation = step.get("salutation")
        return cls(
            salutation=Salutation(salutation) if salutation in Salutation.values else None,
            first_name=_text(step, "first_name"),
            last_name=_text(step, "last_name"),
            email=_text(step, "email"),
            phone=_text(step, "phone"),
            street=_text(step, "street"),
            postal_code=_text(step, "postal_code"),
            city=_text(step, "city"),
        )

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def address_lines(self) -> tuple[str, ...]:
        """Street and town, the lines below the name on a letter; empty ones left out."""
        lines = (self.street, f"{self.postal_code} {self.city}".strip())
        return tuple(line for line in lines if line)


@dataclass(frozen=True)
class Cover:
    """The page "cover": the letter and what the applicant says about themselves."""

    cover_letter: str = ""
    earliest_start: date | None = None
    # Voluntary: see the help text of the form (SGB IX §§ 164, 165).
    disability: bool = False

    @classmethod
    def from_step(cls, step: Mapping[str, Any]) -> Cover:
        return cls(
            cover_letter=_text(step, "cover_letter"),
            earliest_start=_date(step.get("earliest_start")),
            disability=bool(step.get("disability")),
        )


@dataclass(frozen=True)
class JobApplicationAnswers:
    """All answers of one application. Build it with `from_answers`."""

    applicant: Applicant = field(default_factory=Applicant)
    cover: Cover | None = None
    privacy_consent: bool = False

    @classmethod
    def from_answers(cls, answers: Mapping[str, Any]) -> JobApplicationAnswers:
        person = _step(answers, StepKey.PERSON)
        cover = _step(answers, StepKey.COVER)
        consent = _step(answers, StepKey.CONSENT)
        return cls(
            applicant=Applicant.from_step(person) if person is not None else Applicant(),
            cover=Cover.from_step(cover) if cover is not None else None,
            privacy_consent=bool(consent.get("privacy")) if consent is not None else False,
        )


@dataclass(frozen=True)
class PostingContext:
    """The posting an application is for, as the start link named it and `initial` checked it."""

    posting_id: int | None = None
    title: str = ""
    deadline: date | None = None

    @classmethod
    def from_context(cls, context: Mapping[str, Any]) -> PostingContext:
        return cls(
            posting_id=posting_id(context.get("posting_id")),
            title=_text(context, "title"),
            deadline=_date(context.get("deadline")),
        )

    def as_context(self) -> dict[str, Any]:
        """The JSON the engine stores with the draft and the case."""
        return {
            "posting_id": self.posting_id,
            "title": self.title,
            "deadline": self.deadline.isoformat() if self.deadline is not None else None,
        }
