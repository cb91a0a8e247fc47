"""A case gets its receipt once, and a notice task files its notice once: when two workers race,
when a task runs again after its worker died in the middle of writing, and when storing fails."""

import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from rathaus.cases.models import Case, Document, Message
from rathaus.cases.services import notice_store, receipt_store
from rathaus.cases.services.documents import generated_name, generated_storage
from rathaus.cases.tests.conftest import pdf_bytes
from rathaus.cases.tests.test_services import submitted_case
from rathaus.municipalities.models import Municipality
from rathaus.municipalities.tenancy import tenant_scope
from rathaus.records.models import AuditEvent

pytestmark = pytest.mark.usefixtures("test_permit", "permit_office")


@pytest.fixture(autouse=True)
def media_of_this_test(settings: Any, tmp_path: Path) -> None:
    """Files of their own: the names of generated files repeat from test to test (same ids)."""
    settings.MEDIA_ROOT = tmp_path


def stored_files(settings: Any, case: Case) -> set[str]:
    folder = Path(settings.MEDIA_ROOT) / "akten" / str(case.municipality_id)
    return {f"akten/{case.municipality_id}/{path.name}" for path in folder.iterdir()} if folder.exists() else set()


@pytest.fixture
def case(soest: Municipality, settings: Any) -> Case:
    """A submitted case whose receipt task has not run (the tests store it themselves)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    made = submitted_case(soest)
    assert receipts(made) == []
    return made


def receipts(case: Case) -> list[Document]:
    return list(Document.all_tenants.filter(case=case, kind=Document.Kind.RECEIPT))


def test_storing_the_receipt_again_returns_the_first_one(soest: Municipality, case: Case) -> None:
    with tenant_scope(soest):
        first = receipt_store(case=case, pdf=pdf_bytes())
        second = receipt_store(case=case, pdf=pdf_bytes())
    assert second.pk == first.pk
    assert receipts(case) == [first]
    assert first.file.name == generated_name(case=case, purpose="receipt")
    assert AuditEvent.all_tenants.filter(action="document.stored", object_id=str(first.pk)).count() == 1


def test_a_file_left_by_a_worker_that_died_before_its_commit_is_replaced(
    soest: Municipality, case: Case, settings: Any
) -> None:
    name = generated_name(case=case, purpose="receipt")
    generated_storage().save(name, ContentFile(b"%PDF-1.7 half written"))
    with tenant_scope(soest):
        document = receipt_store(case=case, pdf=pdf_bytes())
    assert document.file.name == name
    assert document.file.read() == pdf_bytes()
    assert name in stored_files(settings, case)


def test_a_failure_after_the_file_was_written_leaves_neither_file_nor_document(
    soest: Municipality, case: Case, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr("rathaus.cases.services.documents.audit_record", broken)
    with tenant_scope(soest), pytest.raises(RuntimeError):
        receipt_store(case=case, pdf=pdf_bytes())
    assert receipts(case) == []
    assert stored_files(settings, case) == set()


def test_a_notice_task_run_twice_delivers_one_notice(soest: Municipality, case: Case, test_permit: Any) -> None:
    transition = test_permit(soest).workflow.transition("approve")
    with tenant_scope(soest):
        first = notice_store(case=case, transition=transition, text="", actor=None, pdf=pdf_bytes(), task_id="t-1")
        again = notice_store(case=case, transition=transition, text="", actor=None, pdf=pdf_bytes(), task_id="t-1")
        other = notice_store(case=case, transition=transition, text="", actor=None, pdf=pdf_bytes(), task_id="t-2")
    assert again.pk == first.pk
    assert other.pk != first.pk  # a second notice of its own task is a new one
    assert Message.all_tenants.filter(case=case, direction=Message.Direction.TO_APPLICANT).count() == 2
    assert Document.all_tenants.filter(case=case, kind=Document.Kind.NOTICE).count() == 2


@pytest.mark.django_db(transaction=True)
def test_two_workers_storing_the_receipt_at_once_file_one(soest: Municipality, case: Case) -> None:
    start = threading.Barrier(2)
    stored: list[int] = []
    errors: list[BaseException] = []

    def work() -> None:
        try:
            mine = Case.all_tenants.select_related("municipality").get(pk=case.pk)
            with tenant_scope(mine.municipality):
                start.wait(timeout=10)
                stored.append(receipt_store(case=mine, pdf=pdf_bytes()).pk)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert errors == []
    assert len(receipts(case)) == 1
    assert stored == [receipts(case)[0].pk] * 2
