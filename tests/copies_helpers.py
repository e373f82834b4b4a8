"""Small stories for the copy tests, and a sentence vectoriser that stands in for the MT encoder.

The vectoriser maps each word to a fixed random direction after folding a few synonyms, so a
"rewrite" (synonyms swapped, clauses moved) keeps its sentence vectors while losing its 5-grams,
as a machine rewrite does; it is a check like the MT model and hands its vectors on the same way.
"""

from __future__ import annotations

import datetime as dt
import zlib
from pathlib import Path

import numpy as np

from detector.article import Article, Document
from detector.checks.base import Check, Result
from detector.mt.context import mt_sentences
from detector.scanner import Scanner
from detector.store import Store, StoreWriter

SYNONYMS = {"troops": "soldiers", "town": "city", "residents": "locals", "destroyed": "ruined", "said": "stated",
            "officials": "authorities", "attack": "strike", "began": "started", "shelling": "bombardment",
            "people": "civilians", "killed": "dead", "bridge": "crossing"}
RAW = {
    "konotop": [
        "Russian troops surrounded the town of Konotop on Tuesday morning.",
        "The mayor said residents would not surrender to the soldiers.",
        "Officials said 12 people were killed when shelling destroyed the bridge.",
        "Residents blocked the main road with tractors and old buses.",
        "The attack began after a convoy of 40 tanks arrived from Sumy.",
        "Local officials said water and power were cut across the town.",
        "Volunteers in Kharkiv sent food and medicine to the town overnight.",
        "The mayor later said talks with the commanders had broken down.",
    ],
    "harbour": [
        "A cargo ship ran aground near the harbour of Odesa during a storm.",
        "The captain reported that 23 sailors were rescued by the coast guard.",
        "Oil leaked from the hull for several hours before divers sealed it.",
        "Environmental groups warned that the beaches could stay closed for weeks.",
        "The port authority opened an inquiry into the cause of the accident.",
        "Insurers estimated the damage at 5 million dollars on Friday.",
        "Fishermen complained that their nets were ruined by the spill.",
        "The ship is expected to be towed to a repair yard next month.",
    ],
    "election": [
        "Voters in Lviv elected a new city council after a tight race.",
        "Turnout reached 61 percent, the highest since the vote in 2015.",
        "The winning party promised cheaper public transport and new schools.",
        "Opposition leaders accepted the result and congratulated the winners.",
        "Observers from 14 countries said the count was fair and orderly.",
        "The new council will hold its first session on the first of May.",
        "Analysts expect a debate over the budget for road repairs soon.",
        "The outgoing mayor thanked the residents for eleven years of trust.",
    ],
}


def rewrite(sentence: str) -> str:
    """A paraphrase: synonyms swapped, the first clause moved after a comma, no 5-gram kept."""
    words = [SYNONYMS.get(w.lower().strip(".,"), w.strip(".,")) for w in sentence.split()]
    k = max(2, len(words) // 3)
    out = " ".join(words[k:] + [","] + [w.lower() for w in words[:k]]).replace(" ,", ",") + "."
    return out[0].upper() + out[1:]


def text(sentences: list[str]) -> str:
    return "\n\n".join(" ".join(sentences[i:i + 2]) for i in range(0, len(sentences), 2))


def _vector(sentence: str, dim: int = 64) -> np.ndarray:
    v = np.zeros(dim, dtype=np.float32)
    for w in sentence.lower().replace(",", " ").replace(".", " ").split():
        w = SYNONYMS.get(w, w)
        v += np.random.default_rng(zlib.crc32(w.encode())).standard_normal(dim).astype(np.float32)
    return v


class BagOfWordsVectors(Check):
    """Stands in for the MT check's encoder pass: sentence vectors in ``Result.signals``."""

    name = "bag_of_words_vectors"
    rules = ()
    english_only = False

    def check(self, doc: Document) -> Result:
        ss = mt_sentences(doc)
        vectors = np.stack([_vector(s.text) for s in ss]) if ss else np.zeros((0, 64), dtype=np.float32)
        return Result(signals={"sentence_vectors": vectors, "sentence_spans": [(s.start, s.end) for s in ss],
                               "encoder": "bag-of-words"})


def bag_of_words_vectors(docs: list[Document]) -> list[dict]:
    """The stand-in vectoriser as a function of a batch (the Ray path's ``vectors``)."""
    check = BagOfWordsVectors()
    return [check.check(d).signals for d in docs]


def day(n: int) -> dt.date:
    return dt.date(2022, 3, 1) + dt.timedelta(days=n)


def scan_into(db: Path, articles: list[Article], extra: dict[str, list] | None = None) -> None:
    """Scan ``articles`` with the stand-in vectoriser into the store ``db``; ``extra`` adds findings by id."""
    scanner = Scanner(checks=[BagOfWordsVectors()])
    with Store(db) as store:
        writer = StoreWriter(store, store.start_run(command="test"), max_delay=0)
        for report in scanner.scan(articles):
            report.findings += (extra or {}).get(report.article.id, [])
            writer.write(report)
        writer.close()


def corpus() -> list[Article]:
    """Konotop: original, a verbatim copy with furniture, a rewrite; harbour and election: unrelated originals."""
    k, h, e = RAW["konotop"], RAW["harbour"], RAW["election"]
    furniture = ["Share this article", "Subscribe to our newsletter for daily updates from the front."]
    return [
        Article("k-orig", text(k), outlet="wire.example", published=day(0)),
        Article("k-copy", "\n\n".join([furniture[0], text(k), furniture[1]]), outlet="mirror.example", published=day(1)),
        Article("k-rewrite", text([rewrite(s) for s in k]), outlet="farm.example", published=day(2)),
        Article("h-orig", text(h), outlet="port.example", published=day(1)),
        Article("e-orig", text(e), outlet="city.example", published=day(2)),
    ]
