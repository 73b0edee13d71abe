"""perfdecl summary: one row per project, 小计 per declaration, 合计, and every finding, in .csv/.md/.xlsx."""
from __future__ import annotations

import csv
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
from click.testing import CliRunner
from helpers import EXAMPLE, REPO, copy_example

from perfdecl.cli import cli
from perfdecl.money import SCALE, parse_amount
from perfdecl.pipeline import check
from perfdecl.yamlload import load as load_yaml

CAIYU = REPO / "examples" / "2023-caiyu-demo"
FIGURES = ("total", "annual", "appropriation")  # the roles of the Shanghai form's figures the summary shows


def invoke(*args: object):
    return CliRunner().invoke(cli, ["summary", *map(str, args)])


def raw_figures(folder: Path) -> tuple[str, list[tuple[str, list[Decimal], int]]]:
    """(unit, [(project name, [total, annual, appropriation] in 元, indicator count)]) read from the YAML itself."""
    decl, _, _ = load_yaml(folder / "declaration.yaml", "declaration.yaml")
    out = []
    for name in decl["projects"]:
        data, _, _ = load_yaml(folder / name, name)
        funding = data["funding"]
        unit = funding.get("unit", "元")
        yuan = []
        for key in FIGURES:
            amount = parse_amount(funding[key])
            yuan.append(amount.value * SCALE[amount.unit or unit])
        count = sum(len(third) for second in data["indicators"].values() for third in second.values())
        out.append((data["name"], yuan, count))
    return decl["unit"], out


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(path.open(encoding="utf-8-sig")))


def test_a_generated_district_of_200_projects_adds_up(tmp_path):
    district = tmp_path / "district"
    subprocess.run([sys.executable, str(REPO / "benchmarks" / "generate.py"), str(district), "--projects", "10",
                    "--declarations", "20", "--seed", "7"], check=True, capture_output=True)
    folders = sorted(p for p in district.iterdir() if p.is_dir())
    out = tmp_path / "s.csv"
    result = invoke(*folders, EXAMPLE, "-o", out, "-j", "2")
    assert result.exit_code == 0, result.output
    rows = read_csv(out)
    headers = ["项目资金总额（元）", "年度资金申请总额（元）", "当年财政拨款（元）"]
    grand = [Decimal(0)] * 3
    indicators = 0
    assert sum(1 for r in rows if r["项目"] not in ("小计", "")) == 200 + 4
    at = 0
    for folder in [*folders, EXAMPLE]:  # in the order given: each declaration's projects, then its 小计
        unit, expected = raw_figures(folder)
        mine, subtotal = rows[at:at + len(expected)], rows[at + len(expected)]
        at += len(expected) + 1
        assert [(r["单位"], r["项目"]) for r in mine] == [(unit, name) for name, _, _ in expected]
        for row, (_, yuan, count) in zip(mine, expected):
            assert [Decimal(row[h]) for h in headers] == yuan
            assert int(row["指标数"]) == count
        assert (subtotal["单位"], subtotal["项目"]) == (unit, "小计")
        sums = [sum((y[i] for _, y, _ in expected), Decimal(0)) for i in range(3)]
        assert [Decimal(subtotal[h]) for h in headers] == sums
        grand = [g + s for g, s in zip(grand, sums)]
        indicators += sum(c for *_, c in expected)
    assert at == len(rows) - 1
    total = rows[-1]
    assert total["单位"] == "合计"
    assert [Decimal(total[h]) for h in headers] == grand and int(total["指标数"]) == indicators


