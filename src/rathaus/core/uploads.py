"""Checks for uploaded files: the type is read from the content, never from the name."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class ImageType:
    extension: str
    content_type: str


PNG = ImageType("png", "image/png")
JPEG = ImageType("jpg", "image/jpeg")
WEBP = ImageType("webp", "image/webp")


def sniff_image(head: bytes) -> ImageType | None:
    """The raster image type the first bytes announce, or None. SVG is refused on purpose:
    it can carry scripts."""
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    return None


def validate_image_upload(upload: UploadedFile[bytes], *, max_bytes: int) -> ImageType:
    """Returns the sniffed type of an uploaded image or raises a ValidationError in the user's language."""
    if upload.size is not None and upload.size > max_bytes:
        raise ValidationError(
            _("Die Datei ist zu groß (höchstens %(limit)s KB).") % {"limit": max_bytes // 1024}, code="too_large"
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    image_type = sniff_image(head)
    if image_type is None:
        raise ValidationError(
            _("Bitte ein Bild im Format PNG, JPEG oder WebP hochladen. Diese Datei ist keins."), code="not_an_image"
        )
    return image_type
