"""The parse: every span's offsets index the untouched text; sentences split where news splits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from detector.article import Article, Document, split_sentences


def doc(text: str) -> Document:
    return Document(Article(id="t", text=text))


def texts(d: Document, spans) -> list[str]:
    return [s.text for s in spans]


def test_lines_and_paragraphs_keep_offsets_and_strip_whitespace():
    d = doc("  Title line  \n\nFirst para\nstill first.\n\n\nSecond para.\n")
    assert texts(d, d.lines) == ["Title line", "First para", "still first.", "Second para."]
    assert texts(d, d.paragraphs) == ["Title line", "First para\nstill first.", "Second para."]
    for s in d.lines + d.paragraphs:
        assert d.text[s.start:s.end] == s.text


def test_sentences_respect_abbreviations_initials_and_quotes():
    text = 'Mr. Smith met Gen. Petraeus in the U.S. capital. "It went well." Donald J. Trump left.'
    assert [s.text for s in split_sentences(text)] == [
        "Mr. Smith met Gen. Petraeus in the U.S. capital.",
        '"It went well."',
        "Donald J. Trump left.",
    ]


def test_glued_sentence_after_missing_space_is_split():
    # Machine-translated text drops the space: "stationed.As proven" is two sentences.
    text = "the Russian convoy was stationed.As proven Another photo, soldiers fired."
    assert [s.text for s in split_sentences(text)] == [
        "the Russian convoy was stationed.",
        "As proven Another photo, soldiers fired.",
    ]


def test_line_break_ends_a_sentence_and_lookups_find_it():
    d = doc("Headline without stop\nBody starts here. Then more.")
    assert texts(d, d.sentences) == ["Headline without stop", "Body starts here.", "Then more."]
    assert d.line_col(0) == (1, 1)
    assert d.line_col(d.text.index("Then")) == (2, 19)
    assert d.sentence_at(d.text.index("more")).text == "Then more."
    assert d.sentence_at(d.text.index("\n")) is None


def test_decimal_numbers_and_urls_do_not_split():
    text = "Prices rose 2.5 percent, see example.com for details. Next sentence."
    assert len(split_sentences(text)) == 2


def test_words_and_tokens():
    d = doc("Kup’yansk isn't far: 40 km.")
    assert d.words == 5
    assert texts(d, d.tokens) == ["Kup’yansk", "isn't", "far", ":", "40", "km", "."]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=300))
def test_every_span_indexes_the_original_text(text):
    d = doc(text)
    for group in (d.lines, d.paragraphs, d.sentences, d.tokens):
        for s in group:
            assert text[s.start:s.end] == s.text
            assert s.text == s.text.strip() or group is d.tokens
    starts = [s.start for s in d.sentences]
    assert starts == sorted(starts)
