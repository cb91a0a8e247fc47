"""Trade office: the WZ search, what issuing a receipt sets off, and the trade register at 100,000 businesses.

Run with `make bench-trade` (or the commands below). Not a test: it prints figures and asserts
nothing about them. Without `--database-url` it works in a fresh SQLite database in a temporary
directory; with a PostgreSQL URL that database, whose name must contain "bench", is dropped and
created afresh, so never point it at real data.

    .venv/bin/python benchmarks/trade.py [--businesses 100000] [--repetitions 100] [--notices 40]
    .venv/bin/python benchmarks/trade.py --database-url postgres://root@127.0.0.1:5432/rathaus_bench_trade

`make bench-trade` runs both, the second with BENCH_TRADE_DATABASE_URL (default: the URL above).
The helpers (timing, tables, machine, database set-up) and the name lists come from
benchmarks/cases.py. Every figure is p50/p95 after warm-up calls.

1. WZ search (`rathaus.trade.wz.search`): 32 queries as people type them into the notice's activity
   field, typos included; per query, and the first call, which builds the index.
2. The register: `--businesses` rows written with bulk_create into four cities by their size
   (Münster, Iserlohn, Lippstadt, Soest) with real street names, WZ codes of common trades and of
   the whole classification, about a quarter closed. Then, in the largest register, the clerks'
   search (`register_search`: name and address prefix, WZ code exact, by prefix and by keyword,
   "contains") and the public extract (`register_extract`), each with the plan of its first
   page's queries: EXPLAIN (ANALYZE, BUFFERS) on PostgreSQL, EXPLAIN QUERY PLAN on SQLite. SQLite
   runs without ANALYZE, as in production; PostgreSQL gets VACUUM ANALYZE after the load.
3. The receipt's side effects, without the PDF and without delivery: per iteration a GewA 1 of a
   GmbH with two managing directors (`gmbh_steps()` of the trade tests) is submitted through its
   forms (not timed), then `notice_register` runs in a transaction that is rolled back: register
   entry, audit entry, one filtered XGewerbeanzeige message per recipient concerned; the delivery
   tasks would be queued only on commit. In the same transaction `outbox_enqueue` and
   `build_message` alone. Twice: the GmbH as it is (a heating installer, which concerns 8 of the 12
   recipients) and as a bakery with a shop (all 12). Then notices committed, with their COMMIT and
   queued delivery tasks, and delivery of their messages to a file drop in the temporary directory:
   `FileDropTransport.send` alone and the whole `deliver` task (claim, write, mark sent, audit).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from cases import (
    FIRST_NAMES,
    LAST_NAMES,
    environment,
    explain,
    machine,
    percentile,
    recreate_database,
    table,
    timed,
)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

# What people type into the activity field: names of trades, several words, typos, a code.
WZ_QUERIES = [
    "Friseur",
    "Frisör",
    "Barbershop",
    "Kosmetikstudio",
    "Nagelstudio",
    "Onlinehandel Kleidung",
    "Online-Shop",
    "Hausmeister",
    "Hausmeisterservice",
    "Gebäudereinigung",
    "Putzfirma",
    "Fliesnleger",
    "Elektirker",
    "Heizungsbauer",
    "Photovoltaik",
    "Kiosk",
    "Imbiss",
    "Döner",
    "Restaurant",
    "Bäckerei",
    "Autowerkstat",
    "Taxi",
    "Umzüge",
    "Kurierdienst",
    "IT-Beratung",
    "Softwareentwicklung",
    "Webdesign",
    "Unternehmensberatung",
    "Immobilienmakler",
    "Versicherungsvermittler",
    "Handel mit gebrauchten Autos",
    "96.02.1",
]

# The cities of the register with their share of the businesses (by population), postal codes and
# real streets.
CITIES: dict[str, tuple[float, list[str], list[str]]] = {
    "muenster": (
        0.60,
        ["48143", "48145", "48147", "48149", "48151", "48153", "48155", "48157", "48159", "48161", "48163", "48165"],
        [
            "Hammer Straße", "Wolbecker Straße", "Warendorfer Straße", "Ludgeristraße", "Salzstraße",
            "Prinzipalmarkt", "Rothenburg", "Bahnhofstraße", "Hafenweg", "Weseler Straße", "Steinfurter Straße",
            "Grevener Straße", "Kanalstraße", "Hörsterstraße", "Aegidiistraße", "Königsstraße", "Bremer Straße",
            "Hansaring", "Albersloher Weg", "Gartenstraße", "Hohenzollernring", "Kolde-Ring", "Roxeler Straße",
            "Gievenbecker Weg", "Schiffahrter Damm", "Nienberger Straße", "Mauritzstraße", "Bergstraße",
            "Kerkhoffstraße", "Loddenheide",
        ],
    ),
    "iserlohn": (
        0.17,
        ["58636", "58638", "58640", "58642", "58644"],
        [
            "Wermingser Straße", "Unnaer Straße", "Hagener Straße", "Baarstraße", "Mendener Straße", "Poth",
            "Alter Rathausplatz", "Theodor-Heuss-Ring", "Westfalenstraße", "Giesestraße", "Hans-Böckler-Straße",
            "Schillerplatz", "Hohler Weg", "Letmather Straße",
        ],
    ),
    "lippstadt": (
        0.13,
        ["59555", "59556", "59557", "59558"],
        [
            "Lange Straße", "Cappelstraße", "Rathausstraße", "Erwitter Straße", "Bökenförder Straße",
            "Beckumer Straße", "Südstraße", "Woldemei", "Kahlenstraße", "Barbarossastraße", "Lipperoder Straße",
            "Overhagener Straße", "Am Tivoli", "Geiststraße",
        ],
    ),
    "soest": (
        0.10,
        ["59494"],
        [
            "Brüderstraße", "Ulricher Straße", "Grandweg", "Thomästraße", "Marktstraße", "Am Vreithof",
            "Jakobistraße", "Hansastraße", "Niederbergheimer Straße", "Arnsberger Straße", "Walburger Straße",
            "Osthofenstraße", "Nöttenstraße", "Dasselwall", "Riga-Ring", "Overweg", "Wiesenstraße",
        ],
    ),
}  # fmt: skip
CITY_NAMES = {"muenster": "Münster", "iserlohn": "Iserlohn", "lippstadt": "Lippstadt", "soest": "Soest"}
# Words for businesses whose code has no everyday name.
GENERIC = ["Handel", "Service", "Technik", "Consulting", "Manufaktur", "Werkstatt", "Vertrieb", "Dienstleistungen"]
PLACES = ["am Markt", "am Bahnhof", "im Zentrum", "an der Promenade", "Westfalen", "Münsterland", "Sauerland"]
# (legal form, share, suffix of the name)
LEGAL_FORMS = [
    ("einzel", 0.58, ""),
    ("ek", 0.06, " e. K."),
    ("gbr", 0.08, " GbR"),
    ("gmbh", 0.18, " GmbH"),
    ("ug", 0.06, " UG (haftungsbeschränkt)"),
    ("gmbh_co_kg", 0.04, " GmbH & Co. KG"),
]


def setup(database_url: str, data_dir: str) -> str:
    """Settings, an empty migrated database; returns the database's name and version."""
    postgres = database_url.startswith(("postgres://", "postgresql://"))
    environment(database_url or f"sqlite:///{Path(data_dir) / 'bench.sqlite3'}", data_dir)
    os.environ["TRADE_OUTBOX_DIR"] = str(Path(data_dir) / "outbox")
    if postgres:
        recreate_database(database_url)
    elif database_url:
        raise SystemExit("--database-url takes a PostgreSQL URL; without it the benchmark uses SQLite.")
    import django
    from django.core.management import call_command
    from django.db import connection

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    with connection.cursor() as cursor:
        if postgres:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
        cursor.execute("SELECT sqlite_version()")
        return f"SQLite {cursor.fetchone()[0]} (WAL, synchronous=NORMAL)"


