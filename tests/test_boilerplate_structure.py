"""An article's own structure is not furniture: lists, headings, bylines, closings (issue 16).

And the real furniture that survives extraction is: comment threads, newsletter boxes, an
off-topic list closing the text, a title repeated atop it.
"""

import pytest

from detector.article import Article, Document
from detector.boilerplate.blocks import find_blocks, repeats_title
from detector.boilerplate.cues import cue_kind, is_byline
from detector.boilerplate.data import site_of, site_split
from detector.checks.boilerplate import BoilerplateCheck

PROSE = [
    "Researchers in Lviv tested three varieties of winter wheat on farms near the city over four seasons.",
    "The hardiest variety kept its yield through the dry summer of 2024, the team reported in its paper.",
    "Farmers who planted it early needed less irrigation than their neighbours, the researchers said.",
    "The ministry plans to subsidise the seed for small farms in the south from next spring onwards.",
]


@pytest.fixture(scope="module")
def fast():
    check = BoilerplateCheck()
    check.ensure_setup()
    return check


def run(check, lines, title=None):
    doc = Document(Article(id="t", text="\n\n".join(lines), title=title))
    return [(f.rule, f.severity.value, f.text) for f in check.check(doc).findings]


def warnings(found):
    return [(rule, text) for rule, sev, text in found if sev != "info"]


def test_reading_list_and_recipe_steps_inside_the_body_are_no_warning(fast):
    lines = [PROSE[0], PROSE[1], "Further books on the subject:",
             "Anne Applebaum, Red Famine", "Serhii Plokhy, The Gates of Europe", "Timothy Snyder, Bloodlands",
             PROSE[2], "Preheat the oven to 180C", "Whisk the eggs and sugar", "Fold in the flour gently", PROSE[3]]
    assert warnings(run(fast, lines)) == []


def test_section_headings_and_closing_are_no_warning(fast):
    lines = ["Key points", PROSE[0], "Quick facts", PROSE[1], "A Grain of Truth", PROSE[2], PROSE[3],
             "Thanks for reading!"]
    assert warnings(run(fast, lines)) == []


@pytest.mark.parametrize("line", ["By Jane Doe, MS, RD", "A post by: Oleh Petrenko", "Written by Kate Smith",
                                  "Posted on 15/12/2025 at 19:00 by @GuillaumeGomez"])
def test_byline_is_its_own_info_rule(fast, line):
    assert is_byline(line)
    found = run(fast, [PROSE[0], line, PROSE[1], PROSE[2]])
    assert ("Boilerplate.Byline", "info", line) in found
    assert warnings(found) == []


@pytest.mark.parametrize("line", ["By the end of the year, prices rose.", "By 2030 the city will double", "Bylines matter"])
def test_sentences_opening_with_by_are_no_byline(line):
    assert not is_byline(line)


def test_title_repeated_atop_the_text_is_info_header(fast):
    title = "Hardy wheat for a dry south | Agro News"
    found = run(fast, ["Hardy wheat for a dry south", *PROSE], title=title)
    assert found == [("Boilerplate.Header", "info", "Hardy wheat for a dry south")]
    assert repeats_title("Hardy wheat for a dry south", title)
    assert not repeats_title("Hardy wheat", "Hardy wheat for a dry south")


def test_comment_thread_under_its_heading_is_flagged_to_the_end(fast):
    thread = ["Comments", "Hi Milan,", "We have not reviewed the paper yet, but plan to do so this year.",
              "Thanks for your question.", "Dana says:", "I skimmed your report and found it useful for my work."]
    found = run(fast, [*PROSE, *thread])
    assert len(found) == 1 and found[0][:2] == ("Boilerplate.Prompt", "warning")
    assert found[0][2].startswith("Comments") and found[0][2].endswith("useful for my work.")


def test_a_comments_heading_alone_does_not_claim_the_prose_after_it(fast):
    found = run(fast, [PROSE[0], "Comments", PROSE[1], PROSE[2], PROSE[3]])
    assert all(text == "Comments" for _, _, text in found)


def test_off_topic_list_closing_the_text_is_a_widget_without_a_cue():
    lines = [*PROSE, "- Gronk, Serena perform with Laker Girls", "- NFL odds, cheat sheet, picks for Week 12",
             "- Pats place Olszewski on IR"]
    blocks = find_blocks(lines, [0.0] * len(lines), 0.5, topical=[0.5] * 4 + [0.0] * 3, teaser_max_similarity=0.1)
    assert [(b.first, b.last, b.kind, b.weak) for b in blocks] == [(4, 6, "widget", False)]
    on_topic = find_blocks(lines, [0.0] * len(lines), 0.5, topical=[0.5] * 7, teaser_max_similarity=0.1)
    assert on_topic == []


@pytest.mark.parametrize("line,kind", [
    ("Pick Six Newsletter", "prompt"), ("Thanks for signing up!", "prompt"),
    ("Keep an eye on your inbox for the latest sports news.", "prompt"),
    ("© A.M. Best Company, Inc. — used by permission", "embed"), ("Photo via Pexels", "embed"),
    ("(Reporting by Will Dunham; Editing by Tom Brown)", "embed"),
    ("Join Us in Philadelphia for the Futurecon Cybersecurity Event!", None),
    ("Join us on Facebook", "prompt"),
])
def test_cues_for_real_leftovers_and_in_body_calls_to_action(line, kind):
    assert cue_kind(line) == kind


def test_site_split_is_by_domain_and_stable():
    assert site_of("https://www.Example.com:443/a/b") == "example.com" == site_of("example.com")
    splits = {site_split(f"site{i}.example") for i in range(200)}
    assert splits == {"train", "val", "test"}
    assert site_split("example.com") == site_split("example.com")
