"""Markup → a .docx, written with python-docx inside the template's reference.docx.

The reference document supplies page set-up, named styles, footers and fonts.
python-docx opens it (`docx.Document`); styles are looked up through
`document.styles`; paragraphs, runs, breaks, tables, cell widths and
alignments, and the core properties are written through its API. Its oxml
layer is used only where the API has no call: `CT_TcPr.grid_span` /
`vMerge_val` for merged cells (never `cell.merge()`, which is quadratic in a
loop), the table width, column widths (`table.columns` is cached on the table
and refers back to it: a cycle that keeps whole tables alive while the
collector is off), `w:cantSplit` / `w:tblHeader` on rows, and new rows and
cells (`add_tr` / `add_tc`: `Table.add_row` makes one cell per grid column,
which a merged row must not have). Each distinct set of paragraph, row and
cell properties is made through the API once and copied after.

Streaming: the document's body is never built whole. Each top-level block is
written into a scratch body of the same document (so its styles resolve),
serialised, and dropped; the chunks go straight into the zip entry between the
reference's own head and tail (its `w:sectPr`). A `<page>` of the markup ends
the section before it (a paragraph holding a copy of the reference's
`w:sectPr` set as that section's page) and sets the page of the body's last
`w:sectPr`, through python-docx's `Section`. Time and memory stay linear
and small for thousands of projects. The package is written with fixed zip
timestamps, entry order and compression (`package.write_zip`): the same input
gives the same bytes.
"""
from __future__ import annotations

import copy
import datetime as dt
import io
import itertools
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, BinaryIO

import docx
from docx.blkcntnr import BlockItemContainer
from docx.document import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_BREAK, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.table import CT_Tc
from docx.section import Section
from docx.shared import Emu, Length, Mm, Twips
from docx.styles.style import BaseStyle
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph
from lxml import etree

from . import RenderError
from .markup import ALIGN, VALIGN, Markup, PageSetup, Slot, bad, choice, flag, grid, has_blocks, page_setup
from .package import ZIP_EPOCH_MIN, clamp, read_package, write_zip

__all__ = ["ZIP_EPOCH_MIN", "Reference", "open_reference", "to_docx", "write_zip"]

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
TWIPS_PER_MM = 1440 / 25.4
_ALIGN = {"left": WD_PARAGRAPH_ALIGNMENT.LEFT, "center": WD_PARAGRAPH_ALIGNMENT.CENTER,
          "right": WD_PARAGRAPH_ALIGNMENT.RIGHT, "justify": WD_PARAGRAPH_ALIGNMENT.JUSTIFY,
          "distribute": WD_PARAGRAPH_ALIGNMENT.DISTRIBUTE}
_TABLE_ALIGN = {"left": WD_TABLE_ALIGNMENT.LEFT, "center": WD_TABLE_ALIGNMENT.CENTER,
                "right": WD_TABLE_ALIGNMENT.RIGHT}
_VALIGN = {"top": WD_CELL_VERTICAL_ALIGNMENT.TOP, "center": WD_CELL_VERTICAL_ALIGNMENT.CENTER,
           "bottom": WD_CELL_VERTICAL_ALIGNMENT.BOTTOM}
_KINDS = {WD_STYLE_TYPE.PARAGRAPH: ("段落", "paragraph"), WD_STYLE_TYPE.TABLE: ("表格", "table")}
_MARK, _END = "perfdecl:body", "perfdecl:end"
_SPECIAL = re.compile(r"([\t\n])")
_CORE_LIMIT = 255  # characters python-docx (and Word) take in a core property


