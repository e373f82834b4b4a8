"""A page header is a short line atop the text, never the article (issue 22's held-out copies test).

A nerdfitness.com body whose paragraphs had lost their line breaks, cut at 6,000 characters in
mid-sentence, was one line that was no "prose" (it did not end a sentence), so the whole article
stood before the first paragraph and the classifier's header guess covered all of it.
"""

import numpy as np
import pytest

from detector.article import Article, Document
from detector.boilerplate.blocks import HEADER, find_blocks
from detector.boilerplate.features import is_paragraph

SENTENCES = [
    "I get several emails a day asking what workout somebody should do this month.",
    "A good program is built around your training age, your goals and the equipment you own.",
    "Most beginners do best with three full-body sessions a week and a rest day between them.",
    "Pick one pushing, one pulling and one leg exercise, and add weight when the sets feel easy.",
    "Keep a notebook, because what gets written down is what gets improved over the months.",
    "Sleep and food matter as much as the sets, so eat enough protein and go to bed on time.",
]
#: Paragraphs that lost their line breaks, cut mid-sentence like a body truncated to N characters.
RUN_ON = (" ".join(SENTENCES) + " ") * 12
RUN_ON = RUN_ON[:6000].rstrip() + " and then the"


@pytest.fixture(scope="module")
def check(boilerplate_check):
    return boilerplate_check


def run(check, text, title=None):
    doc = Document(Article(id="t", text=text, title=title))
    return [(f.rule, f.severity.value, f.start, f.end) for f in check.check(doc).findings]


def test_a_whole_article_on_one_line_cut_mid_sentence_gets_no_finding_over_its_body(check):
    found = run(check, RUN_ON)
    assert all(end - start < 500 for _, _, start, end in found), found
    assert not any(rule == "Boilerplate.Header" for rule, *_ in found)


def test_a_heading_over_run_on_paragraphs_is_the_only_header_candidate():
    heading = "How to Build Your Own Workout Routine"
    paragraphs = [RUN_ON[:900].rstrip(), RUN_ON[900:1800].rstrip(), RUN_ON[1800:2700].rstrip()]
    lines = [heading, *paragraphs]
    blocks = find_blocks(lines, np.ones(len(lines)), 0.5)  # a classifier sure every line is furniture
    headers = [b for b in blocks if b.kind == HEADER]
    assert [(b.first, b.last) for b in headers] == [(0, 0)]
    assert all(b.first == b.last == 0 or b.kind != HEADER for b in blocks)


def test_a_real_header_line_is_still_a_header(check):
    banner = "Live Updates: Russia invades Ukraine"
    text = "\n\n".join([banner, *SENTENCES])
    found = run(check, text)
    assert ("Boilerplate.Header", "warning", 0, len(banner)) in found
    assert all(end <= len(banner) for rule, _, _, end in found if rule == "Boilerplate.Header")


def test_a_title_repeated_atop_a_run_on_body_is_flagged_but_not_the_body(check):
    title = "How to Build Your Own Workout Routine"
    found = run(check, title + "\n\n" + RUN_ON, title=title)
    assert [(r, s, e) for r, _, s, e in found if r == "Boilerplate.Header"] == [("Boilerplate.Header", 0, len(title))]


@pytest.mark.parametrize("line,expected", [
    (RUN_ON, True),  # sentences run on, cut mid-sentence
    (SENTENCES[0], True),  # one sentence of prose
    ("How to Build Your Own Workout Routine", False),
    ("Home › Fitness › Beginners › Workouts", False),
    ("Share this article on Facebook Twitter Pinterest Email and follow us for more guides", False),
])
def test_is_paragraph(line, expected):
    assert is_paragraph(line) is expected
