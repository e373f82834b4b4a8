"""Position decides the severity of what a cue finds: in-body links, section headings, own closing sections.

Found on the train and val sites' clean articles (issue 16): how-tos and reviews link another of
their own articles between two sections ("Read more: <headline>"), head a section "Related" over
paragraphs, list their own links under "Links mentioned:", and close with a checklist under their
own heading. Those are info (or nothing); the same cues at the edges of the text or in a stack,
where scrapers leave them, stay warnings.
"""

import pytest

from detector.article import Article, Document
from detector.boilerplate.blocks import find_blocks

PROSE = [
    "Installing the racking is the longest step, and most crews need two full days for a large roof.",
    "Each rail is bolted to a flashed mount, and the installer checks every seal against the rain.",
    "Once the rails are level, the panels clip onto them and the wiring runs to the inverter box.",
    "Inspectors then test the system before the utility allows it to feed power into the grid.",
]


@pytest.fixture(scope="module")
def check(boilerplate_check):
    return boilerplate_check


def run(check, lines):
    doc = Document(Article(id="t", text="\n\n".join(lines)))
    return [(f.rule, f.severity.value, f.text) for f in check.check(doc).findings]


def warned(found):
    return [(rule, text) for rule, sev, text in found if sev != "info"]


@pytest.mark.parametrize("link", ["Read more: The 7 Best DIY Home Solar Kits", "Also read: How to Install a Solar Inverter",
                                  "READ MORE: Should you offer green cleaning services?"])
def test_a_lone_link_between_paragraphs_is_info_but_still_found(check, link):
    found = run(check, [PROSE[0], PROSE[1], link, PROSE[2], PROSE[3]])
    assert ("Boilerplate.Widget", "info", link) in found
    assert warned(found) == []


def test_the_same_link_after_the_last_paragraph_is_a_warning(check):
    link = "Read next: 7 lessons for successful machine learning projects"
    assert ("Boilerplate.Widget", link) in warned(run(check, PROSE + [link]))


def test_a_stack_of_links_inside_the_body_is_a_warning(check):
    a, b = "Related: Floods close the main road into the city", "Related: The league names its new chairman"
    found = warned(run(check, [PROSE[0], PROSE[1], a, b, PROSE[2], PROSE[3]]))
    assert found and all(rule == "Boilerplate.Widget" for rule, _ in found)
    assert any(a in text for _, text in found)


def test_tags_inside_the_body_stay_a_warning(check):
    assert warned(run(check, [PROSE[0], PROSE[1], "Tags: solar, roofing, inverters", PROSE[2], PROSE[3]]))


def test_a_related_heading_over_paragraphs_is_the_articles_section(check):
    found = run(check, [PROSE[0], PROSE[1], "Related", PROSE[2], PROSE[3]])
    assert warned(found) == []


def test_a_related_heading_over_headlines_is_a_widget(check):
    lines = [PROSE[0], PROSE[1], "Related", "Floods close the main road into the city",
             "The league names its new chairman", PROSE[2], PROSE[3]]
    found = warned(run(check, lines))
    assert ("Boilerplate.Widget", "Related\n\nFloods close the main road into the city\n\nThe league names its new chairman") in found


def test_invitations_in_the_authors_own_list_of_links_are_info(check):
    lines = PROSE + ["Links mentioned:", "Grab my free equipment guide", "Sign up for the Podcast Success Blueprint!",
                     "Join me inside the designer course"]
    assert warned(run(check, lines)) == []
    # Without the lead-in, a sign-up after the last paragraph is the site's box.
    assert warned(run(check, PROSE + ["Sign up for the Podcast Success Blueprint!"]))