@dataclass(frozen=True)
class Reference:
    """A template's reference.docx, opened once per process.

    `document` is never changed by a build except its core properties, which
    every build sets in full; its body is empty but for the section properties.
    """

    entries: tuple[tuple[str, bytes], ...]  # zip members in their order
    document: Document
    part: str  # zip name of the main document part
    core: str | None  # zip name of the core-properties part, if the reference has one
    head: bytes  # document.xml up to the body's content …
    tail: bytes  # … and from its w:sectPr on
    after: bytes  # the end of the tail, after that w:sectPr
    styles: dict[str, BaseStyle]  # lower-cased style name or id → style
    text_width: float | None  # millimetres between the page margins
    page: PageSetup | None  # the page of its (last) section

    def style(self, name: str, kind: WD_STYLE_TYPE, el: etree._Element) -> Any:
        """The style of this kind named `name` (a ParagraphStyle or a table style, as python-docx types them)."""
        found = self.styles.get(name.lower())
        if found is None or found.type != kind:
            zh, en = _KINDS[kind]
            known = sorted({s.name or s.style_id for s in self.styles.values() if s.type == kind})
            raise bad(el, f"reference.docx 中没有{zh}样式“{name}”（有：{'、'.join(known)}）",
                      f"reference.docx has no {en} style '{name}' (it has: {', '.join(known)})")
        return found


