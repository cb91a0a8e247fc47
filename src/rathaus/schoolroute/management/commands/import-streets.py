"""`rathaus import-streets FILE --municipality SLUG`: import a municipality's walking network from OSM."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.municipalities.selectors import municipality_for_command
from rathaus.routing import RoutingError
from rathaus.schoolroute.services import street_network_import


class Command(BaseCommand):
    help = (
        "Import the street network (walking graph) of a municipality from an OpenStreetMap extract: "
        ".osm, .osm.gz, .osm.bz2, .osm.pbf or Overpass GeoJSON. Replaces the previous network."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the OSM extract")
        parser.add_argument("--municipality", required=True, help="slug of the municipality, e.g. muenster")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = municipality_for_command(options["municipality"])
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Die Datei {path} gibt es nicht. / The file {path} does not exist.")
        try:
            network = street_network_import(
                municipality=municipality,
                path=path,
                progress=None if options["verbosity"] == 0 else self.stderr.write,
            )
        except RoutingError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            f"{municipality.name}: Straßennetz aus {network.source_name} importiert, "
            f"{network.node_count} Knoten, {network.edge_count} Kanten, {network.address_count} Adressen."
        )
