"""The search on its own: folding, stemming, matching and ranking, without a database."""

import json
from importlib import resources
from typing import Any

import pytest

from rathaus.catalog import search
from rathaus.catalog.search import Document, clean_query, fold, match, query_terms, rank, stem, terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Führungszeugnis", "fuehrungszeugnis"),
        ("FÜHRUNGSZEUGNIS", "fuehrungszeugnis"),
        ("Fuehrungszeugnis", "fuehrungszeugnis"),
        ("Geldbörse", "geldboerse"),
        ("Straße", "strasse"),
        ("STRASSE", "strasse"),
        ("Café Crème", "cafe creme"),
        ("Kfz-Zulassung: Neufahrzeug", "kfz zulassung neufahrzeug"),
        ("  Gewerbe\tanmelden \n", "gewerbe anmelden"),
        ("<script>alert(1)</script>", "script alert 1 script"),
        ("' OR 1=1 --", "or 1 1"),
        ("\x00\x1b\u202e", ""),
        ("ﬁ", "fi"),  # compatibility ligature
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("word", "stemmed"),
    [
        ("anmelden", "anmeld"),
        ("anmeldung", "anmeld"),
        ("anmeldungen", "anmeld"),
        ("ummelden", "ummeld"),
        ("ummeldung", "ummeld"),
        ("gewerbe", "gewerb"),
        ("gewerbes", "gewerb"),
        ("reisepass", "reisepass"),  # no bare s after s …
        ("reisepasses", "reisepass"),
        ("ausweis", "ausweis"),  # … nor after a vowel
        ("personalausweises", "personalausweis"),
        ("person", "person"),  # a bare n is no ending
        ("fahrzeugs", "fahrzeug"),
        ("zeugnis", "zeugnis"),
        ("zeugnisse", "zeugnis"),
        ("kindern", "kind"),
        ("pass", "pass"),  # too short to lose anything
        ("ehe", "ehe"),
    ],
)
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


def test_terms_drop_stopwords_of_a_sentence() -> None:
    assert terms("Ich habe meinen Ausweis verloren") == ["ausweis", "verlor"]
    assert terms("How do I get a passport?") == ["passport"]


def test_query_terms_are_distinct_and_bounded() -> None:
    assert query_terms("Pass pass PASS Pässe") == ["pass", "paess"]
    assert len(query_terms(" ".join(f"wort{i}" for i in range(50)))) == search.MAX_QUERY_TERMS
    # Only the head of a huge query is read.
    assert query_terms("Reisepass " + "x" * 10_000) == ["reisepass"]


def test_clean_query_drops_control_and_format_characters() -> None:
    assert clean_query("\x00Pass\x1b") == "Pass"
    assert clean_query("Reise\u202epass") == "Reisepass"
    assert clean_query("Personal\u00adausweis") == "Personalausweis"  # soft hyphen from a copied web page
    assert clean_query("Gewerbe\tanmelden\r\n") == "Gewerbe anmelden"


@pytest.mark.parametrize(
    ("query_term", "word", "value"),
    [
        ("perso", "perso", search.EXACT),
        ("perso", "personalausweis", search.PREFIX),
        ("ausweis", "personalausweis", search.INSIDE),
        ("personalausweisantrag", "personalausweis", search.CONTAINS_FIELD_WORD),
        ("personalausweiss", "personalausweis", search.TYPO),  # one letter too many
        ("persnalausweis", "personalausweis", search.TYPO),  # one letter missing
        ("fuerungszeugnis", "fuehrungszeugnis", search.TYPO),
        ("reiseapss", "reisepass", search.TYPO),  # swapped letters count as one edit
        ("zeugnsi", "fuehrungszeugnis", pytest.approx(search.TYPO * 0.9)),  # typo in a compound's tail
    ],
)
def test_match_kinds(query_term: str, word: str, value: float) -> None:
    assert match(query_term, word) == value


@pytest.mark.parametrize(
    ("query_term", "word"),
    [
        ("pass", "paus"),  # short words get no typo allowance
        ("kindergeld", "kind"),  # "Kindergeld" is money, not a child: the head word is missing
        ("sperrmuell", "sperr"),
        ("au", "ausweis"),  # two letters are too few for a prefix
        ("gewerbeanmeld", "fundsach"),
    ],
)
def test_match_rejects(query_term: str, word: str) -> None:
    assert match(query_term, word) == 0.0


def _document(key: int, name: str, synonyms: tuple[str, ...] = (), summary: str = "") -> Document:
    return Document.build(key=key, name=name, synonyms=synonyms, summary=summary, department="Bürgerbüro")


def test_rank_prefers_the_service_whose_own_phrase_the_query_is() -> None:
    general = _document(1, "Personalausweis beantragen", ("Ausweis", "Perso"))
    lost = _document(2, "Verlust des Personalausweises melden", ("Ausweis verloren", "Perso verloren"))
    for query in ("Ausweis", "Perso", "Personalausweis"):
        assert [document.key for document, _ in rank([lost, general], query)][0] == 1, query
    assert [document.key for document, _ in rank([general, lost], "Ausweis verloren")][0] == 2


