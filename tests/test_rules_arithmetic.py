"""PD1xx: figures add up exactly, in 元, whatever unit each cell is written in."""
from __future__ import annotations

from helpers import assert_findings, at, declaration

from perfdecl.pipeline import check

# PROJECT's line-item table replaced by a two-year plan (2022: 1 万元, 2023: 2 万元).
SCHEDULE = [
    ("""    lines:
      unit: 万元
      rows:
        - [彩色带, 6, 0.098, 0.588]
        - [配件更换, 1, 2.412, 2.412]
      total: 3
""", """    annual: 2万元
    schedule:
      unit: 万元
      years: [2022, 2023]
      rows:
        - [建设费, 0.5, 1.5, 2]
        - [监理费, 0.5, 0.5, 1]
      total: [1, 2, 3]
"""),
    ("  annual: 30000\n  appropriation: 30000", "  annual: 20000\n  appropriation: 20000"),
    ("{value: =6 卷, link: 彩色带.qty}", "=6 卷"),
]


def test_a_consistent_project_has_no_findings(tmp_path):
    assert_findings(declaration(tmp_path))
    assert_findings(declaration(tmp_path / "plan", SCHEDULE))


def test_line_amount_differs_from_quantity_times_price(tmp_path):
    folder = declaration(tmp_path, [("[配件更换, 1, 2.412, 2.412]", "[配件更换, 1, 2.412, 2.413]")])
    p = folder / "p.yaml"
    assert_findings(folder,
                    at(p, "2.412, 2.413]", "PD101", mark="2.413"),
                    at(p, "      total: 3", "PD102", mark="3"),  # the rows now add up to 3.001
                    at(p, "budget: 3万元", "PD106", mark="3万元"))


def test_lines_total_differs_from_rows(tmp_path):
    folder = declaration(tmp_path, [("      total: 3\n", "      total: 3.1\n")])
    assert_findings(folder, at(folder / "p.yaml", "total: 3.1", "PD102", mark="3.1"))


def test_units_are_converted_exactly(tmp_path):
    # 200 × 50元 = 1万元; the 万元 table, 元 cells and the 元 funding all agree.
    folder = declaration(tmp_path, [
        ("        - [配件更换, 1, 2.412, 2.412]\n", "        - [配件更换, 1, 2.412, 2.412]\n        - [书籍, 200, 50元, 1万元]\n"),
        ("      total: 3\n", "      total: 40000元\n"), ("budget: 3万元", "budget: 40000元"),
        ("  total: 30000\n  fiscal: 30000\n  annual: 30000\n  appropriation: 30000",
         "  total: 4万元\n  fiscal: 40000\n  annual: 40000\n  appropriation: 40000"),
        ("预算资金约 3 万元", "预算资金约 4 万元"),
    ])
    assert_findings(folder)


def test_lines_may_match_the_annual_amount(tmp_path):
    assert_findings(declaration(tmp_path, [("budget: 3万元", "budget: 6万元\n    annual: 3万元")]))


def test_sub_item_budget_differs_from_its_lines(tmp_path):
    folder = declaration(tmp_path, [("budget: 3万元", "budget: 3.5万元"), ("  total: 30000\n  fiscal: 30000\n  annual: 30000\n"
                                                                          "  appropriation: 30000",
                                                                          "  total: 35000\n  fiscal: 35000\n  annual: 35000\n"
                                                                          "  appropriation: 35000")])
    assert_findings(folder, at(folder / "p.yaml", "budget: 3.5万元", "PD106", mark="3.5万元"))


def test_funding_identities(tmp_path):
    folder = declaration(tmp_path, [("  fiscal: 30000", "  fiscal: 20000"),
                                    ("  appropriation: 30000", "  appropriation: 25000\n  carryover: 4000")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "total: 30000", "PD110", mark="30000"),
                    at(p, "annual: 30000", "PD110", mark="30000"))
    text = "\n".join(d.message("zh") for d in check(folder)[1])
    assert "项目资金总额写 30000元，财政资金 20000元 + 其他资金 0元 = 20000元" in text
    assert "年度资金申请总额写 30000元，当年财政拨款 25000元 + 上年结转资金 4000元 + 其他资金 0元 = 29000元" in text


def test_annual_request_differs_from_sub_items(tmp_path):
    folder = declaration(tmp_path, [("  annual: 30000\n  appropriation: 30000", "  annual: 29000\n  appropriation: 29000")])
    assert_findings(folder, at(folder / "p.yaml", "annual: 29000", "PD109", mark="29000"))


def test_too_many_decimals_for_the_unit(tmp_path):
    folder = declaration(tmp_path, [("  total: 30000\n  fiscal: 30000", "  total: 30000.001\n  fiscal: 30000.001")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "total: 30000.001", "PD112", mark="30000.001"),
                    at(p, "fiscal: 30000.001", "PD112", mark="30000.001"))


def test_wan_yuan_allows_at_most_six_decimals(tmp_path):
    folder = declaration(tmp_path, [("- [彩色带, 6, 0.098, 0.588]", "- [彩色带, 6, 0.098000, 0.5880000]")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "0.5880000", "PD112"))


def test_plan_row_total_differs_from_its_years(tmp_path):
    folder = declaration(tmp_path, [*SCHEDULE[:1], *SCHEDULE[1:]])
    p = folder / "p.yaml"
    text = p.read_text(encoding="utf-8").replace("[监理费, 0.5, 0.5, 1]", "[监理费, 0.5, 0.5, 1.5]")
    p.write_text(text, encoding="utf-8")
    assert_findings(folder,
                    at(p, "[监理费, 0.5, 0.5, 1.5]", "PD103", mark="1.5"),
                    at(p, "total: [1, 2, 3]", "PD105", mark="3]"),  # the row totals now add up to 3.5
                    at(p, "budget: 3万元", "PD107", mark="3万元"),
                    at(p, "total: 30000", "PD202", mark="30000"))  # and so does the project total


def test_plan_total_row(tmp_path):
    folder = declaration(tmp_path, [*SCHEDULE[:1], *SCHEDULE[1:]])
    p = folder / "p.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("total: [1, 2, 3]", "total: [1, 2.5, 3.5]"), encoding="utf-8")
    assert_findings(folder, at(p, "total: [1, 2.5, 3.5]", "PD104", mark="2.5"),
                    at(p, "total: [1, 2.5, 3.5]", "PD105", mark="3.5"))


def test_plan_against_budget_and_annual(tmp_path):
    folder = declaration(tmp_path, [*SCHEDULE[:2], SCHEDULE[2], ("budget: 3万元", "budget: 3.5万元")])
    p = folder / "p.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("annual: 2万元", "annual: 2.5万元")
                 .replace("  annual: 20000\n  appropriation: 20000", "  annual: 25000\n  appropriation: 25000"),
                 encoding="utf-8")
    assert_findings(folder, at(p, "budget: 3.5万元", "PD107", mark="3.5万元"),
                    at(p, "annual: 2.5万元", "PD108", mark="2.5万元"))
