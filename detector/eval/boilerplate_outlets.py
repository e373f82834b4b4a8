"""``Boilerplate.Repeated`` on simulated outlets, and what it could veto in the per-article check.

WCXB holds one or two pages per site, so an outlet is simulated: ``OUTLET_SIZE`` bodies of the
split's sites (half of them with injected furniture, as in ``wcxb_injected``) share one site's
template, its real page furniture (the ``without`` snippets of one of the pages: menus, footers,
newsletter lines), each template line kept in an article with probability 0.8 as page layouts vary.
Phase 1 (the boilerplate check) runs on every article, phase 2 (``detector.outlets.repeated_lines``)
on each outlet, and this reports

* how many template lines ``Boilerplate.Repeated`` finds, and how many other lines it flags;
* of the per-article warnings, how many are false (on the host's own lines) and how many of those sit
  on a line seen in no other article of the outlet: the false positives that a veto ("a line seen
  once in its outlet is less likely furniture") could remove, against the true findings it would
  remove with them.
"""

from __future__ import annotations

import random
from collections import Counter
from typing import Any

from detector.article import Article, Document
from detector.boilerplate.data import LabelledDoc, site_of, site_split, wcxb_injected
from detector.datasets import iter_wcxb
from detector.findings import Severity
from detector.outlets import normalize_line, repeated_lines
from detector.store import StoredArticle

OUTLET_SIZE = 8
KEEP = 0.8


def _templates(split: str) -> list[list[str]]:
    """Per page of ``split`` sites, its real furniture lines long enough to be hashed (≥ 20 chars)."""
    out = []
    for r in iter_wcxb():
        if site_split(site_of(r["domain"] or r["url"])) != split:
            continue
        lines = [x.strip() for s in r["ground_truth"].get("without") or [] for x in s.split("\n")]
        lines = [x for x in lines if len(normalize_line(x)) >= 20]
        if len(lines) >= 2:
            out.append(lines[:4])
    return out


def build_outlets(split: str, seed: int) -> list[tuple[list[LabelledDoc], list[list[bool]]]]:
    """Simulated outlets: their articles, and per article which lines are the outlet's template."""
    rng = random.Random(f"outlets:{seed}")
    docs = list(wcxb_injected(split, seed=seed + 2000, clean_share=0.5))
    templates = _templates(split)
    rng.shuffle(docs)
    outlets = []
    for k in range(len(docs) // OUTLET_SIZE):
        template = templates[k % len(templates)]
        members, marks = [], []
        for d in docs[k * OUTLET_SIZE:(k + 1) * OUTLET_SIZE]:
            tail = [x for x in template if rng.random() < KEEP]
            members.append(LabelledDoc(d.id, d.source, d.lines + tail, d.labels + [True] * len(tail),
                                       d.kinds + ["template"] * len(tail), d.blocks, site=d.site, title=d.title))
            marks.append([False] * len(d.lines) + [True] * len(tail))
        outlets.append((members, marks))
    return outlets


def simulate(split: str = "test", seed: int = 0, max_outlets: int | None = None) -> dict[str, Any]:
    """Run phase 1 and phase 2 on the simulated outlets of ``split`` sites; counts as described above."""
    from detector.checks.boilerplate import BoilerplateCheck
    from detector.config import DEFAULTS

    check = BoilerplateCheck()
    check.ensure_setup()
    settings = DEFAULTS["outlets"]["boilerplate"]
    c: Counter[str] = Counter()
    examples: list[str] = []
    outlets = build_outlets(split, seed)[:max_outlets]
    for members, marks in outlets:
        parsed = [Document(Article(id=d.id, text=d.text, title=d.title or None, outlet="sim")) for d in members]
        results = check.check_batch(parsed)
        stored = [StoredArticle(pk=i, article=doc.article, words=0, language="en", score=None, mt_probability=None,
                                metrics={}, annotations={}, scanned_at="") for i, doc in enumerate(parsed)]
        repeated = repeated_lines(stored, settings)
        seen = Counter(h for doc in parsed for h in {normalize_line(ln.text) for ln in doc.lines})
        for i, (d, doc, res, mark) in enumerate(zip(members, parsed, results, marks, strict=True)):
            line_of = {ln.start: j for j, ln in enumerate(doc.lines)}
            c["template_lines"] += sum(mark)
            hit = {line_of[f.start] for f in repeated.get(i, [])}
            c["repeated_on_template"] += sum(mark[j] for j in hit)
            c["repeated_on_other"] += sum(not mark[j] for j in hit)
            for f in res.findings:
                if f.severity.rank < Severity.WARNING.rank:
                    continue
                first, last = f.data["lines"]
                once = all(seen[normalize_line(doc.lines[j].text)] == 1 for j in range(first, last + 1))
                true = any(d.labels[first:last + 1])
                key = "true" if true else "false"
                c[f"warnings_{key}"] += 1
                c[f"warnings_{key}_on_unique_lines"] += once
                if "classifier" in f.data["reason"]:
                    c[f"warnings_{key}_classifier_only"] += 1
                    c[f"warnings_{key}_classifier_only_on_unique_lines"] += once
                if not true and len(examples) < 10:
                    examples.append(f"{f.rule}: {doc.lines[first].text[:80]}")
    out: dict[str, Any] = {"outlets": len(outlets), "articles_per_outlet": OUTLET_SIZE, **dict(sorted(c.items()))}
    out["repeated_recall"] = round(c["repeated_on_template"] / max(c["template_lines"], 1), 4)
    out["vetoable_false_warnings"] = c["warnings_false_on_unique_lines"]
    out["true_warnings_lost_by_veto"] = c["warnings_true_on_unique_lines"]
    out["examples"] = examples
    return out
