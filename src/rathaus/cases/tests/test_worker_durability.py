"""A worker killed in the middle of a receipt loses nothing: the next worker runs the task again
and every case has exactly one receipt, with no file left over from the attempt that died.

Real worker processes (`rathaus worker`) on the test database, SQLite or PostgreSQL. The first
one is stopped at a marked point (`rathaus.tasks.pause`) after it wrote the receipt's file and
before its transaction committed, and killed there with SIGKILL: no sleep races the worker.
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from rathaus.cases.models import Case, Document
from rathaus.cases.services.documents import generated_name
from rathaus.cases.tests.test_services import submitted_case
from rathaus.municipalities.models import Municipality
from rathaus.tasks.models import TaskWorker

pytestmark = [pytest.mark.usefixtures("test_permit", "permit_office"), pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[4]
WORKER = [sys.executable, "-m", "rathaus.cases.tests.worker_process", "worker", "--no-startup-delay", "--no-reload"]
WORKER += ["--interval", "0.1", "--workers", "1"]


def database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = quote(database["USER"] or "") + (f":{quote(database['PASSWORD'])}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST'] or 'localhost'}:{database['PORT'] or 5432}/{database['NAME']}"


def worker_environment(settings: Any, tmp_path: Path, **extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if not key.startswith("RATHAUS_TASK")}
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": "rathaus.settings",
        "DATABASE_URL": database_url(),
        "SECRET_KEY": settings.SECRET_KEY,  # the names of generated files are keyed with it
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "RATHAUS_DATA_DIR": str(tmp_path / "data"),
        "RATHAUS_TASK_HEARTBEAT_SECONDS": "1",
        "LOG_LEVEL": "WARNING",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT), environment.get("PYTHONPATH", "")]),
        **extra,
    }


def wait_for(path_glob: str, folder: Path, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 90  # two Django start-ups on a busy machine
    while not list(folder.glob(path_glob)):
        if process.poll() is not None:
            pytest.fail(f"the worker ended with {process.returncode}:\n{log.read_text()[-3000:]}")
        if time.monotonic() > deadline:
            pytest.fail(f"the worker never reached {path_glob}:\n{log.read_text()[-3000:]}")
        time.sleep(0.02)


def test_a_worker_killed_while_filing_a_receipt_loses_no_receipt(
    soest: Municipality, settings: Any, tmp_path: Path
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    cases = [submitted_case(soest, topic=topic) for topic in ("Straßenfest", "Flohmarkt", "Infostand")]
    assert DBTaskResult.objects.filter(task_path="rathaus.cases.tasks.receipt_generate").count() == 3

    pause = tmp_path / "pause"
    pause.mkdir()
    log = tmp_path / "first-worker.log"
    with log.open("wb") as log_file:
        first = subprocess.Popen(  # noqa: S603
            WORKER,
            cwd=ROOT,
            env=worker_environment(settings, tmp_path, RATHAUS_TASK_PAUSE_DIR=str(pause)),
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_for(f"receipt-stored.{first.pid}.waiting", pause, first, log)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)

    # Killed between the file and the commit: the task is RUNNING for ever, the file has no document.
    [lost] = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
    assert lost.task_path == "rathaus.cases.tasks.receipt_generate"
    lost_case = Case.all_tenants.get(pk=lost.args_kwargs["args"][0])
    orphan = generated_name(case=lost_case, purpose="receipt")
    assert (settings.MEDIA_ROOT / orphan).exists()
    assert not Document.all_tenants.filter(case=lost_case, kind=Document.Kind.RECEIPT).exists()

    second = subprocess.run(  # noqa: S603
        [*WORKER, "--batch"],
        cwd=ROOT,
        env=worker_environment(settings, tmp_path),
        capture_output=True,
        timeout=120,
        check=False,
    )
    output = (second.stdout + second.stderr).decode()
    assert second.returncode == 0, output[-3000:]
    assert "which stopped; queued again (attempt 2 of 3)" in output

    for case in cases:
        assert Document.all_tenants.filter(case=case, kind=Document.Kind.RECEIPT).count() == 1, case.reference
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
    lost.refresh_from_db()
    assert len(lost.worker_ids) == 2  # the dead worker's attempt and the one that filed it
    folder = settings.MEDIA_ROOT / "akten" / str(soest.pk)
    files = {f"akten/{soest.pk}/{path.name}" for path in folder.iterdir()}
    assert files == set(Document.all_tenants.filter(file__startswith="akten/").values_list("file", flat=True))
    assert not TaskWorker.objects.exists()  # the dead worker's row is gone, the second removed its own


def test_several_workers_share_the_queue_and_end_with_it(soest: Municipality, settings: Any, tmp_path: Path) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    cases = [submitted_case(soest, topic=topic) for topic in ("Straßenfest", "Flohmarkt")]
    command = [arg for arg in WORKER if arg not in ("--workers", "1")]
    result = subprocess.run(  # noqa: S603
        [*command, "--workers", "2", "--batch", "-v", "2"],
        cwd=ROOT,
        env=worker_environment(settings, tmp_path, LOG_LEVEL="INFO"),
        capture_output=True,
        timeout=120,
        check=False,
    )
    output = (result.stdout + result.stderr).decode()
    assert result.returncode == 0, output[-3000:]
    assert output.count("Starting worker worker_id=") == 2  # two processes, each with an id of its own
    for case in cases:
        assert Document.all_tenants.filter(case=case, kind=Document.Kind.RECEIPT).count() == 1
    assert set(DBTaskResult.objects.values_list("status", flat=True)) == {TaskResultStatus.SUCCESSFUL}