def sample(function: Callable[[], object], warmup: int, repetitions: int) -> list[float]:
    for _ in range(warmup):
        function()
    return [timed(function) for _ in range(repetitions)]


def figures(latencies: Sequence[float], digits: int = 1) -> tuple[str, str, str]:
    """p50, p95 and max as table cells."""
    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    return f"{p50:.{digits}f}", f"{p95:.{digits}f}", f"{max(latencies):.{digits}f}"


# 1. WZ search -------------------------------------------------------------------------------------


def measure_wz(rounds: int) -> None:
    from rathaus.trade import wz

    for cached in (wz._classification, wz.subclasses, wz.sections, wz._documents):
        cached.cache_clear()
    cold = timed(partial(wz.search, "Friseur"))
    print(
        f"WZ search (rathaus.trade.wz.search), {len(wz.subclasses())} subclasses: first call, loading the "
        f"classification and building the index, {cold:.0f} ms. {len(WZ_QUERIES)} queries, {rounds} calls each "
        f"after 3 warm-up calls:\n"
    )
    rows, everything = [], []
    for query in WZ_QUERIES:
        latencies = sample(partial(wz.search, query), 3, rounds)
        everything += latencies
        hits = wz.search(query)
        first = f"{hits[0].code} {hits[0].title}"[:60] if hits else "–"
        rows.append((query, first, str(len(hits)), *figures(latencies, 2)))
    print(table(["query", "first hit", "hits", "p50 ms", "p95 ms", "max ms"], rows))
    print(f"\nAll queries: p50 {percentile(everything, 0.5):.2f} ms, p95 {percentile(everything, 0.95):.2f} ms\n")


