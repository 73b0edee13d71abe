"""A declaration as an Excel workbook: the forms as laid out on paper, then flat sheets for machines.

The form sheets come from the template's `workbook.xml.j2`, the same block
markup (and the same form.xml.j2) as the Word document: every `<table>` is
placed with `markup.grid`, so its merged ranges are the .docx table's
gridSpan/vMerge spans. A sheet starts at each `<p page-break="before">` or
`<pagebreak/>` and is named after its first paragraph. The flat sheets
(指标, 资金, 明细 …) are data in the template's `workbook.yaml` (sheets.py).

Numbers are written as numbers with the decimals they are printed with;
the package has fixed zip times and entry order, so the same sources give
the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
from copy import copy
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, BinaryIO

from lxml import etree

from ..load import Bundle
from . import RenderError
from .markup import ALIGN, PAPER, VALIGN, PageSetup, choice, grid, has_blocks, page_setup, read
from .sheets import SPEC, Cell, headers, read_spec, rows
from .templates import Template, stream
from .package import clamp

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

ENTRY = "workbook.xml.j2"
MAX_ROWS = 1_048_576  # what a sheet can hold
MAX_TEXT = 32_767  # characters a cell can hold
DEFAULT_WIDTH = 156.0  # mm of text on an A4 page with GB/T 9704 margins, if the template has no reference
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_SHEET_UNSAFE = re.compile(r"[\[\]:*?/\\]")
_NUMBER = re.compile(r"(?!0\d)(\d{1,15}|\d{1,3}(?:,\d{3}){1,4})(?:\.(\d{1,9}))?")
_HALIGN = {"left": "left", "center": "center", "right": "right", "justify": "justify", "distribute": "distributed"}
_VALIGN = {"top": "top", "center": "center", "bottom": "bottom"}
_PAPER_SIZE = {PAPER["A3"]: 8, PAPER["A4"]: 9, PAPER["A5"]: 11}  # (short, long) side → Excel's paper size
MM_PER_CHAR = 2.0  # one unit of Excel column width (a digit of the default font), roughly


def write(bundle: Bundle, template: Template, context: dict, epoch: int, out: BinaryIO, part: int | None,
          text_width: float | None, page: PageSetup | None = None) -> None:
    """Write the workbook of the declaration (or of project `part`, 1-based) to `out`."""
    from openpyxl import Workbook

    spec = read_spec(template.find(SPEC))
    book = Workbook()
    book.remove(book.active)
    look = Look(book, spec.font.name, spec.font.size)
    names: set[str] = set()
    attrs: dict[str, str] = {}
    if template.find(ENTRY) is not None:
        doc = read(stream(template, context, entry=ENTRY))
        attrs = doc.attrs
        for title, blocks in _split(doc.blocks):
            sheet = book.create_sheet(_sheet_name(title, names))
            _form_sheet(sheet, blocks, text_width or DEFAULT_WIDTH, look, page)
    projects = bundle.projects if part is None else [bundle.projects[part - 1]]
    for flat in spec.sheets:
        if flat.rows == "lines" and bundle.form.items == "none":  # a form without sub-items has no line items
            continue
        sheet = book.create_sheet(_sheet_name(flat.name, names))
        flat_sheet(sheet, headers(flat, bundle.form), rows(flat, projects), look)
    if not book.worksheets:
        raise RenderError(f"模板既没有 {ENTRY} 也没有 {SPEC}，工作簿为空",
                          f"the template has neither {ENTRY} nor {SPEC}: the workbook would be empty")
    look.close()
    save(book, epoch, out, attrs.get("title"), attrs.get("author"))


# -- the forms ---------------------------------------------------------------------------------------

def _split(blocks: Iterator[etree._Element]) -> Iterator[tuple[str, list[etree._Element]]]:
    """The blocks, grouped into sheets: (the first paragraph's text, the blocks)."""
    current: list[etree._Element] = []
    for block in blocks:
        starts = block.tag == "pagebreak" or (block.tag == "p" and block.get("page-break") == "before")
        if starts and current:
            yield _title(current), current
            current = []
        if block.tag != "pagebreak":
            current.append(block)
    if current:
        yield _title(current), current


def _title(blocks: list[etree._Element]) -> str:
    return next((text_of(b) for b in blocks if b.tag == "p"), "")


class Look:
    """The cell styles of one workbook, each combination made once.

    openpyxl registers a style (hashing it) every time one is assigned to a
    cell, which for thousands of cells is most of a build; so each
    combination is made once, on a scratch sheet, and its style array copied
    onto the cells (`close` removes the scratch sheet before saving).
    """

    def __init__(self, book: Any, font: str, size: float) -> None:
        self.book, self.name, self.size = book, font, size
        self._made: dict[tuple, Any] = {}
        self._scratch: Any = None

    def put(self, cell: Any, weight: str = "normal", horizontal: str | None = None, vertical: str | None = None,
            wrap: bool = False, number_format: str = "General", border: bool = True) -> None:
        """Give `cell` the font (normal, bold or title), a thin border, alignment and number format."""
        key = (weight, horizontal, vertical, wrap, number_format, border)
        style = self._made.get(key)
        if style is None:
            style = self._made[key] = self._make(*key)
        cell._style = copy(style)

    def _make(self, weight: str, horizontal: str | None, vertical: str | None, wrap: bool, number_format: str,
              border: bool) -> Any:
        from openpyxl.styles import Alignment, Border, Font, Side

        if self._scratch is None:
            self._scratch = self.book.create_sheet()
        cell = self._scratch.cell(row=1, column=1)
        cell.font = Font(name=self.name, size=self.size + (4 if weight == "title" else 0), bold=weight != "normal")
        thin = Side(style="thin")
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin) if border else Border()
        cell.alignment = Alignment(horizontal=_HALIGN.get(horizontal or ""), vertical=_VALIGN.get(vertical or ""),
                                   wrap_text=wrap or None)
        cell.number_format = number_format
        return copy(cell._style)

    def close(self) -> None:
        if self._scratch is not None:
            self.book.remove(self._scratch)
            self._scratch = None


