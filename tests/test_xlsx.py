"""perfdecl build --format xlsx: the forms laid out as in the .docx, flat sheets as template data, same bytes."""
from __future__ import annotations

import csv
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, REPO, copy_example
from lxml import etree

from perfdecl.cli import cli
from perfdecl.pipeline import check

CAIYU = REPO / "examples" / "2023-caiyu-demo"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(folder: Path, out: Path, *args: str, env: dict | None = None) -> Path:
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), *args], env=env)
    assert result.exit_code == 0, result.output
    return out


def docx_tables(path: Path) -> list[tuple[list[str], set[tuple[int, int, int, int]]]]:
    """Each table of a .docx: the texts of its first row, and its merged ranges (row, col, last row, last col)."""
    body = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    tables = []
    for tbl in body.iter(f"{W}tbl"):
        cells: dict[tuple[int, int], list] = {}  # (row, col) -> [span, vmerge, text]
        first: list[str] = []
        for r, tr in enumerate(tbl.findall(f"{W}tr")):
            col = 0
            for tc in tr.findall(f"{W}tc"):
                span_el = tc.find(f"{W}tcPr/{W}gridSpan")
                span = int(span_el.get(f"{W}val")) if span_el is not None else 1
                vm = tc.find(f"{W}tcPr/{W}vMerge")
                state = None if vm is None else (vm.get(f"{W}val") or "continue")
                cells[(r, col)] = [span, state]
                if r == 0:
                    first.append("".join(tc.itertext()))
                col += span
        ranges = set()
        for (r, c), (span, state) in cells.items():
            if state == "continue":
                continue
            last = r
            while cells.get((last + 1, c), [0, None])[1] == "continue":
                last += 1
            if span > 1 or last > r:
                ranges.add((r, c, last, c + span - 1))
        tables.append((first, ranges))
    return tables


def sheet_table(ws) -> tuple[list[str], set[tuple[int, int, int, int]]]:
    """The bordered block of a form sheet (its table): first row's texts and merged ranges, 0-based within it."""
    bordered = [r for r in range(1, ws.max_row + 1) if getattr(ws.cell(r, 1).border.left, "style", None)]
    top = bordered[0]
    first = [str(c.value) for c in ws[top] if c.value is not None]
    ranges = {(m.min_row - top, m.min_col - 1, m.max_row - top, m.max_col - 1)
              for m in ws.merged_cells.ranges if m.min_row >= top}
    return first, ranges


@pytest.mark.parametrize("example", [EXAMPLE, CAIYU], ids=["songjiang", "caiyu"])
def test_form_sheets_merge_exactly_the_docx_table_spans(tmp_path, example):
    book = openpyxl.load_workbook(build(example, tmp_path / "a.xlsx", "--format", "xlsx"))
    tables = docx_tables(build(example, tmp_path / "a.docx"))
    bundle, _ = check(example)
    forms = book.worksheets[:len(bundle.projects)]
    compared = 0
    for ws in forms:
        first, ranges = sheet_table(ws)
        matching = [t for t in tables if t[0] == first]
        assert matching, f"no .docx table starts like sheet {ws.title}"
        table = matching.pop(0)
        tables.remove(table)
        assert ranges == table[1], ws.title
        assert len(ranges) > 10
        compared += 1
    assert compared == len(bundle.projects) >= 2


def test_form_sheet_figures_are_numbers_printed_as_in_the_form(tmp_path):
    book = openpyxl.load_workbook(build(EXAMPLE, tmp_path / "a.xlsx", "--format", "xlsx"))
    bundle, _ = check(EXAMPLE)
    project = bundle.projects[0]
    ws = book.worksheets[0]
    assert ws.title.endswith("1")
    numbers = {}
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "n" and cell.value is not None:
                numbers.setdefault(Decimal(str(cell.value)), []).append(cell.number_format)
    for figure in bundle.form.figures_of(project):
        assert figure.value.value in numbers, figure
        places = figure.value.places
        assert ("0." + "0" * places if places else "0") in numbers[figure.value.value]
    assert ws.cell(1, 1).value.startswith("财政项目支出绩效目标填报表")


