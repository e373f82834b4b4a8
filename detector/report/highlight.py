"""Article text as HTML with every finding's span marked, overlaps included, offsets exact.

The text is cut at every finding boundary; each piece is wrapped in one ``<mark>`` per finding
covering it (nested, so two overlapping defects both show). Hovering shows a CSS tooltip and the
native ``title`` with message, rule and suggestion (also on keyboard focus).
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup

from detector.findings import Finding
from detector.scoring import NOTE_RULES


def tooltip(f: Finding) -> str:
    parts = [f"{f.rule} ({f.severity.value}): {f.message}"]
    if f.suggestion:
        parts.append(f"Suggestion: {f.suggestion}")
    return "\n".join(parts)


def highlight(text: str, findings: Sequence[Finding], *, tips: bool = True) -> Markup:
    """``text`` escaped for HTML, with ``<mark>`` around each finding (zero-width ones skipped).

    Each mark carries ``data-f``, the finding's index in ``findings`` (the web page's cards and
    Accept buttons find their marks by it); ``tips=False`` leaves out the CSS tooltip spans, so
    the element's text is exactly the article text.
    """
    spans = [(i, f) for i, f in enumerate(findings) if f.end > f.start]
    cuts = sorted({0, len(text), *(f.start for _, f in spans), *(f.end for _, f in spans)})
    out: list[str] = []
    for lo, hi in zip(cuts[:-1], cuts[1:], strict=True):
        piece = escape(text[lo:hi])
        # innermost first: shorter spans, and of equal spans a defect inside a note (hover opens the defect)
        for i, f in sorted((p for p in spans if p[1].start <= lo and hi <= p[1].end),
                           key=lambda p: (p[1].end - p[1].start, p[1].rule in NOTE_RULES)):
            tip = escape(tooltip(f))
            piece = (f'<mark class="sev-{f.severity.value} cat-{f.category.value}" data-rule="{escape(f.rule)}" '
                     f'title="{tip}" data-f="{i}" tabindex="0">{piece}'
                     + (f'<span class="tip" role="tooltip">{tip}</span>' if tips else "") + "</mark>")
        out.append(piece)
    return Markup("".join(out))
