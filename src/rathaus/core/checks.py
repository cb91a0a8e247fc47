"""System checks of the kernel, run by `rathaus check` (and with `--deploy` the deployment ones)."""

from collections.abc import Sequence
from typing import Any

from django.apps import AppConfig
from django.core.checks import CheckMessage
from django.core.checks import Warning as CheckWarning

from rathaus.core.uploads import clamav_command


def virus_scanner_check(app_configs: Sequence[AppConfig] | None, **kwargs: Any) -> list[CheckMessage]:
    """rathaus.W001: uploads are only checked by type without ClamAV, which Rathaus calls where it finds
    clamdscan or clamscan on the PATH. A warning, not an error: an office without it can still go live."""
    if clamav_command() is not None:
        return []
    return [
        CheckWarning(
            "No virus scanner: neither clamdscan nor clamscan is on the PATH, so uploaded documents are "
            "checked by their content's type and structure only, not against virus signatures.",
            hint="Install ClamAV (clamav-daemon for clamdscan) on the server and keep its signatures updated "
            "with freshclam; see docs/operations.md.",
            id="rathaus.W001",
        )
    ]
