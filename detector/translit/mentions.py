"""Find the place and person names of an article and resolve each against the gazetteer.

Candidates are runs of capitalized words joined by a space or a hyphen ("Kryvyi Rih",
"Ivano-Frankivsk"); the longest n-gram that resolves wins. Context decides what a name is before
the gazetteer does: a title makes the next words a person ("Prince Lvov"), a club or an
organisation takes a city's name in its own fixed spelling ("Dynamo Kiev", "Kyiv Independent"), a
US state after it makes "Odessa" the one in Texas. Unknown people are linked within the article
only: a full name with a first name from ``people`` and, later or earlier, the surname alone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from detector.article import WORD_RE, Document
from detector.translit.debris import strip_debris
from detector.translit.gazetteer import Gazetteer, Match
from detector.translit.keys import fold_key, normalize_form
from detector.translit.people import KnownPeople, edit_budget, first_name, person_key, same_token

TITLES = frozenset("""prince princess count countess duke grand tsar tsarina king queen emperor sir lord lady
mr mrs ms dr prof president premier minister mayor governor general gen colonel col captain capt lieutenant
lt sergeant sgt major maj commander marshal admiral adm ambassador spokesman spokeswoman senator sen rep
judge bishop metropolitan patriarch father st saint""".split())
#: A club name keeps its historical spelling: a Russian-derived form there is worth an info at most.
CLUB_BEFORE = frozenset("dynamo dinamo fc metalist metallist zorya zarya chornomorets karpaty vorskla "
                        "shakhtar arsenal cska spartak lokomotiv hc bc".split())
#: An organisation named after a city ("Kyiv Independent", "Kyiv Post"): not a mention of the city.
ORG_AFTER = frozenset("independent post times herald review pride institute school university polytechnic "
                      "opera ballet symphony patriarchate metro airport mohyla pravda".split())
#: Adjectival forms (Ukrainska Pravda, Kyivska oblast) are not a place name with an added ending.
_ADJECTIVE = re.compile(r"(sk|ck|zk|ts|v|n)(a|e|i|yi|iy|ij)$", re.I)
#: Lower-case words before a city's name that make it a dish or a thing ("chicken Kiev").
THING_BEFORE = frozenset("chicken cutlet cake".split())
US_STATES = frozenset("""Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Hawaii
Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota Mississippi
Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah Vermont Virginia
Washington Wisconsin Wyoming TX""".split())  # Georgia is left out: the country is in the same news
_PATRONYMIC = re.compile(r"(ovych|evych|ovich|evich|yovych|ivna|ovna|evna|yivna)$", re.I)
#: Surnames that look Slavic: fuzzy (non-key) surname merges are allowed only between these.
SLAVIC_SURNAME = re.compile(r"(enko|chuk|iuk|yuk|uk|ko|sk[iy]{1,2}|ska|ov|ova|ev|eva|in|ina|[iy]ch|ak|iak|yak|ets)$",
                            re.I)
#: Capitalized common English words at a sentence start are not names (issue 4: "sentence-initial
#: words handled") unless the gazetteer knows the exact form.
SENTENCE_START_ZIPF = 4.0
#: wordfreq Zipf frequency above which a word is too common in English for a fuzzy (MT) match.
COMMON_ENGLISH_ZIPF = 3.0
#: A name matched only by key or MT fallback must be rarer than this and have a key this long.
RARE_NAME_ZIPF = 2.0
RARE_MIN_KEY = 5
_ROMAN = re.compile(r"[IVXLC]+")


@dataclass
class Mention:
    """One resolved name in the article."""

    start: int
    end: int
    text: str
    kind: str  # "place" | "person"
    match: Match | None  # None: a person the gazetteer does not know
    context: str = "text"  # "text" | "club"
    first: str | None = None  # persons: the first name as written
    surname: str = ""
    group: int = -1  # index of the entity group within the article
    data: dict = field(default_factory=dict)


@dataclass(slots=True)
class _Word:
    start: int
    end: int
    text: str
    initial: bool  # first word of its sentence
    possessive: bool  # "Kyiv's": the 's is cut off and ends the run


def _words(doc: Document, strip: Callable[[str], tuple[int, int]]) -> list[_Word]:
    """Word tokens, the possessive cut off and glued scraping debris cut away ("videoOleksandr");
    ``strip`` is ``strip_debris`` with the finder's lexicon (memoised: most tokens repeat)."""
    starts = {s.start for s in doc.sentences}
    out = []
    for m in WORD_RE.finditer(doc.text):  # the word tokens of ``doc.tokens``, without its punctuation
        text, pos = m.group(), m.start()
        if text[0].isalnum():
            cut = len(text) - 2 if len(text) > 3 and text.endswith(("'s", "’s")) else len(text)
            a, b = strip(text[:cut])
            out.append(_Word(pos + a, pos + b, text[a:b], pos in starts, cut < len(text)))
    return out


