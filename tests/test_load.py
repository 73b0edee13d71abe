"""load: validation into the models, every problem in one run, project files, texts."""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from helpers import PROJECT, at, declaration

from perfdecl.load import find_folder, load
from perfdecl.values import Value

CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def loaded(folder: Path):
    """(bundle, findings) of load() alone, no cross-checks."""
    bundle, diags = load(folder)
    return bundle, {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in diags}


def messages(folder: Path, lang: str = "zh") -> list[str]:
    return [d.message(lang) for d in load(folder)[1]]


def test_the_minimal_declaration_loads_clean(tmp_path):
    bundle, found = loaded(declaration(tmp_path))
    assert not found and bundle.complete
    assert bundle.projects[0].department == "测试主管部门"  # inherited


def test_yaml_11_booleans_dates_and_numbers_where_text_belongs_are_taken_as_written(tmp_path):
    folder = declaration(tmp_path, [
        ("category: 经常性项目", "category: no"),
        ("name: 设备维护", "name: 2023"),
        ("title: 设备维护费", "title: 2023-01-01"),
        ("  annual: 完成设备维护。", "  annual: 1.50"),
        ("    budget: 3万元\n", "    budget: 3万元\n    sep: 0x1F\n"),
        ("        - [彩色带, 6, 0.098, 0.588]", "        - [true, 6, 0.098, 0.588]"),
        ("      服务稳定性: 提升", "      服务稳定性: off"),
        ("      维护完成时间: 2023 年 12 月底", "      维护完成时间: true"),
    ], [("year: 2023", 'year: "2023"')])
    bundle, found = loaded(folder)
    assert not found
    project = bundle.projects[0]
    assert (project.category, project.name, project.goals.annual) == ("no", "2023", "1.50")
    item = project.items[0]
    assert (item.title, item.sep, item.lines.rows[0].name) == ("2023-01-01", "0x1F", "true")
    values = {name: target.value for second in project.indicators.values()
              for third in second.values() for name, target in third.items()}
    assert values["服务稳定性"] == Value("off") and values["维护完成时间"] == Value("true")
    assert bundle.declaration.year == 2023


def test_booleans_read_from_yes_no_on_off(tmp_path):
    folder = declaration(
        tmp_path, [("    lines:\n      unit: 万元\n", "    classified: yes\n    lines:\n      show: off\n      unit: 万元\n")],
        [("framework: shanghai-2023\n", "framework: shanghai-2023\nrules:\n  PD306: off\n  PD307: warning\n")])
    bundle, found = loaded(folder)
    assert not found
    item = bundle.projects[0].items[0]
    assert item.classified is True and item.lines.show is False
    assert bundle.declaration.rules == {"PD306": "off", "PD307": "warning"}


def test_amounts_stay_exact_through_the_model(tmp_path):
    folder = declaration(tmp_path, [("  total: 30000\n", "  total: 30000.00\n"),
                                    ("  fiscal: 30000", '  fiscal: "30,000"'),
                                    ("[彩色带, 6, 0.098, 0.588]", '[彩色带, "6", 0.098, 0.588]')])
    bundle, found = loaded(folder)
    assert not found
    funding = bundle.projects[0].funding
    assert funding.total.text == "30000.00" and funding.total.value == Decimal("30000.00")
    assert funding.fiscal.value == Decimal("30000") and funding.fiscal.text == "30,000"
    row = bundle.projects[0].items[0].lines.rows[0]
    assert row.qty == Decimal(6) and row.price.value == Decimal("0.098") and str(row.price) == "0.098"


