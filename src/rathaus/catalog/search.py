"""Search over a municipality's services, tuned for how people type German.

People type "Perso", "Gewerbe anmelden", "Fuehrungszeugnis" or "Personalausweiss". The
index therefore works on folded, lightly stemmed terms:

- folding: lower case, umlauts as their two-letter spelling (ü → ue), ß → ss, accents dropped;
- stemming: common German endings removed, so "anmelden" and "Anmeldung" meet at "anmeld";
- compounds: a query term found inside a longer word matches it ("ausweis" in
  "personalausweis"), as does a field word that makes up most of a query compound
  ("personalausweis" in "personalausweisantrag", but not "kind" in "kindergeld");
- typos: a term within one edit (two for long words) of a word, or of a word's tail, matches.

Each query term scores its best match over the weighted fields (name, synonyms, summary,
department); a service's score is the sum, scaled by the share of query terms it matched.
When the query as a whole is one of the service's phrases (its name or a search term of
its own, such as "Ausweis" or "Gewerbe anmelden"), the service gets a bonus: that is the
service the editors meant for those words. A query covering part of a phrase gets that
part of the bonus. Ties go to the service with the shorter name
(the general service before the special case), then alphabetically.

The page and the API call the same `rank` function, so they rank alike.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from difflib import get_close_matches
from functools import lru_cache

MAX_QUERY_LENGTH = 200
MAX_QUERY_TERMS = 8
# Longer than the longest real compound ("Grundstücksverkehrsgenehmigungszuständigkeits…"): garbage.
MAX_TERM_LENGTH = 80

_FOLD = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "ẞ": "ss"})
_NON_WORD = re.compile(r"[^a-z0-9]+")
# Inflection and derivation endings, longest first; only one is removed. A bare "s" goes
# only after the consonants that take a genitive or plural s ("Fahrzeugs", "Autos" stays),
# so that "Ausweis", "Reisepass" and "Person" keep their last letter.
_SUFFIXES = ("ungen", "heiten", "keiten", "ung", "heit", "keit", "ern", "em", "er", "en", "es", "e", "s")
_S_ENDING = frozenset("bdfghklmnrt")
_MIN_STEM = 4


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that carry no meaning for finding a service, in folded spelling. Includes the verbs
# of a question typed as a sentence ("ich habe meinen Ausweis verloren", "I need a passport").
_STOPWORDS = _words(
    """
    der die das den dem des ein eine einen einem einer eines und oder fuer zu zum zur im in am an auf
    aus mit von vom ich mein meine meinen meinem meiner mir mich wir uns unser unsere wie was wo wer
    wann bei beim ist sind bin hat habe haben hab moechte moechten will wollen muss muessen brauche
    brauchen benoetige kann koennen bitte man es
    the a an of for to my how i me we our do does can need want get is are please
    """
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

# Letters a compound's other part needs at least ("be" in "beantragen" is a prefix, not a word).
MIN_COMPOUND_PART = 3

# Words people use for the same thing, in folded and stemmed spelling: a query term also
# matches its alternatives, a little weaker (SYNONYM) than itself. Kept short and obvious;
# the services' own search terms do the rest.
SYNONYM = 0.9
_SYNONYM_GROUPS = (
    "Müll Abfall",
    "Heirat Ehe Hochzeit Trauung",
    "Kindergarten Kita",
    "Führerschein Fahrerlaubnis",
    "Beerdigung Bestattung",
    "Strafzettel Knöllchen Verwarnungsgeld",
)


@lru_cache(maxsize=1)
def synonym_table() -> dict[str, tuple[str, ...]]:
    """Each stemmed word of a synonym group with the other words of its group."""
    table: dict[str, tuple[str, ...]] = {}
    for group in _SYNONYM_GROUPS:
        words = [stem(word) for word in fold(group).split()]
        for word in words:
            table[word] = tuple(other for other in words if other != word)
    return table


# A query term matching more than this share of the services is common ("beantragen",
# "anmelden"): a service that matches only common terms of a longer query is not shown.
COMMON_SHARE = 0.2

# Share added to a service's score when the whole query is one of its phrases.
PHRASE_BONUS = 0.25
# Hits scoring below this share of the best hit, or below MIN_SCORE, are dropped as noise:
# a typo found only in a summary, or one word of several found only in a summary, says
# little. "Nothing found" with the A–Z list serves a citizen better than a wrong service.
NOISE_FLOOR = 0.2
MIN_SCORE = 0.5


def fold(text: str) -> str:
    """Lower case, umlauts spelled out, accents and punctuation dropped: "Führungs-Zeugnis" → "fuehrungs zeugnis"."""
    text = unicodedata.normalize("NFKC", text).lower().translate(_FOLD)
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text).strip()


@lru_cache(maxsize=20_000)
def stem(word: str) -> str:
    """A folded word without its ending: "anmelden", "Anmeldung" → "anmeld"; "Reisepasses" → "reisepass"."""
    for suffix in _SUFFIXES:
        if not word.endswith(suffix) or len(word) - len(suffix) < _MIN_STEM:
            continue
        stemmed = word[: -len(suffix)]
        if suffix == "s" and stemmed[-1] not in _S_ENDING:
            continue
        if suffix in {"e", "es", "en"} and stemmed.endswith("niss"):
            stemmed = stemmed[:-1]  # "Zeugnisse" → "zeugnis", like "Zeugnis"
        return stemmed
    return word


def clean_query(text: str) -> str:
    """A query as typed, without control and formatting characters and outer spaces.

    Tabs and line breaks become spaces; NUL, ESC, bidi overrides (U+202E) and soft hyphens
    (pasted "Personal\u00adausweis") are dropped.
    """
    return "".join(" " if ch.isspace() else ch for ch in text if ch.isprintable() or ch.isspace()).strip()


def terms(text: str) -> list[str]:
    return [stem(word) for word in fold(text).split() if word not in _STOPWORDS]


def query_terms(query: str) -> list[str]:
    """The distinct terms of a query, bounded so that a 10,000-character query costs nothing."""
    seen: list[str] = []
    for term in terms(query[:MAX_QUERY_LENGTH]):
        if term not in seen and len(term) <= MAX_TERM_LENGTH:
            seen.append(term)
    return seen[:MAX_QUERY_TERMS]


def _distance_at_most(query_term: str, word: str, limit: int, *, suffix: bool = False) -> bool:
    """Optimal string alignment distance (transpositions count one) of query_term and word is at most limit.

    With suffix=True, of query_term and the closest tail of word: the alignment may skip any
    beginning of word ("ausweiss" against "personalausweis"), computed in one pass.
    """
    b = word[-(len(query_term) + limit) :] if suffix else word
    previous_previous: list[int] = []
    previous = [0] * (len(b) + 1) if suffix else list(range(len(b) + 1))
    for i in range(1, len(query_term) + 1):
        a_i = query_term[i - 1]
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            b_j = b[j - 1]
            value = previous[j - 1] + (a_i != b_j)
            if previous[j] + 1 < value:
                value = previous[j] + 1
            if current[j - 1] + 1 < value:
                value = current[j - 1] + 1
            if (
                i > 1
                and j > 1
                and a_i == b[j - 2]
                and query_term[i - 2] == b_j
                and previous_previous[j - 2] + 1 < value
            ):
                value = previous_previous[j - 2] + 1
            current[j] = value
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


def _typo(query_term: str, word: str, limit: int) -> float:
    """TYPO when word is query_term with at most limit edits, a little less when word's tail is."""
    whole = abs(len(query_term) - len(word)) <= limit
    if not whole and len(word) <= len(query_term) + limit:
        return 0.0  # word too short
    # Each letter of the query that the word lacks costs an edit: a cheap bound that spares
    # most of the alignments below.
    missing = 0
    for ch in query_term:
        if ch not in word:
            missing += 1
            if missing > limit:
                return 0.0
    if whole:
        return TYPO if _distance_at_most(query_term, word, limit) else 0.0
    # A typo inside a compound: compare with the word's tail.
    return TYPO * 0.9 if _distance_at_most(query_term, word, limit, suffix=True) else 0.0


