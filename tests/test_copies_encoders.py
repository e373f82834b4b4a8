"""A store whose articles were scanned with two encoders (the full MT encoder and the distilled
student, ``checks.mt_model.student``): their sentence vectors are not comparable, so a pair across
encoders is aligned by identical sentences only (a verbatim copy is still found, through MinHash),
a rewrite across them is not, and the user is told so once."""

from __future__ import annotations

import numpy as np
import pytest
from copies_helpers import BagOfWordsVectors, corpus

from detector.article import Document
from detector.checks.base import Result
from detector.copies import find, story_dict
from detector.scanner import Scanner
from detector.store import Store, StoreWriter


class OtherEncoderVectors(BagOfWordsVectors):
    """The same vectors under another encoder's tag: even equal numbers are not to be compared."""

    def check(self, doc: Document) -> Result:
        result = super().check(doc)
        result.signals["encoder"] = "model+student-0123456789ab"
        return result


def _scan(db, articles, check) -> None:
    with Store(db) as store:
        writer = StoreWriter(store, store.start_run(command="test"), max_delay=0)
        for report in Scanner(checks=[check]).scan(articles):
            writer.write(report)
        writer.close()


def _links(db):
    with Store(db, readonly=True) as store:
        found, stats, index = find(store)
        links = {m["id"]: m["link"] for s in found for m in story_dict(s, index)["members"]}
        index.close()
    return links, stats


def test_rewrites_are_found_within_one_encoder_and_copies_across_two(tmp_path) -> None:
    articles = {a.id: a for a in corpus()}
    first = [articles[i] for i in ("k-orig", "k-copy", "h-orig", "e-orig")]
    rewrite = [articles["k-rewrite"]]
    same = tmp_path / "same.db"
    _scan(same, first, BagOfWordsVectors())
    _scan(same, rewrite, BagOfWordsVectors())
    links, stats = _links(same)
    assert links == {"k-orig": "original", "k-copy": "verbatim", "k-rewrite": "rewrite"}
    assert stats.cross_encoder == 0 and stats.notice() is None

    mixed = tmp_path / "mixed.db"
    _scan(mixed, first, BagOfWordsVectors())
    _scan(mixed, rewrite, OtherEncoderVectors())
    links, stats = _links(mixed)
    assert links == {"k-orig": "original", "k-copy": "verbatim"}  # the rewrite's vectors are another encoder's
    assert stats.cross_encoder >= 2
    assert "different encoders" in stats.notice()

    # A verbatim copy scanned with the other encoder is still found (identical sentences, MinHash).
    copy = tmp_path / "copy.db"
    _scan(copy, [articles[i] for i in ("k-orig", "h-orig", "e-orig")], BagOfWordsVectors())
    _scan(copy, [articles["k-copy"]], OtherEncoderVectors())
    links, stats = _links(copy)
    assert links == {"k-orig": "original", "k-copy": "verbatim"} and stats.cross_encoder >= 1


def test_the_copies_command_tells_of_pairs_across_encoders(tmp_path, cli) -> None:
    articles = corpus()
    db = tmp_path / "results.db"
    _scan(db, articles[:1], BagOfWordsVectors())
    _scan(db, articles[1:2], OtherEncoderVectors())
    code, out, err = cli("copies", "--db", str(db), "--format", "json")
    assert code == 0 and "different encoders" in err and "scan the store with one encoder" in err


def _pair_at_cosine(cos: float, encoder: str):
    """Two articles with no word in common whose i-th sentences' vectors sit at cosine ``cos``."""
    from detector.article import Article
    from detector.copies.signature import compute
    from detector.mt.context import mt_sentences

    docs = [Document(Article(id=name, text=" ".join(
        f"{w} {name} sentence n{name}{k} stands here for a long enough line." for k, w in enumerate(words))))
        for name, words in (("a", ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]),
                            ("b", ["Zulu", "Yankee", "Xray", "Whiskey", "Victor"]))]
    rng = np.random.default_rng(0)
    base = np.linalg.qr(rng.standard_normal((64, 12)))[0].T  # orthonormal rows
    n = len(mt_sentences(docs[0]))
    assert n == len(mt_sentences(docs[1])) == 5
    va = base[:n]
    vb = cos * base[:n] + np.sqrt(1 - cos**2) * base[n:2 * n]
    return [compute(d, v, encoder) for d, v in zip(docs, (va, vb), strict=True)]


@pytest.mark.parametrize(("cos", "teacher", "student"), [(0.7, True, False), (0.8, True, True), (0.5, False, False)])
def test_the_student_vectors_have_their_own_sentence_threshold(cos, teacher, student) -> None:
    """Sentences at cosine 0.7 pair under the full encoder's threshold (0.6) but not the student's
    (0.75), whose vectors sit closer together; the rewrite link follows."""
    from detector.config import DEFAULTS
    from detector.copies.align import confirm, sentence_threshold

    settings = DEFAULTS["copies"]
    for tag, linked in (("model+bcc818f3cd57", teacher), ("model+student-0123456789ab", student)):
        x, y = _pair_at_cosine(cos, tag)
        assert sentence_threshold(x, y, settings) == (0.75 if "student" in tag else 0.6)
        link = confirm(0, x, 1, y, settings)
        assert (link is not None and link.kind == "rewrite") is linked, (tag, cos, link)


def test_vectors_compare_only_within_one_encoder() -> None:
    """One predicate says whether cosines mean anything (both vectors, one encoder); a pair with a
    side lacking vectors is not counted as crossing encoders (nothing of it was compared)."""
    import dataclasses

    from detector.copies.align import similarity_matrix

    x, y = _pair_at_cosine(0.7, "model+bcc818f3cd57")
    other = dataclasses.replace(y, encoder="model+student-0123456789ab")
    bare = dataclasses.replace(y, vectors=None, encoder=None)
    assert x.comparable(y) and not x.crosses_encoders(y)
    assert not x.comparable(other) and x.crosses_encoders(other) and other.crosses_encoders(x)
    assert not x.comparable(bare) and not x.crosses_encoders(bare)
    assert similarity_matrix(x, y, 64).max() < 1.0  # cosines, no identical sentence
    assert not similarity_matrix(x, other, 64).any()  # across encoders: identical sentences only
