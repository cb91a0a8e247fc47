"""Search over a municipality's services, tuned for how people type German.

People type "Perso", "Gewerbe anmelden", "Fuehrungszeugnis" or "Personalausweiss". The
index therefore works on folded, lightly stemmed terms:

- folding: lower case, umlauts as their two-letter spelling (ü → ue), ß → ss, accents dropped;
- stemming: common German endings removed, so "anmelden" and "Anmeldung" meet at "anmeld";
- compounds: a query term found inside a longer word matches it ("ausweis" in
  "personalausweis"), as does a field word found inside a query compound;
- typos: a term within one edit (two for long words) of a word, or of a word's tail, matches.

Each query term scores its best match over the weighted fields (name, synonyms, summary,
department); a service's score is the sum, scaled by the share of query terms it matched.
The page and the API call the same `rank` function, so they rank alike.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
_SUFFIXES = ("ungen", "heiten", "keiten", "ung", "heit", "keit", "en", "er", "es", "em", "e", "n", "s")
_STOPWORDS = frozenset(
    "der die das den dem des ein eine einen einem einer und oder fuer zu zum zur im in am an auf "
    "mit von vom ich mein meine meinen mir wie was wo wer bei beim ist sind the a an of for to my "
    "how i".split()
)

# Field weights: a hit in the name says more than one in the summary.
WEIGHT_NAME = 3.0
WEIGHT_SYNONYM = 2.8
WEIGHT_DEPARTMENT = 0.8
WEIGHT_SUMMARY = 0.6

# How much a kind of match is worth, relative to an exact hit.
EXACT = 1.0
PREFIX = 0.85
INSIDE = 0.75
CONTAINS_FIELD_WORD = 0.6
TYPO = 0.6


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    for suffix in _SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def terms(text: str) -> list[str]:
    return [stem(word) for word in fold(text).split() if word not in _STOPWORDS]


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, bounded so that a 10,000-character query costs nothing."""
    seen: list[str] = []
    for term in terms(query[:MAX_QUERY_LENGTH]):
        if term not in seen:
            seen.append(term)
    return seen[:MAX_QUERY_TERMS]


def _within_edits(a: str, b: str, limit: int) -> bool:
    """Optimal string alignment distance of a and b is at most limit (transpositions count one)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        if min(current) > limit:
            return False
        previous_previous, previous = previous, current
    return previous[-1] <= limit


def _typo_limit(term: str) -> int:
    if len(term) >= 8:
        return 2
    if len(term) >= 5:
        return 1
    return 0


def match(query_term: str, word: str) -> float:
    """How well one query term matches one indexed word (0 when it does not)."""
    if query_term == word:
        return EXACT
    if len(query_term) >= 3 and word.startswith(query_term):
        return PREFIX
    if len(query_term) >= 4 and query_term in word:
        return INSIDE
    if len(word) >= 4 and word in query_term:
        return CONTAINS_FIELD_WORD
    limit = _typo_limit(query_term)
    if limit:
        if _within_edits(query_term, word, limit):
            return TYPO
        # A typo inside a compound: compare with the word's tail of about the same length.
        if len(word) > len(query_term) + limit:
            for width in range(len(query_term) - limit, len(query_term) + limit + 1):
                if _within_edits(query_term, word[-width:], limit):
                    return TYPO * 0.9
    return 0.0


@dataclass(frozen=True)
class Document:
    """The searchable form of one service."""

    key: int
    name: str
    fields: tuple[tuple[float, frozenset[str]], ...] = field(repr=False)

    @classmethod
    def build(cls, *, key: int, name: str, synonyms: Iterable[str], summary: str, department: str) -> Document:
        return cls(
            key=key,
            name=name,
            fields=(
                (WEIGHT_NAME, frozenset(terms(name))),
                (WEIGHT_SYNONYM, frozenset(term for synonym in synonyms for term in terms(synonym))),
                (WEIGHT_DEPARTMENT, frozenset(terms(department))),
                (WEIGHT_SUMMARY, frozenset(terms(summary))),
            ),
        )


def score(document: Document, query: Sequence[str]) -> float:
    total = 0.0
    matched = 0
    for query_term in query:
        best = 0.0
        for weight, words in document.fields:
            if best >= weight:
                break  # fields come in falling weight; nothing later can beat this
            for word in words:
                value = weight * match(query_term, word)
                if value > best:
                    best = value
                    if value == weight:
                        break
        if best:
            matched += 1
            total += best
    if not matched:
        return 0.0
    coverage = matched / len(query)
    return total * coverage * coverage


def rank(documents: Iterable[Document], query: str) -> list[tuple[Document, float]]:
    """Documents that match the query, best first; ties go alphabetically."""
    wanted = query_terms(query)
    if not wanted:
        return []
    hits = [(document, value) for document in documents if (value := score(document, wanted)) > 0]
    # Weak partial hits (one word of several, found only in a summary) are noise.
    if hits:
        best = max(value for _, value in hits)
        hits = [(document, value) for document, value in hits if value >= best * 0.2]
    hits.sort(key=lambda hit: (-hit[1], hit[0].name.lower()))
    return hits
