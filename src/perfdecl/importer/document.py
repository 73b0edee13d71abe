"""A .docx as plain blocks: paragraphs and tables, text as a reader sees it.

Reads what Word and LibreOffice write, not only what perfdecl writes: text
split over many runs, soft line breaks (a newline), fields (their result, not
their code), tracked changes (insertions kept, deletions dropped), content
controls, cells merged with `gridSpan`/`vMerge` (the merged text is repeated
in every grid cell it covers) and tables split across page breaks (joined
when nothing but empty paragraphs lies between parts of the same width).
The package is checked before parsing: a regular file, a zip, bounded sizes.
"""
from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..text import Text

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
MAX_FILE = 64 << 20  # bytes of the .docx itself
MAX_UNPACKED = 256 << 20  # bytes of all its parts, unpacked
MAX_RATIO = 200  # unpacked / packed size of one part beyond which it is a zip bomb
MAX_BLOCKS = 200_000  # paragraphs and table rows
SKIPPED = {W + "del", W + "moveFrom", W + "instrText", W + "delText", W + "delInstrText", MC_FALLBACK,
           W + "txbxContent", W + "rPr", W + "pPr"}
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .docx, or a .doc/.wps


class Unreadable(Exception):
    """The file is not a Word document we can read; `text` says why."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text


@dataclass
class Paragraph:
    text: str
    index: int  # 1-based among the body's paragraphs


@dataclass
class Cell:
    text: str
    origin: tuple[int, int]  # (row, grid column) where the merged cell starts


@dataclass
class Table:
    index: int  # 1-based among the document's tables
    rows: list[list[Cell]] = field(default_factory=list)  # grid-expanded

    def texts(self, row: int) -> list[str]:
        """The distinct cells of row `row` that start in it, left to right."""
        seen: list[str] = []
        previous = None
        for cell in self.rows[row]:
            if cell.origin != previous and cell.origin[0] == row:
                seen.append(cell.text)
            previous = cell.origin
        return seen


Block = Paragraph | Table


def check_package(path: Path) -> bytes:
    """The bytes of the .docx at `path`, refused when they are not a readable, bounded zip package."""
    try:
        if not path.is_file():
            raise Unreadable(Text(f"{path} 不是普通文件", f"{path} is not a regular file"))
        size = path.stat().st_size
        if size > MAX_FILE:
            raise Unreadable(Text(f"{path} 太大（{size} 字节）", f"{path} is too large ({size} bytes)"))
        data = path.read_bytes()
    except OSError as e:
        raise Unreadable(Text(f"无法读取 {path}：{e.strerror or e}", f"cannot read {path}: {e.strerror or e}")) from None
    if data.startswith(OLE):
        raise Unreadable(Text(f"{path} 是加密的文档或旧版 .doc/.wps 格式：请在 Word 中取消密码后另存为 .docx",
                              f"{path} is an encrypted document or an old .doc/.wps file: remove the password "
                              "and save it as .docx"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = 0
            for info in archive.infolist():
                total += info.file_size
                if total > MAX_UNPACKED or info.file_size > MAX_RATIO * max(info.compress_size, 1024):
                    raise Unreadable(Text(f"{path} 解压后过大（疑似压缩炸弹），已拒绝",
                                          f"{path} unpacks to too much data (a zip bomb?): refused"))
            if "word/document.xml" not in archive.namelist():
                raise Unreadable(Text(f"{path} 不是 Word 文档（没有 word/document.xml）",
                                      f"{path} is not a Word document (no word/document.xml)"))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
        raise Unreadable(Text(f"{path} 不是 .docx 文件（不是 zip 格式）", f"{path} is not a .docx file (not a zip)")) from None
    return data


def read(path: Path) -> list[Block]:
    """The body of the .docx at `path` as blocks, in order."""
    import docx
    from docx.opc.exceptions import OpcError

    data = check_package(path)
    try:
        body = docx.Document(io.BytesIO(data)).element.body
    except (OpcError, KeyError, ValueError, SyntaxError) as e:
        raise Unreadable(Text(f"无法打开 {path}：{e}", f"cannot open {path}: {e}")) from None
    return [] if body is None else _join_split_tables(list(_blocks(body, [0, 0])))


def properties(path: Path) -> dict[str, str]:
    """The document's title and author (its core properties), as far as it has them."""
    import docx
    from docx.opc.exceptions import OpcError

    try:
        core = docx.Document(io.BytesIO(check_package(path))).core_properties
    except (OpcError, KeyError, ValueError, SyntaxError, Unreadable):  # read() reports these; properties are a hint
        return {}
    return {key: str(getattr(core, key) or "") for key in ("title", "author")}


