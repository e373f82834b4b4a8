"""Synthetic MT artefacts in the style of the seed articles, for training the tagger only.

Professional MQM spans mark meaning errors of good systems; they rarely show the mechanical
debris of sentence-by-sentence machine translation that the seeds show. Each generator below
joins two human sentences and breaks the junction the way seed 002 does, labelling the broken
words. Metrics are never reported on these alone (they would only measure the generator).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

from detector.article import split_sentences
from detector.ml.labeled import Example, LabeledSpan

ERROR = "error"
_LAST_WORD = re.compile(r"(\S+)\.$")
_FIRST_WORD = re.compile(r"^(\S+)")

Junction = Callable[[str, str, random.Random], "tuple[str, int, int] | None"]


def double_period(a: str, b: str, rng: random.Random) -> tuple[str, int, int] | None:
    """"In the center of town.. It" (seed 002)."""
    if not a.endswith("."):
        return None
    text = f"{a}. {b}"
    return text, len(a) - 1, len(a) + 1


def glued_period(a: str, b: str, rng: random.Random) -> tuple[str, int, int] | None:
    """"stationed.As proven" (seed 002): the space after a full stop is lost."""
    last, first = _LAST_WORD.search(a), _FIRST_WORD.search(b)
    if not last or not first:
        return None
    text = f"{a}{b}"
    return text, last.start(1), len(a) + first.end(1)


def lost_break(a: str, b: str, rng: random.Random) -> tuple[str, int, int] | None:
    """"February 24 Faced with the army" (seed 002): a sentence break dropped."""
    last, first = _LAST_WORD.search(a), _FIRST_WORD.search(b)
    if not last or not first:
        return None
    head = a[:-1]
    text = f"{head} {b}"
    return text, last.start(1), len(head) + 1 + first.end(1)


# Not generated: a dangling name ("he said. Zhyvytsky.") becomes a one-word sentence that the
# sentence-level tagger cannot tell from a legitimate short line; MT.DanglingFragment covers it.
GENERATORS: tuple[Junction, ...] = (double_period, glued_period, lost_break)


def synthetic_examples(hosts: list[Example], n: int, seed: int = 0) -> list[Example]:
    """``n`` annotated examples, each two consecutive host sentences with one broken junction.

    An equal number of untouched sentence pairs from the same hosts is added with no spans, so
    the tagger also learns that a clean junction is not an error.
    """
    rng = random.Random(seed)
    pairs = []
    for ex in hosts:
        sents = [s.text for s in split_sentences(ex.text) if len(s.text.split()) >= 4]
        pairs += [(sents[i], sents[i + 1], ex.group) for i in range(len(sents) - 1)]
    rng.shuffle(pairs)
    out: list[Example] = []
    for a, b, group in pairs:
        if len(out) >= 2 * n:
            break
        made = rng.choice(GENERATORS)(a, b, rng)
        if made is None:
            continue
        text, start, end = made
        out.append(Example(text, [LabeledSpan(start, end, ERROR)], None, group, {"synthetic": True}))
        out.append(Example(f"{a} {b}", [], None, group, {"synthetic": True}))
    return out
