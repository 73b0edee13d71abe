"""The block markup a template writes, read block by block as it is written.

    <doc title=… author=…>            the document; optional core properties
      <p style=… align=… keep-next="true" page-break="before">text <b>…</b> <i>…</i> <u>…</u> <br/></p>
      <pagebreak/>
      <page size="A4" orientation="landscape" margins="20 15 20 15"/>   the pages from here on
      <table style=… widths="20 * 30" width=… cell-style=… cell-align=… cell-valign=…>
        <tr header="true" cant-split="true">
          <td colspan=… rowspan=… style=… align=… valign=…>text, or <p>…</p> blocks</td>

Text is literal: spaces are kept and a newline is a line break. `widths` are
millimetres; `*` shares what is left of the table's width (default: the
reference document's text width) equally. Both backends use `grid()`, which
places every cell on the column grid, so a row's rowspans and colspans are
checked in one place.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import NamedTuple

from lxml import etree

from . import RenderError

BLOCKS = frozenset({"p", "table", "pagebreak", "page"})
ALIGN = frozenset({"left", "center", "right", "justify", "distribute"})
VALIGN = frozenset({"top", "center", "bottom"})
MAX_SPAN = 1000
PAPER = {"A3": (297.0, 420.0), "A4": (210.0, 297.0), "A5": (148.0, 210.0)}  # mm, portrait
ORIENTATION = frozenset({"portrait", "landscape"})
MAX_MARGIN = 100.0  # mm
MIN_TEXT = 20.0  # mm of text the margins must leave, across and down


class Markup(NamedTuple):
    """A template's output as it is read: the `<doc>` attributes, then its blocks."""

    attrs: dict[str, str]
    blocks: Iterator[etree._Element]  # each top-level <p>/<table>/<pagebreak/>, complete, then dropped


def read(chunks: Iterable[str]) -> Markup:
    """Read markup while the template writes it, so that only one block is in memory at a time.

    The `<doc>` start tag is read at once (its attributes are needed first);
    the blocks follow lazily. Bad markup raises a RenderError saying where.
    """
    events = _events(chunks)
    try:
        _, root = next(events)
    except StopIteration:
        raise RenderError("模板没有输出任何内容", "the template wrote nothing") from None
    if root.getroottree().docinfo.internalDTD is not None:
        raise RenderError("模板生成的标记不能含有 DTD", "the template's output must not contain a DTD")
    if root.tag != "doc":
        raise bad(root, "最外层应为 <doc>", "the outermost element must be <doc>")
    return Markup(dict(root.attrib), _blocks(root, events))


def _events(chunks: Iterable[str]) -> Iterator[tuple[str, etree._Element]]:
    parser = etree.XMLPullParser(events=("start", "end"), tag=("doc", *BLOCKS), resolve_entities=False,
                                 no_network=True, load_dtd=False, huge_tree=True, remove_comments=True,
                                 remove_pis=True)
    recent, seen = "", False
    try:
        for chunk in chunks:
            recent = (recent + chunk)[-200:]
            seen = seen or bool(chunk.strip())
            parser.feed(chunk)
            yield from parser.read_events()
        if not seen:
            raise RenderError("模板没有输出任何内容", "the template wrote nothing")
        root = parser.close()
        events = list(parser.read_events())
        if root.tag != "doc":  # no events for it: report it all the same
            events.insert(0, ("start", root))
        yield from events
    except etree.XMLSyntaxError as e:
        near = recent.strip().splitlines()[-1][-80:] if recent.strip() else ""
        raise RenderError(f"模板生成的标记不是有效的 XML（第 {e.lineno} 行：{e.msg}），附近：{near}",
                          f"the template's output is not valid markup (line {e.lineno}: {e.msg}) near: {near}") from None


def _blocks(root: etree._Element, events: Iterator[tuple[str, etree._Element]]) -> Iterator[etree._Element]:
    previous = None
    for event, el in events:
        if event == "start" or (el is not root and el.getparent() is not root):
            continue  # only the end of a top-level block, or of the document, matters here
        if previous is not None:  # its tail is known now; done with it
            _outside(root, previous.tail)
            root.remove(previous)
            previous = None
        if el is root:
            _outside(root, root.text)
            if len(root):
                raise bad(root[0], "此处应为 <p>、<table>、<pagebreak/> 或 <page/>", "expected <p>, <table>, <pagebreak/> or <page/> here")
            return
        yield el
        previous = el


