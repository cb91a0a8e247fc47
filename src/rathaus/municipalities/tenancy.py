"""Tenant isolation: the one place that keeps each municipality's rows apart. It fails closed.

Every tenant-owned model inherits `TenantModel`. Its default manager `objects` answers only for
the municipality in scope:

- in a request, the municipality named in the URL (`accounts.access.TenantMiddleware` sets it);
  a request whose URL names none sees no tenant rows at all;
- in code that runs outside a request (tasks, commands, the demo), the municipality it names
  with `with tenant_scope(municipality):`, or per query with `Model.objects.of(municipality)`
  (or a query that names it, `objects.filter(municipality=…)`), which filters by that
  municipality and creates rows in it; inside a request such a query still stays within the
  request's municipality;
- with nothing in scope, `objects` raises `TenantScopeError` instead of returning every
  municipality's rows. A related manager (`case.documents`) still answers: its rows point at
  one row, and `TenantModel.clean` keeps them in that row's municipality.

Work that must see every municipality on purpose (the retention run, the outbox's due messages
across towns, the demo loader, a person's memberships in several towns) uses the one named
escape, `Model.all_tenants`. Each use outside tests and migrations is in `REVIEWED_ESCAPES`
below, and `tests/test_tenant_escapes.py` fails when the code and the list disagree.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Final, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.sql.where import NothingNode
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rathaus.municipalities.models import Municipality


class TenantScopeError(RuntimeError):
    """A tenant model was queried with no municipality in scope."""


class _NoTenant:
    """Marks a request whose URL names no municipality: tenant rows are hidden."""

    def __repr__(self) -> str:
        return "NO_TENANT"


NO_TENANT: Final = _NoTenant()
_current: ContextVar[Municipality | _NoTenant | _Every | None] = ContextVar("rathaus_tenant", default=None)

# Files (under src/rathaus) that use the escape `all_tenants`, with how often and why. Keep it short:
# code that works for one municipality names it with `tenant_scope` or `objects.of(...)`.
REVIEWED_ESCAPES: Final[dict[str, tuple[int, str]]] = {
    "accounts/services.py": (2, "deleting an account removes the person's memberships and feedback in every town"),
    "accounts/views.py": (1, "a person's profile lists their staff memberships in every town"),
    "cases/retention.py": (3, "the retention run finds due cases and stale drafts of every town, then works per case"),
    "cases/tasks.py": (2, "a PDF task gets a case id, finds the case, then works in its municipality's scope"),
    "records/management/commands/audit.py": (1, "the operator's `audit verify` counts every town's entries"),
    "schoolroute/batch.py": (2, "the batch task finds its run by id; the 30-day purge deletes old runs of every town"),
    "trade/management/commands/outbox.py": (2, "the operator's `outbox` command reports every town's messages"),
    "trade/outbox.py": (
        3,
        "the delivery task finds its message by id; the scheduler queues due messages of every town",
    ),
}


def current_municipality() -> Municipality | None:
    value = _current.get()
    return None if isinstance(value, (_NoTenant, _Every)) else value


@contextmanager
def tenant_scope(municipality: Municipality | _NoTenant) -> Iterator[None]:
    """Puts `municipality` in scope for the code inside (NO_TENANT: no tenant rows at all)."""
    token = _current.set(municipality)
    try:
        yield
    finally:
        _current.reset(token)


@contextmanager
def outside_any_scope() -> Iterator[None]:
    """No municipality in scope, as at the start of a worker, a command or the scheduler."""
    token = _current.set(None)
    try:
        yield
    finally:
        _current.reset(token)


def request_tenant_set(municipality: Municipality) -> None:
    """For the tenant middleware only: the request's URL names `municipality`. The middleware's
    surrounding `tenant_scope(NO_TENANT)` restores the state when the request ends."""
    _current.set(municipality)


_Row = TypeVar("_Row", bound=models.Model)


class _Every:
    """Django's own integrity checks (unique constraints, a foreign key's municipality) look at
    every row: they answer only "exists or not", and the database enforces the same anyway."""


_EVERY: Final = _Every()


@contextmanager
def _integrity_checks() -> Iterator[None]:
    token = _current.set(_EVERY)
    try:
        yield
    finally:
        _current.reset(token)


def _named_municipality(kwargs: dict[str, Any]) -> Any:
    return kwargs.get("municipality", kwargs.get("municipality_id"))


class TenantQuerySet(models.QuerySet[_Row]):
    """Rows of one municipality: `create` (and so `get_or_create`) makes rows in it.

    Built with nothing in scope, the queryset is "unscoped": it may be built and refined (Django
    builds form fields' querysets when a module is imported) but it refuses to run, unless a
    filter names the municipality."""

    _tenant_id: int | None = None
    _unscoped: bool = False

    def _clone(self) -> TenantQuerySet[_Row]:
        clone: TenantQuerySet[_Row] = super()._clone()  # type: ignore[misc]
        clone._tenant_id = self._tenant_id
        clone._unscoped = self._unscoped
        return clone

    def _refuse_unscoped(self) -> None:
        if self._unscoped and not isinstance(_current.get(), _Every):
            raise TenantScopeError(
                f"{self.model.__name__}: no municipality is in scope. Outside a request, name it with "
                "`tenant_scope(municipality)` or `objects.of(municipality)`; work across every "
                "municipality uses `all_tenants` and is listed in municipalities/tenancy.py."
            )

    def filter(self, *args: Any, **kwargs: Any) -> TenantQuerySet[_Row]:
        named = _named_municipality(kwargs)
        if self._unscoped and named is not None:
            clone = self._clone()
            clone._unscoped = False
            clone.query.where.children = [c for c in clone.query.where.children if not isinstance(c, NothingNode)]
            clone._tenant_id = named if isinstance(named, int) else named.pk
            return clone.filter(*args, **kwargs)
        return super().filter(*args, **kwargs)

    def _fetch_all(self) -> None:
        self._refuse_unscoped()
        super()._fetch_all()

    def count(self) -> int:
        self._refuse_unscoped()
        return super().count()

    def exists(self) -> bool:
        self._refuse_unscoped()
        return super().exists()

    def aggregate(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        self._refuse_unscoped()
        return super().aggregate(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        self._refuse_unscoped()
        return super().update(**kwargs)

    def delete(self) -> tuple[int, dict[str, int]]:
        self._refuse_unscoped()
        return super().delete()

    def iterator(self, chunk_size: int | None = None) -> Iterator[_Row]:
        self._refuse_unscoped()
        return super().iterator(chunk_size=chunk_size)

    def create(self, **kwargs: Any) -> _Row:
        if self._tenant_id is not None and "municipality" not in kwargs:
            kwargs.setdefault("municipality_id", self._tenant_id)
        return super().create(**kwargs)


class TenantManager(models.Manager[_Row]):
    def _all(self) -> TenantQuerySet[_Row]:
        return TenantQuerySet(self.model, using=self._db)

    def get_queryset(self) -> TenantQuerySet[_Row]:
        tenant = _current.get()
        queryset = self._all()
        if tenant is None and getattr(self, "instance", None) is not None:
            # A related manager (`case.documents`): its rows are the ones pointing at one row, which
            # `TenantModel.clean` keeps in that row's municipality. Django adds the filter.
            return queryset
        if tenant is None:
            # Refuses to run unless a filter names the municipality; used inside another query
            # (a subquery), where it cannot refuse, it matches nothing.
            queryset._unscoped = True
            queryset.query.set_empty()
            return queryset
        if isinstance(tenant, _Every):
            return queryset
        if isinstance(tenant, _NoTenant):
            return queryset.none()
        queryset._tenant_id = tenant.pk
        return queryset.filter(municipality=tenant)

    def of(self, municipality: Municipality | int) -> TenantQuerySet[_Row]:
        """The rows of `municipality` (an instance or its id). Inside a request for another
        municipality, or one that names none, there are none."""
        municipality_id = municipality if isinstance(municipality, int) else municipality.pk
        tenant = _current.get()
        if isinstance(tenant, _NoTenant) or (
            tenant is not None and not isinstance(tenant, _Every) and tenant.pk != municipality_id
        ):
            return self._all().none()
        queryset = self._all().filter(municipality_id=municipality_id)
        queryset._tenant_id = municipality_id
        return queryset


class TenantModel(models.Model):
    """A row that belongs to one municipality."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    # The one escape, for code that must see every tenant on purpose (see REVIEWED_ESCAPES).
    all_tenants = models.Manager()  # noqa: DJ012 (kept next to the manager it bypasses)

    class Meta:
        abstract = True

    def validate_unique(self, exclude: Any = None) -> None:
        with _integrity_checks():
            super().validate_unique(exclude=exclude)

    def validate_constraints(self, exclude: Any = None) -> None:
        with _integrity_checks():
            super().validate_constraints(exclude=exclude)

    def clean(self) -> None:
        """A row may only point at rows of its own municipality."""
        super().clean()
        for model_field in self._meta.concrete_fields:
            target = model_field.related_model
            if not model_field.many_to_one or not isinstance(target, type) or not issubclass(target, TenantModel):
                continue
            related_id = getattr(self, model_field.attname)
            if related_id is None:
                continue
            owner = target.all_tenants.filter(pk=related_id).values_list("municipality_id", flat=True).first()
            if owner != self.municipality_id:
                raise ValidationError({model_field.name: _("Dieser Eintrag gehört zu einer anderen Kommune.")})
