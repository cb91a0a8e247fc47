"""Cases on PostgreSQL with 1,000,000 rows: the clerk's work queue and sustained submissions.

Run with `make bench-cases` (or the command below). Not a test: it prints figures and asserts
nothing about them. It needs a PostgreSQL database of its own, whose name contains "bench":
without `--reuse` the database is dropped and created afresh, so never point it at real data.

    .venv/bin/python benchmarks/cases.py --database-url postgres://root@127.0.0.1:5432/rathaus_bench
        [--cases 1000000] [--reuse] [--repetitions 200] [--workers 2] [--seconds 20] [--only kreis-soest]

`make bench-cases` takes the database from BENCH_DATABASE_URL (default: the one above).

Three parts:

1. Generation: migrate, the four municipalities of the Soest model region with three departments
   and a few staff each, then the cases, written with PostgreSQL COPY in submission order over
   three years (most closed, about 10 % open, a share assigned), then VACUUM ANALYZE.
   `--reuse` skips it when the cases are already there.
2. The work queue (`rathaus.cases.queue.work_queue`) for a clerk of one department and for an
   admin of the biggest municipality: p50/p95 of first page, filters, page 5, searches, after
   warm-up, with `EXPLAIN ANALYZE` of the first page's queries (and of any view over 50 ms p50).
3. Submissions: `--workers` processes, each with its own connection, prepare drafts through
   `draft_start` and `draft_save_step` (answers and a small PDF), then call only `case_submit`
   for `--seconds`; the receipt and the mail are enqueued on the database task backend, as in
   production. Then one worker's cost per case: `receipt_generate.call()` rendering the PDF/A.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import itertools
import json
import logging
import math
import multiprocessing
import os
import platform
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

DEFAULT_URL = "postgres://root@127.0.0.1:5432/rathaus_bench"
# The biggest first: the district handles vehicles, building permits and more for 300,000 people.
MUNICIPALITY_SHARES = {"kreis-soest": 0.40, "iserlohn": 0.25, "lippstadt": 0.20, "soest": 0.15}
DEPARTMENTS = [("ordnungsamt", "Ordnungsamt"), ("buergerbuero", "Bürgerbüro"), ("bauamt", "Bauordnung")]
# key, title, department, share of the cases, days to decide
PROCEDURES = [
    ("test-permit", "Testerlaubnis", "ordnungsamt", 0.15, 30),
    ("sondernutzung", "Sondernutzungserlaubnis", "ordnungsamt", 0.15, 30),
    ("meldebescheinigung", "Meldebescheinigung", "buergerbuero", 0.30, 5),
    ("fuehrungszeugnis", "Führungszeugnis", "buergerbuero", 0.15, 10),
    ("bauvoranfrage", "Bauvoranfrage", "bauamt", 0.10, 90),
    ("baumfaellung", "Baumfällgenehmigung", "bauamt", 0.15, 30),
]
TOPICS = [
    "Straßenfest",
    "Flohmarkt",
    "Umzugscontainer",
    "Baugerüst",
    "Infostand",
    "Wochenmarkt",
    "Sommerfest",
    "Außengastronomie",
    "Wohnungsgeberbestätigung",
    "Carport",
    "Gartenhaus",
    "Kastanie im Vorgarten",
]
FIRST_NAMES = [
    "Anna", "Maria", "Ursula", "Monika", "Petra", "Sabine", "Claudia", "Susanne", "Andrea", "Stefanie",
    "Julia", "Katharina", "Laura", "Lea", "Sophie", "Emma", "Mia", "Hannah", "Elif", "Fatma",
    "Peter", "Michael", "Thomas", "Andreas", "Wolfgang", "Klaus", "Jürgen", "Stefan", "Christian", "Uwe",
    "Markus", "Frank", "Alexander", "Tobias", "Jan", "Lukas", "Felix", "Leon", "Paul", "Mehmet",
]  # fmt: skip
LAST_NAMES = [
    "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
    "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
    "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
    "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
    "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Yılmaz",
]  # fmt: skip
SPAN_DAYS = 3 * 365  # cases reach back three years
OPEN_DECAY_DAYS = 100  # a case this old is still open with probability 0.9/e + 0.02
TARGET_QUEUE_MS = 50.0
COLUMNS = (
    "municipality_id, reference, procedure_key, department_id, subject, status, answers, context, applicant_name, "
    "applicant_name_search, applicant_email, language, access_token_hash, idempotency_key, fee, payment_status, "
    "payment_provider, assigned_to_id, submitted_at, due_at, closed_at, retention_until, legal_hold, updated_at"
)


# Set-up ------------------------------------------------------------------------------------------


def environment(database_url: str, data_dir: str) -> None:
    """Settings for this process and the worker processes it starts (they inherit os.environ)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ["RATHAUS_DATA_DIR"] = data_dir
    os.environ["SECRET_KEY"] = "benchmark-only-not-secret"  # noqa: S105
    # Staff passwords are hashed quickly: they are not what is measured.
    os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"  # noqa: S105
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings")
    for name in ("TASKS_BACKEND", "EMAIL_URL", "MEDIA_STORAGE", "MEDIA_ROOT"):
        os.environ.pop(name, None)  # the defaults: database task backend, files in the data directory