def _runs(doc: Document, words: list[_Word]) -> list[list[int]]:
    """Indexes of words in runs of capitalized words separated by one space or a hyphen."""
    runs: list[list[int]] = []
    cur: list[int] = []
    for i, w in enumerate(words):
        cap = w.text[:1].isupper()
        prev = words[cur[-1]] if cur else None
        if cap and prev and not prev.possessive and doc.text[prev.end:w.start] in (" ", "-"):
            cur.append(i)
            continue
        if cur:
            runs.append(cur)
        cur = [i] if cap else []
    if cur:
        runs.append(cur)
    return runs


class _FullNames:
    """The first full-name mention of each surname spelling, in order, found by surname."""

    def __init__(self) -> None:
        self.mentions: list[Mention] = []
        self.index = SurnameIndex()
        self._seen: set[str] = set()

    def add(self, m: Mention) -> None:
        if m.surname not in self._seen:
            self._seen.add(m.surname)
            self.index.add(m.surname, len(self.mentions))
            self.mentions.append(m)


class MentionFinder:
    """Resolves the names of one document (the gazetteer and the known people are shared)."""

    def __init__(self, gazetteer: Gazetteer, people: KnownPeople, mt_fallback: bool = True, max_ngram: int = 4) -> None:
        self.gaz = gazetteer
        self.people = people
        self.mt_fallback = mt_fallback
        self.max_ngram = max_ngram
        _zipf("warm")  # load wordfreq's tables now, not inside the first article
        #: ``strip_debris`` of a token with this finder's lexicon (fixed data, so a token's answer is too).
        self._strip = lru_cache(maxsize=1 << 16)(lambda token: strip_debris(token, self.known, _surname_shaped))

    def known(self, word: str) -> bool:
        """A first name, a listed form or a known person's surname: what debris may be cut to."""
        return first_name(word) is not None or bool(self.gaz.exact_ids(word)) or self.people.has_surname(word)

    def find(self, doc: Document) -> list[Mention]:
        abroad: set[str] = set()  # forms seen naming a US namesake ("Odessa, Texas")
        words = _words(doc, self._strip)
        mentions: list[Mention] = []
        leftovers: list[_Word] = []
        for run in _runs(doc, words):
            self._run(doc, [words[i] for i in run], words, run[0], mentions, leftovers, abroad)
        anchored = frozenset(m.match.entity.id for m in mentions if m.match and m.match.how == "exact")
        full_names = _FullNames()  # one full-name mention per distinct surname spelling
        for m in mentions:
            if m.kind == "person" and m.first:
                full_names.add(m)
        for w in leftovers:
            m = self._link_surname(w, full_names) or self._place(doc, w, w.start, w.end, anchored, abroad, fallback=True)
            if m is not None:
                mentions.append(m)
        # once "Odessa" is the one in Texas, it is for the whole article
        mentions = [m for m in mentions if m.kind != "place" or normalize_form(m.text) not in abroad]
        mentions.sort(key=lambda m: m.start)
        return mentions

    # -- one run of capitalized words ------------------------------------------------------
    def _run(self, doc: Document, run: list[_Word], words: list[_Word], first_index: int,
             mentions: list[Mention], leftovers: list[_Word], abroad: set[str]) -> None:
        prev = words[first_index - 1] if first_index > 0 else None
        # only a word right before the run, in the same sentence, is its context
        before = prev.text.lower() if prev and doc.text[prev.end:run[0].start] == " " else ""
        if before in THING_BEFORE:
            return
        person_context = before in TITLES
        context = "club" if before in CLUB_BEFORE else "text"
        i = 0
        while i < len(run):
            w = run[i]
            low = w.text.lower().rstrip(".")
            if low in TITLES:
                person_context = True
                i += 1
                continue
            if low in CLUB_BEFORE:
                context = "club"
                i += 1
                continue
            person = self._person(doc, run, i, person_context)
            if person is not None:
                mention, used = person
                mentions.append(mention)
                i += used
                continue
            if person_context and _surname_like(w.text):  # "Prince Lvov": a surname, not a place
                mentions.append(Mention(w.start, w.end, w.text, "person", self.people.lookup(None, w.text),
                                        surname=w.text))
                i += 1
                continue
            place = self._longest_place(doc, run, i, context, abroad)
            if place is not None:
                mention, used = place
                if mention is not None:
                    mentions.append(mention)
                i += used
                continue
            leftovers.append(w)
            i += 1

    def _person(self, doc: Document, run: list[_Word], i: int, after_title: bool) -> tuple[Mention, int] | None:
        """A first name from ``people`` followed by a surname (a patronymic may come between)."""
        if i + 1 >= len(run) or first_name(run[i].text) is None:
            return None
        j = i + 1
        if _PATRONYMIC.search(run[j].text) and j + 1 < len(run):
            j += 1
        surname = run[j]
        if not _surname_like(surname.text):
            return None
        match = self.people.lookup(run[i].text, surname.text)
        start, end = run[i].start, surname.end
        return Mention(start, end, doc.text[start:end], "person", match, first=run[i].text, surname=surname.text), j - i + 1

    def _longest_place(self, doc: Document, run: list[_Word], i: int, context: str,
                       abroad: set[str]) -> tuple[Mention | None, int] | None:
        for n in range(min(self.max_ngram, len(run) - i), 0, -1):
            start, end = run[i].start, run[i + n - 1].end
            after = run[i + n].text.lower() if i + n < len(run) else ""
            m = self._place(doc, run[i], start, end, frozenset(), abroad, fallback=False, n=n)
            if m is None:
                continue
            if after in ORG_AFTER:
                return None, n + 1  # "Kyiv Independent": an organisation, not the city
            if self._us_context(doc, end):
                abroad.add(normalize_form(m.text))
                return None, n
            m.context = context
            return m, n
        return None

    def _place(self, doc: Document, w: _Word, start: int, end: int, anchored: frozenset[int], abroad: set[str],
               *, fallback: bool, n: int = 1) -> Mention | None:
        text = doc.text[start:end]
        if n == 1 and text.isupper() and len(text) <= 4:
            return None  # an acronym (OBBB, SIMM), not a name
        m = self.gaz.lookup(text, kind="place", anchored=anchored)
        if m is not None and m.how != "exact" and not _rare_name(text):
            m = None
        if m is None and fallback and self.mt_fallback and _rare_name(text) and not _ADJECTIVE.search(text):
            m = self.gaz.lookup_mt(text)
        if m is None:
            return None
        if n == 1 and w.initial and _sentence_start_word(text) and m.how != "exact":
            return None
        if fallback and self._us_context(doc, end):
            abroad.add(normalize_form(text))
            return None
        return Mention(start, end, text, "place", m)

    def _link_surname(self, w: _Word, full_names: _FullNames) -> Mention | None:
        """A lone surname that is the surname of a person named in full elsewhere in the article,
        or of a known person ("Zelensky said")."""
        rank = full_names.index.first(w.text)
        if rank is not None:
            m = full_names.mentions[rank]
            return Mention(w.start, w.end, w.text, "person", self.people.lookup(m.first, w.text) or m.match,
                           surname=w.text)
        if len(fold_key(w.text)) >= 5 and not (w.initial and _sentence_start_word(w.text)):
            known = self.people.lookup(None, w.text)
            if known is not None:
                return Mention(w.start, w.end, w.text, "person", known, surname=w.text)
        return None

    @staticmethod
    def _us_context(doc: Document, end: int) -> bool:
        """"Odessa, Texas" or a US state in the same sentence: the American namesake."""
        follow = re.match(r",?\s*([A-Z][a-z]+|TX)\b", doc.text[end:end + 20])
        if follow and follow.group(1) in US_STATES:
            return True
        sentence = doc.sentence_at(max(0, end - 1))
        return bool(sentence and any(w in US_STATES for w in re.findall(r"[A-Z][a-z]+", sentence.text)))


