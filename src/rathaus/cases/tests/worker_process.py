"""`rathaus` with the tests' procedure registered, for tests that run a real worker process
(`test_worker_durability.py`): python -m rathaus.cases.tests.worker_process worker [options]."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from rathaus.cases.tests.procedure import TestPermit
    from rathaus.procedures import registry

    registry.register(TestPermit)
    execute_from_command_line(["rathaus", *sys.argv[1:]])


if __name__ == "__main__":
    main()
