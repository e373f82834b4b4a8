"""Mistyped dates: the extractor, the context cues, the year resolution and the known-event table.

The check that emits findings is ``detector.checks.dates``; this package holds what it and the
evaluation (``detector.eval.dates``) share: ``extract`` (date expressions with offsets),
``context`` (publication date, datelines, future and anniversary cues), ``index`` (line, sentence
and paragraph lookups in O(log n), so a long text costs n log n) and ``events`` (well-known events
and their dates, ``events.json``) and ``ranges`` ("from A to B" ranges and the year a year-less start
takes from its end).
"""