@pytest.mark.parametrize("written", ["0", "1700000000", '"1700000000"', "2023010", "202301011"])
def test_a_number_is_never_a_date(tmp_path, written):
    folder = declaration(tmp_path, [("start: 2023-01-01", f"start: {written}")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", f"start: {written}", "PD012", mark=written)}


@pytest.mark.parametrize("written, day", [('"2023-01-01"', dt.date(2023, 1, 1)), ("2023/1/1", dt.date(2023, 1, 1)),
                                          ("2023年1月1日", dt.date(2023, 1, 1)),
                                          ("20230101", dt.date(2023, 1, 1))])  # compact, as some provinces print it
def test_dates_written_as_text(tmp_path, written, day):
    bundle, found = loaded(declaration(tmp_path, [("start: 2023-01-01", f"start: {written}")]))
    assert not found and bundle.projects[0].start == day


def test_a_date_that_does_not_exist_is_reported_once(tmp_path):
    folder = declaration(tmp_path, [("start: 2023-01-01", "start: 2023-02-29")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "2023-02-29", "PD008")}


def test_empty_values_say_so(tmp_path):
    folder = declaration(tmp_path, [("category: 经常性项目", "category:")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "category:", "PD012")}
    assert any("不能为空" in m for m in messages(folder))


def test_unknown_keys_suggest_the_closest_known_key(tmp_path):
    folder = declaration(tmp_path, [("  fiscal: 30000", "  fiscl: 30000"), ("    budget: 3万元", "    budgt: 3万元")])
    p = folder / "p.yaml"
    _, found = loaded(folder)
    assert found == {at(p, "fiscl", "PD010"), at(p, "budgt", "PD010")}  # not also PD011 for fiscal and budget
    zh, en = messages(folder), messages(folder, "en")
    assert any("fiscl" in m and "是不是“fiscal”" in m for m in zh)
    assert any("budgt" in m and "did you mean 'budget'" in m for m in en)


def test_a_comma_in_a_flow_mapping_value_is_hinted_at(tmp_path):
    folder = declaration(tmp_path, [("{value: =6 卷, link: 彩色带.qty}", "{value: =6 卷, 每卷, link: 彩色带.qty}"),
                                    ("category: 经常性项目", "categry:")])
    p = folder / "p.yaml"
    _, found = loaded(folder)
    assert {at(p, "每卷", "PD010"), at(p, "categry", "PD010")} <= found
    zh, en = messages(folder), messages(folder, "en")
    (flow,) = [m for m in zh if "每卷" in m]
    assert '引号' in flow and 'value: "=6 卷, 每卷"' in flow
    assert any("每卷" in m and "quote" in m and 'value: "=6 卷, 每卷"' in m for m in en)
    assert not any("引号" in m for m in zh if "categry" in m)  # a key of its own line, not after a comma


def test_every_problem_of_a_run_is_reported_not_the_first(tmp_path):
    folder = declaration(tmp_path, [
        ("category: 经常性项目\n", ""),  # missing
        ("  fiscal: 30000", "  fiscal: -1"),  # negative
        ("  annual: 30000\n", "  annual: 三万\n"),  # not a number
        ("    start: 2023-01", "    start: 2023-13"),  # no such month
        ("        - [配件更换, 1, 2.412, 2.412]", "        - [配件更换, 1, 2.412]"),  # a cell short
        ('      用户满意度: ">=90%"', "      用户满意度: [90]"),  # a list for a value
    ], [("  - p.yaml\n", "  - p.yaml\n  - q.yaml\n  - missing.yaml\n")])
    (folder / "q.yaml").write_text("name: [broken\n", encoding="utf-8")
    p, q, decl = folder / "p.yaml", folder / "q.yaml", folder / "declaration.yaml"
    bundle, found = loaded(folder)
    assert found == {
        ("p.yaml", 1, 1, "PD011"),
        at(p, "fiscal: -1", "PD012", mark="-1"), at(p, "三万", "PD012"), at(p, "2023-13", "PD012"),
        at(p, "[配件更换", "PD012"), at(p, "[90]", "PD012"),
        at(q, "[broken", "PD001"), at(decl, "missing.yaml", "PD007"),
    }
    assert bundle is not None and not bundle.complete and bundle.projects == []


def test_validators_say_why_in_both_languages(tmp_path):
    folder = declaration(tmp_path, [("  fiscal: 30000", "  fiscal: -1"), ("start: 2023-01-01", "start: 20231301"),
                                    ("    end: 2023-12", "    end: 2023-13"),
                                    ("        - [彩色带, 6, 0.098, 0.588]", "        - [彩色带, 六, 0.098, 0.588]")])
    zh, en = messages(folder), messages(folder, "en")
    assert len(zh) == len(en) == 4
    assert any("不能为负数" in m for m in zh) and any("must not be negative" in m for m in en)
    for m in en:
        assert "Value error" not in m and not CJK.search(re.sub("'[^']*'", "", m)), m


@pytest.mark.parametrize("written", ["2023-01-01 10:00:00", "2023-01-01T10:00:00Z", "1900-01-01", "2101-01-01",
                                     '"1989年12月31日"'])
def test_project_dates_are_dates_of_plausible_years(tmp_path, written):
    folder = declaration(tmp_path, [("start: 2023-01-01", f"start: {written}")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", f"start: {written}", "PD012", mark=written)}


@pytest.mark.parametrize("written", ["2023-01-01 10:00:00", "1899-12", "2101-01", "1989-12-01"])
def test_sub_item_periods_are_months_of_plausible_years(tmp_path, written):
    folder = declaration(tmp_path, [("    start: 2023-01", f"    start: {written}")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", f"start: {written}", "PD012", mark=written)}


@pytest.mark.parametrize("written", ["1990-01-01", "2100-12-31"])
def test_the_years_at_the_ends_of_the_range_are_fine(tmp_path, written):
    folder = declaration(tmp_path, [("start: 2023-01-01", f"start: {written}")])
    assert not loaded(folder)[1]


@pytest.mark.parametrize("setting, key", [("{PD001: off}", "PD001"), ("{PD013: warning}", "PD013"),
                                          ("{PD306: off, PD012: error}", "PD012"), ("{PD999: off}", "PD999")])
def test_rules_may_not_change_loading_errors_or_name_unknown_codes(tmp_path, setting, key):
    folder = declaration(tmp_path, decl_edits=[("framework: shanghai-2023\n",
                                                f"framework: shanghai-2023\nrules: {setting}\n")])
    bundle, found = loaded(folder)
    assert bundle is None and found == {at(folder / "declaration.yaml", key, "PD012")}
    if key != "PD999":
        assert "读取类错误不能关闭" in messages(folder)[0] and key in messages(folder, "en")[0]


def test_a_duplicate_key_does_not_hide_the_cross_checks_of_its_project(tmp_path):
    from perfdecl.pipeline import check

    folder = declaration(tmp_path, [("category: 经常性项目\n", "category: 经常性项目\ncategory: 一次性项目\n"),
                                    ("[配件更换, 1, 2.412, 2.412]", "[配件更换, 1, 2.412, 2.512]")])
    p = folder / "p.yaml"
    bundle, diags = check(folder)
    found = {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in diags}
    assert {at(p, "category: 一次性项目", "PD003"), at(p, "2.512", "PD101")} <= found
    assert len(bundle.projects) == 1 and bundle.projects[0].category == "经常性项目"  # the first value is kept
    assert not bundle.complete
    assert "被忽略" in diags[0].message("zh") and "ignored" in diags[0].message("en")


def test_a_declaration_that_cannot_be_read_is_a_usage_problem(tmp_path):
    folder = declaration(tmp_path)
    (folder / "declaration.yaml").unlink()
    (folder / "declaration.yaml").symlink_to("gone.yaml")
    assert find_folder(folder / "p.yaml") == folder.absolute()  # the folder is a declaration, unreadable
    bundle, found = loaded(folder)
    assert bundle is None and found == {("declaration.yaml", 1, 1, "PD015")}


def test_a_declaration_that_does_not_validate_still_has_its_projects_read(tmp_path):
    folder = declaration(tmp_path, [("  fiscal: 30000", "  fiscal: -1")], [("year: 2023", "year: 二〇二三")])
    bundle, found = loaded(folder)
    assert bundle is None
    assert found == {at(folder / "declaration.yaml", "二〇二三", "PD012"),
                     at(folder / "p.yaml", "fiscal: -1", "PD012", mark="-1")}


def project_list(tmp_path: Path, *names: str) -> Path:
    listed = "".join(f"  - {n}\n" for n in names)
    return declaration(tmp_path, decl_edits=[("  - p.yaml\n", listed)])


def test_project_names_that_are_empty_or_name_a_folder(tmp_path):
    folder = declaration(tmp_path, decl_edits=[("  - p.yaml\n", '  - ""\n  - .\n  - p.yaml\n  - sub/\n')])
    (folder / "sub").mkdir()
    decl = folder / "declaration.yaml"
    bundle, found = loaded(folder)
    assert found == {at(decl, '""', "PD007"), at(decl, "- .", "PD007", mark="."), at(decl, "sub/", "PD007")}
    zh = messages(folder)
    assert "项目文件名为空" in zh[0] and "是文件夹" in zh[1] and "是文件夹" in zh[2]
    assert not any("重复" in m or "找不到" in m for m in zh)
    assert len(bundle.projects) == 1


def test_project_files_missing_twice_or_the_declaration_itself(tmp_path):
    folder = project_list(tmp_path, "p.yaml", "./p.yaml", "sub/../p.yaml", "q.yaml", "declaration.yaml", "sub")
    (folder / "sub").mkdir()
    decl = folder / "declaration.yaml"
    bundle, found = loaded(folder)
    assert found == {at(decl, "./p.yaml", "PD007"), at(decl, "sub/../p.yaml", "PD007"), at(decl, "q.yaml", "PD007"),
                     at(decl, "- declaration.yaml", "PD007", mark="declaration.yaml"),
                     at(decl, "- sub", "PD007", mark="sub", nth=1)}
    assert len(bundle.projects) == 1
    assert any("第 6 行已列出" in m for m in messages(folder))  # names the line of the first listing


def test_project_files_outside_the_folder(tmp_path):
    folder = project_list(tmp_path, "p.yaml", "../outside.yaml", "link.yaml", "/etc/passwd", "loop.yaml",
                          "x" * 300 + ".yaml")  # too long a name for the file system
    (tmp_path / "outside.yaml").write_text(PROJECT, encoding="utf-8")
    (folder / "link.yaml").symlink_to(tmp_path / "outside.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    decl = folder / "declaration.yaml"
    bundle, found = loaded(folder)
    assert found == {at(decl, "../outside.yaml", "PD007"), at(decl, "link.yaml", "PD007"),
                     at(decl, "/etc/passwd", "PD007"), at(decl, "loop.yaml", "PD007"), at(decl, "xxx", "PD007")}
    assert len(bundle.projects) == 1


def test_a_symlink_inside_the_folder_is_followed(tmp_path):
    folder = project_list(tmp_path, "link.yaml")
    (folder / "link.yaml").symlink_to("p.yaml")
    bundle, found = loaded(folder)
    assert not found and len(bundle.projects) == 1


@pytest.mark.parametrize("line, needle", [
    ("output: p.yaml", "p.yaml"), ("output: declaration.yaml", "declaration.yaml"), ("output: out/x.yaml", "out/x.yaml"),
    ("output: ../x.docx", "../x.docx"), ("output: /tmp/x.docx", "/tmp/x.docx"), ("template: ../../etc", "../../etc"),
])
def test_output_and_template_may_not_leave_the_folder_or_overwrite_a_source(tmp_path, line, needle):
    folder = declaration(tmp_path, decl_edits=[("framework: shanghai-2023\n", f"framework: shanghai-2023\n{line}\n")])
    _, found = loaded(folder)
    assert found == {at(folder / "declaration.yaml", line, "PD012", mark=needle)}


@pytest.mark.parametrize("line", ["output: build/申报表.docx", "template: my-template/", "template: my-template",
                                  "template: shanghai-2023"])
def test_output_and_template_inside_the_folder_are_fine(tmp_path, line):
    folder = declaration(tmp_path, decl_edits=[("framework: shanghai-2023\n", f"framework: shanghai-2023\n{line}\n")])
    (folder / "my-template").mkdir()
    (folder / "my-template" / "template.yaml").write_text("base: shanghai-2023\n", encoding="utf-8")
    assert not loaded(folder)[1]


def test_a_project_file_that_is_not_a_mapping(tmp_path):
    folder = declaration(tmp_path)
    for text, what in [("", "文件为空"), ("- a\n- b\n", "映射"), ("just text\n", "映射")]:
        (folder / "p.yaml").write_text(text, encoding="utf-8")
        bundle, found = loaded(folder)
        assert found == {("p.yaml", 1, 1, "PD006")} and bundle.projects == []
        assert what in messages(folder)[0]


def overview(tmp_path: Path, text: str) -> Path:
    return declaration(tmp_path, [("      拟于 2023年 1月（至 2023年 12月）维护两台设备。\n", f"      {text}\n")])


def test_expressions_take_figures_from_the_data(tmp_path):
    text = "预算 {{ budget }}，{{ lines.rows[0].name }} {{ lines.rows[0].qty }} 卷 & <b>"
    bundle, found = loaded(overview(tmp_path, text))
    assert not found
    assert bundle.projects[0].items[0].overview.startswith("预算 3万元，彩色带 6 卷 & <b>\n")


@pytest.mark.parametrize("expr", [
    "{{ ''.__class__.__mro__ }}", "{{ cycler.__init__.__globals__ }}", "{{ project._source }}",
    "{{ project.source }}", "{{ project.model_dump() }}", "{{ budgett }}", "{% for i in range(10**9) %}{% endfor %}", "{{ 1/0 }}", "{{ x",
    "{% include 'p.yaml' %}",
])
def test_expressions_that_fail_are_reported_where_they_open(tmp_path, expr):
    folder = overview(tmp_path, expr)
    bundle, found = loaded(folder)
    assert found == {at(folder / "p.yaml", expr, "PD014")}
    assert expr in bundle.projects[0].items[0].overview  # left as written


def test_a_failure_is_reported_at_the_first_expression_of_its_line(tmp_path):
    # Jinja tells the line of the text that failed, not which expression on it.
    folder = declaration(tmp_path, [
        ("      拟于 2023年 1月（至 2023年 12月）维护两台设备。\n", "      拟于 {{ start.year }} 年维护两台设备。\n"),
        ("      经测算，预算资金约 3 万元。\n", "      经测算，预算资金约 {{ budget }}，{{ lines.unit }}，{{ budgett }}。\n")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "{{ budget }}", "PD014")}
    folder = declaration(tmp_path / "loop", [
        ("      经测算，预算资金约 3 万元。\n",
         "      {% for r in lines.rows %}\n      {{ r.name }}\n      {{ r.nothing }}\n      {% endfor %}\n")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "{{ r.nothing }}", "PD014")}
    folder = declaration(tmp_path / "plain", [("  annual: 完成设备维护。", "  annual: 完成设备维护 {{ nothing }}。")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "{{ nothing }}", "PD014")}


def test_expression_errors_are_explained_in_both_languages(tmp_path):
    folder = overview(tmp_path, "{{ budgett }}")
    [zh], [en] = messages(folder), messages(folder, "en")
    assert "没有这个名称" in zh and "'budgett' is undefined" in en and not CJK.search(en.replace("'budgett'", ""))


def test_characters_an_expression_makes_that_word_cannot_store_are_removed(tmp_path):
    folder = overview(tmp_path, "a{{ '\\x0b' }}b{{ '\\udc80' }}c")
    bundle, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "overview: |", "PD013", mark="|")}
    assert bundle.projects[0].items[0].overview.startswith("abc")


def test_a_table_header_must_have_one_label_per_column(tmp_path):
    folder = declaration(tmp_path, [
        ("      unit: 万元\n      rows:", "      unit: 万元\n      header: [项目组成, 数量, 单价]\n      rows:"),
        ("    lines:\n", "    schedule:\n      years: [2023]\n      header: [序号, 名称, 2023年, 合计, 多余]\n"
                       "      rows:\n        - [配件, 3, 3]\n    lines:\n"),
    ])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "[项目组成, 数量, 单价]", "PD012"),
                     at(folder / "p.yaml", "years: [2023]", "PD012")}


def test_texts_that_only_print_fields_skip_jinja_and_print_what_the_sandbox_would(tmp_path):
    from perfdecl.load import _plain_fields
    from perfdecl.textexpr import render_text

    bundle, _ = loaded(declaration(tmp_path))
    project = bundle.projects[0]
    item = project.items[0]
    context = {"project": project, "declaration": bundle.declaration, "budget": item.budget,
               "annual": item.annual_amount, "lines": item.lines, "item": item}
    for text in ["预算资金约 {{ budget }}。", "{{budget}}，{{ annual }}", "{{ project.name }}：{{ declaration.year }}",
                 "{{ item.budget }}", "{{ lines.unit }} {{ lines.total }}"]:
        plain = _plain_fields(text, context)
        assert plain is not None and plain == render_text(text, context)[0]
    assert _plain_fields("预算资金约 3万元。", context) == "预算资金约 3万元。"
    for needs_jinja in ["{{ budget.yuan }}", "{{ project._source }}", "{{ lines.rows }}", "{{ budget | string }}",
                        "{% if budget %}x{% endif %}", "{{ item.classified }}", "{{ nothing }}"]:
        assert _plain_fields(needs_jinja, context) is None


def test_a_bad_cell_of_a_multi_year_plan_is_reported_at_the_cell(tmp_path):
    folder = declaration(tmp_path, [("    lines:\n", "    schedule:\n      years: [2023]\n      rows:\n"
                                                   "        - [配件, 三, 3]\n      total: [1, x]\n    lines:\n")])
    _, found = loaded(folder)
    assert found == {at(folder / "p.yaml", "三, 3", "PD012"), at(folder / "p.yaml", "x]", "PD012")}
    assert any("第 2 格" in m for m in messages(folder)) and any("cell 2" in m for m in messages(folder, "en"))


def test_an_optional_figure_left_blank_prints_nothing_and_counts_as_zero(tmp_path):
    from helpers import copy_example

    from perfdecl.pipeline import check

    name = "01-citizen-services.yaml"
    folder = copy_example(tmp_path, {name: [("  carryover: 0\n", '  carryover: ""\n')]})
    bundle, diags = check(folder)
    assert not [d for d in diags if d.pos.path.endswith(name) and d.severity == "error"]
    funding = bundle.projects[0].funding
    assert (funding.carryover.text, funding.carryover.yuan) == ("", 0)
    required = copy_example(tmp_path, {name: [("  total: 165700.00\n", '  total: ""\n')]}, name="required")
    _, diags = check(required)
    assert [d.code for d in diags if d.pos.path.endswith(name) and d.severity == "error"] == ["PD012"]


def test_the_comma_hint_quotes_the_value_exactly_as_written(tmp_path):
    # A published name with a half-width comma and no space after it: the suggestion adds none.
    folder = declaration(tmp_path, [("{value: =6 卷, link: 彩色带.qty}", "{value: =6 卷,每卷 2 元, link: 彩色带.qty}")])
    (flow,) = [m for m in messages(folder) if "每卷" in m]
    assert 'value: "=6 卷,每卷 2 元"' in flow


def test_a_misspelt_required_key_is_one_finding_not_two(tmp_path):
    folder = declaration(tmp_path, [("category: 经常性项目", "categry: 经常性项目")])
    p = folder / "p.yaml"
    _, found = loaded(folder)
    assert found == {at(p, "categry", "PD010")}
    assert any("是不是“category”" in m for m in messages(folder))
    gone = declaration(tmp_path / "gone", [("category: 经常性项目\n", "")])  # no look-alike key: still missing
    assert {code for *_, code in loaded(gone)[1]} == {"PD011"}


def test_a_choice_error_lists_the_values_with_one_separator(tmp_path):
    from helpers import REPO
    import shutil

    folder = tmp_path / "pt"
    shutil.copytree(REPO / "examples" / "2026-putuo-cgzf", folder)
    project = next(p for p in folder.glob("*.yaml") if p.name != "declaration.yaml")
    text = project.read_text(encoding="utf-8")
    line = next(l for l in text.splitlines() if l.startswith("nature:"))
    project.write_text(text.replace(line, "nature: 长期项目"), encoding="utf-8")
    (why,) = [m for m in messages(folder) if "长期项目" in m or "nature" in m]
    assert "'经常性项目'、'阶段性项目'、'一次性项目'" in why
