"""Markup → one self-contained HTML page (the template's html.css inlined).

Paragraph and table styles become CSS classes ("Heading 1" → `heading-1`),
so html.css in the template folder styles what reference.docx styles in Word.
Tables keep the same rowspan/colspan and column widths in millimetres.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

from lxml import etree

from .markup import ALIGN, VALIGN, Markup, bad, choice, flag, grid, has_blocks

_CSS_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "justify", "distribute": "justify"}
_CSS_VALIGN = {"top": "top", "center": "middle", "bottom": "bottom"}


def css_class(style: str) -> str:
    return re.sub(r"\s+", "-", style.strip().lower())


def to_html(markup: Markup, css: str, text_width: float | None) -> Iterator[bytes]:
    """The HTML page of `markup`, in chunks of UTF-8, one top-level block at a time."""
    title = escape(markup.attrs.get("title", ""))
    yield (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="generator" content="perfdecl">\n<title>{title}</title>\n'
           f"<style>\n{css}\n</style>\n</head>\n<body>\n<main>\n").encode("utf-8")
    page = _Page([], text_width)
    breaks = False
    for block in markup.blocks:
        page.block(block, None, None, breaks)
        breaks = block.tag == "pagebreak"
        yield "".join(page.out).encode("utf-8")
        page.out.clear()
    yield b"</main>\n</body>\n</html>\n"


class _Page:
    def __init__(self, out: list[str], text_width: float | None) -> None:
        self.out, self.text_width = out, text_width

    def block(self, el: etree._Element, style: str | None, align: str | None, breaks: bool = False) -> None:
        if el.tag == "p":
            self.paragraph(el, style, align, breaks)
        elif el.tag == "table":
            self.table(el, breaks)
        elif el.tag != "pagebreak":
            raise bad(el, "此处应为 <p>、<table> 或 <pagebreak/>", "expected <p>, <table> or <pagebreak/> here")

    def paragraph(self, el: etree._Element, style: str | None, align: str | None, breaks: bool = False) -> None:
        style = el.get("style", style) or "Normal"
        align = choice(el, "align", ALIGN, align)
        css = []
        if align:
            css.append(f"text-align:{_CSS_ALIGN[align]}")
        if breaks or el.get("page-break") == "before":
            css.append("break-before:page")
        attrs = f' style="{";".join(css)}"' if css else ""
        self.out.append(f'<p class="{escape(css_class(style))}"{attrs}>')
        self.inline(el)
        self.out.append("</p>\n")

    def inline(self, el: etree._Element) -> None:
        if el.text:
            self.text(el.text)
        for child in el:
            if child.tag == "br":
                self.out.append("<br>")
            elif child.tag in ("b", "i", "u"):
                self.out.append(f"<{child.tag}>")
                self.inline(child)
                self.out.append(f"</{child.tag}>")
            else:
                raise bad(child, "段落中只能有文字和 <b> <i> <u> <br/>", "a paragraph holds only text, <b>, <i>, <u> and <br/>")
            if child.tail:
                self.text(child.tail)

    def text(self, text: str) -> None:
        self.out.append(escape(text, quote=False).replace("\n", "<br>"))

    def table(self, el: etree._Element, breaks: bool) -> None:
        layout = grid(el, self.text_width)
        style = css_class(el.get("style") or "table")
        css = f"width:{sum(layout.widths):.1f}mm" + (";break-before:page" if breaks else "")
        self.out.append(f'<table class="{escape(style)}" style="{css}">\n<colgroup>')
        self.out.extend(f'<col style="width:{mm:.1f}mm">' for mm in layout.widths)
        self.out.append("</colgroup>\n")
        cell_style, align = el.get("cell-style"), choice(el, "cell-align", ALIGN)
        valign = choice(el, "cell-valign", VALIGN)
        for tr, slots in layout.rows:
            self.out.append('<tr class="header">' if flag(tr, "header") else "<tr>")
            for slot in slots:
                if slot.merged:
                    continue
                td = slot.td
                if td is None:
                    self.out.append("<td></td>")
                    continue
                span = (f' colspan="{slot.span}"' if slot.span > 1 else "") + (
                    f' rowspan="{slot.rows}"' if slot.rows > 1 else "")
                cell_align = choice(td, "align", ALIGN, align)
                cell_valign = choice(td, "valign", VALIGN, valign)
                css = ";".join(filter(None, (cell_align and f"text-align:{_CSS_ALIGN[cell_align]}",
                                             cell_valign and f"vertical-align:{_CSS_VALIGN[cell_valign]}")))
                self.out.append(f"<td{span}" + (f' style="{css}"' if css else "") + ">")
                if has_blocks(td):
                    breaks = False
                    for child in td:
                        self.block(child, td.get("style", cell_style), cell_align, breaks)
                        breaks = child.tag == "pagebreak"
                else:
                    self.paragraph(td, td.get("style", cell_style), cell_align)
                self.out.append("</td>")
            self.out.append("</tr>\n")
        self.out.append("</table>\n")