# 2. The register ----------------------------------------------------------------------------------


def municipalities_create() -> dict[str, Any]:
    from rathaus.municipalities.demo import MUNICIPALITIES
    from rathaus.municipalities.models import Municipality

    fields = {field.name for field in Municipality._meta.get_fields()}
    return {
        data["slug"]: Municipality.objects.create(**{key: value for key, value in data.items() if key in fields})
        for data in MUNICIPALITIES
        if data["slug"] in CITIES
    }


def business_rows(count: int, seed: int, municipalities: dict[str, Any]) -> list[Any]:
    """Businesses with names as they are: "Friseur Becker", "Schulte Haustechnik GmbH", "Anna Wolf"."""
    from django.utils import timezone

    from rathaus.trade import wz
    from rathaus.trade.models import Business

    rng = random.Random(seed)
    common = list(wz.KEYWORDS)
    titles = {activity.code: activity.title for activity in wz.subclasses()}
    every = list(titles)
    slugs = list(CITIES)
    shares = [CITIES[slug][0] for slug in slugs]
    forms = [form for form, _share, _suffix in LEGAL_FORMS]
    form_shares = [share for _form, share, _suffix in LEGAL_FORMS]
    suffixes = {form: suffix for form, _share, suffix in LEGAL_FORMS}
    today = timezone.localdate()
    numbers = dict.fromkeys(slugs, 0)
    rows = []
    for _ in range(count):
        slug = rng.choices(slugs, shares)[0]
        _share, postal_codes, streets = CITIES[slug]
        municipality = municipalities[slug]
        numbers[slug] += 1
        code = rng.choice(common) if rng.random() < 0.75 else rng.choice(every)
        words = wz.KEYWORDS.get(code)
        trade = rng.choice(words) if words else rng.choice(GENERIC)
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        form = rng.choices(forms, form_shares)[0]
        shape = rng.random()
        if form == "einzel" and shape < 0.35:
            name = f"{first} {last}"
        elif form == "gbr":
            name = f"{last} & {rng.choice(LAST_NAMES)}"
        elif shape < 0.6:
            name = f"{trade} {last}"
        elif shape < 0.85:
            name = f"{last} {trade}"
        else:
            name = f"{trade} {rng.choice(PLACES)}"
        name = f"{name}{suffixes[form]}"
        street = f"{rng.choice(streets)} {rng.randint(1, 120)}"
        postal_code = rng.choice(postal_codes)
        city = CITY_NAMES[slug]
        started = today - timedelta(days=int(rng.triangular(0, 30 * 365, 0)))
        closed = rng.random() < 0.25
        rows.append(
            Business(
                municipality=municipality,
                number=f"G-{municipality.reference_prefix}-{numbers[slug]:06d}",
                name=name,
                name_search=name.lower()[:200],
                legal_form=form,
                street=street,
                postal_code=postal_code,
                city=city,
                address_search=f"{street} {postal_code} {city}".lower()[:220],
                activity=f"{trade}: {titles.get(code, trade)}"[:500],
                wz_code=code,
                status=Business.Status.CLOSED if closed else Business.Status.ACTIVE,
                started_on=started,
                closed_on=started + timedelta(days=rng.randint(0, (today - started).days)) if closed else None,
            )
        )
    return rows


