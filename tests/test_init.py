"""perfdecl init: a new declaration that is valid, complete, checks clean and builds, for every template."""
from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import findings

from perfdecl import frameworks
from perfdecl.cli import cli
from perfdecl.commands.init import run
from perfdecl.load import load
from perfdecl.render.templates import builtin, builtin_names, load as load_template

TEMPLATES = builtin_names()
MODELINE = "# yaml-language-server: $schema="


def init(*args: str):
    return CliRunner().invoke(cli, ["init", *map(str, args)])


def built_text(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def test_both_built_in_templates_are_covered():
    assert {"shanghai-2023", "caiyu-2021"} <= set(TEMPLATES)


@pytest.mark.parametrize("template", TEMPLATES)
def test_init_checks_clean_and_builds_docx_and_html(tmp_path, template):
    folder = tmp_path / "new"
    result = init(folder, "--template", template, "--unit", "青浦区图书馆", "--department", "青浦区文化和旅游局")
    assert result.exit_code == 0, result.output
    assert findings(folder) == set()  # 0 errors, 0 warnings
    for fmt in ("docx", "html"):
        out = tmp_path / f"out.{fmt}"
        result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out), "--format", fmt])
        assert result.exit_code == 0, result.output
        text = built_text(out) if fmt == "docx" else out.read_text(encoding="utf-8")
        assert "青浦区图书馆" in text and "政务服务设备运行维护" in text


@pytest.mark.parametrize("template", TEMPLATES)
def test_defaults_need_no_options_and_trip_no_rule(tmp_path, template):
    before = dt.date.today().year
    assert run(tmp_path / "d", template=template) == 0
    after = dt.date.today().year
    assert findings(tmp_path / "d") == set()
    bundle, _ = load(tmp_path / "d")
    assert bundle.declaration.year in {before, after}
    project = bundle.projects[0]
    assert project.start == dt.date(bundle.declaration.year, 1, 1)
    assert project.end == dt.date(bundle.declaration.year, 12, 31)
    # the framework defaults to the template's own
    assert bundle.declaration.framework == load_template(builtin(template)).meta["framework"]
    assert bundle.declaration.template == template


def test_year_option_sets_every_date_and_text(tmp_path):
    assert init(tmp_path / "d", "--year", "2031", "--unit", "甲单位", "--department", "乙局").exit_code == 0
    bundle, diags = load(tmp_path / "d")
    assert diags == []
    project = bundle.projects[0]
    assert bundle.declaration.year == 2031
    assert (project.start, project.end) == (dt.date(2031, 1, 1), dt.date(2031, 12, 31))
    item = project.items[0]
    assert (item.start, item.end) == (dt.date(2031, 1, 1), dt.date(2031, 12, 1))
    source = (tmp_path / "d" / "01-project.yaml").read_text(encoding="utf-8")
    assert "2031年 1月" in source and set(re.findall(r"(?<!\d)20\d\d(?!\d)", source)) == {"2031"}
    assert findings(tmp_path / "d") == set()


@pytest.mark.parametrize("name", frameworks.names())
def test_indicator_tree_covers_the_framework(tmp_path, name):
    assert run(tmp_path / "d", framework=name) == 0
    bundle, _ = load(tmp_path / "d")
    assert bundle.declaration.framework == name
    frame = frameworks.get(name)
    tree = bundle.projects[0].indicators
    assert {first: tuple(seconds) for first, seconds in tree.items()} == frame.levels
    links = []
    for first, seconds in tree.items():
        for second, thirds in seconds.items():
            assert len(thirds) == 1, (first, second)
            (indicator,) = thirds.values()
            if second in frame.quantitative:
                assert indicator.value.quantitative, (second, indicator.value.text)
            links += [indicator.link] if indicator.link else []
    assert len(links) >= 1
    assert findings(tmp_path / "d") == set()


def test_a_framework_other_than_the_templates_is_honoured(tmp_path):
    assert run(tmp_path / "d", template="caiyu-2021", framework="shanghai-2023") == 0
    bundle, _ = load(tmp_path / "d")
    assert "成本指标" in bundle.projects[0].indicators["产出指标"]
    assert findings(tmp_path / "d") == set()


def test_line_items_add_up_to_the_budget_and_the_funding(tmp_path):
    assert run(tmp_path / "d") == 0
    project = load(tmp_path / "d")[0].projects[0]
    (item,) = project.items
    rows = item.lines.rows
    assert len(rows) == 2
    for row in rows:
        assert row.qty * row.price.yuan == row.amount.yuan
    assert sum(row.amount.yuan for row in rows) == item.budget.yuan == item.lines.total.yuan
    f = project.funding
    assert f.total.yuan == f.fiscal.yuan + f.other.yuan
    assert f.annual.yuan == f.appropriation.yuan + f.carryover.yuan + f.annual_other.yuan == item.budget.yuan
    assert all(getattr(item, section) for section in
               ("overview", "basis", "subject", "approach", "period", "arrangement", "goals"))


