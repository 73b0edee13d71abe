"""PDF through LibreOffice: `soffice --headless --convert-to pdf`.

Each run uses a fresh LibreOffice profile in a temporary folder, so parallel
builds never share (and lock) one user installation.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from . import RenderError
from .files import write_atomic

TIMEOUT = 600  # seconds for one conversion run
INSTALL_ZH = ("找不到 LibreOffice（soffice），无法生成 PDF。请先安装：Debian/Ubuntu 用 "
              "`sudo apt-get install libreoffice-writer`，其他系统从 https://www.libreoffice.org/download/ 下载，"
              "并确保 soffice 在 PATH 中")
INSTALL_EN = ("LibreOffice (soffice) not found, so no PDF can be made. Install it: on Debian/Ubuntu "
              "`sudo apt-get install libreoffice-writer`, elsewhere from https://www.libreoffice.org/download/ "
              "and make sure soffice is on PATH")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def missing() -> RenderError | None:
    """Why no PDF can be made (LibreOffice is not installed), if so: checked before a build starts."""
    return None if _soffice() else RenderError(INSTALL_ZH, INSTALL_EN)


def target(document: Path) -> Path:
    """The PDF made of `document`: beside it, `<name>.pdf`."""
    return document.with_suffix(".pdf")


def convert(documents: list[Path]) -> list[Path]:
    """Write `<name>.pdf` beside each .docx in `documents`; the PDFs' paths."""
    exe = _soffice()
    if exe is None:
        raise RenderError(INSTALL_ZH, INSTALL_EN)
    with tempfile.TemporaryDirectory(prefix="perfdecl-pdf-") as temp:
        out = Path(temp, "out")
        command = [exe, f"-env:UserInstallation={Path(temp, 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", str(out), *(str(p.resolve()) for p in documents)]
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as e:
            raise RenderError(f"LibreOffice 转换 PDF 失败：{e}", f"LibreOffice failed to convert to PDF: {e}") from None
        made = []
        for document in documents:
            pdf = out / f"{document.stem}.pdf"
            if not pdf.is_file():
                why = (done.stderr or done.stdout).strip()[-400:]
                raise RenderError(f"LibreOffice 未能把 {document} 转换为 PDF：{why}",
                                  f"LibreOffice did not convert {document} to PDF: {why}")
            made.append(target(document))
            write_atomic(made[-1], pdf.read_bytes())
    return made
