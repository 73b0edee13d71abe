"""A form is data: the worked example of docs/templates.md, as written there, does what the docs say."""
from __future__ import annotations

import json
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import REPO, at, edit

from perfdecl.cli import cli
from perfdecl.diagnostics import Invalid
from perfdecl.form import default_form, parse_identity, read_form
from perfdecl.pipeline import check

DOC = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")


def _blocks(kind: str) -> list[str]:
    """The ```kind code blocks of the worked example, in order."""
    section = DOC[DOC.index("### Worked example"):DOC.index("### For code")]
    return re.findall(rf"```{kind}\n(.*?)```", section, re.S)


DECLARATION = """\
unit: 某县农业农村局
year: 2024
department: 某县农业农村局
framework: caiyu-2021
template: my-form
projects:
  - p.yaml
"""


@pytest.fixture
def worked(tmp_path: Path) -> Path:
    template_yaml, project = _blocks("yaml")
    (document,) = _blocks("jinja")
    folder = tmp_path / "d"
    (folder / "my-form").mkdir(parents=True)
    (folder / "my-form" / "template.yaml").write_text(template_yaml, encoding="utf-8")
    (folder / "my-form" / "document.xml.j2").write_text(document, encoding="utf-8")
    (folder / "declaration.yaml").write_text(DECLARATION, encoding="utf-8")
    (folder / "p.yaml").write_text(project, encoding="utf-8")
    return folder


def codes(folder: Path) -> list[tuple[str, int, int, str]]:
    return sorted((Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1])


def test_the_worked_example_checks_clean_and_builds(worked, tmp_path):
    bundle, diags = check(worked)
    assert diags == []
    project = bundle.projects[0]
    assert project.nature == "一次性项目" and project.items == []
    figures = bundle.form.figures_of(project)
    assert [(f.key, f.label, f.value.text, f.value.unit) for f in figures] == [
        ("total", "资金总额", "50", "万元"), ("budget", "一、预算资金", "45", "万元"),
        ("own", "二、自有资金", "5", "万元"), ("other", "三、其他", "0", "万元")]
    out = tmp_path / "out.docx"
    result = CliRunner().invoke(cli, ["build", str(worked), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    for printed in ("项目性质：一次性项目", "一、项目概述", "二、立项依据", "根据《农业机械化促进法》。",
                    "资金总额：50", "二、自有资金：5", "三、其他：0"):
        assert printed in text, printed
    assert "三、年度预算安排" in text  # an optional part of the group still has its heading in this template


def test_the_worked_example_refuses_what_the_docs_say(worked):
    p = worked / "p.yaml"
    original = p.read_text(encoding="utf-8")
    p.write_text(edit(original, [("nature: 一次性项目", "nature: 长期项目"),
                                 ("own: 5", "own: 4"),
                                 ("  basis: |\n    根据《农业机械化促进法》。\n", "")]), encoding="utf-8")
    found = codes(worked)
    assert ("p.yaml", 2, 9, "PD012") in found  # nature, at its value
    assert any(code == "PD011" for *_, code in found)
    messages = [d.message("zh") for d in check(worked)[1]]
    assert any("一次性项目" in m and "长期项目" not in m.split("：")[0] for m in messages)
    # With the choice fixed and basis back, the identity is checked at the left-hand figure.
    p.write_text(edit(original, [("own: 5", "own: 4")]), encoding="utf-8")
    assert codes(worked) == [at(p, "total: 50", "PD110", mark="50")]
    (message,) = [d.message("zh") for d in check(worked)[1]]
    assert message == "资金总额写 50万元，一、预算资金 45万元 + 二、自有资金 4万元 + 三、其他 0万元 = 49万元"


def test_dates_print_as_written_and_are_still_checked(worked):
    bundle, _ = check(worked)
    project = bundle.projects[0]
    assert str(project.start) == "2024/1/1" and project.start.year == 2024 and project.end.month == 12
    p = worked / "p.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8"), [("end: 2024/12/31", "end: 2024/2/30")]), encoding="utf-8")
    assert codes(worked) == [at(p, "2024/2/30", "PD008")]  # as YAML reports 2024-02-30


