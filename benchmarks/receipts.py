"""Receipts under sustained submissions: does the queue keep up, and how long does a receipt take?

Not a test: it prints figures and asserts nothing about them. It needs a PostgreSQL database of
its own whose name contains "bench"; it is dropped and created afresh.

    .venv/bin/python benchmarks/receipts.py --database-url postgres://root@127.0.0.1:5432/rathaus_bench_receipts
        [--rate 10] [--seconds 60] [--workers 2] [--renders 100]

1. Set-up: migrate, Stadt Soest (the demo's real address) with its Ordnungsamt, and
   rate × seconds complete drafts of the cases app's test procedure (answers and a one-page PDF,
   as the form pages leave them).
2. `--workers` task worker processes (`rathaus worker --workers N`, with the test procedure
   registered), started and seen alive (their heartbeat rows) before the clock starts.
3. Submissions: one process calls the real submission service, `case_submit`, on a fixed
   schedule of `--rate` per second for `--seconds` (open loop: a slow submit does not slow the
   schedule). Each submit enqueues the receipt and the confirmation mail, as in production.
4. Once every receipt is filed: the queue wait of each receipt, from enqueue (the task row's
   `enqueued_at`) to the receipt stored (the document's `created_at`), the workers' run time
   per receipt task (claim to done: render and store), and the render time alone
   (`cases.tasks.receipt_pdf`, in this process after the run, `--renders` of the cases).

Targets: p95 queue wait under 10 s, render under 100 ms. The machine is shared: the load average
is printed before and after; repeat when it was high.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

DEFAULT_URL = "postgres://root@127.0.0.1:5432/rathaus_bench_receipts"
TARGET_WAIT_S = 10.0
TARGET_RENDER_MS = 100.0
TOPICS = ["Straßenfest", "Flohmarkt", "Umzugscontainer", "Baugerüst", "Infostand", "Wochenmarkt", "Sommerfest"]
NAMES = ["Anna Müller", "Jürgen Weiß", "Elif Yılmaz", "Sophie Schäfer", "Mehmet Kaya", "Paul Köhler", "Laura Groß"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop the database {name!r}: its name must contain 'bench'.")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def environment(database_url: str, data_dir: str, workers: int) -> dict[str, str]:
    settings = {
        "DATABASE_URL": database_url,
        "RATHAUS_DATA_DIR": data_dir,
        "MEDIA_ROOT": str(Path(data_dir) / "media"),
        "SECRET_KEY": "benchmark-only-not-secret",
        "LOG_LEVEL": "WARNING",
        "RATHAUS_TASK_WORKERS": str(workers),
        "EMAIL_URL": "dummy://",  # the confirmation mails are delivered (their tasks run), but nowhere
        "DJANGO_SETTINGS_MODULE": "rathaus.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }
    for name in ("TASKS_BACKEND", "MEDIA_STORAGE", "RATHAUS_TASK_PAUSE_DIR"):
        os.environ.pop(name, None)
    os.environ.update(settings)
    return dict(os.environ)


def set_up(count: int) -> list[Any]:
    """The municipality, its department and `count` complete drafts."""
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command
    from pypdf import PdfWriter

    from rathaus.cases.services import draft_save_step, draft_start
    from rathaus.cases.tests.procedure import TestPermit
    from rathaus.municipalities.demo import MUNICIPALITIES
    from rathaus.municipalities.models import Department, Municipality
    from rathaus.procedures import registry

    call_command("migrate", verbosity=0)
    registry.register(TestPermit)
    spec = next(spec for spec in MUNICIPALITIES if spec["slug"] == "soest")
    fields = {field.name for field in Municipality._meta.get_fields()}
    soest = Municipality.objects.create(**{key: value for key, value in spec.items() if key in fields})
    Department.all_tenants.create(municipality=soest, key="ordnungsamt", name="Ordnungsamt")
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    rng = random.Random(12)
    procedure = TestPermit(soest)
    drafts = []
    for number in range(count):
        draft = draft_start(municipality=soest, procedure_key=TestPermit.key, user=None)
        name = rng.choice(NAMES)
        person = {"name": name, "email": f"antrag{number}@example.org", "on_behalf": False}
        draft_save_step(draft=draft, step=procedure.step("person"), cleaned_data=person, files={})
        proof = SimpleUploadedFile("nachweis.pdf", buffer.getvalue(), content_type="application/pdf")
        draft_save_step(
            draft=draft,
            step=procedure.step("request"),
            cleaned_data={"topic": rng.choice(TOPICS), "express": False},
            files={"proof": [proof]},
        )
        drafts.append(draft)
    return drafts


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of the process `pid` so far, 0 when it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pids() -> list[int]:
    from rathaus.tasks.models import TaskWorker

    return list(TaskWorker.objects.values_list("pid", flat=True))


def workers_start(count: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    from django.db import connection

    from rathaus.tasks.models import TaskWorker

    command = [sys.executable, "-m", "rathaus.cases.tests.worker_process", "worker", "--workers", str(count)]
    workers = subprocess.Popen([*command, "--no-reload", "--verbosity", "0"], env=env, cwd=ROOT)  # noqa: S603
    deadline = time.monotonic() + 120
    while TaskWorker.objects.count() < count:
        if workers.poll() is not None or time.monotonic() > deadline:
            raise SystemExit("The task workers did not start.")
        time.sleep(0.2)
    connection.close()
    return workers


def submit(drafts: list[Any], rate: float) -> tuple[list[int], list[float], float]:
    """Submits one draft every 1/rate seconds; returns the case ids, each submit's time and the lag."""
    from rathaus.cases.services import case_submit

    case_ids: list[int] = []
    latencies: list[float] = []
    lag = 0.0
    start = time.perf_counter()
    for number, draft in enumerate(drafts):
        due = start + number / rate
        now = time.perf_counter()
        if due > now:
            time.sleep(due - now)
        else:
            lag = max(lag, now - due)
        begun = time.perf_counter()
        case, _token = case_submit(draft=draft, idempotency_key=draft.token, user=None)
        latencies.append((time.perf_counter() - begun) * 1000)
        case_ids.append(case.pk)
    return case_ids, latencies, lag


