"""Markup → WordprocessingML inside the template's reference.docx.

The reference document supplies page set-up, named styles, footers and
fonts; we only clear its body (keeping the section properties) and append.
Tables are written directly (`w:tbl`, `w:gridCol`, `w:gridSpan`, `w:vMerge`)
with a fixed layout. The package is written with fixed zip timestamps, entry
order and compression, so the same input gives the same bytes.
"""
from __future__ import annotations

import itertools
import posixpath
import re
import time
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path
from typing import BinaryIO

from lxml import etree

from . import RenderError
from .markup import ALIGN, VALIGN, Grid, Markup, Slot, bad, choice, flag, grid, has_blocks

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CORE = {
    "cp": "http://schemas.openxmlformats.org/package/2006/metadata/core-properties",
    "dc": "http://purl.org/dc/elements/1.1/",
    "dcterms": "http://purl.org/dc/terms/",
    "xsi": "http://www.w3.org/2001/XMLSchema-instance",
}
ZIP_EPOCH_MIN, ZIP_EPOCH_MAX = 315532800, 4354819199  # 1980-01-01 .. 2107-12-31, what zip can store
TWIPS_PER_MM = 1440 / 25.4
_JC = {"left": "left", "center": "center", "right": "right", "justify": "both", "distribute": "distribute"}
_SPECIAL = re.compile(r"([\t\n])")


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


VAL, WW = w("val"), w("w")


@dataclass(frozen=True)
class Reference:
    """What the renderer needs from a reference.docx."""

    entries: tuple[tuple[str, bytes], ...]  # zip entries in their order
    document: str  # name of the main document part
    core: str | None  # name of the core-properties part, if any
    styles: dict[str, tuple[str, str, str]]  # lower-cased style name or id → (type, styleId, name)
    text_width: float | None  # millimetres between the page margins

    def style_id(self, name: str, kind: str, el: etree._Element) -> str:
        found = self.styles.get(name.lower())
        if not found or found[0] != kind:
            known = sorted({shown for k, _, shown in self.styles.values() if k == kind})
            raise bad(el, f"reference.docx 中没有{'段落' if kind == 'paragraph' else '表格'}样式“{name}”（有：{'、'.join(known)}）",
                      f"reference.docx has no {kind} style '{name}' (it has: {', '.join(known)})")
        return found[1]


