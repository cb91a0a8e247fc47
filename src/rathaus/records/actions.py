"""The audit log's vocabulary: every action an entry may name, with the German words shown to
admins on the audit page and in a case file.

Each app declares the actions it writes in its capability (`Capability.audit_actions`);
`audit_record` refuses a code nobody declared, so the log holds no action without words.
"""

from django.utils.functional import Promise

from rathaus.core.capability import audit_actions


class UnknownAuditAction(ValueError):
    """An audit entry was to name an action that no app declares."""


def vocabulary() -> dict[str, str | Promise]:
    return audit_actions()


def action_check(code: str) -> None:
    if code not in audit_actions():
        raise UnknownAuditAction(
            f"The audit action {code!r} is not declared: add it to the audit_actions of its app's capability."
        )


def action_label(code: str) -> str:
    """The German (or, with English active, English) words for an action; an entry written
    before its action was declared shows its code."""
    label = audit_actions().get(code)
    return str(label) if label is not None else code
