"""`rathaus worker`: runs queued background tasks (mails, PDFs, retention, outbox deliveries).

`--workers N` (default `TASK_WORKERS`, from RATHAUS_TASK_WORKERS: 1 on SQLite, 2 otherwise) runs
N worker processes under this one, which restarts any that dies and stops them all on SIGTERM
or Ctrl+C (each finishes its task first; a second signal stops them at once). With one, this
process is the worker. Every worker records that it is alive and, when it starts, queues again
the tasks of workers that died while running them (`rathaus.tasks.recovery`).

With `--schedule` it also runs the periodic jobs (`rathaus.site.scheduler`): for installations
where workers run on their own (`rathaus serve --no-worker`), exactly one `rathaus worker` should.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import time
from argparse import ArgumentParser, ArgumentTypeError
from types import FrameType
from typing import Any

from django.conf import settings
from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands.db_worker import Command as DatabaseWorker

from rathaus.site.scheduler import Scheduler
from rathaus.tasks.recovery import Heartbeat, tasks_recover

logger = logging.getLogger(__name__)
RESTART_DELAY_SECONDS = 1.0


def worker_count(value: str) -> int:
    try:
        count = int(value)
    except ValueError:
        raise ArgumentTypeError("must be a whole number") from None
    if not 1 <= count <= 64:
        raise ArgumentTypeError("must be between 1 and 64")
    return count


def _entry_module() -> str:
    """The module this process was started as (`python -m rathaus`, or a wrapper of it such as the
    tests' worker), so that the workers run the same code; "rathaus" for the console script."""
    spec = getattr(sys.modules.get("__main__"), "__spec__", None)
    name = getattr(spec, "name", "") or ""
    return name.removesuffix(".__main__") if name.startswith("rathaus") else "rathaus"


class Command(DatabaseWorker):
    help = "Run background tasks from the database queue until stopped (Ctrl+C)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        super().add_arguments(parser)
        parser.add_argument("--schedule", action="store_true", help="also run the periodic jobs of every app")
        parser.add_argument(
            "--workers",
            type=worker_count,
            default=None,
            help="worker processes (default: RATHAUS_TASK_WORKERS, or 1 on SQLite and 2 otherwise)",
        )

    def handle(self, *args: Any, schedule: bool = False, workers: int | None = None, **options: Any) -> None:  # type: ignore[override]
        count = workers or settings.TASK_WORKERS
        scheduler = Scheduler() if schedule else None
        if scheduler is not None:
            scheduler.start()
        try:
            if count > 1:
                self._supervise(count, options)
            else:
                self._work(*args, **options)
        finally:
            if scheduler is not None:
                scheduler.stop()

    def _work(self, *args: Any, **options: Any) -> None:
        if options.get("reload") and os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
            super().handle(*args, **options)  # the reloader's child process is the worker
            return
        heartbeat = Heartbeat(options["worker_id"])
        heartbeat.start()
        tasks_recover()
        try:
            super().handle(*args, **options)
        finally:
            heartbeat.stop()

    def _supervise(self, count: int, options: dict[str, Any]) -> None:
        """Runs `count` single workers as child processes until a signal stops them (or, with
        --batch, until each has run out of tasks)."""
        command = [sys.executable, "-m", _entry_module(), "worker", "--workers", "1", "--no-reload"]
        command += ["--queue-name", options["queue_name"], "--interval", str(options["interval"])]
        command += ["--backend", options["backend_name"], "--verbosity", str(options["verbosity"])]
        if options.get("exclude_queues"):
            command += ["--exclude-queues", options["exclude_queues"]]
        if not options.get("startup_delay", True):
            command.append("--no-startup-delay")
        batch = bool(options.get("batch"))
        if batch:
            command.append("--batch")
        if options.get("max_tasks"):
            command += ["--max-tasks", str(options["max_tasks"])]

        def start() -> subprocess.Popen[bytes]:
            # A session of their own: Ctrl+C reaches them once, through this process, not twice.
            return subprocess.Popen(command, start_new_session=True)  # noqa: S603

        children = [start() for _ in range(count)]
        logger.info("Started %d task workers (pids %s).", count, ", ".join(str(child.pid) for child in children))
        signals: list[int] = []

        def forward(signum: int, frame: FrameType | None) -> None:
            signals.append(signum)
            for child in children:
                if child.poll() is None:
                    child.send_signal(signal.SIGTERM)

        previous = {signum: signal.signal(signum, forward) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            while any(child.poll() is None for child in children) or not (signals or batch):
                for index, child in enumerate(children):
                    code = child.poll()
                    if code is None or signals or batch:
                        continue
                    logger.warning("Task worker pid %d ended with %s; starting another.", child.pid, code)
                    time.sleep(RESTART_DELAY_SECONDS)  # no tight loop when every start fails at once
                    children[index] = start()
                time.sleep(0.2)
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            for child in children:
                if child.poll() is None:
                    child.terminate()
            for child in children:
                try:
                    child.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    child.kill()
