from django.apps import AppConfig
from django.core import checks
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "rathaus.core"
    verbose_name = "Rathaus"

    def ready(self) -> None:
        from rathaus.core.cache_table import create_cache_tables
        from rathaus.core.checks import virus_scanner_check

        # Once per migrate: the signal is sent for every app, this receiver listens to the kernel's only.
        post_migrate.connect(create_cache_tables, sender=self, dispatch_uid="rathaus.core.cache_table")
        # Only with --deploy: a developer's machine needs no ClamAV.
        checks.register(virus_scanner_check, checks.Tags.security, deploy=True)
