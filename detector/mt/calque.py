"""``MT.Calque``: word-for-word renderings of Ukrainian/Russian constructions.

Only patterns measured to be absent from clean original English news are kept (``make
eval-mtrules``: 0 to 0.001 per 1,000 words on 1.38M words of WCXB article bodies and the WMT22
English sources, while WMT22 uk-en/ru-en MT output has them). "на території" gives "on the
territory of", "у зв'язку з" gives "in connection with", "в рамках" gives "within the framework
of", "з метою" gives "with the aim of", "необхідно" gives "it is necessary to". Each alone is weak
evidence (human translators use some of them too), so the rule reports at info level.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from detector.article import Document
from detector.mt.context import Hit

#: literal key (lower case) -> (pattern, source construction, idiomatic English)
CALQUES: dict[str, tuple[str, str, str]] = {
    "territory of": (r"\b[OoIi]n the territory of\b", "на території", "in"),
    "connection with": (r"\b[Ii]n connection with\b", "у зв'язку з", "because of / over"),
    "framework of": (r"\b[Ww]ithin the framework of\b", "в рамках", "under / as part of"),
    "the aim of": (r"\b[Ww]ith the aim of\b", "з метою", "to"),
    "necessary to": (r"\b[Ii]t is necessary to\b", "необхідно", "must / needs to"),
    "reported that": (r"\b[Ii]t (?:is|was) reported that\b", "повідомляється, що", "reportedly / <source> reported that"),
    "the part of": (r"\b[Oo]n the part of\b", "з боку", "by / from"),
    "the fact that": (r"\b[Dd]ue to the fact that\b", "через те, що", "because"),
}
_PATTERNS = [(key, re.compile(p), src, fix) for key, (p, src, fix) in CALQUES.items()]


def find_calques(doc: Document) -> Iterator[Hit]:
    lowered = doc.text.lower()
    for key, pattern, source, fix in _PATTERNS:
        if key not in lowered:  # a literal search first: most articles have none of these
            continue
        for m in pattern.finditer(doc.text):
            yield Hit(
                m.start(), m.end(),
                f"'{m.group()}' is a word-for-word rendering of '{source}'; English says '{fix}'.",
                suggestion=fix,
                confidence=0.5,
                kind="calque",
                data={"source": source},
            )