def test_classifier_lines_under_the_articles_own_closing_heading_are_not_sure():
    lines = PROSE + ["After the installation", "Register the warranty", "Keep the inspection papers"]
    proba = [0.0] * 4 + [0.1, 0.99, 0.99]
    topical = [0.5] * 4 + [0.3, 0.02, 0.02]  # the heading is on topic, the items are short and look off it
    blocks = find_blocks(lines, proba, 0.5, topical, 0.08, warn_threshold=0.95)
    assert blocks and all(b.weak for b in blocks)
    # The same items straight after the prose, or under an off-topic heading, are sure furniture.
    for head_topic in (None, 0.01):
        ls = PROSE + (["More from the site"] if head_topic is not None else []) + lines[5:]
        pr = [0.0] * 4 + ([0.1] if head_topic is not None else []) + [0.99, 0.99]
        tp = [0.5] * 4 + ([head_topic] if head_topic is not None else []) + [0.02, 0.02]
        assert any(not b.weak for b in find_blocks(ls, pr, 0.5, tp, 0.08, warn_threshold=0.95))


def test_a_closing_title_case_headline_list_is_found_and_warned_only_off_topic():
    lines = [*PROSE, "- 15 Amazing Images of Distant Stars", "- Eleven Fascinating Facts About Our Galaxy",
             "- Keck Observatory: Twin Telescopes on Mauna Kea", "Originally published on Live Science."]
    on = find_blocks(lines, [0.0] * 8, 0.5, topical=[0.5] * 8, teaser_max_similarity=0.1)
    assert [(b.first, b.last, b.kind, b.weak) for b in on] == [(4, 6, "widget", True)]
    off = find_blocks(lines, [0.0] * 8, 0.5, topical=[0.5] * 4 + [0.0] * 4, teaser_max_similarity=0.1)
    assert [(b.first, b.last, b.weak) for b in off] == [(4, 6, False)]
    # Sentence-case items on the topic are the article's own closing list.
    own = [*PROSE, "- Register the warranty online", "- Keep the inspection papers", "- Book a yearly check"]
    assert find_blocks(own, [0.0] * 7, 0.5, topical=[0.5] * 7, teaser_max_similarity=0.1) == []


def test_a_wordpress_thread_title_with_the_post_quoted_claims_unmarked_comments():
    thread = ["6 thoughts on “How to Adopt an Online Leader Success Mindset”",
              "When I started out, making my website live was the scary level for me, and it took months.",
              "Yes! We all have our own comfort continuum, don't we? And things become simpler over time."]
    blocks = find_blocks([*PROSE, *thread], [0.0] * 7, 0.5)
    assert [(b.first, b.last, b.kind, b.weak) for b in blocks] == [(4, 6, "prompt", False)]
    # Unquoted, "3 thoughts on ..." is a heading the article may have: it needs a comment mark under it.
    heading = ["3 thoughts on the budget", *thread[1:]]
    assert find_blocks([*PROSE, *heading], [0.0] * 7, 0.5) == []


def test_a_line_inside_a_newsletter_box_joins_it(check):
    box = ["Pick Six Newsletter", "Get the day's big stories plus picks and power rankings.", "Thanks for signing up!"]
    found = run(check, [*PROSE, *box])
    assert ("Boilerplate.Prompt", "warning", "\n\n".join(box)) in found
    # Between two paragraphs of prose a line stays the article's.
    assert run(check, PROSE[:2] + ["Get the day's big stories plus picks and power rankings."] + PROSE[2:]) == []


@pytest.mark.parametrize("line", [
    "You may revoke this consent at any time with effect for the future, in which case your personal data will be "
    "deleted immediately. Otherwise, your data will be deleted if pv magazine has processed your request or the "
    "purpose of data storage is fulfilled.",
    "If you buy something through this post, the site may get a share of the sale. For more, read our policy.",
    "- Order Reprints",
])
def test_long_consent_affiliate_and_reprint_notices_are_prompts(line):
    from detector.boilerplate.cues import cue_kind

    assert cue_kind(line) == "prompt"
    assert cue_kind("Users may revoke their consent to tracking in the settings, the regulator said on Tuesday.") is None
