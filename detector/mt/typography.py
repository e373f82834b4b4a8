"""Typography as the MT model must see it: one form for every quote, dash, ellipsis and space.

Why: in the WMT data a publisher's CMS, not the translator, sets typography. References carry curly
quotes, no-break spaces, em dashes and ``…`` where most MT outputs are straight ASCII, and one
HT-vs-MT file carries cp1252 quotes read as Latin-1 (C1 controls). A model that sees typography learns
that shortcut and is useless on real articles, so every model-side input (encoder, adapter, lexical
model) goes through ``normalize``. ``normalize_with_offsets`` also returns where each normalised
character came from, so spans found on the normalised text map back to exact offsets of the original.
"""

from __future__ import annotations

import re

import numpy as np

_SINGLE = "'"
_DOUBLE = '"'
_BASE: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u2035\u2039\u203a`\u00b4", _SINGLE),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb", _DOUBLE),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-"),
    **dict.fromkeys("\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u202f\u205f\u3000", " "),
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", ""),  # soft hyphen, zero-width marks
    "\u2026": "...",
}


def _c1(code: int) -> str:
    """A C1 control read from cp1252 bytes as Latin-1 (U+0092 → ’), normalised; undefined ones dropped."""
    try:
        char = bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return ""
    return _BASE.get(char, char)


#: Every character that normalisation changes, with its replacement (possibly empty or longer).
REPLACEMENTS: dict[str, str] = {**_BASE, **{chr(c): _c1(c) for c in range(0x80, 0xA0)}}
_TABLE = str.maketrans(REPLACEMENTS)
_ODD = re.compile("[" + "".join(re.escape(c) for c in REPLACEMENTS) + "]")


def normalize(text: str) -> str:
    """Straight ASCII quotes, hyphen-minus dashes, ``...``, plain spaces; C1 controls repaired."""
    return text.translate(_TABLE)


def normalize_with_offsets(text: str) -> tuple[str, np.ndarray]:
    """``(normalised, source)``: ``source[i]`` is the index in ``text`` of normalised character ``i``,
    with ``source[len(normalised)] == len(text)``; identity (no copy of the text) when nothing changes."""
    if _ODD.search(text) is None:
        return text, np.arange(len(text) + 1, dtype=np.int64)
    parts: list[str] = []
    source: list[int] = []
    last = 0
    for m in _ODD.finditer(text):
        parts.append(text[last:m.start()])
        source.extend(range(last, m.start()))
        repl = REPLACEMENTS[m.group()]
        parts.append(repl)
        source.extend([m.start()] * len(repl))
        last = m.end()
    parts.append(text[last:])
    source.extend(range(last, len(text) + 1))
    return "".join(parts), np.asarray(source, dtype=np.int64)


def map_offsets(offsets: np.ndarray, source: np.ndarray) -> np.ndarray:
    """Token ``(start, end)`` pairs on the normalised text → the same characters of the original."""
    if len(offsets) == 0:
        return offsets
    starts = source[offsets[:, 0]]
    ends = np.where(offsets[:, 1] > offsets[:, 0], source[np.maximum(offsets[:, 1] - 1, 0)] + 1, starts)
    return np.stack([starts, ends], axis=1).astype(offsets.dtype)
