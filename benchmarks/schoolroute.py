"""The school route as people use it: the parents' page, the API, the school office's eligibility map
and the batch check of a whole school roll, on the demo's real Münster-Gievenbeck network.

Run with `make bench-schoolroute` (or the command below). Not a test: it prints figures and
asserts nothing about them. It works in a fresh SQLite database in a temporary directory,
loads the demo (which imports the Gievenbeck network: 2,005 OSM ways, ODbL, © OpenStreetMap
contributors; the 8 schools of the NRW school list in the area) and measures, after warm-up:

1. `GET /muenster/schulweg/?school=…&grade=…&lat=…&lon=…` through Django's test client (the
   whole request: form, route to the chosen school and to every other school of its Schulform
   for § 9, the SVG route map, the template), for seeded random front doors on the network;
   the page's size in bytes (phones).
2. `GET /muenster/schulweg/karte.svg`: the map of the whole network to click on.
3. `GET /api/v1/municipalities/muenster/school-route` for the same points.
4. The eligibility map of one school: `distances_from`, the band of every edge, the SVG.
5. The batch check (`roll_check`, what the background task runs) of a school roll of `--rows`
   rows: seeded random points on the network, each with a random school and a grade it teaches.

    .venv/bin/python benchmarks/schoolroute.py [--requests 200] [--rows 1000] [--seed 2026]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from cases import environment, machine, percentile, table, timed

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

GRADES = {"Grundschule": 3, "Gymnasium": 7, "Gesamtschule": 8, "Realschule": 6, "Hauptschule": 6}


def fetch(client: Any, path: str, query: dict[str, Any] | None = None) -> tuple[float, Any]:
    """The response and the milliseconds it took."""
    started = time.perf_counter()
    response = client.get(path, query)
    return (time.perf_counter() - started) * 1000, response


def figures(name: str, values: list[float]) -> list[str]:
    return [name, f"{percentile(values, 0.5):.1f}", f"{percentile(values, 0.95):.1f}", str(len(values))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=200, help="page and API requests (default 200)")
    parser.add_argument("--rows", type=int, default=1000, help="rows of the school roll (default 1000)")
    parser.add_argument("--seed", type=int, default=2026)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rathaus-bench-schoolroute-") as data_dir:
        environment(f"sqlite:///{data_dir}/bench.sqlite3", data_dir)
        os.environ["SCHOOL_ROUTE_RATE_LIMIT"] = ""  # the benchmark is one client asking many times
        run(options, data_dir)


def run(options: argparse.Namespace, data_dir: str) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from rathaus.schoolroute.backoffice_views import edge_bands
    from rathaus.schoolroute.batch import roll_check, roll_read
    from rathaus.schoolroute.eligibility import school_level
    from rathaus.schoolroute.maps import MapView, network_svg
    from rathaus.schoolroute.models import School
    from rathaus.schoolroute.selectors import (
        street_network_get,
        street_network_graph,
        street_network_grounds,
    )
    from rathaus.site.demo import demo_load

    call_command("migrate", verbosity=0)
    demo_load()
    network = street_network_get(municipality=School.all_tenants.get(schulnummer="119910").municipality)
    assert network is not None
    graph = street_network_graph(network)
    rng = random.Random(options.seed)
    schools = [
        school
        for school in School.all_tenants.filter(municipality__slug="muenster").order_by("schulnummer")
        if school.schulform in GRADES
    ]

    def front_door() -> tuple[float, float]:
        node = rng.randrange(graph.node_count)
        return float(graph.node_lat[node]) + rng.uniform(-2e-4, 2e-4), float(graph.node_lon[node]) + rng.uniform(
            -3e-4, 3e-4
        )

    client = Client(HTTP_HOST="localhost")
    requests = [(front_door(), rng.choice(schools)) for _ in range(options.requests)]
    page: list[float] = []
    api: list[float] = []
    sizes: list[int] = []
    statuses: dict[int, int] = {}
    for warm_up, ((lat, lon), school) in enumerate(requests[:5] + requests):
        query = {"school": school.schulnummer, "grade": GRADES[school.schulform], "lat": lat, "lon": lon}
        page_ms, response = fetch(client, "/muenster/schulweg/", query)
        api_ms, _ = fetch(client, "/api/v1/municipalities/muenster/school-route", query)
        if warm_up < 5:
            continue
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
        page.append(page_ms)
        api.append(api_ms)
        sizes.append(len(response.content))
    click_map: list[float] = []
    click_size = 0
    for repetition in range(25):
        elapsed, response = fetch(client, "/muenster/schulweg/karte.svg")
        if repetition >= 5:
            click_map.append(elapsed)
        click_size = len(response.content)

    eligibility_map: list[float] = []
    for school in schools * 3:
        assert school.latitude is not None and school.longitude is not None
        point = (school.latitude, school.longitude)

        def draw(point: tuple[float, float] = point) -> None:
            distances = graph.distances_from(point)
            view = MapView.around(zip(graph.geometry_lat.tolist(), graph.geometry_lon.tolist(), strict=True))
            network_svg(graph, view, title="t", description="d", edge_classes=edge_bands(graph, distances))

        eligibility_map.append(timed(draw))

    lines = ["Schulnummer;Klasse;Breite;Länge"]
    for _ in range(options.rows):
        school = rng.choice(schools)
        lat, lon = front_door()
        grade = GRADES[school.schulform]
        school_level(school.schulform, grade)
        lines.append(f"{school.schulnummer};{grade};{lat:.7f};{lon:.7f}")
    roll = roll_read("\n".join(lines).encode())
    grounds = street_network_grounds(network)
    results: list[Any] = []
    batch_ms = timed(
        lambda: results.extend(roll_check(roll=roll, schools=schools, graph=graph, addresses=None, grounds=grounds))
    )
    failed = sum(1 for result in results if result.error)

    print(f"# School route on Münster-Gievenbeck ({graph.node_count:,} nodes, {graph.edge_count:,} edges)")
    print(f"{machine()}; SQLite; {options.requests} requests, seed {options.seed}\n")
    print(
        table(
            ["what", "p50 ms", "p95 ms", "n"],
            [
                figures("parents' page with route, § 9 check and map", page),
                figures("API school-route", api),
                figures("click map karte.svg (whole network)", click_map),
                figures("eligibility map: distances, bands, SVG", eligibility_map),
            ],
        )
    )
    print(f"\nstatuses of the page: {statuses}")
    print(f"page size: p50 {percentile(sizes, 0.5) / 1024:.0f} KB, p95 {percentile(sizes, 0.95) / 1024:.0f} KB")
    print(f"click map size: {click_size / 1024:.0f} KB")
    print(
        f"batch check: {options.rows} rows in {batch_ms:.0f} ms ({batch_ms / options.rows:.2f} ms per row), "
        f"{failed} rows refused (points off the network or unreachable)"
    )


if __name__ == "__main__":
    main()
