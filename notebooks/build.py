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

RETRAINING = [
    ("md", """# Retraining: teach the MT model a content farm's artefacts

The shipped MT model (MiniLM encoder with a LoRA adapter + small heads, `models/mt`) was trained on professional
error annotations of English MT output. A newsroom that meets a new pattern can label a handful of
its own examples and continue training the heads in under a minute on a laptop CPU.

This notebook labels a few sentences in the style of the seed articles, trains, and compares the
model before and after on sentences it has not seen. Eight test sentences are an illustration, not
a measurement: for real numbers, label a dev set of a few hundred sentences. The same steps on the
command line:

```sh
detector train --train train.jsonl --dev dev.jsonl --output runs/farm --base models/mt
detector evaluate --model runs/farm test.jsonl
detector check articles/ --model runs/farm
```"""),
    ("md", """**Label a handful of examples.** A labeled example is a text, the character spans that are
machine-translation errors, and optionally a document label (`mt` or `human`) and the language a
translation was made from (`source_language`: stored with the data for per-language evaluation;
no model reads it yet). `label()` finds each marked substring, so offsets are exact; clean sentences
get no spans. Typography (curly or straight quotes, dashes, `…`) makes no difference: the model
normalises it before it reads a text."""),
    ("code", """import os, tempfile
from pathlib import Path
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from detector.ml.labeled import Example, LabeledSpan, read_jsonl, write_jsonl


def label(text: str, *errors: str) -> Example:
    spans = [LabeledSpan(text.index(e), text.index(e) + len(e), "error") for e in errors]
    return Example(text, spans, "mt" if errors else "human", source_language="uk" if errors else None)


TRAIN = [
    label("Residents gathered near the bridge, Throw stones at the trucks that tried to cross.", "Throw"),
    label("The convoy stopped at the checkpoint. As reported Another video, soldiers fired into the air.", "As reported Another"),
    label("In the center of the village.. It blocked the road for two hours.", ".."),
    label("Shelling continued on Friday, February 25 Faced with the advance, families left for the west.", "25 Faced"),
    label("The tanks drove past the school, so I didn't know if the town was taken.", "I didn't know"),
    label("Volunteers brought food to the station, At the entrance of the hall they set up tables.", "At"),
    label("The governor said the lights were back on.. Repairs continued all night.", ".."),
    label("Locals filmed the column on Sunday, February 27 Moving north, it reached the river by noon.", "27 Moving"),
    label("Protesters waved flags in front of the council, Sing the anthem as the trucks passed.", "Sing"),
    label("We were told the road was mined, so I stayed home, a witness in the district said.", "I stayed home"),
    label("The regional council met on Monday to discuss school reopening plans."),
    label("Firefighters put out the blaze at the warehouse within three hours, officials said."),
    label("About 2,000 people attended the rally outside the city hall on Saturday."),
    label("The ministry said it would publish the full list of damaged buildings next week."),
    label("Trains to the capital were delayed by up to four hours because of power cuts."),
    label("The mayor told reporters that water supplies had been restored in most districts."),
]
DEV = [  # picks the best epoch and the span thresholds
    label("Crowds stood on the square, Shout at the soldiers to go home.", "Shout"),
    label("The bridge was damaged.. Traffic moved to the old road.", ".."),
    label("Police reported on Thursday, March 3 Meeting with residents, the commander promised calm.", "3 Meeting"),
    label("The helicopters flew low over the fields, so I thought it was an attack.", "I thought"),
    label("Schools in the region will stay closed until the end of the month."),
    label("The hospital received 40 wounded people overnight, its director said."),
]
TEST = [  # never seen in training: the before/after comparison
    label("Farmers parked tractors across the road, Stop the armoured vehicles from entering.", "Stop"),
    label("Shops closed early in the market.. Prices for bread doubled.", ".."),
    label("Videos posted on Wednesday, March 2 Showing the convoy were verified by reporters.", "2 Showing"),
    label("The sirens sounded again after midnight, so I went down to the basement.", "I went down"),
    label("The city council approved a new budget for road repairs on Tuesday."),
    label("Rescue teams searched the rubble for survivors throughout the day."),
    label("Officials said the evacuation trains would run twice a day from the main station."),
    label("The company said exports of grain had fallen by a third since February."),
]

work = Path(tempfile.mkdtemp())
for name, rows in {"train": TRAIN, "dev": DEV, "test": TEST}.items():
    write_jsonl(rows, work / f"{name}.jsonl")
print((work / "train.jsonl").read_text().splitlines()[0])
assert [e.text for e in read_jsonl(work / "test.jsonl")] == [e.text for e in TEST]"""),
    ("md", "**Before.** The shipped model on the test sentences:"),
    ("code", """from detector.mt.model.metrics import format_table
from detector.mt.model.model import SHIPPED_DIR, MTModel
from detector.mt.model.train import TrainConfig, evaluate, train

before_model = MTModel.load(SHIPPED_DIR)
before = evaluate(before_model, TEST)
print(format_table(before["spans"], before["docs"]))"""),
    ("md", """**Train.** Continue from the shipped heads (`--base models/mt`; the encoder, with the shipped
adapter, stays frozen, so only ~0.3 M parameters move). Each epoch is scored on DEV; `model-best/` and `model-last/` are
saved with a meta.json recording data hashes, metrics and the seed."""),
    ("code", """log = []
after_model = train(TRAIN, DEV, work / "run", base=str(SHIPPED_DIR),
                    config=TrainConfig(epochs=20, lr=3e-3, seed=0), progress=False, log=log.append)
print(log[0])
print(log[-1])
print(sorted(p.name for p in (work / "run").iterdir()))"""),
    ("md", "**After.** The retrained model on the same unseen test sentences:"),
    ("code", """after = evaluate(after_model, TEST)
print(format_table(after["spans"], after["docs"]))"""),
    ("code", """import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt

metrics = {"span P": ("spans", "error", "precision"), "span R": ("spans", "error", "recall"),
           "span F1": ("spans", "error", "f1")}
values = {name: [m[a][b][c] for m in (before, after)] for name, (a, b, c) in metrics.items()}
values["document AUC"] = [before["docs"]["auc"], after["docs"]["auc"]]
fig, ax = plt.subplots(figsize=(7, 2.8))
xs = range(len(values))
ax.bar([x - 0.2 for x in xs], [v[0] for v in values.values()], width=0.4, label="shipped")
ax.bar([x + 0.2 for x in xs], [v[1] for v in values.values()], width=0.4, label="retrained")
ax.set_xticks(list(xs), list(values)); ax.set_ylim(0, 1); ax.legend(); ax.set_title("8 unseen test sentences")
fig.tight_layout()
plt.show()
assert after["docs"]["auc"] > before["docs"]["auc"]
assert after["spans"]["error"]["f1"] >= before["spans"]["error"]["f1"]"""),
    ("md", """What each model marks in the test sentences (spans are widened to whole words), and its
probability that the sentence is machine-translated:"""),
    ("code", """for ex, b, a in zip(TEST, before_model.predict([e.text for e in TEST]), after_model.predict([e.text for e in TEST])):
    gold = [ex.text[s.start:s.end] for s in ex.spans]
    print(f"{ex.text[:60]:62} gold {gold}")
    print(f"{'':62} before {[ex.text[s.start:s.end] for s in b.spans]} p(mt)={b.doc_probs['mt']:.2f}"
          f"  after {[ex.text[s.start:s.end] for s in a.spans]} p(mt)={a.doc_probs['mt']:.2f}")"""),
    ("md", """**Use it.** `detector check --model DIR` (or `[tool.detector.checks.mt_model] model = "DIR"`)
puts the retrained model behind `mt_probability` and the `MT.ModelSpan` findings:"""),
    ("code", """from detector.article import Article
from detector.config import load_config
from detector.scanner import Scanner

scanner = Scanner(load_config().with_overrides({"checks.mt_model.model": str(work / "run")}))
text = "Men blocked the street with cars, Push the tanks back toward the bridge.. Nobody was hurt."
report = scanner.check_articles([Article("example", text)])[0]
print("mt_probability", round(report.mt_probability, 2))
for f in report.findings:
    print(f.rule, f.severity.value, repr(f.text))"""),
    ("md", """To have reviewers correct the model's output and feed it back, export predictions as
Label Studio tasks (`detector convert texts.jsonl tasks.json --to labelstudio --model runs/farm`),
review, export, and import the reviewed file (`detector convert export.json train.jsonl`); the
format and the loop are described in `models/mt/README.md`."""),
]

NOTEBOOKS = {"01_quickstart.ipynb": QUICKSTART, "02_outlets.ipynb": OUTLETS, "03_retraining.ipynb": RETRAINING}


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
