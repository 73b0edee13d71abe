"""perfdecl check on the published example and on broken copies of it, through the CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, assert_findings, at, copy_example, findings, from_json, value_at

from perfdecl.cli import cli
from perfdecl.diagnostics import has_errors
from perfdecl.pipeline import check

P1, P2, P3, P4 = (EXAMPLE / name for name in ("01-citizen-services.yaml", "02-service-management.yaml",
                                             "03-network-systems.yaml", "04-operations.yaml"))



# The inconsistencies the published declaration really contains.
KNOWN = {
    # qualitative values under 数量指标 / 成本指标
    at(P1, "应修尽修", "PD306"), at(P1, ": 合理", "PD306", mark="合理"), at(P1, "小于预算申请数", "PD306"),
    at(P4, "控制于预算内", "PD306"), at(P4, "控制于预算内", "PD306", nth=1),
    # project 3: planned 2021-01-01..2022-12-31 misses 2023 and its sub-item's 2021-08..2023-06
    at(P3, "end: 2022-12-31", "PD203", mark="2022"), at(P3, "end: 2023-06", "PD204", mark="2023"),
    # project 3: 项目资金总额 151225380.00 against the plan's 3190.86 万元; 合计（元） on a 万元 plan
    at(P3, "total: 151225380.00", "PD202", mark="151225380.00"), at(P3, "合计（元）", "PD211", mark="（元）"),
    # project 4: sub-items running beyond 2023-12-31 (the 政务云 one also starts in 2021)
    at(P4, "end: 2024-07", "PD204", mark="2024"), at(P4, "end: 2024-07", "PD204", mark="2024", nth=1),
    at(P4, "start: 2021-08", "PD204", mark="2021"), at(P4, "end: 2024-08", "PD204", mark="2024", nth=1),
    # the 政务云 overview says 2022 年 8 月至 2023 年 8 月, its 实施周期 is 2021-08..2024-08
    at(P4, "2022 年 8 月至 2023 年 8 月", "PD208"),
    # the classified sub-item titled 2021年度… in a 2023 declaration
    at(P4, "2021年度松江区", "PD209"),
    # reviewer rules (PD4xx): rates in percent under 数量指标
    at(P1, "设备耗材采购完成率: =100%", "PD408", mark="=100%"), at(P4, "维保工作计划完成率: =100%", "PD408", mark="=100%"),
    # 满意度 written as a word
    value_at(P1, "用人企业满意度: 满意", "PD409"), value_at(P1, "服务对象满意度: 满意", "PD409"),
    value_at(P4, "用户满意度: 满意", "PD409"),
    # 知晓度 only 提升
    value_at(P2, "企业对科技金融政策的知晓度: 提升", "PD411"),
    value_at(P2, "企业对科技金融产品的知晓度: 提升", "PD411"),
    value_at(P2, "科技金融交流平台的知晓度: 提升", "PD411"),
    # more than 30% qualitative targets in every project (12 of 24, 8 of 23, 5 of 11, 10 of 20)
    *(at(p, "indicators:", "PD410") for p in (P1, P2, P3, P4)),
    # 实施主体 naming a department only, not 上海市松江区科技创新服务中心 (03 and 04's second do name it)
    *(at(p, "subject: |", "PD413", mark="|", nth=n) for p, n in ((P1, 0), (P1, 1), (P2, 0), (P2, 1),
                                                                 (P4, 0), (P4, 2), (P4, 3))),
}


@pytest.fixture(scope="module")
def baseline():
    return findings(EXAMPLE)


def test_example_reports_its_real_inconsistencies(baseline):
    assert baseline == KNOWN


def test_example_has_no_errors():
    _, diags = check(EXAMPLE)
    assert not has_errors(diags)


def test_wrong_line_item_amount(tmp_path, baseline):
    folder = copy_example(tmp_path, {P1.name: [("2元, 113700元]", "2元, 113800元]")]})
    p = folder / P1.name
    assert_findings(folder, at(p, "113800元", "PD101"),
                    at(p, "budget: 135700元", "PD106", mark="135700元"),  # the rows no longer add up to it
                    at(p, "金额为 11.37万元", "PD207", mark="11.37万元"),  # nor does the text's 11.37 万元
                    baseline=baseline)


def test_broken_funding_identity(tmp_path, baseline):
    folder = copy_example(tmp_path, {P2.name: [("  fiscal: 350000", "  fiscal: 340000")]})
    assert_findings(folder, at(folder / P2.name, "total: 350000.00", "PD110", mark="350000.00"), baseline=baseline)


def test_misnamed_second_level_indicator(tmp_path, baseline):
    folder = copy_example(tmp_path, {P4.name: [("    质量指标:", "    质量指数:")]})
    assert_findings(folder, at(folder / P4.name, "质量指数", "PD303"), baseline=baseline)


def test_narrative_figure_contradicting_its_table(tmp_path, baseline):
    folder = copy_example(tmp_path, {P1.name: [("预算资金约 30000元", "预算资金约 40000元")]})
    assert_findings(folder, at(folder / P1.name, "40000元", "PD207"), baseline=baseline)


def test_linked_indicator_that_disagrees(tmp_path, baseline):
    folder = copy_example(tmp_path, {P2.name: [("{value: <=50 元/册", "{value: <=40 元/册")]})
    assert_findings(folder, at(folder / P2.name, "<=40 元/册", "PD309"), baseline=baseline)


def test_several_faults_are_all_reported_in_one_run(tmp_path, baseline):
    folder = copy_example(tmp_path, {
        P1.name: [("预算资金约 30000元", "预算资金约 40000元"), ("[制作宣传品, 4400, 5元, 22000元]", "[制作宣传品, 4400, 5元, 22500元]")],
        P2.name: [("  fiscal: 350000", "  fiscal: 340000"), ("{value: <=50 元/册", "{value: <=40 元/册")],
        P4.name: [("    质量指标:", "    质量指数:")],
    })
    result = CliRunner().invoke(cli, ["check", "--format", "json", str(folder)])
    assert result.exit_code == 1
    p1, p2 = folder / P1.name, folder / P2.name
    assert from_json(result.stdout) - baseline == {
        at(p1, "40000元", "PD207"), at(p1, "22500元", "PD101"), at(p1, "budget: 135700元", "PD106", mark="135700元"),
        at(p1, "金额为 2.2万元", "PD207", mark="2.2万元"),
        at(p2, "total: 350000.00", "PD110", mark="350000.00"), at(p2, "<=40 元/册", "PD309"),
        at(folder / P4.name, "质量指数", "PD303"),
    }


def run(*args: str):
    return CliRunner().invoke(cli, ["check", *args])


def test_exit_codes(tmp_path):
    assert run(str(EXAMPLE)).exit_code == 0  # warnings only
    assert run("--strict", str(EXAMPLE)).exit_code == 1
    broken = copy_example(tmp_path, {P2.name: [("  fiscal: 350000", "  fiscal: 340000")]})
    assert run(str(broken)).exit_code == 1
    assert run(str(tmp_path / "missing")).exit_code == 2
    (tmp_path / "empty").mkdir()
    assert run(str(tmp_path / "empty")).exit_code == 2


@pytest.mark.parametrize("how", ["broken link", "folder"])
def test_a_declaration_yaml_that_cannot_be_read_is_a_usage_error(tmp_path, how):
    folder = copy_example(tmp_path)
    (folder / "declaration.yaml").unlink()
    if how == "folder":
        (folder / "declaration.yaml").mkdir()
    else:
        (folder / "declaration.yaml").symlink_to("gone.yaml")
    result = run("--format", "json", str(folder))
    assert result.exit_code == 2
    assert from_json(result.stdout) == {("declaration.yaml", 1, 1, "PD015")}
    assert run("--format", "json", str(folder / P1.name)).exit_code == 2  # found from a file inside it too


def test_files_inside_a_declaration_check_it_once_as_a_whole(tmp_path, baseline):
    result = run("--format", "json", str(P1), str(P3), str(EXAMPLE / "declaration.yaml"))
    assert result.exit_code == 0
    assert from_json(result.stdout) == baseline
    assert "共 1 份申报" in result.stderr


def test_files_outside_any_declaration_are_skipped(tmp_path):
    stray = tmp_path / "other.yaml"
    stray.write_text("a: 1\n", encoding="utf-8")
    result = run(str(stray))
    assert result.exit_code == 0
    assert "共 0 份申报" in result.stdout


def test_several_declarations_in_parallel(tmp_path, baseline):
    good = copy_example(tmp_path, name="good")
    bad = copy_example(tmp_path, {P4.name: [("    质量指标:", "    质量指数:")]}, name="bad")
    result = run("--format", "json", "--jobs", "2", str(good), str(bad))
    assert result.exit_code == 1
    paths = [d["path"] for d in json.loads(result.stdout)]
    assert len(paths) == 2 * len(baseline) + 1
    assert all("good" in p for p in paths[: len(baseline)]) and all("bad" in p for p in paths[len(baseline):])
    assert at(bad / P4.name, "质量指数", "PD303") in from_json(result.stdout)


def test_english_messages(baseline):
    zh, en = run(str(EXAMPLE)).stdout, run("--lang", "en", str(EXAMPLE)).stdout
    assert "超出项目计划期" in zh and "outside the project's planned" in en
    assert f"0 error(s), {len(baseline)} warning(s) in 1 declaration(s)" in en


def test_rules_setting_and_ignore_comment(tmp_path, baseline):
    folder = copy_example(tmp_path, {
        "declaration.yaml": [("template: shanghai-2023", "template: shanghai-2023\nrules: {PD306: off, PD203: error}")],
        P4.name: [("  - title: 2021年度松江区***工程（运维）", "  - title: 2021年度松江区***工程（运维）  # perfdecl: ignore[PD209]")],
    })
    _, diags = check(folder)
    codes = [d.code for d in diags]
    assert "PD306" not in codes and "PD209" not in codes
    assert [d.severity for d in diags if d.code == "PD203"] == ["error"]


def test_an_ignore_comment_inside_a_text_is_text_not_a_comment(tmp_path, baseline):
    # The block scalar prints "# perfdecl: ignore[PD207]" into the document: it must not silence anything.
    folder = copy_example(tmp_path, {P1.name: [("预算资金约 30000元。", "预算资金约 40000元。 # perfdecl: ignore[PD207]")]})
    assert_findings(folder, at(folder / P1.name, "40000元", "PD207"), baseline=baseline)


def test_check_imports_neither_the_word_libraries_nor_jinja_nor_click_nor_pydantic_plugins():
    """What the program `perfdecl check` imports (run twice: the second run reads the schema cache)."""
    code = f"""
