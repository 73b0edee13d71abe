"""Page set-up from the markup: `<page orientation=… size=… margins=…/>` (docs/templates.md)."""
from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
from click.testing import CliRunner
from docx.enum.section import WD_ORIENT
from docx.shared import Length
from helpers import copy_example

from perfdecl.cli import cli
from perfdecl.render import RenderError
from perfdecl.render.markup import read
from perfdecl.render.page import to_html
from perfdecl.render.templates import REFERENCE, builtin
from perfdecl.render.word import open_reference, to_docx

REF = open_reference(builtin("shanghai-2023") / REFERENCE)
NARRATIVE = '<p style="Heading 1">说明</p><p>正文</p>'
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WIDE = '<table widths="20 *"><tr><td>a</td><td>b</td></tr></table>'


def build(markup: str) -> bytes:
    out = io.BytesIO()
    to_docx(read([markup]), REF, 0, out)
    return out.getvalue()


def mm(length: int | None) -> float:
    return round(Length(length or 0).mm, 1)


def setup(section) -> tuple:
    return (section.orientation, mm(section.page_width), mm(section.page_height),
            mm(section.top_margin), mm(section.right_margin), mm(section.bottom_margin), mm(section.left_margin))


def test_a_page_before_any_content_sets_the_whole_document():
    document = docx.Document(io.BytesIO(build(f'<doc><page orientation="landscape"/>{NARRATIVE}{WIDE}</doc>')))
    (section,) = document.sections
    # A4 turned; the margins not given are reference.docx's (37/26/35/28 mm), as they stand
    assert setup(section) == (WD_ORIENT.LANDSCAPE, 297.0, 210.0, 37.0, 26.0, 35.0, 28.0)
    (table,) = document.tables
    assert round(Length(sum(c.w for c in table._tbl.tblGrid.gridCol_lst)).mm) == 297 - 26 - 28


def test_a_page_after_content_starts_a_section_on_a_new_page():
    data = build(f'<doc>{NARRATIVE}<page size="A3" orientation="landscape" margins="20 15 20 25"/>{WIDE}'
                 f'<page size="A4"/><p>again</p></doc>')
    document = docx.Document(io.BytesIO(data))
    first, second, third = document.sections
    assert setup(first) == setup(REF.document.sections[0]) == (WD_ORIENT.PORTRAIT, 210.0, 297.0, 37.0, 26.0, 35.0, 28.0)
    assert setup(second) == (WD_ORIENT.LANDSCAPE, 420.0, 297.0, 20.0, 15.0, 20.0, 25.0)
    # what a <page> leaves out is reference.docx's, not the previous <page>'s
    assert setup(third) == (WD_ORIENT.PORTRAIT, 210.0, 297.0, 37.0, 26.0, 35.0, 28.0)
    assert [p.text for p in document.paragraphs if p.text] == ["说明", "正文", "again"]
    (table,) = document.tables  # `*` takes what the landscape A3 page leaves: 420 - 15 - 25 mm
    assert round(Length(sum(c.w for c in table._tbl.tblGrid.gridCol_lst)).mm) == 380
    # every section keeps the reference's footers (page numbers)
    assert all(s.footer.is_linked_to_previous is False for s in document.sections)
    starts = [s._sectPr.find(f"{W}pgNumType").get(f"{W}start") for s in document.sections]
    assert starts == ["1", None, None]  # numbered on from the first section, not anew in each
    assert build(f'<doc>{NARRATIVE}<page size="A3"/>{WIDE}</doc>') == build(f'<doc>{NARRATIVE}<page size="A3"/>{WIDE}</doc>')


def test_without_a_page_the_reference_section_is_untouched():
    xml = zipfile.ZipFile(io.BytesIO(build(f"<doc>{NARRATIVE}</doc>"))).read("word/document.xml")
    assert xml.endswith(REF.tail) and xml.count(b"<w:sectPr") == 1


@pytest.mark.parametrize("attrs, said", [
    ('size="B9"', "size"), ('orientation="sideways"', "orientation"), ('margins="10 20"', "margins"),
    ('margins="10 x 10 10"', "margins"), ('margins="-1"', "margins"), ('margins="150"', "margins"),
    ('size="A5" margins="10 70 10 70"', "margins"), ('colour="red"', "colour")])
