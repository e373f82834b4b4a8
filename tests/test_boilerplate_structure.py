"""An article's own structure is not furniture: lists, headings, bylines, closings (issue 16).

And the real furniture that survives extraction is: comment threads, newsletter boxes, an
off-topic list closing the text, a title repeated atop it.
"""

import pytest

from detector.article import Article, Document
from detector.boilerplate.blocks import find_blocks, repeats_title
from detector.boilerplate.cues import cue_kind, is_byline
from detector.boilerplate.data import site_of, site_split

PROSE = [
    "Researchers in Lviv tested three varieties of winter wheat on farms near the city over four seasons.",
    "The hardiest variety kept its yield through the dry summer of 2024, the team reported in its paper.",
    "Farmers who planted it early needed less irrigation than their neighbours, the researchers said.",
    "The ministry plans to subsidise the seed for small farms in the south from next spring onwards.",
]


@pytest.fixture(scope="module")
def fast(boilerplate_check):
    return boilerplate_check


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


def test_short_lines_under_a_lead_in_are_the_articles_list_wherever_they_stand(fast):
    services = ["Count on us for:", "IT support", "IT helpdesk services", "IT consulting", "Cybersecurity services",
                "and more!", "Reach out today to get started!"]
    assert warnings(run(fast, [*PROSE, *services])) == []
    credits = [*PROSE, "Scientific consulting by:", "Jonas Jaegermeyer", "(Columbia University)", "Visualizer",
               "Mark SubbaRao", "(NASA/GSFC)"]
    assert warnings(run(fast, credits)) == []


def test_a_closing_list_under_its_own_heading_is_content_but_straight_after_the_prose_it_is_a_widget():
    items = ["- Welcome to n8n Docs", "- Hosting n8n on DigitalOcean", "- How to Set Up n8n: A Step-by-Step Guide"]
    off = [0.5] * 5 + [0.0] * 3
    headed = find_blocks([*PROSE, "References", *items], [0.0] * 8, 0.5, topical=off, teaser_max_similarity=0.1)
    assert headed == []
    bare = find_blocks([*PROSE, *items], [0.0] * 7, 0.5, topical=off[1:], teaser_max_similarity=0.1)
    assert [(b.first, b.last, b.kind) for b in bare] == [(4, 6, "widget")]


def test_valediction_and_signature_are_no_warning(fast):
    assert warnings(run(fast, [*PROSE, "Best wishes,", "Andrew"])) == []
    assert warnings(run(fast, [*PROSE, "Happy Planting!", "Annette xxx"])) == []


@pytest.mark.parametrize("line", ["Last Updated: December 2025.", "Reading Time: 8 minutes", "7 min read",
                                  "Posted on American Statistical Association's community forum on 2025-07-09:"])
def test_dates_and_reading_times_atop_the_text_are_info(fast, line):
    found = run(fast, [line, *PROSE])
    assert warnings(found) == []


def test_invitations_inside_the_body_are_info_but_site_notices_stay_warnings(fast):
    body = [PROSE[0], "Subscribe to the One Fab Day Wedding Podcast!", PROSE[1], "- Sign up for a Hulu ad-free account",
            PROSE[2], PROSE[3]]
    found = run(fast, body)
    assert warnings(found) == [] and any(rule == "Boilerplate.Prompt" for rule, _, _ in found)
    tail = [*PROSE, "Sign up for our daily newsletter", "Your email address will not be published."]
    assert [rule for rule, _ in warnings(run(fast, tail))] == ["Boilerplate.Prompt"]


def test_lone_bio_and_organisation_box_are_info_an_author_box_is_a_warning(fast):
    bio = "Nina Koziol is a garden writer and horticulturist who lives and gardens in Palos Park, Illinois."
    assert warnings(run(fast, [*PROSE, bio])) == []
    org = ["About Georgetown University Medical Center",
           "Georgetown University Medical Center (GUMC) is an internationally recognized academic medical center."]
    assert warnings(run(fast, [*PROSE, *org])) == []
    box = ["About the Author", "Jane Doe is a freelance journalist based in Kyiv who covers agriculture."]
    assert [rule for rule, _ in warnings(run(fast, [*PROSE, *box]))] == ["Boilerplate.AuthorBox"]


