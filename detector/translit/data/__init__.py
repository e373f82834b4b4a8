"""Data files of detector.translit (a package so that wheels carry them; see SOURCES.md)."""