def _inside(query_term: str, word: str) -> bool:
    """The query term is a part of the compound word, not letters inside another word.

    "ausweis" is the head of "personalausweis" and "steuer" of "hundesteuer"; "antrag" inside
    "beantragen" follows a mere prefix ("be"), so it does not count. The part before must have
    at least MIN_COMPOUND_PART letters; in the middle of a word, the part after too, and the
    term needs five letters there ("auto" in "spielautomat" is chance).
    """
    start = word.find(query_term, MIN_COMPOUND_PART)
    while start != -1:
        after = len(word) - start - len(query_term)
        if after == 0 or (after >= MIN_COMPOUND_PART and len(query_term) >= 5):
            return True
        start = word.find(query_term, start + 1)
    return False


def match(query_term: str, word: str, *, fuzzy: bool = True) -> float:
    """How well one query term matches one indexed word (0 when it does not).

    With fuzzy=False (a query term the catalogue knows as a word) only the word itself, its
    beginning or a compound's part count: no typo allowance and no shorter field word
    standing for the query term, so "Bauantrag" does not find every "beantragen".
    """
    if query_term == word:
        return EXACT
    if len(query_term) >= 3 and word.startswith(query_term):
        return PREFIX
    if len(query_term) >= 4 and _inside(query_term, word):
        return INSIDE
    if not fuzzy:
        return 0.0
    if len(word) >= 4 and 2 * len(word) > len(query_term) and word in query_term:
        return CONTAINS_FIELD_WORD
    limit = _typo_limit(query_term)
    return _typo(query_term, word, limit) if limit else 0.0


