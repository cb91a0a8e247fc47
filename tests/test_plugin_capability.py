"""A capability plugs in with one line in INSTALLED_APPS and no change to the platform.

The test capability (`tests/plugin`) is installed only in `tests.plugin.settings`; its checks
run in a process of their own, because Django builds its URL configuration, API and procedure
registry once per process.
"""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_test_capability_plugs_in_without_platform_changes() -> None:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.plugin.settings"}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "pytest", "-q", "-n", "0", "-p", "no:cacheprovider", "tests/plugin/checks.py"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "9 passed" in result.stdout
