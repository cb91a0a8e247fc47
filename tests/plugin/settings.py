"""The portal's settings plus one line: the test capability."""

from rathaus.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.plugin"]  # noqa: F405
