"""The report's figures, drawn with matplotlib as inline SVG (one file per page, no JS).

Three pictures where people would rather look than read: outlet scores with their intervals
(a forest plot, so overlapping intervals are visibly "no real difference"), an outlet's load by
category (what drags its score down), and its defect rate by month (is it getting better).
Returns None for every plot when matplotlib is not installed; the tables say the same in numbers.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

PALETTE = {"mt": "#c0392b", "date": "#d35400", "transliteration": "#8e44ad", "language": "#2980b9",
           "grammar": "#16a085", "boilerplate": "#7f8c8d"}


def _plt():
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    plt.rcParams.update({"svg.fonttype": "none", "font.size": 9, "axes.spines.top": False, "axes.spines.right": False,
                         "svg.hashsalt": "detector"})
    return plt


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight", metadata={"Date": None})
    import matplotlib.pyplot as plt

    plt.close(fig)
    text = buf.getvalue()
    return text[text.index("<svg"):]  # drop the XML prolog: the SVG is inlined in HTML


def forest(names: Sequence[str], scores: Sequence[float], lows: Sequence[float], highs: Sequence[float],
           sufficient: Sequence[bool]) -> str | None:
    """Scores with 90% intervals, one row per outlet, best at the top; bands for the tiers."""
    plt = _plt()
    if plt is None or not names:
        return None
    n = len(names)
    fig, ax = plt.subplots(figsize=(7, 0.28 * n + 1.0))
    for lo, hi, color in ((75, 100, "#eafaf1"), (60, 75, "#fef9e7"), (40, 60, "#fdf2e9"), (0, 40, "#fdedec")):
        ax.axvspan(lo, hi, color=color, zorder=0)
    ys = list(range(n))[::-1]
    for y, s, lo, hi, ok in zip(ys, scores, lows, highs, sufficient, strict=True):
        color = "#1f3a5f" if ok else "#9aa5b1"
        ax.plot([lo, hi], [y, y], color=color, lw=2, zorder=2)
        ax.plot([s], [y], "o", color=color, ms=5, zorder=3)
    ax.set_yticks(ys, [str(x)[:28] for x in names])
    ax.set_xlim(0, 100)
    ax.set_xlabel("reliability score (dot) and 90% interval; grey: insufficient evidence")
    return _svg(fig)


def load_breakdown(categories: Sequence[str], contributions: Sequence[float], d0: float) -> str | None:
    """Horizontal bars: each category's share w_k·λ_k of the load D (what costs the score)."""
    plt = _plt()
    if plt is None or not categories:
        return None
    fig, ax = plt.subplots(figsize=(6, 0.35 * len(categories) + 0.9))
    ys = list(range(len(categories)))[::-1]
    ax.barh(ys, contributions, color=[PALETTE.get(c, "#555") for c in categories])
    ax.set_yticks(ys, list(categories))
    ax.set_xlabel(f"weighted defects per 1,000 words (score = 100·exp(−total/{d0:g}))")
    return _svg(fig)


def trend(months: Sequence[str], rates: Sequence[float], articles: Sequence[int]) -> str | None:
    """Counted defects per 1,000 words by publication month, with the article count as bars."""
    plt = _plt()
    if plt is None or len(months) < 2:
        return None
    fig, ax = plt.subplots(figsize=(7, 2.6))
    xs = list(range(len(months)))
    ax2 = ax.twinx()
    ax2.bar(xs, articles, color="#d6dbe0", width=0.6)
    ax2.set_ylabel("articles", color="#7f8c8d")
    ax2.yaxis.get_major_locator().set_params(integer=True)
    ax.set_zorder(ax2.get_zorder() + 1)
    ax.patch.set_visible(False)
    ax.plot(xs, rates, "-o", color="#1f3a5f", ms=4)
    ax.set_ylabel("defects / 1,000 words")
    step = max(1, len(months) // 12)
    ax.set_xticks(xs[::step], list(months)[::step], rotation=45, ha="right")
    ax.set_ylim(bottom=0)
    return _svg(fig)
