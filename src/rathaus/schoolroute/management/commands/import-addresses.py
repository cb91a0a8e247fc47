"""`rathaus import-addresses FILE --municipality SLUG`: import a municipality's address points."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.municipalities.selectors import municipality_for_command
from rathaus.routing import RoutingError
from rathaus.schoolroute.services import addresses_import


class Command(BaseCommand):
    help = (
        "Import the address points (street, house number) of a municipality: an official NRW house "
        "coordinate file (.geojson or its .zip) or an OSM extract with addr:* tags. Replaces the previous "
        "addresses; needs the street network (import-streets) first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the house coordinate file or OSM extract")
        parser.add_argument("--municipality", required=True, help="slug of the municipality, e.g. muenster")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_for_command(options["municipality"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht. / The file {path} does not exist.")
        try:
            network = addresses_import(municipality=municipality, path=path)
        except (RoutingError, ValueError) as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{municipality.name}: {network.address_count} Adressen aus {network.address_source} importiert."
        )
