import pytest
from django.core.checks import run_checks

from rathaus.core import checks


def _ids(*, deploy: bool) -> set[str]:
    return {message.id for message in run_checks(include_deployment_checks=deploy) if message.id}


def test_check_deploy_warns_when_no_virus_scanner_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "clamav_command", lambda: None)
    warning = next(message for message in run_checks(include_deployment_checks=True) if message.id == "rathaus.W001")
    assert warning.is_serious() is False  # a warning: an office without ClamAV can still go live
    assert "clamdscan nor clamscan" in warning.msg


def test_check_deploy_is_quiet_when_clamav_is_there(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "clamav_command", lambda: ["/usr/bin/clamdscan", "--no-summary", "--fdpass"])
    assert "rathaus.W001" not in _ids(deploy=True)


def test_a_developers_check_does_not_ask_for_clamav(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(checks, "clamav_command", lambda: None)
    assert "rathaus.W001" not in _ids(deploy=False)
