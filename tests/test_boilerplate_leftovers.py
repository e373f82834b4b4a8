"""Leftovers of real extraction (trafilatura on unseen sites, issue 16): the page's headline restated
atop the text, the article's own address, machine metadata, a list under the site's box, a page date
below the standfirst. Each with the clean text that must stay unflagged.
"""

import pytest

from detector.article import Article, Document
from detector.boilerplate.blocks import OWN_URL, TITLE
from detector.boilerplate.cues import is_machine_metadata
from detector.boilerplate.structure import is_own_url, restates_title

PROSE = [
    "Researchers in Lviv tested three varieties of winter wheat on farms near the city over four seasons.",
    "The hardiest variety kept its yield through the dry summer of 2024, the team reported in its paper.",
    "Farmers who planted it early needed less irrigation than their neighbours, the researchers said.",
    "The ministry plans to subsidise the seed for small farms in the south from next spring onwards.",
]
URL = "https://www.agronews.example/news/article/hardy-wheat-dry-south-14848175.php"


@pytest.fixture(scope="module")
def fast(boilerplate_check):
    return boilerplate_check


def run(check, lines, title=None, url=None):
    doc = Document(Article(id="t", text="\n\n".join(lines), title=title, url=url))
    return [(f.rule, f.severity.value, f.text) for f in check.check(doc).findings]


def reasons(check, lines, title=None, url=None):
    """Why each finding was made (the line classifier's own top-line guesses are info and say so)."""
    doc = Document(Article(id="t", text="\n\n".join(lines), title=title, url=url))
    return [f.data["reason"] for f in check.check(doc).findings]


@pytest.mark.parametrize("line, title", [
    ("Julian Assange: Sweden drops rape investigation", "Sweden drops Assange rape investigation"),
    ("High School Roundup: Viera defeats Rockledge to remain undefeated",
     "HS Roundup: Viera defeats Rockledge to remain undefeated"),
    ("Milan Design Week 2018 | Michael Anastassiades’ light installation for FLOS",
     "Milan Design Week 2018 | Anastassiades' light installation for FLOS - Inexhibit"),
])
def test_the_headline_restated_in_other_words_atop_the_text_is_info_header(fast, line, title):
    assert restates_title(line, title)
    assert run(fast, [line, *PROSE], title=title) == [("Boilerplate.Header", "info", line)]


@pytest.mark.parametrize("line, title", [
    # A lead that shares the story's names with the title, but says more: the article's own standfirst.
    ("Two federal prison officers charged with falsifying records in connection with Jeffrey Epstein's suicide",
     "Prison guards charged in connection with Jeffrey Epstein's death"),
    ("Winter wheat trials", "Hardy wheat for a dry south"),
    ("Why the south needs hardy wheat now", "Hardy wheat for a dry south: what farmers say about the new seed"),
])
def test_a_heading_sharing_some_words_with_the_title_is_no_repeat(fast, line, title):
    assert not restates_title(line, title)
    assert TITLE not in reasons(fast, [line, *PROSE], title=title)
    assert all(sev == "info" for _, sev, _ in run(fast, [line, *PROSE], title=title))


def test_a_restated_title_after_the_first_paragraph_is_the_articles_own_heading(fast):
    lines = [PROSE[0], PROSE[1], "Julian Assange: Sweden drops rape investigation", PROSE[2], PROSE[3]]
    assert TITLE not in reasons(fast, lines, title="Sweden drops Assange rape investigation")


def test_the_articles_own_address_is_flagged_only_when_the_record_gives_it(fast):
    assert is_own_url(URL.replace("https://www.", "http://") + "?ref=share", URL)
    assert not is_own_url("https://www.agronews.example/news/article/other-story.php", URL)
    lines = [URL, *PROSE]
    assert run(fast, lines, url=URL) == [("Boilerplate.Header", "warning", URL)]
    assert OWN_URL not in reasons(fast, lines)
    # A link the article cites, alone on its line inside the body, is the article's.
    cited = [PROSE[0], PROSE[1], "https://www.nature.com/articles/s43016-021-00400-y", PROSE[2], PROSE[3]]
    assert OWN_URL not in reasons(fast, cited, url=URL)
    assert all(sev == "info" for _, sev, _ in run(fast, cited, url=URL))


def test_leaked_timestamps_and_image_addresses_are_info(fast):
    leaked = ["2019-11-19T08:57:40+01:00", "https://static6.example.de/image/5dd3a081695b58-500-250/wheat.jpg"]
    assert all(is_machine_metadata(x) for x in leaked)
    found = run(fast, [*PROSE[:2], *leaked, *PROSE[2:]])
    assert [(r, s) for r, s, _ in found] == [("Boilerplate.Embed", "info")]
    assert found[0][2] == "\n\n".join(leaked)


