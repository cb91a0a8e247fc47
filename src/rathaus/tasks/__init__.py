"""The task workers' side of the background queue (django-tasks with django-tasks-db): which
workers are alive (`models.TaskWorker`), running again what a dead worker left (`recovery`), and
points where tests can stop a task (`pause`)."""
