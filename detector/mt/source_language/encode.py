"""Encode the sentence states of more MT outputs into the training cache, in an order that can stop.

``python -m detector.mt.source_language.encode --systems 8 --until 04:00`` encodes, rank by rank (the
second drawn system of every document before any third, ``corpus.documents``' seeded order), the
voting sentences the cache lacks; shards of ``--chunk`` sentences are saved as they finish, so
stopping (``--until``, a UTC time, or a kill) loses at most one chunk. The weakest languages go first
within a rank. Dev and test documents get ``--eval-systems`` outputs (their measured set stays fixed);
train documents up to ``--systems``. Run it with one thread (``OMP_NUM_THREADS=1``) and ``nice``.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from detector.mt.model.sources import HT, Doc
from detector.mt.source_language import corpus
from detector.mt.source_language.embed import VectorCache, _key, encoder_stamp, load_mt_model, voting_sentences

#: Within one rank: languages weakest on dev windows first (they gain most from more outputs).
PRIORITY = ("is", "cs", "ru", "de", "zh", "uk", "ja", "ha")


def ranked(docs: Sequence[Doc]) -> list[tuple[int, Doc]]:
    """(rank, doc): 0 for references, i for the i-th drawn system of its group."""
    seen: dict[str, int] = {}
    out = []
    for d in docs:
        if d.kind == HT:
            out.append((0, d))
        else:
            seen[d.group] = seen.get(d.group, 0) + 1
            out.append((seen[d.group], d))
    return out


def plan(docs: Sequence[Doc]) -> list[str]:
    """Sentences of ``docs`` in encoding order: by rank, then by ``PRIORITY``."""
    order = {lang: i for i, lang in enumerate(PRIORITY)}
    todo = [(r, order.get(d.language, len(order)), i, d) for i, (r, d) in enumerate(ranked(docs))]
    todo.sort(key=lambda t: t[:3])
    return list(dict.fromkeys(s for *_, d in todo for s in voting_sentences(d.text)))


def main(argv: list[str] | None = None) -> None:
    from detector.mt.source_language.train import DEFAULT_CACHE

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    ap.add_argument("--systems", type=int, default=8, help="MT outputs per train document")
    ap.add_argument("--eval-systems", type=int, default=3, help="MT outputs per dev/test document")
    ap.add_argument("--chunk", type=int, default=1024)
    ap.add_argument("--until", default=None, help="UTC HH:MM after which no new chunk starts")
    ap.add_argument("--student", action="store_true", help="the states of the distilled student encoder (models/mt/student)")
    args = ap.parse_args(argv)
    store = VectorCache(args.cache, encoder_stamp(student=args.student))
    wanted = plan(corpus.original_english() + corpus.documents(args.systems, eval_systems=args.eval_systems))
    missing = [s for s in wanted if _key(s) not in store.rows]
    print(f"{len(wanted)} wanted, {len(missing)} missing", flush=True)
    stop = None
    if args.until:
        hh, mm = map(int, args.until.split(":"))
        now = dt.datetime.now(dt.UTC)
        stop = now.replace(hour=hh, minute=mm, second=0, microsecond=0)
    model = load_mt_model(student=args.student)
    for c in range(0, len(missing), args.chunk):
        if stop is not None and dt.datetime.now(dt.UTC) >= stop:
            print(f"stopped at {c}/{len(missing)} (--until {args.until})", flush=True)
            return
        store.vectors(model, missing[c:c + args.chunk], chunk=args.chunk, progress=False)
        print(f"{dt.datetime.now(dt.UTC):%H:%M:%S} encoded {min(c + args.chunk, len(missing))}/{len(missing)}", flush=True)
    print("done", flush=True)


if __name__ == "__main__":
    main()