@pytest.mark.parametrize("line,kind", [
    ("Copyright Complexity in a Fragmented World", None), ("- Copyright license", None),
    ("Copyright 2019 Hawaii News Now. All rights reserved.", "prompt"), ("Copyright ⓒ Entermedia.co.kr.", "prompt"),
    ("Independently Audited Privacy Policy Yes Yes Yes Yes Yes", None),
    ("Pages 98-99 (Hard Copy pages 1893-1894) - Terms & Conditions; Credit Application", None),
    ("Privacy Policy", "prompt"), ("Terms of Use | Privacy Policy | Cookie Settings", "prompt"),
    ("By using this site you agree to our Terms of Use.", "prompt"),
    ("- More blog posts", None), ("Most popular reviews", "widget"), ("People also like", "widget"),
])
def test_legal_and_copyright_words_are_furniture_only_as_notices(line, kind):
    assert cue_kind(line) == kind


@pytest.mark.parametrize("line,kind", [
    ("Write to Al Root at allen.root@dowjones.com", "author"),
    ("Email Tariq Malik at tmalik@space.com or follow him @tariqjmalik. Follow us on Twitter @Spacedotcom and on "
     "Facebook and on a few other networks too, for the latest space news of the day.", "author"),
    ("Yes! Simply email info@example.com after you purchase the course for a discount.", None),
    ("Get the day’s top headlines delivered to your inbox every morning by subscribing to our newsletter.", "prompt"),
    ("This copy is for your personal, non-commercial use only. To order presentation-ready copies for distribution "
     "to your colleagues, clients or customers visit the reprints site.", "prompt"),
    ("By submitting this form you agree to pv magazine using your data for the purposes of publishing your comment.",
     "prompt"),
    ("[Related: Salesforce Dreamforce Keynote: AI, Integration, Alicia Keys And Protestors]", "widget"),
    ("SEE MORE: Hong Kong protests: 800 students under siege in university", "widget"),
    ("Jewels after Jewels, installation views, photos © Inexhibit, 2018", "embed"),
    ("The WeWork logo is displayed outside of a co-working space in New York.Reuters", "embed"),
])
def test_real_leftovers_of_trafilatura_are_cues(line, kind):
    assert cue_kind(line) == kind


@pytest.mark.parametrize("line", ["This post was written by Danielle Padula, Head of Marketing and Community Development",
                                  "Fox News’ Jessica Napoli contributed to this report."])
def test_credit_sentences_are_bylines(line):
    assert is_byline(line)


def test_wordpress_thread_title_claims_the_comments_under_it(fast):
    thread = ["10 thoughts on “Business Focus: Why Some People Triumph Online”",
              "Thanks so much for stopping by to read this long article, and for leaving a comment, too!",
              "Hi, Pamela, I am a guy in his mid-70s who has had two financial disasters in my life so far.",
              "I’m really glad to hear you’ve found a way to serve that feels really good to you, Jan."]
    found = run(fast, [*PROSE, *thread])
    assert [(rule, sev) for rule, sev, _ in found] == [("Boilerplate.Prompt", "warning")]
    assert found[0][2].startswith("10 thoughts") and found[0][2].endswith("good to you, Jan.")


def test_japanese_sentences_are_prose_not_navigation(fast):
    lines = ["Kindle書籍を読む場合は、一般的にスマホやタブレットなどのモバイル端末で読むことが多いと思います。",
             "しかもKindle for PCの設定画面からでは、このショートカットキーの設定を変更することができません。",
             "困った挙げ句、色々調べた結果、別の方法でこの設定を変更することにしました。",
             "これでようやく元の操作性を取り戻せました。"]
    assert run(fast, lines) == []