def test_a_yaml_date_keeps_its_text(tmp_path, worked):
    p = worked / "p.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8"), [("start: 2024/1/1", "start: 2024-1-1")]), encoding="utf-8")
    bundle, diags = check(worked)
    assert diags == [] and str(bundle.projects[0].start) == "2024-1-1"


def test_the_schema_of_a_template_follows_its_form(worked, tmp_path):
    out = tmp_path / "schemas"
    result = CliRunner().invoke(cli, ["schema", "--template", str(worked / "my-form"), "-o", str(out)])
    assert result.exit_code == 0, result.output
    schema = json.loads((out / "project.schema.json").read_text(encoding="utf-8"))
    assert "nature" in schema["required"] and "category" not in schema["properties"]
    assert schema["properties"]["nature"]["enum"] == ["经常性项目", "阶段性项目", "一次性项目"]
    funding = schema["$defs"]["Funding"]
    assert list(funding["properties"]) == ["unit", "total", "budget", "own", "other"]
    assert funding["required"] == ["total", "budget"]
    import jsonschema
    import yaml

    jsonschema.validate(yaml.safe_load((worked / "p.yaml").read_text(encoding="utf-8")), schema)


def test_the_default_form_reproduces_shanghai_2023():
    form = default_form()
    assert list(form.funding.figures) == ["total", "fiscal", "other", "annual", "appropriation", "carryover",
                                          "annual_other"]
    assert [i.text for i in form.funding.parsed] == ["total = fiscal + other",
                                                      "annual = appropriation + carryover + annual_other"]
    assert read_form(REPO / "templates" / "caiyu-2021")[0] == form  # inherited from its base


@pytest.mark.parametrize("text, terms", [
    ("total = a + b - c", ((1, "a"), (1, "b"), (-1, "c"))),
    ("x=y", ((1, "y"),)),
])
def test_identities_parse(text, terms):
    assert parse_identity(text).terms == terms


@pytest.mark.parametrize("text", ["total", "total = ", "total = a +", "total = a * b", "total = __import__('os')",
                                  "= a", "total = a + + b", "a = b = c"])
def test_bad_identities_are_refused(text):
    with pytest.raises(Invalid):
        parse_identity(text)


def test_a_table_identity_may_be_a_product():
    identity = parse_identity("amount = qty × months * price", products=True)
    assert identity.product and identity.terms == ((1, "qty"), (1, "months"), (1, "price"))
    assert identity.right({"qty": Decimal(6), "months": Decimal("0.5"), "price": Decimal("0.098")}.__getitem__) \
        == Decimal("0.294")
    assert not parse_identity("total = a - b", products=True).product
    for mixed in ("amount = qty * price + fee", "amount = qty - price * fee", "a = " + " * ".join(["b"] * 101)):
        with pytest.raises(Invalid):
            parse_identity(mixed, products=True)
    exact = Decimal("123456789012.12345678901234567890")  # 32 digits: the default context keeps 28
    squared = Decimal("15241578753183967093650.4075622650876393303501905199875019052100")
    assert parse_identity("a = b * c", products=True).right(lambda key: exact) == squared  # not rounded to 28 digits


def test_a_bad_form_is_reported_in_its_template_file(worked):
    meta = worked / "my-form" / "template.yaml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(edit(text, [("identities: [total = budget + own + other]",
                                 "identities: [total = budget + own + others]"),
                                ("      type: choice\n", "      type: chioce\n")]), encoding="utf-8")
    found = codes(worked)
    assert found and {code for *_, code in found} == {"PD016"}
    assert all(name == "template.yaml" for name, *_ in found)
    assert at(meta, "chioce", "PD016") in found


def test_a_framework_and_a_template_shared_in_the_repository(tmp_path, worked):
    # Two declarations beside each other use one framework file and one template folder.
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert CliRunner().invoke(cli, ["framework", "export", "caiyu-2021", str(repo / "shared" / "fw.yaml")]).exit_code == 0
    (worked / "my-form").rename(repo / "shared" / "my-form")
    worked.rename(repo / "a")
    decl = repo / "a" / "declaration.yaml"
    decl.write_text(edit(decl.read_text(encoding="utf-8"), [("framework: caiyu-2021", "framework: ../shared/fw.yaml"),
                                                            ("template: my-form", "template: ../shared/my-form")]),
                    encoding="utf-8")
    assert codes(repo / "a") == []
    assert CliRunner().invoke(cli, ["build", str(repo / "a"), "-o", str(tmp_path / "a.docx")]).exit_code == 0
    # Without the repository, the same names lead outside the declaration folder: refused (the
    # template first: without its form no project can be read).
    (repo / ".git").rmdir()
    assert codes(repo / "a") == [at(decl, "../shared/my-form", "PD012")]
    decl.write_text(edit(decl.read_text(encoding="utf-8"), [("template: ../shared/my-form", "template: shanghai-2023")]),
                    encoding="utf-8")
    assert at(decl, "../shared/fw.yaml", "PD310") in codes(repo / "a")


