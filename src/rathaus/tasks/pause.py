"""Marked points where a task can be made to wait, for tests that kill a worker in the middle of
its work (`tests/test_worker_durability.py`). Off unless `TASK_PAUSE_DIR` names a folder.

At `pause_point("receipt-stored")` the process writes `<dir>/receipt-stored.<pid>.waiting` and
waits until `<dir>/receipt-stored.go` exists: the test knows exactly where the worker stands
when it kills it, and nothing races against a sleep.
"""

import os
import time
from pathlib import Path

from django.conf import settings

POLL_SECONDS = 0.02


def pause_point(name: str) -> None:
    folder = settings.TASK_PAUSE_DIR
    if not folder:
        return
    directory = Path(folder)
    (directory / f"{name}.{os.getpid()}.waiting").touch()
    go = directory / f"{name}.go"
    while not go.exists():
        time.sleep(POLL_SECONDS)
