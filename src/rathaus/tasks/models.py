"""The task workers alive: each `rathaus worker` process keeps one row and renews it (`beat_at`)
while it runs; `rathaus.tasks.recovery` reads them to find tasks whose worker has died."""

from django.db import models


class TaskWorker(models.Model):
    worker_id = models.CharField(max_length=64, primary_key=True)  # django-tasks-db's worker id
    host = models.CharField(max_length=255)  # host name and process namespace: where `pid` means something
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    beat_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.worker_id} ({self.host}, pid {self.pid})"
