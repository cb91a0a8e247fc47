"""Demo people: the staff logins of every demo municipality and the helpers every app's demo
loader uses for its own people. The staff logins carry a fixed TOTP secret so that a person
trying the demo can add it to an authenticator app; never use these accounts in production."""

import base64
import hashlib
from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP

from rathaus.accounts.models import Membership, User
from rathaus.municipalities.models import Department, Municipality

DEMO_PASSWORD = "Rathaus-Demo-2026"
CITIZEN_EMAIL = "buerger@rathaus.example"


@dataclass(frozen=True)
class DemoLogin:
    municipality: str
    role: str
    email: str
    password: str
    totp_secret: str


def demo_totp_secret(slug: str, role: str) -> str:
    """Fixed per person so that a second run prints the same secret; derived from the person, not random."""
    seed = hashlib.sha256(f"rathaus-demo-{slug}-{role}".encode()).digest()[:20]
    return base64.b32encode(seed).decode()


def demo_person(*, email: str, first_name: str, last_name: str) -> User:
    """A person with the demo password and a verified e-mail address."""
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, first_name=first_name, last_name=last_name)
    EmailAddress.objects.get_or_create(user=user, email=email, defaults={"verified": True, "primary": True})
    return user


def demo_totp_ensure(user: User, secret: str) -> None:
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, secret)


def demo_staff(
    *,
    municipality: Municipality,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    department: Department | None,
    secret_key: str,
    label: str,
) -> tuple[User, DemoLogin]:
    """A member of staff of `municipality` with TOTP set up, and the login to print."""
    user = demo_person(email=email, first_name=first_name, last_name=last_name)
    Membership.objects.get_or_create(
        municipality=municipality, user=user, defaults={"role": role, "department": department}
    )
    secret = demo_totp_secret(municipality.slug, secret_key)
    demo_totp_ensure(user, secret)
    return user, DemoLogin(municipality.name, label, email, DEMO_PASSWORD, secret)


def staff_demo_load(municipalities: list[Municipality]) -> list[DemoLogin]:
    """An admin and a clerk (of the Bürgerbüro, or the first department) for each municipality."""
    logins = []
    for municipality in municipalities:
        departments = list(Department.objects.filter(municipality=municipality).order_by("pk"))
        first_department = next(
            (d for d in departments if d.key == "buergerbuero"), departments[0] if departments else None
        )
        for role, first_name in ((Membership.Role.ADMIN, "Alex"), (Membership.Role.CLERK, "Kim")):
            _user, login = demo_staff(
                municipality=municipality,
                email=f"{role.value}.{municipality.slug}@rathaus.example",
                first_name=first_name,
                last_name=f"Demo ({municipality.name})",
                role=role.value,
                department=None if role == Membership.Role.ADMIN else first_department,
                secret_key=role.value,
                label=str(role.label),
            )
            logins.append(login)
    return logins


def citizen_demo_load() -> DemoLogin:
    demo_person(email=CITIZEN_EMAIL, first_name="Robin", last_name="Beispiel")
    return DemoLogin("–", "Bürgerin/Bürger", CITIZEN_EMAIL, DEMO_PASSWORD, "")
