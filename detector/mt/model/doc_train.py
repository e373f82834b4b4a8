"""The version-2 document head, trained on every document set in ../shared/data/mt, and its
leave-one-language-out evaluation.

    python -m detector.mt.model.doc_train --out bench/results/mt_document.json          # measure only
    python -m detector.mt.model.doc_train --install                                      # and ship it if it wins

The encoder (LoRA-adapted on WMT22 uk/ru-en) and its sentence head stay as shipped; what is trained
here is cheap, so it can be refitted per fold: the lexical model (train split of every language) and
the stacked regression over sentence votes, window scores and explainable evidence (dev split).
Languages the adapter or sentence head saw (uk, ru) are marked ``seen``: their fold is not a clean
leave-one-language-out. Sentence votes are cached on disk by sentence text (``--cache``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from detector.mt.model.corpus import split_of
from detector.mt.model.document import DocumentHead
from detector.mt.model.lexical import LexicalModel
from detector.mt.model.sources import MT, ORIGINAL, Doc, all_documents

#: The version-2 head's features (see ``document`` and ``evidence``).
FEATURES_V2 = ("sentence_log_odds", "window_max_log_odds", "window_min_log_odds", "lexical_log_odds",
               "mt_rule_findings_per_1000_words", "garbled_names_per_1000_words", "first_person_slips",
               "type_token_ratio", "log_words")
#: Source languages the shipped adapter and sentence head were trained on.
ADAPTER_LANGUAGES = ("uk", "ru")
DEV_GROUPS_PER_LANGUAGE = 30
LEXICAL_MT_PER_GROUP = 1
#: At most this many train documents for the lexical model (a seeded sample; keeps a fold under a minute).
LEXICAL_MAX_DOCS = 4000


def split(d: Doc) -> str:
    return d.split or split_of(d.group)


def language(d: Doc) -> str:
    return "liv" if d.source.endswith("liv-en") else d.language if d.kind != ORIGINAL else "en"


class VoteCache:
    """Sentence log-odds (MT minus human) of the shipped sentence head, by sentence text, on disk."""

    def __init__(self, model, path: Path | None) -> None:
        self.model, self.path = model, path
        self.store: dict[str, float] = json.loads(path.read_text()) if path is not None and path.is_file() else {}

    @staticmethod
    def key(sentence: str) -> str:
        return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:20]

    def votes(self, texts: Sequence[str]) -> list[tuple[np.ndarray, np.ndarray]]:
        from detector.article import Article, Document
        from detector.mt.context import mt_sentences
        from detector.mt.model.model import votes

        sents = [[s.text for s in mt_sentences(Document(Article("v", t))) if votes(s.text)] for t in texts]
        missing = list(dict.fromkeys(s for ss in sents for s in ss if self.key(s) not in self.store))
        if missing:
            print(f"encoding {len(missing)} sentences", file=sys.stderr, flush=True)
            mt = self.model.doc_labels.index("mt")
            for s, (_spans, logp) in zip(missing, self.model.predict_sentences(missing), strict=True):
                self.store[self.key(s)] = round(float(logp[mt] - logp[1 - mt]), 5)
            if self.path is not None:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.path.write_text(json.dumps(self.store))
        return [(np.array([self.store[self.key(s)] for s in ss]), np.array([len(s.split()) for s in ss])) for ss in sents]


def lexical_training(docs: Sequence[Doc], seed: int = 0) -> tuple[list[str], list[bool]]:
    """Train-split documents for the lexical model: per group every human version and up to
    ``LEXICAL_MT_PER_GROUP`` MT versions (the classes are weighted equally anyway)."""
    rng = random.Random(seed)
    groups: dict[str, list[Doc]] = {}
    for d in docs:
        if split(d) == "train":
            groups.setdefault(d.group, []).append(d)
    texts, y = [], []
    for g in sorted(groups):
        mt = [d for d in groups[g] if d.kind == MT]
        for d in [d for d in groups[g] if d.kind != MT] + rng.sample(mt, min(LEXICAL_MT_PER_GROUP, len(mt))):
            texts.append(d.text)
            y.append(d.kind == MT)
    if len(texts) > LEXICAL_MAX_DOCS:
        pick = sorted(rng.sample(range(len(texts)), LEXICAL_MAX_DOCS))
        texts, y = [texts[i] for i in pick], [y[i] for i in pick]
    return texts, y


def dev_documents(docs: Sequence[Doc], seed: int = 0, groups: int = DEV_GROUPS_PER_LANGUAGE) -> list[Doc]:
    """Dev-split documents for the stacked regression: per language up to ``DEV_GROUPS_PER_LANGUAGE``
    groups, each with its human version(s) and two MT versions."""
    from detector.eval.mt_honest import paired

    by_lang: dict[str, list[Doc]] = {}
    for d in docs:
        if split(d) == "dev":
            by_lang.setdefault(language(d), []).append(d)
    return [d for lang in sorted(by_lang) for d in paired(by_lang[lang], per_group_mt=2, limit=groups, seed=seed)]


def fit_head(docs: Sequence[Doc], dev: Sequence[Doc], cache: VoteCache, exclude: str | None = None) -> DocumentHead:
    """Lexical model on train documents, the regression on dev documents, both without ``exclude``."""
    keep = [d for d in docs if exclude is None or language(d) != exclude]
    texts, y = lexical_training(keep)
    lexical = LexicalModel.fit(texts, y)
    dev_keep = [d for d in dev if exclude is None or language(d) != exclude]
    return DocumentHead.fit(lexical, cache.votes([d.text for d in dev_keep]), [d.text for d in dev_keep],
                            [d.is_mt for d in dev_keep], FEATURES_V2)


def scorer(head: DocumentHead, cache: VoteCache):
    def score(texts: Sequence[str]) -> list[float]:
        return [float(p) for p in head.probabilities(cache.votes(list(texts)), list(texts))]
    return score


def run(cache_path: Path | None, per_language: int, folds: bool = True,
        dev_groups: int = DEV_GROUPS_PER_LANGUAGE, htmt_limit: int | None = None) -> tuple[dict, DocumentHead]:
    from detector.eval.mt_honest import evaluate, language_sets
    from detector.mt.model.model import SHIPPED_DIR, MTModel

    shipped = MTModel.load(SHIPPED_DIR)
    cache = VoteCache(shipped, cache_path)
    docs = all_documents()
    dev = dev_documents(docs, groups=dev_groups)
    t0 = time.perf_counter()
    head = fit_head(docs, dev, cache)
    fit_seconds = time.perf_counter() - t0
    baseline = evaluate(scorer(shipped.document, cache), ADAPTER_LANGUAGES, limit=per_language, htmt_limit=htmt_limit)
    v2 = evaluate(scorer(head, cache), ADAPTER_LANGUAGES, limit=per_language, htmt_limit=htmt_limit)
    result = {"features": list(FEATURES_V2), "head": head.describe(), "fit_seconds": round(fit_seconds, 1),
              "dev_documents": len(dev), "baseline_shipped": baseline, "v2_all_languages": v2}
    if folds:
        lolo = {}
        sets = language_sets(limit=per_language)
        for lang, test_docs in sets.items():
            print(f"fold without {lang}", file=sys.stderr, flush=True)
            fold = fit_head(docs, dev, cache, exclude=lang)
            from detector.eval.mt_honest import scores_of

            r = scores_of(test_docs, scorer(fold, cache)([d.text for d in test_docs]))
            r["adapter_saw_language"] = lang in ADAPTER_LANGUAGES
            lolo[lang] = r
        result["v2_leave_one_language_out"] = lolo
    return result, head


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "detector" / "mt-votes.json")
    ap.add_argument("--per-language", type=int, default=50)
    ap.add_argument("--no-folds", action="store_true")
    ap.add_argument("--htmt-limit", type=int, default=None, help="HT-vs-MT test documents (a seeded sample)")
    ap.add_argument("--dev-groups", type=int, default=DEV_GROUPS_PER_LANGUAGE, help="dev groups per language")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--install", action="store_true", help="write the head into models/mt")
    args = ap.parse_args(argv)
    import torch

    torch.set_num_threads(2)
    result, head = run(args.cache, args.per_language, not args.no_folds, args.dev_groups, args.htmt_limit)
    for name in ("baseline_shipped", "v2_all_languages"):
        from detector.eval.mt_honest import print_summary

        print_summary(result[name], name)
    for lang, r in result.get("v2_leave_one_language_out", {}).items():
        print(f"  LOLO {lang:<5}{r['documents']:>5} docs  AUC {r.get('auc', float('nan')):.3f} {r.get('auc_ci95')}  acc {r['accuracy']:.3f}"
              f"{'  (adapter saw it)' if r['adapter_saw_language'] else ''}")
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    if args.install:
        from detector.mt.model.model import SHIPPED_DIR

        tmp = SHIPPED_DIR / ".document-v2"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        head.save(tmp)
        for name in ("document.npz", "lexical.npz"):
            shutil.move(str(tmp / name), SHIPPED_DIR / name)
        tmp.rmdir()
        meta_path = SHIPPED_DIR / "meta.json"
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        meta["document_head"] = head.describe()
        meta["document_head"]["trained_on"] = "every document set in shared/data/mt (train split: lexical; dev split: regression)"
        meta["document_head"]["fit_seconds"] = result["fit_seconds"]
        meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
