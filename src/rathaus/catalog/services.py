from typing import Any

from django.db import transaction

from rathaus.catalog.models import Service
from rathaus.municipalities.models import Municipality


def service_update(*, service: Service, data: dict[str, Any]) -> Service:
    """Saves a municipal admin's changes to a service."""
    for name, value in data.items():
        setattr(service, name, value)
    service.full_clean()
    with transaction.atomic():
        service.save(update_fields=[*data.keys(), "updated_at"])
    return service


def service_create(*, municipality: Municipality, data: dict[str, Any]) -> Service:
    """Adds a service to the municipality's catalogue."""
    service = Service(municipality=municipality, **data)
    service.full_clean()
    with transaction.atomic():
        service.save()
    return service