def generate(count: int, seed: int, municipalities: dict[str, Any]) -> None:
    from django.db import connection, transaction

    from rathaus.trade.models import Business

    started = time.perf_counter()
    rows = business_rows(count, seed, municipalities)
    built = time.perf_counter()
    with transaction.atomic():
        Business.all_tenants.bulk_create(rows, batch_size=2000)
    written = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE trade_business")
            cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('trade_business'))")
            size = f"table with indexes {cursor.fetchone()[0]}"
        else:
            size = f"database file {Path(connection.settings_dict['NAME']).stat().st_size / 2**20:.0f} MB"
    finished = time.perf_counter()
    shares = ", ".join(
        f"{CITY_NAMES[slug]} {Business.all_tenants.filter(municipality=municipality).count():,}"
        for slug, municipality in municipalities.items()
    )
    print(
        f"Generated {count:,} businesses ({shares}) in {finished - started:.0f} s: objects built "
        f"{built - started:.0f} s, bulk_create {written - built:.0f} s"
        f"{f', VACUUM ANALYZE {finished - written:.0f} s' if connection.vendor == 'postgresql' else ''}; {size}.\n"
    )


def query_plan(sql: str) -> str:
    from django.db import connection

    if connection.vendor == "postgresql":
        return explain(sql)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        depth: dict[int, int] = {0: 0}
        lines = []
        for node, parent, _unused, detail in cursor.fetchall():
            depth[node] = depth.get(parent, 0) + 1
            lines.append(f"    {'  ' * (depth[node] - 1)}{detail}")
        return "\n".join(lines)


