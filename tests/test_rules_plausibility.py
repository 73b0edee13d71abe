"""PD2xx: totals, periods, texts, residue and labels a reviewer would question."""
from __future__ import annotations

from helpers import assert_findings, at, declaration, findings
from test_rules_arithmetic import SCHEDULE

FUNDING = "  total: 30000\n  fiscal: 30000"


def test_project_total_below_the_annual_request(tmp_path):
    folder = declaration(tmp_path, [(FUNDING, "  total: 20000\n  fiscal: 20000")])
    assert_findings(folder, at(folder / "p.yaml", "total: 20000", "PD201", mark="20000"))


def test_project_total_differs_from_the_plan(tmp_path):
    folder = declaration(tmp_path, [*SCHEDULE, (FUNDING, "  total: 40000\n  fiscal: 40000")])
    assert_findings(folder, at(folder / "p.yaml", "total: 40000", "PD202", mark="40000"))


def test_multi_year_total_above_the_annual_request_is_fine(tmp_path):
    # SCHEDULE: total 30000 (the plan), annual 20000 (its 2023 column)
    assert_findings(declaration(tmp_path, SCHEDULE))


def test_planned_dates_miss_the_declaration_year(tmp_path):
    folder = declaration(tmp_path, [("start: 2023-01-01\nend: 2023-12-31", "start: 2022-01-01\nend: 2022-12-31")])
    p = folder / "p.yaml"
    assert_findings(folder,
                    at(p, "end: 2022-12-31", "PD203", mark="2022"),
                    at(p, "end: 2023-12", "PD204", mark="2023"),  # the sub-item runs in 2023
                    at(p, "2023 年 12 月底", "PD206"))  # and so does the timeliness target


def test_sub_item_beyond_the_project(tmp_path):
    folder = declaration(tmp_path, [("    end: 2023-12", "    end: 2024-06")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "end: 2024-06", "PD204", mark="2024"),
                    at(p, "2023年 1月（至 2023年 12月）", "PD208"))  # the overview says it ends in 2023


def test_start_after_end(tmp_path):
    folder = declaration(tmp_path, [("start: 2023-01-01\nend: 2023-12-31", "start: 2023-12-31\nend: 2023-01-01")])
    assert_findings(folder, at(folder / "p.yaml", "start: 2023-12-31", "PD205", mark="2023"))
    folder = declaration(tmp_path / "item", [("    start: 2023-01\n    end: 2023-12", "    start: 2023-12\n    end: 2023-01")])
    assert_findings(folder, at(folder / "p.yaml", "start: 2023-12", "PD205", mark="2023"))


def test_timeliness_date_outside_the_period(tmp_path):
    for value in ("2024 年 3 月底", "2024-03-31", "2022年底"):
        folder = declaration(tmp_path / value, [("2023 年 12 月底", value)])
        assert_findings(folder, at(folder / "p.yaml", value, "PD206"))


def test_narrative_figure_contradicts_the_data(tmp_path):
    folder = declaration(tmp_path, [("预算资金约 3 万元", "预算资金约 5 万元")])
    assert_findings(folder, at(folder / "p.yaml", "5 万元", "PD207"))


def test_narrative_figures_that_agree_or_are_not_budgets(tmp_path):
    text = ("经测算，预算资金约 3 万元。\n      其中彩色带金额为 5880元，配件更换金额 2.412 万元；"
            "人均 22 万/年，最高限额为 20 万元。年度预算资金需求约 3.0 万元。")
    assert_findings(declaration(tmp_path, [("经测算，预算资金约 3 万元。", text)]))


def test_narrative_figure_in_a_later_paragraph_is_located(tmp_path):
    folder = declaration(tmp_path, [("    lines:", "    arrangement: |\n      第一段。\n      第二段，项目预算金额 4 万。\n    lines:")])
    assert_findings(folder, at(folder / "p.yaml", "4 万", "PD207"))