def _blocks(parent: Any, counts: list[int]) -> Iterator[Block]:
    for child in parent:
        if counts[0] + counts[1] > MAX_BLOCKS:
            raise Unreadable(Text("文档的段落和表格行过多", "the document has too many paragraphs and table rows"))
        if child.tag == W + "p":
            counts[0] += 1
            yield Paragraph(paragraph_text(child), counts[0])
        elif child.tag == W + "tbl":
            counts[1] += 1
            table = _table(child, counts[1])
            counts[0] += len(table.rows)
            yield table
        elif child.tag in (W + "sdt", W + "customXml", W + "sdtContent", W + "ins", W + "moveTo"):
            yield from _blocks(child, counts)


def paragraph_text(p: object) -> str:
    """The text a reader sees in paragraph `p`: runs joined, breaks as newlines, no field codes or deletions."""
    out: list[str] = []
    _collect(p, out)
    return "".join(out)


def _collect(element: object, out: list[str]) -> None:
    for child in element:  # type: ignore[attr-defined]
        tag = child.tag
        if not isinstance(tag, str) or tag in SKIPPED:
            continue
        if tag == W + "t":
            out.append(child.text or "")
        elif tag == W + "tab":
            out.append("\t")
        elif tag in (W + "br", W + "cr"):
            if child.get(W + "type") not in ("page", "column"):
                out.append("\n")
        elif tag == W + "noBreakHyphen":
            out.append("-")
        else:
            _collect(child, out)


def _cell_text(tc: object) -> str:
    return "\n".join(paragraph_text(p) for p in tc.iter(W + "p"))  # type: ignore[attr-defined]


def _table(tbl: object, index: int) -> Table:
    table = Table(index)
    above: dict[int, Cell] = {}  # grid column -> the cell covering it in the row above
    rows = [tr for tr in tbl.iter(W + "tr") if _owner(tr) is tbl]  # type: ignore[attr-defined]
    if len(rows) > MAX_BLOCKS:
        raise Unreadable(Text("文档的表格行过多", "a table of the document has too many rows"))
    for r, tr in enumerate(rows):
        row: list[Cell] = []
        column = 0
        before = tr.find(f"{W}trPr/{W}gridBefore")
        if before is not None:
            column = _int(before.get(W + "val"), 0)
            row.extend(Cell("", (r, c)) for c in range(column))
        for tc in tr.iter(W + "tc"):
            if _owner(tc) is not tr:
                continue  # a nested table's cell
            props = tc.find(W + "tcPr")
            span = max(1, min(_int(props.find(W + "gridSpan").get(W + "val"), 1), 64)) \
                if props is not None and props.find(W + "gridSpan") is not None else 1
            merge = props.find(W + "vMerge") if props is not None else None
            continued = merge is not None and merge.get(W + "val") in (None, "continue")
            cell = above[column] if continued and column in above else Cell(_cell_text(tc), (r, column))
            for c in range(column, column + span):
                row.append(cell)
                above[c] = cell
            column += span
        table.rows.append(row)
    return table


def _owner(element: object) -> object:
    """The nearest ancestor of `element` that is not a content control or tracked insertion."""
    parent = element.getparent()  # type: ignore[attr-defined]
    while parent is not None and parent.tag in (W + "sdt", W + "sdtContent", W + "customXml", W + "ins"):
        parent = parent.getparent()
    return parent


def _int(text: str | None, default: int) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


def _join_split_tables(blocks: list[Block]) -> list[Block]:
    """Tables of the same width separated only by empty paragraphs are one table split by a page break."""
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Table):
            previous = _previous_table(out)
            if previous is not None and _width(previous) == _width(block) and previous.rows and block.rows:
                while out and out[-1] is not previous:
                    out.pop()
                start = len(previous.rows)
                repeated = [c.text for c in block.rows[0]] == [c.text for c in previous.rows[0]]
                for row in block.rows[1:] if repeated else block.rows:
                    previous.rows.append([Cell(c.text, (c.origin[0] + start - repeated, c.origin[1])) for c in row])
                continue
        out.append(block)
    return out


def _previous_table(out: list[Block]) -> Table | None:
    for block in reversed(out):
        if isinstance(block, Table):
            return block
        if block.text.strip():
            return None
    return None


def _width(table: Table) -> int:
    return max((len(row) for row in table.rows), default=0)
