"""`rathaus route --graph FILE --from LAT,LON --to LAT,LON`: a walking route as JSON."""

import json
import math
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.routing import Graph, RoutingError


def parse_point(text: str) -> tuple[float, float]:
    try:
        lat, lon = (float(part) for part in text.split(","))
    except ValueError:
        raise CommandError(
            f"„{text}“ ist keine Koordinate wie 49.95,11.58. / “{text}” is not a coordinate like 49.95,11.58."
        ) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise CommandError(f"„{text}“ liegt außerhalb der Erde. / “{text}” is not on Earth.")
    return lat, lon


class Command(BaseCommand):
    help = "Print the shortest walking route between two points as JSON (length_m, coordinates as [lat, lon])."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--graph", required=True, help="a graph written by import-osm")
        parser.add_argument("--from", dest="start", required=True, help="LAT,LON")
        parser.add_argument("--to", dest="end", required=True, help="LAT,LON")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = parse_point(options["start"]), parse_point(options["end"])
        try:
            route = Graph.load(options["graph"]).route(start, end)
        except RoutingError as error:
            raise CommandError(str(error)) from error
        result = {
            "length_m": round(route.length_m, 2),
            "start": [route.start.lat, route.start.lon],
            "end": [route.end.lat, route.end.lon],
            "coordinates": [[lat, lon] for lat, lon in route.coordinates],
        }
        self.stdout.write(json.dumps(result))
