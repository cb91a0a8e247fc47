"""Helpers for tests: named personas and a current TOTP code for staff."""

import contextvars
from typing import Any

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import decrypt
from django.utils import timezone
from django_tasks.backends.immediate import ImmediateBackend
from django_tasks.base import TaskResult

from rathaus.accounts.models import Membership, User
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Department, Municipality
from rathaus.municipalities.tenancy import outside_any_scope

PASSWORD = "Sicheres-Passwort-2026"  # noqa: S105 (test persona)


def make_municipality(*, ags: str, slug: str, name: str, city: str, postal_code: str) -> Municipality:
    return Municipality.objects.create(
        ags=ags,
        slug=slug,
        name=name,
        street="Am Markt 1",
        postal_code=postal_code,
        city=city,
        phone="01234 5678",
        email=f"info@{slug}.example",
        legal_representative="den Bürgermeister",
        opening_hours="Mo–Fr 8:00–12:00",
    )


def make_department(municipality: Municipality, key: str = "buergerbuero", name: str = "Bürgerbüro") -> Department:
    return Department.all_tenants.create(municipality=municipality, key=key, name=name, name_en="Citizens' office")


def make_service(
    municipality: Municipality,
    *,
    leika_key: str,
    name: str,
    synonyms: str = "",
    summary: str = "",
    channel: str = Service.Channel.APPOINTMENT,
    **extra: Any,
) -> Service:
    department = Department.all_tenants.filter(municipality=municipality).first() or make_department(municipality)
    return Service.all_tenants.create(
        municipality=municipality,
        leika_key=leika_key,
        name=name,
        synonyms=synonyms,
        summary=summary or f"Kurzbeschreibung von {name}.",
        department=department,
        channel=channel,
        **extra,
    )


def make_user(email: str, *, verified: bool = True) -> User:
    user = User.objects.create_user(email=email, password=PASSWORD)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_staff(municipality: Municipality, email: str, *, role: str = Membership.Role.CLERK, totp: bool = True) -> User:
    user = make_user(email)
    Membership.all_tenants.create(municipality=municipality, user=user, role=role)
    if totp:
        TOTP.activate(user, generate_totp_secret())
    return user


def totp_code(user: User) -> str:
    """The code an authenticator app would show the user right now."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    secret: str = decrypt(authenticator.data["secret"])
    counter = int(timezone.now().timestamp()) // 30
    return str(format_hotp_value(hotp_value(secret, counter)))


class WorkerLikeImmediateBackend(ImmediateBackend):
    """Runs a task at once, as the immediate backend does, but as the worker process would: with
    no municipality of the caller's request in scope, so a task that forgets to name its
    municipality fails in the tests as it does in production."""

    def _execute_task(self, task_result: TaskResult[Any]) -> None:
        def run() -> None:
            with outside_any_scope():
                super(WorkerLikeImmediateBackend, self)._execute_task(task_result)

        contextvars.copy_context().run(run)