def _surname_like(word: str) -> bool:
    """Not a roman numeral (Mark II), an acronym, a title or an organisation word."""
    low = word.lower()
    return (len(word) >= 3 and not _ROMAN.fullmatch(word) and not (word.isupper() and len(word) <= 4)
            and low not in TITLES and low not in ORG_AFTER)


def _surname_shaped(word: str) -> bool:
    return word[:1].isupper() and bool(SLAVIC_SURNAME.search(word))


def _surnames_merge(a: str, b: str) -> bool:
    if fold_key(a) == fold_key(b):
        return True
    return bool(SLAVIC_SURNAME.search(a) and SLAVIC_SURNAME.search(b)) and same_token(a, b)


def _deletions(key: str, depth: int) -> set[str]:
    """``key`` with up to ``depth`` letters deleted: two keys within ``depth`` edits (a
    transposition counting as one) share one of these (SymSpell's candidate rule)."""
    out, layer = {key}, {key}
    for _ in range(depth):
        layer = {k[:i] + k[i + 1:] for k in layer for i in range(len(k))}
        out |= layer
    return out


class SurnameIndex:
    """Surnames, each with a rank, found by the surnames they merge with without comparing
    against all of them: candidates share a person key with up to ``edit_budget`` letters deleted
    (which every pair ``_surnames_merge`` accepts does), then ``_surnames_merge`` decides."""

    def __init__(self) -> None:
        self._rank: dict[str, int] = {}
        self._by_variant: dict[str, list[str]] = {}

    def add(self, surname: str, rank: int) -> None:
        """Record ``surname`` with ``rank``; a surname added again keeps its lowest rank."""
        if surname in self._rank:
            self._rank[surname] = min(self._rank[surname], rank)
            return
        self._rank[surname] = rank
        key = person_key(surname)
        for v in _deletions(key, edit_budget(len(key))):
            self._by_variant.setdefault(v, []).append(surname)

    def first(self, surname: str) -> int | None:
        """The lowest rank of a recorded surname that merges with ``surname``, or None."""
        key = person_key(surname)
        candidates = {s for v in _deletions(key, edit_budget(len(key))) for s in self._by_variant.get(v, ())}
        ranks = [self._rank[s] for s in candidates if _surnames_merge(surname, s)]
        return min(ranks) if ranks else None


