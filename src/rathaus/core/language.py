"""The one bilingual-message helper, for the messages of Django-free code.

Everything with a Django request around it is translated by gettext. The routing library
(`rathaus.routing`) knows no Django and so no gettext: its errors carry a German and an English
text (`RoutingError.german`, `.english`). This picks the one for the active language.
"""

from typing import Protocol

from django.utils.translation import get_language


class Bilingual(Protocol):
    @property
    def german(self) -> str: ...

    @property
    def english(self) -> str: ...


def in_english() -> bool:
    """True when the active language is English (the only language besides German)."""
    return (get_language() or "de").startswith("en")


def localized(message: Bilingual) -> str:
    """The German or English text of a Django-free message, by the active language."""
    return message.english if in_english() else message.german