def wait_for_receipts(count: int, timeout: float) -> float:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    started = time.perf_counter()
    receipts = DBTaskResult.objects.filter(task_path="rathaus.cases.tasks.receipt_generate")
    while receipts.filter(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]).count() < count:
        if time.perf_counter() - started > timeout:
            print(f"Gave up waiting after {timeout:.0f} s.")
            break
        time.sleep(0.5)
    return time.perf_counter() - started


def report_queue(case_ids: list[int]) -> tuple[list[float], list[float]]:
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from rathaus.cases.models import Document

    stored = dict(
        Document.all_tenants.filter(case_id__in=case_ids, kind=Document.Kind.RECEIPT).values_list(
            "case_id", "created_at"
        )
    )
    waits, runs = [], []
    failed = 0
    for task in DBTaskResult.objects.filter(task_path="rathaus.cases.tasks.receipt_generate"):
        case_id = task.args_kwargs["args"][0]
        if task.status == TaskResultStatus.FAILED:
            failed += 1
        if case_id in stored:
            waits.append((stored[case_id] - task.enqueued_at) / timedelta(seconds=1))
        if task.started_at and task.finished_at:
            runs.append((task.finished_at - task.started_at) / timedelta(milliseconds=1))
    counts = Document.all_tenants.filter(case_id__in=case_ids, kind=Document.Kind.RECEIPT).count()
    print(f"Receipts filed: {counts} of {len(case_ids)} cases ({len(stored)} cases with one), {failed} tasks failed")
    if waits:
        print(
            f"Queue wait (enqueue → receipt stored): p50 {percentile(waits, 0.5):.2f} s, "
            f"p95 {percentile(waits, 0.95):.2f} s, max {max(waits):.2f} s"
        )
    if runs:
        print(
            f"Receipt task in the worker (claim → done: render and store): p50 {percentile(runs, 0.5):.0f} ms, "
            f"p95 {percentile(runs, 0.95):.0f} ms"
        )
    return waits, runs