def test_findings_are_counted_per_project_and_listed_with_positions(tmp_path):
    folder = copy_example(tmp_path, {"01-citizen-services.yaml": [("  fiscal: 165700\n", "  fiscal: 165000\n")]})
    out = tmp_path / "s.xlsx"
    result = invoke(folder, CAIYU, "-o", out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    summary = [dict(zip([c.value for c in book["汇总"][1]], r)) for r in book["汇总"].iter_rows(min_row=2, values_only=True)]
    first = next(r for r in summary if r["项目"] == "市民服务")
    assert first["错误"] >= 1 and "165000" in first["首个问题"]
    findings = list(book["问题"].iter_rows(min_row=2, values_only=True))
    line = next(n for n, text in enumerate((folder / "01-citizen-services.yaml").read_text(encoding="utf-8")
                                              .splitlines(), start=1) if "total: 165700.00" in text)  # the identity's left side
    assert any(f[1].endswith("01-citizen-services.yaml") and f[2] == line and f[4] == "error"
               for f in findings), findings
    total = summary[-1]
    assert total["单位"] == "合计" and total["错误"] == sum(1 for f in findings if f[4] == "error")
    assert total["警告"] == sum(1 for f in findings if f[4] == "warning")


def test_markdown_by_default_and_refusals(tmp_path):
    result = invoke(EXAMPLE)
    assert result.exit_code == 0
    assert result.output.startswith("| 单位 | 项目 |") and "| **合计** |" in result.output and "## 问题" in result.output
    assert invoke(EXAMPLE, "-o", tmp_path / "s.pdf").exit_code == 2
    assert invoke(tmp_path / "nowhere").exit_code == 2
    md = tmp_path / "s.md"
    assert invoke(EXAMPLE, "-o", md).exit_code == 0
    assert md.read_text(encoding="utf-8") == result.output


def test_english_headers_labels_and_sheet_names_with_lang_en(tmp_path):
    english = invoke(EXAMPLE, "--lang", "en")
    assert english.exit_code == 0
    assert english.output.startswith("| unit | project | category |")
    assert "| **total** |" in english.output and "## findings" in english.output and "**合计**" not in english.output
    out = tmp_path / "s.xlsx"
    assert invoke(EXAMPLE, "--lang", "en", "-o", out).exit_code == 0
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["summary", "findings"]
    assert [c.value for c in book["findings"][1]] == ["unit", "file", "line", "column", "severity", "code", "message"]
    csv_out = tmp_path / "s.csv"
    assert invoke(EXAMPLE, "--lang", "en", "-o", csv_out).exit_code == 0
    rows = read_csv(csv_out)
    assert [row["project"] for row in rows[-2:]] == ["subtotal", ""] and rows[-1]["unit"] == "total"


def test_an_unusable_source_date_epoch_is_refused_before_anything_is_written(tmp_path, monkeypatch):
    out = tmp_path / "s.xlsx"
    for bad in ("abc", "²", "1" * 5000, "99"):
        monkeypatch.setenv("SOURCE_DATE_EPOCH", bad)
        result = invoke(EXAMPLE, "-o", out)
        assert result.exit_code == 2, result.output
        assert "SOURCE_DATE_EPOCH" in result.output
        assert not out.exists()


def test_csv_cells_a_spreadsheet_would_run_as_formulas_are_kept_as_text(tmp_path):
    formula = '=HYPERLINK("http://example.invalid","x")'
    folder = copy_example(tmp_path, {"declaration.yaml": [("unit: 上海市松江区科技创新服务中心", "unit: \"@SUM(1,2)\"")],
                                     "01-citizen-services.yaml": [("name: 市民服务", f"name: '{formula}'")]})
    out = tmp_path / "s.csv"
    assert invoke(folder, "-o", out).exit_code == 0
    rows = read_csv(out)
    assert rows[0]["项目"] == "'" + formula and {r["单位"] for r in rows[:-1]} == {"'@SUM(1,2)"}
    numbers = [r["项目资金总额（元）"] for r in rows]
    assert all(n and n[0].isdigit() for n in numbers)  # figures stay numbers
    assert not [cell for r in rows for cell in r.values() if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_a_money_column_no_project_has_stays_blank_in_the_totals(tmp_path):
    # hunan-2024's form has no 当年财政拨款: its rows, 小计 and 合计 leave that column blank, not 0.00.
    out = tmp_path / "s.csv"
    assert invoke(REPO / "examples" / "2024-hunan-demo", "-o", out).exit_code == 0
    rows = read_csv(out)
    assert [row["当年财政拨款（元）"] for row in rows] == ["", "", ""]
    assert rows[-1]["项目资金总额（元）"] == rows[0]["项目资金总额（元）"] != ""


def test_a_form_names_its_appropriation_figure(tmp_path):
    from helpers import folder_with

    folder = folder_with(tmp_path, [("    annual: annual\n", "    annual: annual\n    appropriation: fiscal\n")], [])
    out = tmp_path / "s.csv"
    assert invoke(folder, "-o", out).exit_code == 0, out
    first = read_csv(out)[0]
    assert first["当年财政拨款（元）"] == "30000.00"  # the `fiscal` figure, labelled 其中：财政资金
    bad = folder_with(tmp_path / "bad", [("    annual: annual\n", "    annual: annual\n    appropriation: nothing\n")], [])
    assert "PD016" in {d.code for d in check(bad)[1]}
