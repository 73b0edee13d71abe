"""Markup → one self-contained HTML page (the template's html.css inlined).

Paragraph and table styles become CSS classes ("Heading 1" → `heading-1`),
so html.css in the template folder styles what reference.docx styles in Word.
Tables keep the same rowspan/colspan and column widths in millimetres. A
`<page>` starts a `<section>` printed on a named CSS page (`@page pN`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from html import escape

from lxml import etree

from .markup import ALIGN, VALIGN, Markup, PageSetup, bad, choice, flag, grid, has_blocks, page_setup
from .trace import MARKER, spots_in, unmarked

Mark = Callable[[set[int]], dict[str, str]]  # spots an element was made from → attributes to add

_CSS_ALIGN = {"left": "left", "center": "center", "right": "right", "justify": "justify", "distribute": "justify"}
_CSS_VALIGN = {"top": "top", "center": "middle", "bottom": "bottom"}


GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"})


def font_variables(table: Mapping[str, Sequence[str]]) -> str:
    """CSS custom properties for a template's font table: `--仿宋_GB2312` is the font followed by the faces
    to use where it is missing, so that html.css says `font-family: var(--仿宋_GB2312)`."""
    if not table:
        return ""
    stacks = "".join(f"  --{font}: {', '.join(_family(f) for f in (font, *faces))};\n" for font, faces in table.items())
    return f":root {{\n{stacks}}}\n"


def _family(name: str) -> str:
    name = name.removesuffix(":bold")  # the weight is the style's: CSS cannot say "bold only if replaced"
    return name if name in GENERIC else f'"{name}"'  # the table's names hold no quote (templates.fonts)


def css_class(style: str) -> str:
    return re.sub(r"\s+", "-", style.strip().lower())


def to_html(markup: Markup, css: str, text_width: float | None, mark: Mark | None = None, head: str = "",
            tail: str = "", page: PageSetup | None = None) -> Iterator[bytes]:
    """The HTML page of `markup`, in chunks of UTF-8, one top-level block at a time.

    With `mark` (a traced render, see trace.py), each `<td>` or `<p>` whose text
    carries spot markers gets the attributes `mark(its spots)` and the markers are
    removed. `head` (before `</head>`) and `tail` (after `</main>`) are HTML of the caller's.
    `page` is reference.docx's page, which a `<page>` changes what it does not say of.
    """
    clean = unmarked if mark else str
    title = escape(clean(markup.attrs.get("title", "")))
    yield (f'<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">\n'
           f'<meta name="generator" content="perfdecl">\n<title>{title}</title>\n'
           f"<style>\n{css}\n</style>\n{head}</head>\n<body>\n<main>\n").encode("utf-8")
    writer = _Page([], text_width, mark)
    breaks, written, sections = False, False, 0
    for block in markup.blocks:
        if mark:
            _unmark_attributes(block)
        if block.tag == "page":
            setup = page_setup(block, page)
            sections += 1
            writer.text_width = setup.text_width
            writer.out.append(("</section>\n" if sections > 1 else "") + _page_rule(f"p{sections}", setup)
                              + f'<section style="page:p{sections}{";break-before:page" if written else ""}'
                              + f';width:{setup.text_width:.1f}mm">\n')
        else:
            writer.block(block, None, None, breaks)
            written = True
        breaks = block.tag == "pagebreak"
        yield "".join(writer.out).encode("utf-8")
        writer.out.clear()
    yield f"{'</section>' if sections else ''}</main>\n{tail}</body>\n</html>\n".encode("utf-8")


def _page_rule(name: str, page: PageSetup) -> str:
    """A named CSS page of this size and margins."""
    margins = " ".join(f"{m:.1f}mm" for m in page.margins)
    return f"<style>@page {name} {{ size: {page.width:.1f}mm {page.height:.1f}mm; margin: {margins}; }}</style>\n"


def _unmark_attributes(block: etree._Element) -> None:
    """Markers printed into an attribute (a traced `{{ … }}` in `rowspan="…"`) would make it invalid."""
    for el in block.iter():
        for name, value in el.attrib.items():
            if MARKER.search(value):
                el.set(name, unmarked(value))


class _Page:
    def __init__(self, out: list[str], text_width: float | None, mark: Mark | None = None) -> None:
        self.out, self.text_width, self.mark = out, text_width, mark

    def marks(self, el: etree._Element) -> str:
        """The attributes marking an element by the spots its text was made from."""
        if self.mark is None:
            return ""
        spots = spots_in("".join(el.itertext()))
        attrs = self.mark(spots) if spots else {}
        return "".join(f' {escape(name)}="{escape(value)}"' for name, value in attrs.items())

    def block(self, el: etree._Element, style: str | None, align: str | None, breaks: bool = False) -> None:
        if el.tag == "p":
            self.paragraph(el, style, align, breaks)
        elif el.tag == "table":
            self.table(el, breaks)
        elif el.tag != "pagebreak":
            raise bad(el, "此处应为 <p>、<table> 或 <pagebreak/>", "expected <p>, <table> or <pagebreak/> here")

    def paragraph(self, el: etree._Element, style: str | None, align: str | None, breaks: bool = False,
                  marked: bool = True) -> None:
        style = el.get("style", style) or "Normal"
        align = choice(el, "align", ALIGN, align)
        css = []
        if align:
            css.append(f"text-align:{_CSS_ALIGN[align]}")
        if breaks or el.get("page-break") == "before":
            css.append("break-before:page")
        attrs = (f' style="{";".join(css)}"' if css else "") + (self.marks(el) if marked else "")
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
        if self.mark:
            text = unmarked(text)
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
                blocks = has_blocks(td)
                marks = "" if blocks else self.marks(td)  # else its paragraphs are marked
                self.out.append(f"<td{span}" + (f' style="{css}"' if css else "") + marks + ">")
                if blocks:
                    breaks = False
                    for child in td:
                        self.block(child, td.get("style", cell_style), cell_align, breaks)
                        breaks = child.tag == "pagebreak"
                else:
                    self.paragraph(td, td.get("style", cell_style), cell_align, marked=False)
                self.out.append("</td>")
            self.out.append("</tr>\n")
        self.out.append("</table>\n")
