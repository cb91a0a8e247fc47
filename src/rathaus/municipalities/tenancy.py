"""Tenant isolation: the one place that keeps each municipality's rows apart.

Every tenant-owned model inherits `TenantModel`. Its default manager filters by the
municipality of the current request, which `TenantMiddleware` sets from the URL. A request
for `/lippstadt/…` therefore cannot see a row of Soest, whatever a view asks for, and a
request without a municipality in its URL sees no tenant rows at all.

Outside a request (management commands, the task worker, tests that call services directly)
no tenant is active and the manager returns every row; such code names its municipality
explicitly.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Final, TypeVar

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from rathaus.municipalities.models import Municipality


class _NoTenant:
    """Marks a request whose URL names no municipality: tenant rows are hidden."""

    def __repr__(self) -> str:
        return "NO_TENANT"


NO_TENANT: Final = _NoTenant()
_current: ContextVar[Municipality | _NoTenant | None] = ContextVar("rathaus_tenant", default=None)


def current_municipality() -> Municipality | None:
    value = _current.get()
    return None if isinstance(value, _NoTenant) else value


@contextmanager
def tenant_scope(municipality: Municipality | _NoTenant | None) -> Iterator[None]:
    """Puts `municipality` in scope for the code inside (NO_TENANT: no tenant rows at all)."""
    token = _current.set(municipality)
    try:
        yield
    finally:
        _current.reset(token)


def request_tenant_set(municipality: Municipality) -> None:
    """For the tenant middleware only: the request's URL names `municipality`. The middleware's
    surrounding `tenant_scope(NO_TENANT)` restores the state when the request ends."""
    _current.set(municipality)


_Row = TypeVar("_Row", bound=models.Model)


class TenantManager(models.Manager[_Row]):
    def get_queryset(self) -> models.QuerySet[_Row]:
        queryset = super().get_queryset()
        tenant = _current.get()
        if tenant is None:
            return queryset
        if isinstance(tenant, _NoTenant):
            return queryset.none()
        return queryset.filter(municipality=tenant)


class TenantModel(models.Model):
    """A row that belongs to one municipality."""

    municipality = models.ForeignKey("municipalities.Municipality", on_delete=models.CASCADE, related_name="+")

    objects = TenantManager()
    # Only for code that must see every tenant on purpose (demo loader, statistics).
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
