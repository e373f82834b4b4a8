"""Does adapting the encoder on windows of many languages help on languages it never saw? (issue 15)

The v2 heads sit on a fixed encoder (MiniLM + the shipped LoRA adapter, trained on uk/ru-en
sentences) and gain too little on unseen source languages. This is the decisive experiment: a LoRA
adapter continued from the shipped one with a window-level MT-vs-human objective (consecutive
voting sentences, up to ~256 tokens, typography normalised), against the fixed shipped encoder
with the same head on exactly the same documents.

    python bench/mt_adapt.py lolo   # adapt on uk/ru/cs/de/zh WMT windows, test on ha/is/ja/liv -> bench/results/mt_adapt_lolo.json
    python bench/mt_adapt.py lolo --swap --from-base   # adapt on ha/is/ja/liv, test on uk/ru/cs/de/zh -> ..._lolo_swap.json
    python bench/mt_adapt.py htmt   # adapt on HT-vs-MT train, select on its dev, test on its test -> bench/results/mt_adapt_htmt.json

Both encoders get the same head: a logistic regression on the window's mean-pooled state, fitted
(L2 strength by grouped cross-validation) on dev windows of the training languages; a document's
probability is the sigmoid of its windows' mean log-odds. The adapted encoder's own linear head
(trained with it, on train windows) is reported beside it. The epoch is selected on dev document
AUC of that own head. Test documents are read only to report. Intervals: bootstrap over source
documents (all versions of one document resampled together, ``auc_interval``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector.mt.model.doc_train import language, split  # noqa: E402
from detector.mt.model.sources import HT, MT, ORIGINAL, Doc  # noqa: E402

#: Words per window (about 220 WordPiece tokens of news English; the encoder truncates at 256).
WINDOW_WORDS = 170
MAX_TOKENS = 256
BATCH = 16
LOLO_TRAIN = ("uk", "ru", "cs", "de", "zh")
LOLO_TEST = ("ha", "is", "ja", "liv")
#: ``--swap``: the other way round. uk/ru are then test languages, which the shipped adapter saw,
#: so the swapped fold starts from the bare MiniLM (``--from-base``).
SHIPPED = REPO / "models" / "mt"
RESULTS = REPO / "bench" / "results"


def doc_windows(text: str, limit: int) -> list[str]:
    """The first ``limit`` windows of a document's voting sentences, as the model would read them."""
    from detector.mt.model.sentence_cache import voting_sentences
    from detector.mt.model.window import windows
    from detector.mt.typography import normalize

    sents = voting_sentences(normalize(text))
    spans = windows([len(s.split()) for s in sents], WINDOW_WORDS)[:limit]
    return [" ".join(sents[a:b]) for a, b in spans]


def pairs(docs: Sequence[Doc], groups_cap: int | None, seed: int) -> list[Doc]:
    """Per source document its first human version and one MT version at random; ``groups_cap``
    documents per language drawn at random (seeded)."""
    rng = random.Random(seed)
    by_group: dict[str, list[Doc]] = {}
    for d in docs:
        by_group.setdefault(d.group, []).append(d)
    by_lang: dict[str, list[str]] = {}
    for g in sorted(by_group):
        by_lang.setdefault(language(by_group[g][0]), []).append(g)
    out: list[Doc] = []
    for _lang, names in sorted(by_lang.items()):
        if groups_cap is not None and len(names) > groups_cap:
            names = sorted(rng.sample(names, groups_cap))
        for g in names:
            human = [d for d in by_group[g] if d.kind in (HT, ORIGINAL)]
            mt = [d for d in by_group[g] if d.kind == MT]
            if human and mt:
                out += [human[0], rng.choice(mt)]
    return out


class Embedder:
    """Mean-pooled last-layer states of windows, cached on disk per encoder (``tag``)."""

    def __init__(self, tokenize: Callable, model, tag: str, cache: Path) -> None:
        self.tokenize, self.model, self.tag = tokenize, model, tag
        self.path = cache / f"windows-{tag}.npz"
        self.store: dict[str, np.ndarray] = {}
        if self.path.is_file():
            with np.load(self.path, allow_pickle=False) as z:
                self.store = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()[:20]

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        import torch

        missing = sorted({t for t in texts if self.key(t) not in self.store}, key=len)
        t0 = time.perf_counter()
        for b in range(0, len(missing), BATCH):
            chunk = missing[b:b + BATCH]
            enc = self.tokenize(chunk)
            with torch.inference_mode():
                states = self.model(input_ids=enc["input_ids"], attention_mask=enc["attention_mask"]).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).float()
            vecs = ((states * m).sum(1) / m.sum(1).clamp(min=1.0)).float().numpy()
            for t, v in zip(chunk, vecs, strict=True):
                self.store[self.key(t)] = v.astype(np.float32)
        if missing:
            print(f"[{self.tag}] embedded {len(missing)} windows in {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
            self.save()
        return np.stack([self.store[self.key(t)] for t in texts]) if texts else np.zeros((0, 384), np.float32)

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.store)
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, keys=np.array(keys), vecs=np.stack([self.store[k] for k in keys]))
        tmp.replace(self.path)


