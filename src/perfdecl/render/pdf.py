"""PDF through LibreOffice: `soffice --headless --convert-to pdf` (run by perfdecl.office).

Each run uses a fresh LibreOffice profile in a temporary folder, so parallel
builds never share (and lock) one user installation. The profile carries a
font replacement table (Tools ▸ Options ▸ Fonts): each font the template's
styles name that is not installed is replaced by the first installed face of
the template's font table (fonts.yaml), so that 仿宋 text is set in a serif
Chinese face rather than in whatever CJK face fontconfig falls back to. A face
wanted in its bold style (`Noto Serif CJK SC:bold`, for 方正小标宋简体) is asked
of fontconfig instead, which that table cannot do. Fonts TeX Live installs
(the Fandol faces) are made visible to LibreOffice too, and the wanted faces of
a Noto CJK font collection are given to it as standalone fonts (fontfaces), so
that the PDF names them SC, not JP.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

from .. import office
from ..text import Text
from . import RenderError, fontfaces
from .files import write_atomic

TIMEOUT = 600  # seconds for one conversion run
BOLD = ":bold"  # a face's suffix in a font table: its bold style, which only fontconfig can ask for
GENERIC = frozenset({"serif", "sans-serif", "monospace", "cursive", "fantasy", "system-ui"})  # CSS only
# Where TeX Live keeps the Fandol faces (Debian's texlive-lang-chinese; TeX Live's own installer);
# fontconfig does not look there unless told to.
TEX_FONTS = ("/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol",
             "/usr/local/texlive/texmf-local/fonts/opentype/public/fandol")
INSTALL_ZH = ("找不到 LibreOffice（soffice），无法生成 PDF。请先安装：Debian/Ubuntu 用 "
              "`sudo apt-get install libreoffice-writer`，其他系统从 https://www.libreoffice.org/download/ 下载，"
              "并确保 soffice 在 PATH 中")
INSTALL_EN = ("LibreOffice (soffice) not found, so no PDF can be made. Install it: on Debian/Ubuntu "
              "`sudo apt-get install libreoffice-writer`, elsewhere from https://www.libreoffice.org/download/ "
              "and make sure soffice is on PATH")


def missing() -> RenderError | None:
    """Why no PDF can be made (LibreOffice is not installed), if so: checked before a build starts."""
    return None if office.executable() else RenderError(INSTALL_ZH, INSTALL_EN)


def target(document: Path) -> Path:
    """The PDF made of `document`: beside it, `<name>.pdf`."""
    return document.with_suffix(".pdf")


def convert(documents: list[Path], fonts: Mapping[str, Sequence[str]] | None = None) -> list[Path]:
    """Write `<name>.pdf` beside each .docx in `documents`, replacing the fonts of `fonts` (a template's
    font table) that are not installed; the PDFs' paths."""
    with tempfile.TemporaryDirectory(prefix="perfdecl-pdf-") as temp:
        out = Path(temp, "out")
        pairs = replacements(fonts or {}, installed(_fontconfig(Path(temp), {})))
        bold = {font: face.removesuffix(BOLD) for font, face in pairs.items() if face.endswith(BOLD)}
        faces = {face.removesuffix(BOLD) for face in pairs.values()}
        env = _fontconfig(Path(temp), bold, fontfaces.standalone(faces, Path(temp)))
        try:
            said = office.convert(documents, "pdf", out, missing=Text(INSTALL_ZH, INSTALL_EN), timeout=TIMEOUT,
                                  settings=settings({f: face for f, face in pairs.items() if f not in bold}), env=env)
        except office.OfficeError as e:
            if e.text.zh == INSTALL_ZH:
                raise RenderError(INSTALL_ZH, INSTALL_EN) from None
            raise RenderError(f"LibreOffice 转换 PDF 失败：{e.text.zh}",
                              f"LibreOffice failed to convert to PDF: {e.text.en}") from None
        made = []
        for document in documents:
            pdf = out / f"{document.stem}.pdf"
            if not pdf.is_file():
                why = said.strip()[-400:]
                raise RenderError(f"LibreOffice 未能把 {document} 转换为 PDF：{why}",
                                  f"LibreOffice did not convert {document} to PDF: {why}")
            made.append(target(document))
            write_atomic(made[-1], pdf.read_bytes())
    return made


def replacements(table: Mapping[str, Sequence[str]], families: set[str]) -> dict[str, str]:
    """For each font of `table` that is not installed, the first of its faces that is (if any)."""
    found = {}
    for font, faces in table.items():
        if font in families:
            continue
        face = next((f for f in faces if f.removesuffix(BOLD) in families and f not in GENERIC), None)
        if face is not None:
            found[font] = face
    return found


def installed(env: Mapping[str, str] | None = None) -> set[str]:
    """The font families fontconfig knows (empty if it cannot say: LibreOffice then keeps its own choice)."""
    listed = fontfaces.fc_list(":", "family", env=env)
    return {name.strip() for line in listed.splitlines() for name in line.split(",") if name.strip()}


def settings(pairs: Mapping[str, str]) -> str:
    """LibreOffice user settings (registrymodifications.xcu) with the font replacement table `pairs`, applied
    always, on screen and in print."""
    nodes = "".join(
        f'<node oor:name="_{n}" oor:op="replace">'
        f'<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
        f'<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
        f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(font)}</value></prop>'
        f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(face)}</value></prop></node>'
        for n, (font, face) in enumerate(pairs.items()))
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
            f'<prop oor:name="Replacement" oor:op="fuse"><value>{"true" if pairs else "false"}</value></prop></item>\n'
            f'<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">{nodes}</item>\n'
            "</oor:items>\n")


def _fontconfig(temp: Path, bold: Mapping[str, str],
                standalone: fontfaces.Standalone | None = None) -> dict[str, str] | None:
    """An environment whose fontconfig also sees the TeX Live fonts, where those are installed, sets
    each font of `bold` in the bold style of its face, and sees the `standalone` faces instead of their
    collections (else None: the system's configuration)."""
    extra = [d for d in TEX_FONTS if Path(d).is_dir()] + ([str(standalone.folder)] if standalone else [])
    system = os.environ.get("FONTCONFIG_FILE") or "/etc/fonts/fonts.conf"
    if not (extra or bold) or not Path(system).is_file():
        return None
    config = temp / "fonts.conf"
    hidden = "".join(f"<glob>{escape(str(f))}</glob>" for f in (standalone.replaced if standalone else ()))
    dirs = "".join(f"<dir>{escape(d)}</dir>" for d in extra) + (
        f"<selectfont><rejectfont>{hidden}</rejectfont></selectfont>" if hidden else "")
    rules = "".join(
        f'<match target="pattern"><test name="family"><string>{escape(font)}</string></test>'
        f'<edit name="family" mode="assign" binding="strong"><string>{escape(face)}</string></edit>'
        f'<edit name="weight" mode="assign" binding="strong"><const>bold</const></edit></match>'
        for font, face in bold.items())
    config.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n'
                      f"<fontconfig><include>{escape(system)}</include>{dirs}{rules}</fontconfig>\n", encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(config)}
