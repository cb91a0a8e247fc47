"""Onboarding: from `rathaus municipality add` to the new municipality's first submitted application.

Run with `.venv/bin/python benchmarks/onboarding.py`. Not a test: it prints how long each step
takes on this machine and asserts only that each step worked. It works in a fresh SQLite
database in a temporary directory (migrated first, not timed), with tasks run at once and mail
printed to the console, so the invitation link is read from the command's own output.

1. `rathaus municipality add --ags 05974052 --admin-email …` as a separate process, as an
   operator runs it (Django's start included): Werl from the register, with departments,
   services, trade office, schools, the admin's membership and the invitation mail.
2. The admin follows the link, sets a password, logs in, confirms the password again (allauth
   asks before a second factor), sets up TOTP with a code computed from the secret, and opens
   the back office (Django's test client, in this process).
3. A citizen opens the Gewerbeanmeldung from Werl's service page, fills its eight pages and
   submits it, receipt PDF included (rendered by the task at once).

The figures are machine time; the minutes a person needs to read the mail and type are not in it.
"""

from __future__ import annotations

import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AGS = "05974052"
ADMIN = "leitung@werl.example"
PASSWORD = "Werl-Rathaus-2026-sicher"  # noqa: S105 (benchmark persona)


def environment(data_dir: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{data_dir}/rathaus.sqlite3"
    os.environ["RATHAUS_DATA_DIR"] = data_dir
    os.environ["SECRET_KEY"] = "benchmark-only-not-secret"  # noqa: S105
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    os.environ["EMAIL_URL"] = "console://"
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["LOG_LEVEL"] = "WARNING"
    os.environ["DJANGO_SETTINGS_MODULE"] = "rathaus.settings"


def machine() -> str:
    model = ""
    with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return f"{model}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="rathaus-onboarding-") as data_dir:
        environment(data_dir)
        rathaus = str(ROOT / ".venv" / "bin" / "rathaus")
        subprocess.run([rathaus, "migrate", "--verbosity", "0"], check=True)  # noqa: S603
        # This process's own start-up is not part of what is measured.
        import django

        django.setup()
        from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
        from django.test import Client
        from django.urls import resolve
        from django.utils import timezone

        from rathaus.cases.models import Case
        from rathaus.catalog.models import Service
        from rathaus.municipalities.models import Municipality

        resolve("/")  # loads the URL configuration

        started = time.perf_counter()
        command = subprocess.run(  # noqa: S603
            [rathaus, "municipality", "add", "--ags", AGS, "--admin-email", ADMIN],
            check=True,
            capture_output=True,
            text=True,
        )
        added = time.perf_counter()
        link = re.search(r"https?://\S+(/konto/password/reset/key/\S+)", command.stdout)
        if link is None:
            sys.exit(f"No invitation link in the command's output:\n{command.stdout}\n{command.stderr}")

        admin = Client()
        form_page = admin.get(link.group(1), follow=True)
        admin.post(form_page.redirect_chain[-1][0], {"password1": PASSWORD, "password2": PASSWORD})
        assert admin.post("/konto/login/", {"login": ADMIN, "password": PASSWORD}).status_code == 302  # noqa: S101
        activate = admin.get("/werl/verwaltung/")["Location"]
        admin.post(admin.get(activate)["Location"], {"password": PASSWORD})
        secret = re.search(r'id="authenticator_secret" value="([A-Z2-7]+)"', admin.get(activate).content.decode())
        assert secret is not None  # noqa: S101
        code = format_hotp_value(hotp_value(secret.group(1), int(timezone.now().timestamp()) // 30))
        admin.post(activate, {"code": str(code)})
        assert admin.get("/werl/verwaltung/").status_code == 200  # noqa: S101
        backoffice = time.perf_counter()

        werl = Municipality.objects.get(ags=AGS)
        service = Service.objects.get(municipality=werl, leika_key="99050012104000")
        citizen = Client()
        assert citizen.get(f"/werl/leistungen/{service.pk}/").status_code == 200  # noqa: S101
        location = citizen.post("/werl/antrag/gewerbe-anmeldung/", {"service": str(service.pk)})["Location"]
        steps = _steps((timezone.localdate() + timedelta(days=10)).isoformat())
        while "/pruefen/" not in location:
            response = citizen.post(location, steps[location.rstrip("/").rsplit("/", 1)[1]])
            location = response["Location"]
        done = citizen.post(location, {"declaration": "on", "payment": "counter"})
        assert done.status_code == 302  # noqa: S101
        submitted = time.perf_counter()
        case = Case.objects.filter(municipality=werl).get()

        print(f"Onboarding Werl ({AGS}) on {machine()}")
        print(f"  1. rathaus municipality add (own process)        {added - started:6.2f} s")
        print(f"  2. invitation → password → TOTP → back office    {backoffice - added:6.2f} s")
        print(f"  3. Gewerbeanmeldung, 8 pages and submit          {submitted - backoffice:6.2f} s")
        print(f"     command → first submitted application ({case.reference})  {submitted - started:6.2f} s")


def _steps(start: str) -> dict[str, dict[str, object]]:
    """A sole trader's GewA 1 on real streets of Werl (from the NRW school list); person made up."""
    return {
        "betrieb": {"legal_form": "einzel", "trade_name": "Fahrradwerkstatt am Schloss", "person_count": "1"},
        "person_1": {
            "role": "inhaber",
            "last_name": "Brandt",
            "first_names": "Jana",
            "sex": "w",
            "birth_date": "1990-03-14",
            "birth_place": "Werl",
            "birth_country": "Deutschland",
            "nationality_group": "de",
            "street": "Langenwiedenweg 18",
            "postal_code": "59457",
            "city": "Werl",
            "email": "jana.brandt@example.org",
        },
        "betriebsstaette": {
            "street": "Schloßstraße 2",
            "postal_code": "59457",
            "city": "Werl",
            "establishment": "haupt",
        },
        "taetigkeit": {
            "activity": "Reparatur von Fahrrädern",
            "wz_code": "95290",
            "start_date": start,
            "kinds": ["sonstiges"],
            "staff_full": "0",
            "staff_part": "1",
        },
        "grund": {"reason": "neu"},
        "erlaubnisse": {"permit_required": "no", "craft_card": "not_needed"},
    }


if __name__ == "__main__":
    main()
