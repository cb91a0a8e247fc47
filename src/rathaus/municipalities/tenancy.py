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
_current: ContextVar[Municipality | _NoTenant | None] = ContextVar("rathaus_tenant", default=None)

# Files (under src/rathaus) that use the escape `all_tenants`, with how often and why. Keep it short:
# code that works for one municipality names it with `tenant_scope` or `objects.of(...)`.
REVIEWED_ESCAPES: Final[dict[str, tuple[int, str]]] = {}


def current_municipality() -> Municipality | None:
    value = _current.get()
    return None if isinstance(value, _NoTenant) else value


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
_FAIL_CLOSED = False  # switched on once every caller names its municipality


class TenantQuerySet(models.QuerySet[_Row]):
    """Rows of one municipality: `create` (and so `get_or_create`) makes rows in it."""

    _tenant_id: int | None = None

    def _clone(self) -> TenantQuerySet[_Row]:
        clone: TenantQuerySet[_Row] = super()._clone()  # type: ignore[assignment]
        clone._tenant_id = self._tenant_id
        return clone

    def create(self, **kwargs: Any) -> _Row:
        if self._tenant_id is not None and "municipality" not in kwargs:
            kwargs.setdefault("municipality_id", self._tenant_id)
        return super().create(**kwargs)


class TenantManager(models.Manager[_Row]):
    def _all(self) -> TenantQuerySet[_Row]:
        return TenantQuerySet(self.model, using=self._db)

    def get_queryset(self) -> TenantQuerySet[_Row]:
        tenant = _current.get()
        if tenant is None and getattr(self, "instance", None) is not None:
            # A related manager (`case.documents`): its rows are the ones pointing at one row, which
            # `TenantModel.clean` keeps in that row's municipality. Django adds the filter.
            return self._all()
        if tenant is None and not _FAIL_CLOSED:
            return self._all()
        if tenant is None:
            raise TenantScopeError(
                f"{self.model.__name__}: no municipality is in scope. Outside a request, name it with "
                "`tenant_scope(municipality)` or `objects.of(municipality)`; work across every "
                "municipality uses `all_tenants` and is listed in municipalities/tenancy.py."
            )
        queryset = self._all()
        if isinstance(tenant, _NoTenant):
            return queryset.none()
        queryset._tenant_id = tenant.pk
        return queryset.filter(municipality=tenant)

    def _scoped(self, kwargs: dict[str, Any]) -> TenantQuerySet[_Row]:
        """With nothing in scope, a query that names its municipality (`filter(municipality=…)`)
        is scoped by it; in a request it stays within the request's municipality as well."""
        if _current.get() is None and getattr(self, "instance", None) is None:
            named = kwargs.get("municipality", kwargs.get("municipality_id"))
            if named is not None:
                return self.of(named)
        return self.get_queryset()

    def filter(self, *args: Any, **kwargs: Any) -> TenantQuerySet[_Row]:
        return self._scoped(kwargs).filter(*args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> _Row:
        return self._scoped(kwargs).get(*args, **kwargs)

    def create(self, **kwargs: Any) -> _Row:
        return self._scoped(kwargs).create(**kwargs)

    def get_or_create(self, defaults: Any = None, **kwargs: Any) -> tuple[_Row, bool]:
        return self._scoped(kwargs).get_or_create(defaults=defaults, **kwargs)

    def update_or_create(self, defaults: Any = None, create_defaults: Any = None, **kwargs: Any) -> tuple[_Row, bool]:
        return self._scoped(kwargs).update_or_create(defaults=defaults, create_defaults=create_defaults, **kwargs)

    def of(self, municipality: Municipality | int) -> TenantQuerySet[_Row]:
        """The rows of `municipality` (an instance or its id). Inside a request for another
        municipality, or one that names none, there are none."""
        municipality_id = municipality if isinstance(municipality, int) else municipality.pk
        tenant = _current.get()
        if isinstance(tenant, _NoTenant) or (tenant is not None and tenant.pk != municipality_id):
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
