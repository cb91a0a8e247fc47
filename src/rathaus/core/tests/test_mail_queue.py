from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from rathaus.accounts.models import User

BROKEN = "rathaus.townhall.tests.broken_mail.BrokenBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SIGNUP = {"email": "neu@example.org", "password1": "Sehr-sicheres-Passwort-1", "password2": "Sehr-sicheres-Passwort-1"}


@pytest.fixture
def queued_mail(settings: Any) -> Any:
    settings.EMAIL_BACKEND = "rathaus.core.mail.QueuedEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = LOCMEM
    return settings


@pytest.fixture
def database_queue(queued_mail: Any) -> Any:
    queued_mail.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    return queued_mail


def _run_worker() -> None:
    # One worker, in this process: child processes would open the configured database, not the
    # test's (on PostgreSQL the default is two workers).
    call_command("worker", "--batch", "--no-startup-delay", "--workers", "1", stdout=StringIO(), stderr=StringIO())


@pytest.mark.django_db
def test_mail_goes_through_the_queue_to_the_delivery_backend(queued_mail: Any) -> None:
    response = Client().post("/konto/signup/", SIGNUP)
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["neu@example.org"]
    assert "/konto/confirm-email/" in mail.outbox[0].body


@pytest.mark.django_db
def test_signup_succeeds_while_the_mail_server_is_down(queued_mail: Any) -> None:
    queued_mail.EMAIL_DELIVERY_BACKEND = BROKEN
    response = Client().post("/konto/signup/", SIGNUP)
    assert response.status_code == 302
    assert User.objects.filter(email="neu@example.org").exists()


@pytest.mark.django_db(transaction=True)
def test_the_worker_retries_until_the_mail_server_is_back(database_queue: Any) -> None:
    database_queue.EMAIL_DELIVERY_BACKEND = BROKEN
    assert Client().post("/konto/signup/", SIGNUP).status_code == 302
    assert mail.outbox == []  # nothing is sent during the request

    _run_worker()  # the server is down: the task puts itself back, a minute later
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["args"][1] == 2  # second attempt
    assert retry.run_after is not None and retry.run_after > timezone.now()

    database_queue.EMAIL_DELIVERY_BACKEND = LOCMEM
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=timezone.now() - timedelta(seconds=1))
    _run_worker()

    assert [message.to for message in mail.outbox] == [["neu@example.org"]]
    assert not DBTaskResult.objects.filter(status="READY").exists()
