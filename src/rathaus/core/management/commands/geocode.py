"""`rathaus geocode --osm FILE|--hk FILE --street S --number N [--city C]`: an address as JSON."""

import json
from dataclasses import asdict
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rathaus.routing import AddressIndex, AddressNotFound, AmbiguousAddress, RoutingError


class Command(BaseCommand):
    help = (
        "Print the address point of a street and house number as JSON (lat, lon, street, housenumber, city, source);"
        " on a miss, the error lists suggestions."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--osm", help="an .osm, .osm.gz, .osm.bz2 or .osm.pbf file with addr:* tags")
        source.add_argument("--hk", help="an NRW house coordinate file (.geojson or the published .zip)")
        parser.add_argument("--street", required=True)
        parser.add_argument("--number", required=True, help="house number with suffix, e.g. 12a")
        parser.add_argument("--city", help="the place, where the street name exists in several places")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            if options["osm"]:
                index = AddressIndex.from_osm(options["osm"])
            else:
                index = AddressIndex.from_house_coordinates(options["hk"])
            address = index.lookup(options["street"], options["number"], city=options["city"])
        except (AddressNotFound, AmbiguousAddress) as error:
            raise CommandError(
                f"{error} {json.dumps({'suggestions': error.suggestions}, ensure_ascii=False)}"
            ) from error
        except RoutingError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(asdict(address), ensure_ascii=False))
