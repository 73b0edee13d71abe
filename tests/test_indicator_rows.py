"""Indicators written as a list of rows, in the form's own order (一级 and 二级 repeated as they come)."""
from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import PROJECT, REPO, assert_findings, at, declaration, findings

from perfdecl.cli import cli
from perfdecl.pipeline import check

P = "p.yaml"
TREE = PROJECT[PROJECT.index("indicators:"):]
# The same four indicators as the tree of helpers.PROJECT, in another order, as a table lists them.
ROWS = """indicators:
  - {first: 效益指标, second: 社会效益指标, name: 服务稳定性, value: 提升}
  - {first: 产出指标, second: 数量指标, name: 彩色带采购数量, value: =6 卷, link: 彩色带.qty}
  - first: 满意度指标
    second: 服务对象满意度指标
    name: 用户满意度
    value: ">=90%"
  - {first: 产出指标, second: 时效指标, name: 维护完成时间, value: 2023 年 12 月底}
"""


def rows_declaration(tmp_path: Path, rows: str = ROWS) -> Path:
    return declaration(tmp_path, [(TREE, rows)])


def test_rows_are_the_tree_for_every_rule_and_keep_their_order(tmp_path):
    folder = rows_declaration(tmp_path)
    assert_findings(folder)
    bundle, _ = check(folder)
    project = bundle.projects[0]
    assert [row[:3] for row in project.indicator_rows] == [
        ("效益指标", "社会效益指标", "服务稳定性"), ("产出指标", "数量指标", "彩色带采购数量"),
        ("满意度指标", "服务对象满意度指标", "用户满意度"), ("产出指标", "时效指标", "维护完成时间")]
    tree, _ = check(declaration(tmp_path / "tree"))
    assert project.indicators == tree.projects[0].indicators
    assert [row[:3] for row in tree.projects[0].indicator_rows] == [
        ("产出指标", "数量指标", "彩色带采购数量"), ("产出指标", "时效指标", "维护完成时间"),
        ("效益指标", "社会效益指标", "服务稳定性"), ("满意度指标", "服务对象满意度指标", "用户满意度")]


def test_findings_point_into_the_rows(tmp_path):
    folder = rows_declaration(tmp_path, ROWS.replace("value: =6 卷", "value: =7 卷").replace("name: 服务稳定性", "name: 服务稳定性率")
                              .replace("value: 提升", "value: 提高"))
    p = folder / P
    assert_findings(folder, at(p, "=7 卷", "PD309"), at(p, "提高}", "PD411"))


def test_broken_rows_are_reported_where_they_stand(tmp_path):
    rows = ROWS + """  - {first: 产出指标, second: 数量指标, value: =1 个}
  - 产出指标
  - {first: 效益指标, second: 社会效益指标, name: 服务稳定性, value: 改善}
  - {first: 产出指标, second: 质量指标, name: 合格率, valeu: 100%}
"""
    folder = rows_declaration(tmp_path, rows)
    p = folder / P
    first = at(p, "name: 服务稳定性", "PD003")[1]
    assert findings(folder) == {
        at(p, "{first: 产出指标, second: 数量指标, value", "PD011"),
        at(p, "- 产出指标", "PD012", mark="产出指标"),
        at(p, "服务稳定性", "PD003", nth=1),
        at(p, "valeu", "PD010"),  # names value, which is then not also reported missing
    }
    assert first < at(p, "服务稳定性", "PD003", nth=1)[1]
    out = CliRunner().invoke(cli, ["check", str(folder)])
    assert f"第 {first} 行已定义" in out.output and "是不是“value”" in out.output


def test_a_table_template_prints_the_rows_in_their_order(tmp_path):
    folder = rows_declaration(tmp_path)
    template = folder / "table"
    shutil.copytree(REPO / "templates" / "shanghai-2023", template)
    (template / "document.xml.j2").write_text(
        "<doc>{% for project in projects %}<table widths=\"30 30 40 30\">{% for first, second, name, indicator in project.indicator_rows %}"
        "<tr><td>{{ first }}</td><td>{{ second }}</td><td>{{ name }}</td><td>{{ indicator.value.text }}</td></tr>"
        "{% endfor %}</table>{% endfor %}</doc>", encoding="utf-8")
    out = tmp_path / "out.html"
    result = CliRunner().invoke(cli, ["build", str(folder), "--template", str(template), "--format", "html", "-o", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.index("服务稳定性") < page.index("彩色带采购数量") < page.index("用户满意度") < page.index("维护完成时间")


def test_rows_in_the_trees_order_build_the_same_document_as_the_tree(tmp_path):
    # The tree made from rows takes each 一级 and 二级 where it first appears.
    lines = ROWS.splitlines(keepends=True)
    in_tree_order = "".join([lines[0], lines[2], lines[7], lines[1], *lines[3:7]])
    docs = []
    for name, folder in (("rows", rows_declaration(tmp_path / "r", in_tree_order)), ("tree", declaration(tmp_path / "t"))):
        out = tmp_path / f"{name}.docx"
        assert CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)]).exit_code == 0
        docs.append(out.read_bytes())
    assert docs[0] == docs[1]


@pytest.mark.skipif(shutil.which("check-jsonschema") is None, reason="check-jsonschema not installed")
def test_the_json_schema_takes_rows_too(tmp_path):
    folder = rows_declaration(tmp_path)
    done = subprocess.run(["check-jsonschema", "--schemafile", str(REPO / "schemas" / "project.schema.json"),
                           str(folder / P)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout
    (folder / P).write_text((folder / P).read_text(encoding="utf-8").replace("name: 服务稳定性, ", ""), encoding="utf-8")
    assert subprocess.run(["check-jsonschema", "--schemafile", str(REPO / "schemas" / "project.schema.json"),
                           str(folder / P)], capture_output=True).returncode == 1
