"""One declaration (or one of its projects) → a document, through the markup.

The pipeline streams: the template's output is read block by block while it
is written, and each block goes straight into the .docx (or .html) file.
"""
from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from typing import BinaryIO

from ..load import Bundle
from . import RenderError
from .templates import CSS, REFERENCE, Template, extras, stream


def context(bundle: Bundle, template: Template, part: int | None) -> dict:
    """What a template sees; documented in docs/templates.md."""
    numbered = list(enumerate(bundle.projects, start=1))
    return {
        "declaration": bundle.declaration,
        "projects": bundle.projects,
        "numbered": numbered if part is None else [numbered[part - 1]],
        "part": part,
        "template": template.meta,
        **extras(bundle),
    }


def write(bundle: Bundle, template: Template, fmt: str, epoch: int, out: BinaryIO, part: int | None = None) -> None:
    """Write the .docx (fmt "docx") or .html of the declaration, or of project `part` (1-based), to `out`."""
    from . import markup, word

    reference_path = template.find(REFERENCE)
    reference = word.open_reference(reference_path) if reference_path else None
    if fmt != "html" and reference is None:
        raise RenderError(f"模板中没有 {REFERENCE}", f"the template has no {REFERENCE}")
    with _quiet_gc():
        doc = markup.read(stream(template, context(bundle, template, part)))
        if fmt == "html":
            from .page import to_html

            css_path = template.find(CSS)
            css = css_path.read_text(encoding="utf-8") if css_path else ""
            for chunk in to_html(doc, css, reference.text_width if reference else None):
                out.write(chunk)
        else:
            word.to_docx(doc, reference, epoch, out)  # type: ignore[arg-type]


@contextmanager
def _quiet_gc() -> Iterator[None]:
    """No cyclic garbage collection while rendering.

    Rendering makes millions of short-lived objects and almost no cycles; with
    the loaded declaration in memory, each full collection would rescan it all
    (a third of the time for 2,000 projects).
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
