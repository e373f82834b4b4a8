"""Clean articles from another source than WCXB, for an honest second flag rate.

The WCXB test sites were reported before, so their clean-article rate can no longer be the only
check of precision. These bodies come from the WMT news test sets in ../shared/data/mt, which the
boilerplate check was never trained, tuned or evaluated on:

* ``clean_native_news``: original English news (WMT22 en-uk and en-hr sources, news documents only;
  ``detector.mt.model.sources.native_english``);
* ``clean_reference_news``: professional human translations of news into English (reference A of
  WMT21 is/ja/ru-en and of the WMT22 ja/ru-en news documents; test-suite documents skipped).

Each document is one segment (a sentence, the headline first) per line, as a reader that keeps no
paragraph breaks would give it. Every line is clean, so any warning is a false alarm; the rate is
reported with a Wilson 95% interval, and never used for tuning.
"""

from __future__ import annotations

import math

from detector.boilerplate.data import LabelledDoc

#: (source, domain) pairs of human-reference news: WMT21 is/ja/ru-en are all news (no domain
#: attribute); WMT22 ja/ru-en mix domains and label them. WMT22 uk-en is left out: no domain labels.
REFERENCE_NEWS = {("wmt21:is-en", ""), ("wmt21:ja-en", ""), ("wmt21:ru-en", ""), ("wmt22:ja-en", "news"),
                  ("wmt22:ru-en", "news")}


def wilson(k: int, n: int, z: float = 1.96) -> list[float]:
    """Wilson score interval of a proportion k/n (95% by default), as [low, high]."""
    if n == 0:
        return [0.0, 1.0]
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return [round(max(0.0, centre - half), 4), round(min(1.0, centre + half), 4)]


def _labelled(doc_id: str, source: str, text: str) -> LabelledDoc:
    lines = [x.strip() for x in text.split("\n") if x.strip()]
    return LabelledDoc(doc_id, source, lines, [False] * len(lines), [None] * len(lines), [], site=source)


def other_clean_sets() -> dict[str, list[LabelledDoc]]:
    """The two clean populations above, as unlabelled (all-content) documents of four lines or more."""
    from detector.mt.model.sources import HT, native_english, xml_docs

    native = [_labelled(d.group, d.source, d.text) for d in native_english("news")]
    refs = [_labelled(f"{d.group}:{d.system}", d.source, d.text) for d in xml_docs()
            if d.kind == HT and d.system == "ref-A" and (d.source, d.domain) in REFERENCE_NEWS]
    return {"clean_native_news": [d for d in native if len(d.lines) >= 4],
            "clean_reference_news": [d for d in refs if len(d.lines) >= 4]}
