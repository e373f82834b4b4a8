"""Folding keys: one key for every romanization of one name.

Romanizations of a Cyrillic name differ in a few predictable places (issue 4, "Matching"): the
apostrophe for the soft sign or ' (Kup'yansk), diacritics where English uses digraphs (Charków),
French tch and German sch (Tchernihiv, Schastya), kh/h/g for х and г
(Kharkiv, Harkiv, Gorlovka/Horlivka), y/i/j for и, і, й (Kupyansk/Kupiansk,
Kyjiw), ts/c/tz for ц, w/v (Charkiw), doubled letters (Odessa/Odesa, Zaporizhzhia). The key maps
all of those to one spelling, so a lookup finds the entity and the exact form then says which
variant the writer used.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from detector.translit.kmu import APOSTROPHES

#: Latin letters with diacritics as the digraphs English uses for the same sound.
_DIACRITICS = {
    "š": "sh", "ś": "sh", "č": "ch", "ć": "ch", "ž": "zh", "ź": "zh", "ż": "zh", "ł": "l",
    "ı": "i", "ø": "o", "æ": "ae", "ß": "ss", "đ": "d", "ŝ": "sh", "ĉ": "ch", "ĥ": "h", "ğ": "g",
}
_APOSTROPHE_RE = re.compile("[" + APOSTROPHES + "\u201d\u02b9\u02ba]")
_SEP_RE = re.compile(r"[\s\-\u2010-\u2015]+")
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_APOSTROPHE_TABLE = str.maketrans({c: "'" for c in APOSTROPHES + "\u201d\u02b9\u02ba"})
#: Bump when ``fold_key`` changes: the gazetteer stores keys and is recomputed on a mismatch.
KEY_VERSION = 2
_REPEATED_DIGRAPH = re.compile(r"(zh|sh|ch|kh)\1")
_DOUBLED = re.compile(r"(.)\1+")
_NOT_LETTER = re.compile(r"[^\w ]|[\d_]")

#: Machine-translation fallbacks apply only to keys this long (issue 4): short keys collide.
MT_MIN_KEY = 6


def _strip_diacritics(text: str) -> str:
    if text.isascii():
        return text
    text = "".join(_DIACRITICS.get(c, c) for c in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def normalize_form(name: str) -> str:
    """The surface form for equality: case, apostrophe style and spacing ignored ("Kup’yansk" ==
    "KUP'YANSK"), spelling kept."""
    s = name.strip().lower().translate(_APOSTROPHE_TABLE)
    if "  " in s or not s.isascii() or "\t" in s or "\n" in s:
        s = _SEP_RE.sub(lambda m: "-" if any(c in _DASHES for c in m.group()) else " ", s)
    return s


@lru_cache(maxsize=65536)
def fold_key(name: str) -> str:
    """The key shared by every romanization of one name: "Kup’yansk", "Kupiansk" -> "kupiansk"."""
    s = _APOSTROPHE_RE.sub("", _strip_diacritics(name.lower()))
    s = _SEP_RE.sub(" ", s).strip()
    s = _REPEATED_DIGRAPH.sub(r"\1", s).replace("tch", "ch").replace("shch", "sch")
    s = s.replace("kh", "h").replace("g", "h").replace("tz", "c").replace("ts", "c").replace("w", "v")
    s = s.replace("y", "i").replace("j", "i")
    return _NOT_LETTER.sub("", _DOUBLED.sub(r"\1", s))


def soft_key(name: str) -> str:
    """A stricter key that keeps what tells Russian-derived spellings apart (g/h, doubled letters:
    Mirgorod, Odessa) and folds only y/i/j, apostrophes and case (Kupyansk == Kupiansk)."""
    s = _APOSTROPHE_RE.sub("", _strip_diacritics(name.lower()))
    return _SEP_RE.sub(" ", s).strip().replace("y", "i").replace("j", "i")


def mt_keys(key: str) -> list[str]:
    """Keys a machine translation through another language may have produced from ``key``:
    a final -i/-a added (Melitopoli, from Italian or Georgian) and r/l confused (Meritopoli, through
    Japanese). Only for keys of ``MT_MIN_KEY``+ letters; compare with ``liquid_key`` of the target."""
    if len(key.replace(" ", "")) < MT_MIN_KEY:
        return []
    out = [key]
    if key[-1] in "ia" and len(key) - 1 >= MT_MIN_KEY:
        out.append(key[:-1])
    return [liquid_key(k) for k in out]


def liquid_key(key: str) -> str:
    """``key`` with r and l merged, the contrast Japanese and Korean do not make."""
    return key.replace("r", "l")