@dataclass(frozen=True)
class Document:
    """The searchable form of one service."""

    key: int
    name: str
    fields: tuple[tuple[float, frozenset[str]], ...] = field(repr=False)
    # The name and each search term as a whole, for the phrase bonus.
    phrases: tuple[frozenset[str], ...] = field(default=(), repr=False)
    # Number of terms in the name: among equal scores the shorter, more general name goes first.
    name_length: int = 0
    # The search terms as written, for suggestions ("Meinten Sie …").
    search_terms: tuple[str, ...] = field(default=(), repr=False)

    @classmethod
    def build(cls, *, key: int, name: str, synonyms: Iterable[str], summary: str, department: str) -> Document:
        synonyms = tuple(synonyms)
        name_terms = terms(name)
        synonym_terms = [frozenset(terms(synonym)) for synonym in synonyms]
        phrases = {frozenset(name_terms), *synonym_terms} - {frozenset()}
        return cls(
            key=key,
            name=name,
            fields=(
                (WEIGHT_NAME, frozenset(name_terms)),
                (WEIGHT_SYNONYM, frozenset().union(*synonym_terms)),
                (WEIGHT_DEPARTMENT, frozenset(terms(department))),
                (WEIGHT_SUMMARY, frozenset(terms(summary))),
            ),
            phrases=tuple(sorted(phrases, key=sorted)),
            name_length=len(name_terms),
            search_terms=tuple(synonyms),
        )


Memo = dict[str, dict[str, float]]


def phrase_match(query_term: str, word: str) -> float:
    """How well a query term stands for a phrase's word: the same word, its beginning or a typo of it."""
    if query_term == word:
        return EXACT
    if len(query_term) >= 3 and word.startswith(query_term):
        return PREFIX
    limit = _typo_limit(query_term)
    if limit and abs(len(query_term) - len(word)) <= limit and _distance_at_most(query_term, word, limit):
        return TYPO
    return 0.0


def _phrase_match(query_term: str, word: str, memo: Memo) -> float:
    known = memo.setdefault(f"phrase:{query_term}", {})
    value = known.get(word)
    if value is None:
        value = known[word] = phrase_match(query_term, word)
    return value


def _phrase_quality(document: Document, query: Sequence[str], memo: Memo) -> float:
    """How much of one of the document's phrases the query covers, and how well (0 when none).

    1 when the query is a phrase ("Ausweis"); a half when it covers half of one, so that
    "passport" prefers "Apply for a passport" to "Apply for a second passport".
    """
    best = 0.0
    for phrase in document.phrases:
        if len(phrase) < len(query):
            continue
        quality = min(max(_phrase_match(term, word, memo) for word in phrase) for term in query)
        best = max(best, quality * len(query) / len(phrase))
        if best == EXACT:
            break
    return best


def _word_match(query_term: str, word: str, fuzzy: bool) -> float:
    """The query term's match with a word, or its synonyms' (a little weaker), whichever is better."""
    value = match(query_term, word, fuzzy=fuzzy)
    if value < EXACT:
        for other in synonym_table().get(query_term, ()):
            value = max(value, SYNONYM * match(other, word, fuzzy=False))
    return value


def _best_per_term(
    document: Document, query: Sequence[str], memo: Memo, fuzzy: Sequence[bool] | None = None
) -> list[float]:
    """For each query term, its best weighted match over the document's fields (0 if none)."""
    bests = []
    for position, query_term in enumerate(query):
        term_fuzzy = True if fuzzy is None else fuzzy[position]
        known = memo.get(query_term)
        if known is None:
            known = memo[query_term] = {}
        best = 0.0
        for weight, words in document.fields:
            if best >= weight:
                break  # fields come in falling weight; nothing later can beat this
            for word in words:
                value = known.get(word)
                if value is None:
                    # the same words recur across a catalogue
                    value = known[word] = _word_match(query_term, word, term_fuzzy)
                value *= weight
                if value > best:
                    best = value
                    if value == weight:
                        break
        bests.append(best)
    return bests


