"""An operator's first start: `rathaus migrate` on an empty SQLite file, then `rathaus serve`, and nothing else
(no `createcachetable`, no demo). The portal answers its public pages, says how to begin while it has no
municipality, and its rate-limited API counts in the cache table that `migrate` made."""

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from django.conf import settings

RATHAUS = [sys.executable, "-m", "rathaus"]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept-Language": "de"})  # noqa: S310 (local test server)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, response.read().decode(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode(), error.headers.get("Content-Type", "")


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, dict[str, str]]]:
    """A server on an empty database that only `rathaus migrate` has touched."""
    data = tmp_path_factory.mktemp("fresh")
    env = {
        **{k: v for k, v in os.environ.items() if k not in {"DJANGO_ALLOW_ASYNC_UNSAFE", "REDIS_URL"}},
        "DATABASE_URL": f"sqlite:///{data / 'rathaus.sqlite3'}",
        "RATHAUS_DATA_DIR": str(data),
        # The collected static files of the checkout (`make install`): collecting afresh takes half a minute.
        "STATIC_ROOT": str(settings.STATIC_ROOT),
        "TRADE_REGISTER_RATE_LIMIT": "2/m",
    }
    subprocess.run([*RATHAUS, "migrate", "--noinput", "-v0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [*RATHAUS, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--no-worker"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                _get(base + "/")
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail("rathaus serve ended: " + server.communicate()[0].decode()[-2000:])
                time.sleep(0.1)
        else:
            pytest.fail("rathaus serve did not answer within a minute")
        yield base, env
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
        assert "Traceback" not in output, output[-3000:]


def test_migrate_alone_made_the_cache_table(fresh: tuple[str, dict[str, str]]) -> None:
    _, env = fresh
    path = env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(path) as db:
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert "rathaus_cache" in tables


def test_the_start_page_says_how_to_begin_without_municipalities(fresh: tuple[str, dict[str, str]]) -> None:
    base, _ = fresh
    status, body, content_type = _get(base + "/")
    assert (status, content_type.split(";")[0]) == (200, "text/html")
    assert "Digitales Rathaus" in body
    assert "Noch keine Kommune eingerichtet" in body
    assert "rathaus municipality add" in body


@pytest.mark.parametrize(
    ("path", "status", "text"),
    [
        ("/konto/login/", 200, "Anmelden"),
        ("/konto/signup/", 200, "Registrieren"),
        ("/konto/password/reset/", 200, "Passwort"),
        ("/wz-vorschlaege/?wz_code=Friseur", 200, "96021"),
        ("/api/v1/docs", 200, "openapi.json"),
        ("/soest/", 404, "Seite nicht gefunden"),
        ("/gibt-es-nicht/impressum/", 404, "Seite nicht gefunden"),
    ],
)
def test_public_pages_answer_without_demo_data(
    fresh: tuple[str, dict[str, str]], path: str, status: int, text: str
) -> None:
    base, _ = fresh
    answer, body, _ = _get(base + path)
    assert answer == status, body[:500]
    assert text in body


def test_the_api_answers_on_an_empty_database(fresh: tuple[str, dict[str, str]]) -> None:
    base, _ = fresh
    assert _get(base + "/api/v1/municipalities")[:2] == (200, "[]")
    status, body, _ = _get(base + "/api/v1/openapi.json")
    assert status == 200
    assert "/api/v1/municipalities/{municipality_slug}/trade-register" in json.loads(body)["paths"]
    status, body, content_type = _get(base + "/api/v1/municipalities/soest/trade-register?q=Baeckerei")
    assert (status, content_type) == (404, "application/json")
    assert json.loads(body)["detail"]
    # Documented on every operation: gunicorn refuses a request line over 4 KB itself.
    assert _get(base + "/api/v1/municipalities/soest/services?q=" + "x" * 5000)[0] == 414


def test_a_first_municipality_gets_its_pages_and_a_rate_limited_register(fresh: tuple[str, dict[str, str]]) -> None:
    base, env = fresh
    create = (
        "from rathaus.testing import make_municipality; "
        "make_municipality(ags='05974040', slug='soest', name='Stadt Soest', city='Soest', postal_code='59494')"
    )
    subprocess.run([*RATHAUS, "shell", "-c", create], env=env, check=True, timeout=60, capture_output=True)

    for path in ("/soest/", "/soest/leistungen/", "/soest/impressum/", "/soest/stellen/"):
        status, body, _ = _get(base + path)
        assert status == 200, (path, body[:500])
        assert "Stadt Soest" in body
    url = base + "/api/v1/municipalities/soest/trade-register?q=B%C3%A4ckerei"
    answers = [_get(url) for _ in range(3)]
    assert [status for status, _, _ in answers] == [200, 200, 429]
    assert json.loads(answers[0][1]) == {"count": 0, "results": []}
    assert json.loads(answers[2][1])["detail"].startswith("Zu viele Anfragen")
