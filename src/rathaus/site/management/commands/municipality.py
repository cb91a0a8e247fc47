"""`rathaus municipality add --ags AGS --admin-email ADDRESS`: put any German municipality on the
platform from the official register; `rathaus municipality list`: the municipalities on it."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.accounts.models import Membership
from rathaus.municipalities.models import Municipality
from rathaus.site.onboarding import OnboardingError, municipality_onboard


class Command(BaseCommand):
    help = "Add a municipality from the Destatis register (add) or list those on the platform (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="action", required=True, metavar="{add,list}")
        add = commands.add_parser("add", help="add a municipality by its AGS and invite its first admin")
        add.add_argument("--ags", required=True, help="Amtlicher Gemeindeschlüssel, 8 digits, e.g. 05974052")
        add.add_argument("--admin-email", required=True, help="e-mail address of the first admin (invited)")
        add.add_argument("--slug", default=None, help="address slug; derived from the name if left out")
        add.add_argument("--street", default="", help="street and number of the town hall")
        add.add_argument(
            "--postal-code", default="", help="the town hall's postal code (a district's is not in the register)"
        )
        add.add_argument("--city", default="", help="the town hall's town (a district's is not in the register)")
        add.add_argument("--phone", default="", help="the town hall's phone number")
        add.add_argument("--email", default="", help="the town hall's public e-mail address")
        add.add_argument("--website", default="", help="the municipality's website (https://…)")
        commands.add_parser("list", help="list the municipalities on the platform")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            self._list()
            return
        try:
            result = municipality_onboard(
                ags=options["ags"],
                admin_email=options["admin_email"],
                slug=options["slug"],
                street=options["street"],
                postal_code=options["postal_code"],
                city=options["city"],
                phone=options["phone"],
                email=options["email"],
                website=options["website"],
            )
        except OnboardingError as error:
            raise CommandError(str(error)) from None
        municipality = result.municipality
        self.stdout.write(
            f"{municipality.name} ({municipality.ags}, {result.entry.type}, {result.entry.district_name or '–'}, "
            f"{result.entry.land_name}) ist jetzt unter /{municipality.slug}/ erreichbar."
        )
        self.stdout.write(f"Einladung an {result.admin.email} ist verschickt.")
        for note in result.notes:
            self.stdout.write(f"- {note}")
        if result.open_fields:
            self.stdout.write(f"- Noch zu ergänzen (Verwaltung → Angaben der Kommune): {', '.join(result.open_fields)}")

    def _list(self) -> None:
        for municipality in Municipality.objects.order_by("ags"):
            admins = Membership.objects.filter(municipality=municipality, role=Membership.Role.ADMIN).count()
            self.stdout.write(
                f"{municipality.ags}  /{municipality.slug}/  {municipality.name}  "
                f"({municipality.get_kind_display()}, {admins} Admin{'s' if admins != 1 else ''})"
            )
