"""Which trained source-language head reads which encoder's states.

Why (issue 19): the head is a classifier over one encoder's pooled sentence states, and the
distilled student's states are not the teacher's (the teacher's head on the student's states fell
from 0.82 to 0.56 document top-1). Each head's meta.json records the encoder it was trained on
(``encoder``: the state cache's stamp, ``embed.encoder_stamp``), and the scan reads only a head whose
encoder weights (the stamp's ``adapter``: the LoRA adapter's hash, or the student's content hash
``student-...``) are the ones it runs; otherwise the source language rests on route names alone.
The runtime may differ (the int8 export, fp32, torch of the same weights): that moves states by
quantisation noise, not by another encoder's geometry.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from detector.mt.source_language.model import FILENAME, SHIPPED_DIR, SourceLanguageModel

#: The student's head, beside the student it reads (``models/mt/student``).
STUDENT_HEAD_DIR = SHIPPED_DIR.parent / "student" / "source_language"
#: Where the scan looks for a head, in order: the teacher's, the student's.
HEAD_DIRS: tuple[Path, ...] = (SHIPPED_DIR, STUDENT_HEAD_DIR)


def trained_on(folder: Path) -> str | None:
    """The encoder weights (adapter or student hash) the head in ``folder`` was trained on, or None
    when its meta.json does not say (a head from before heads were stamped)."""
    meta = folder / "meta.json"
    if not meta.is_file():
        return None
    stamp = json.loads(meta.read_text(encoding="utf-8")).get("encoder")
    return stamp.get("adapter") if isinstance(stamp, dict) else None


def head_dir(adapter: str | None, folders: Sequence[Path] | None = None) -> tuple[Path | None, str]:
    """The first folder in ``folders`` (``HEAD_DIRS``) holding a head trained on the encoder
    ``adapter`` (``Encoder.adapter``), or None and why there is none."""
    seen = []
    for folder in HEAD_DIRS if folders is None else folders:
        if (folder / FILENAME).is_file():
            found = trained_on(folder)
            if found is not None and found == adapter:
                return folder, ""
            seen.append(f"{folder}: {found or 'unstamped'}")
    return None, (f"no source-language head was trained on this encoder's states (encoder {adapter}; heads: "
                  f"{', '.join(seen) or 'none'}); train one with make train-source-language, route names only")


def load_head(adapter: str | None, folders: Sequence[Path] | None = None) -> SourceLanguageModel:
    """The head trained on the encoder ``adapter``; FileNotFoundError (with why) when there is none."""
    folder, why = head_dir(adapter, folders)
    if folder is None:
        raise FileNotFoundError(why)
    return SourceLanguageModel.load(folder)
