"""Benchmark of the service search: index build time and query latency, growing to 5,000 services.

Run with `make bench` (or `.venv/bin/python benchmarks/search.py`). Not a test: it prints a
table and asserts nothing about the figures. It reads only the demo catalogue that ships with
the code (src/rathaus/catalog/data/*.json) and, for the end-to-end part, builds a fresh SQLite
database in a temporary directory that is removed afterwards.

Two parts:

1. The search on its own (`rathaus.catalog.search`): documents built straight from
   services.json, then the catalogue repeated with varied names up to 5,000 services.
2. End to end through the selector the page and the API call (`service_search`): a fresh
   SQLite database with the demo data, Stadt Soest, index cache cold and warm.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from functools import partial
from importlib import resources
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

from rathaus.catalog.search import Document, rank  # noqa: E402

# What citizens type: names, synonyms, stems, typos, English, whole sentences, and abuse.
QUERIES: list[str] = [
    "Ausweis",
    "Perso",
    "Personalausweis",
    "Personalausweiss",
    "Persnalausweis",
    "Reisepass",
    "Reisepas",
    "passport",
    "Pass verloren",
    "Gewerbe anmelden",
    "Gewerbeanmeldung",
    "Gewerbe abmelden",
    "Fundsachen",
    "Fundbüro",
    "Geldbörse verloren",
    "Handy verloren",
    "Führungszeugnis",
    "Fuehrungszeugnis",
    "Fürungszeugnis",
    "ummelden",
    "Umzug",
    "Wohnung anmelden",
    "Meldebescheinigung",
    "heiraten",
    "Hochzeit",
    "Geburtsurkunde",
    "Sterbeurkunde",
    "Kita",
    "Rente",
    "Angelschein",
    "Anwohnerparken",
    "Parkausweis",
    "Kirchenaustritt",
    "Beglaubigung",
    "Baugenehmigung",
    "Auto anmelden",
    "Führerschein umtauschen",
    "Einbürgerung",
    "identity card",
    "birth certificate",
    "register address",
    "ich habe meinen Ausweis verloren",
    "wo kann ich meinen Wohnsitz ummelden",
    "Kindergeld",
    "xyzzy",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "\x00\x1b\u202e",
    "x" * 10_000,
    "Pass " * 2_000,
]

SIZES = [147, 225, 500, 1_000, 2_000, 5_000]  # 147 town services, 225 both levels
# Real Ortsteile of Soest and Lippstadt give the repeated catalogue varied, realistic names.
PLACES = [
    "Ampen",
    "Bergede",
    "Deiringsen",
    "Enkesen",
    "Hattropholsen",
    "Hiddingsen",
    "Katrop",
    "Lendringsen",
    "Meckingsen",
    "Müllingsen",
    "Ostönnen",
    "Paradiese",
    "Röllingsen",
    "Ruploh",
    "Thöningsen",
    "Bad Waldliesborn",
    "Bökenförde",
    "Cappel",
    "Dedinghausen",
    "Eickelborn",
    "Esbeck",
    "Garfeln",
    "Hellinghausen",
    "Herringhausen",
    "Hörste",
    "Lipperbruch",
    "Lipperode",
    "Overhagen",
    "Rebbeke",
    "Rixbeck",
]


def _load(name: str) -> Any:
    return json.loads(resources.files("rathaus.catalog").joinpath("data", name).read_text(encoding="utf-8"))


def catalogue(size: int) -> list[dict[str, Any]]:
    """size services: the city catalogue first, then the district's, then repeats with varied names."""
    services: list[dict[str, Any]] = sorted(_load("services.json"), key=lambda item: item["level"] != "city")
    result: list[dict[str, Any]] = []
    for index in range(size):
        item = dict(services[index % len(services)])
        copy = index // len(services)
        if copy:
            place = PLACES[copy % len(PLACES)]
            item["name"] = f"{item['name']} ({place}, Bezirk {copy})"
            item["synonyms"] = [*item["synonyms"], f"{item['synonyms'][0]} {place}"]
        result.append(item)
    return result


def _departments() -> dict[str, dict[str, str]]:
    """The platform's departments and the catalogue's additions, read without Django."""
    departments: dict[str, dict[str, str]] = {}
    for package in ("rathaus.municipalities", "rathaus.catalog"):
        departments.update(
            json.loads(resources.files(package).joinpath("data", "departments.json").read_text(encoding="utf-8"))
        )
    return departments