def test_rank_breaks_ties_by_shorter_name_then_alphabet() -> None:
    documents = [
        _document(1, "Vorläufigen Reisepass beantragen", ("passport",)),
        _document(2, "Reisepass beantragen", ("passport",)),
        _document(3, "Zweitpass beantragen", ("passport",)),
    ]
    assert [document.key for document, _ in rank(documents, "passport")] == [2, 3, 1]


def test_rank_drops_noise_and_empty_queries() -> None:
    documents = [_document(1, "Reisepass beantragen", summary="Ein Reisepass gilt zehn Jahre.")]
    assert rank(documents, "") == []
    assert rank(documents, "   der die das ") == []  # stopwords only
    assert rank(documents, "Kindergeld") == []
    assert rank(documents, "Jahrr") == []  # a typo found only in the summary is noise


def test_rank_is_deterministic_and_quick_for_a_huge_query() -> None:
    documents = [_document(i, f"Leistung {i}", (f"Begriff{i}",)) for i in range(100)]
    assert rank(documents, "x" * 10_000) == []
    assert rank(documents, "Leistung") == rank(list(reversed(documents)), "Leistung")


def _real_documents(level: str) -> list[Document]:
    data: list[dict[str, Any]] = json.loads(
        resources.files("rathaus.catalog").joinpath("data", "services.json").read_text(encoding="utf-8")
    )
    return [
        Document.build(
            key=index,
            name=item["name"],
            synonyms=[*item["synonyms"], item["name_en"]],
            summary=f"{item['summary']} {item['summary_en']}",
            department="",
        )
        for index, item in enumerate(data)
        if item["level"] == level
    ]


@pytest.mark.parametrize(
    ("query", "first"),
    [
        ("Auto anmelden", "Kfz-Zulassung: Neufahrzeug anmelden"),
        ("Auto abmelden", "Kfz-Abmeldung (Fahrzeug außer Betrieb setzen)"),
        ("Wunschkennzeichen", "Kfz-Zulassung: Neufahrzeug anmelden"),
        ("Fahrzeugschein verloren", "Verlust der Zulassungsbescheinigung Teil I melden"),
        ("Einbürgerung", "Einbürgerung beantragen"),
        ("Bafög", "BAföG beantragen (Ausbildungsförderung)"),
        ("Oldtimer", "H-Kennzeichen für Oldtimer beantragen"),
    ],
)
def test_rank_district_catalogue(query: str, first: str) -> None:
    hits = rank(_real_documents("district"), query)
    assert hits and hits[0][0].name == first


def test_rarer_query_terms_weigh_more() -> None:
    from rathaus.catalog.search import rarity_weights

    # Term 0 matches one document of four, term 1 matches all four.
    weights = rarity_weights([[1.0, 1.0], [0.0, 1.0], [0.0, 1.0], [0.0, 1.0]])
    assert weights[0] > weights[1]
    assert sum(weights) / len(weights) == pytest.approx(1.0)


def test_a_term_nothing_matches_counts_fully_against_partial_hits() -> None:
    from rathaus.catalog.search import rarity_weights

    weights = rarity_weights([[0.0, 1.0], [0.0, 0.0], [0.0, 0.0]])
    assert weights[0] >= weights[1]


def test_inside_matches_only_a_compounds_part() -> None:
    assert match("antrag", "bauantrag") == search.INSIDE
    assert match("antrag", "beantrag", fuzzy=False) == 0.0  # "be" is a prefix, not a word
    assert match("steuer", "hundesteuer") == search.INSIDE
    assert match("auto", "spielautomat") == 0.0  # four letters in the middle are chance


def test_a_known_word_gets_no_typo_allowance() -> None:
    documents = [_document(1, "Bauantrag stellen"), _document(2, "Reisepass beantragen")]
    assert [document.key for document, _ in rank(documents, "Bauantrag")] == [1]
    assert [document.key for document, _ in rank(documents, "Bauantrgg")][:1] == [1]  # unknown: typo allowed


def test_all_words_first_and_no_junk_from_a_common_word() -> None:
    documents = [
        _document(1, "Hundesteuer anmelden"),
        _document(2, "Hund abgeben"),
        *[_document(10 + i, f"Leistung {i} anmelden") for i in range(8)],
    ]
    keys = [document.key for document, _ in rank(documents, "Hund anmelden")]
    assert keys[0] == 1
    assert 2 in keys  # the rare word alone is a fair partial answer
    assert not set(keys) & set(range(10, 18))  # "anmelden" alone is junk


def test_synonyms_match_the_other_word() -> None:
    documents = [_document(1, "Abfallkalender"), _document(2, "Reisepass beantragen")]
    assert [document.key for document, _ in rank(documents, "Müll")] == [1]
    assert search.synonym_table()["muell"] == ("abfall",)


def test_suggestions_offer_close_spellings() -> None:
    documents = [_document(1, "Sperrmüll anmelden", ("Sperrmüllabholung", "Sperrmüll"))]
    assert "Sperrmüllabholung" in search.suggestions(documents, "Sperrmullabholungg")
    assert search.suggestions(documents, "") == []
