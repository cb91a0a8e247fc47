"""`rathaus audit verify [--municipality SLUG]`: check the hash chains of the audit trail."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from rathaus.municipalities.selectors import municipality_for_command
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify


class Command(BaseCommand):
    help = "Verify the tamper-evident audit trail. Exits non-zero and names the first broken entry."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("action", choices=["verify"])
        parser.add_argument("--municipality", metavar="SLUG", help="only this municipality")

    def handle(self, *args: Any, action: str, municipality: str | None, **options: Any) -> None:
        scope = municipality_for_command(municipality) if municipality else None
        breaks = audit_verify(municipality=scope)
        if breaks:
            for chain_break in breaks:
                self.stderr.write(f"BROKEN {chain_break}")
            raise CommandError(f"The audit trail has been tampered with ({len(breaks)} chain(s) broken).")
        entries = AuditEvent.objects.filter(municipality=scope).count() if scope else AuditEvent.all_tenants.count()
        self.stdout.write(self.style.SUCCESS(f"Audit trail intact: {entries} entries verified."))
