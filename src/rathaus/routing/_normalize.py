"""Street names and house numbers in one comparable form.

`normalize_street` folds what people write differently for the same street: case, spaces and
hyphens ("Karl-Marx-Straße" = "Karl Marx Str."), the abbreviations "Str."/"str." and the
spellings "Strasse"/"Straße" (ß and ss alike), umlauts and ae/oe/ue, other accents.
`normalize_housenumber` folds "12a", "12 a", "12 A" into "12a" and "12 - 14" into "12-14".
"""

from __future__ import annotations

import re
import unicodedata

UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# "straße" after casefold is "strasse"; "Str." and a trailing "str" are its abbreviations.
STREET_WORD = re.compile(r"str(?:asse|\.|\b)")
NOT_ALPHANUMERIC = re.compile(r"[^0-9a-z]+")
SPACES = re.compile(r"\s+")
HOUSENUMBER = re.compile(r"(\d+)\s*([a-z]*)(.*)")
# Written out for display: "Heißener Str." -> "Heißener Straße", "Alfredstr." -> "Alfredstraße".
ABBREVIATED_STREET = re.compile(r"(?<=\w)str\.(?=\s|$)|\bStr\.(?=\s|$)")


def normalize_street(name: str) -> str:
    """The comparison key of a street name; two spellings of one street give the same key."""
    text = unicodedata.normalize("NFC", name).casefold().translate(UMLAUTS)
    text = STREET_WORD.sub("strasse", text)
    # Remaining accents (é, è, ø …) lose their marks; ß is already "ss" from casefold.
    text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return NOT_ALPHANUMERIC.sub("", text)


def normalize_housenumber(number: str) -> str:
    """The comparison key of a house number: lower case, without spaces ("12 A" -> "12a")."""
    return SPACES.sub("", unicodedata.normalize("NFKC", number).casefold())


def display_street(name: str) -> str:
    """A street name with its abbreviation written out, as the source spells it otherwise."""
    name = SPACES.sub(" ", name.strip())
    return ABBREVIATED_STREET.sub(lambda match: "Straße" if match.group().startswith("S") else "straße", name)


def housenumber_sort_key(number: str) -> tuple[int, str]:
    """Orders house numbers as on the street: 2 < 2a < 2b < 10 (numbers without digits last)."""
    match = HOUSENUMBER.match(number)
    if match is None:
        return (2**31, number)
    return (int(match.group(1)), match.group(2) + match.group(3))
