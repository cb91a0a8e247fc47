import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rathaus import settings

PROJECT = Path(settings.PROJECT_DIR)


def test_env_bool_reads_common_spellings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FLAG", "yes")
    assert settings.env_bool("FLAG") is True
    monkeypatch.setenv("FLAG", "0")
    assert settings.env_bool("FLAG", True) is False
    monkeypatch.setenv("FLAG", "vielleicht")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        settings.env_bool("FLAG")


def test_env_int_names_the_variable_when_it_is_not_a_number(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WORKERS", "viele")
    with pytest.raises(ImproperlyConfigured, match="WORKERS must be a whole number"):
        settings.env_int("WORKERS", 2)


def test_email_url_configures_smtp_with_tls() -> None:
    config = settings.parse_email_url("smtp://mailer:p%40ss@mail.example:587?tls=1")
    assert config["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (config["EMAIL_HOST"], config["EMAIL_PORT"]) == ("mail.example", 587)
    assert (config["EMAIL_HOST_USER"], config["EMAIL_HOST_PASSWORD"]) == ("mailer", "p@ss")
    assert config["EMAIL_USE_TLS"] is True


def test_email_url_rejects_unknown_schemes() -> None:
    with pytest.raises(ImproperlyConfigured, match="EMAIL_URL scheme"):
        settings.parse_email_url("pigeon://roof")


def test_secret_key_comes_from_the_file_named_in_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("aus-der-datei\n")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("SECRET_KEY_FILE", str(key_file))
    assert settings.read_secret_key(tmp_path) == "aus-der-datei"


def test_without_a_secret_key_one_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("SECRET_KEY_FILE", raising=False)
    first = settings.read_secret_key(tmp_path)
    assert len(first) > 40
    assert settings.read_secret_key(tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def _rathaus(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "rathaus", *args],
        env={**{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}, **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_passes_with_a_production_environment(tmp_path: Path) -> None:
    # Production has ClamAV; without it the check warns (rathaus.W001, core/tests/test_checks.py).
    scanner = tmp_path / "bin" / "clamdscan"
    scanner.parent.mkdir()
    scanner.write_text("#!/bin/sh\nexit 0\n")
    scanner.chmod(0o755)
    production = {
        "PATH": f"{scanner.parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "DEBUG": "false",
        "SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-1234567890",
        "ALLOWED_HOSTS": "rathaus.soest.example",
        "HTTPS": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "RATHAUS_DATA_DIR": str(tmp_path),
        "EMAIL_URL": "smtp://mail.example:587?tls=1",
    }
    result = _rathaus("check", "--deploy", "--fail-level", "WARNING", env=production)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_warns_without_https(tmp_path: Path) -> None:
    result = _rathaus(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={"RATHAUS_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}"},
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stdout + result.stderr
