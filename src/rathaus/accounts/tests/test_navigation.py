"""Every role × every back-office link: the navigation shows exactly the pages a member may open.

The links come from every app's capability (`NavLink`), the decision from the one access policy
(`accounts.access.may`). A link shown must open (never 403); a link not shown must be refused.
"""

import re

import pytest
from django.test import Client
from django.urls import reverse

from rathaus.accounts.access import may
from rathaus.accounts.models import Membership, User
from rathaus.core.capability import navigation
from rathaus.municipalities.models import Municipality
from rathaus.testing import make_department, make_staff

pytestmark = pytest.mark.django_db

# (label, role, department key or None)
ROLES = [
    ("admin", Membership.Role.ADMIN, None),
    ("generalist clerk", Membership.Role.CLERK, None),
    ("Bürgerbüro clerk", Membership.Role.CLERK, "buergerbuero"),
    ("HR clerk", Membership.Role.CLERK, "personal"),
    ("trade office clerk", Membership.Role.CLERK, "ordnungsamt"),
    ("school office clerk", Membership.Role.CLERK, "schulamt"),
]


def _member(soest: Municipality, label: str, role: str, department_key: str | None) -> User:
    user = make_staff(soest, f"{label.replace(' ', '.')}@soest.example", role=role)
    if department_key is not None:
        department = make_department(soest, key=department_key, name=department_key.title())
        Membership.all_tenants.filter(user=user).update(department=department)
    return user


def _shown_links(page: str) -> set[str]:
    tasks = page.split('id="tasks-heading"', 1)[1].split("</nav>", 1)[0]
    return set(re.findall(r'href="([^"]+)"', tasks))


@pytest.mark.parametrize(("label", "role", "department_key"), ROLES, ids=[label for label, _r, _d in ROLES])
def test_the_navigation_shows_what_the_role_may_open_and_nothing_else(
    soest: Municipality, label: str, role: str, department_key: str | None
) -> None:
    user = _member(soest, label, role, department_key)
    client = Client()
    client.force_login(user)
    membership = Membership.all_tenants.select_related("department").get(user=user)

    shown = _shown_links(client.get("/soest/verwaltung/").content.decode())

    assert shown, f"the {label} sees no links at all"
    for link in navigation():
        url = reverse(f"backoffice:{link.url_name}", kwargs={"municipality_slug": soest.slug})
        status = client.get(url, follow=True).status_code
        if may(membership, link.permission):
            assert url in shown, f"{label}: {link.url_name} is allowed but not shown"
            assert status == 200, f"{label}: {link.url_name} is shown but answers {status}"
        else:
            assert url not in shown, f"{label}: {link.url_name} is shown but not allowed"
            assert status == 403, f"{label}: {link.url_name} is not allowed but answers {status}"


def test_an_hr_clerk_is_refused_the_trade_register_and_its_outbox(soest: Municipality) -> None:
    client = Client()
    client.force_login(_member(soest, "hr", Membership.Role.CLERK, "personal"))

    assert client.get("/soest/verwaltung/gewerbe/register/").status_code == 403
    assert client.get("/soest/verwaltung/gewerbe/postausgang/").status_code == 403


def test_every_nav_link_names_a_declared_permission_and_a_page() -> None:
    from rathaus.core.capability import permissions

    declared = permissions()
    links = navigation()
    assert len(links) >= 10
    for link in links:
        assert link.permission in declared, link
        assert reverse(f"backoffice:{link.url_name}", kwargs={"municipality_slug": "soest"})
