from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rathaus.municipalities.models import Municipality
from rathaus.townhall.tests.test_backoffice_settings import _form

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path


def test_admin_uploads_a_logo_shown_in_the_header(admin_client: Client, soest: Municipality) -> None:
    logo = SimpleUploadedFile("Wappen Soest.PNG", PNG_BYTES, content_type="application/octet-stream")
    response = admin_client.post("/soest/verwaltung/kommune/", {**_form(soest), "logo": logo})
    assert response.status_code == 302
    soest.refresh_from_db()
    name = str(soest.logo.name)
    assert name.startswith("logos/soest-logo")
    assert name.endswith(".png")

    served = Client().get("/soest/logo/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/png"
    assert served.content == PNG_BYTES
    assert 'src="/soest/logo/"' in Client().get("/soest/").content.decode()


def test_a_script_named_like_an_image_is_refused_and_nothing_is_stored(
    admin_client: Client, soest: Municipality, tmp_path: Path
) -> None:
    fake = SimpleUploadedFile("wappen.png", b"<svg><script>alert(1)</script></svg>", content_type="image/png")
    response = admin_client.post("/soest/verwaltung/kommune/", {**_form(soest), "logo": fake})
    assert response.status_code == 200
    assert "Bitte ein Bild im Format PNG, JPEG oder WebP hochladen" in response.content.decode()
    soest.refresh_from_db()
    assert not soest.logo
    assert not any(tmp_path.rglob("*"))


def test_without_a_logo_the_logo_address_is_not_found(soest: Municipality) -> None:
    assert Client().get("/soest/logo/").status_code == 404
