"""Old Word and WPS files (.doc, .wps) to .docx through LibreOffice, with a fresh profile per run."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..text import Text
from .document import Unreadable

TIMEOUT = 300  # seconds
CONVERTED = (".doc", ".wps", ".rtf", ".odt")
MISSING = Text("找不到 LibreOffice（soffice），无法读取 {name}：请安装 LibreOffice，或在 Word/WPS 中另存为 .docx",
               "LibreOffice (soffice) not found, so {name} cannot be read: install LibreOffice, or save it as .docx "
               "in Word/WPS")


def to_docx(path: Path, folder: Path) -> Path:
    """`path` converted to a .docx inside `folder` (a temporary folder the caller owns)."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        raise Unreadable(MISSING.fill(name=path.name))
    with tempfile.TemporaryDirectory(prefix="perfdecl-import-") as temp:
        command = [exe, f"-env:UserInstallation={Path(temp, 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "docx", "--outdir", str(folder), str(path.resolve())]
        try:
            subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise Unreadable(Text(f"LibreOffice 转换 {path.name} 失败：{e}", f"LibreOffice failed on {path.name}: {e}")) from None
    made = folder / f"{path.stem}.docx"
    if not made.is_file():
        raise Unreadable(Text(f"LibreOffice 未能把 {path.name} 转换为 .docx", f"LibreOffice did not convert {path.name} to .docx"))
    return made