def open_reference(path: Path) -> Reference:
    try:
        stat = path.stat()
    except OSError as e:
        raise RenderError(f"无法读取 {path}：{e.strerror}", f"cannot read {path}: {e.strerror}") from None
    return _open(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _open(path: str, _mtime: int, _size: int) -> Reference:
    entries = read_package(Path(path))  # refuses bombs, unsafe names, encryption, unknown compression
    try:
        document = docx.Document(io.BytesIO(_stored(entries)))
        return _reference(entries, document)
    except RenderError:
        raise
    except Exception as e:  # python-docx raises many kinds on a malformed package; all mean "unusable"
        raise RenderError(f"{Path(path).name} 不是可用的 Word 文档（.docx）：{type(e).__name__}: {e}",
                          f"{Path(path).name} is not a usable .docx: {type(e).__name__}: {e}") from None


def _stored(entries: list[tuple[str, bytes]]) -> bytes:
    """The checked members as a new zip, so that python-docx reads exactly what was checked."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buffer.getvalue()


def _reference(entries: list[tuple[str, bytes]], document: Document) -> Reference:
    root = document.element
    if root.nsmap.get("w") != W:
        raise RenderError("reference.docx 的 document.xml 没有以 w: 前缀声明 WordprocessingML 命名空间",
                          "reference.docx: document.xml does not bind the w: prefix to WordprocessingML")
    body = root.body
    body.clear_content()  # keeps the w:sectPr: the page set-up
    mark, end = etree.Comment(_MARK), etree.Comment(_END)
    body.insert(0, mark)
    body.append(end)
    head, tail = etree.tostring(root, encoding="UTF-8", standalone=True).split(f"<!--{_MARK}-->".encode())
    section, after = tail.split(f"<!--{_END}-->".encode())
    body.remove(mark)
    body.remove(end)
    package = document.part.package
    try:
        core: str | None = package.part_related_by(RT.CORE_PROPERTIES).partname.lstrip("/")
    except KeyError:
        core = None
    return Reference(tuple(entries), document, document.part.partname.lstrip("/"), core, head, section + after,
                     after, _styles(document), _text_width(document), _page(document))


def _styles(document: Document) -> dict[str, BaseStyle]:
    """Lower-cased style id and name → style; none if the reference has no styles part."""
    try:
        document.part.part_related_by(RT.STYLES)
    except KeyError:  # python-docx would make up styles of its own, which the document would not carry
        return {}
    styles: dict[str, BaseStyle] = {}
    for style in document.styles:
        for key in (style.style_id, style.name):
            if key:
                styles.setdefault(key.lower(), style)
    return styles


def _text_width(document: Document) -> float | None:
    sections = document.sections
    if not len(sections):
        return None
    section = sections[-1]
    size, left, right = section.page_width, section.left_margin, section.right_margin
    if size is None:
        return None
    twips = Emu(size - (left or 0) - (right or 0)).twips
    return twips / TWIPS_PER_MM if twips > 0 else None


def _page(document: Document) -> PageSetup | None:
    sections = document.sections
    if not len(sections):
        return None
    section = sections[-1]
    lengths = (section.page_width, section.page_height, section.top_margin, section.right_margin,
               section.bottom_margin, section.left_margin)
    if any(length is None for length in lengths):
        return None
    width, height, *margins = (Length(length or 0).mm for length in lengths)
    return PageSetup(width, height, (margins[0], margins[1], margins[2], margins[3]))


def to_docx(markup: Markup, reference: Reference, epoch: int, out: BinaryIO) -> None:
    """Write the .docx of `markup`, built in `reference`, to `out`."""
    parts: dict[str, bytes | Iterable[bytes]] = dict(reference.entries)
    writer = _Writer(reference)
    parts[reference.part] = itertools.chain([reference.head], writer.chunks(markup.blocks), writer.tail())
    if reference.core:
        parts[reference.core] = _core(reference, markup.attrs, epoch)
    write_zip(out, [(name, parts[name]) for name, _ in reference.entries], epoch)


class _Writer:
    """Markup blocks → WordprocessingML through python-docx, one top-level block at a time.

    Paragraph, row and cell properties repeat a lot: python-docx builds each
    distinct set once (a style lookup and a schema-ordered insert per property
    cost about 30 µs), and later paragraphs, rows and cells get a copy of it
    (about 2 µs; `copy.copy` of an lxml element copies its whole subtree).
    This keeps a 1,000-project document within its time budget; see
    docs/templates.md, "The Word writer".
    """

    def __init__(self, reference: Reference) -> None:
        self.ref = reference
        self.body = OxmlElement("w:body")
        self.scratch = BlockItemContainer(self.body, reference.document)
        self.start = etree.tostring(OxmlElement("w:body")).replace(b"/>", b">")
        self.end = b"</w:body>"
        self.paragraph_props: dict[tuple, etree._Element | None] = {}  # attributes → w:pPr (None: no properties)
        self.row_props: dict[tuple[bool, bool], etree._Element] = {}  # (cant-split, header) → w:trPr
        self.cells: dict[tuple, etree._Element] = {}  # geometry → an empty w:tc with its w:tcPr
        self.section: etree._Element | None = None  # the w:sectPr since the last <page>, if any
        self.text_width = reference.text_width  # that section's
        self.written = False  # whether a block is written yet
        self.last = ""  # the tag of the last block written

    def chunks(self, blocks: Iterable[etree._Element]) -> Iterator[bytes]:
        """The body's XML, one top-level block after another."""
        for block in blocks:
            if block.tag == "page":
                self.page(block)
            else:
                self.block(self.scratch, block, None, None)
                self.written, self.last = True, block.tag
            if not len(self.body):  # a <page> that ends no section
                continue
            xml = etree.tostring(self.body, encoding="UTF-8")
            if not (xml.startswith(self.start) and xml.endswith(self.end)):
                raise AssertionError(f"unexpected serialisation of a block: {xml[:80]!r}")
            yield xml[len(self.start):-len(self.end)]
            # A new scratch body: removing the block would walk its whole tree; dropping the body frees it at once.
            self.body = OxmlElement("w:body")
            self.scratch = BlockItemContainer(self.body, self.ref.document)

    def tail(self) -> Iterator[bytes]:
        """What follows the body's blocks: the last section's w:sectPr and the end of the document."""
        if self.section is None:
            yield self.ref.tail
            return
        # A section must end with a paragraph: LibreOffice drops the last one if a table ends it.
        yield (b"<w:p/>" if self.last == "table" else b"") + etree.tostring(self.section, encoding="unicode").encode(
            "utf-8") + self.ref.after

    def page(self, el: etree._Element) -> None:
        """`<page>`: end the section so far (unless nothing is written yet); the next one has this page."""
        setup = page_setup(el, self.ref.page)
        if self.written:
            self.scratch.add_paragraph()._p.set_sectPr(self.section if self.section is not None else self._section())
        self.section = self._section(setup)
        if self.written:  # page numbers go on from the section before
            numbers = self.section.find(qn("w:pgNumType"))
            if numbers is not None and numbers.get(qn("w:start")) is not None:
                del numbers.attrib[qn("w:start")]
        self.text_width = setup.text_width

    def _section(self, setup: PageSetup | None = None) -> etree._Element:
        """A copy of the reference's w:sectPr (its footers too), with the page `setup` if given."""
        own = self.ref.document.element.body.sectPr
        sect = own.clone() if own is not None else OxmlElement("w:sectPr")
        if setup is not None:
            section = Section(sect, self.ref.document.part)
            section.orientation = WD_ORIENT.LANDSCAPE if setup.landscape else WD_ORIENT.PORTRAIT
            section.page_width, section.page_height = Mm(setup.width), Mm(setup.height)
            top, right, bottom, left = (Mm(m) for m in setup.margins)
            section.top_margin, section.right_margin, section.bottom_margin, section.left_margin = top, right, bottom, left
        return sect

    def block(self, container: BlockItemContainer, el: etree._Element, style: str | None,
              align: str | None) -> None:
        if el.tag == "p":
            self.paragraph(container.add_paragraph(), el, style, align)
        elif el.tag == "table":
            self.table(container, el)
        elif el.tag == "pagebreak":
            container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
        else:
            raise bad(el, "此处应为 <p>、<table> 或 <pagebreak/>", "expected <p>, <table> or <pagebreak/> here")

    def paragraph(self, paragraph: Paragraph, el: etree._Element, style: str | None, align: str | None) -> None:
        """Fill the empty `paragraph` from `<p>` (or a text cell's `<td>`)."""
        get = el.get
        key = (get("style", style), get("align", align), get("keep-next"), get("page-break"))
        if key not in self.paragraph_props:
            self.paragraph_props[key] = self._paragraph_props(el, key)
        props = self.paragraph_props[key]
        if props is not None:
            paragraph._p.insert(0, copy.copy(props))
        if len(el):
            self.inline(paragraph, el, "")
        elif el.text:
            self.run(paragraph, el.text, "")

    def _paragraph_props(self, el: etree._Element, key: tuple) -> etree._Element | None:
        """The w:pPr of a paragraph with these attributes, made through python-docx's API."""
        name, align, _, _ = key
        paragraph = self.scratch.add_paragraph()
        if name:
            paragraph.style = self.ref.style(name, WD_STYLE_TYPE.PARAGRAPH, el)
        if flag(el, "keep-next"):
            paragraph.paragraph_format.keep_with_next = True
        if el.get("page-break") == "before":
            paragraph.paragraph_format.page_break_before = True
        align = choice(el, "align", ALIGN, align)
        if align:
            paragraph.alignment = _ALIGN[align]
        self.body.remove(paragraph._p)
        return paragraph._p.pPr

    def inline(self, paragraph: Paragraph, el: etree._Element, props: str) -> None:
        if el.text:
            self.run(paragraph, el.text, props)
        for child in el:
            tag = child.tag
            if tag == "br":
                paragraph.add_run().add_break()
            elif tag in ("b", "i", "u"):
                self.inline(paragraph, child, "".join(t for t in "biu" if t in props or t == tag))
            else:
                raise bad(child, "段落中只能有文字和 <b> <i> <u> <br/>", "a paragraph holds only text, <b>, <i>, <u> and <br/>")
            if child.tail:
                self.run(paragraph, child.tail, props)

    @staticmethod
    def run(paragraph: Paragraph, text: str, props: str) -> None:
        """One run: a tab becomes w:tab, a newline w:br (as `Run.text` does, without its per-character loop)."""
        run = paragraph.add_run()
        if "b" in props:
            run.bold = True
        if "i" in props:
            run.italic = True
        if "u" in props:
            run.underline = True
        if "\t" not in text and "\n" not in text:
            run.add_text(text)
            return
        for piece in _SPECIAL.split(text):
            if piece == "\t":
                run.add_tab()
            elif piece == "\n":
                run.add_break()
            elif piece:
                run.add_text(piece)

    def table(self, container: BlockItemContainer, el: etree._Element) -> None:
        layout = grid(el, self.text_width)
        cols = [round(mm * TWIPS_PER_MM) for mm in layout.widths]
        # The base class's add_table: a cell's own adds a paragraph after the table.
        table = BlockItemContainer.add_table(container, 0, len(cols), Twips(sum(cols)))
        if el.get("style"):
            table.style = self.ref.style(el.get("style", ""), WD_STYLE_TYPE.TABLE, el)
        width = table._tbl.tblPr.find(qn("w:tblW"))  # no API for the table's width
        width.set(qn("w:type"), "dxa")
        width.set(qn("w:w"), str(sum(cols)))
        table.alignment = _TABLE_ALIGN[choice(el, "align", frozenset(_TABLE_ALIGN), "center") or "center"]
        table.autofit = False
        # Not `table.columns[i].width`: `columns` is cached on the table and refers back to it, a cycle
        # that keeps every whole table in memory while the collector is off (675 MB for 1,000 projects).
        for column, twips in zip(table._tbl.tblGrid.gridCol_lst, cols):
            column.w = Twips(twips)
        style, align = el.get("cell-style"), choice(el, "cell-align", ALIGN)
        valign = choice(el, "cell-valign", VALIGN)
        shape = tuple(cols)
        for tr, slots in layout.rows:
            row = table._tbl.add_tr()
            row_key = (flag(tr, "cant-split"), flag(tr, "header"))
            if any(row_key):
                props = self.row_props.get(row_key)
                row.append(copy.copy(props if props is not None else self._row_props(row_key)))
            for slot in slots:
                td = slot.td
                cell_valign = choice(td, "valign", VALIGN, valign) if td is not None else valign
                key = (slot.col, slot.span, slot.merged, slot.rows > 1, cell_valign, shape)
                empty = self.cells.get(key)
                tc = copy.copy(empty if empty is not None else self._cell(table, cols, slot, cell_valign, key))
                row.append(tc)
                if td is not None and not slot.merged:
                    self.cell(_Cell(tc, table), td, td.get("style", style), td.get("align", align))

    def _row_props(self, key: tuple[bool, bool]) -> etree._Element:
        """w:trPr with w:cantSplit and/or w:tblHeader: python-docx has no API for either."""
        props = self.row_props[key] = OxmlElement("w:trPr")
        for on, tag in zip(key, ("w:cantSplit", "w:tblHeader")):
            if on:
                props.append(OxmlElement(tag))
        return props

    def _cell(self, table: Table, cols: list[int], slot: Slot, valign: str | None, key: tuple) -> etree._Element:
        """An empty cell of this geometry, made through python-docx (its oxml layer for the merges)."""
        cell = _Cell(CT_Tc.new(), table)
        cell.width = Twips(sum(cols[slot.col:slot.col + slot.span]))
        props = cell._tc.get_or_add_tcPr()
        props.grid_span = slot.span  # no API but cell.merge(); see the module's docstring
        if slot.merged or slot.rows > 1:
            props.vMerge_val = "continue" if slot.merged else "restart"
        if valign:
            cell.vertical_alignment = _VALIGN[valign]
        self.cells[key] = cell._tc
        return cell._tc

    def cell(self, cell: _Cell, td: etree._Element, style: str | None, align: str | None) -> None:
        if not has_blocks(td):
            self.paragraph(Paragraph(cell._tc[-1], cell), td, style, align)
            return
        cell._tc.clear_content()
        for child in td:
            self.block(cell, child, style, align)
        if td[-1].tag != "p":  # a cell must end with a paragraph
            cell.add_paragraph()


def _core(reference: Reference, attrs: dict[str, str], epoch: int) -> bytes:
    """Core properties: the document's own, timestamps from `epoch`, no machine user."""
    core = reference.document.core_properties
    stamp = dt.datetime.fromtimestamp(clamp(epoch), dt.timezone.utc)
    core.title = attrs.get("title", "")[:_CORE_LIMIT]
    core.subject = attrs.get("subject", "")[:_CORE_LIMIT]
    core.author = attrs.get("author", "")[:_CORE_LIMIT]
    core.comments = attrs.get("description", "")[:_CORE_LIMIT]
    core.keywords = attrs.get("keywords", "")[:_CORE_LIMIT]
    core.last_modified_by = core.author
    core.revision = 1
    core.created = core.modified = stamp
    if core.last_printed is not None:
        core.last_printed = stamp
    part = reference.document.part.package.part_related_by(RT.CORE_PROPERTIES)
    return part.blob
