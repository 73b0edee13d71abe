"""Reviewer rules (PD401-PD413) and the rules against last year's declaration (PD420-PD424), by position."""
from __future__ import annotations

import shutil
import subprocess

from click.testing import CliRunner
from helpers import EXAMPLE, REPO, assert_findings, at, copy_example, declaration, findings, value_at

from perfdecl.cli import cli
from perfdecl.rules.review import names_unit

P = "p.yaml"


def test_instruction_residue_and_excel_quotes(tmp_path):
    folder = declaration(tmp_path, [
        ("annual: 完成设备维护。", "annual: 完成设备维护（绩效目标管理工作情况，…）。"),
        ("      经测算，预算资金约 3 万元。", '      "经测算，预算资金约 3 万元。"'),
    ])
    p = folder / P
    assert_findings(folder, at(p, "（绩效目标管理工作情况，…）", "PD401"))
    quoted = declaration(tmp_path / "q", [("title: 设备维护费", "title: '\"设备维护费\"'")])
    assert_findings(quoted, at(quoted / P, "title: '", "PD402", mark="'"))


def test_a_bracket_that_explains_is_not_an_instruction(tmp_path):
    # Songjiang's own wording: a bracketed list with 等 is content, not an instruction.
    folder = declaration(tmp_path, [("维护两台设备。", "维护设备（包括修换制卡机器、读卡器、相关耗材等共两台设备）。")])
    assert_findings(folder)


def test_multi_year_goals_and_whole_output(tmp_path):
    folder = declaration(tmp_path, [
        ("end: 2023-12-31", "end: 2024-12-31"),
        ("total: 完成 2023 年设备维护。", "total: 完成设备维护。"),
        ("      维护完成时间: 2023 年 12 月底", "      维护完成时间: 2023 年 12 月底\n      项目竣工时间: 2024 年 6 月底"),
    ])
    p = folder / P
    assert_findings(folder, at(p, "annual: 完成设备维护。", "PD403", mark="完成"),
                    at(p, "项目竣工时间: 2024 年 6 月底", "PD404", mark="2024"))
    one_year = declaration(tmp_path / "one", [("total: 完成 2023 年设备维护。", "total: 完成设备维护。")])
    assert_findings(one_year)  # within one year the two goals may be the same


def test_money_cost_targets_against_the_annual_amount(tmp_path):
    costs = "    成本指标:\n      设备维护总成本: {}\n    时效指标:"
    over = declaration(tmp_path / "over", [("    时效指标:", costs.format("<=3.5 万元"))])
    assert_findings(over, at(over / P, "<=3.5 万元", "PD406"))
    assert_findings(declaration(tmp_path / "equal", [("    时效指标:", costs.format("<=30000 元"))]))
    assert_findings(declaration(tmp_path / "unit", [("    时效指标:", costs.format("<=35000 元/台"))]))


def test_cost_targets_without_their_operator_where_the_framework_allows_it(tmp_path):
    # A framework with `operator: false` (as many provincial forms write 260万元 for ≤260万元): the figure counts.
    costs = "    成本指标:\n      设备维护总成本: {}\n    时效指标:"
    framework = (REPO / "src" / "perfdecl" / "frameworks" / "shanghai-2023.yaml").read_text(encoding="utf-8")
    for value, expected in (("3.5万元", True), ("3.5万", True), ("3万元", False), ("2023年12月前", False)):
        folder = declaration(tmp_path / value, [("    时效指标:", costs.format(value))],
                             [("framework: shanghai-2023", "framework: bare.yaml")])
        (folder / "bare.yaml").write_text(framework + "\noperator: false\n", encoding="utf-8")
        assert_findings(folder, *([at(folder / P, value, "PD406")] if expected else []))


def test_indicator_forms(tmp_path):
    folder = declaration(tmp_path, [
        ("维护完成时间: 2023 年 12 月底", "维护完成情况: 完成"),
        ("彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", "彩色带采购完成率: =100%"),
        ('用户满意度: ">=90%"', "用户满意度: 较高"),
        ("服务稳定性: 提升", "设备完好率: 提高"),
    ])
    p = folder / P
    assert_findings(folder, value_at(p, "维护完成情况: 完成", "PD407"),
                    at(p, "=100%", "PD408"), at(p, "较高", "PD409"), at(p, "提高", "PD411"))


def test_the_qualitative_share_is_the_declarations(tmp_path):
    words = "      服务稳定性: 提升\n      服务覆盖面: 扩大\n      服务质量: 良好"
    folder = declaration(tmp_path, [("      服务稳定性: 提升", words)])
    assert_findings(folder, at(folder / P, "indicators:", "PD410"))  # 3 of 6 = 50% > 30%
    allowed = declaration(tmp_path / "a", [("      服务稳定性: 提升", words)], decl_edits=[
        ("framework: shanghai-2023", "framework: shanghai-2023\nqualitative_share: 50")])
    assert_findings(allowed)


def test_department_and_implementing_unit(tmp_path):
    folder = declaration(tmp_path, [("category: 经常性项目", "category: 经常性项目\ndepartment: 其他局"),
                                    ("    end: 2023-12\n", "    end: 2023-12\n    subject: 设备科负责维护。\n")])
    p = folder / P
    assert_findings(folder, at(p, "其他局", "PD412"), at(p, "设备科负责维护。", "PD413"))


def test_names_unit():
    unit = "上海市松江区科技创新服务中心"
    assert names_unit("松江区科技创新服务中心按照部门工作职责", unit)
    assert names_unit("区科技创服务中心承担着全区电子政务基础设施保障", unit)
    assert names_unit("本中心负责", unit)
    assert not names_unit("社保卡服务部主要负责我区社保卡申领", unit)
    assert not names_unit("各乡镇农业服务中心配合", unit)  # another body of the same kind


