"""`rathaus import-schools CSV --municipality SLUG`: load a municipality's schools from the NRW school list."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.municipalities.selectors import municipality_for_command
from rathaus.schoolroute.services import SchoolFileError, schools_import, schools_read_csv


class Command(BaseCommand):
    help = "Import schools (create or update by Schulnummer) from a CSV in the format of the NRW school list."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("csv", help="the school list, comma or semicolon separated, UTF-8")
        parser.add_argument("--municipality", required=True, help="slug of the municipality, e.g. soest")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_for_command(options["municipality"])
        path = Path(options["csv"])
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"Die Datei {path} gibt es nicht. / The file {path} does not exist.") from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Die Datei {path} ist nicht lesbar: {error} / cannot read {path}") from None
        try:
            rows = schools_read_csv(text)
        except SchoolFileError as error:
            raise CommandError(str(error)) from None
        report = schools_import(municipality=municipality, rows=rows)
        for problem in report.problems:
            self.stderr.write(f"Zeile {problem.line}: {problem.reason}")
        self.stdout.write(
            f"{municipality.name}: {report.created} neu, {report.updated} geändert, {report.unchanged} unverändert, "
            f"{len(report.problems)} fehlerhaft."
        )
