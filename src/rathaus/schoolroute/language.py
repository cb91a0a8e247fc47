"""The visitor's language for the messages that the Django-free parts (the router, the eligibility
rules) write in both German and English."""

from django.utils.translation import get_language

from rathaus.routing import RoutingError


def english() -> bool:
    return (get_language() or "de").startswith("en")


def error_message(error: Exception) -> str:
    """A routing error's message, or the right half of a "deutsch / english" ValueError of the
    eligibility rules, in the visitor's language."""
    if isinstance(error, RoutingError):
        return error.english if english() else error.german
    german, _separator, in_english = str(error).partition(" / ")
    return in_english if english() and in_english else german