def _outside(root: etree._Element, text: str | None) -> None:
    if text and text.strip():
        raise bad(root, f"段落之外有文字：{text.strip()[:40]}", f"text outside any <p>: {text.strip()[:40]}")


def bad(el: etree._Element, zh: str, en: str) -> RenderError:
    """A RenderError about one element, naming it as it was written."""
    attrs = "".join(f' {k}="{v}"' for k, v in el.attrib.items())
    where = f"<{el.tag}{attrs}>（标记第 {el.sourceline} 行）"
    return RenderError(f"模板标记有误：{where}：{zh}", f"bad template markup: <{el.tag}{attrs}> (line {el.sourceline}): {en}")


def choice(el: etree._Element, name: str, allowed: frozenset, default: str | None = None) -> str | None:
    value = el.get(name, default)
    if value is not None and value not in allowed:
        raise bad(el, f"{name} 应为 {'、'.join(sorted(allowed))} 之一", f"{name} must be one of {', '.join(sorted(allowed))}")
    return value


def flag(el: etree._Element, name: str) -> bool:
    return el.get(name, "").lower() in ("true", "1", "yes", name)


def count(el: etree._Element, name: str) -> int:
    raw = el.get(name, "1")
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_SPAN:
        raise bad(el, f"{name} 应为 1 到 {MAX_SPAN} 的整数", f"{name} must be a whole number from 1 to {MAX_SPAN}")
    return int(raw)


def has_blocks(el: etree._Element) -> bool:
    """Whether a cell holds blocks (`<p>`, `<table>`) rather than inline text."""
    if not len(el):
        return False
    blocks = any(child.tag in BLOCKS for child in el)
    if blocks and ((el.text or "").strip() or any((c.tail or "").strip() for c in el)):
        raise bad(el, "单元格内不能同时有文字和 <p> 段落", "a cell cannot mix bare text with <p> blocks")
    return blocks


class Slot(NamedTuple):
    """One cell position in a row of the grid."""

    td: etree._Element | None  # the cell; None for padding at the end of a short row
    col: int
    span: int
    rows: int  # rowspan of the cell
    merged: bool  # True: continues a cell from a row above (vertical merge)


class Grid(NamedTuple):
    widths: list[float]  # millimetres, one per grid column
    rows: list[tuple[etree._Element, list[Slot]]]


def grid(table: etree._Element, text_width: float | None) -> Grid:
    """Place every `<td>` of a `<table>` on its column grid (linear in the cells)."""
    widths = _widths(table, text_width)
    ncols = len(widths)
    pending: dict[int, list] = {}  # start column → [rows left, span, td, rowspan]
    rows = []
    for tr in table:
        if tr.tag != "tr":
            raise bad(tr, "<table> 中只能有 <tr>", "a <table> holds only <tr> rows")
        if (tr.text or "").strip() or any((td.tail or "").strip() for td in tr):
            raise bad(tr, "<tr> 中只能有 <td>，不能有文字", "a <tr> holds only <td> cells, no bare text")
        slots: list[Slot] = []
        col = 0
        for td in tr:
            if td.tag != "td":
                raise bad(td, "<tr> 中只能有 <td>", "a <tr> holds only <td> cells")
            if col in pending:
                col = _carry(pending, col, slots)
            span = 1 if td.get("colspan") is None else count(td, "colspan")
            rowspan = 1 if td.get("rowspan") is None else count(td, "rowspan")
            if col + span > ncols:
                raise bad(td, f"这一行超出了表格的 {ncols} 栏", f"this row is wider than the table's {ncols} columns")
            if span > 1 and pending and any(c in pending for c in range(col + 1, col + span)):
                raise bad(td, "与上方合并的单元格重叠", "overlaps a cell merged down from a row above")
            slots.append(Slot(td, col, span, rowspan, False))
            if rowspan > 1:
                pending[col] = [rowspan - 1, span, td, rowspan]
            col += span
        while col < ncols:  # a short row: continue merged cells, pad the rest
            col = _carry(pending, col, slots)
            if col < ncols:
                slots.append(Slot(None, col, 1, 1, False))
                col += 1
        rows.append((tr, slots))
    return Grid(widths, rows)


