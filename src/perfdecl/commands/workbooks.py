"""Reading a workbook a person gave us: refuse what is not a plain .xlsx, bound what is read.

Used by `perfdecl import-indicators`. A workbook is hostile input: an old
.xls or an encrypted (password-protected) workbook is an OLE file, not a zip;
a zip may unpack to far more than it weighs; a sheet may claim a million
rows. Each is refused with a message before openpyxl reads much of it; cells
come back in order with their `Sheet!A1` positions, at most MAX_ROWS rows.
"""
from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..text import Text

MAX_BYTES = 50 * 2**20  # the file
MAX_UNPACKED = 300 * 2**20  # its zip entries together, unpacked
MAX_ROWS = 20_000  # rows read from one sheet; an indicator sheet has tens to hundreds
MAX_COLUMNS = 100
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted .xlsx, or an old .xls


class WorkbookError(Exception):
    """Why a workbook cannot be read: a Text to print."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text


def open_book(path: Path) -> Any:
    """The workbook at `path`, read-only, formulas kept as formulas; WorkbookError if it cannot be used."""
    name = str(path)
    if not path.is_file():
        raise WorkbookError(Text(f"{name} 不是文件", f"{name} is not a file"))
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise WorkbookError(Text(f"{name} 超过 {MAX_BYTES // 2**20} MB", f"{name} is larger than {MAX_BYTES // 2**20} MB"))
    with path.open("rb") as f:
        head = f.read(8)
    if head == OLE:
        raise WorkbookError(Text(f"{name} 是加密（设有打开密码）的工作簿或旧版 .xls 文件：请在 Excel 中取消密码，另存为 .xlsx 后再导入",
                                 f"{name} is an encrypted (password-protected) workbook or an old .xls file: remove the "
                                 "password and save it as .xlsx in Excel, then import it"))
    if not zipfile.is_zipfile(path):
        raise WorkbookError(Text(f"{name} 不是 .xlsx 工作簿", f"{name} is not an .xlsx workbook"))
    try:
        with zipfile.ZipFile(path) as z:
            unpacked = sum(i.file_size for i in z.infolist())
            has_book = "xl/workbook.xml" in z.namelist()
    except (zipfile.BadZipFile, OSError) as e:
        raise WorkbookError(Text(f"{name} 不是完好的 .xlsx 工作簿：{e}", f"{name} is not a sound .xlsx workbook: {e}")) from None
    if unpacked > MAX_UNPACKED:
        raise WorkbookError(Text(f"{name} 解压后超过 {MAX_UNPACKED // 2**20} MB", f"{name} unpacks to more than "
                                 f"{MAX_UNPACKED // 2**20} MB"))
    if not has_book:
        raise WorkbookError(Text(f"{name} 不是 .xlsx 工作簿（没有 xl/workbook.xml）",
                                 f"{name} is not an .xlsx workbook (no xl/workbook.xml)"))
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as e:  # openpyxl raises many kinds for a damaged package
        raise WorkbookError(Text(f"无法读取工作簿 {name}：{type(e).__name__}: {e}",
                                 f"cannot read workbook {name}: {type(e).__name__}: {e}")) from None


def rows(sheet: Any) -> Iterator[list[Any]]:
    """The rows of a read-only sheet, as lists of cells, refusing a sheet too large to be an indicator sheet."""
    dims = sheet.max_row
    if dims is not None and dims > MAX_ROWS:
        raise WorkbookError(_too_many(sheet.title, dims))
    for n, row in enumerate(sheet.iter_rows(max_col=MAX_COLUMNS), start=1):
        if n > MAX_ROWS:
            raise WorkbookError(_too_many(sheet.title, n))
        yield list(row)


def _too_many(title: str, n: int) -> Text:
    return Text(f"工作表“{title}”有 {n} 行以上，超过指标表的上限 {MAX_ROWS} 行",
                f"sheet '{title}' has {n} rows or more, beyond the {MAX_ROWS} an indicator sheet may have")
