"""What a form declares beyond its fields: common fields it lacks, indicator columns, the fields naming a project's kind."""
from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from click.testing import CliRunner
from helpers import DECLARATION, PROJECT, REPO, at, edit, folder_with

from perfdecl.cli import cli
from perfdecl.pipeline import check

NO_DATES = [("start: 2023-01-01\n", ""), ("end: 2023-12-31\n", ""), ("  total: 完成 2023 年设备维护。\n", "")]


def codes(folder: Path) -> list[tuple[str, int, int, str]]:
    return sorted((Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1])


OPTIONAL = [("  items: required", "  optional: [start, end, goals.total]\n  items: required")]


def test_a_form_may_leave_out_the_period_and_the_total_goal(tmp_path):
    folder = folder_with(tmp_path, OPTIONAL, NO_DATES)
    bundle, diags = check(folder)
    assert diags == []
    project = bundle.projects[0]
    assert project.start is None and project.end is None and project.goals.total is None
    assert project.goals.annual == "完成设备维护。"
    out = tmp_path / "out.docx"  # shanghai-2023's own documents, which print the period and the total goal
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "完成设备维护。" in text and "None" not in text


def test_without_optional_the_common_fields_stay_required(tmp_path):
    folder = folder_with(tmp_path, [], NO_DATES)
    assert {code for *_, code in codes(folder)} == {"PD011"}
    assert len(codes(folder)) == 3


def test_the_period_rules_still_run_when_the_dates_are_written(tmp_path):
    folder = folder_with(tmp_path, OPTIONAL, [("end: 2023-12-31", "end: 2022-12-31")])
    p = folder / "p.yaml"
    assert codes(folder) == [at(p, "2023-01-01", "PD205")]


def test_only_common_fields_may_be_optional(tmp_path):
    folder = folder_with(tmp_path, [("  items: required", "  optional: [start, name, goals.totl]\n  items: required")], [])
    diags = check(folder)[1]
    assert [(d.code, d.pos.path.endswith("template.yaml")) for d in diags] == [("PD016", True)] * 2
    assert all("'goals.total'" in d.message("zh") for d in diags)  # one per wrong entry, naming the right ones


# -- indicator columns -------------------------------------------------------------------------------

COLUMNS = [("  items: required", """\
  items: required
  indicator_columns:
    weight: {label: 权重, type: number, required: true, total: 100}
    direction: {label: 指标方向性, type: choice, values: [正向, 反向]}
    explanation: 指标解释""")]
INDICATORS = PROJECT[PROJECT.index("indicators:\n"):]
WEIGHTED = """\
indicators:
  产出指标:
    数量指标:
      彩色带采购数量: {value: =6 卷, link: 彩色带.qty, weight: 40, direction: 正向}
    时效指标:
      维护完成时间: {value: 2023 年 12 月底, weight: 20}
  效益指标:
    社会效益指标:
      服务稳定性: {value: 提升, weight: "20", explanation: 故障停机次数减少}
  满意度指标:
    服务对象满意度指标:
      用户满意度: {value: ">=90%", weight: 20, direction: 正向}
"""


def weighted(tmp_path: Path, edits: list[tuple[str, str]] = ()) -> Path:
    return folder_with(tmp_path, COLUMNS, [(INDICATORS, edit(WEIGHTED, list(edits)))])


def test_indicator_columns_are_read_and_reach_the_templates(tmp_path):
    folder = weighted(tmp_path)
    bundle, diags = check(folder)
    assert diags == []
    project = bundle.projects[0]
    first = project.indicators["产出指标"]["数量指标"]["彩色带采购数量"]
    assert (first.value.text, str(first.weight), first.direction, first.explanation) == ("=6 卷", "40", "正向", None)
    assert project.indicators["效益指标"]["社会效益指标"]["服务稳定性"].explanation == "故障停机次数减少"
    (folder / "mine" / "document.xml.j2").write_text(
        '<doc title="t">{% for n, project in numbered %}{% for row in project.indicators|tree_rows(3) %}'
        '<p>{{ row.path[2] }}|{{ row.value.weight }}|{{ row.value.direction or "" }}|'
        '{{ form.indicator_columns.weight.label }}</p>{% endfor %}{% endfor %}</doc>', encoding="utf-8")
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "彩色带采购数量|40|正向|权重" in text and "服务稳定性|20||权重" in text


