"""The built document opened by a real reader: LibreOffice converts it, poppler reads the PDF back.

Skipped where LibreOffice or poppler-utils is not installed (.ci/run installs both).
"""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE

from perfdecl.cli import cli
from perfdecl.pipeline import check

pytestmark = pytest.mark.skipif(not all(shutil.which(tool) for tool in ("soffice", "pdftotext", "pdfinfo")),
                                reason="LibreOffice or poppler-utils is not installed")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("lo")
    document = folder / "songjiang.docx"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "-o", str(document)])
    assert result.exit_code == 0, result.output
    convert(document, folder, "pdf")
    return folder / "songjiang.pdf"


def convert(document: Path, folder: Path, target: str) -> None:
    subprocess.run(["soffice", f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                    "--convert-to", target, "--outdir", str(folder), str(document)],
                   check=True, capture_output=True, timeout=180)


def pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True,
                          text=True).stdout
    return [re.sub(r"\s+", "", page) for page in text.split("\f") if page.strip()]


def test_libreoffice_reads_every_section_in_order(pdf):
    bundle, _ = check(EXAMPLE)
    text = "".join(pages(pdf))
    cursor = 0
    for n, project in enumerate(bundle.projects, start=1):
        for heading in (f"项目经费情况说明{n}", f"项目名称：{project.name}", f"财政项目支出绩效目标填报表{n}"):
            found = text.find(re.sub(r"\s+", "", heading), cursor)
            assert found >= 0, heading
            cursor = found


def test_each_form_starts_a_page(pdf):
    bundle, _ = check(EXAMPLE)
    assert sum(page.startswith("财政项目支出绩效目标填报表") for page in pages(pdf)) == len(bundle.projects)


def test_libreoffice_reads_the_merged_cells_of_each_form(pdf):
    """LibreOffice's own HTML export says how it understood w:gridSpan and w:vMerge."""
    from lxml import html

    folder = pdf.parent
    convert(folder / "songjiang.docx", folder, "html:XHTML Writer File:UTF8")
    page = html.parse(str(folder / "songjiang.html"))
    cells = {}  # label → [(rowspan, colspan) of each cell with that text]
    for td in page.iter("td"):
        label = re.sub(r"\s+", "", td.text_content())
        cells.setdefault(label, []).append((int(td.get("rowspan", 1)), int(td.get("colspan", 1))))
    bundle, _ = check(EXAMPLE)
    leaves = [sum(len(three) for two in p.indicators.values() for three in two.values()) for p in bundle.projects]
    # 绩效指标 spans its header row and one row per 三级指标; 产出指标 spans its own 三级 rows
    assert [rows for rows, _ in cells["绩效指标"]] == [n + 1 for n in leaves]
    outputs = [sum(len(three) for three in p.indicators["产出指标"].values()) for p in bundle.projects]
    assert [rows for rows, _ in cells["产出指标"]] == outputs
    # each project's name fills two grid columns
    assert all((1, 2) in cells[re.sub(r"\s+", "", p.name)] for p in bundle.projects)


def test_pages_are_numbered_and_chinese_fonts_are_embedded(pdf):
    numbered = pages(pdf)
    assert all(f"—{n}—" in page for n, page in enumerate(numbered, start=1))
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True).stdout
    assert re.search(r"CJK|Song|Ming|Kai|Hei|Fang", fonts), fonts
