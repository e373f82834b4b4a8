"""Per-line features for the furniture classifier: shape, cues, position and topicality.

Shape features follow the line-level heuristics of jusText (Pomikálek 2011: length, stopword
density) and C4 (terminal punctuation); cue features come from ``cues``; topicality is how close a
line is to the rest of the article, by TF-IDF (IDF from wordfreq's corpus frequencies, so nothing is
fitted). An off-topic headline-shaped line inside an article (a Formula 1 teaser in war news) is the
case neither lexicon nor shape catches. No encoder: MiniLM similarities of candidate lines were
measured to add nothing on unseen sites (model 1.x, site-disjoint test: block F1 0.859 with them,
0.863 without) at 19 times the time (2.0 vs 37.9 articles/s, bench/boilerplate_speed.py), so model 2 does without them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from operator import itemgetter

import numpy as np

from detector.boilerplate.cues import CUE_KINDS, WIDGET, cue_kind

#: Chinese and Japanese write without spaces: each ideograph or kana counts as a word, so their
#: sentences read as prose, not as one-word navigation lines.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W\d_{_CJK}]+(?:['’][^\W\d_{_CJK}]+)*", re.UNICODE)
STOPWORDS = frozenset(
    """a an the and or but if of to in on at by for from with without as is are was were be been being
    has have had do does did it its this that these those there their they them he she his her him we
    our you your i me my not no so than then too very can could will would should may might must
    which who whom whose what when where why how all any both each few more most other some such
    only own same into over under again further once here about after before between through during
    above below up down out off just also said says""".split()
)
_SENT_END = re.compile(r"""[.!?。！？]["'”’»)\]」』]*$""")
_ELLIPSIS = re.compile(r"(?:…|\.\.\.|\[…\]|\[\.\.\.\])\s*$")

#: Feature names, in the column order the shipped model expects.
FEATURES = (
    "log_words", "log_chars", "ends_sentence", "ends_ellipsis", "title_share", "stop_share",
    "digit_share", "upper_share", "n_sentences", "has_separator", "colon_label",
    "rel_pos", "is_first", "from_end", "before_first_prose", "after_last_prose",
    "prev_log_words", "next_log_words", "doc_median_words",
    *(f"cue_{k}" for k in CUE_KINDS), "after_widget_cue", "after_author_cue",
    "tfidf_sim", "tfidf_rel",
)


@lru_cache(maxsize=8192)
def words_of(line: str) -> tuple[str, ...]:
    """The words of a line (memoised: the features, the block finder and the structure rules each ask
    for the lines of the article at hand, several times a line)."""
    return tuple(_WORD_RE.findall(line))


@lru_cache(maxsize=8192)
def is_prose(line: str) -> bool:
    return len(words_of(line)) >= 12 and bool(_SENT_END.search(line.strip()))


#: A sentence ending followed by the start of the next one, inside a line.
_SENT_BREAK = re.compile(r"""[.!?。！？]["'”’»)\]」』]*\s+["“‘'«(]?[A-Z0-9]""")


def is_paragraph(line: str) -> bool:
    """Prose, or a long run of sentences cut off mid-sentence (a body truncated to N characters, a text
    whose paragraphs lost their line breaks): no header, navigation line or widget is several sentences long."""
    return is_prose(line) or (len(words_of(line)) >= 40 and len(_SENT_BREAK.findall(line)) >= 2)


def ends_with_ellipsis(line: str) -> bool:
    return bool(_ELLIPSIS.search(line))


def is_headline_shaped(line: str) -> bool:
    """3–20 words and no closing full stop: how titles, teasers and subheadings look."""
    n = len(words_of(line))
    return 3 <= n <= 20 and not _SENT_END.search(line.strip())


@lru_cache(maxsize=200_000)
def _idf(term: str) -> float:
    from wordfreq import zipf_frequency

    return max(0.5, 7.5 - zipf_frequency(term, "en"))


def _stem(w: str) -> str:
    w = w.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("ies"):
        return w[:-3] + "y"
    if len(w) > 3 and w.endswith("s") and not w.endswith("ss"):
        return w[:-1]
    return w


@lru_cache(maxsize=200_000)
def _term(w: str) -> str | None:
    """The TF-IDF term of a word, None for a stopword or a single letter (memoised: words repeat)."""
    return _stem(w) if len(w) > 1 and w.lower() not in STOPWORDS else None


def _terms(line: str) -> Counter[str]:
    return Counter([t for t in map(_term, words_of(line)) if t is not None])