def _form_sheet(sheet: Worksheet, blocks: list[etree._Element], text_width: float, look: Look,
                base: PageSetup | None) -> None:
    pages = [page_setup(b, base) for b in blocks if b.tag == "page"]
    page = pages[-1] if pages else None  # the sheet is printed on the last page its blocks ask for
    text_width = page.text_width if page else text_width
    tables = [grid(b, text_width) for b in blocks if b.tag == "table"]
    widths = tables[0].widths if tables else [text_width]
    for n, mm in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(n)].width = round(mm / MM_PER_CHAR, 2)
    row = 1
    layouts = iter(tables)
    for block in blocks:
        if block.tag == "p":
            row = _paragraph(sheet, row, block, len(widths), look)
        elif block.tag == "table":
            row = _table(sheet, row, block, next(layouts), look)
    sheet.sheet_view.showGridLines = False
    sheet.page_setup.orientation = "landscape" if page and page.landscape else "portrait"
    sides = (min(page.width, page.height), max(page.width, page.height)) if page else PAPER["A4"]
    sheet.page_setup.paperSize = _PAPER_SIZE.get(sides, sheet.PAPERSIZE_A4)
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True


def _paragraph(sheet: Worksheet, row: int, p: etree._Element, ncols: int, look: Look) -> int:
    cell = sheet.cell(row=row, column=1, value=_clean(text_of(p)))
    heading = (p.get("style") or "").lower().startswith(("heading", "title"))
    look.put(cell, "title" if heading else "normal", choice(p, "align", ALIGN) or "center", "center", wrap=True,
             border=False)
    if ncols > 1:
        merge(sheet, row, 1, row, ncols)
    sheet.row_dimensions[row].height = round((look.size + 4 if heading else look.size) * 1.8, 1)
    return row + 1


def _table(sheet: Worksheet, first: int, table: etree._Element, layout: Any, look: Look) -> int:
    """Write one `<table>` from row `first`; the next free row."""
    needs: list[tuple[int, int, float]] = []  # (first row, rows, points of text) per cell
    default_h, default_v = table.get("cell-align"), table.get("cell-valign")
    row = first
    for _, slots in layout.rows:
        for slot in slots:
            covered = range(slot.col + 2 if slot.td is not None and not slot.merged else slot.col + 1,
                            slot.col + slot.span + 1)
            for col in covered:  # the cells a merged cell covers keep its border
                look.put(sheet.cell(row=row, column=col))
            if slot.merged or slot.td is None:
                continue
            td = slot.td
            text = _clean(text_of(td))
            cell = sheet.cell(row=row, column=slot.col + 1)
            look.put(cell, "bold" if td.get("style", "").lower().endswith("heading") else "normal",
                     choice(td, "align", ALIGN, default_h), choice(td, "valign", VALIGN, default_v) or "center",
                     wrap=True, number_format=_put(cell, text))
            if slot.span > 1 or slot.rows > 1:
                merge(sheet, row, slot.col + 1, row + slot.rows - 1, slot.col + slot.span)
            span_mm = sum(layout.widths[slot.col:slot.col + slot.span])
            needs.append((row, slot.rows, _height(text, span_mm, look.size)))
        row += 1
    _heights(sheet, needs, look.size)
    return row


def _heights(sheet: Worksheet, needs: list[tuple[int, int, float]], size: float) -> None:
    """Row heights that show every cell's text: Excel does not fit merged or wrapped cells by itself."""
    height: dict[int, float] = {}
    for row, span, _ in needs:
        for r in range(row, row + span):
            height.setdefault(r, size * 1.8)
    for row, span, points in sorted(needs, key=lambda n: n[1]):
        have = sum(height[r] for r in range(row, row + span))
        if points > have:
            height[row + span - 1] += points - have
    for r, points in height.items():
        sheet.row_dimensions[r].height = round(min(points, 409.0), 1)