def test_the_songjiang_example_without_last_year_has_no_pd42x(tmp_path):
    assert not {f for f in findings(EXAMPLE) if f[3] >= "PD420"}


def last_year(tmp_path, edits):
    """A copy of the example as last year's (year - 1) with `edits` to the first project."""
    prev = copy_example(tmp_path, {"01-citizen-services.yaml": edits}, name="prev")
    decl = prev / "declaration.yaml"
    decl.write_text(decl.read_text(encoding="utf-8").replace("year: 2023", "year: 2022"), encoding="utf-8")
    return prev


def test_against_last_year_through_previous_key(tmp_path):
    last_year(tmp_path, [("=56850 份, link", "=60000 份, link"),
                         ("      每年宣传次数: =1 次", "      每年宣传次数: =1 次\n      宣传活动场次: =3 场")])
    now = copy_example(tmp_path, {"declaration.yaml": [("year: 2023", "year: 2023\nprevious: ../prev")]}, name="now")
    p = now / "01-citizen-services.yaml"
    new = {f for f in findings(now) if f[3] >= "PD420"}
    assert new == {at(p, "=56850 份", "PD421"), at(p, "indicators:", "PD422"),
                   # 03 and 04 are last year's word for word, and name 2022 (松江区政务云运营运维项目（2022-2023）)
                   *{f for f in new if f[3] == "PD423"}}
    assert {f[0] for f in new if f[3] == "PD423"} <= {"03-network-systems.yaml", "04-operations.yaml"}


def test_amount_and_line_items_change_together(tmp_path):
    last_year(tmp_path, [("- [制作宣传单, 56850, 2元, 113700元]", "- [制作宣传单, 50000, 2元, 100000元]"),
                         ("- [制作宣传品, 4400, 5元, 22000元]", "- [制作宣传品, 7140, 5元, 35700元]")])
    now = copy_example(tmp_path, {"declaration.yaml": [("year: 2023", "year: 2023\nprevious: ../prev")]}, name="now")
    p = now / "01-citizen-services.yaml"
    assert at(p, "annual: 165700", "PD424", mark="165700") in findings(now)


def test_check_previous_option_and_unreadable_previous(tmp_path):
    prev = last_year(tmp_path, [("=56850 份, link", "=60000 份, link")])
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "--previous", str(prev), "--format", "json"])
    assert "PD421" in result.output and result.exit_code == 0
    result = CliRunner().invoke(cli, ["check", str(EXAMPLE), "--previous", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "PD420" in result.output and "Traceback" not in result.output
    bad = copy_example(tmp_path, {"declaration.yaml": [("year: 2023", "year: 2023\nprevious: ../nowhere")]},
                       name="bad")
    assert at(bad / "declaration.yaml", "previous: ../nowhere", "PD420", mark="../") in findings(bad)


def test_previous_as_a_git_revision(tmp_path):
    root = tmp_path / "repo"
    folder = root / "sj"
    shutil.copytree(EXAMPLE, folder)
    path = folder / "01-citizen-services.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("=56850 份, link", "=60000 份, link"), encoding="utf-8")
    for args in (("init", "-q"), ("add", "-A"), ("-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "2022")):
        subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)
    path.write_text(path.read_text(encoding="utf-8").replace("=60000 份, link", "=56850 份, link"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["check", str(folder), "--previous", "HEAD"])
    assert "PD421" in result.output, result.output


def test_the_putuo_example_gets_the_reviewers_findings():
    folder = EXAMPLE.parent / "2026-putuo-cgzf"
    p = folder / "01-demolition.yaml"
    assert {f for f in findings(folder) if f[3] >= "PD400"} == {
        at(p, "（包括总目标、年度目标、分解目标等，具体见表格）", "PD401"),
        at(p, "  annual: |", "PD403", mark="|"),                      # 2024-2026, 总目标 = 年度目标
        value_at(p, "新增违建处置率: =100.00(%)", "PD407"),           # 时效指标 without time
        value_at(p, "完成年度拆违计划: =100.00(%)", "PD408"),         # % under 数量指标
        at(p, "indicators:", "PD410"),                                # 合理, 提高, 降低: 3 of 8
        value_at(p, "提升城市环境美化指数: 提高", "PD411"), value_at(p, "新增违建发生数: 降低", "PD411"),
        at(p, "department: 普陀区城市管理行政执法局执法大队", "PD412", mark="普陀"),
        at(p, "  subject: |", "PD413", mark="|"),                     # names the 局, not its 执法大队
    }


def test_whole_output_names(tmp_path):
    edits = [("end: 2023-12-31", "end: 2024-12-31"),
             ("      维护完成时间: 2023 年 12 月底",
              "      维护完成时间: 2023 年 12 月底\n      完成设备更新: =2 台\n      完成年度维护计划: =100%")]
    folder = declaration(tmp_path, edits)
    assert {f for f in findings(folder) if f[3] == "PD404"} == {value_at(folder / P, "完成设备更新: =2 台", "PD404")}


def test_shares_above_a_hundred_percent(tmp_path):
    folder = declaration(tmp_path, [("      用户满意度: \">=90%\"", "      用户满意度: \">=90%\"\n      验收合格率: =292%\n"
                                     "      收入增长率: \">=150%\"\n      超支率: \"<=120%\"\n      完好率: ≥100%")])
    assert_findings(folder, at(folder / P, "=292%", "PD414"))