def test_narrative_period_contradicts_the_sub_item(tmp_path):
    folder = declaration(tmp_path, [("2023年 1月（至 2023年 12月）", "2023年 2月（至 2023年 12月）")])
    assert_findings(folder, at(folder / "p.yaml", "2023年 2月（至", "PD208"))


def test_narrative_periods_of_parts_may_together_span_the_sub_item(tmp_path):
    period = "    period: |\n      （1）实施周期：2023年 1月-2023年 8月。\n      （2）实施周期：2023年 6月到 12月。\n    lines:"
    assert_findings(declaration(tmp_path, [("    lines:", period)]))


def test_years_outside_the_period(tmp_path):
    folder = declaration(tmp_path, [("title: 设备维护费", "title: 2021年度设备维护费")])
    assert_findings(folder, at(folder / "p.yaml", "2021年度", "PD209"))


def test_years_in_cited_documents_and_the_basis_are_fine(tmp_path):
    overview = ("根据《2019年规划》、沪府令〔2018〕9号、外专发【2017】161号、公通字[2007] 43 号和"
                "《网络安全等级保护基本要求》（GB/T 22239-2019），拟于 2023年 1月（至 2023年 12月）维护两台设备。")
    folder = declaration(tmp_path, [("拟于 2023年 1月（至 2023年 12月）维护两台设备。", overview),
                                    ("    lines:", "    basis: 2016 年 10 月发布的规范。\n    lines:")])
    assert_findings(folder)


def test_template_residue(tmp_path):
    folder = declaration(tmp_path, [("title: 设备维护费", "title: XX设备维护费"), ("服务稳定性: 提升", "TODO: 提升")],
                         decl_edits=[("unit: 测试单位", "unit: 某某单位")])
    assert_findings(folder, at(folder / "p.yaml", "XX设备", "PD210"), at(folder / "p.yaml", "TODO", "PD210"),
                    at(folder / "declaration.yaml", "某某", "PD210"))


def test_table_label_naming_another_unit(tmp_path):
    folder = declaration(tmp_path, [("      unit: 万元\n      rows:",
                                     "      unit: 万元\n      header: [项目组成, 数量, 单价（元）, 资金需求（万元）]\n"
                                     "      total_label: 合计（元）\n      rows:")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "单价（元）", "PD211", mark="（元）"), at(p, "合计（元）", "PD211", mark="（元）"))


def test_narrative_figures_with_thousands_separators(tmp_path):
    for figure in ("30,000 元", "30,000.00 元", "３０，０００ 元", "0.588 万元"):
        assert_findings(declaration(tmp_path / figure, [("预算资金约 3 万元", f"预算资金为 {figure}")]))
    for figure in ("31,000 元", "1,357.00 万元", "３１，０００ 元"):
        folder = declaration(tmp_path / f"x{figure}", [("预算资金约 3 万元", f"预算资金为 {figure}")])
        assert_findings(folder, at(folder / "p.yaml", figure, "PD207"))


def test_a_bare_wan_is_money_only_where_money_is_meant(tmp_path):
    for text in ("预算覆盖 2 万平方米", "预算服务 3 万人次", "预算内处理 5 万条数据", "预算印制 2 万份", "金额 2 万㎡"):
        assert_findings(declaration(tmp_path / text, [("预算资金约 3 万元。", f"预算资金约 3 万元。{text}。")]))
    for text in ("预算 5 万/年", "预算 5 万", "预算 5 万，", "预算 5 万元", "预算 5 万 元", "预算 5 万每年", "预算 5 万左右"):
        folder = declaration(tmp_path / f"x{text}", [("预算资金约 3 万元。", f"预算资金约 3 万元。{text}")])
        assert_findings(folder, at(folder / "p.yaml", "5 万", "PD207"))


SECOND_ITEM = [(FUNDING, "  total: 50000\n  fiscal: 50000"),
               ("  annual: 30000\n  appropriation: 30000", "  annual: 50000\n  appropriation: 50000"),
               ("indicators:", "  - title: 培训费\n    budget: 2万元\n    start: 2023-01\n    end: 2023-12\nindicators:")]


