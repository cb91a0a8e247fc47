"""`rathaus serve`: the production server (gunicorn), static files served by WhiteNoise."""

import logging
import subprocess
import sys
import threading
from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)

RETENTION_INTERVAL = timedelta(days=1)
# The trade office's outbox: messages whose next attempt has come are queued. The first retry of a
# failed message is due after a minute; when nothing is due this is one indexed query.
OUTBOX_INTERVAL = timedelta(minutes=1)


def _retention_enqueue() -> None:
    from rathaus.records.tasks import retention_run

    try:
        retention_run.enqueue()
    except Exception:
        logger.exception("Could not queue the retention run; trying again in %s.", RETENTION_INTERVAL)
    finally:
        # No connection stays open in this thread while gunicorn forks its workers.
        connections.close_all()


def _retention_schedule(stop: threading.Event) -> None:
    """Queues the retention run every day while the server runs; the task worker does the work."""
    while not stop.wait(RETENTION_INTERVAL.total_seconds()):
        _retention_enqueue()


def _outbox_deliver_due() -> None:
    from rathaus.trade.outbox import deliver_due

    try:
        deliver_due()
    except Exception:
        logger.exception("Could not queue the due outbox messages; trying again in %s.", OUTBOX_INTERVAL)
    finally:
        connections.close_all()


def _outbox_schedule(stop: threading.Event) -> None:
    """Queues the outbox's due messages every minute while the server runs; the task worker sends them."""
    while not stop.wait(OUTBOX_INTERVAL.total_seconds()):
        _outbox_deliver_due()


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
        # Retention once at start and then daily, so that a single machine needs no cron job.
        _retention_enqueue()
        stop_schedule = threading.Event()
        threading.Thread(target=_retention_schedule, args=(stop_schedule,), name="retention", daemon=True).start()
        threading.Thread(target=_outbox_schedule, args=(stop_schedule,), name="outbox", daemon=True).start()
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
            stop_schedule.set()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=10)