@pytest.mark.parametrize("line", ["2019-11-19", "The trial ended at 2019-11-19T08:57 after four seasons.",
                                  "https://www.nature.com/articles/s43016-021-00400-y", "Figure 2: wheat.jpg"])
def test_dates_sentences_and_page_links_are_no_machine_metadata(line):
    assert not is_machine_metadata(line)


BOX = ["Agro Newsletter", "Sign up for our newsletter", "Get the week's harvest news delivered to your inbox."]
ON_TOPIC = ["- Wheat prices rise as the dry summer cuts yields in the south",
            "- Farmers in the south plant hardy wheat varieties for next season",
            "- Irrigation subsidies for small wheat farms extended to next spring"]


def test_a_closing_list_under_the_sites_box_is_the_pages_not_the_articles(fast):
    found = run(fast, [*PROSE, *BOX, *ON_TOPIC])
    widget = [f for f in found if f[0] == "Boilerplate.Widget"]
    assert widget and widget[0][2] == "\n\n".join(ON_TOPIC)


def test_the_same_list_straight_after_the_last_paragraph_is_the_articles_own(fast):
    assert run(fast, [*PROSE, *ON_TOPIC]) == []


def test_a_page_date_below_the_standfirst_is_info_header(fast):
    standfirst = "An unsubstantiated rumour about the new seed was circulated in November 2019 by a rival firm."
    found = run(fast, ["Hardy wheat for a dry south", standfirst, "- Published 18 November 2019", *PROSE])
    assert ("Boilerplate.Header", "info", "- Published 18 November 2019") in found
    assert all(sev == "info" for _, sev, _ in found)


@pytest.mark.parametrize("line", ["(Reporting by Will Dunham; Editing by Tom Brown)", "Staff Reports", "From staff reports"])
def test_wire_and_desk_credits_are_bylines(fast, line):
    found = run(fast, [*PROSE, line] if line.startswith("(") else [line, *PROSE])
    assert found == [("Boilerplate.Byline", "info", line)]


def test_the_answers_of_an_interview_are_the_articles_own(fast):
    qa = ["Q: Favorite artists or groups?", "A: Bob Marley, Bruno Mars, Drake, The Eagles, Jay Z, Frank Sinatra",
          "Q: Favorite athlete?", "A: Lebron James", "Q: Favorite places you have visited?",
          "A: Tie between Istanbul, Turkey and Cape Town, South Africa"]
    assert run(fast, [PROSE[0], PROSE[1], *qa, PROSE[2], PROSE[3]]) == []


TITLE_CASE = ["- Moon Rush: Private Lunar Lander Plans", "- Here's Where Commercial Landers Will Land on the Moon",
              "- NASA: The International Space Station Is Open for Business in Orbit"]


def test_a_closing_headline_list_above_an_editors_note_is_found(fast):
    note = "Editor's note: This story was updated at 5:45 p.m. ET to include details from the NASA telecon."
    found = run(fast, [*PROSE, *TITLE_CASE, note])
    assert [f[2] for f in found if f[0] == "Boilerplate.Widget"] == ["\n\n".join(TITLE_CASE)]
    # The note itself is the article's; a longer closing paragraph after the list keeps the list in the body.
    assert not [f for f in found if note in f[2]]
    assert not [f for f in run(fast, [*PROSE, *TITLE_CASE, PROSE[0]]) if f[0] == "Boilerplate.Widget"]


def test_a_biography_naming_the_site_closing_the_text_is_info(fast):
    bio = "Eric Song is IGN's deal curator and spends 25% of his pay on stuff he posts."
    found = run(fast, [*PROSE, bio])
    assert found == [("Boilerplate.AuthorBox", "info", bio)]


def test_a_contributing_credit_is_a_byline(fast):
    assert run(fast, [*PROSE, "Contributing: Kristine Phillips"]) == [
        ("Boilerplate.Byline", "info", "Contributing: Kristine Phillips")]


@pytest.mark.parametrize("rows", [
    ["Rockledge 14 11 6 15 — 44", "Palm Bay 18 22 13 17 — 70"],
    ["August 30 – Denver, CO @ Pepsi Center", "September 2 – Salt Lake City, UT @ USANA Amphitheatre",
     "September 5 – Seattle, WA @ White River Amphitheatre", "September 12 – Mountain View, CA @ Shoreline Amphitheatre",
     "September 18 – Los Angeles, CA @ The Forum", "October 3 – Phoenix, AZ @ Ak-Chin Pavilion",
     "October 9 – Irving, TX @ Toyota Music Factory", "October 10 – Houston, TX @ The Cynthia Woods Mitchell Pavilion"],
])
def test_score_rows_and_tour_dates_are_the_articles_own(fast, rows):
    found = run(fast, [PROSE[0], PROSE[1], *rows, PROSE[2], PROSE[3]]) + run(fast, [*PROSE, *rows])
    assert not [f for f in found if any(r in f[2] for r in rows)]