@lru_cache(maxsize=65536)
def _zipf(word: str) -> float:
    from wordfreq import zipf_frequency

    return zipf_frequency(word.lower(), "en")


def _rare_name(text: str) -> bool:
    """Rare enough in English (and long enough) for a key or MT match to be trusted: unlisted
    spellings of Ukrainian names are rare words (Kup'yansk: Zipf 0); Malin, Symm are not."""
    return len(fold_key(text).replace(" ", "")) >= RARE_MIN_KEY and _zipf(text) < RARE_NAME_ZIPF


def common_english(word: str) -> bool:
    """Too common in English for a fuzzy match (a key or MT fallback) to be trusted."""
    return _zipf(word) >= COMMON_ENGLISH_ZIPF


def _sentence_start_word(text: str) -> bool:
    return _zipf(text) >= SENTENCE_START_ZIPF


#: The parts of a mention whose spellings are compared: a place's whole name; a person's surname
#: and first name, each only where it is written (a surname alone has no first name to differ).
PARTS = {"place": ("name",), "person": ("surname", "first name")}


def spelling_parts(kind: str, form: str, first: str | None = None, surname: str | None = None) -> dict[str, str]:
    """{part: spelling} of one mention, the one rule for the article check and the outlet analysis:
    "Zhyvytsky" alone and "Dmytro Zhyvytsky" spell the surname alike, so they are one spelling.
    Without ``surname`` (an older stored mention) the last word is the surname."""
    if kind != "person":
        return {"name": form}
    if surname is None:
        words = form.split()
        first, surname = (" ".join(words[:-1]) or None), (words[-1] if words else "")
    return {"surname": surname, "first name": first or ""}


def group_mentions(mentions: list[Mention]) -> list[list[Mention]]:
    """Mentions of one entity: by gazetteer entity; unknown people by merged surnames. An unknown
    person joins the earliest group of unknown people holding a surname it merges with; the
    surnames are looked up in a ``SurnameIndex``, so this is linear in the number of mentions."""
    groups: list[list[Mention]] = []
    by_entity: dict[tuple[str, int], int] = {}
    unknown = SurnameIndex()  # surname -> earliest group of unknown people holding it
    for m in mentions:
        if m.match is not None:
            key = (m.kind, m.match.entity.id)
            if key not in by_entity:
                by_entity[key] = len(groups)
                groups.append([])
            m.group = by_entity[key]
            groups[m.group].append(m)
            continue
        found = unknown.first(m.surname)
        if found is not None:
            m.group = found
            groups[found].append(m)
            unknown.add(m.surname, found)
            continue
        m.group = len(groups)
        groups.append([m])
        if m.kind == "person":
            unknown.add(m.surname, m.group)
    return groups


__all__ = ["Mention", "MentionFinder", "group_mentions", "common_english", "spelling_parts", "PARTS"]