import sys
sys.argv = ["perfdecl", "check", {str(EXAMPLE)!r}, "--format", "json"]
from perfdecl.main import main
try:
    main()
except SystemExit:
    pass
print(sorted(m for m in ("docx", "lxml", "jinja2", "click", "pydantic.plugin._loader") if m in sys.modules))
"""
    for _ in range(2):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_rules_and_explain():
    runner = CliRunner()
    listing = runner.invoke(cli, ["rules"])
    assert listing.exit_code == 0
    assert any(line.startswith("PD101  error") for line in listing.stdout.splitlines())
    assert any(line.startswith("PD204  warning") for line in listing.stdout.splitlines())
    explained = runner.invoke(cli, ["explain", "PD101"])
    assert explained.exit_code == 0 and "Passing" in explained.stdout and "Failing" in explained.stdout
    assert runner.invoke(cli, ["explain", "pd101"]).exit_code == 0
    typed = runner.invoke(cli, ["explain", "ＰＤ１０１ "])  # full-width, as a Chinese input method types it
    assert typed.exit_code == 0 and typed.stdout.splitlines()[0] == explained.stdout.splitlines()[0]
    assert runner.invoke(cli, ["explain", "PD999"]).exit_code == 2


def test_an_unforeseen_exception_is_one_line_and_exit_1_unless_debugging():
    code = f"""
import sys
import perfdecl.commands.check as check
def broken(*args, **kwargs):
    raise RuntimeError("boom")
check.run = broken
sys.argv = ["perfdecl", "check", {str(EXAMPLE)!r}]
from perfdecl.main import main
main()
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ, "PERFDECL_DEBUG": ""})
    assert done.returncode == 1
    assert "内部错误" in done.stderr and "RuntimeError: boom" in done.stderr and "Traceback" not in done.stderr
    debug = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           env={**os.environ, "PERFDECL_DEBUG": "1"})
    assert "Traceback" in debug.stderr and debug.returncode == 1
