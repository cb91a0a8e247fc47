from typing import Any

from rathaus.accounts.models import User
from rathaus.cases.models import Case, Draft, Message
from rathaus.cases.services import PARTIAL, hash_token, procedure_for
from rathaus.procedures.base import Step


def draft_partial_answers(*, draft: Draft, step: Step) -> dict[str, str]:
    """What was typed on a step that was left before it was complete (kept by `draft_keep_partial`)."""
    return dict(draft.answers.get(PARTIAL, {}).get(step.key, {}))


def case_for_token(*, token: str) -> Case | None:
    """The case whose secret status link carries `token` (within the current municipality)."""
    if not token or len(token) > 100:
        return None
    return Case.objects.select_related("municipality").filter(access_token_hash=hash_token(token)).first()


def case_for_applicant(*, user: User, reference: str) -> Case | None:
    return Case.objects.select_related("municipality").filter(applicant=user, reference=reference).first()


def cases_of_user(*, user: User) -> tuple[list[Case], list[Draft]]:
    return (
        list(Case.objects.filter(applicant=user).order_by("-submitted_at")[:200]),
        list(Draft.objects.filter(user=user).order_by("-updated_at")[:50]),
    )


def case_page_context(*, case: Case) -> dict[str, Any]:
    """What the applicant sees of their case: status, timeline, postbox, documents, open requests."""
    procedure = procedure_for(case)
    return {
        "case": case,
        "procedure": procedure,
        "status_label": procedure.workflow.label(case.status),
        "events": list(case.events.all()),
        "postbox": list(case.messages.prefetch_related("attachments").all()),
        "unread": case.messages.filter(direction=Message.Direction.TO_APPLICANT, read_at__isnull=True).count(),
        "documents": list(case.documents.filter(visible_to_applicant=True, message__isnull=True)),
        "open_requests": list(case.document_requests.filter(fulfilled_at__isnull=True)),
        "applicant_transitions": [] if case.is_closed else procedure.workflow.available(case.status, by_applicant=True),
    }
