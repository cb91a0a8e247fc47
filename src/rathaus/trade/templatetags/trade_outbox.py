"""Template helpers of the trade office's outbox, for the panel in the electronic file."""

from django import template

from rathaus.cases.models import Case
from rathaus.trade.models import OutboxMessage

register = template.Library()


@register.simple_tag
def case_outbox_messages(case: Case) -> list[OutboxMessage]:
    """The messages of a case's notice and its corrections, oldest first, with their recipients: one query."""
    return list(
        OutboxMessage.objects.filter(municipality_id=case.municipality_id, notice__case_id=case.pk)
        .select_related("recipient")
        .order_by("created_at", "pk")
    )
