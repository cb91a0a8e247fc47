from datetime import timedelta

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from rathaus.core.capability import Capability, PeriodicJob


class TasksConfig(AppConfig):
    name = "rathaus.tasks"
    verbose_name = _("Hintergrundaufgaben")
    capability = Capability(
        label=_("Hintergrundaufgaben"),
        # A plain function, called in the scheduler: it must run even when no worker is alive.
        periodic_jobs=(PeriodicJob("task-recovery", "rathaus.tasks.recovery.tasks_recover", timedelta(minutes=1)),),
    )