def flat(docs: Sequence[Doc], per_doc: int) -> tuple[list[str], list[int]]:
    """Windows of ``docs`` and the index of the document each came from."""
    texts, owner = [], []
    for i, d in enumerate(docs):
        for w in doc_windows(d.text, per_doc):
            texts.append(w)
            owner.append(i)
    return texts, owner


def doc_probs(window_logodds: np.ndarray, owner: Sequence[int], n: int) -> list[float]:
    """sigmoid(mean window log-odds) per document (0.5 for a document without a window)."""
    total, count = np.zeros(n), np.zeros(n)
    np.add.at(total, np.asarray(owner, dtype=np.int64), window_logodds)
    np.add.at(count, np.asarray(owner, dtype=np.int64), 1)
    mean = np.divide(total, count, out=np.zeros(n), where=count > 0)
    return (1 / (1 + np.exp(-mean))).tolist()


class DevHead:
    """Standardised logistic regression on dev windows, L2 strength by 5-fold grouped CV (dev only)."""

    GRID = (0.003, 0.03, 0.3)

    def __init__(self, x: np.ndarray, y: np.ndarray, groups: Sequence[str]) -> None:
        from sklearn.linear_model import LogisticRegression
        from sklearn.metrics import roc_auc_score
        from sklearn.model_selection import GroupKFold

        self.mean, self.std = x.mean(0), np.maximum(x.std(0), 1e-6)
        z = (x - self.mean) / self.std
        cv = {}
        for c in self.GRID:
            pred = np.zeros(len(y))
            for tr, te in GroupKFold(5).split(z, y, groups):
                pred[te] = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(z[tr], y[tr]).decision_function(z[te])
            cv[c] = float(roc_auc_score(y, pred))
        self.c = max(self.GRID, key=lambda c: cv[c])
        self.cv_auc = {str(c): round(a, 4) for c, a in cv.items()}
        self.lr = LogisticRegression(C=self.c, class_weight="balanced", max_iter=3000).fit(z, y)

    def logodds(self, x: np.ndarray) -> np.ndarray:
        return self.lr.decision_function((x - self.mean) / self.std)


def score_sets(embed: Embedder, head: DevHead, sets: dict[str, list[Doc]], per_doc: int,
               own_head=None) -> dict[str, dict]:
    """``scores_of`` per named document set, with the dev head (and the adapter's own head)."""
    import torch

    from detector.eval.mt_honest import scores_of

    out = {}
    for name, docs in sets.items():
        texts, owner = flat(docs, per_doc)
        x = embed(texts)
        r = {"windows": len(texts), "dev_head": scores_of(docs, doc_probs(head.logodds(x), owner, len(docs)))}
        if own_head is not None:
            with torch.no_grad():
                lp = torch.log_softmax(own_head(torch.from_numpy(x)), -1).numpy()
            r["own_head"] = scores_of(docs, doc_probs(lp[:, 1] - lp[:, 0], owner, len(docs)))
        out[name] = r
    return out


def dev_data(embed: Embedder, dev: Sequence[Doc], per_doc: int) -> tuple[np.ndarray, np.ndarray, list[str]]:
    texts, owner = flat(dev, per_doc)
    return embed(texts), np.array([dev[i].is_mt for i in owner]), [dev[i].group for i in owner]


def fixed_embedder(cache: Path, from_base: bool):
    """The fixed encoder, reading 256 tokens: as shipped (MiniLM with models/mt/adapter merged), or
    the bare MiniLM (``from_base``: for folds whose test languages the shipped adapter saw)."""
    from detector.ml.encoder import adapter_hash, load_encoder

    if from_base:
        enc = replace(load_encoder("auto", runtime="torch"), max_length=MAX_TOKENS)
        return Embedder(enc.tokenize, enc.model, "minilm", cache), enc
    enc = replace(load_encoder("auto", adapter=SHIPPED / "adapter", runtime="torch"), max_length=MAX_TOKENS)
    return Embedder(enc.tokenize, enc.model, f"shipped-{adapter_hash(SHIPPED / 'adapter')}", cache), enc