def measure_register(municipality: Any, warmup: int, repetitions: int) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from rathaus.trade import wz
    from rathaus.trade.models import Business
    from rathaus.trade.selectors import CONTAINS, RegisterFilter, register_extract, register_search

    businesses = Business.all_tenants.filter(municipality=municipality)
    shop = [activity.code for activity in wz.search("Online-Shop")]
    print(
        f"{municipality.name}: {businesses.count():,} businesses, "
        f"{businesses.filter(status=Business.Status.ACTIVE).count():,} active. {repetitions} calls per view after "
        f"{warmup} warm-up calls, 25 rows a page (the clerks' page), 20 in the extract (the API's default):\n"
    )
    searches: list[tuple[str, RegisterFilter, int]] = [
        ("first page, no filter (A–Z)", RegisterFilter(), 1),
        ("page 5, no filter", RegisterFilter(), 5),
        ("name prefix 'Müller'", RegisterFilter(name="Müller"), 1),
        ("name prefix 'Bäckerei S'", RegisterFilter(name="Bäckerei S"), 1),
        ("address prefix 'Hammer Straße'", RegisterFilter(address="Hammer Straße"), 1),
        ("address prefix 'Hammer Straße 12'", RegisterFilter(address="Hammer Straße 12"), 1),
        ("WZ code 96021 (exact)", RegisterFilter(wz_prefix="96021"), 1),
        ("WZ prefix 43", RegisterFilter(wz_prefix="43"), 1),
        ("WZ prefix 4322", RegisterFilter(wz_prefix="4322"), 1),
        (f"WZ keyword 'Online-Shop' (codes {', '.join(shop)})", RegisterFilter(wz_codes=shop), 1),
        ("WZ prefix 43 + active", RegisterFilter(wz_prefix="43", status=Business.Status.ACTIVE), 1),
        ("started in 2024", RegisterFilter(started_from=date(2024, 1, 1), started_to=date(2024, 12, 31)), 1),
        ("name contains 'reinigung'", RegisterFilter(name="reinigung", match=CONTAINS), 1),
        ("name contains 'zzz' (no match)", RegisterFilter(name="zzz", match=CONTAINS), 1),
        ("address contains '48155'", RegisterFilter(address="48155", match=CONTAINS), 1),
    ]
    calls: list[tuple[str, Callable[[], tuple[int, int | None]]]] = []
    for label, filters, page in searches:

        def search(filters: RegisterFilter = filters, page: int = page) -> tuple[int, int | None]:
            result = register_search(municipality=municipality, filters=filters, page=page, per_page=25)
            return len(result.rows), result.total

        calls.append((f"search: {label}", search))
    for query, offset in (
        ("Friseur", 0),
        ("Reinigung", 0),
        ("Müller", 0),
        ("4322", 0),
        ("Friseur", 100),
        ("Haustechnik", 0),
    ):

        def extract(query: str = query, offset: int = offset) -> tuple[int, int | None]:
            count, window = register_extract(municipality=municipality, query=query, limit=20, offset=offset)
            return len(window), count

        calls.append((f"extract: '{query}'{f' offset {offset}' if offset else ''}", extract))

    rows, plans = [], []
    for label, call in calls:
        with CaptureQueriesContext(connection) as captured:
            shown, total = call()
        latencies = sample(call, warmup, repetitions)
        total_text = "many" if total is None else f"{total:,}"
        rows.append((label, str(shown), total_text, str(len(captured.captured_queries)), *figures(latencies)))
        plans.append((label, percentile(latencies, 0.5), [query["sql"] for query in captured.captured_queries]))
    print(table(["view", "rows", "total", "queries", "p50 ms", "p95 ms", "max ms"], rows))
    print()
    kind = "EXPLAIN (ANALYZE, BUFFERS)" if connection.vendor == "postgresql" else "EXPLAIN QUERY PLAN"
    for label, p50, queries in plans:
        print(f"{kind}, {label} (p50 {p50:.1f} ms):\n")
        for sql in queries:
            print(f"  {sql}\n")
            print(query_plan(sql))
            print()


# 3. Receipts and messages -------------------------------------------------------------------------


def bakery_steps() -> dict[str, dict[str, Any]]:
    """The GmbH of the trade tests as a bakery with a shop: craft and trade, food, measuring
    instruments, emissions, so that every one of the 12 recipients is concerned."""
    from rathaus.trade.tests.conftest import gmbh_steps

    steps = gmbh_steps()
    steps["betrieb"]["registered_name"] = "Bördeland Backstube GmbH"
    steps["taetigkeit"].update(
        activity="Herstellung von Brot und Backwaren mit Verkauf im eigenen Laden",
        wz_code="10710",
        kinds=["handwerk", "handel"],
    )
    return steps


def trade_setup(municipality: Any) -> None:
    from rathaus.municipalities.models import Department
    from rathaus.trade.services import trade_office_for
    from rathaus.trade.tests.conftest import make_recipients

    Department.all_tenants.create(municipality=municipality, key="ordnungsamt", name="Ordnungsamt")
    trade_office_for(municipality)
    make_recipients(municipality, transport="file")