def test_a_bad_page_is_a_positioned_message(attrs, said):
    with pytest.raises(RenderError) as refused:
        build(f"<doc><p>x</p>\n<page {attrs}/></doc>")
    assert f"<page {attrs}>" in refused.value.zh and "第 2 行" in refused.value.zh and said in refused.value.zh
    with pytest.raises(RenderError):
        b"".join(to_html(read([f"<doc><page {attrs}/></doc>"]), "", None, page=REF.page))


def test_the_html_page_has_the_same_pages():
    html = b"".join(to_html(read([f'<doc>{NARRATIVE}<page size="A3" orientation="landscape" margins="20 15 20 25"/>'
                                  f"{WIDE}</doc>"]), "", REF.text_width, page=REF.page)).decode()
    assert "@page p1 { size: 420.0mm 297.0mm; margin: 20.0mm 15.0mm 20.0mm 25.0mm; }" in html
    assert '<section style="page:p1;break-before:page;width:380.0mm">' in html
    assert html.index("正文") < html.index("<section") < html.index("<table") < html.index("</section>")
    assert 'style="width:380.0mm"' in html  # the table's `*` column takes the landscape width
    first = b"".join(to_html(read([f'<doc><page orientation="landscape"/>{NARRATIVE}</doc>']), "", None,
                             page=REF.page)).decode()
    assert '<section style="page:p1;width:243.0mm">' in first  # no break before the first page


def built(tmp_path: Path, file: str, text: str, fmt: str) -> Path:
    """The example built with a template of one file changed (the rest from shanghai-2023)."""
    folder = copy_example(tmp_path)
    template = folder / "my"
    template.mkdir()
    (template / "template.yaml").write_text("name: my\nbase: shanghai-2023\n", encoding="utf-8")
    (template / file).write_text(text, encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["build", str(folder), "--template", str(template), "--format", fmt,
                                      "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_workbook_sheet_follows_the_page(tmp_path):
    out = built(tmp_path, "workbook.xml.j2", f'<doc><page size="A3" orientation="landscape"/><p>表</p>{WIDE}</doc>',
                "xlsx")
    sheet = openpyxl.load_workbook(out).worksheets[0]
    assert (sheet.page_setup.orientation, str(sheet.page_setup.paperSize)) == ("landscape", sheet.PAPERSIZE_A3)


@pytest.mark.skipif(not all(shutil.which(tool) for tool in ("soffice", "pdfinfo")),
                    reason="LibreOffice or poppler-utils is not installed")
def test_libreoffice_prints_each_section_on_its_own_paper(tmp_path):
    document = tmp_path / "pages.docx"
    document.write_bytes(build(f'<doc>{NARRATIVE}<page size="A3" orientation="landscape"/>{WIDE}</doc>'))
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(document)],
                   check=True, capture_output=True, timeout=180)
    sizes = []
    for n in (1, 2):
        info = subprocess.run(["pdfinfo", "-f", str(n), "-l", str(n), str(tmp_path / "pages.pdf")],
                              check=True, capture_output=True, text=True).stdout
        sizes.append(next(line.split(":", 1)[1].split("pts")[0].split(" x ") for line in info.splitlines()
                          if line.startswith(f"Page    {n} size")))
    (w1, h1), (w2, h2) = ([round(float(v) / 72 * 25.4) for v in size] for size in sizes)
    assert (w1, h1) == (210, 297) and (w2, h2) == (420, 297)


def test_a_built_document_reads_back_landscape(tmp_path):
    main = (Path(builtin("shanghai-2023")) / "document.xml.j2").read_text(encoding="utf-8")
    assert '{% include "form.xml.j2" %}' in main
    out = built(tmp_path, "document.xml.j2", main.replace(
        '{% include "form.xml.j2" %}', '<page orientation="landscape"/>{% include "form.xml.j2" %}<page/>'), "docx")
    orientations = [s.orientation for s in docx.Document(str(out)).sections]
    assert WD_ORIENT.LANDSCAPE in orientations and orientations[0] == orientations[-1] == WD_ORIENT.PORTRAIT
