"""One declaration (or one of its projects) → a document, through the markup.

The pipeline streams: the template's output is read block by block while it
is written, and each block goes straight into the .docx (or .html) file.
"""
from __future__ import annotations

import gc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, BinaryIO

from ..positions import Position
from ..load import Bundle
from ..paths import display
from . import RenderError
from .templates import CSS, REFERENCE, Template, extras, fonts, stream

if TYPE_CHECKING:
    from .markup import Markup
    from .word import Reference


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
    """Write the .docx (fmt "docx"), .html or .xlsx of the declaration, or of project `part` (1-based), to `out`."""
    from . import markup, word

    reference = _reference(template)
    if fmt == "xlsx":
        from . import xlsx

        with _quiet_gc():
            xlsx.write(bundle, template, context(bundle, template, part), epoch, out, part,
                       reference.text_width if reference else None, reference.page if reference else None)
        return
    if fmt != "html" and reference is None:
        where = display(template.folders[0])
        raise RenderError(f"模板 {where} 中没有 {REFERENCE}（Word 文档的页面和样式）：放入一个，或在 template.yaml 中写 "
                          f"base: shanghai-2023 等内置模板以沿用它的",
                          f"the template {where} has no {REFERENCE} (the Word document's page and styles): add one, or "
                          f"write base: shanghai-2023 (or another built-in) in template.yaml to use its")
    with _quiet_gc():
        doc = markup.read(stream(template, context(bundle, template, part)))
        if fmt == "html":
            for chunk in _html(doc, template, reference):
                out.write(chunk)
        elif reference is not None:
            word.to_docx(doc, reference, epoch, out)


def preview(bundle: Bundle, template: Template, findings: Sequence[Position],
            attributes: Callable[[list[int]], dict[str, str]], head: str = "", tail: str = "") -> bytes:
    """The HTML page of the declaration, each cell or paragraph made from the value a finding points at
    marked with `attributes(the findings' indexes)`; `head` and `tail` are added to the page (see `page`)."""
    from . import markup, trace

    reference = _reference(template)
    tracer = trace.Tracer(bundle)
    doc = markup.read(stream(template, context(bundle, template, None), tracer=tracer))
    blocks = list(doc.blocks)  # to the end: only then is every spot a finding may belong to known
    mark = trace.marker(trace.owners(tracer, findings), attributes)
    return b"".join(_html(markup.Markup(doc.attrs, iter(blocks)), template, reference, mark, head, tail))


def _reference(template: Template) -> Reference | None:
    from . import word

    path = template.find(REFERENCE)
    return word.open_reference(path) if path else None


def _html(doc: Markup, template: Template, reference: Reference | None,
          mark: Callable[[set[int]], dict[str, str]] | None = None, head: str = "", tail: str = "") -> Iterator[bytes]:
    from .page import font_variables, to_html

    css_path = template.find(CSS)
    css = font_variables(fonts(template)) + (css_path.read_text(encoding="utf-8") if css_path else "")
    return to_html(doc, css, reference.text_width if reference else None, mark, head, tail,
                   reference.page if reference else None)


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