def test_standard_column_templates_get_a_standard_per_indicator(tmp_path):
    assert run(tmp_path / "a", template="caiyu-2021") == 0
    assert run(tmp_path / "b", template="shanghai-2023") == 0
    with_column = [i for s in load(tmp_path / "a")[0].projects[0].indicators.values() for t in s.values()
                   for i in t.values()]
    without = [i for s in load(tmp_path / "b")[0].projects[0].indicators.values() for t in s.values()
               for i in t.values()]
    assert all(i.standard in {"计划标准", "行业标准", "历史标准"} for i in with_column)
    assert all(i.standard is None for i in without)


def test_each_file_points_at_a_schema_inside_the_folder_that_it_satisfies(tmp_path):
    import jsonschema

    folder = tmp_path / "d"
    assert run(folder, unit="A: b #c 'q' \"d\"", department="x, y") == 0
    for name in ("declaration.yaml", "01-project.yaml"):
        path = folder / name
        first = path.read_text(encoding="utf-8").splitlines()[0]
        assert first.startswith(MODELINE)
        schema_path = (path.parent / first.removeprefix(MODELINE)).resolve()
        assert schema_path.is_relative_to(folder.resolve()) and schema_path.is_file()
        data = json.loads(json.dumps(yaml.safe_load(path.read_text(encoding="utf-8")), default=str))
        jsonschema.validate(data, json.loads(schema_path.read_text(encoding="utf-8")))
    assert load(folder)[0].declaration.unit == "A: b #c 'q' \"d\""


def test_a_missing_nested_folder_or_an_empty_one_is_fine(tmp_path):
    assert init(tmp_path / "a" / "b" / "c").exit_code == 0
    (tmp_path / "empty").mkdir()
    assert init(tmp_path / "empty").exit_code == 0
    assert (tmp_path / "empty" / "declaration.yaml").is_file()


@pytest.mark.parametrize("existing", ["declaration.yaml", "01-project.yaml", ".schemas/project.schema.json"])
def test_never_overwrites_and_writes_nothing_when_refusing(tmp_path, existing):
    folder = tmp_path / "d"
    (folder / existing).parent.mkdir(parents=True)
    (folder / existing).write_text("mine", encoding="utf-8")
    result = init(folder)
    assert result.exit_code == 2
    assert existing in result.output
    assert (folder / existing).read_text(encoding="utf-8") == "mine"
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()) == [existing]


def test_a_file_in_place_of_the_folder_is_refused(tmp_path):
    (tmp_path / "d").write_text("x", encoding="utf-8")
    assert init(tmp_path / "d").exit_code == 2
    assert (tmp_path / "d").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("option", [("--template", "shanghai-2032"), ("--framework", "caiyu-2012")])
def test_unknown_template_or_framework_is_a_usage_error_naming_the_known_ones(tmp_path, option):
    result = init(tmp_path / "d", *option)
    assert result.exit_code == 2
    assert "shanghai-2023" in result.output and "caiyu-2021" in result.output
    assert not (tmp_path / "d").exists()


def test_names_are_kept_on_one_line_and_blank_ones_get_the_sample(tmp_path):
    assert init(tmp_path / "d", "--unit", " 青浦区\n图书馆 ", "--department", "  ").exit_code == 0
    declaration = load(tmp_path / "d")[0].declaration
    assert declaration.unit == "青浦区 图书馆"
    assert declaration.department == "示例主管部门"
    assert findings(tmp_path / "d") == set()


def test_an_unwritable_place_is_a_message_not_a_traceback(tmp_path):
    (tmp_path / "f").write_text("x", encoding="utf-8")
    result = init(tmp_path / "f" / "sub")
    assert result.exit_code == 2
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "错误" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("name", ["-new", "my decl", "it's"])
def test_the_commands_suggested_run_as_printed_in_a_shell(tmp_path, monkeypatch, name):
    import shlex

    monkeypatch.chdir(tmp_path)
    result = init("--", name)
    assert result.exit_code == 0, result.output
    suggested = [line.strip() for line in result.output.splitlines() if line.strip().startswith("perfdecl ")]
    assert [shlex.split(line)[:2] for line in suggested] == [["perfdecl", "check"], ["perfdecl", "build"]]
    for line in suggested:
        given = shlex.split(line)[2:]
        assert len(given) == 1 and not given[0].startswith("-") and (tmp_path / given[0]).resolve() == tmp_path / name