def experiment(name: str, train: list[Doc], dev: list[Doc], test_sets: dict[str, list[Doc]], args) -> dict:
    """Baseline (fixed shipped encoder) and adapted encoder, same head, same documents."""
    import torch

    from detector.ml.encoder import adapter_hash, load_encoder
    from detector.ml.encoder_adapter import AdaptConfig, tidy_saved, train_adapter

    t0 = time.perf_counter()
    cache = args.cache / name  # one folder per experiment: two runs at once never overwrite each other's cache
    base, enc = fixed_embedder(cache, args.from_base)
    xd, yd, gd = dev_data(base, dev, args.dev_windows)
    base_head = DevHead(xd, yd, gd)
    result: dict = {"experiment": name, "window_words": WINDOW_WORDS, "max_tokens": MAX_TOKENS,
                    "train_documents": len(train), "dev_documents": len(dev),
                    "test_documents": {k: len(v) for k, v in test_sets.items()},
                    "baseline": {"encoder": "MiniLM, no adapter (fixed)" if args.from_base else
                                 "shipped (MiniLM + models/mt/adapter, fixed)", "dev_head_c": base_head.c,
                                 "dev_head_cv_auc": base_head.cv_auc,
                                 "test": score_sets(base, base_head, test_sets, args.test_windows)}}
    result["baseline"]["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps({"baseline": {k: v["dev_head"].get("auc") for k, v in result["baseline"]["test"].items()}}), file=sys.stderr, flush=True)

    texts, owner = flat(train, args.train_windows)
    labels = [int(train[i].is_mt) for i in owner]
    out_dir = cache / f"adapter-{len(texts)}w-lr{args.lr:g}"
    epochs: dict[int, dict] = {}
    dev_texts, dev_owner = flat(dev, args.dev_windows)

    def on_epoch(epoch: int, model, head) -> None:
        folder = out_dir / f"epoch-{epoch}"
        model.save_pretrained(str(folder), save_embedding_layers=False)
        tidy_saved(folder, "auto")
        torch.save(head.state_dict(), folder / "head.pt")
        emb = Embedder(enc.tokenize, model, f"{name}-{adapter_hash(folder)}", cache)  # the tag the selected epoch is read with
        lp = torch.log_softmax(head(torch.from_numpy(emb(dev_texts))), -1).numpy()
        from detector.eval.mt_honest import scores_of

        r = scores_of(dev, doc_probs(lp[:, 1] - lp[:, 0], dev_owner, len(dev)))
        epochs[epoch] = {"dev_own_head_auc": r.get("auc"), "dev_own_head_accuracy": r["accuracy"], "folder": str(folder)}
        print(f"epoch {epoch}: dev own-head document AUC {r.get('auc')}", file=sys.stderr, flush=True)

    t1 = time.perf_counter()
    cfg = AdaptConfig(epochs=args.epochs, lr=args.lr, batch_size=8, seed=0)
    train_adapter(enc, texts, labels, 2, out_dir / "last", cfg, previous=None if args.from_base else SHIPPED / "adapter",
                  progress=False, log=lambda s: print(s, file=sys.stderr), on_epoch=on_epoch)
    adapt_seconds = time.perf_counter() - t1
    best = max(epochs, key=lambda e: (epochs[e]["dev_own_head_auc"] or 0.0, -e))
    folder = Path(epochs[best]["folder"])
    adapted = replace(load_encoder("auto", adapter=folder, runtime="torch"), max_length=MAX_TOKENS)
    emb = Embedder(adapted.tokenize, adapted.model, f"{name}-{adapter_hash(folder)}", cache)
    own = torch.nn.Linear(384, 2)
    own.load_state_dict(torch.load(folder / "head.pt", weights_only=True))
    xd, yd, gd = dev_data(emb, dev, args.dev_windows)
    head = DevHead(xd, yd, gd)
    result["adapted"] = {"encoder": ("a new LoRA adapter (rank 16) on MiniLM" if args.from_base else
                                     "the shipped adapter continued") + " on train windows",
                         "train_windows": len(texts), "epochs": epochs, "selected_epoch": best,
                         "selected_on": "dev document AUC of the adapter's own head",
                         "adapt_seconds": round(adapt_seconds, 1), "config": vars(cfg),
                         "dev_head_c": head.c, "dev_head_cv_auc": head.cv_auc,
                         "test": score_sets(emb, head, test_sets, args.test_windows, own_head=own)}
    result["seconds"] = round(time.perf_counter() - t0, 1)
    return result


def lolo_sets(args) -> tuple[list[Doc], list[Doc], dict[str, list[Doc]]]:
    """Train/dev: WMT documents of ``LOLO_TRAIN`` (train and dev splits); test: every split of the
    held-out ``LOLO_TEST`` languages (seen by neither encoder), per language, and the sampled
    documents that lie in the test split (the split the earlier leave-one-language-out numbers
    used; a different sample of it). ``--swap``: the other way."""
    from detector.mt.model.sources import txt_docs, xml_docs

    wmt = xml_docs() + txt_docs()
    seen, unseen = (LOLO_TEST, LOLO_TRAIN) if args.swap else (LOLO_TRAIN, LOLO_TEST)
    train = pairs([d for d in wmt if language(d) in seen and split(d) == "train"], args.train_groups, 0)
    dev = pairs([d for d in wmt if language(d) in seen and split(d) == "dev"], args.dev_groups, 0)
    held = pairs([d for d in wmt if language(d) in unseen], args.test_groups, 1)
    sets = {lang: [d for d in held if language(d) == lang] for lang in unseen}
    sets["all_held_out"] = held
    sets["held_out_test_split"] = [d for d in held if split(d) == "test"]
    return train, dev, sets


def htmt_sets(args) -> tuple[list[Doc], list[Doc], dict[str, list[Doc]]]:
    """HT-vs-MT's own split: human translations vs DeepL/Google output of the German originals."""
    from detector.eval.mt_honest import htmt_test
    from detector.mt.model.sources import ht_vs_mt_docs

    docs = [d for d in ht_vs_mt_docs() if d.kind in (HT, MT) and "roundtrip" not in d.system]
    train = pairs([d for d in docs if d.split == "train"], args.train_groups, 0)
    dev = [d for d in docs if d.split == "dev"]  # every version: ht, deepl, google
    sets = htmt_test()
    sets["both_engines"] = sorted({id(d): d for ds in sets.values() for d in ds}.values(), key=lambda d: (d.group, d.system))
    return train, dev, sets


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("experiment", choices=("lolo", "htmt"))
    ap.add_argument("--cache", type=Path, default=Path.home() / ".cache" / "detector" / "mt-adapt")
    ap.add_argument("--train-groups", type=int, default=100, help="train source documents per language")
    ap.add_argument("--dev-groups", type=int, default=30, help="dev source documents per language (lolo)")
    ap.add_argument("--test-groups", type=int, default=60, help="held-out source documents per language (lolo)")
    ap.add_argument("--train-windows", type=int, default=1, help="windows per train document")
    ap.add_argument("--dev-windows", type=int, default=2)
    ap.add_argument("--test-windows", type=int, default=2)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--lr", type=float, default=3e-4)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--swap", action="store_true", help="lolo: adapt on ha/is/ja/liv, test on uk/ru/cs/de/zh")
    ap.add_argument("--from-base", action="store_true", help="start from the bare MiniLM, not the shipped adapter")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--force", action="store_true", help="overwrite an existing result file")
    args = ap.parse_args(argv)
    if args.swap and not args.from_base:
        ap.error("--swap tests on uk/ru, which the shipped adapter saw: add --from-base")
    out = args.out or RESULTS / f"mt_adapt_{args.experiment}{'_swap' if args.swap else ''}.json"
    if out.exists() and not args.force:
        print(f"error: {out} exists (pass --force to overwrite it)", file=sys.stderr)
        return 2
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    train, dev, sets = (lolo_sets if args.experiment == "lolo" else htmt_sets)(args)
    result = experiment(args.experiment + ("-swap" if args.swap else "") + ("-base" if args.from_base else ""), train, dev, sets, args)
    result["command"] = "python bench/mt_adapt.py " + " ".join(argv if argv is not None else sys.argv[1:])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    for part in ("baseline", "adapted"):
        for k, r in result[part]["test"].items():
            own = r.get("own_head", {})
            print(f"{part:<9}{k:<20}{r['dev_head']['documents']:>5} docs  AUC {r['dev_head'].get('auc')} "
                  f"{r['dev_head'].get('auc_ci95')}  acc {r['dev_head']['accuracy']}"
                  + (f"   own head AUC {own.get('auc')} acc {own.get('accuracy')}" if own else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
