"""`rathaus demo`: load the demo municipalities, services and logins (idempotent)."""

from typing import Any

from django.core.management.base import BaseCommand

from rathaus.site.demo import demo_load


class Command(BaseCommand):
    help = "Load demo data: Soest, Lippstadt, Iserlohn, Kreis Soest and Münster with services, schools and logins."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = demo_load()
        self.stdout.write(self.style.SUCCESS("Demo data are in place. Logins (demo only, never in production):"))
        for login in logins:
            line = f"  {login.municipality:<16} {login.role:<24} {login.email:<36} password: {login.password}"
            if login.totp_secret:
                line += f"  TOTP secret: {login.totp_secret}"
            self.stdout.write(line)
        self.stdout.write(
            "Staff log in with password and a code from an authenticator app set up with the TOTP secret."
        )