def known_terms(documents: Sequence[Document], query: Sequence[str]) -> list[bool]:
    """For each query term, whether some indexed word is it, begins with it or has it as a compound part.

    A known term is spelled as the catalogue spells it: it needs no typo allowance, and
    allowing one would only find other words ("bauantrag" is two edits from "beantrag").
    """
    vocabulary: set[str] = set()
    for document in documents:
        for _weight, words in document.fields:
            vocabulary |= words
    return [any(match(term, word, fuzzy=False) for word in vocabulary) for term in query]


def _combine(
    document: Document, query: Sequence[str], bests: Sequence[float], weights: Sequence[float], memo: Memo
) -> float:
    matched = [best > 0 for best in bests]
    if not any(matched):
        return 0.0
    total = sum(best * weight for best, weight in zip(bests, weights, strict=True))
    if all(matched):
        total *= 1 + PHRASE_BONUS * _phrase_quality(document, query, memo)
    coverage = sum(weight for weight, hit in zip(weights, matched, strict=True) if hit) / sum(weights)
    return total * coverage * coverage


def score(document: Document, query: Sequence[str], memo: Memo | None = None) -> float:
    """How well a document answers the query terms on its own (0 when no term matches)."""
    memo = {} if memo is None else memo
    return _combine(document, query, _best_per_term(document, query, memo), [1.0] * len(query), memo)


def rarity_weights(matches: Sequence[Sequence[float]]) -> list[float]:
    """Weights of the query terms by how few documents they match (inverse document frequency).

    In "Gewerbe anmelden" the verb matches many services and the noun few, so a service that
    only shares the noun is the better partial answer. Normalised to a mean of 1, so a query
    of one term scores as before.
    """
    if not matches:
        return []
    count = len(matches)
    raw = []
    for position in range(len(matches[0])):
        # A term no document matches counts as rare as can be: the catalogue lacks what was
        # asked for, so partial hits on the other terms must not look complete.
        frequency = max(1, sum(1 for bests in matches if bests[position] > 0))
        raw.append(1 + math.log(count / frequency))
    mean = sum(raw) / len(raw)
    return [weight / mean for weight in raw]


def rank(documents: Iterable[Document], query: str) -> list[tuple[Document, float]]:
    """Documents that match the query, best first.

    A service that matches all the query's terms goes before one that matches fewer; a
    service that matches only common terms of a longer query ("beantragen" in "Bauantrag
    beantragen") is dropped. Then by score; ties go to the shorter name, then alphabetically.
    """
    wanted = query_terms(query)
    if not wanted:
        return []
    documents = list(documents)
    memo: Memo = {}
    known = known_terms(documents, wanted)
    fuzzy = [not is_known for is_known in known]
    candidates = [(document, _best_per_term(document, wanted, memo, fuzzy)) for document in documents]
    weights = rarity_weights([bests for _, bests in candidates])
    common = _common_terms([bests for _, bests in candidates])
    hits = []
    for document, bests in candidates:
        value = _combine(document, wanted, bests, weights, memo)
        if value < MIN_SCORE:
            continue
        matched = [position for position, best in enumerate(bests) if best > 0]
        if len(wanted) > 1 and len(matched) < len(wanted) and all(common[position] for position in matched):
            continue  # only the common words of the query: junk
        hits.append((document, value, len(matched)))
    # Weak partial hits (one word of several, found only in a summary) are noise.
    if hits:
        best = max(value for _, value, _ in hits)
        hits = [hit for hit in hits if hit[1] >= best * NOISE_FLOOR]
    hits.sort(key=lambda hit: (-hit[2], -round(hit[1], 9), hit[0].name_length, hit[0].name.lower()))
    return [(document, value) for document, value, _ in hits]


def _common_terms(matches: Sequence[Sequence[float]]) -> list[bool]:
    """For each query term, whether it matches more than COMMON_SHARE of the documents."""
    if not matches:
        return []
    count = len(matches)
    return [
        sum(1 for bests in matches if bests[position] > 0) > COMMON_SHARE * count for position in range(len(matches[0]))
    ]


def suggestions(documents: Iterable[Document], query: str, limit: int = 3) -> list[str]:
    """Close spellings among the catalogue's names and search terms, for a search that found nothing."""
    wanted = fold(query)
    if not wanted:
        return []
    phrases: dict[str, str] = {}
    for document in documents:
        for phrase in (document.name, *document.search_terms):
            phrases.setdefault(fold(phrase), phrase)
    close = get_close_matches(wanted, list(phrases), n=limit, cutoff=0.75)
    return [phrases[folded] for folded in close]