def test_the_workbooks_indicator_sheet_has_a_column_per_indicator_column(tmp_path):
    import openpyxl

    folder = weighted(tmp_path)
    out = tmp_path / "out.xlsx"
    result = CliRunner().invoke(cli, ["build", str(folder), "--format", "xlsx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(out)["指标"]
    header = [c.value for c in sheet[1]]
    assert header[-3:] == ["权重", "指标方向性", "指标解释"]
    rows = {r[header.index("三级指标")]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["彩色带采购数量"][-3:] == (40, "正向", None)
    assert rows["服务稳定性"][-3:] == (20, None, "故障停机次数减少")


def test_indicator_columns_are_validated_at_their_place(tmp_path):
    folder = weighted(tmp_path, [("weight: 40, direction: 正向", "wieght: 40, direction: 正向"),
                                 ("weight: 20}\n  效益指标", "weight: 20, direction: 向上}\n  效益指标"),
                                 ('weight: "20"', 'weight: 二十')])
    p = folder / "p.yaml"
    assert codes(folder) == sorted([at(p, "wieght", "PD010"),  # its did-you-mean says weight: no PD011 besides
                                    at(p, "向上", "PD012"), at(p, "二十", "PD012")])
    unknown = next(d for d in check(folder)[1] if d.code == "PD010")
    assert "weight" in unknown.message("zh")  # the did-you-mean


def test_weights_must_add_up_to_the_forms_total(tmp_path):
    folder = weighted(tmp_path, [("weight: 40", "weight: 30")])
    p = folder / "p.yaml"
    assert codes(folder) == [at(p, "indicators", "PD114")]
    (found,) = check(folder)[1]
    assert "90" in found.message("zh") and "100" in found.message("zh") and "权重" in found.message("zh")


def test_without_columns_indicators_are_written_as_before(tmp_path):
    folder = folder_with(tmp_path, COLUMNS, [])  # the shorthand `name: value` with a required column
    p = folder / "p.yaml"
    assert {code for *_, code in codes(folder)} == {"PD011"}
    assert at(p, "用户满意度", "PD011") in codes(folder)
    assert check(folder_with(tmp_path / "plain", [], []))[1] == []


def test_the_schema_lists_the_indicator_columns(tmp_path):
    folder = weighted(tmp_path)
    out = tmp_path / "schemas"
    result = CliRunner().invoke(cli, ["schema", "--template", str(folder / "mine"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = (out / "project.schema.json").read_text(encoding="utf-8")
    schema = json.loads(text)
    (indicator,) = [d for name, d in schema["$defs"].items() if name.startswith("Indicator")]
    mapping = indicator["anyOf"][0]
    assert {"weight", "direction", "explanation"} <= set(mapping["properties"]) and "weight" in mapping["required"]
    assert mapping["properties"]["direction"]["anyOf"][0]["enum"] == ["正向", "反向"]


def test_a_bad_indicator_column_is_refused_in_the_template(tmp_path):
    for bad, why in (("weight: {label: 权重, type: percent}", "type"), ("value: 指标值", "共有"),
                     ("weight: {label: 权重, type: text, total: 100}", "total"),
                     ("weight: {label: 权重, type: choice}", "values")):
        folder = folder_with(tmp_path / why, [(COLUMNS[0][0], COLUMNS[0][1].replace(
            "weight: {label: 权重, type: number, required: true, total: 100}", bad))], [])
        (found,) = check(folder)[1]
        assert found.code == "PD016" and found.pos.path.endswith("template.yaml"), bad
        assert why in found.message("zh"), (bad, found.message("zh"))


def test_the_indicator_columns_example_of_the_docs(tmp_path):
    doc = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Indicator columns"):doc.index("### Worked example")]
    meta, project = re.findall(r"```yaml\n(.*?)```", section, re.S)
    folder = tmp_path / "d"
    (folder / "sichuan").mkdir(parents=True)
    (folder / "sichuan" / "template.yaml").write_text(meta, encoding="utf-8")
    (folder / "declaration.yaml").write_text(edit(DECLARATION, [("year: 2023", "year: 2023\ntemplate: sichuan")]),
                                             encoding="utf-8")
    p = folder / "p.yaml"
    p.write_text(project, encoding="utf-8")
    assert codes(folder) == []
    p.write_text(edit(project, [("weight: 50", "wieght: 50"), ("weight: 30, direction: 正向指标", "weight: 30, direction: 正向")]),
                 encoding="utf-8")
    assert codes(folder) == sorted([at(p, "wieght", "PD010"), at(p, "正向}", "PD012")])  # not also PD011 weight
    p.write_text(edit(project, [("weight: 30", "weight: 20")]), encoding="utf-8")
    assert codes(folder) == [at(p, "indicators", "PD114")]
    assert "90" in check(folder)[1][0].message("zh")


# -- the fields naming a project's kind -----------------------------------------------------------------

def summary_kinds(*folders: Path) -> list[str]:
    result = CliRunner().invoke(cli, ["summary", *map(str, folders), "--lang", "en"])
    assert result.exit_code == 0, result.output
    rows = [line.split("|")[1:-1] for line in result.output.splitlines() if line.startswith("|")]
    head = [cell.strip() for cell in rows[0]]
    column = head.index("category")
    return [row[column].strip() for row in rows[2:] if "**" not in "".join(row)]  # not the 小计 and 合计 rows


def test_summary_shows_only_the_fields_the_form_says_name_the_kind():
    hunan, putuo = (REPO / "examples" / name for name in ("2024-hunan-demo", "2026-putuo-cgzf"))
    hunan_kinds = summary_kinds(hunan)
    assert hunan_kinds == [""]  # its code, leader and phone are not a kind
    from perfdecl.pipeline import check as checked

    bundle, _ = checked(putuo)
    assert summary_kinds(putuo) == [f"{p.nature}、{p.category}" for p in bundle.projects]


def test_a_form_names_its_kind_fields(tmp_path):
    folder = folder_with(tmp_path, [("    category: {label: 项目类别, type: text, required: true}",
                                     "    category: {label: 项目类别, type: text, required: true}\n"
                                     "    leader: 项目负责人")],  # shanghai-2023's kind: [category]
                         [("category: 经常性项目\n", "category: 经常性项目\nleader: 张三\n")])
    assert check(folder)[1] == []
    assert summary_kinds(folder) == ["经常性项目"]
    meta = folder / "mine" / "template.yaml"
    meta.write_text(edit(meta.read_text(encoding="utf-8"), [("kind: [category]", "kind: [categroy]")]),
                    encoding="utf-8")
    (found,) = check(folder)[1]
    assert found.code == "PD016" and "categroy" in found.message("zh")


def test_importing_an_indicator_sheet_again_keeps_the_indicator_columns_it_lacks(tmp_path):
    from helpers import indicator_sheet

    folder = weighted(tmp_path)
    project = folder / "p.yaml"
    book = indicator_sheet(tmp_path / "values.xlsx", [
        ["产出指标", "数量指标", "彩色带采购数量", ">=6 卷"], ["产出指标", "时效指标", "维护完成时间", "2023 年 12 月底"],
        ["效益指标", "社会效益指标", "服务稳定性", "提升"], ["满意度指标", "服务对象满意度指标", "用户满意度", ">=95%"]])
    result = CliRunner().invoke(cli, ["import-indicators", str(book), str(project)])
    assert result.exit_code == 0, result.output
    bundle, diags = check(folder)
    assert diags == []
    got = {n: (i.value.text, str(i.weight), i.direction, i.explanation, i.link) for _, _, n, i in bundle.projects[0].indicator_rows}
    assert got["彩色带采购数量"] == (">=6 卷", "40", "正向", None, "彩色带.qty")
    assert got["服务稳定性"] == ("提升", "20", None, "故障停机次数减少", None)
    assert got["用户满意度"][:2] == (">=95%", "20")


def test_an_indicator_column_may_not_take_a_name_that_places_a_row(tmp_path):
    folder = folder_with(tmp_path, [("  items: required", "  items: required\n  indicator_columns:\n    name: 名称")], [])
    found = [d for d in check(folder)[1] if d.code == "PD016"]
    assert found and "name_name" in found[0].message("zh")


def test_import_indicators_reads_the_indicator_columns_the_workbook_exports(tmp_path):
    import openpyxl

    folder = weighted(tmp_path)
    project = folder / "p.yaml"
    book = tmp_path / "out.xlsx"
    assert CliRunner().invoke(cli, ["build", str(folder), "--format", "xlsx", "-o", str(book)]).exit_code == 0
    wb = openpyxl.load_workbook(book)
    sheet = wb["指标"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        name = row[header.index("三级指标")].value
        if name in ("彩色带采购数量", "维护完成时间"):
            row[header.index("权重")].value = 30  # 40 → 30 and 20 → 30: still 100 in all
    wb.save(book)
    result = CliRunner().invoke(cli, ["import-indicators", str(book), str(project), "--sheet", "指标"])
    assert result.exit_code == 0, result.output
    bundle, diags = check(folder)
    assert diags == []
    weights = {n: str(i.weight) for _, _, n, i in bundle.projects[0].indicator_rows}
    assert weights == {"彩色带采购数量": "30", "维护完成时间": "30", "服务稳定性": "20", "用户满意度": "20"}
    assert bundle.projects[0].indicators["效益指标"]["社会效益指标"]["服务稳定性"].explanation == "故障停机次数减少"
