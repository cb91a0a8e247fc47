import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_AGS = re.compile(r"\d{8}")
# First two digits of the AGS: the Land (01 Schleswig-Holstein … 16 Thüringen).
_LAENDER = {f"{n:02d}" for n in range(1, 17)}


def validate_ags(value: str) -> None:
    """Amtlicher Gemeindeschlüssel: 8 digits, Land 01–16 (Destatis Gemeindeverzeichnis)."""
    if not _AGS.fullmatch(value or ""):
        raise ValidationError(
            _("Der Amtliche Gemeindeschlüssel hat genau 8 Ziffern, z. B. 05974040."), code="ags_format"
        )
    if value[:2] not in _LAENDER:
        raise ValidationError(
            _("Die ersten beiden Ziffern des Gemeindeschlüssels müssen ein Land (01–16) bezeichnen."),
            code="ags_land",
        )


def validate_colour(value: str) -> None:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value or ""):
        raise ValidationError(_("Bitte eine Farbe als #RRGGBB angeben, z. B. #004b87."), code="colour")


# First path segments that belong to the site, not to a municipality.
RESERVED_SLUGS = frozenset({"api", "konto", "static", "media", "i18n", "admin", "verwaltung", "plattform"})


def validate_slug_free(value: str) -> None:
    if value in RESERVED_SLUGS:
        raise ValidationError(_("Dieser Kurzname ist für die Website reserviert."), code="slug_reserved")
