"""`rathaus demo`: the demo data of every layer, composed here at the top.

The platform's municipalities and staff first, then the catalogue's services, then for each
municipality each capability's own demo loader (its `Capability.demo`, in the order of
`INSTALLED_APPS`), with that municipality in scope, and a citizen last. Idempotent: a second run
changes nothing. Tests that need only the municipalities and their services pass
`capabilities=False`.
"""

from django.db import transaction

from rathaus.accounts.demo import DemoLogin, citizen_demo_load, staff_demo_load
from rathaus.catalog.demo import catalog_demo_load
from rathaus.core.capability import demo_loaders
from rathaus.municipalities.demo import level_of, municipalities_demo_load
from rathaus.municipalities.tenancy import tenant_scope


@transaction.atomic
def demo_load(*, capabilities: bool = True) -> list[DemoLogin]:
    municipalities = municipalities_demo_load()
    logins = staff_demo_load(municipalities)
    catalog_demo_load(municipalities, {m.ags: level_of(m) for m in municipalities})
    if capabilities:
        loaders = demo_loaders()
        for municipality in municipalities:
            with tenant_scope(municipality):
                for load in loaders:
                    logins.extend(load(municipality))
    logins.append(citizen_demo_load())
    return logins
