from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "rathaus.core"
    verbose_name = "Rathaus"

    def ready(self) -> None:
        from rathaus.core.cache_table import create_cache_tables

        # Once per migrate: the signal is sent for every app, this receiver listens to the kernel's only.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="rathaus.core.cache_table")