def test_flat_sheets_hold_every_indicator_figure_and_line(tmp_path):
    book = openpyxl.load_workbook(build(EXAMPLE, tmp_path / "a.xlsx", "--format", "xlsx"))
    bundle, _ = check(EXAMPLE)
    ind = book["指标"]
    header = [c.value for c in ind[1]]
    assert header == ["项目名称", "一级指标", "二级指标", "三级指标", "运算符", "指标值", "计量单位", "指标性质", "关联明细"]
    got = [dict(zip(header, r)) for r in ind.iter_rows(min_row=2, values_only=True)]
    expected = [(p.name, a, b, c, i) for p in bundle.projects for a, x in p.indicators.items()
                for b, y in x.items() for c, i in y.items()]
    assert len(got) == len(expected)
    for row, (name, a, b, c, i) in zip(got, expected):
        assert (row["项目名称"], row["一级指标"], row["二级指标"], row["三级指标"]) == (name, a, b, c)
        assert row["指标性质"] == ("定量" if i.value.quantitative else "定性")  # a number, as budget systems import it
        if i.value.quantitative:
            assert Decimal(str(row["指标值"])) == i.value.number
            assert row["运算符"] == i.value.op and (row["计量单位"] or "") == i.value.unit
        else:
            assert row["指标值"] == i.value.text and row["运算符"] is None
        assert row["关联明细"] == i.link
    money = book["资金"]
    header = [c.value for c in money[1]]
    assert "项目资金总额（元）" in header and "年度资金申请总额（元）" in header
    for row, project in zip(money.iter_rows(min_row=2, values_only=True), bundle.projects):
        assert row[0] == project.name
        figures = bundle.form.figures_of(project)
        yuan = [Decimal(str(v)) for v in row[2:2 + len(figures)]]
        assert yuan == [f.value.yuan for f in figures]
    lines = list(book["明细"].iter_rows(min_row=2, values_only=True))
    rows = [(p.name, i.title, r) for p in bundle.projects for i in p.items if i.lines for r in i.lines.rows]
    assert len(lines) == len(rows) > 5
    for got_row, (name, title, line) in zip(lines, rows):
        assert got_row[:3] == (name, title, line.name)
        assert Decimal(str(got_row[3])) * Decimal(str(got_row[4])) == pytest.approx(Decimal(str(got_row[5])))


def test_caiyu_funding_sheet_shows_wan_and_the_standard_column(tmp_path):
    book = openpyxl.load_workbook(build(CAIYU, tmp_path / "c.xlsx", "--format", "xlsx"))
    header = [c.value for c in book["资金"][1]]
    assert "项目资金总额（万元）" in header
    wan = book["资金"].cell(2, header.index("项目资金总额（万元）") + 1)
    yuan = book["资金"].cell(2, header.index("项目资金总额（元）") + 1)
    assert Decimal(str(wan.value)) * 10000 == Decimal(str(yuan.value)) and wan.number_format == "0.00"
    assert "绩效标准" in [c.value for c in book["指标"][1]]


def test_header_names_and_order_come_from_the_template(tmp_path):
    folder = copy_example(tmp_path)
    mine = folder / "mine"
    mine.mkdir()
    (mine / "template.yaml").write_text("name: mine\nbase: shanghai-2023\n", encoding="utf-8")
    (mine / "workbook.yaml").write_text(
        "sheets:\n  - name: 绩效指标导入\n    rows: indicators\n    columns:\n"
        "      - {header: 指标名称, value: level3}\n      - {header: 项目, value: project}\n", encoding="utf-8")
    book = openpyxl.load_workbook(build(folder, tmp_path / "m.xlsx", "--format", "xlsx", "--template", str(mine)))
    assert book.sheetnames[-1] == "绩效指标导入" and "指标" not in book.sheetnames
    ws = book["绩效指标导入"]
    assert [c.value for c in ws[1]] == ["指标名称", "项目"]
    assert ws.cell(2, 1).value == "全年制作发放宣传单"


def test_bad_workbook_spec_is_a_message_not_a_traceback(tmp_path):
    folder = copy_example(tmp_path)
    mine = folder / "mine"
    mine.mkdir()
    (mine / "template.yaml").write_text("name: mine\nbase: shanghai-2023\n", encoding="utf-8")
    (mine / "workbook.yaml").write_text("sheets:\n  - {name: x, rows: indicators, columns: [{header: a, value: nope}]}\n",
                                        encoding="utf-8")
    out = tmp_path / "m.xlsx"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), "--format", "xlsx", "--template", str(mine)])
    assert result.exit_code == 1 and "nope" in result.output and "Traceback" not in result.output
    assert not out.exists()


