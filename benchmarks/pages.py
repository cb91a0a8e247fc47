"""Pages and API through the production server: throughput and latency under concurrent load.

Starts `rathaus serve` (gunicorn, threaded workers) on a fresh SQLite database with the demo
data in a temporary directory, sends a fixed number of requests per URL from several client
threads on loopback, and prints requests per second and latency percentiles. Stops by itself.

    .venv/bin/python benchmarks/pages.py [--requests 400] [--concurrency 8] [--workers 2]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

URLS = [
    "/",
    "/soest/",
    "/soest/leistungen/",
    "/soest/suche/?q=Perso",
    "/soest/suche/?q=Gewerbe+anmelden",
    "/api/v1/municipalities/soest/services?q=Ausweis",
    "/api/v1/municipalities/soest/services/1",
    "/static/vendor/kern/kern.min.css",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 (loopback only)
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: {response.status}")
    return (time.perf_counter() - started) * 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=400, help="requests per URL")
    parser.add_argument("--concurrency", type=int, default=8, help="client threads")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "RATHAUS_DATA_DIR": tmp,
            "DATABASE_URL": f"sqlite:///{Path(tmp) / 'bench.sqlite3'}",
            "STATIC_ROOT": str(Path(tmp) / "static"),
            "LOG_LEVEL": "WARNING",
        }
        rathaus = [sys.executable, "-m", "rathaus"]
        for command in (["migrate", "-v0"], ["createcachetable"], ["demo"]):
            subprocess.run([*rathaus, *command], env=env, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        port = free_port()
        server = subprocess.Popen(  # noqa: S603
            [*rathaus, "serve", "--port", str(port), "--workers", str(args.workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(150):
                try:
                    fetch(base + "/")
                    break
                except OSError:
                    time.sleep(0.2)
            print(
                f"rathaus serve --workers {args.workers} (4 threads each), {args.concurrency} client threads, "
                f"{args.requests} requests per URL, {os.cpu_count()} CPUs\n"
            )
            print(f"| {'URL':<50} | req/s | p50 ms | p95 ms | p99 ms |")
            print(f"|{'-' * 52}|------:|-------:|-------:|-------:|")
            for path in URLS:
                fetch(base + path)  # warm caches (search index, templates)
                with ThreadPoolExecutor(max_workers=args.concurrency) as pool:
                    started = time.perf_counter()
                    latencies = list(pool.map(fetch, [base + path] * args.requests))
                    elapsed = time.perf_counter() - started
                print(
                    f"| {path:<50} | {args.requests / elapsed:5.0f} | {statistics.median(latencies):6.1f} "
                    f"| {percentile(latencies, 0.95):6.1f} | {percentile(latencies, 0.99):6.1f} |"
                )
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
