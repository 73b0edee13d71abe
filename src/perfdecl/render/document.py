"""One declaration (or one of its projects) → document bytes, through the markup."""
from __future__ import annotations

from ..load import Bundle
from . import RenderError
from .templates import CSS, REFERENCE, Template, render


def context(bundle: Bundle, template: Template, part: int | None) -> dict:
    """What a template sees; documented in docs/templates.md."""
    numbered = list(enumerate(bundle.projects, start=1))
    return {
        "declaration": bundle.declaration,
        "projects": bundle.projects,
        "numbered": numbered if part is None else [numbered[part - 1]],
        "part": part,
        "template": template.meta,
    }


def build(bundle: Bundle, template: Template, fmt: str, epoch: int, part: int | None = None) -> bytes:
    """The .docx (fmt "docx") or .html bytes of the whole declaration, or of project `part` (1-based)."""
    from . import markup, word

    root = markup.parse(render(template, context(bundle, template, part)))
    reference_path = template.find(REFERENCE)
    reference = word.open_reference(reference_path) if reference_path else None
    if fmt == "html":
        from .page import to_html

        css_path = template.find(CSS)
        css = css_path.read_text(encoding="utf-8") if css_path else ""
        return to_html(root, css, reference.text_width if reference else None)
    if reference is None:
        raise RenderError(f"模板中没有 {REFERENCE}", f"the template has no {REFERENCE}")
    return word.to_docx(root, reference, epoch)