def register_rolled_back(case: Any, *, capture: bool) -> dict[str, Any]:
    """`notice_register`, then `outbox_enqueue` and `build_message` alone, in a transaction that is rolled
    back: milliseconds, messages, XML sizes, and with `capture` the queries (the timings are then not
    representative: the query log costs time)."""
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    from rathaus.trade import notice as notice_data
    from rathaus.trade.models import OutboxMessage
    from rathaus.trade.services import notice_register, outbox_enqueue
    from rathaus.trade.xml import build_message

    def log() -> Any:
        return CaptureQueriesContext(connection) if capture else nullcontext()

    result: dict[str, Any] = {}
    with transaction.atomic():
        begun = time.perf_counter()
        with log() as captured:
            notice = notice_register(case=case, kind=notice_data.REGISTRATION)
        result["register"] = (time.perf_counter() - begun) * 1000
        sent = list(OutboxMessage.all_tenants.filter(notice=notice).select_related("recipient"))
        begun = time.perf_counter()
        with log() as captured_enqueue:
            outbox_enqueue(notice=notice)
        result["enqueue"] = (time.perf_counter() - begun) * 1000
        values = notice_data.values(notice.answers, notice.kind)
        result["build"] = []
        with log() as captured_build:
            for message in sent:
                build = partial(
                    build_message,
                    notice=notice,
                    recipient=message.recipient,
                    values=message.recipient.rule.filter(values),
                    message_uuid=message.message_uuid,
                    is_correction=False,
                    created_at=notice.confirmed_at,
                )
                result["build"].append(timed(build))
        transaction.set_rollback(True)
    result["messages"] = len(sent)
    result["sizes"] = [len(message.xml.encode()) for message in sent]
    if capture:
        result["queries"] = [len(log.captured_queries) for log in (captured, captured_enqueue, captured_build)]
    return result


def measure_notices(municipality: Any, warmup: int, count: int, committed: int) -> None:
    from rathaus.trade.demo import submit_steps
    from rathaus.trade.models import Recipient
    from rathaus.trade.tests.conftest import gmbh_steps

    trade_setup(municipality)
    recipients = Recipient.all_tenants.filter(municipality=municipality).count()
    print(
        f"Issuing a receipt's side effects in {municipality.name} ({recipients} recipients, file drop), "
        f"{count} notices per row after {warmup} warm-up notices, each submitted afresh (not timed) and "
        f"registered in a transaction that is rolled back:\n"
    )
    rows = []
    for label, steps in (
        ("GmbH, heating installer 43220 (gmbh_steps)", gmbh_steps()),
        ("GmbH, bakery with shop 10710", bakery_steps()),
    ):
        submitted: list[float] = []
        runs = []
        for index in range(warmup + count):
            begun = time.perf_counter()
            case = submit_steps(municipality, steps)
            submitted.append((time.perf_counter() - begun) * 1000)
            runs.append(register_rolled_back(case, capture=index == 0))
        queries = runs[0]["queries"]
        measured = runs[warmup:]
        messages = measured[0]["messages"]
        register = [run["register"] for run in measured]
        enqueue = [run["enqueue"] for run in measured]
        build = [took for run in measured for took in run["build"]]
        sizes = [size for run in measured for size in run["sizes"]]
        per_message = [percentile(register, 0.5) / messages, percentile(enqueue, 0.5) / messages]
        rows += [
            (label, "notice_register", str(messages), str(queries[0]), *figures(register), f"{per_message[0]:.2f}"),
            ("", "outbox_enqueue alone", str(messages), str(queries[1]), *figures(enqueue), f"{per_message[1]:.2f}"),
            ("", "build_message alone, each", "1", f"{queries[2] / messages:g}", *figures(build, 2), f"{percentile(build, 0.5):.2f}"),
        ]  # fmt: skip
        print(
            f"  {label}: XML {min(sizes) / 1024:.1f}–{max(sizes) / 1024:.1f} KB per message; submitting the notice "
            f"through its forms (not part of the figures) p50 {percentile(submitted[warmup:], 0.5):.0f} ms"
        )
    print()
    headers = ["notice", "measured", "messages", "queries", "p50 ms", "p95 ms", "max ms", "p50 ms per message"]
    print(table(headers, rows))
    print()
    measure_delivery(municipality, bakery_steps(), committed)