def test_framework_export_never_overwrites(tmp_path):
    target = tmp_path / "fw.yaml"
    runner = CliRunner()
    assert runner.invoke(cli, ["framework", "export", "hunan-2024", str(target)]).exit_code == 0
    assert "operator: false" in target.read_text(encoding="utf-8")
    target.write_text("mine\n", encoding="utf-8")
    assert runner.invoke(cli, ["framework", "export", "hunan-2024", str(target)]).exit_code == 2
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert runner.invoke(cli, ["framework", "export", "nope", str(tmp_path / "x.yaml")]).exit_code == 2


def test_form_texts_take_figures_from_the_data(worked):
    p = worked / "p.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8"), [("预算资金 50 万元", "预算资金 {{ project.funding.total }} 万元")]),
                 encoding="utf-8")
    bundle, diags = check(worked)
    assert diags == [] and "预算资金 50 万元。" in bundle.projects[0].explanation.overview
    p.write_text(edit(p.read_text(encoding="utf-8"), [("{{ project.funding.total }}", "{{ project.nope }}")]),
                 encoding="utf-8")
    assert codes(worked) == [at(p, "{{ project.nope }}", "PD014")]


def test_init_takes_a_template_folder_and_a_framework_file(tmp_path, worked):
    from perfdecl.commands.init import run

    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (worked / "my-form").rename(repo / "my-form")
    (repo / "my-form" / "sample.yaml").write_text(
        "# yaml-language-server: $$schema=./$schemas/project.schema.json\n"
        + (worked / "p.yaml").read_text(encoding="utf-8").replace("2024", "$year").split("indicators:")[0]
        + "indicators:\n$indicators", encoding="utf-8")
    assert CliRunner().invoke(cli, ["framework", "export", "caiyu-2021", str(repo / "fw.yaml")]).exit_code == 0
    assert run(repo / "units" / "a", year=2025, template=str(repo / "my-form"), framework=str(repo / "fw.yaml")) == 0
    text = (repo / "units" / "a" / "declaration.yaml").read_text(encoding="utf-8")
    assert "template: ../../my-form" in text and "framework: ../../fw.yaml" in text
    assert codes(repo / "units" / "a") == []
    schema = json.loads((repo / "units" / "a" / ".schemas" / "project.schema.json").read_text(encoding="utf-8"))
    assert "nature" in schema["required"]
    # Outside the repository the declaration could not use them: refused, nothing written.
    assert run(tmp_path / "elsewhere", template=str(repo / "my-form")) == 2
    assert not (tmp_path / "elsewhere").exists()


def test_a_field_of_another_form_is_named_and_the_rest_still_checked(tmp_path):
    from helpers import declaration

    folder = declaration(tmp_path, [("category: 经常性项目\n", "category: 经常性项目\nnature: 经常性项目\n"),
                                    ("  fiscal: 30000", "  fiscal: 20000")])
    p = folder / "p.yaml"
    assert codes(folder) == sorted([at(p, "nature", "PD010"), at(p, "total: 30000", "PD110", mark="30000")])
    (unknown,) = [d for d in check(folder)[1] if d.code == "PD010"]
    assert "shanghai-2026" in unknown.message("zh") and "项目性质" in unknown.message("en")
    assert "是不是" not in unknown.message("zh")  # not the misleading did-you-mean “name”


