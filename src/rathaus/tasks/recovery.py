"""Tasks whose worker died are run again.

django-tasks-db marks a task RUNNING when a worker claims it and records the worker's id, but a
worker that is killed (out of memory, SIGKILL, a machine gone) leaves it RUNNING for ever. So
every `rathaus worker` process keeps a `TaskWorker` row and renews it every
`TASK_HEARTBEAT_SECONDS` (`Heartbeat`). `tasks_recover` looks at the RUNNING tasks: when the
worker that claimed one last has not been heard of for `TASK_WORKER_STALE_SECONDS`, or is known to
be gone (a process of this host whose pid no longer exists), or has no row at all and the task
started longer than that ago, the task goes back to READY and the next worker runs it again, with
a warning in the log. A task lost `TASK_MAX_ATTEMPTS` times is marked FAILED (`WorkerLost`), with
an error in the log, so that a task that kills its worker cannot take the queue down with it.

It runs when a worker starts, from every worker's heartbeat thread every stale period, and as the
periodic job `task-recovery` of the scheduler. Each change is one conditional UPDATE on the
task's status and start time, so two recoveries at once, or a worker finishing at that moment,
never clash. Tasks may therefore run twice (once on a worker wrongly taken for dead, e.g. one
that stalled longer than the stale period); they are written to be idempotent.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import connections
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rathaus.tasks.models import TaskWorker

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """Recorded as the error of a task whose workers died too often while running it."""


def process_host() -> str:
    """Where a pid names this process: the host name and, on Linux, the pid namespace (containers
    sharing a host name still have pids of their own)."""
    try:
        namespace = f":{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        namespace = ""
    return f"{socket.gethostname()}{namespace}"[:255]


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: it exists
    return True


@dataclass
class Recovery:
    requeued: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    workers_removed: list[str] = field(default_factory=list)


def tasks_recover(*, now: datetime | None = None) -> Recovery:
    """Queues again (or fails, after too many attempts) every RUNNING task whose worker is gone."""
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.TASK_WORKER_STALE_SECONDS)
    here, me = process_host(), os.getpid()
    workers = {worker.worker_id: worker for worker in TaskWorker.objects.all()}
    dead = {
        worker_id
        for worker_id, worker in workers.items()
        if worker.beat_at < stale_before or (worker.host == here and worker.pid != me and not pid_alive(worker.pid))
    }
    report = Recovery()
    running = DBTaskResult.objects.running().only("id", "task_path", "worker_ids", "started_at")
    for result in running:
        worker_id = result.worker_ids[-1] if result.worker_ids else ""
        if worker_id in workers:
            if worker_id not in dead:
                continue
        elif result.started_at is not None and result.started_at >= stale_before:
            continue  # claimed by a worker that has not written its row yet, or keeps none
        _recover_one(result, worker_id, now, report)
    if dead:
        TaskWorker.objects.filter(worker_id__in=dead, beat_at__lt=now).delete()
        report.workers_removed = sorted(dead)
    return report


def _recover_one(result: DBTaskResult[Any, Any], worker_id: str, now: datetime, report: Recovery) -> None:
    attempts = len(result.worker_ids)
    unchanged = DBTaskResult.objects.filter(pk=result.pk, status=TaskResultStatus.RUNNING, started_at=result.started_at)
    if attempts >= settings.TASK_MAX_ATTEMPTS:
        message = f"The worker stopped while running this task, {attempts} times (last worker {worker_id or '?'})."
        if unchanged.update(
            status=TaskResultStatus.FAILED,
            finished_at=now,
            exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}",
            traceback=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}: {message}\n",
        ):
            report.failed.append(str(result.pk))
            logger.error("Task %s (%s) failed: %s", result.pk, result.task_path, message)
        return
    if unchanged.update(status=TaskResultStatus.READY):
        report.requeued.append(str(result.pk))
        logger.warning(
            "Task %s (%s) was running on worker %s, which stopped; queued again (attempt %d of %d).",
            result.pk,
            result.task_path,
            worker_id or "?",
            attempts + 1,
            settings.TASK_MAX_ATTEMPTS,
        )


class Heartbeat:
    """Keeps a worker's `TaskWorker` row fresh from a thread of its own, and recovers the tasks of
    dead workers every stale period; `stop()` removes the row when the worker ends cleanly."""

    def __init__(self, worker_id: str) -> None:
        self.worker_id = worker_id
        self.every = max(0.1, float(settings.TASK_HEARTBEAT_SECONDS))
        self.recover_every = max(self.every, float(settings.TASK_WORKER_STALE_SECONDS))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._register()
        self._thread = threading.Thread(target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.every + 5)
        TaskWorker.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        if not TaskWorker.objects.filter(worker_id=self.worker_id).update(beat_at=timezone.now()):
            logger.warning("Worker %s was taken for dead; it records itself again.", self.worker_id)
            self._register()

    def _register(self) -> None:
        now = timezone.now()
        TaskWorker.objects.update_or_create(
            worker_id=self.worker_id,
            defaults={"host": process_host(), "pid": os.getpid(), "started_at": now, "beat_at": now},
        )

    def _run(self) -> None:
        next_recovery = time.monotonic() + self.recover_every
        while not self._stop.wait(self.every):
            try:
                self.beat()
                if time.monotonic() >= next_recovery:
                    next_recovery = time.monotonic() + self.recover_every
                    tasks_recover()
            except Exception:
                logger.exception("Heartbeat of worker %s failed; trying again.", self.worker_id)
            finally:
                connections.close_all()  # this thread's connections only