def report_render(case_ids: list[int], count: int) -> list[float]:
    from rathaus.cases.models import Case
    from rathaus.cases.tasks import receipt_pdf
    from rathaus.municipalities.tenancy import tenant_scope

    cases = list(Case.all_tenants.select_related("municipality").filter(pk__in=case_ids[: count + 1]))
    with tenant_scope(cases[0].municipality):
        receipt_pdf(cases[0])  # the first render of a process reads fonts and templates
        walls, cpus = [], []
        for case in cases[1:]:
            wall, cpu = time.perf_counter(), time.process_time()
            pdf = receipt_pdf(case)
            walls.append((time.perf_counter() - wall) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
    print(
        f"Render (cases.tasks.receipt_pdf, this process, {len(walls)} receipts, {len(pdf) // 1024} KB each): "
        f"p50 {percentile(walls, 0.5):.0f} ms, p95 {percentile(walls, 0.95):.0f} ms wall; "
        f"CPU p50 {percentile(cpus, 0.5):.0f} ms, p95 {percentile(cpus, 0.95):.0f} ms"
    )
    return walls


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_RECEIPTS_DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--rate", type=float, default=10.0, help="submissions per second")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2, help="task worker processes")
    parser.add_argument("--renders", type=int, default=100)
    args = parser.parse_args()
    if not urlsplit(args.database_url).scheme.startswith("postgres"):
        raise SystemExit("This benchmark needs PostgreSQL (--database-url postgres://…).")

    with tempfile.TemporaryDirectory(prefix="rathaus-bench-receipts-") as data_dir:
        env = environment(args.database_url, data_dir, args.workers)
        recreate_database(args.database_url)
        count = round(args.rate * args.seconds)
        print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {sys.version[:6]}")
        print(f"Preparing {count} drafts …")
        drafts = set_up(count)
        workers = workers_start(args.workers, env)
        try:
            print(f"Load average before: {os.getloadavg()[0]:.2f}; {args.workers} task workers")
            pids = worker_pids()
            workers_cpu, own_cpu = sum(cpu_seconds(pid) for pid in pids), time.process_time()
            case_ids, latencies, lag = submit(drafts, args.rate)
            own_cpu = time.process_time() - own_cpu
            window = args.seconds
            print(
                f"Submitted {len(case_ids)} cases at {args.rate:g}/s for {window:g} s "
                f"(schedule lag at most {lag:.2f} s); case_submit p50 {percentile(latencies, 0.5):.0f} ms, "
                f"p95 {percentile(latencies, 0.95):.0f} ms"
            )
            drained = wait_for_receipts(len(case_ids), timeout=600)
            workers_cpu = sum(cpu_seconds(pid) for pid in pids) - workers_cpu
            print(f"Queue drained {drained:.1f} s after the last submission; load average {os.getloadavg()[0]:.2f}")
            print(
                f"CPU per case: task workers {workers_cpu / len(case_ids) * 1000:.0f} ms (receipt and mail task), "
                f"submitting process {own_cpu / len(case_ids) * 1000:.0f} ms (case_submit)"
            )
        finally:
            workers.terminate()
            workers.wait(timeout=60)
        waits, _runs = report_queue(case_ids)
        renders = report_render(case_ids, args.renders)
        wait_p95, render_p95 = percentile(waits, 0.95), percentile(renders, 0.95)
        print(
            f"Targets: p95 queue wait {wait_p95:.2f} s {'<' if wait_p95 < TARGET_WAIT_S else '≥'} {TARGET_WAIT_S:g} s "
            f"({'met' if wait_p95 < TARGET_WAIT_S else 'missed'}); "
            f"p95 render {render_p95:.0f} ms {'<' if render_p95 < TARGET_RENDER_MS else '≥'} {TARGET_RENDER_MS:g} ms "
            f"({'met' if render_p95 < TARGET_RENDER_MS else 'missed'})"
        )


if __name__ == "__main__":
    main()
