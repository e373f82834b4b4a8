"""Cue lexicons and block assembly: what is furniture by its wording, and what is not."""

import pytest

from detector.boilerplate import cues
from detector.boilerplate.blocks import find_blocks, grow_teaser_runs


@pytest.mark.parametrize(
    "line, kind",
    [
        ("Check Also", "widget"),
        ("Read Also:", "widget"),
        ("Related: Ukraine's economy shrinks by a third", "widget"),
        ("You may also like", "widget"),
        ("About Shelley Hales", "author"),
        ("About the author", "author"),
        ("Share this:", "prompt"),
        ("Click to share on Twitter (Opens in new window)", "prompt"),
        ("Leave a Reply", "prompt"),
        ("Your email address will not be published. Required fields are marked *", "prompt"),
        ("Sign up for our daily newsletter", "prompt"),
        ("Live Updates: Russia invades Ukraine", "header"),
        ("Artem Semenikhin, Mayor of Konotop", "embed"),
        ("— Arvind Kejriwal (@ArvindKejriwal) November 1, 2019", "embed"),
        ("Photo: Reuters", "embed"),
        ("Other related articles...", "widget"),
        ("Recent Posts", "widget"),
        ("Loading...", "prompt"),
    ],
)
def test_cue_lines_are_recognised(line, kind):
    assert cues.cue_kind(line) == kind


@pytest.mark.parametrize(
    "line",
    [
        "Konotop is a small town in the northeast region of Sumy.",
        "About 150 people gathered in front of the city hall.",
        "In Melitopoli, a convoy blocked by residents",
        "Demonstration in front of the city hall at Kupyansk",
        "The company said it would update its privacy policy after regulators in Brussels, Paris and Berlin asked it to explain how it shares data with advertisers.",
        "“I vote for the response. But the decision must be made by everyone,” he said.",
        "Kyiv, the capital, was shelled again overnight",
    ],
)
def test_article_lines_are_not_cues(line):
    assert cues.cue_kind(line) is None


def test_caption_needs_a_role_and_a_name():
    assert cues.is_caption("Volodymyr Zelensky, President of Ukraine")
    assert not cues.is_caption("In Berdyansk, Molotov cocktails against Russian tanks")
    assert not cues.is_caption("Kyiv, Kharkiv and Odesa")


PROSE = [
    "A confrontation between Ukrainian civilians and Russian forces in the town of Konotop ended with a message of defiance.",
    "Social media video verified by CNN shows a Russian delegation exiting City Hall to be confronted by an angry crowd.",
    "His vehicle and a Russian infantry fighting vehicle then drove off.",
    "Across Ukraine, there have been multiple instances of civil disobedience in the face of the Russian advance.",
]


def test_widget_heading_claims_teaser_and_truncated_snippet_but_no_more():
    lines = PROSE + [
        "Check Also",
        "Why $200m won’t convince teams about Andretti’s Formula 1 plans",
        "Record TV numbers, a sold-out crowd and an influx of stars have helped make it …",
    ]
    blocks = find_blocks(lines, [0.0] * len(lines), 0.5)
    assert [(b.first, b.last, b.kind) for b in blocks] == [(4, 6, "widget")]


def test_author_heading_mid_article_without_bio_is_not_flagged():
    lines = PROSE[:2] + ["About Konotop Town"] + PROSE[2:] + PROSE
    assert find_blocks(lines, [0.0] * len(lines), 0.5) == []


def test_author_heading_with_bio_is_a_block():
    lines = PROSE + ["About Jane Doe", "Jane Doe is a freelance journalist based in Kyiv."]
    blocks = find_blocks(lines, [0.0] * len(lines), 0.5)
    assert [(b.first, b.last, b.kind) for b in blocks] == [(4, 5, "author")]


def test_header_only_above_the_first_prose():
    lines = ["Live Updates: Russia invades Ukraine"] + PROSE + ["Live Updates: Russia invades Ukraine"] + PROSE
    blocks = find_blocks(lines, [0.0] * len(lines), 0.5)
    assert [(b.first, b.kind) for b in blocks] == [(0, "header")]