def _height(text: str, mm: float, size: float) -> float:
    """Points that `text`, wrapped in a cell `mm` wide, needs."""
    per_line = max(1.0, (mm - 2) / (size * 0.3528 / 2))  # half-width characters that fit on a line
    lines = sum(max(1, math.ceil(_display(line) / per_line)) for line in text.split("\n"))
    return lines * size * 1.45 + 4


def _display(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def text_of(el: etree._Element) -> str:
    """The text of a block or cell: its paragraphs one per line, `<br/>` a line break."""
    if el.tag in ("td", "table", "tr") and (el.tag != "td" or has_blocks(el)):
        return "\n".join(text_of(child) for child in el if child.tag in ("p", "table", "tr", "td"))
    parts = [el.text or ""]
    for child in el:
        parts.append("\n" if child.tag == "br" else text_of(child))
        parts.append(child.tail or "")
    return "".join(parts)


def merge(sheet: Worksheet, top: int, left: int, bottom: int, right: int) -> None:
    """Merge a range. Not `merge_cells`, which also restyles every covered cell (slowly): they have their style."""
    from openpyxl.worksheet.merge import MergedCellRange

    sheet.merged_cells.add(MergedCellRange(sheet, f"{_letter(left)}{top}:{_letter(right)}{bottom}"))


def _put(cell: Any, text: str) -> str:
    """A form cell: a figure as a number printed with its decimals, anything else as text; its number format."""
    m = _NUMBER.fullmatch(text)
    if m is None:
        put_text(cell, text or None)
        return "General"
    places = len(m.group(2) or "")
    return put_number(cell, Decimal(text.replace(",", "")), places, grouped="," in text)


def put_text(cell: Any, text: str | None) -> None:
    """Text as text, even `=56850 份` (which openpyxl would otherwise write as a formula)."""
    cell.value = text
    if text:
        cell.data_type = "s"


def put_number(cell: Any, value: Decimal, places: int, grouped: bool = False) -> str:
    """An exact number as a cell value (as text if a double cannot hold it); the format that prints it."""
    digits = len(value.as_tuple().digits)
    if digits > 15:
        cell.value = format(value, "f")
        return "General"
    cell.value = int(value) if value == value.to_integral_value() and places == 0 else float(value)
    return ("#,##0" if grouped else "0") + ("." + "0" * places if places else "")


def _clean(text: str) -> str:
    text = _ILLEGAL.sub("", text)
    return text if len(text) <= MAX_TEXT else text[:MAX_TEXT - 1] + "…"


def _sheet_name(wanted: str, taken: set[str]) -> str:
    """A valid sheet name (≤ 31 characters, none of []:*?/\\), unique in the workbook."""
    base = _SHEET_UNSAFE.sub("_", _clean(wanted).replace("\n", " ")).strip().strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        suffix = f" ({n})"
        name = base[:31 - len(suffix)] + suffix
    taken.add(name.lower())
    return name


def _letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


# -- flat sheets -------------------------------------------------------------------------------------

def flat_sheet(sheet: Worksheet, titles: list[str], body: Iterable[list[Cell]], look: Look) -> None:
    """A header row, then one row per record: what a machine (or a filter) reads."""
    widths = [_display(t) for t in titles]
    for col, title in enumerate(titles, start=1):
        look.put(sheet.cell(row=1, column=col, value=_clean(title)), "bold")
    row = 1
    for row, record in enumerate(body, start=2):
        if row > MAX_ROWS:
            raise RenderError(f"工作表“{sheet.title}”超过 {MAX_ROWS} 行", f"sheet '{sheet.title}' exceeds {MAX_ROWS} rows")
        for col, value in enumerate(record, start=1):
            cell = sheet.cell(row=row, column=col)
            shown = "General"
            if isinstance(value.value, Decimal):
                shown = put_number(cell, value.value, value.places)
            elif value.value is not None:
                put_text(cell, _clean(value.value))
            look.put(cell, number_format=shown)
            widths[col - 1] = max(widths[col - 1], _display(str(cell.value or "")) + 1)
    for col, width in enumerate(widths, start=1):
        sheet.column_dimensions[_letter(col)].width = min(60, max(8, width + 2))
    sheet.freeze_panes = "A2"


# -- the package -------------------------------------------------------------------------------------

def save(book: Any, epoch: int, out: BinaryIO, title: str | None = None, author: str | None = None) -> None:
    """Write `book` with its dates and every zip entry's time taken from `epoch`: the same book, the same bytes."""
    from openpyxl.writer.excel import ExcelWriter

    when = dt.datetime.fromtimestamp(epoch, dt.timezone.utc).replace(tzinfo=None)
    book.properties.created = book.properties.modified = when
    book.properties.title, book.properties.creator = title, author or "perfdecl"
    book.properties.lastModifiedBy = author or "perfdecl"
    raw = io.BytesIO()
    with zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).write_data()
    stamp = dt.datetime.fromtimestamp(clamp(epoch), dt.timezone.utc).timetuple()[:6]
    with zipfile.ZipFile(raw) as made, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in made.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            archive.writestr(entry, made.read(info.filename))
