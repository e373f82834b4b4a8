"""Scraping debris glued to a name: "videoOleksandr", "Zelenskysaid", "PHOTOKharkiv".

Scrapers that drop the markup between a caption, a button label or a verb and the next word glue
them into one token (issue 17). A known name inside such a token is cut out: a lower-case or
all-capitals run before a capital (camel-case glue) and a reporting verb after the name. Only a cut
that leaves a known name (``known``) is made, so McDonald, iPhone or DeSantis stay whole.
"""

from __future__ import annotations

import re
from collections.abc import Callable

#: Verbs and labels scrapers glue after a name ("...said", "...told").
GLUED_AFTER = ("said", "says", "told", "added", "noted", "stated", "wrote", "reported", "announced",
               "explained", "stressed", "warned", "claimed")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z][a-z])|(?<=[A-Z]{2})(?=[A-Z][a-z])")
_MIN_NAME = 4


def glued(token: str) -> bool:
    """Cheap test: could ``token`` hold debris at all?"""
    return (not token.islower() and not token.isupper() and bool(_CAMEL.search(token))) or \
        token.lower().endswith(GLUED_AFTER)


def strip_debris(token: str, known: Callable[[str], bool],
                 before_verb: Callable[[str], bool] | None = None) -> tuple[int, int]:
    """(start, end) of the known name inside ``token``, or (0, len(token)) when nothing is cut.
    ``before_verb`` (default ``known``) accepts the name a glued verb follows; it may be looser
    (a surname-like word: "Kubrakovsaid")."""
    start, end = 0, len(token)
    if not glued(token):
        return start, end
    before_verb = before_verb or known
    cuts = [m.start() for m in _CAMEL.finditer(token)]
    if cuts and len(token) - cuts[-1] >= _MIN_NAME and known(token[cuts[-1]:]):
        start = cuts[-1]
    low = token.lower()
    for verb in GLUED_AFTER:
        stem = end - len(verb)
        if low.endswith(verb) and stem - start >= _MIN_NAME and token[stem - 1].islower() \
                and before_verb(token[start:stem]):
            end = stem
            break
    return start, end


def clean_name(name: str, known: Callable[[str], bool], before_verb: Callable[[str], bool] | None = None) -> str:
    """``name`` with debris cut from its first and last words ("videoOleksandr Kubrakovsaid")."""
    words = name.split()
    if not words:
        return name
    s, _ = strip_debris(words[0], known, before_verb)
    words[0] = words[0][s:]
    _, e = strip_debris(words[-1], known, before_verb)
    words[-1] = words[-1][:e]
    return " ".join(w for w in words if w)
