"""The hunan-2024 template: its form (万元 funding identity, period, 进度计划) and its layout."""
from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, at, edit
from lxml import etree

from perfdecl.cli import cli
from perfdecl.pipeline import check

EXAMPLE = REPO / "examples" / "2024-hunan-demo"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rows(tmp_path_factory) -> list[list[str]]:
    out = tmp_path_factory.mktemp("hunan") / "hunan.docx"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "-o", str(out)])
    assert result.exit_code == 0, result.output
    body = etree.fromstring(zipfile.ZipFile(out).read("word/document.xml"))
    (table,) = body.iter(f"{W}tbl")
    return [["".join(cell.itertext()) for cell in row.findall(f"{W}tc")] for row in table.findall(f"{W}tr")]


def copy(tmp_path: Path, edits: list[tuple[str, str]]) -> Path:
    folder = tmp_path / "hn"
    folder.mkdir(parents=True)
    for name in ("declaration.yaml", "01-farm-roads.yaml"):
        text = (EXAMPLE / name).read_text(encoding="utf-8")
        (folder / name).write_text(edit(text, edits) if name != "declaration.yaml" else text, encoding="utf-8")
    return folder


def test_the_example_checks_clean_strictly():
    bundle, diags = check(EXAMPLE)
    assert diags == []
    project = bundle.projects[0]
    assert (str(project.period), project.start.isoformat(), project.end.isoformat()) == (
        "2024.03-2024.11", "2024-03-01", "2024-11-30")


def test_every_second_level_is_printed_even_when_empty(rows):
    # Rows as Word stores them: a cell merged from above is an empty continuation cell.
    start = next(i for i, row in enumerate(rows) if row[0] == "年度绩效指标")
    assert rows[start][1:] == ["一级指标", "二级指标", "三级指标", "指标值", "绩效标准"]
    indicators = rows[start + 1:-1]
    assert [row[2] for row in indicators] == ["数量指标", "质量指标", "时效指标", "成本指标", "经济效益指标",
                                              "社会效益指标", "生态效益指标", "可持续影响指标", "服务对象满意度指标"]
    empty = [row[2] for row in indicators if row[3:] == ["", "", ""]]
    assert empty == ["经济效益指标", "生态效益指标"]
    assert rows[-1] == ["其他需说明的问题", "无。"]


def test_money_and_dates_print_as_written(rows):
    texts = ["|".join(row) for row in rows]
    assert "项目名称|高标准农田机耕道维修|项目起止时间|2024.03-2024.11" in texts
    assert "项目资金申请（万元）|资金总额|85.6" in texts and "|二、自有资金|5.6" in texts
    assert "|机耕道路面及边沟维修|2024.05|2024.10" in texts


def test_the_funding_identity_in_wan(tmp_path):
    folder = copy(tmp_path, [("  own: 5.6\n", "  own: 56000元\n")])  # 5.6 万元 written in 元: still equal
    assert check(folder)[1] == []
    folder = copy(tmp_path / "b", [("  own: 5.6\n", "  own: 5.5\n")])
    p = folder / "01-farm-roads.yaml"
    (found,) = check(folder)[1]
    assert (Path(found.pos.path).name, found.pos.line, found.pos.col, found.code) == at(p, "total: 85.6", "PD110",
                                                                                         mark="85.6")
    assert found.message("zh") == "资金总额写 85.6万元，一、预算资金 80万元 + 二、自有资金 5.5万元 + 三、其他 0万元 = 85.5万元"


def test_a_period_is_checked(tmp_path):
    folder = copy(tmp_path, [("period: 2024.03-2024.11", "period: 2024.11-2024.03")])
    p = folder / "01-farm-roads.yaml"
    assert {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1]} == {
        at(p, "2024.11-2024.03", "PD012")}


def test_figures_without_operators_are_quantitative_in_this_framework(tmp_path):
    folder = copy(tmp_path, [("{value: 12.5公里, standard: 计划标准}", "{value: 较多, standard: 计划标准}")])
    p = folder / "01-farm-roads.yaml"
    assert {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1]} == {
        at(p, "较多", "PD306")}


@pytest.mark.parametrize("period, start, end", [("2024年3月-11月", "2024-03-01", "2024-11-30"),
                                                ("2024.3-11", "2024-03-01", "2024-11-30"),
                                                ("2024年3月1日至2024年11月15日", "2024-03-01", "2024-11-15"),
                                                ("2024年度", "2024-01-01", "2024-12-31"),
                                                ("2024", "2024-01-01", "2024-12-31"),
                                                ("2024年-2025年", "2024-01-01", "2025-12-31"),
                                                ("202403-202411", "2024-03-01", "2024-11-30"),
                                                ("20240301-20241115", "2024-03-01", "2024-11-15")])
def test_periods_are_read_as_written(tmp_path, period, start, end):
    folder = copy(tmp_path, [("period: 2024.03-2024.11", f"period: {period}")])
    bundle, diags = check(folder)
    assert [d for d in diags if d.severity == "error"] == []  # a multi-year period draws reviewers' warnings
    project = bundle.projects[0]
    assert (str(project.period), project.start.isoformat(), project.end.isoformat()) == (period, start, end)


@pytest.mark.parametrize("period", ["2024-01-12", "1800年度", "2024年度-2023年度"])
def test_a_date_or_an_impossible_year_is_no_period(tmp_path, period):
    folder = copy(tmp_path, [("period: 2024.03-2024.11", f"period: {period}")])
    _, diags = check(folder)
    assert [d.code for d in diags] == ["PD012"]


def test_a_form_without_sub_items_refuses_them(tmp_path):
    folder = copy(tmp_path, [("others: |\n", "items:\n  - {title: 维修, budget: 80万元}\nothers: |\n")])
    p = folder / "01-farm-roads.yaml"
    (found,) = check(folder)[1]
    assert (Path(found.pos.path).name, found.pos.line, found.pos.col, found.code) == at(p, "- {title", "PD012")
    assert "此表单没有子项目" in found.message("zh")


def test_figures_written_without_their_operator_count_as_figures(tmp_path):
    # The framework says `operator: false`: 12.5公里 and 100% are figures; 2024年11月底前 is no figure but measurable.
    import csv

    out = tmp_path / "s.csv"
    assert CliRunner().invoke(cli, ["summary", str(EXAMPLE), "-o", str(out)]).exit_code == 0
    first = next(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert (first["指标数"], first["定性指标数"]) == ("7", "1")  # 明显改善; a date counts as measurable
    bundle, _ = check(EXAMPLE)
    values = {name: i.value for x in bundle.projects[0].indicators.values() for y in x.values() for name, i in y.items()}
    assert (values["机耕道维修里程"].number, values["机耕道维修里程"].unit) == (Decimal("12.5"), "公里")
    assert values["完工时间"].number is None and values["机耕道维修里程"].text == "12.5公里"


def test_the_filling_unit_is_the_declarations_even_when_the_project_names_its_own(tmp_path):
    folder = copy(tmp_path, [("name: 高标准农田机耕道维修\n", "name: 高标准农田机耕道维修\nunit: 青禾县某镇\n")])
    out = tmp_path / "hn.docx"
    assert CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)]).exit_code == 0
    body = "".join(etree.fromstring(zipfile.ZipFile(out).read("word/document.xml")).itertext())
    assert "填报单位（盖章）：青禾县农业农村局" in body
