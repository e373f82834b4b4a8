"""An article's copies and original, for the HTML report and ``detector serve``.

Both render the same fragment (``copies.html`` beside this module): the article's story (its
original and every copy, with link kind and similarity, each linked to its page) and, on a copy's
page, the copy against its original side by side, aligned sentence by sentence. They read the copy
index brought up to date with the store (``CopyIndex.fresh``), so an article scanned after the last
``detector copies`` shows its copies too.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from detector.copies import load_meta, side_by_side
from detector.copies.cluster import stories
from detector.copies.index import CopyIndex

HERE = Path(__file__).resolve().parent


class CopyViews:
    """Stories by article pk, read once from the store's copy index (empty without one)."""

    def __init__(self, store: Any, settings: Mapping[str, Any] | None = None) -> None:
        if settings is None:
            from detector.config import load_config

            settings = load_config().get("copies")
        self.store = store
        self.index, notice = CopyIndex.fresh(store, settings=settings)
        if notice:
            logging.getLogger("detector.copies").warning("detector: %s", notice)
        self.by_pk: dict[int, Any] = {}
        if self.index is None:
            return
        links = list(self.index.links())
        meta = load_meta(store, {pk for lk in links for pk in (lk.a, lk.b)})
        for story in stories(links, meta, self.index.settings):
            for m in story.members:
                if m.link != "partial" or m.meta.pk not in self.by_pk:
                    self.by_pk[m.meta.pk] = (story, m)

    def close(self) -> None:
        if self.index is not None:
            self.index.close()

    def __enter__(self) -> CopyViews:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def view(self, pk: int) -> dict[str, Any] | None:
        """The story of article ``pk`` and, for a copy tied straight to its original, the aligned rows."""
        found = self.by_pk.get(pk)
        if found is None:
            return None
        story, member = found
        rows = None
        link = member.via
        original = story.original
        if link is not None and {link.a, link.b} == {pk, original.pk}:
            left, right = (original.text, member.meta.text)
            rows = side_by_side(self.index, link, *((left, right) if link.a == original.pk else (right, left)))
            if link.a != original.pk:
                rows = [(b, a, k) for a, b, k in rows]
        return {"story": story, "member": member, "rows": rows}

    def html(self, pk: int, href: Callable[[str, str], str]) -> Markup:
        """The fragment for article ``pk`` (empty when it is in no story); ``href(outlet, id)`` links a member."""
        view = self.view(pk)
        if view is None:
            return Markup("")
        env = Environment(loader=FileSystemLoader(str(HERE)), autoescape=select_autoescape(["html"]),
                          trim_blocks=True, lstrip_blocks=True)
        return Markup(env.get_template("copies.html").render(**view, pk=pk, href=href))
