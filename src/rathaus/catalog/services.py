from typing import Any

from django.db import transaction

from rathaus.accounts.models import User
from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality
from rathaus.records.services import audit_record


def service_update(*, service: Service, data: dict[str, Any], by: User | None) -> Service:
    """Saves a municipal admin's changes to a service."""
    for name, value in data.items():
        setattr(service, name, value)
    service.full_clean()
    with transaction.atomic():
        service.save(update_fields=[*data.keys(), "updated_at"])
        audit_record(
            municipality=service.municipality,
            actor=by,
            action="service.updated",
            obj=service,
            data={"fields": sorted(data)},
        )
    return service


def service_create(*, municipality: Municipality, data: dict[str, Any], by: User | None) -> Service:
    """Adds a service to the municipality's catalogue."""
    service = Service(municipality=municipality, **data)
    service.full_clean()
    with transaction.atomic():
        service.save()
        audit_record(
            municipality=municipality,
            actor=by,
            action="service.created",
            obj=service,
            data={"leika_key": service.leika_key},
        )
    return service
