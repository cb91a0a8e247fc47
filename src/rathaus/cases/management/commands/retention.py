"""`rathaus retention [--dry-run]`: delete or anonymise the files whose retention period has passed."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand

from rathaus.cases.retention import retention_apply


class Command(BaseCommand):
    help = (
        "Delete or anonymise closed cases whose retention period has passed, and remove abandoned drafts. "
        "Run it daily (e.g. from cron)."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="only say what would happen")

    def handle(self, *args: Any, dry_run: bool, **options: Any) -> None:
        report = retention_apply(dry_run=dry_run)
        deleted, anonymised = ("would delete", "would anonymise") if dry_run else ("deleted", "anonymised")
        for reference in report.deleted:
            self.stdout.write(f"{deleted} {reference}")
        for reference in report.anonymised:
            self.stdout.write(f"{anonymised} {reference}")
        for reference in report.held:
            self.stdout.write(f"kept {reference} (legal hold)")
        for reference in report.failed:
            self.stderr.write(f"FAILED {reference} (see the log; tried again on the next run)")
        drafts = "abandoned drafts would be removed" if dry_run else "abandoned drafts removed"
        summary = (
            f"{len(report.deleted)} deleted, {len(report.anonymised)} anonymised, "
            f"{len(report.held)} on legal hold, {len(report.failed)} failed; {report.drafts_deleted} {drafts}."
        )
        if dry_run:
            self.stdout.write(f"Dry run, nothing changed: {summary}")
        else:
            self.stdout.write(self.style.SUCCESS(f"Retention: {summary}"))