def test_a_sub_item_may_quote_the_project_figures(tmp_path):
    # Two sub-items, 3 万元 and 2 万元: the project asks 5 万元.
    assert_findings(declaration(tmp_path / "plain", SECOND_ITEM))
    quoted = [*SECOND_ITEM, ("预算资金约 3 万元。", "预算资金约 3 万元，本项目总预算 5 万元，年度申请资金 50,000 元。")]
    assert_findings(declaration(tmp_path / "quoted", quoted))
    folder = declaration(tmp_path / "wrong", [*SECOND_ITEM, ("预算资金约 3 万元。", "预算资金约 3 万元，本项目总预算 6 万元。")])
    assert_findings(folder, at(folder / "p.yaml", "6 万元", "PD207"))
    folder = declaration(tmp_path / "other", [*SECOND_ITEM, ("预算资金约 3 万元。", "预算资金为 2 万元。")])
    assert_findings(folder, at(folder / "p.yaml", "2 万元", "PD207"))  # the other sub-item's budget is not this one's


FOLDED = """    arrangement: >
      第一行，
      第二行，
      第三行，
      第四行，
      第五行，预算金额为 4 万元，
      于 2021 年完成。
    lines:"""


def test_findings_in_folded_texts_are_located_on_their_line(tmp_path):
    folder = declaration(tmp_path, [("    lines:", FOLDED)])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "4 万元", "PD207"), at(p, "2021 年", "PD209"))


def test_findings_across_a_fold_are_located_where_they_start(tmp_path):
    text = ("    arrangement: >\n      一\n\n      二\n      三，预算金额为 4\n      万元，拟于 2023年 2月\n"
            "      至 2023年 12月实施。\n    lines:")
    folder = declaration(tmp_path, [("    lines:", text)])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "为 4", "PD207", mark="4"), at(p, "2023年 2月", "PD208"))
    plain = "    arrangement: 第一行，\n      第二行，\n      第三行，\n      第四行，预算金额为 4\n      万元。\n    lines:"
    folder = declaration(tmp_path / "plain", [("    lines:", plain)])
    assert_findings(folder, at(folder / "p.yaml", "为 4", "PD207", mark="4"))


def test_the_invisible_pattern_is_every_format_character_and_the_hangul_fillers():
    import sys
    import unicodedata

    from perfdecl.rules.plausibility import INVISIBLE

    expected = {c for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"}
    expected |= {0x115F, 0x1160, 0x3164, 0xFFA0}
    found = {c for c in range(sys.maxunicode + 1) if INVISIBLE.fullmatch(chr(c))}
    # Unicode 15 made U+13439..U+1343F format characters; older tables call them unassigned
    assert found - expected <= set(range(0x13439, 0x13440)), sorted(map(hex, found - expected))
    assert expected <= found, sorted(map(hex, expected - found))


def test_invisible_characters_are_found_where_they_stand_in_any_file(tmp_path):
    folder = declaration(tmp_path, [("  - title: 设备维护费", "  - title: 设备\u202e维护费"),
                                    ("      用户满意度:", "      用户\u200b满意度:")],
                         decl_edits=[("unit: 测试单位", "unit: 测试\u2066单位")])
    found = {f for f in findings(folder) if f[3] == "PD212"}
    project = (folder / "p.yaml").read_text(encoding="utf-8").splitlines()
    decl = (folder / "declaration.yaml").read_text(encoding="utf-8").splitlines()
    expected = set()
    for name, lines, ch in (("p.yaml", project, "\u202e"), ("p.yaml", project, "\u200b"),
                            ("declaration.yaml", decl, "\u2066")):
        number = next(i for i, line in enumerate(lines, start=1) if ch in line)
        expected.add((name, number, lines[number - 1].index(ch) + 1, "PD212"))
    assert found == expected
