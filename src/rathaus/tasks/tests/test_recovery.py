"""A task whose worker died goes back to the queue, a bounded number of times; a task whose worker
is alive stays with it."""

import logging
import os
import subprocess
import sys
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from rathaus.core.capability import periodic_jobs
from rathaus.tasks.models import TaskWorker
from rathaus.tasks.recovery import Heartbeat, process_host, tasks_recover

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def short_periods(settings: Any) -> None:
    settings.TASK_WORKER_STALE_SECONDS = 60
    settings.TASK_MAX_ATTEMPTS = 3


def running_task(*workers: str, started_ago: timedelta = timedelta(seconds=5)) -> DBTaskResult[Any, Any]:
    return DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path="rathaus.cases.tasks.retention_run",
        backend_name="default",
        run_after=get_date_max(),
        status=TaskResultStatus.RUNNING,
        started_at=timezone.now() - started_ago,
        worker_ids=list(workers),
    )


def worker(worker_id: str, *, beat_ago: timedelta = timedelta(seconds=1), pid: int | None = None) -> TaskWorker:
    now = timezone.now()
    return TaskWorker.objects.create(
        worker_id=worker_id,
        host=process_host(),
        pid=os.getpid() if pid is None else pid,
        started_at=now - timedelta(hours=1),
        beat_at=now - beat_ago,
    )


def dead_pid() -> int:
    """The pid of a process that has ended (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])  # noqa: S603
    process.wait()
    return process.pid


def status(task: DBTaskResult[Any, Any]) -> str:
    task.refresh_from_db()
    return str(task.status)


def test_a_task_of_a_worker_not_heard_of_for_the_stale_period_is_queued_again(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker("lost", beat_ago=timedelta(seconds=61))
    task = running_task("lost")
    with caplog.at_level(logging.WARNING, logger="rathaus.tasks.recovery"):
        report = tasks_recover()
    assert status(task) == TaskResultStatus.READY
    assert report.requeued == [str(task.pk)]
    assert "which stopped; queued again (attempt 2 of 3)" in caplog.text
    assert not TaskWorker.objects.filter(worker_id="lost").exists()


def test_a_task_of_a_worker_that_beats_stays_running() -> None:
    worker("alive", beat_ago=timedelta(seconds=5))
    task = running_task("alive", started_ago=timedelta(hours=2))
    assert tasks_recover().requeued == []
    assert status(task) == TaskResultStatus.RUNNING
    assert TaskWorker.objects.filter(worker_id="alive").exists()


def test_a_worker_of_this_host_whose_process_is_gone_is_dead_at_once() -> None:
    worker("killed", beat_ago=timedelta(seconds=1), pid=dead_pid())
    task = running_task("killed")
    tasks_recover()
    assert status(task) == TaskResultStatus.READY


def test_a_task_whose_worker_keeps_no_row_waits_the_stale_period() -> None:
    recent = running_task("unknown", started_ago=timedelta(seconds=10))
    old = running_task("unknown", started_ago=timedelta(seconds=61))
    tasks_recover()
    assert status(recent) == TaskResultStatus.RUNNING
    assert status(old) == TaskResultStatus.READY


def test_a_task_lost_too_often_fails_with_a_reason(caplog: pytest.LogCaptureFixture) -> None:
    task = running_task("first", "second", "third", started_ago=timedelta(minutes=5))
    with caplog.at_level(logging.ERROR, logger="rathaus.tasks.recovery"):
        report = tasks_recover()
    task.refresh_from_db()
    assert task.status == TaskResultStatus.FAILED
    assert report.failed == [str(task.pk)]
    assert task.exception_class_path == "rathaus.tasks.recovery.WorkerLost"
    assert "3 times" in task.traceback
    assert task.finished_at is not None
    assert "failed: The worker stopped while running this task, 3 times" in caplog.text


def test_tasks_not_running_are_left_alone() -> None:
    task = running_task("gone", started_ago=timedelta(hours=1))
    DBTaskResult.objects.filter(pk=task.pk).update(status=TaskResultStatus.SUCCESSFUL)
    tasks_recover()
    assert status(task) == TaskResultStatus.SUCCESSFUL


def test_the_heartbeat_keeps_its_row_fresh_and_removes_it_at_the_end(settings: Any) -> None:
    settings.TASK_HEARTBEAT_SECONDS = 10
    heartbeat = Heartbeat("beating")
    heartbeat.start()
    try:
        row = TaskWorker.objects.get(worker_id="beating")
        assert (row.host, row.pid) == (process_host(), os.getpid())
        TaskWorker.objects.filter(worker_id="beating").update(beat_at=timezone.now() - timedelta(minutes=5))
        heartbeat.beat()
        assert TaskWorker.objects.get(worker_id="beating").beat_at > timezone.now() - timedelta(seconds=5)
        TaskWorker.objects.filter(worker_id="beating").delete()  # taken for dead by another worker
        heartbeat.beat()
        assert TaskWorker.objects.filter(worker_id="beating").exists()
    finally:
        heartbeat.stop()
    assert not TaskWorker.objects.filter(worker_id="beating").exists()


def test_recovery_is_a_periodic_job_called_in_the_scheduler() -> None:
    jobs = [job for job in periodic_jobs() if job.name == "task-recovery"]
    assert [(job.task, job.every) for job in jobs] == [("rathaus.tasks.recovery.tasks_recover", timedelta(minutes=1))]
    target = import_string(jobs[0].task)
    assert not hasattr(target, "enqueue")  # called by the scheduler itself: it must not wait for a worker
    worker("lost", beat_ago=timedelta(minutes=5))
    task = running_task("lost")
    target()
    assert status(task) == TaskResultStatus.READY


@pytest.mark.parametrize("value", ["0", "65", "viele"])
def test_the_number_of_workers_is_checked(value: str) -> None:
    with pytest.raises(CommandError, match="--workers"):
        call_command("worker", "--workers", value)
