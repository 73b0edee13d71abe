"""Old Word and WPS files (.doc, .wps) to .docx through LibreOffice (see perfdecl.office)."""
from __future__ import annotations

from pathlib import Path

from .. import office
from ..text import Text
from .document import Unreadable

TIMEOUT = 300  # seconds
CONVERTED = (".doc", ".wps", ".rtf", ".odt")
MISSING = Text("找不到 LibreOffice（soffice），无法读取 {name}：请安装 LibreOffice，或在 Word/WPS 中另存为 .docx",
               "LibreOffice (soffice) not found, so {name} cannot be read: install LibreOffice, or save it as .docx "
               "in Word/WPS")


def to_docx(path: Path, folder: Path) -> Path:
    """`path` converted to a .docx inside `folder` (a temporary folder the caller owns)."""
    missing = MISSING.fill(name=path.name)
    try:
        office.convert([path], "docx", folder, missing=missing, timeout=TIMEOUT)
    except office.OfficeError as e:
        raise Unreadable(e.text if e.text is missing else Text(f"{path.name}：{e.text.zh}", f"{path.name}: {e.text.en}")) from None
    made = folder / f"{path.stem}.docx"
    if not made.is_file():
        raise Unreadable(Text(f"LibreOffice 未能把 {path.name} 转换为 .docx", f"LibreOffice did not convert {path.name} to .docx"))
    return made