def test_classifier_lines_get_kinds_from_shape_and_topicality():
    lines = PROSE + ["Formula 1 team bosses doubt Andretti bid", "Subscribe to our podcast"]
    proba = [0.0] * len(PROSE) + [0.9, 0.9]
    topical = [1.0] * len(PROSE) + [0.1, 0.2]
    blocks = find_blocks(lines, proba, 0.5, topical, 0.45)
    assert [(b.first, b.kind) for b in blocks] == [(4, "teaser"), (5, "prompt")]
    on_topic = find_blocks(lines[:5], proba[:5], 0.5, [1.0] * 4 + [0.8], 0.45)
    assert on_topic[0].kind == "widget"  # furniture by the model, but not an off-topic teaser


def test_embedded_post_after_media_intro_but_not_narration():
    lines = [
        "Videos posted on social media show a Russian group being confronted by a crowd in the city.",
        "Konotop's locals clash with Putin's occupiers. They thought that they would be welcomed by citizens.",
        "According to CNN, the invaders went to negotiate with city authorities.",
        "Social media video verified by CNN shows a Russian delegation exiting City Hall.",
        "His vehicle and a Russian infantry fighting vehicle then drove off.",
    ]
    blocks = find_blocks(lines, [0.0] * len(lines), 0.5)
    assert [(b.first, b.kind) for b in blocks] == [(1, "embed")]


def test_stack_of_off_topic_headlines_is_teasers_but_an_on_topic_list_is_content():
    stack = ["The best new typefaces for December 2025", "A guide to wine types and styles",
             "Put a powerful MacBook Pro under the tree for less"]
    lines = PROSE[:2] + stack + PROSE[2:]
    proba = [0.0, 0.0, 0.9, 0.9, 0.9, 0.0, 0.0]
    off = [1.0, 1.0, 0.1, 0.2, 0.1, 1.0, 1.0]
    assert [(b.first, b.last, b.kind) for b in find_blocks(lines, proba, 0.5, off, 0.45)] == [(2, 4, "teaser")]
    on = [1.0, 1.0, 0.7, 0.8, 0.6, 1.0, 1.0]  # the same shape, on the article's topic: a list it makes
    assert find_blocks(lines, proba, 0.5, on, 0.45) == []


def test_teaser_block_grows_over_off_topic_neighbours_only():
    lines = PROSE + ["Formula 1 team bosses doubt Andretti bid", "Ten movies to stream this weekend",
                     "Russian convoy stalls north of Kyiv", "The mayor later spoke to the crowd outside the hall."]
    proba = [0.0] * 4 + [0.9, 0.6, 0.6, 0.6]
    topical = [1.0] * 4 + [0.1, 0.2, 0.7, 0.1]
    kinds = [None] * 4 + ["teaser", None, None, None]
    # Line 6 is on topic and line 7 is prose: neither joins.
    assert grow_teaser_runs(lines, proba, kinds, [t <= 0.45 for t in topical], 0.5) == [(5, "teaser")]
    blocks = find_blocks(lines, proba, 0.8, topical, 0.45, extend_threshold=0.5)
    assert [(b.first, b.last, b.kind) for b in blocks] == [(4, 5, "teaser")]
    assert [(b.first, b.last) for b in find_blocks(lines, proba, 0.8, topical, 0.45)] == [(4, 4)]
    after_prompt = ["prompt", None, None, None]
    assert grow_teaser_runs(lines[4:], proba[4:], after_prompt, [True, True, False, True], 0.5) == [(1, "teaser")]
    beside_embed = ["embed", None, None, None]  # a quoted post is no furniture to grow from
    assert grow_teaser_runs(lines[4:], proba[4:], beside_embed, [True, True, False, True], 0.5) == []


def test_section_headings_are_content_not_navigation():
    lines = PROSE[:2] + ["Pros", "References", "Frequently Asked Questions"] + PROSE[2:]
    proba = [0.0, 0.0, 0.9, 0.9, 0.9, 0.0, 0.0]
    assert find_blocks(lines, proba, 0.5, [1.0, 1.0, 1.0, 1.0, 0.1, 1.0, 1.0], 0.45) == []
    assert cues.is_section_heading("Key takeaways:") and not cues.is_section_heading("Skip to content")
