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
from detector.checks.boilerplate import BoilerplateCheck

PROSE = [
    "Installing the racking is the longest step, and most crews need two full days for a large roof.",
    "Each rail is bolted to a flashed mount, and the installer checks every seal against the rain.",
    "Once the rails are level, the panels clip onto them and the wiring runs to the inverter box.",
    "Inspectors then test the system before the utility allows it to feed power into the grid.",
]


@pytest.fixture(scope="module")
def check():
    c = BoilerplateCheck()
    c.ensure_setup()
    return c


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
