from django import template

from rathaus.records.actions import action_label

register = template.Library()


@register.filter
def audit_action(code: str) -> str:
    """An audit entry's action in words (`records.actions`)."""
    return action_label(code)