def django_setup() -> None:
    import django

    django.setup()
    register_procedures()


def register_procedures() -> None:
    """The test procedure of the cases app and, under the other keys, copies of it with their own
    department and deadline: the generated cases and the queue's labels need them registered."""
    from datetime import timedelta as days

    from rathaus.cases.tests.procedure import TestPermit
    from rathaus.procedures import registry
    from rathaus.procedures.base import Procedure, Retention

    for key, title, department, _share, processing_days in PROCEDURES:
        procedure: type[Procedure]
        if key == TestPermit.key:
            procedure = TestPermit
        else:
            procedure = type(
                f"Bench_{key.replace('-', '_')}",
                (TestPermit,),
                {
                    "__module__": __name__,
                    "key": key,
                    "title": title,
                    "department_key": department,
                    "processing_days": processing_days,
                    "retention": Retention(days(days=6 * 365), action="delete", basis="Benchmark"),
                },
            )
        try:
            registry.get(key)
        except KeyError:
            registry.register(procedure)


def database_url_for(database_url: str, name: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def existing_cases(database_url: str) -> int:
    """How many cases the database holds; -1 when it or the table does not exist."""
    import psycopg

    try:
        with psycopg.connect(database_url) as conn:
            row = conn.execute("SELECT count(*) FROM cases_case").fetchone()
            return int(row[0]) if row else 0
    except psycopg.Error:
        return -1


def recreate_database(database_url: str) -> None:
    import psycopg
    from psycopg import sql

    name = urlsplit(database_url).path.lstrip("/")
    if "bench" not in name:
        raise SystemExit(f"Refusing to drop the database {name!r}: its name must contain 'bench'.")
    with psycopg.connect(database_url_for(database_url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


# Generation --------------------------------------------------------------------------------------


def ascii_fold(text: str) -> str:
    return (
        text.lower()
        .replace("ä", "ae")
        .replace("ö", "oe")
        .replace("ü", "ue")
        .replace("ß", "ss")
        .replace("ı", "i")
        .replace(" ", "")
    )


def copy_text(value: str) -> str:
    """A string in PostgreSQL's COPY text format: only backslash, tab and line breaks are special."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return value


def copy_time(value: datetime | None) -> str:
    return "\\N" if value is None else value.isoformat()


def staff_create(count: int) -> dict[str, Any]:
    """The municipalities (real AGS and addresses), three departments each, an admin and clerks."""
    from rathaus.accounts.models import Membership, User
    from rathaus.municipalities.demo import MUNICIPALITIES
    from rathaus.municipalities.models import Department, Municipality

    fields = {field.name for field in Municipality._meta.get_fields()}
    people: dict[str, Any] = {}
    for data in MUNICIPALITIES:
        slug = data["slug"]
        if slug not in MUNICIPALITY_SHARES:
            continue
        municipality = Municipality.objects.create(**{key: value for key, value in data.items() if key in fields})
        # The Ordnungsamt first: a procedure without a department of its own goes to the first one.
        departments = {
            key: Department.all_tenants.create(municipality=municipality, key=key, name=name)
            for key, name in DEPARTMENTS
        }
        admin = User.objects.create_user(email=f"verwaltung@{slug}.example", password=None)
        Membership.all_tenants.create(municipality=municipality, user=admin, role=Membership.Role.ADMIN)
        clerks: dict[str, list[Any]] = {key: [] for key in departments}
        for key in departments:
            share = sum(procedure[3] for procedure in PROCEDURES if procedure[2] == key)
            expected = MUNICIPALITY_SHARES[slug] * share * count
            for number in range(max(2, round(expected / 20_000))):  # one clerk per ~6,700 cases a year
                clerk = User.objects.create_user(email=f"{key}-{number + 1}@{slug}.example", password=None)
                Membership.all_tenants.create(
                    municipality=municipality, user=clerk, role=Membership.Role.CLERK, department=departments[key]
                )
                clerks[key].append(clerk)
        people[slug] = {"municipality": municipality, "departments": departments, "admin": admin, "clerks": clerks}
    return people


def case_rows(count: int, seed: int, people: dict[str, Any], counters: dict[tuple[str, int], int]) -> Any:
    """The cases as lines in COPY text format, oldest first; counts reference numbers in `counters`."""
    rng = random.Random(seed)
    now = datetime.now(UTC).replace(microsecond=0)
    start = now - timedelta(days=SPAN_DAYS)
    moments = sorted(rng.random() * SPAN_DAYS * 86400 for _ in range(count))
    slugs = list(MUNICIPALITY_SHARES)
    slug_weights = list(itertools.accumulate(MUNICIPALITY_SHARES.values()))
    procedure_weights = list(itertools.accumulate(procedure[3] for procedure in PROCEDURES))
    for index, offset in enumerate(moments):
        slug = rng.choices(slugs, cum_weights=slug_weights)[0]
        person = people[slug]
        key, title, department_key, _share, processing_days = rng.choices(PROCEDURES, cum_weights=procedure_weights)[0]
        department = person["departments"][department_key]
        submitted = start + timedelta(seconds=offset)
        age_days = (now - submitted).total_seconds() / 86400
        counters[slug, submitted.year] = number = counters.get((slug, submitted.year), 0) + 1
        reference = f"{person['municipality'].reference_prefix}-{submitted.year}-{number:06d}"
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        name = f"{first} {last}"
        email = f"{ascii_fold(first)}.{ascii_fold(last)}{rng.randrange(1000)}@example.org"
        topic = rng.choice(TOPICS)
        express = key == "test-permit" and rng.random() < 0.1
        closed_at = retention_until = assignee = None
        if rng.random() < 0.02 + 0.9 * math.exp(-age_days / OPEN_DECAY_DAYS):
            if age_days < 7:
                status = "submitted" if rng.random() < 0.8 else "in_review"
            else:
                status = rng.choices(["submitted", "in_review", "waiting"], [0.15, 0.65, 0.20])[0]
            assigned = status != "submitted" and rng.random() < 0.95
        else:
            status = rng.choices(["approved", "rejected", "withdrawn", "archived"], [0.70, 0.09, 0.05, 0.16])[0]
            closed_at = submitted + timedelta(days=min(age_days, 0.2 + rng.expovariate(1 / 14)))
            retention_until = closed_at + timedelta(days=6 * 365)
            assigned = rng.random() < 0.9
        if assigned:
            assignee = person["admin"] if rng.random() < 0.01 else rng.choice(person["clerks"][department_key])
        answers = {
            "person": {"name": name, "email": email, "on_behalf": False},
            "request": {"topic": topic, "express": express, "proof": []},
        }
        yield "\t".join(
            (
                str(person["municipality"].pk),
                reference,
                key,
                str(department.pk),
                copy_text(f"{title}: {topic}"),
                status,
                copy_text(json.dumps(answers, ensure_ascii=False, separators=(",", ":"))),
                "{}",
                copy_text(name),
                copy_text(name.lower()),
                copy_text(email),
                "en" if rng.random() < 0.05 else "de",
                hashlib.sha256(f"bench-case-{index}".encode()).hexdigest(),
                str(uuid.UUID(int=rng.getrandbits(128), version=4)),
                "12.50" if express else "0.00",
                "paid" if express else "none",
                "counter" if express else "",
                str(assignee.pk) if assignee else "\\N",
                submitted.isoformat(),
                (submitted + timedelta(days=processing_days)).isoformat(),
                copy_time(closed_at),
                copy_time(retention_until),
                "f",
                copy_time(closed_at or submitted + timedelta(minutes=rng.randrange(1, 600))),
            )
        )


def secondary_indexes(table: str) -> tuple[list[str], list[str]]:
    """Statements that drop the table's indexes and unique constraints (not the primary key) and that
    create them again, exactly as the migrations made them."""
    from django.db import connection

    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype = 'u' ORDER BY conname",
            [table],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint k "
            "WHERE k.conrelid = i.indrelid AND k.conindid = i.indexrelid) ORDER BY c.relname",
            [table],
        )
        indexes = cursor.fetchall()
    drop = [f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}" for name, _ in constraints]
    drop += [f"DROP INDEX {quote(name)}" for name, _ in indexes]
    create = [definition for _, definition in indexes]
    create += [
        f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}" for name, definition in constraints
    ]
    return drop, create


def generate(count: int, seed: int) -> None:
    """Writes the cases with COPY into the table without its secondary indexes, which are built
    afterwards (far faster than updating 20-odd indexes row by row); all in one transaction."""
    from django.db import connection, transaction

    from rathaus.cases.models import Case, ReferenceCounter

    started = time.perf_counter()
    table = Case._meta.db_table
    counters: dict[tuple[str, int], int] = {}
    with transaction.atomic():
        people = staff_create(count)
        drop, create = secondary_indexes(table)
        with connection.cursor() as cursor:
            # Foreign keys are checked at the end of the COPY, not queued until the commit: an index
            # cannot be built on a table with queued checks (and a million of them take memory).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for statement in drop:
                cursor.execute(statement)
            with cursor.copy(f"COPY {table} ({COLUMNS}) FROM STDIN") as copy:
                batch: list[str] = []
                for index, line in enumerate(case_rows(count, seed, people, counters), start=1):
                    batch.append(line)
                    if len(batch) == 10_000:
                        copy.write("\n".join(batch) + "\n")
                        batch.clear()
                    if index % 200_000 == 0:
                        print(f"  {index:>9,} cases written, {time.perf_counter() - started:.0f} s", file=sys.stderr)
                if batch:
                    copy.write("\n".join(batch) + "\n")
            copied = time.perf_counter()
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            for statement in create:
                cursor.execute(statement)
        ReferenceCounter.all_tenants.bulk_create(
            ReferenceCounter(municipality=people[slug]["municipality"], year=year, last=last)
            for (slug, year), last in counters.items()
        )
    indexed = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")
    finished = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(pg_total_relation_size(%s)), pg_size_pretty(pg_relation_size(%s))", [table, table]
        )
        total, heap = cursor.fetchone()
    print(
        f"Generated {count:,} cases in {finished - started:.0f} s: rows built in Python and written with COPY "
        f"{copied - started:.0f} s, {len(create)} indexes and unique constraints built {indexed - copied:.0f} s, "
        f"VACUUM ANALYZE {finished - indexed:.0f} s. Table with indexes {total} (heap {heap})."
    )


# Measuring helpers ------------------------------------------------------------------------------


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function: Callable[[], object]) -> float:
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(header), *(len(row[i]) for row in rows)) for i, header in enumerate(headers)]
    lines = [
        "| " + " | ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (width + 1) + (":" if i else "-") for i, width in enumerate(widths)) + "|",
    ]
    lines += [
        "| "
        + " | ".join(
            cell.rjust(width) if i else cell.ljust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )
        + " |"
        for row in rows
    ]
    return "\n".join(lines)


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
        return "\n".join(f"    {line}" for (line,) in cursor.fetchall())


# The work queue ---------------------------------------------------------------------------------


def measure_queue(repetitions: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rathaus.accounts.models import Membership
    from rathaus.cases.models import Case
    from rathaus.cases.queue import work_queue
    from rathaus.municipalities.models import Municipality

    municipality = Municipality.objects.get(slug=next(iter(MUNICIPALITY_SHARES)))
    admin = Membership.all_tenants.filter(municipality=municipality, role=Membership.Role.ADMIN).first()
    clerk = (
        Membership.all_tenants.filter(municipality=municipality, department__key="ordnungsamt")
        .order_by("pk")
        .select_related("department")
        .first()
    )
    assert admin is not None and clerk is not None and clerk.department is not None
    department = clerk.department
    cases = Case.all_tenants.filter(municipality=municipality)
    in_department = cases.filter(department=department)
    print(
        f"{municipality.name}: {cases.count():,} cases, {cases.filter(closed_at__isnull=True).count():,} open; "
        f"{department.name}: {in_department.count():,} cases, "
        f"{in_department.filter(closed_at__isnull=True).count():,} open; clerk {clerk.user.email} has "
        f"{cases.filter(assigned_to=clerk.user).count():,} assigned, "
        f"{cases.filter(assigned_to=clerk.user, closed_at__isnull=True).count():,} of them open\n"
    )
    # A reference from the middle of the department's open cases; a name as people type it.
    open_case = in_department.filter(status="in_review").order_by("submitted_at")[
        in_department.filter(status="in_review").count() // 2
    ]
    # The queue matches the start of the name as written ("Vorname Nachname"), ignoring case.
    name_prefix, full_name_prefix = "Anna", "Anna Schm"
    views: list[tuple[str, dict[str, Any]]] = [
        ("first page (default)", {}),
        ("status in_review + procedure test-permit", {"status": "in_review", "procedure": "test-permit"}),
        ("page 5", {"page": 5}),
        ("overdue", {"overdue": True}),
        ("assigned to me", {"assigned_to_me": True}),
        (f"search reference {open_case.reference}", {"query": open_case.reference}),
        (f"search name '{name_prefix}'", {"query": name_prefix}),
        (f"search name '{full_name_prefix}'", {"query": full_name_prefix}),
    ]
    headers = ["view", "rows", "total", "queries", "p50 ms", "p95 ms", "max ms"]
    slow: list[tuple[str, str, list[str]]] = []
    for label, member in (("Clerk, " + clerk.department.name, clerk), ("Admin", admin)):
        rows: list[tuple[str, ...]] = []
        for view, kwargs in views:

            def call(member: Membership = member, kwargs: dict[str, Any] = kwargs) -> Any:
                page = work_queue(municipality=municipality, user=member.user, **kwargs)
                len(page.rows)
                return page

            for _ in range(10):
                call()
            with CaptureQueriesContext(connection) as captured:
                page = call()
            latencies = [timed(call) for _ in range(repetitions)]
            p50 = percentile(latencies, 0.5)
            rows.append(
                (
                    view,
                    str(len(page.rows)),
                    f"{page.total:,}" if page.total is not None else "many",
                    str(len(captured.captured_queries)),
                    f"{p50:.1f}",
                    f"{percentile(latencies, 0.95):.1f}",
                    f"{max(latencies):.1f}",
                )
            )
            queries = [query["sql"] for query in captured.captured_queries]
            if view.startswith("first page") or p50 > TARGET_QUEUE_MS:
                slow.append((f"{label}: {view} (p50 {p50:.1f} ms)", view, queries))
        print(f"{label} ({member.user.email}), {repetitions} calls each after 10 warm-up calls:\n")
        print(table(headers, rows))
        print()
    for title, _view, queries in slow:
        print(f"EXPLAIN (ANALYZE, BUFFERS), {title}:\n")
        for sql in (sql for sql in queries if "cases_case" in sql):  # not the membership lookup
            print(f"  {sql}\n")
            print(explain(sql))
            print()


# Submissions -------------------------------------------------------------------------------------


def pdf_bytes() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def draft_prepare(municipality: Any, rng: random.Random, pdf: bytes) -> Any:
    """A complete draft of the test procedure, as the form pages leave it: answers and one PDF."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rathaus.cases.services import draft_save_step, draft_start
    from rathaus.cases.tests.procedure import TestPermit

    draft = draft_start(municipality=municipality, procedure_key=TestPermit.key, user=None)
    procedure = TestPermit(municipality)
    first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
    draft_save_step(
        draft=draft,
        step=procedure.step("person"),
        cleaned_data={
            "name": f"{first} {last}",
            "email": f"{ascii_fold(first)}.{ascii_fold(last)}@example.org",
            "on_behalf": False,
        },
        files={},
    )
    draft_save_step(
        draft=draft,
        step=procedure.step("request"),
        cleaned_data={"topic": rng.choice(TOPICS), "express": False},
        files={"proof": [SimpleUploadedFile("nachweis.pdf", pdf, content_type="application/pdf")]},
    )
    return draft


def backend_cpu_seconds(pid: int) -> float | None:
    """CPU time of the PostgreSQL backend process `pid` so far, when the server runs on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def submit_worker(number: int, slugs: list[str], seconds: float, barrier: Any, results: Any) -> None:
    """One process: prepares a draft for each of `slugs`, waits for the others, then submits for `seconds`."""
    django_setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rathaus.cases.services import case_submit, draft_discard
    from rathaus.municipalities.models import Municipality

    rng = random.Random(1000 + number)
    municipalities = {m.slug: m for m in Municipality.objects.filter(slug__in=MUNICIPALITY_SHARES)}
    pdf = pdf_bytes()
    prepared = time.perf_counter()
    queue = [draft_prepare(municipalities[slug], rng, pdf) for slug in slugs]
    prepared = time.perf_counter() - prepared
    for draft in queue[-3:]:  # the first submit of a process loads translations, URLs, the mail backend
        with CaptureQueriesContext(connection) as captured:
            case_submit(draft=draft, idempotency_key=draft.token, user=None)
    del queue[-3:]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (backend,) = cursor.fetchone()
    barrier.wait()
    started = time.time()
    deadline = time.perf_counter() + seconds
    cpu, backend_cpu = time.process_time(), backend_cpu_seconds(backend)
    latencies: list[float] = []
    case_ids: list[int] = []
    while queue and time.perf_counter() < deadline:
        draft = queue.pop()
        begun = time.perf_counter()
        case, token = case_submit(draft=draft, idempotency_key=draft.token, user=None)
        latencies.append((time.perf_counter() - begun) * 1000)
        assert token is not None
        case_ids.append(case.pk)
    finished = time.time()
    cpu = time.process_time() - cpu
    backend_after = backend_cpu_seconds(backend)
    ran_out = not queue
    for draft in queue:
        draft_discard(draft=draft)
    connection.close()
    results.put(
        {
            "number": number,
            "started": started,
            "finished": finished,
            "latencies": latencies,
            "case_ids": case_ids,
            "ran_out": ran_out,
            "prepare_s": prepared,
            "drafts": len(slugs),
            "queries": len(captured.captured_queries),
            "cpu_s": cpu,
            "backend_cpu_s": None if backend_cpu is None or backend_after is None else backend_after - backend_cpu,
        }
    )


def measure_submissions(workers: int, seconds: float, drafts: int, only: str = "") -> list[int]:
    from django.db import connection

    connection.close()  # the workers open their own
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(workers)
    results = context.Queue()
    rng = random.Random(7)
    processes = []
    for number in range(workers):
        if only:
            slugs = [only] * drafts
        else:
            slugs = rng.choices(list(MUNICIPALITY_SHARES), list(MUNICIPALITY_SHARES.values()), k=drafts)
        processes.append(context.Process(target=submit_worker, args=(number, slugs, seconds, barrier, results)))
    for process in processes:
        process.start()
    outcomes = [results.get() for _ in processes]
    for process in processes:
        process.join()
        if process.exitcode:
            raise SystemExit(f"A submit worker failed (exit code {process.exitcode}).")
    latencies = [latency for outcome in outcomes for latency in outcome["latencies"]]
    window = max(o["finished"] for o in outcomes) - min(o["started"] for o in outcomes)
    where = f"all into {only}" if only else "spread over the 4 municipalities by size"
    print(
        f"Submissions ({where}): {workers} processes, {len(latencies):,} in {window:.1f} s: "
        f"{len(latencies) / window:.1f} submissions/s; per submit p50 {percentile(latencies, 0.5):.1f} ms, "
        f"p95 {percentile(latencies, 0.95):.1f} ms, max {max(latencies):.1f} ms"
    )
    for outcome in sorted(outcomes, key=lambda o: o["number"]):
        count = len(outcome["latencies"])
        backend = outcome["backend_cpu_s"]
        print(
            f"  worker {outcome['number']}: {count:,} submissions"
            f"{' (ran out of drafts: raise --drafts)' if outcome['ran_out'] else ''}; "
            f"{outcome['queries']} queries per submit; CPU per submit: app process "
            f"{outcome['cpu_s'] / count * 1000:.1f} ms"
            f"{f', its PostgreSQL backend {backend / count * 1000:.1f} ms' if backend is not None else ''}; "
            f"preparing {outcome['drafts']:,} drafts took {outcome['prepare_s']:.0f} s"
        )
    return [case_id for outcome in outcomes for case_id in outcome["case_ids"]]


def measure_receipts(case_ids: Sequence[int], count: int) -> None:

    from rathaus.cases.models import Document
    from rathaus.cases.tasks import receipt_generate

    ids = list(case_ids[: count + 1])
    if count <= 0 or len(ids) < 2:
        return
    said: set[str] = set()

    def note(record: logging.LogRecord) -> bool:
        said.add(record.getMessage())  # WeasyPrint repeats its font warnings for every PDF: say each once
        return False

    logging.getLogger("weasyprint").addFilter(note)
    cold = timed(partial(receipt_generate.call, ids[0]))
    warm = [timed(partial(receipt_generate.call, case_id)) for case_id in ids[1:]]
    size = Document.all_tenants.filter(case_id__in=ids, kind=Document.Kind.RECEIPT).count()
    print(
        f"Receipt PDF/A (receipt_generate.call, render and file), one process, {len(warm)} cases: "
        f"p50 {percentile(warm, 0.5):.0f} ms, p95 {percentile(warm, 0.95):.0f} ms, "
        f"{1000 / statistics.mean(warm):.1f} receipts/s; first call (fonts, templates) {cold:.0f} ms; "
        f"{size} receipts filed"
    )
    for message in sorted(said):
        print(f"  WeasyPrint: {message}")


def tasks_waiting() -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT task_path, count(*) FROM django_tasks_database_dbtaskresult GROUP BY 1 ORDER BY 1")
        return ", ".join(f"{path.rsplit('.', 1)[-1]} {count:,}" for path, count in cursor.fetchall())


# Main --------------------------------------------------------------------------------------------


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo", encoding="utf-8") as meminfo:
        memory_kb = int(meminfo.readline().split()[1])
    return f"{model}, {os.cpu_count()} CPUs, {memory_kb / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_URL),
        help=f"a PostgreSQL database of its own (BENCH_DATABASE_URL or {DEFAULT_URL})",
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--reuse", action="store_true", help="keep the cases when the database already has them")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repetitions", type=int, default=200, help="calls per queue view (default 200)")
    parser.add_argument("--workers", type=int, default=2, help="submitting processes (default 2)")
    parser.add_argument("--seconds", type=float, default=20, help="how long they submit (default 20)")
    parser.add_argument("--drafts", type=int, default=1500, help="drafts each worker prepares (default 1500)")
    parser.add_argument("--only", default="", choices=["", *MUNICIPALITY_SHARES], help="submit into one municipality")
    parser.add_argument("--receipts", type=int, default=20, help="receipt PDFs rendered (default 20)")
    parser.add_argument("--skip-queue", action="store_true")
    parser.add_argument("--skip-submissions", action="store_true")
    args = parser.parse_args()
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        raise SystemExit("This benchmark needs PostgreSQL.")

    with tempfile.TemporaryDirectory(prefix="rathaus-bench-") as data_dir:
        environment(args.database_url, data_dir)
        found = existing_cases(args.database_url)
        reuse = args.reuse and found >= args.cases
        if not reuse:
            recreate_database(args.database_url)
        django_setup()
        from django.core.management import call_command
        from django.db import connection

        call_command("migrate", verbosity=0, interactive=False)
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            (version,) = cursor.fetchone()
        print(f"{machine()}, PostgreSQL {version}\n")
        if reuse:
            print(f"Reusing the {found:,} cases in the database (--reuse).")
        else:
            generate(args.cases, args.seed)
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'cases_case' ORDER BY 1")
            print(f"Indexes on cases_case: {', '.join(name for (name,) in cursor.fetchall())}")
        print()

        if not args.skip_queue:
            measure_queue(args.repetitions)
        if not args.skip_submissions:
            case_ids = measure_submissions(args.workers, args.seconds, args.drafts, args.only)
            print(f"Tasks in the database queue: {tasks_waiting()}")
            measure_receipts(case_ids, args.receipts)


if __name__ == "__main__":
    main()
