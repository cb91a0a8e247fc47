from typing import Any

import pytest
from django.test import Client

from rathaus.municipalities.models import Municipality


@pytest.mark.parametrize("path", ["/soest/barrierefreiheit/", "/soest/antrag/bewerbung/"])
def test_a_body_over_the_limit_is_refused_with_a_message_before_it_is_read(
    soest: Municipality, settings: Any, path: str
) -> None:
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    body = b"x" * (2 * 1024 * 1024)
    response = Client().generic("POST", path, body, content_type="application/octet-stream")
    assert response.status_code == 413
    assert "höchstens 1 MB" in response.content.decode()


def test_the_api_answers_an_oversize_body_in_json(soest: Municipality, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1024
    response = Client().generic("POST", "/api/v1/municipalities/soest/services", b"x" * 4096)
    assert response.status_code == 413
    assert "zu groß" in response.json()["detail"]


def test_a_body_within_the_limit_passes(soest: Municipality, settings: Any) -> None:
    settings.MAX_REQUEST_BYTES = 1024 * 1024
    response = Client().post("/soest/barrierefreiheit/", {"message": ""})
    assert response.status_code != 413
