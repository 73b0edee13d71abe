"""The fonts of `perfdecl build --pdf`: the template's font table decides what replaces a missing font."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import EXAMPLE, declaration
from perfdecl import office
from perfdecl.render import fontfaces, pdf, templates
from perfdecl.render.page import font_variables

SHANGHAI = templates.load(templates.builtin("shanghai-2023"))  # type: ignore[arg-type]


def test_the_first_installed_face_replaces_a_missing_font() -> None:
    table = {"仿宋_GB2312": ("FandolFang R", "AR PL UKai CN", "Noto Serif CJK SC", "serif"),
             "黑体": ("Noto Sans CJK SC", "sans-serif"), "楷体_GB2312": ("FandolKai", "serif")}
    installed = {"AR PL UKai CN", "Noto Serif CJK SC", "黑体", "serif"}
    assert pdf.replacements(table, installed) == {"仿宋_GB2312": "AR PL UKai CN"}
    bold = {"方正小标宋简体": ("FZXiaoBiaoSong-B05S", "Noto Serif CJK SC:bold", "FandolSong:bold")}
    assert pdf.replacements(bold, installed) == {"方正小标宋简体": "Noto Serif CJK SC:bold"}


def test_the_profile_carries_the_replacement_table() -> None:
    from lxml import etree

    xcu = etree.fromstring(pdf.settings({"仿宋_GB2312": "AR PL UKai CN", "A&B": "C<D"}).encode())
    ns = {"oor": "http://openoffice.org/2001/registry"}
    pairs = [(node.xpath("string(prop[@oor:name='ReplaceFont']/value)", namespaces=ns),
              node.xpath("string(prop[@oor:name='SubstituteFont']/value)", namespaces=ns),
              node.xpath("string(prop[@oor:name='Always']/value)", namespaces=ns))
             for node in xcu.iterfind(".//node", ns)]
    assert pairs == [("仿宋_GB2312", "AR PL UKai CN", "true"), ("A&B", "C<D", "true")]
    assert xcu.xpath("string(//item[1]/prop[@oor:name='Replacement']/value)", namespaces=ns) == "true"


def test_the_table_is_the_templates_data_with_sc_faces_only() -> None:
    table = templates.fonts(SHANGHAI)
    assert {"仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体"} <= table.keys()
    faces = {f for fs in table.values() for f in fs}
    assert not any(f.endswith((" JP", " KR", " TC", " HK")) for f in faces)


def test_the_html_font_stacks_follow_the_table() -> None:
    css = font_variables(templates.fonts(SHANGHAI))
    line = next(line for line in css.splitlines() if line.strip().startswith("--仿宋_GB2312:"))
    assert line.strip() == "--仿宋_GB2312: " + ", ".join(
        f if f == "serif" else f'"{f}"' for f in ("仿宋_GB2312", *templates.fonts(SHANGHAI)["仿宋_GB2312"])) + ";"


@pytest.mark.parametrize("name", ['Evil"; } body { x', "a\nb", "</style>"])
def test_a_font_name_that_could_break_out_of_css_is_refused(tmp_path: Path, name: str) -> None:
    import json

    (tmp_path / "document.xml.j2").write_text("<doc/>", encoding="utf-8")
    (tmp_path / "fonts.yaml").write_text(f"仿宋_GB2312: [{json.dumps(name)}]\n", encoding="utf-8")
    with pytest.raises(templates.RenderError):
        templates.fonts(templates.load(tmp_path))


def pdf_fonts(path: Path) -> list[str]:
    """The font names pdffonts lists, without the subset prefix (`ABCDEF+`)."""
    listed = subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout
    return [line.split()[0].split("+")[-1] for line in listed.splitlines()[2:] if line.strip()]


needs_pdf = pytest.mark.skipif(not (office.executable() and shutil.which("pdffonts") and shutil.which("fc-list")),
                               reason="needs LibreOffice, pdffonts (poppler-utils) and fc-list")


@needs_pdf
def test_fangsong_text_is_set_in_a_serif_chinese_face_never_sans_nor_jp(tmp_path: Path) -> None:
    faces = [f for f in templates.fonts(SHANGHAI)["仿宋_GB2312"] if f in pdf.installed()]
    if not faces:
        pytest.skip("none of the faces that replace 仿宋_GB2312 is installed: apt-get install fonts-arphic-ukai")
    folder = declaration(tmp_path, decl_edits=[("projects:", "template: t\nprojects:")])
    (folder / "t").mkdir()
    (folder / "t" / "template.yaml").write_text("base: shanghai-2023\n", encoding="utf-8")
    (folder / "t" / "document.xml.j2").write_text(  # only 仿宋 text: the Normal style
        "<doc>{% for p in projects %}<p>{{ p.goals.total }}</p><p>{{ p.items[0].overview }}</p>{% endfor %}</doc>\n",
        encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "perfdecl", "build", str(folder), "-o", "out/d.docx", "--pdf"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    names = pdf_fonts(tmp_path / "out" / "d.pdf")
    cjk = [n for n in names if not n.startswith(("DejaVuSerif", "LiberationSerif", "TimesNewRoman"))]
    assert cjk, names
    assert not [n for n in names if "jp" in n.lower() or "sans" in n.lower() or "hei" in n.lower()], names
    expected = {"AR PL UKai CN": "UKaiCN", "FandolFang R": "FandolFang", "FandolFang": "FandolFang"}
    assert {n.split("-")[0] for n in cjk} == {expected.get(faces[0], faces[0].replace(" ", ""))}, (faces, names)


@needs_pdf
def test_the_title_font_is_replaced_by_a_bold_serif_face(tmp_path: Path) -> None:
    """方正小标宋简体 is heavy: its free replacement is taken in its bold style (through fontconfig)."""
    faces = [f for f in templates.fonts(SHANGHAI)["方正小标宋简体"] if f.endswith(":bold")]
    assert faces
    found = [f for f in faces if f.removesuffix(":bold") in pdf.installed()]
    if not found:
        pytest.skip(f"none of {faces} is installed: apt-get install fonts-noto-cjk")
    folder = declaration(tmp_path, decl_edits=[("projects:", "template: t\nprojects:")])
    (folder / "t").mkdir()
    (folder / "t" / "template.yaml").write_text("base: shanghai-2023\n", encoding="utf-8")
    (folder / "t" / "document.xml.j2").write_text(  # only the title, whose style names 方正小标宋简体
        '<doc><p style="Title">{{ declaration.unit }}</p></doc>\n', encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "perfdecl", "build", str(folder), "-o", "out/d.docx", "--pdf"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    names = pdf_fonts(tmp_path / "out" / "d.pdf")
    family = found[0].removesuffix(":bold").replace(" ", "")[:9]  # NotoSerif… / FandolSon…
    assert [n for n in names if n.startswith(family)], names
    assert all("Bold" in n for n in names if n.startswith(family)), names


def cff_table(name: bytes, strings: list[bytes]) -> bytes:
    """A minimal CFF table: header, Name INDEX (one font), Top DICT INDEX, String INDEX, then other data."""
    def index(items: list[bytes]) -> bytes:
        offsets, at = [], 1
        for item in [b"", *items]:
            at += len(item)
            offsets.append(at)
        return len(items).to_bytes(2, "big") + b"\x01" + bytes([1, *offsets[1:]]) + b"".join(items)
    return b"\x01\x00\x04\x01" + index([name]) + index([b"\x8b\x8b\x0c\x1e"]) + index(strings) + b"glyphs"


def test_a_faces_cff_names_are_set_to_its_own_in_place() -> None:
    cff = cff_table(b"FaceJP-Bold", [b"FaceJP-Bold-Kana", b"Copyright FaceJP-Bold", b"FaceJP-Bold-Ideographs"])
    done = fontfaces.renamed(cff, b"FaceSC-Bold")
    assert done == cff_table(b"FaceSC-Bold", [b"FaceSC-Bold-Kana", b"Copyright FaceJP-Bold", b"FaceSC-Bold-Ideographs"])
    assert fontfaces.renamed(cff, b"FaceSC-Heavy") is None  # another length would move every offset after it
    assert fontfaces.renamed(cff, b"FaceJP-Bold") is None  # nothing to do
    for broken in (cff[:12], cff[:3], b"\x01\x00\x04\x01\x00\x01\x09\x01\x05", b""):
        assert fontfaces.renamed(broken, b"FaceSC-Bold") is None


@needs_pdf
def test_the_examples_pdf_has_no_japanese_face(tmp_path: Path) -> None:
    """Noto CJK's collections share one CFF table named after the JP face: the SC faces are made standalone."""
    if "Noto Sans CJK SC" not in pdf.installed():
        pytest.skip("fonts-noto-cjk is not installed")
    done = subprocess.run([sys.executable, "-m", "perfdecl", "build", str(EXAMPLE), "-o", "out/d.docx", "--pdf"],
                          cwd=tmp_path, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    names = pdf_fonts(tmp_path / "out" / "d.pdf")
    noto = [n for n in names if n.startswith("Noto")]
    assert any(n.startswith("NotoSerifCJKsc-Bold") for n in noto), names  # the title (方正小标宋简体)
    assert any(n.startswith("NotoSansCJKsc-") for n in noto), names  # the 黑体 headings
    assert not [n for n in names if "jp" in n.lower() or "kr" in n.lower() or "tc-" in n.lower()], names
