"""A backup restores into a database that `rathaus audit verify` accepts, and tampering with the copy is found.

The backup is taken as docs/operations.md says: `pg_dump` on PostgreSQL, SQLite's online backup API (what
`sqlite3 … ".backup …"` uses) on SQLite. Whichever database the suite runs on is the one backed up (CI runs
the suite on both). The check runs as an operator would run it: `rathaus audit verify` in a process of its
own, pointed at the restored copy with DATABASE_URL.
"""

import os
import sqlite3
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from rathaus.cases.models import Case
from rathaus.cases.services import case_submit, case_transition
from rathaus.cases.tests.test_services import complete_draft
from rathaus.municipalities.models import Municipality
from rathaus.records.models import AuditEvent
from rathaus.records.services import audit_verify
from rathaus.testing import make_staff

pytestmark = [pytest.mark.usefixtures("test_permit", "permit_office"), pytest.mark.django_db(transaction=True)]

TABLE = AuditEvent._meta.db_table


def rathaus_audit_verify(database_url: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(  # noqa: S603
        [sys.executable, "-m", "rathaus", "audit", "verify"], env=env, capture_output=True, text=True, timeout=120
    )


def _pg_env() -> dict[str, str]:
    settings = connection.settings_dict
    env = {**os.environ, "PGHOST": settings["HOST"] or "", "PGPORT": str(settings["PORT"] or 5432)}
    env["PGUSER"] = settings["USER"] or ""
    if settings["PASSWORD"]:
        env["PGPASSWORD"] = settings["PASSWORD"]
    return env


def _pg(*command: str) -> None:
    subprocess.run(list(command), env=_pg_env(), check=True, capture_output=True, timeout=120)  # noqa: S603


def _pg_url(name: str) -> str:
    settings = connection.settings_dict
    password = f":{settings['PASSWORD']}" if settings["PASSWORD"] else ""
    return f"postgres://{settings['USER']}{password}@{settings['HOST']}:{settings['PORT'] or 5432}/{name}"


@pytest.fixture
def restored(cases_with_audit_entries: list[Case], tmp_path: Path) -> Iterator[tuple[str, str]]:
    """Backs up the test database with the cases and restores it into a new one: its URL and its name or file."""
    connection.close()  # everything written is committed (transactional test); nothing holds the file open
    if connection.vendor == "postgresql":
        source = connection.settings_dict["NAME"]
        copy = f"{source}_restored_{os.getpid()}"
        assert copy != "test" and copy.startswith(source)
        dump = tmp_path / "rathaus.dump"
        _pg("pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source)
        _pg("dropdb", "--if-exists", copy)
        _pg("createdb", copy)
        try:
            _pg("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={copy}", str(dump))
            yield _pg_url(copy), copy
        finally:
            _pg("dropdb", "--if-exists", copy)
    else:
        assert connection.vendor == "sqlite"
        copy_path = tmp_path / "restored.sqlite3"
        with sqlite3.connect(connection.settings_dict["NAME"]) as live, sqlite3.connect(copy_path) as backup:
            live.backup(backup)
        backup.close()
        live.close()
        yield f"sqlite:///{copy_path}", str(copy_path)


def tamper(copy: str, sql: str) -> None:
    if connection.vendor == "postgresql":
        _pg("psql", "--set=ON_ERROR_STOP=1", f"--dbname={copy}", f"--command={sql}")
    else:
        with sqlite3.connect(copy) as db:
            db.execute(sql)
        db.close()


@pytest.fixture
def cases_with_audit_entries(soest: Municipality, lippstadt: Municipality) -> list[Case]:
    clerk = make_staff(soest, "clerk@soest.example")
    cases = []
    for topic in ("Straßenfest", "Flohmarkt"):
        draft = complete_draft(soest, topic=topic)
        case, _token = case_submit(draft=draft, idempotency_key=uuid.uuid4(), user=None, payment_provider="counter")
        cases.append(case)
    case_transition(case=cases[0], transition_key="start", actor=clerk)
    return cases


def test_a_restored_backup_passes_audit_verify_and_a_tampered_one_fails(
    soest: Municipality, restored: tuple[str, str]
) -> None:
    url, copy = restored
    entries = AuditEvent.all_tenants.count()
    assert AuditEvent.all_tenants.filter(municipality=soest, object_type="cases.case").count() >= 3

    intact = rathaus_audit_verify(url)

    assert intact.returncode == 0, intact.stderr
    assert intact.stdout.strip() == f"Audit trail intact: {entries} entries verified."

    second = AuditEvent.all_tenants.filter(municipality=soest).order_by("sequence")[1]
    forged = f'UPDATE {TABLE} SET data = \'{{"topic": "Geändert"}}\' WHERE id = {second.pk}'  # noqa: S608 (our table, an int)
    tamper(copy, forged)
    edited = rathaus_audit_verify(url)

    assert edited.returncode == 1
    assert f"Stadt Soest: entry #{second.sequence}: content changed since it was written" in edited.stderr
    # The live database was not touched by any of it.
    assert audit_verify() == []