def test_a_form_file_is_read_only_inside_its_template_folder(worked, tmp_path):
    meta = worked / "my-form" / "template.yaml"
    form = meta.read_text(encoding="utf-8").split("form:\n", 1)[1]
    (tmp_path / "outside.yaml").write_text(form, encoding="utf-8")
    meta.write_text("name: my-form\nbase: shanghai-2023\nform: ../../outside.yaml\n", encoding="utf-8")
    assert codes(worked) == [("template.yaml", 1, 1, "PD016")]
    (worked / "my-form" / "form.yaml").write_text("\n".join(line[2:] for line in form.splitlines()), encoding="utf-8")
    meta.write_text("name: my-form\nbase: shanghai-2023\nform: form.yaml\n", encoding="utf-8")
    assert codes(worked) == []
    meta.unlink()
    meta.symlink_to(tmp_path / "outside.yaml")
    assert codes(worked) == [("template.yaml", 1, 1, "PD016")]


@pytest.mark.parametrize("key, why", [("form", "保留的名称"), ("source", "保留的名称"), ("copy", "保留的名称"),
                                      ("name", "共有的字段"), ("Nature", "小写字母")])
def test_a_field_key_the_model_cannot_take_is_refused(worked, key, why):
    meta = worked / "my-form" / "template.yaml"
    meta.write_text(edit(meta.read_text(encoding="utf-8"), [("    nature:", f"    {key}:")]), encoding="utf-8")
    (found,) = check(worked)[1]
    assert found.code == "PD016" and why in found.message("zh")
    assert (Path(found.pos.path).name, found.pos.line) == ("template.yaml", at(meta, f"    {key}:", "PD016")[1])


def test_a_money_field_of_the_form_is_checked_like_the_figures(worked):
    meta = worked / "my-form" / "template.yaml"
    meta.write_text(edit(meta.read_text(encoding="utf-8"), [("  funding:", "    subsidy: {label: 单台补贴, type: money}\n  funding:")]),
                    encoding="utf-8")
    p = worked / "p.yaml"
    p.write_text(edit(p.read_text(encoding="utf-8"), [("nature: 一次性项目\n", "nature: 一次性项目\nsubsidy: 0.4999999万元\n")]),
                 encoding="utf-8")
    assert codes(worked) == [at(p, "0.4999999万元", "PD112")]


@pytest.mark.parametrize("fmt", ["docx", "html", "xlsx"])
def test_the_worked_example_builds_in_every_format(worked, tmp_path, fmt):
    """The template overrides document.xml.j2 only; the base's other files (the workbook's form sheet)
    print this form's fields, not shanghai-2023's."""
    out = tmp_path / f"out.{fmt}"
    result = CliRunner().invoke(cli, ["build", str(worked), "--format", fmt, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.is_file()


def test_the_base_form_sheet_prints_the_forms_own_fields_and_figures(worked, tmp_path):
    import openpyxl

    out = tmp_path / "out.xlsx"
    assert CliRunner().invoke(cli, ["build", str(worked), "--format", "xlsx", "-o", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out).worksheets[0]
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    for label, value in [("项目名称", "农机购置补贴"), ("项目性质", "一次性项目"), ("计划开始日期", "2024/1/1"),
                         ("资金总额", "50"), ("一、预算资金", "45"), ("二、自有资金", "5"), ("三、其他", "0"),
                         ("一、项目概述", "2024 年对购置农机的农户给予补贴，预算资金 50 万元。")]:
        assert cells[cells.index(label) + 1] == value, label
    assert "项目资金（万元）" in cells and "项目类别" not in cells
    assert sheet.title == "财政项目支出绩效目标填报表 1"  # the form has no title: the base's wording
    meta = worked / "my-form" / "template.yaml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("form:\n", "form:\n  title: 农机补贴绩效目标表\n"),
                    encoding="utf-8")
    assert CliRunner().invoke(cli, ["build", str(worked), "--format", "xlsx", "-o", str(out)]).exit_code == 0
    assert openpyxl.load_workbook(out).worksheets[0].title == "农机补贴绩效目标表 1"


def test_a_failing_base_file_names_the_template_to_put_its_replacement_in(worked, tmp_path):
    document = worked / "my-form" / "document.xml.j2"
    document.write_text('<doc>{% include "schedule.xml.j2" %}</doc>', encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(worked), "-o", str(tmp_path / "out.docx")])
    assert result.exit_code == 1
    assert "shanghai-2023/schedule.xml.j2:" in result.output
    assert "base" in result.output and "my-form" in result.output, result.output