def _carry(pending: dict[int, list], col: int, slots: list[Slot]) -> int:
    """Continue the cells merged down into this row from `col` on; the next free column."""
    while col in pending:
        left, span, td, rowspan = pending[col]
        slots.append(Slot(td, col, span, rowspan, True))
        if left == 1:
            del pending[col]
        else:
            pending[col][0] = left - 1
        col += span
    return col


def _widths(table: etree._Element, text_width: float | None) -> list[float]:
    tokens = table.get("widths", "").replace(",", " ").split()
    if not tokens:
        raise bad(table, "缺少 widths（各栏宽度，毫米）", "missing widths (column widths in mm)")
    try:
        fixed = [None if t == "*" else float(t) for t in tokens]
    except ValueError:
        raise bad(table, "widths 应为毫米数或 *", "widths must be millimetres or *") from None
    if any(w is not None and w <= 0 for w in fixed):
        raise bad(table, "栏宽应大于 0", "column widths must be positive")
    stars = fixed.count(None)
    if not stars:
        return fixed  # type: ignore[return-value]
    try:
        width = float(table.get("width") or text_width or 0)
    except ValueError:
        raise bad(table, "width 应为毫米数", "width must be millimetres") from None
    rest = width - sum(w for w in fixed if w is not None)
    if rest <= 0:
        raise bad(table, f"固定栏宽之和已达表宽 {width:g} 毫米，* 栏没有宽度",
                  f"fixed widths fill the table width {width:g} mm; nothing left for *")
    return [rest / stars if w is None else w for w in fixed]


class PageSetup(NamedTuple):
    """A section's page: its size and margins (top, right, bottom, left), in millimetres."""

    width: float
    height: float
    margins: tuple[float, float, float, float]

    @property
    def text_width(self) -> float:
        return self.width - self.margins[1] - self.margins[3]

    @property
    def landscape(self) -> bool:
        return self.width > self.height


# A4 with the margins of GB/T 9704-2012: the page when a template has no reference.docx.
DEFAULT_PAGE = PageSetup(210.0, 297.0, (37.0, 26.0, 35.0, 28.0))


def page_setup(el: etree._Element, base: PageSetup | None) -> PageSetup:
    """The page a `<page>` asks for; what it leaves out is `base`'s (reference.docx's page)."""
    base = base or DEFAULT_PAGE
    unknown = sorted(set(el.attrib) - {"size", "orientation", "margins"})
    if unknown or len(el) or (el.text or "").strip():
        raise bad(el, f"<page/> 只有 size、orientation、margins 三个属性，没有内容（{'、'.join(unknown)}）",
                  f"<page/> has only the attributes size, orientation and margins, and no content ({', '.join(unknown)})")
    size = el.get("size")
    if size is not None and size not in PAPER:
        raise bad(el, f"size 应为 {'、'.join(PAPER)} 之一", f"size must be one of {', '.join(PAPER)}")
    short, long = sorted(PAPER[size] if size else (base.width, base.height))
    turned = choice(el, "orientation", ORIENTATION, "landscape" if base.landscape else "portrait") == "landscape"
    width, height = (long, short) if turned else (short, long)
    margins = base.margins
    if el.get("margins") is not None:
        tokens = el.get("margins", "").split()
        try:
            values = [float(t) for t in tokens]
        except ValueError:
            values = []
        if len(values) not in (1, 4) or not all(0 <= v <= MAX_MARGIN for v in values):
            raise bad(el, f"margins 应为一个或四个（上 右 下 左）0 到 {MAX_MARGIN:g} 的毫米数",
                      f"margins must be one or four (top right bottom left) millimetres from 0 to {MAX_MARGIN:g}")
        top, right, bottom, left = values * 4 if len(values) == 1 else values
        margins = (top, right, bottom, left)
    page = PageSetup(width, height, margins)
    if page.text_width < MIN_TEXT or height - margins[0] - margins[2] < MIN_TEXT:
        raise bad(el, f"margins 在 {width:g}×{height:g} 毫米的纸上留下的版心不足 {MIN_TEXT:g} 毫米",
                  f"margins leave less than {MIN_TEXT:g} mm of text on a {width:g} x {height:g} mm page")
    return page
