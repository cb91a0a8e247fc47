"""The contract every procedure (Verwaltungsverfahren) fulfils.

A procedure is one module that subclasses `Procedure` and registers itself with
`rathaus.procedures.registry.register`. It declares what the engine needs and nothing more:

- `steps`: the form pages, one topic each, as Django forms (a step may be conditional);
- `validate`: rules across steps, run before the review page and again at submit;
- `fee`: the fee rule, shown before submit;
- `workflow`: states and the transitions staff may take, with the role each needs;
- `receipt_template` / `Transition.notice_template`: the documents it generates;
- `retention`: how long a closed file is kept, and whether it is deleted or anonymised;
- `export`: extra files for the electronic file's ZIP export.

The engine (`rathaus.cases`) turns these into pages, cases, notices and audit entries, so adding
a procedure never changes the engine.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rathaus.cases.models import Case
    from rathaus.municipalities.models import Municipality

Label = str | Promise
# The answers of all steps: {step key: {field name: value}}. Values are JSON-safe (dates as ISO strings,
# files as the ids of stored uploads).
Answers = dict[str, dict[str, Any]]

# Roles a transition may require; "clerk" admits every member of staff of the case's department
# and the municipality's admins.
CLERK = "clerk"
ADMIN = "admin"


@dataclass(frozen=True)
class Step:
    key: str
    title: Label
    form: type[forms.Form]
    # Shown only when this returns True for the answers given so far (e.g. a step for a
    # representative only when the applicant applies for someone else).
    condition: Callable[[Answers], bool] | None = None

    def applies(self, answers: Answers) -> bool:
        if self.condition is None:
            return True
        try:
            return self.condition(answers)
        except (KeyError, TypeError):
            return False  # the answers the condition reads are not given yet


@dataclass(frozen=True)
class AttachmentRule:
    """Limits for uploads in this procedure; the type is always read from the file's content."""

    max_files: int = 10
    max_bytes: int = 10 * 1024 * 1024
    types: frozenset[str] = frozenset({"pdf", "png", "jpeg"})

    def describe(self) -> str:
        """The limits in words, for the help text next to every upload field."""
        from rathaus.core.uploads import DOCUMENT_TYPES

        labels = [DOCUMENT_TYPES[key].label for key in sorted(self.types)]
        return str(
            _("Erlaubt: %(types)s, höchstens %(size)s MB je Datei.")
            % {"types": ", ".join(labels), "size": f"{self.max_bytes / (1024 * 1024):n}".replace(".", ",")}
        )


@dataclass(frozen=True)
class Transition:
    key: str
    label: Label
    sources: tuple[str, ...]
    target: str
    role: str = CLERK
    # A transition with a notice template sends a Bescheid (PDF) to the applicant's postbox.
    notice_template: str | None = None
    notice_title: Label = ""
    # Staff must write a text (reason, invitation details) that goes into the notice.
    needs_text: bool = False
    # The applicant may take this transition from their case page (e.g. withdraw).
    by_applicant: bool = False
    style: str = "secondary"


@dataclass(frozen=True)
class Workflow:
    states: Mapping[str, Label]
    transitions: tuple[Transition, ...]
    initial: str = "submitted"
    # States in which the file is closed: the retention period starts.
    final: frozenset[str] = frozenset()
    # While waiting for the applicant (documents requested) the case is in this state, if given.
    waiting: str | None = None

    def __post_init__(self) -> None:
        known = set(self.states)
        for transition in self.transitions:
            unknown = {*transition.sources, transition.target} - known
            if unknown:
                raise ValueError(f"Transition {transition.key!r} names unknown states: {sorted(unknown)}")
        if self.initial not in known or not self.final <= known:
            raise ValueError("The initial and final states must be among the workflow's states.")
        if self.waiting is not None and self.waiting not in known:
            raise ValueError(f"Unknown waiting state {self.waiting!r}.")

    def transition(self, key: str) -> Transition:
        for transition in self.transitions:
            if transition.key == key:
                return transition
        raise KeyError(key)

    def available(self, state: str, *, role: str | None = None, by_applicant: bool = False) -> list[Transition]:
        """The transitions that may be taken from `state` by staff with `role` (or by the applicant)."""
        return [
            transition
            for transition in self.transitions
            if state in transition.sources
            and (transition.by_applicant if by_applicant else _role_allows(role, transition.role))
        ]

    def label(self, state: str) -> Label:
        return self.states.get(state, state)

    def asks_confirmation(self, transition: Transition) -> bool:
        """Whether the step is shown on a page of its own that asks "really?" before it is taken: the
        applicant's steps (withdrawing) and staff steps that cannot be undone (they close the file or
        send a notice), unless a text has to be written for them, which is deliberate enough."""
        if transition.by_applicant:
            return True
        return not transition.needs_text and (transition.target in self.final or transition.notice_template is not None)


def _role_allows(role: str | None, required: str) -> bool:
    if role is None:
        return False
    return required == CLERK or role == required


@dataclass(frozen=True)
class Retention:
    period: timedelta
    # "delete" removes the file with its documents; "anonymise" keeps a record without personal data.
    action: str = "delete"
    # The legal basis, shown to staff and written into the audit record.
    basis: str = ""


@dataclass
class ReviewLine:
    label: Label
    value: str


@dataclass
class ReviewSection:
    step: Step
    lines: list[ReviewLine] = field(default_factory=list)


