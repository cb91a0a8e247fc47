"""The one scheduler: runs every app's periodic jobs (`Capability.periodic_jobs`) while
`rathaus serve` (or `rathaus worker --schedule`) runs, so that a single machine needs no cron.

A job's `task` is a django-tasks task, which is queued for the worker, or a plain function,
which is called here (the trade outbox's `deliver_due` only queues what is due). A failing job
is logged and tried again at its next turn; it never stops the others.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connections
from django.utils.module_loading import import_string

from rathaus.core.capability import PeriodicJob, periodic_jobs

logger = logging.getLogger(__name__)


@dataclass
class _Due:
    job: PeriodicJob
    at: float


def run_job(job: PeriodicJob) -> None:
    """Runs or queues one job now; a failure is logged, not raised."""
    try:
        target = import_string(job.task)
        enqueue = getattr(target, "enqueue", None)
        if callable(enqueue):
            enqueue()
        else:
            target()
    except Exception:
        logger.exception("Periodic job %s failed; trying again in %s.", job.name, job.every)
    finally:
        # No connection stays open in this thread while gunicorn forks its workers.
        connections.close_all()


class Scheduler:
    def __init__(
        self, jobs: Sequence[PeriodicJob] | None = None, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.jobs = list(periodic_jobs() if jobs is None else jobs)
        self.clock = clock
        self.stop_event = threading.Event()
        now = clock()
        self._due = [_Due(job, now if job.run_at_start else now + job.every.total_seconds()) for job in self.jobs]

    def run_pending(self) -> list[str]:
        """Runs every job whose time has come; returns their names."""
        now = self.clock()
        ran = []
        for due in self._due:
            if due.at <= now:
                run_job(due.job)
                due.at = now + due.job.every.total_seconds()
                ran.append(due.job.name)
        return ran

    def seconds_to_next(self) -> float:
        if not self._due:
            return 3600.0
        return max(0.0, min(due.at for due in self._due) - self.clock())

    def run(self) -> None:
        while not self.stop_event.is_set():
            self.run_pending()
            self.stop_event.wait(self.seconds_to_next())

    def start(self) -> threading.Thread:
        thread = threading.Thread(target=self.run, name="scheduler", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self.stop_event.set()
