"""`rathaus worker`: runs queued background tasks (mails, PDFs, retention, outbox deliveries).

With `--schedule` it also runs the periodic jobs (`rathaus.site.scheduler`): for installations
where workers run on their own (`rathaus serve --no-worker`), exactly one worker should.
"""

from argparse import ArgumentParser
from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from rathaus.site.scheduler import Scheduler


class Command(DatabaseWorker):
    help = "Run background tasks from the database queue until stopped (Ctrl+C)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--schedule", action="store_true", help="also run the periodic jobs of every app")

    def handle(self, *args: Any, schedule: bool = False, **options: Any) -> None:  # type: ignore[override]
        scheduler = Scheduler() if schedule else None
        if scheduler is not None:
            scheduler.start()
        try:
            super().handle(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stop()
