"""`rathaus outbox [--retry-now]`: queue the trade office's due messages and say how the outbox stands."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand
from django.db.models import Count

from rathaus.trade.models import OutboxMessage
from rathaus.trade.outbox import deliver_due

# The messages listed one by one below the counts: those a person has to look at.
LISTED = 50


class Command(BaseCommand):
    help = (
        "Queue the trade office's messages to authorities whose next attempt is due, then print how many "
        "messages wait, went out, failed or gave up. `rathaus serve` does the queueing every minute by itself."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--retry-now",
            action="store_true",
            help="try failed messages at once instead of waiting for their next attempt (given-up ones stay)",
        )

    def handle(self, *args: Any, retry_now: bool, **options: Any) -> None:
        queued = deliver_due(now=retry_now)
        self.stdout.write(f"Queued {queued} message(s) for delivery.")
        counts = dict(
            OutboxMessage.all_tenants.values_list("status").annotate(count=Count("pk")).values_list("status", "count")
        )
        summary = ", ".join(f"{counts.get(status, 0)} {label}" for status, label in _STATUS_WORDS.items())
        self.stdout.write(f"Outbox: {summary}.")
        problems = (
            OutboxMessage.all_tenants.filter(status__in=[OutboxMessage.Status.FAILED, OutboxMessage.Status.GAVE_UP])
            .select_related("municipality", "recipient")
            .order_by("municipality__slug", "-created_at")[:LISTED]
        )
        for message in problems:
            when = f", next attempt {message.next_attempt_at:%Y-%m-%d %H:%M}" if message.next_attempt_at else ""
            line = (
                f"{message.status.upper()} {message.municipality.slug} {message.message_uuid} "
                f"to {message.recipient.kind} ({message.attempts} attempt(s){when}): {message.last_error}"
            )
            if message.status == OutboxMessage.Status.GAVE_UP:
                self.stderr.write(line)
            else:
                self.stdout.write(line)


_STATUS_WORDS: dict[str, str] = {
    OutboxMessage.Status.PENDING: "waiting",
    OutboxMessage.Status.SENT: "sent",
    OutboxMessage.Status.FAILED: "failed (retried later)",
    OutboxMessage.Status.GAVE_UP: "gave up",
}