def tfidf_similarities(lines: Sequence[str]) -> np.ndarray:
    """Cosine of each line's TF-IDF vector with that of all the other lines together."""
    bags = [_terms(x) for x in lines]
    total: Counter[str] = Counter()
    for b in bags:
        total.update(b)
    total_sq = sum((c * _idf(t)) ** 2 for t, c in total.items())
    out = np.zeros(len(lines), dtype=np.float32)
    for i, bag in enumerate(bags):
        dot = norm_l = 0.0
        for t, c in bag.items():
            w = _idf(t) ** 2
            dot += c * (total[t] - c) * w
            norm_l += c * c * w
        # |T - b|² = |T|² - 2 T·b + |b|², so each line costs its own length, not the vocabulary's.
        norm_r = total_sq - 2 * (dot + norm_l) + norm_l
        if norm_r > 1e-9 and norm_l > 0:
            out[i] = dot / math.sqrt(norm_l * norm_r)
    return out


def batch_features(docs: Sequence[Sequence[str]]) -> list[np.ndarray]:
    """Feature matrices for many articles' lines (one per article)."""
    return [line_features(lines) for lines in docs]


_COL = {name: j for j, name in enumerate(FEATURES)}
_N_SENTENCES = re.compile(r"[.!?](?:\s|$)")
_SEPARATOR = re.compile(r"\s[|›»/•·]\s|^[•·*-]\s")
_COLON_LABEL = re.compile(r"^[^\s:]+(?: [^\s:]+){0,2}:")


def _shape_row(row: np.ndarray, line: str, t: Sequence[str]) -> None:
    """The features of one line that read only the line itself."""
    s = line.strip()
    nw = max(len(t), 1)
    c = _COL
    row[c["log_words"]] = math.log1p(len(t))
    row[c["log_chars"]] = math.log1p(len(s))
    row[c["ends_sentence"]] = float(bool(_SENT_END.search(s)))
    row[c["ends_ellipsis"]] = float(ends_with_ellipsis(s))
    row[c["title_share"]] = sum(map(str.isupper, map(itemgetter(0), t))) / nw
    row[c["stop_share"]] = sum(map(STOPWORDS.__contains__, map(str.lower, t))) / nw
    row[c["digit_share"]] = sum(map(str.isdigit, s)) / max(len(s), 1)
    row[c["upper_share"]] = sum(len(w) > 1 and w.isupper() for w in t) / nw
    row[c["n_sentences"]] = len(_N_SENTENCES.findall(s))
    row[c["has_separator"]] = float(bool(_SEPARATOR.search(s)))
    row[c["colon_label"]] = float(bool(_COLON_LABEL.match(s)))


def line_features(lines: Sequence[str], tfidf: np.ndarray | None = None) -> np.ndarray:
    """The feature matrix (len(lines) × len(FEATURES)); ``tfidf``: ``tfidf_similarities(lines)`` if known."""
    n = len(lines)
    X = np.zeros((n, len(FEATURES)), dtype=np.float32)
    if n == 0:
        return X
    col = _COL
    toks = [words_of(x) for x in lines]
    nwords = np.array([len(t) for t in toks], dtype=np.float32)
    prose = [is_prose(x) for x in lines]
    first_prose = next((i for i, p in enumerate(prose) if p), n)
    last_prose = max((i for i, p in enumerate(prose) if p), default=-1)
    kinds = [cue_kind(x) for x in lines]
    tfidf = tfidf_similarities(lines) if tfidf is None else tfidf
    median_sim = float(np.median(tfidf)) if n else 0.0
    median_words = float(np.median(nwords))
    cue_cols = [(col[f"cue_{k}"], k) for k in CUE_KINDS]
    for i, (line, t) in enumerate(zip(lines, toks, strict=False)):
        row = X[i]
        _shape_row(row, line, t)
        row[col["rel_pos"]] = i / max(n - 1, 1)
        row[col["is_first"]] = float(i == 0)
        row[col["from_end"]] = min(n - 1 - i, 10) / 10
        row[col["before_first_prose"]] = float(i < first_prose)
        row[col["after_last_prose"]] = float(i > last_prose)
        row[col["prev_log_words"]] = math.log1p(nwords[i - 1]) if i > 0 else 0.0
        row[col["next_log_words"]] = math.log1p(nwords[i + 1]) if i + 1 < n else 0.0
        row[col["doc_median_words"]] = math.log1p(median_words)
        for j, k in cue_cols:
            row[j] = float(kinds[i] == k)
        row[col["after_widget_cue"]] = float(WIDGET in kinds[max(0, i - 3):i])
        row[col["after_author_cue"]] = float("author" in kinds[max(0, i - 2):i])
        row[col["tfidf_sim"]] = tfidf[i]
        row[col["tfidf_rel"]] = tfidf[i] - median_sim
    return X
