"""`rathaus serve`: the production server (gunicorn), static files served by WhiteNoise."""

import logging
import subprocess
import sys
from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from gunicorn.app.base import BaseApplication

from rathaus.site.management.commands.worker import worker_count
from rathaus.site.scheduler import Scheduler

logger = logging.getLogger(__name__)


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        # Imported here, after collectstatic, because WhiteNoise indexes the files at start-up.
        from rathaus.wsgi import application

        return application


class Command(BaseCommand):
    help = "Serve Rathaus with gunicorn (a production-grade WSGI server)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--threads", type=int, default=4)
        parser.add_argument(
            "--task-workers",
            type=worker_count,
            default=None,
            help="task worker processes beside the server (default: RATHAUS_TASK_WORKERS, 1 on SQLite, 2 otherwise)",
        )
        parser.add_argument(
            "--no-worker",
            action="store_true",
            help="do not start a task worker beside the server (when workers run on their own)",
        )

    def handle(
        self,
        *args: Any,
        host: str,
        port: int,
        workers: int,
        threads: int,
        no_worker: bool,
        task_workers: int | None = None,
        **options: Any,
    ) -> None:
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        if not (settings.STATIC_ROOT / "rathaus" / "site.css").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Rathaus serves on http://{host}:{port}/ (Ctrl+C stops it)")
        # Task workers beside the web server, so that mails and receipts go out on a single machine too.
        # In a session of their own, so that Ctrl+C stops them once, through terminate() below.
        worker = None
        if not no_worker:
            count = str(task_workers or settings.TASK_WORKERS)
            worker = subprocess.Popen(  # noqa: S603
                [sys.executable, "-m", "rathaus", "worker", "--workers", count], start_new_session=True
            )
        # Every app's periodic jobs (retention, outbox, …), so that a single machine needs no cron job.
        scheduler = Scheduler()
        scheduler.run_pending()
        scheduler.start()
        try:
            _Server(
                {
                    "bind": f"{host}:{port}",
                    "workers": workers,
                    "threads": threads,
                    "worker_class": "gthread",
                    "accesslog": "-",
                    "timeout": 30,
                    "forwarded_allow_ips": "127.0.0.1",
                }
            ).run()
        finally:
            scheduler.stop()
            if worker is not None:
                worker.terminate()  # each worker finishes the task it runs
                try:
                    worker.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    worker.kill()
