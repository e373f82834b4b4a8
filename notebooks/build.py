"""Write the notebooks (without outputs) from the cell sources below.

    python notebooks/build.py                          # write notebooks/*.ipynb (no outputs)
    python notebooks/build.py --execute build/notebooks  # and run them, with outputs, into build/

Notebooks are generated so that their code stays reviewable as plain Python in one file; CI runs
the .ipynb files top to bottom (tests/test_notebooks.py) and `make notebooks` executes them with
outputs into build/notebooks/.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent

QUICKSTART = [
    ("md", """# Quickstart: score an article, read its findings

`detector` reads news articles and flags what machine translation and scraping leave behind.
This notebook scores the three seed articles the project was designed from, lists their
findings, and shows one article with its defects highlighted."""),
    ("code", """import os
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import detector
from detector.io.readers import iter_articles

articles = [a for a in iter_articles(["../seeds/articles.jsonl"])]
reports = list(detector.scan(articles))
for r in reports:
    mt = "n/a" if r.mt_probability is None else f"{r.mt_probability:.2f}"
    print(f"{r.article.id}  score {r.score:5.1f}  mt_probability {mt}  findings {len(r.findings)}")"""),
    ("md", """Each finding has a stable rule id, a category, a severity, exact character offsets into
the text (`text[start:end] == finding.text`), a message and, where one exists, a suggestion."""),
    ("code", """report = reports[2]
text = report.article.text
for f in report.findings:
    assert text[f.start:f.end] == f.text
    print(f"{f.rule:28} {f.severity.value:8} {f.text[:40]!r:44} {f.suggestion or ''}")

rules = {f.rule for f in report.findings}
assert "Date.Future" in rules and "Translit.Garbled" in rules"""),
    ("md", "The same article with its defects highlighted (hover a mark for the message, rule and suggestion):"),
    ("code", """from IPython.display import HTML
from detector.report.highlight import highlight

style = ("<style>mark{background:#ffe08a;padding:0 1px} mark.sev-error{background:#ffb3b3}"
         " mark.sev-info{background:#d7ecff} .tip{display:none}</style>")
HTML(style + "<div style='white-space:pre-wrap;font-family:Georgia,serif;max-width:48em'>"
     + str(highlight(text, report.findings)) + "</div>")"""),
    ("md", "Why a rule fires, as `detector rules ID` prints it:"),
    ("code", """from detector.checks import get_rule

rule = get_rule("Date.Future")
print(rule.id, "-", rule.summary)
print()
print(rule.doc)"""),
    ("md", "Any text can be checked directly; the publication date lets the date rules judge it:"),
    ("code", """r = detector.check("Officials said the talks took place on Thursday, February 30, in Minsk.", published="2022-03-04")
[(f.rule, f.text, f.message) for f in r.findings]"""),
]

OUTLETS = [
    ("md", """# Outlets: store results, score reliability, list defects

Scan a small corpus of nine articles from three outlets into a SQLite store, score each outlet's
reliability (0–100 with a 90% interval, pooled across outlets with empirical Bayes), plot the
scores and defect rates, and list one outlet's defects. The corpus is in `data/sample_corpus.jsonl`."""),
    ("code", """import os, tempfile
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import detector
from detector.io.readers import iter_articles
from detector.store import Store

db = Path(tempfile.mkdtemp()) / "results.db"
store = Store(db)
run = store.start_run(command="notebook")
stored, errors = store.add_reports(detector.scan(iter_articles(["data/sample_corpus.jsonl"])), run)
print(f"stored {stored} articles in {db}; errors: {errors}")
assert stored == 9 and not errors"""),
    ("code", """from detector.config import load_config
from detector.outlets import analyze

settings = load_config().get("outlets")
scores, top_rules, priors = analyze(store, settings)
for s in scores:
    print(f"{s.outlet:18} {s.score:5.1f} [{s.low:5.1f}, {s.high:5.1f}]  {s.tier:26} "
          f"{s.articles} articles, {s.words} words")
by_outlet = {s.outlet: s for s in scores}
assert by_outlet["wire.example"].score > by_outlet["farm-one.example"].score"""),
    ("md", "Scores with their 90% intervals, and the defect rates behind them (per 1,000 words, after shrinkage):"),
    ("code", """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 3.2))
names = [s.outlet for s in scores]
y = np.arange(len(scores))
ax1.errorbar([s.score for s in scores], y,
             xerr=[[s.score - s.low for s in scores], [s.high - s.score for s in scores]], fmt="o", capsize=4)
ax1.set_yticks(y, names); ax1.set_xlim(0, 100); ax1.set_xlabel("reliability score (90% interval)")
ax1.invert_yaxis()
cats = sorted({k for s in scores for k in s.rates})
width = 0.8 / len(cats)
for i, k in enumerate(cats):
    ax2.barh(y + i * width, [s.rates.get(k, 0) for s in scores], height=width, label=k)
ax2.set_yticks(y + 0.4 - width / 2, names); ax2.invert_yaxis()
ax2.set_xlabel("defects per 1,000 words"); ax2.legend(fontsize=7)
fig.tight_layout()
plt.show()"""),
    ("md", "One outlet's defects, with the article each came from (`detector outlets --db PATH OUTLET` prints the same):"),
    ("code", """from detector.outlets import analyze_outlet, defects

analysis = analyze_outlet(store, "farm-one.example", settings)
rows = list(defects(analysis))
for stored_article, f in rows:
    print(f"{stored_article.article.id:8} {f.rule:28} {f.severity.value:8} {f.text[:40]!r}")
assert any(f.rule.startswith("Translit.") for _, f in rows)
store.close()"""),
]

NOTEBOOKS = {"01_quickstart.ipynb": QUICKSTART, "02_outlets.ipynb": OUTLETS}


def build(cells: list[tuple[str, str]]) -> nbformat.NotebookNode:
    nb = new_notebook()
    nb.cells = [new_markdown_cell(src) if kind == "md" else new_code_cell(src) for kind, src in cells]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--execute", type=Path, metavar="DIR", help="also run each notebook and save it with outputs in DIR")
    args = ap.parse_args()
    for name, cells in NOTEBOOKS.items():
        nb = build(cells)
        nbformat.write(nb, HERE / name)
        if args.execute:
            from nbclient import NotebookClient

            NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}).execute()
            args.execute.mkdir(parents=True, exist_ok=True)
            nbformat.write(nb, args.execute / name)


if __name__ == "__main__":
    main()