class Procedure(ABC):
    """Base class of every procedure. Subclasses set the class attributes and may override the hooks."""

    key: ClassVar[str]
    title: ClassVar[Label]
    description: ClassVar[Label] = ""
    steps: ClassVar[tuple[Step, ...]]
    workflow: ClassVar[Workflow]
    retention: ClassVar[Retention]
    attachments: ClassVar[AttachmentRule] = AttachmentRule()
    # Days a clerk has to decide after submission; overdue cases are flagged in the queue.
    processing_days: ClassVar[int | None] = 30
    receipt_template: ClassVar[str] = "records/pdf/receipt.html"
    # Which department handles cases when the service does not say (a Department.key).
    department_key: ClassVar[str] = ""
    declaration: ClassVar[Label] = _(
        "Ich versichere, dass meine Angaben vollständig und richtig sind. Mir ist bekannt, dass falsche "
        "Angaben rechtliche Folgen haben können."
    )

    def __init__(self, municipality: Municipality) -> None:
        self.municipality = municipality

    # Hooks a procedure may override ------------------------------------------------------

    def initial(self, params: Mapping[str, str]) -> dict[str, Any]:
        """Context taken from the start link's query (e.g. the job posting), validated; raise
        ValidationError when the link is not valid. Stored with the answers under "context"."""
        return {}

    def step_initial(self, step: Step, context: Mapping[str, Any]) -> dict[str, Any]:
        """Values a step's form starts with before the person has typed anything, e.g. taken from the
        start link's context. What the person saved or typed always wins over these."""
        return {}

    def subject(self, answers: Answers, context: Mapping[str, Any]) -> str:
        """A short line for queues and lists (e.g. "Bewerbung: Sachbearbeitung Bürgerbüro")."""
        return str(self.title)

    @abstractmethod
    def applicant(self, answers: Answers) -> tuple[str, str]:
        """The applicant's full name and e-mail address from the answers: every procedure must say."""

    def validate(self, answers: Answers, context: Mapping[str, Any]) -> None:
        """Rules across steps. Raise ValidationError({step_key: message}) to send the person back to a step.
        None by default: a procedure without rules across its steps has nothing to check here."""
        return None

    def fee(self, answers: Answers, context: Mapping[str, Any]) -> Decimal:
        return Decimal("0.00")

    def retention_start(self, case: Case) -> datetime:
        """When the retention period starts: by default when the file is closed."""
        return case.closed_at or case.submitted_at

    def notice_context(self, case: Case, transition: Transition, text: str) -> dict[str, Any]:
        """Extra template context for a notice (Bescheid)."""
        return {}

    def export(self, case: Case) -> dict[str, bytes]:
        """Extra files for the ZIP export of the electronic file (name → content)."""
        return {}

    def transitioned(self, case: Case, transition: Transition, actor: Any, text: str) -> None:
        """Called inside the transaction of every transition, after the new status is saved: the place
        for what a decision sets off in the procedure's own records (e.g. the trade register). Raising
        ValidationError undoes the transition."""
        return None

    def hints(self, case: Case) -> list[str]:
        """Points the clerk should check before deciding (duplicates, permits, missing evidence), shown at
        the top of the electronic file. Hints never stop anything: the clerk decides."""
        return []

    # A template included in the electronic file below the header, for procedure-specific panels
    # (e.g. the messages of a trade notice to other authorities); rendered with the file's context.
    file_panel_template: ClassVar[str] = ""

    # Helpers for the engine ---------------------------------------------------------------

    def applicable_steps(self, answers: Answers) -> list[Step]:
        return [step for step in self.steps if step.applies(answers)]

    def step(self, key: str) -> Step:
        for step in self.steps:
            if step.key == key:
                return step
        raise KeyError(key)

    def form_for(self, step: Step, **kwargs: Any) -> forms.Form:
        form = step.form(**kwargs)
        form.procedure = self  # type: ignore[attr-defined]
        return form

    def review(self, answers: Answers) -> list[ReviewSection]:
        """The answers as label/value lines, step by step, for the review page and the receipt."""
        sections = []
        for step in self.applicable_steps(answers):
            section = ReviewSection(step)
            form = self.form_for(step)
            values = answers.get(step.key, {})
            for name, form_field in form.fields.items():
                if name not in values:
                    continue
                section.lines.append(ReviewLine(form_field.label or name, display_value(form_field, values[name])))
            sections.append(section)
        return sections

    def check(self, answers: Answers, context: Mapping[str, Any]) -> dict[str, list[str]]:
        """Every error that stops a submission, by step key: steps not answered, answers no longer valid,
        and the procedure's rules across steps. An empty dict means the answers may be submitted."""
        errors: dict[str, list[str]] = {}
        for step in self.applicable_steps(answers):
            if step.key not in answers:
                errors[step.key] = [str(_("Dieser Schritt ist noch nicht ausgefüllt."))]
                continue
        if errors:
            return errors
        try:
            self.validate(answers, context)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for key, messages in error.message_dict.items():
                    errors.setdefault(key, []).extend(messages)
            else:
                errors.setdefault("", []).extend(error.messages)
        return errors


def display_value(form_field: forms.Field, value: Any) -> str:
    """How an answer reads on the review page and in the receipt."""
    if value in (None, "", []):
        return "–"
    if isinstance(form_field, forms.BooleanField):
        return str(_("Ja") if value else _("Nein"))
    choices = getattr(form_field, "choices", None)
    if choices:
        labels = {str(key): str(label) for key, label in choices}
        if isinstance(value, list):
            return ", ".join(labels.get(str(item), str(item)) for item in value)
        return labels.get(str(value), str(value))
    if isinstance(form_field, forms.DateField) and isinstance(value, str):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if isinstance(form_field, forms.FileField):
        names = value if isinstance(value, list) else [value]
        return ", ".join(str(item.get("name", "")) if isinstance(item, dict) else str(item) for item in names)
    return str(value)
