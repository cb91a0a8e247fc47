import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rathaus.core.uploads import JPEG, PNG, WEBP, sniff_image, validate_image_upload

PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_images_are_known_by_their_first_bytes() -> None:
    assert sniff_image(PNG_BYTES) is PNG
    assert sniff_image(b"\xff\xd8\xff\xe0" + b"\x00" * 12) is JPEG
    assert sniff_image(b"RIFF\x00\x00\x00\x00WEBPVP8 ") is WEBP


@pytest.mark.parametrize(
    "content",
    [
        b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
        b"\x7fELF\x02\x01\x01" + b"\x00" * 20,
        b"MZ\x90\x00" + b"\x00" * 20,
        b"#!/bin/sh\nrm -rf /\n",
        b"%PDF-1.7\n",
        b"",
    ],
    ids=["svg-with-script", "elf-executable", "windows-executable", "shell-script", "pdf", "empty"],
)
def test_anything_else_is_refused_whatever_its_name(content: bytes) -> None:
    upload = SimpleUploadedFile("wappen.png", content, content_type="image/png")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload, max_bytes=512 * 1024)
    assert error.value.code == "not_an_image"


def test_too_large_images_are_refused_with_the_limit_named() -> None:
    upload = SimpleUploadedFile("wappen.png", PNG_BYTES + b"\x00" * 600_000, content_type="image/png")
    with pytest.raises(ValidationError) as error:
        validate_image_upload(upload, max_bytes=512 * 1024)
    assert "512 KB" in error.value.messages[0]
