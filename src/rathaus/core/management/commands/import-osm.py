"""`rathaus import-osm FILE --out GRAPH`: build the pedestrian graph from an OSM extract."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.routing import Graph, RoutingError


class Command(BaseCommand):
    help = "Build the walking graph from .osm, .osm.gz, .osm.bz2, .osm.pbf or Overpass GeoJSON and save it (.npz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="the OSM extract")
        parser.add_argument("--out", required=True, help="where to write the graph (.npz)")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if not out.parent.is_dir():
            raise CommandError(f"Den Ordner {out.parent} gibt es nicht. / The folder {out.parent} does not exist.")
        quiet = options["verbosity"] == 0
        try:
            graph = Graph.from_osm(options["file"], progress=None if quiet else self.stderr.write)
            graph.save(out)
        except (RoutingError, OSError) as error:
            raise CommandError(str(error)) from error
        if not quiet:
            self.stdout.write(f"{graph.node_count} nodes, {graph.edge_count} edges → {out}")