def open_reference(path: Path) -> Reference:
    try:
        stat = path.stat()
    except OSError as e:
        raise RenderError(f"无法读取 {path}：{e.strerror}", f"cannot read {path}: {e.strerror}") from None
    return _open(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _open(path: str, _mtime: int, _size: int) -> Reference:
    try:
        with zipfile.ZipFile(path) as z:
            entries = tuple((i.filename, z.read(i)) for i in z.infolist() if not i.is_dir())
        parts = dict(entries)
        document = _target(parts, "", "/officeDocument")
        if document is None or document not in parts:
            raise ValueError("no main document part")
        core = _target(parts, "", "/core-properties")
        styles_name = _target(parts, document, "/styles")
        styles = _styles(parts[styles_name]) if styles_name in parts else {}
        text_width = _text_width(etree.fromstring(parts[document]))
    except (OSError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError) as e:
        raise RenderError(f"{path} 不是可用的 Word 文档（.docx）：{e}", f"{path} is not a usable .docx: {e}") from None
    return Reference(entries, document, core if core in parts else None, styles, text_width)


def _target(parts: dict, source: str, kind: str) -> str | None:
    """The part a relationship of type `…kind` from `source` ("" = the package) points to."""
    folder, name = posixpath.split(source)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in parts:
        return None
    for rel in etree.fromstring(parts[rels]).iter(f"{{{REL}}}Relationship"):
        if rel.get("Type", "").endswith(kind) and rel.get("TargetMode") != "External":
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
    return None


def _styles(xml: bytes) -> dict[str, tuple[str, str, str]]:
    out: dict[str, tuple[str, str, str]] = {}
    for style in etree.fromstring(xml).iter(w("style")):
        kind, sid = style.get(w("type"), ""), style.get(w("styleId"), "")
        name = style.find(w("name"))
        shown = name.get(VAL, sid) if name is not None else sid
        shown = shown[0].upper() + shown[1:] if shown else shown  # Word shows "heading 1" as "Heading 1"
        for key in (sid, shown):
            if key:
                out.setdefault(key.lower(), (kind, sid, shown))
    return out


def _text_width(document: etree._Element) -> float | None:
    sect = document.find(f"{w('body')}/{w('sectPr')}")
    size = sect.find(w("pgSz")) if sect is not None else None
    margins = sect.find(w("pgMar")) if sect is not None else None
    if size is None or margins is None:
        return None
    twips = int(size.get(WW, 0)) - int(margins.get(w("left"), 0)) - int(margins.get(w("right"), 0))
    return twips / TWIPS_PER_MM if twips > 0 else None


def to_docx(markup: Markup, reference: Reference, epoch: int, out: BinaryIO) -> None:
    """Write the .docx of `markup`, built in `reference`, to `out`.

    The body is written as text straight into the zip entry, one top-level
    block at a time: no element tree of the output is ever built, so time and
    memory stay linear and small for thousands of projects.
    """
    parts: dict[str, bytes | Iterable[bytes]] = dict(reference.entries)
    document = etree.fromstring(parts[reference.document])
    body = document.find(w("body"))
    if body is None:
        raise RenderError("reference.docx 没有正文（w:body）", "reference.docx has no w:body")
    sect = body[-1] if len(body) and body[-1].tag == w("sectPr") else None
    body.clear()
    body.append(etree.Comment(_MARK))
    if sect is not None:
        body.append(sect)
    head, tail = etree.tostring(document, xml_declaration=True, encoding="UTF-8", standalone=True).split(
        f"<!--{_MARK}-->".encode())
    prefix = next((p for p, ns in document.nsmap.items() if ns == W), None)
    builder = _Builder(reference, f"{prefix}:" if prefix else "")
    parts[reference.document] = itertools.chain([head], builder.chunks(markup.blocks), [tail])
    if reference.core:
        parts[reference.core] = _core(parts[reference.core], markup.attrs, epoch)  # type: ignore[arg-type]
    write_zip(out, [(name, parts[name]) for name, _ in reference.entries], epoch)


_MARK = "perfdecl:body"


class _Builder:
    """Markup → WordprocessingML text. `self.w` is the reference's prefix for the w: namespace.

    Paragraph and cell properties repeat a lot, so their XML is cached by the
    attributes that make it; this keeps a 1,000-project document fast.
    """

    def __init__(self, reference: Reference, prefix: str) -> None:
        self.ref, self.w = reference, prefix
        self.out: list[str] = []
        self.opening: dict[tuple, str] = {}  # paragraph attributes → "<w:p><w:pPr>…</w:pPr>"
        self.cell_props: dict[tuple, str] = {}  # cell geometry → "<w:tc><w:tcPr>…</w:tcPr>"

    def chunks(self, blocks: Iterable) -> Iterator[bytes]:
        """The body's XML, one top-level block after another."""
        for block in blocks:
            self.block(block, None, None)
            yield "".join(self.out).encode("utf-8")
            self.out.clear()

    def block(self, el: etree._Element, style: str | None, align: str | None) -> None:
        if el.tag == "p":
            self.paragraph(el, style, align)
        elif el.tag == "table":
            self.table(el)
        elif el.tag == "pagebreak":
            w = self.w
            self.out.append(f'<{w}p><{w}r><{w}br {w}type="page"/></{w}r></{w}p>')
        else:
            raise bad(el, "此处应为 <p>、<table> 或 <pagebreak/>", "expected <p>, <table> or <pagebreak/> here")

    def paragraph(self, el: etree._Element, style: str | None, align: str | None) -> None:
        get = el.get
        key = (get("style", style), get("align", align), get("keep-next"), get("page-break"))
        opening = self.opening.get(key)
        if opening is None:
            opening = self.opening[key] = self._opening(el, key)
        self.out.append(opening)
        if len(el):
            self.inline(el, "")
        elif el.text:
            self.run(el.text, "")
        self.out.append(f"</{self.w}p>")

    def _opening(self, el: etree._Element, key: tuple) -> str:
        w = self.w
        style, _, _, _ = key
        align = choice(el, "align", ALIGN, key[1])
        props = []
        if style:
            props.append(f'<{w}pStyle {w}val="{_attr(self.ref.style_id(style, "paragraph", el))}"/>')
        if flag(el, "keep-next"):
            props.append(f"<{w}keepNext/>")
        if el.get("page-break") == "before":
            props.append(f"<{w}pageBreakBefore/>")
        if align:
            props.append(f'<{w}jc {w}val="{_JC[align]}"/>')
        return f"<{w}p><{w}pPr>{''.join(props)}</{w}pPr>" if props else f"<{w}p>"

    def inline(self, el: etree._Element, props: str) -> None:
        if el.text:
            self.run(el.text, props)
        for child in el:
            tag = child.tag
            if tag == "br":
                self.out.append(f"<{self.w}r><{self.w}br/></{self.w}r>")
            elif tag in ("b", "i", "u"):
                self.inline(child, "".join(t for t in "biu" if t in props or t == tag))
            else:
                raise bad(child, "段落中只能有文字和 <b> <i> <u> <br/>", "a paragraph holds only text, <b>, <i>, <u> and <br/>")
            if child.tail:
                self.run(child.tail, props)

    def run(self, text: str, props: str) -> None:
        w, out = self.w, self.out
        out.append(f"<{w}r>")
        if props:
            out.append(f"<{w}rPr>" + "".join(_RUN_PROPS[t].format(w=w) for t in props) + f"</{w}rPr>")
        for piece in (_SPECIAL.split(text) if ("\t" in text or "\n" in text) else (text,)):
            if piece == "\t":
                out.append(f"<{w}tab/>")
            elif piece == "\n":
                out.append(f"<{w}br/>")
            elif piece:
                space = ' xml:space="preserve"' if piece[0].isspace() or piece[-1].isspace() else ""
                out.append(f"<{w}t{space}>{escape(piece, quote=False)}</{w}t>")
        out.append(f"</{w}r>")

    def table(self, el: etree._Element) -> None:
        w, out = self.w, self.out
        layout: Grid = grid(el, self.ref.text_width)
        cols = [round(mm * TWIPS_PER_MM) for mm in layout.widths]
        out.append(f"<{w}tbl><{w}tblPr>")
        if el.get("style"):
            out.append(f'<{w}tblStyle {w}val="{_attr(self.ref.style_id(el.get("style"), "table", el))}"/>')
        out.append(f'<{w}tblW {w}w="{sum(cols)}" {w}type="dxa"/><{w}jc {w}val="{_JC[choice(el, "align", ALIGN, "center") or "center"]}"/>'
                   f'<{w}tblLayout {w}type="fixed"/></{w}tblPr><{w}tblGrid>')
        out.extend(f'<{w}gridCol {w}w="{width}"/>' for width in cols)
        out.append(f"</{w}tblGrid>")
        style, align = el.get("cell-style"), choice(el, "cell-align", ALIGN)
        valign = choice(el, "cell-valign", VALIGN)
        shape = tuple(cols)
        for tr, slots in layout.rows:
            out.append(f"<{w}tr>")
            row_props = (f"<{w}cantSplit/>" if flag(tr, "cant-split") else "") + (
                f"<{w}tblHeader/>" if flag(tr, "header") else "")
            if row_props:
                out.append(f"<{w}trPr>{row_props}</{w}trPr>")
            for slot in slots:
                td = slot.td
                filled = td is not None and not slot.merged
                cell_valign = td.get("valign", valign) if td is not None else valign
                key = (slot.col, slot.span, slot.merged, slot.rows > 1, cell_valign, shape)
                opening = self.cell_props.get(key)
                if opening is None:
                    if td is not None:
                        choice(td, "valign", VALIGN, valign)
                    opening = self.cell_props[key] = self._cell_opening(cols, slot, cell_valign)
                out.append(opening)
                if td is not None and filled:
                    self.cell(td, td.get("style", style), td.get("align", align))
                else:
                    out.append(f"<{w}p/>")
                out.append(f"</{w}tc>")
            out.append(f"</{w}tr>")
        out.append(f"</{w}tbl>")

    def _cell_opening(self, cols: list[int], slot: Slot, valign: str | None) -> str:
        w = self.w
        props = [f'<{w}tcW {w}w="{sum(cols[slot.col:slot.col + slot.span])}" {w}type="dxa"/>']
        if slot.span > 1:
            props.append(f'<{w}gridSpan {w}val="{slot.span}"/>')
        if slot.merged:
            props.append(f"<{w}vMerge/>")
        elif slot.rows > 1:
            props.append(f'<{w}vMerge {w}val="restart"/>')
        if valign:
            props.append(f'<{w}vAlign {w}val="{valign}"/>')
        return f"<{w}tc><{w}tcPr>{''.join(props)}</{w}tcPr>"

    def cell(self, td: etree._Element, style: str | None, align: str | None) -> None:
        if has_blocks(td):
            for child in td:
                self.block(child, style, align)
            if td[-1].tag != "p":  # a cell must end with a paragraph
                self.out.append(f"<{self.w}p/>")
        else:
            self.paragraph(td, style, align)


_RUN_PROPS = {"b": "<{w}b/>", "i": "<{w}i/>", "u": '<{w}u {w}val="single"/>'}


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _core(xml: bytes, attrs: dict[str, str], epoch: int) -> bytes:
    """Core properties: the document's own, timestamps from `epoch`, no machine user."""
    core = etree.fromstring(xml)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(_clamp(epoch)))

    def put(prefix: str, tag: str, text: str, **attrs: str) -> None:
        el = core.find(f"{{{CORE[prefix]}}}{tag}")
        if el is None:
            el = etree.SubElement(core, f"{{{CORE[prefix]}}}{tag}")
        el.text = text
        for key, value in attrs.items():
            el.set(f"{{{CORE['xsi']}}}{key}", value)

    for prefix, tag, attr in (("dc", "title", "title"), ("dc", "subject", "subject"), ("dc", "creator", "author"),
                              ("dc", "description", "description"), ("cp", "keywords", "keywords")):
        put(prefix, tag, attrs.get(attr, ""))
    put("cp", "lastModifiedBy", attrs.get("author", ""))
    put("cp", "revision", "1")
    put("dcterms", "created", stamp, type="dcterms:W3CDTF")
    put("dcterms", "modified", stamp, type="dcterms:W3CDTF")
    for gone in core.findall(f"{{{CORE['cp']}}}lastPrinted"):
        core.remove(gone)
    return etree.tostring(core, xml_declaration=True, encoding="UTF-8", standalone=True)


def _clamp(epoch: int) -> int:
    return min(max(epoch, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX)


def write_zip(out: BinaryIO, entries: list[tuple[str, bytes | Iterable[bytes]]], epoch: int) -> None:
    """A zip whose bytes depend only on `entries` and `epoch`; [Content_Types].xml first.

    An entry's data is bytes or an iterable of byte chunks (streamed in).
    """
    stamp = time.gmtime(_clamp(epoch))[:6]
    ordered = sorted(entries, key=lambda e: e[0] != "[Content_Types].xml")  # stable: keeps the rest in order
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            with z.open(info, "w") as entry:
                for chunk in ((data,) if isinstance(data, bytes) else data):
                    entry.write(chunk)
