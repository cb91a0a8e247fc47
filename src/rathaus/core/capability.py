"""The plug-in contract: what an app brings to the portal, declared in one place, its `AppConfig`.

A capability (the trade office, the school route, job applications, and every later one) is a
Django app whose config has a `capability` attribute. Adding one is a new app plus one line in
`INSTALLED_APPS`; nothing in the platform changes. The platform and the engine declare their own
pages, permissions and jobs the same way, so the site, the back office's navigation, the access
policy and the scheduler all read one list.

Everything is named by dotted path and imported only when it is used, so declaring a capability
imports nothing and no app needs to know another:

    class TradeConfig(AppConfig):
        name = "rathaus.trade"
        capability = Capability(
            label=_("Gewerbeamt"),
            procedures=("rathaus.trade.procedure",),
            public_urls="rathaus.trade.urls.public_patterns",
            backoffice_urls="rathaus.trade.urls.backoffice_patterns",
            api_router="rathaus.trade.api.router",
            permissions=(Permission("trade.register", _("Gewerberegister einsehen"), departments=("ordnungsamt",)),),
            navigation=(NavLink(_("Gewerberegister"), "trade_register", "trade.register"),),
            periodic_jobs=(PeriodicJob("trade-outbox", "rathaus.trade.outbox.deliver_due", timedelta(minutes=1)),),
            demo="rathaus.trade.demo.trade_demo_load",
            onboard="rathaus.trade.onboarding.trade_onboard",
            audit_actions={"trade.outbox_resent": _("Nachricht an Empfangsbehörde erneut gesendet")},
        )
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils.functional import Promise
from django.utils.module_loading import import_string

Text = str | Promise


@dataclass(frozen=True)
class Permission:
    """Something a member of staff may do or see, held by role and department.

    Admins of the municipality hold it unless `admins` is False. Clerks hold it when `clerks` is
    True and they belong to one of `departments` (keys of `Department`); an empty tuple means
    every department. A clerk who belongs to no department is a generalist and holds it when
    `generalists` is True.
    """

    name: str
    label: Text
    departments: tuple[str, ...] = ()
    clerks: bool = True
    admins: bool = True
    generalists: bool = True


@dataclass(frozen=True)
class NavLink:
    """A link in the back office's navigation: shown only to those who hold `permission`."""

    label: Text
    url_name: str  # in the back office's namespace, without "backoffice:"
    permission: str
    description: Text = ""


@dataclass(frozen=True)
class PeriodicJob:
    """Work the scheduler in `rathaus serve` starts every `every`: `task` is the dotted path of a
    django-tasks task (queued for the worker) or of a plain function (called in the scheduler)."""

    name: str
    task: str
    every: timedelta
    run_at_start: bool = True


@dataclass(frozen=True)
class Capability:
    label: Text
    procedures: tuple[str, ...] = ()  # modules imported at start-up; each registers its procedures
    public_urls: str | None = None  # a list of URL patterns under /<slug>/
    backoffice_urls: str | None = None  # a list of URL patterns under /<slug>/verwaltung/
    site_urls: str | None = None  # a list of URL patterns under /
    api_router: str | None = None  # a django-ninja Router under /api/v1/
    permissions: tuple[Permission, ...] = ()
    navigation: tuple[NavLink, ...] = ()
    periodic_jobs: tuple[PeriodicJob, ...] = ()
    demo: str | None = None  # a function(municipality) that loads its demo data (in scope) and returns logins
    # A function(municipality) that sets the app up for a new municipality, in scope; not demo data.
    # It returns a list of short German notes for the operator and the first admin (what it set
    # up, what is left to fill in).
    onboard: str | None = None
    audit_actions: Mapping[str, Text] = field(default_factory=dict)  # action code: German words


@dataclass(frozen=True)
class Contribution:
    """One app's capability with the app it comes from."""

    app_label: str
    app_name: str
    capability: Capability


def contributions() -> Iterator[Contribution]:
    """Every installed app's capability, in the order of `INSTALLED_APPS`."""
    for config in apps.get_app_configs():
        capability = getattr(config, "capability", None)
        if isinstance(capability, Capability):
            yield Contribution(config.label, config.name, capability)


def url_patterns(kind: str) -> list[Any]:
    """The URL patterns of one kind ("public_urls", "backoffice_urls", "site_urls") of every app."""
    patterns: list[Any] = []
    for contribution in contributions():
        dotted = getattr(contribution.capability, kind)
        if dotted:
            patterns.extend(import_string(dotted))
    return patterns


def permissions() -> dict[str, Permission]:
    found: dict[str, Permission] = {}
    for contribution in contributions():
        for permission in contribution.capability.permissions:
            if permission.name in found:
                raise ValueError(f"The permission {permission.name!r} is declared twice.")
            found[permission.name] = permission
    return found


def navigation() -> list[NavLink]:
    return [link for contribution in contributions() for link in contribution.capability.navigation]


def periodic_jobs() -> list[PeriodicJob]:
    return [job for contribution in contributions() for job in contribution.capability.periodic_jobs]


def demo_loaders() -> list[Callable[[Any], Any]]:
    return [import_string(c.capability.demo) for c in contributions() if c.capability.demo]


def onboarders() -> list[Callable[[Any], Any]]:
    """Each app's set-up for a new municipality, in the order of `INSTALLED_APPS` (the catalogue
    before the capabilities that link its services to their procedures)."""
    return [import_string(c.capability.onboard) for c in contributions() if c.capability.onboard]


def audit_actions() -> dict[str, Text]:
    found: dict[str, Text] = {}
    for contribution in contributions():
        for code, label in contribution.capability.audit_actions.items():
            if code in found:
                raise ValueError(f"The audit action {code!r} is declared twice.")
            found[code] = label
    return found
