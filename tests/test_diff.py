"""perfdecl diff: every edit reported once, nothing else; lowered targets marked; folders and git revisions."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, copy_example

from perfdecl.cli import cli
from perfdecl.diff import changes, excerpt
from perfdecl.load import load
from perfdecl.match import easier, pair
from perfdecl.values import parse_value

CITIZEN = "01-citizen-services.yaml"
OPERATIONS = "04-operations.yaml"


def diff_of(old: Path, new: Path) -> set[tuple]:
    a, _ = load(old)
    b, _ = load(new)
    assert a is not None and b is not None
    return {(c.kind, c.what, c.where, c.lowered) for c in changes(a, b)}


def run(*args: str, cwd: Path | None = None) -> tuple[int, str]:
    here = Path.cwd()
    try:
        if cwd:
            os.chdir(cwd)
        result = CliRunner().invoke(cli, ["diff", *args])
    finally:
        os.chdir(here)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_the_same_declaration_has_no_changes(tmp_path):
    assert diff_of(EXAMPLE, copy_example(tmp_path)) == set()


def test_each_edit_is_reported_once_and_nothing_else(tmp_path):
    new = copy_example(tmp_path, {CITIZEN: [
        ("total: 165700.00", "total: 175700.00"),                         # a funding figure
        ("=56850 份, link", "=50000 份, link"),                            # a lower target: 下调
        ("=4400 份, link", "=5000 份, link"),                              # a higher one: not 下调
        ("- [制作宣传品, 4400, 5元, 22000元]", "- [制作宣传品, 5000, 5元, 22000元]"),  # a line's quantity
        ("      每年宣传次数: =1 次\n", ""),                                   # an indicator removed
        ("      设备故障维修率: 应修尽修", "      设备故障维修率: 应修尽修\n      设备巡检次数: =12 次"),  # added
        ("主要负责我区社保卡申领", "主要负责全区社保卡申领"),                 # a text
        ("name: 市民服务", "name: 市民服务项目"),                           # a rename
    ]})
    project = "市民服务项目"
    item = (project, "项目推进及社保卡宣传活动")
    out = "产出指标", "数量指标"
    assert diff_of(EXAMPLE, new) == {
        ("renamed", "project", (project,), False),
        ("changed", "figure", (project, "项目资金总额"), False),
        ("changed", "indicator", (project, *out, "全年制作发放宣传单"), True),
        ("changed", "indicator", (project, *out, "全年制作发放宣传品"), False),
        ("changed", "line", (*item, "制作宣传品", "数量"), False),
        ("removed", "indicator", (project, *out, "每年宣传次数"), False),
        ("added", "indicator", (project, *out, "设备巡检次数"), False),
        ("changed", "text", (*item, "实施主体"), False),
    }


def test_figures_show_both_units_difference_and_percent(tmp_path):
    new = copy_example(tmp_path, {CITIZEN: [("total: 165700.00", "total: 175700.00")]})
    a, _ = load(EXAMPLE)
    b, _ = load(new)
    (change,) = changes(a, b)
    assert (change.old, change.new) == ("165700.00元（16.57万元）", "175700.00元（17.57万元）")
    assert change.detail == "+10000元（+1万元），+6.04%"
    code, text = run(str(EXAMPLE), str(new), "--lang", "en")
    assert code == 0 and "changed 165700.00元 (16.57万元) → 175700.00元 (17.57万元) (+10000元 (+1万元), +6.04%)" in text
    code, text = run(str(EXAMPLE), str(new))
    assert code == 0 and "修改 165700.00元（16.57万元） → 175700.00元（17.57万元）（+10000元（+1万元），+6.04%）" in text


def test_items_and_lines_matched_by_similar_names_are_renames(tmp_path):
    new = copy_example(tmp_path, {CITIZEN: [
        ("- title: 项目推进及社保卡宣传活动", "- title: 项目推进及社保卡宣传推广活动"),
        ("- [制作宣传单, 56850, 2元, 113700元]", "- [印制宣传单, 56850, 2元, 113700元]"),
    ]})
    found = diff_of(EXAMPLE, new)
    item = ("市民服务", "项目推进及社保卡宣传推广活动")
    assert found == {("renamed", "item", item, False), ("renamed", "line", (*item, "印制宣传单"), False)}


@pytest.mark.parametrize("old, new, second, lowered", [
    (">=90%", ">=85%", "服务对象满意度指标", True),
    (">=90%", ">=95%", "服务对象满意度指标", False),
    ("=100%", "=95%", "质量指标", True),
    ("<=6000 元/台", "<=6500 元/台", "成本指标", True),
    ("<=6000 元/台", "<=5500 元/台", "成本指标", False),
    ("=6000 元/台", "=6500 元/台", "经济成本指标", True),   # an exact cost is an upper bound
    ("=6000 元/台", "=5500 元/台", "经济成本指标", False),
    (">90%", ">=90%", "质量指标", True),
    (">=90%", ">90%", "质量指标", False),
    ("=10 次", "=8 个", "数量指标", False),                 # another unit: not comparable
    (">=90%", "<=95%", "质量指标", False),                  # another kind of bound
    ("满意", ">=90%", "服务对象满意度指标", False),
])
def test_easier_targets(old, new, second, lowered):
    assert easier(parse_value(old), parse_value(new), second) is lowered


def test_pairing_exact_then_similar_then_unpaired():
    old = ["制作宣传单", "制作宣传品", "维保费"]
    new = ["制作宣传品", "印制宣传单", "网站安全"]
    assert pair(old, new) == [(1, 0), (0, 1), (None, 2), (2, None)]


def test_similarity_of_long_names_is_not_computed_beyond_a_budget(monkeypatch):
    # comparing two similar names costs the product of their lengths: 200 × 200 names of 1000
    # characters took minutes; names that long are paired only when equal
    import difflib

    compared = []
    ratio = difflib.SequenceMatcher.ratio
    monkeypatch.setattr(difflib.SequenceMatcher, "ratio", lambda self: compared.append(1) or ratio(self))
    old = ["甲" * 1000 + f"a{i}" for i in range(200)]
    new = ["甲" * 1000 + f"b{i}" for i in range(200)] + old[:1]
    assert pair(old, new) == [(None, j) for j in range(200)] + [(0, 200)] + [(i, None) for i in range(1, 200)]
    assert compared == []
    assert pair(["制作宣传单"] * 100, ["印制宣传单"] * 100)[0] == (0, 0) and compared  # short names still are


def test_excerpt_shows_the_changed_words_with_context():
    old = "到 2023 年末做好全区 22 家网点新版社保卡培训宣传工作，全年做好宣传单 56850 份"
    new = "到 2023 年末做好全区 22 家网点新版社保卡培训宣传工作，全年做好宣传单 50000 份"
    assert excerpt(old, new).endswith("全年做好宣传单 [-56850-]{+50000+} 份")
    assert excerpt("完成市卡办的工作要求。", "完成市卡办的全部工作要求。") == "完成市卡办的{+全部+}工作要求。"


def test_excerpt_compares_only_what_lies_between_the_common_start_and_end(monkeypatch):
    # word by word comparison costs the product of the lengths: 4000 repeated words took a second per text
    import difflib

    seen: list[int] = []
    matcher = difflib.SequenceMatcher
    monkeypatch.setattr(difflib, "SequenceMatcher", lambda junk, a, b, autojunk: seen.append(len(a) * len(b))
                        or matcher(junk, a, b, autojunk=autojunk))
    old, new = "甲" * 3000 + "乙丙" + "甲" * 900, "甲" * 3000 + "乙丁" + "甲" * 900
    assert excerpt(old, new) == "…" + "甲" * 23 + "乙[-丙-]{+丁+}" + "甲" * 24 + "…"
    assert max(seen) <= 1
    assert excerpt("丁" + "甲" * 400 + "乙", "甲" * 400 + "丙") == "[-丁-]" + "甲" * 24 + " … " + "甲" * 24 + "[-乙-]{+丙+}"
    assert excerpt("丁" + "甲" * 2000 + "乙", "甲" * 2000 + "丙") == "…"  # too many words between the changes


def test_cli_formats_and_fail_on_lowered(tmp_path):
    new = copy_example(tmp_path, {CITIZEN: [("=56850 份, link", "=50000 份, link")]})
    code, text = run(str(EXAMPLE), str(new))
    assert code == 0 and "下调" in text and "=56850 份 → =50000 份" in text and "\x1b[" not in text
    code, text = run(str(EXAMPLE), str(new), "--fail-on", "lowered")
    assert code == 1
    code, text = run(str(EXAMPLE), str(new), "--format", "markdown")
    assert "**下调**" in text and "#### 市民服务" in text
    code, text = run(str(EXAMPLE), str(new), "--format", "json")
    (change,) = json.loads(text)
    assert change["lowered"] is True and change["where"][-1] == "全年制作发放宣传单"
    same = copy_example(tmp_path, name="same")
    assert run(str(EXAMPLE), str(same), "--fail-on", "lowered")[0] == 0


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, text=True, check=True).stdout


@pytest.fixture
def repo(tmp_path):
    """A repository holding the example at declarations/sj, with a second commit lowering one target."""
    root = tmp_path / "repo"
    folder = root / "declarations" / "sj"
    shutil.copytree(EXAMPLE, folder)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one")
    path = folder / CITIZEN
    path.write_text(path.read_text(encoding="utf-8").replace('">=90%"', '">=80%"'), encoding="utf-8")
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qam", "two")
    return root


def test_git_revisions_read_without_touching_the_work_tree(repo):
    folder = repo / "declarations" / "sj"
    (folder / OPERATIONS).write_text("not: [committed", encoding="utf-8")  # a work-tree edit diff must not read
    before = git(repo, "status", "--porcelain")
    code, text = run("HEAD~1", "HEAD", "--format", "json", cwd=folder)
    assert code == 0, text
    (change,) = json.loads(text)
    assert (change["old"], change["new"], change["lowered"]) == (">=90%", ">=80%", True)
    code, text = run("HEAD~1:declarations/sj", "HEAD:declarations/sj", "--format", "json", cwd=repo)
    assert code == 0 and len(json.loads(text)) == 1
    code, text = run("HEAD~1", str(folder), cwd=repo)  # a bare revision: the other side's folder
    assert code == 2  # the work tree's 04-operations.yaml does not load
    assert git(repo, "status", "--porcelain") == before


def test_unreadable_versions_are_refused_with_a_message(tmp_path, repo):
    code, text = run("no-such-rev", str(EXAMPLE), cwd=repo)
    assert code == 2 and "no-such-rev" in text and "Traceback" not in text
    code, text = run("HEAD:nowhere", str(EXAMPLE), cwd=repo)
    assert code == 2 and "HEAD:nowhere" in text
    broken = copy_example(tmp_path, {CITIZEN: [("name: 市民服务", "name: [市民服务")]})
    code, text = run(str(EXAMPLE), str(broken))
    assert code == 2 and CITIZEN in text


def test_a_form_with_sections_and_choices(tmp_path):
    """shanghai-2026: no sub-items, 项目经费情况说明 as one group of sections, 项目性质 a choice."""
    putuo = EXAMPLE.parent / "2026-putuo-cgzf"
    new = tmp_path / "putuo"
    shutil.copytree(putuo, new)
    path = new / "01-demolition.yaml"
    text = path.read_text(encoding="utf-8")
    for old, edited in (("本年度拆违经费预算金额为349.80万元", "本年度拆违经费预算金额为359.80万元"),
                        ("nature: 阶段性项目", "nature: 经常性项目"),
                        ("群众政策知晓度: ≥90.00(%)", "群众政策知晓度: ≥85.00(%)")):
        assert text.count(old) == 1
        text = text.replace(old, edited)
    path.write_text(text, encoding="utf-8")
    a, _ = load(putuo)
    b, _ = load(new)
    assert {(c.kind, c.where[1:], c.old, c.new, c.lowered) for c in changes(a, b)} == {
        ("changed", ("项目性质",), "阶段性项目", "经常性项目", False),
        ("changed", ("效益指标", "社会效益指标", "群众政策知晓度"), "≥90.00(%)", "≥85.00(%)", True),
        ("changed", ("项目经费情况说明", "六、年度预算安排"), None, None, False),  # a long text: an excerpt
    }


def test_a_declaration_value_is_reported_once_not_per_project(tmp_path):
    new = copy_example(tmp_path, {"declaration.yaml": [("department: 上海市松江区科学技术委员会",
                                                        "department: 上海市松江区科学技术局")]})
    assert diff_of(EXAMPLE, new) == {("changed", "text", ("declaration.yaml", "主管部门"), False)}


def test_plan_years_standards_and_dates(tmp_path):
    caiyu = EXAMPLE.parent / "2023-caiyu-demo"
    new = tmp_path / "caiyu"
    shutil.copytree(caiyu, new)
    path = next(p for p in sorted(new.glob("0*.yaml")) if "standard:" in p.read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    old_standard = next(line for line in text.splitlines() if "standard:" in line)
    standard = old_standard.split("standard:")[1].strip(" }")
    edited = old_standard.replace(f"standard: {standard}", "standard: 其他标准")
    path.write_text(text.replace(old_standard, edited, 1), encoding="utf-8")
    found = diff_of(caiyu, new)
    assert len(found) == 1 and next(iter(found))[2][-1] == "绩效标准"


def test_a_figure_a_text_takes_with_braces_is_one_change(tmp_path):
    # 设备更新、维护费's arrangement says {{ budget }}: the text as written did not change.
    new = copy_example(tmp_path, {CITIZEN: [("    budget: 3万元", "    budget: 3.5万元")]})
    item = ("市民服务", "设备更新、维护费（外专服务）")
    assert diff_of(EXAMPLE, new) == {("changed", "figure", (*item, "预算资金"), False)}  # annual: the budget


@pytest.mark.parametrize("spec", ["HEAD:..", "HEAD:../..", "HEAD:.", "HEAD:" + "长" * 100])
def test_a_revision_path_that_names_no_folder_is_refused_with_a_message(repo, spec):
    code, text = run(spec, "HEAD", cwd=repo / "declarations" / "sj")
    assert code == 2 and spec in text


def test_a_revision_path_is_read_from_the_top_even_in_a_subfolder(repo):
    code, text = run("HEAD~1:declarations/sj", "HEAD:declarations/sj", "--format", "json", cwd=repo / "declarations" / "sj")
    assert code == 0, text
    (change,) = json.loads(text)
    assert (change["old"], change["new"]) == (">=90%", ">=80%")


def test_indicator_columns_and_the_cells_of_a_forms_table_are_compared(tmp_path):
    import shutil

    from test_form_options import weighted
    from test_rules_arithmetic import costs_folder

    old = weighted(tmp_path / "a")
    new = tmp_path / "b"
    shutil.copytree(old, new)
    p = new / "p.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("weight: 40, direction: 正向}", "weight: 30, direction: 正向}"),
                 encoding="utf-8")
    out = CliRunner().invoke(cli, ["diff", str(old), str(new)]).output
    assert "权重" in out and "40" in out and "30" in out
    before = costs_folder(tmp_path / "c")
    after = costs_folder(tmp_path / "d", [("amount: 99, basis", "amount: 109, basis"),
                                          ("  - {name: 合计, amount: 662.88}\n", "  - {name: 合计, amount: 672.88}\n"
                                           "  - {name: 备注行, amount: 1}\n")])
    out = CliRunner().invoke(cli, ["diff", str(before), str(after)]).output
    assert "第 2 行" in out and "99" in out and "109" in out and "Row(" not in out and "备注行" in out