def build(items: Sequence[dict[str, Any]]) -> list[Document]:
    departments = _departments()
    return [
        Document.build(
            key=index,
            name=item["name"],
            synonyms=[*item["synonyms"], item["name_en"]],
            summary=f"{item['summary']} {item['summary_en']}",
            department=f"{departments[item['department']]['name']} {departments[item['department']]['name_en']}",
        )
        for index, item in enumerate(items)
    ]


def timed(function: Callable[[], object]) -> float:
    """Milliseconds one call takes."""
    started = time.perf_counter()
    function()
    return (time.perf_counter() - started) * 1000


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def run_search(sizes: Sequence[int], rounds: int) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for size in sizes:
        items = catalogue(size)
        build_times = [timed(partial(build, items)) for _ in range(3)]
        documents = build(items)
        vocabulary = len({word for document in documents for _, words in document.fields for word in words})
        latencies: list[float] = []
        gc.collect()
        for _ in range(rounds):
            for query in QUERIES:
                latencies.append(timed(partial(rank, documents, query)))
        rows.append(
            (
                f"{size:,}",
                f"{vocabulary:,}",
                f"{statistics.median(build_times):.1f}",
                f"{percentile(latencies, 0.50):.2f}",
                f"{percentile(latencies, 0.95):.2f}",
                f"{max(latencies):.2f}",
            )
        )
        print(f"  {size:>5} services measured", file=sys.stderr)
    return rows


def run_end_to_end(rounds: int) -> list[tuple[str, ...]]:
    """service_search() for Stadt Soest in a fresh SQLite database with the demo data."""
    with tempfile.TemporaryDirectory(prefix="rathaus-bench-") as directory:
        os.environ["RATHAUS_DATA_DIR"] = directory
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        os.environ["SECRET_KEY"] = "benchmark-only-not-secret"  # noqa: S105
        # The demo logins' passwords are hashed quickly: they are not what is measured.
        os.environ["PASSWORD_HASHERS"] = "django.contrib.auth.hashers.MD5PasswordHasher"  # noqa: S105
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings")
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)

        from rathaus.catalog import selectors
        from rathaus.municipalities.models import Municipality
        from rathaus.site.demo import demo_load

        demo_load()
        soest = Municipality.objects.get(slug="soest")
        count = selectors.service_list(municipality=soest).count()

        cold: list[float] = []
        for _ in range(5):
            selectors._index_cache.clear()
            cold.append(timed(partial(selectors.service_search, municipality=soest, query="Personalausweis")))
        warm: list[float] = []
        for _ in range(rounds):
            for query in QUERIES:
                warm.append(timed(partial(selectors.service_search, municipality=soest, query=query)))
        return [
            (
                f"{count} (Stadt Soest)",
                f"{statistics.median(cold):.1f}",
                f"{percentile(warm, 0.50):.2f}",
                f"{percentile(warm, 0.95):.2f}",
                f"{max(warm):.2f}",
            )
        ]


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(header), *(len(row[i]) for row in rows)) for i, header in enumerate(headers)]
    lines = [
        "| " + " | ".join(header.ljust(width) for header, width in zip(headers, widths, strict=True)) + " |",
        "|" + "|".join("-" * (width + 1) + ":" for width in widths) + "|",
    ]
    lines += [
        "| " + " | ".join(cell.rjust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times each query is run per size (default 5)")
    parser.add_argument("--max-size", type=int, default=5_000, help="largest catalogue (default 5000)")
    parser.add_argument("--no-django", action="store_true", help="skip the end-to-end part")
    args = parser.parse_args()

    print(
        f"Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs; "
        f"{len(QUERIES)} queries x {args.rounds} rounds per row"
    )
    print("\nThe search alone (rathaus.catalog.search.rank), documents built from services.json:\n")
    rows: Sequence[Sequence[str]] = run_search([size for size in SIZES if size <= args.max_size], args.rounds)
    print(table(["services", "distinct words", "index build ms", "query p50 ms", "query p95 ms", "max ms"], rows))
    if not args.no_django:
        print("\nEnd to end (catalog.selectors.service_search) in a fresh SQLite database with the demo data:\n")
        rows = run_end_to_end(args.rounds)
        print(table(["services", "cold: build + search ms", "warm p50 ms", "warm p95 ms", "max ms"], rows))
    print("\nTarget: a search answers in well under 100 ms p95 for a municipality's catalogue.")


if __name__ == "__main__":
    main()