def test_two_builds_are_byte_identical_and_dated_by_source_date_epoch(tmp_path):
    one = build(EXAMPLE, tmp_path / "1.xlsx", "--format", "xlsx")
    two = build(EXAMPLE, tmp_path / "2.xlsx", "--format", "xlsx")
    assert one.read_bytes() == two.read_bytes()
    dated = build(EXAMPLE, tmp_path / "3.xlsx", "--format", "xlsx", env={"SOURCE_DATE_EPOCH": "1700000000"})
    assert {i.date_time for i in zipfile.ZipFile(dated).infolist()} == {(2023, 11, 14, 22, 13, 20)}
    assert openpyxl.load_workbook(dated).properties.created.year == 2023


def _calc() -> bool:
    """Whether LibreOffice with its spreadsheet module (Calc) is installed."""
    exe = shutil.which("soffice")
    if not exe:
        return False
    program = Path(exe).resolve().parent
    return any(program.glob("libsclo.*"))


@pytest.mark.skipif(not _calc(), reason="LibreOffice Calc is not installed")
def test_libreoffice_reads_the_figures(tmp_path):
    book = build(EXAMPLE, tmp_path / "a.xlsx", "--format", "xlsx")
    profile = (tmp_path / "profile").as_uri()
    sheet = openpyxl.load_workbook(book).sheetnames.index("资金") + 1
    subprocess.run(["soffice", f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to",
                    f"csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,{sheet}",
                    "--outdir", str(tmp_path), str(book)], check=True, timeout=180, capture_output=True)
    made = sorted(tmp_path.glob("a*.csv"))
    assert made, "LibreOffice wrote no csv"
    rows = list(csv.reader(made[0].open(encoding="utf-8")))
    bundle, _ = check(EXAMPLE)
    assert rows[0][:3] == ["项目名称", "金额单位", "项目资金总额（元）"]
    for row, project in zip(rows[1:], bundle.projects):
        figures = bundle.form.figures_of(project)
        assert row[0] == project.name
        assert [Decimal(v) for v in row[2:2 + len(figures)]] == [f.value.yuan for f in figures]


def test_a_base_templates_figure_names_do_not_land_on_another_forms_figures(tmp_path):
    # hunan-2024 takes shanghai-2023's workbook.yaml, whose names say 其他资金（项目资金） for `other`;
    # hunan's `other` is 三、其他.
    out = tmp_path / "hn.xlsx"
    result = CliRunner().invoke(cli, ["build", str(REPO / "examples" / "2024-hunan-demo"), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    headers = [c.value for c in openpyxl.load_workbook(out)["资金"][1]]
    assert "三、其他（元）" in headers and not any("其他资金" in str(h) for h in headers)


def test_a_figure_header_takes_a_longer_name_only_to_tell_apart_two_labelled_alike(tmp_path):
    from helpers import folder_with

    # shanghai-2023's form has two 其他资金; a form with one keeps its label, without a trailing colon.
    single = folder_with(tmp_path, [("      annual_other: {label: 其他资金, required: false}\n", ""),
                                    ("      - annual = appropriation + carryover + annual_other",
                                     "      - annual = appropriation + carryover"),
                                    ("      total: 项目资金总额", "      total: 项目资金总额：")], [])
    out = tmp_path / "s.xlsx"
    result = CliRunner().invoke(cli, ["build", str(single), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    headers = [c.value for c in openpyxl.load_workbook(out)["资金"][1]]
    assert "其他资金（元）" in headers and "项目资金总额（元）" in headers
    both = tmp_path / "both.xlsx"
    assert CliRunner().invoke(cli, ["build", str(EXAMPLE), "--format", "xlsx", "-o", str(both)]).exit_code == 0
    headers = [c.value for c in openpyxl.load_workbook(both)["资金"][1]]
    assert "其他资金（项目资金）（元）" in headers and "其他资金（年度资金）（元）" in headers


def test_a_form_without_sub_items_gets_no_line_item_sheet(tmp_path):
    out = tmp_path / "hn.xlsx"
    result = CliRunner().invoke(cli, ["build", str(REPO / "examples" / "2024-hunan-demo"), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    names = openpyxl.load_workbook(out).sheetnames
    assert "指标" in names and "资金" in names and "明细" not in names
