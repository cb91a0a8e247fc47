import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _get(url: str) -> tuple[int, bytes, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (local test server)
            return response.status, response.read(), response.headers.get("Content-Type", "")
    except urllib.error.HTTPError as error:
        return error.code, error.read(), error.headers.get("Content-Type", "")


@pytest.mark.browser
def test_serve_runs_gunicorn_with_pages_and_static_files(tmp_path: Path) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "RATHAUS_DATA_DIR": str(tmp_path),
        "STATIC_ROOT": str(tmp_path / "static"),
    }
    subprocess.run([sys.executable, "-m", "rathaus", "migrate", "-v0"], env=env, check=True, timeout=120)
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rathaus", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        # collectstatic into an empty STATIC_ROOT runs first; give a busy machine a minute.
        for _ in range(300):
            try:
                status, body, _ = _get(base + "/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("server did not start")
        assert status == 200
        assert "Digitales Rathaus" in body.decode()
        status, body, content_type = _get(base + "/static/vendor/kern/kern.min.css")
        assert status == 200
        assert content_type.startswith("text/css")
        assert b".kern-btn" in body
        status, body, _ = _get(base + "/gibt-es-nicht/")
        assert status == 404
        assert "Seite nicht gefunden" in body.decode()
    finally:
        server.terminate()
        output = server.communicate(timeout=10)[0].decode()
    assert "gunicorn" in output.lower() or "Booting worker" in output
