"""A store whose articles were scanned with two encoders (the full MT encoder and the distilled
student, ``checks.mt_model.student``): their sentence vectors are not comparable, so a pair across
encoders is aligned by identical sentences only (a verbatim copy is still found, through MinHash),
a rewrite across them is not, and the user is told so once."""

from __future__ import annotations

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
