"""Render a checked declaration into a document.

Pipeline: a template's Jinja2 (sandboxed, autoescaped) writes a small block
markup (`<doc>`, `<p>`, `<table>`, `<tr>`, `<td>`; see docs/templates.md);
`markup.parse` reads it; one backend turns it into WordprocessingML inside the
template's reference.docx (`word`), another into a self-contained HTML page
(`page`). All wording and layout live in the template folder, none here.

Heavy imports (Jinja2, lxml) happen in the submodules, which only
`perfdecl build` imports.
"""
from __future__ import annotations

from ..text import Text


class RenderError(Exception):
    """A failure of rendering (a bad template, an unwritable file): a message, not a traceback."""

    def __init__(self, zh: str, en: str | None = None) -> None:
        super().__init__(zh)
        self.text = Text(zh, en or zh)
        self.zh, self.en = self.text.zh, self.text.en

    def message(self, lang: str) -> str:
        return self.text.say(lang)
