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
            "--no-worker",
            action="store_true",
            help="do not start a task worker beside the server (when workers run on their own)",
        )

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, no_worker: bool, **options: Any
    ) -> None:
        if not 0 < port < 65536:
            raise CommandError("--port must be between 1 and 65535")
        if not (settings.STATIC_ROOT / "rathaus" / "site.css").exists():
            call_command("collectstatic", interactive=False, verbosity=0)
        self.stdout.write(f"Rathaus serves on http://{host}:{port}/ (Ctrl+C stops it)")
        # One task worker beside the web server, so that mails go out on a single machine too.
        worker = None if no_worker else subprocess.Popen([sys.executable, "-m", "rathaus", "worker"])  # noqa: S603
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
                worker.terminate()
                worker.wait(timeout=10)