def measure_delivery(municipality: Any, steps: dict[str, dict[str, Any]], count: int) -> None:
    from django.conf import settings

    from rathaus.trade import notice as notice_data
    from rathaus.trade.demo import submit_steps
    from rathaus.trade.models import OutboxMessage
    from rathaus.trade.outbox import FileDropTransport, deliver
    from rathaus.trade.services import notice_register

    cases = [submit_steps(municipality, steps) for _ in range(count)]
    committed = [timed(partial(notice_register, case=case, kind=notice_data.REGISTRATION)) for case in cases]
    messages = list(
        OutboxMessage.all_tenants.filter(notice__case__in=cases)
        .select_related("recipient", "notice", "municipality")
        .order_by("pk")
    )
    per_notice = len(messages) // count
    transport = FileDropTransport()
    sends = [timed(partial(transport.send, message)) for message in messages]
    statuses = []
    tasks = []
    for message in messages:
        begun = time.perf_counter()
        statuses.append(deliver.call(message.pk))
        tasks.append((time.perf_counter() - begun) * 1000)
    outbox = Path(settings.TRADE_OUTBOX_DIR)
    files = sum(1 for _ in outbox.rglob("*.xml"))
    print(
        f"Committed, then delivered: {count} bakery notices ({per_notice} messages each), the first "
        f"{per_notice} messages are warm-up. Files in {outbox} ({filesystem(outbox)}):\n"
    )
    rows = [
        ("notice_register committed (with COMMIT, queuing the delivery tasks)", str(count - 1), *figures(committed[1:])),
        ("FileDropTransport.send (write, fsync file and folder, rename)", str(len(sends) - per_notice), *figures(sends[per_notice:], 2)),
        ("deliver.call (claim, send, mark sent, audit entry)", str(len(tasks) - per_notice), *figures(tasks[per_notice:], 2)),
    ]  # fmt: skip
    print(table(["measured", "calls", "p50 ms", "p95 ms", "max ms"], rows))
    print(f"\n{statuses.count('sent')} of {len(statuses)} messages sent, {files} files in the drop.\n")


def filesystem(path: Path) -> str:
    """The type of the file system `path` is on, from /proc/mounts (for the fsync figures)."""
    best, kind = "", "unknown file system"
    resolved = str(path.resolve())
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                _device, point, fstype = line.split()[:3]
                if resolved.startswith(point) and len(point) > len(best):
                    best, kind = point, fstype
    except OSError:
        pass
    return kind


# Main ---------------------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--database-url", default="", help="a PostgreSQL database of its own (default: SQLite in a temporary folder)"
    )
    parser.add_argument("--businesses", type=int, default=100_000, help="rows in the register (default 100000)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repetitions", type=int, default=100, help="calls per register view (default 100)")
    parser.add_argument("--rounds", type=int, default=20, help="calls per WZ query (default 20)")
    parser.add_argument("--notices", type=int, default=40, help="notices per row of part 3 (default 40)")
    parser.add_argument("--delivered", type=int, default=11, help="notices committed and delivered (default 11)")
    parser.add_argument("--skip-wz", action="store_true")
    parser.add_argument("--skip-register", action="store_true")
    parser.add_argument("--skip-notices", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="rathaus-bench-") as data_dir:
        database = setup(args.database_url, data_dir)
        print(f"{machine()}, {database}, load average {os.getloadavg()[0]:.1f}\n")
        if not args.skip_wz:
            measure_wz(args.rounds)
        municipalities = municipalities_create()
        if not args.skip_register:
            generate(args.businesses, args.seed, municipalities)
            measure_register(max(municipalities.values(), key=lambda m: CITIES[m.slug][0]), 10, args.repetitions)
        if not args.skip_notices:
            measure_notices(municipalities["soest"], 5, args.notices, args.delivered)
        print(f"Load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
