"""PD1xx: figures add up exactly, in 元, whatever unit each cell is written in."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from helpers import REPO, assert_findings, at, declaration, edit, findings, folder_with

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


# -- a form's tables: total rows and row identities (PD115, PD116), their definitions (PD016) --------------------

COSTS = """\
    costs:
      label: 项目预算成本构成
      type: table
      unit: 万元
      columns:
        name: {label: 成本构成, required: true}
        qty: {label: 数量, type: number}
        price: {label: 单价, type: money}
        amount: {label: 金额, type: money, required: true}
        basis: 测算依据
      totals: {label: name}
      identities: [amount = qty * price]
"""
COST_ROWS = """\
costs:
  - {name: 保安服务费, qty: 2, price: 95.5, amount: 191}
  - {name: 保洁服务费, amount: 99, basis: 依据招标文件}
  - {name: 水电气, amount: "3728800元"}
  - {name: 合计, amount: 662.88}
"""


def costs_folder(tmp_path: Path, rows: list[tuple[str, str]] = (), form: list[tuple[str, str]] = ()) -> Path:
    """PROJECT with a 万元 cost table, its template's form declaring the table's arithmetic."""
    table = [("    category: {label: 项目类别, type: text, required: true}\n",
              "    category: {label: 项目类别, type: text, required: true}\n" + edit(COSTS, list(form)))]
    return folder_with(tmp_path, table, [("indicators:\n", edit(COST_ROWS, list(rows)) + "indicators:\n")])


def test_a_table_whose_rows_add_up_has_no_findings(tmp_path):
    assert_findings(costs_folder(tmp_path))  # 3728800元 is 372.88万元: compared exactly, whatever the cell's unit


def test_a_total_row_that_differs_is_reported_at_its_cell_with_the_sum(tmp_path):
    folder = costs_folder(tmp_path, [("amount: 662.88", "amount: 662.98")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "662.98", "PD115"))
    (found,) = check(folder)[1]
    assert "662.88万元" in found.message("zh") and "662.98" in found.message("zh") and "合计" in found.message("zh")
    assert "662.88万元" in found.message("en") and "rows 1–3" in found.message("en")


def test_subtotals_and_a_total_at_the_top(tmp_path):
    rows = [("  - {name: 合计, amount: 662.88}\n", "  - {name: 小 计, amount: 662.88}\n"),
            ("costs:\n", "costs:\n  - {name: 合计, amount: 672.88}\n"),
            ("  - {name: 保安服务费", "  - {name: 其他, amount: 10}\n  - {name: 小计, amount: 10}\n  - {name: 保安服务费")]
    folder = costs_folder(tmp_path, rows)
    assert_findings(folder)  # 合计 (at the top) adds up the rows below it, each 小计 the rows since the last one
    p = folder / "p.yaml"
    (folder / "p.yaml").write_text(p.read_text(encoding="utf-8").replace("672.88", "673"), encoding="utf-8")
    assert_findings(folder, at(p, "673", "PD115"))
    (folder / "p.yaml").write_text(p.read_text(encoding="utf-8").replace("小计, amount: 10", "小计, amount: 11"),
                                   encoding="utf-8")
    assert at(p, "amount: 11", "PD115", mark="11") in findings(folder)


def test_totals_above_their_rows(tmp_path):
    rows = [("  - {name: 合计, amount: 662.88}\n", ""),
            ("costs:\n", "costs:\n  - {name: 合计, amount: 672.88}\n  - {name: 小计, amount: 10}\n  - {name: 其他, amount: 10}\n"
                          "  - {name: 小计, amount: 662.88}\n")]
    folder = costs_folder(tmp_path, rows, [("totals: {label: name}", "totals: {label: name, place: above}")])
    assert_findings(folder)  # each 小计 adds up the rows after it, up to the next
    p = folder / "p.yaml"
    p.write_text(p.read_text(encoding="utf-8").replace("小计, amount: 10}", "小计, amount: 11}"), encoding="utf-8")
    assert_findings(folder, at(p, "amount: 11", "PD115", mark="11"))


def test_the_labels_and_columns_of_totals_are_the_forms(tmp_path):
    rows = [("{name: 合计, amount: 662.88}", "{name: 总额, qty: 1, amount: 662.98}")]
    folder = costs_folder(tmp_path, rows, [("totals: {label: name}", "totals: {label: name, rows: [总额], columns: [qty]}")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "qty: 1,", "PD115", mark="1"))  # qty adds up to 2; amount is not checked


def test_a_row_that_breaks_its_identity_is_reported_at_the_left_cell(tmp_path):
    folder = costs_folder(tmp_path, [("price: 95.5, amount: 191}", "price: 95.5, amount: 190}"),
                                     ("amount: 662.88", "amount: 661.88")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "190", "PD116"))
    (found,) = check(folder)[1]
    assert "191万元" in found.message("zh") and "数量 2 × 单价 95.5万元" in found.message("zh")


@pytest.mark.parametrize("change, needle", [
    ("totals: {label: name}", "totals: {label: nmae}"),
    ("totals: {label: name}", "totals: {label: amount}"),  # a total row is named in a text column
    ("totals: {label: name}", "totals: {label: name, columns: [basis]}"),  # a total on a text column
    ("totals: {label: name}", "totals: {label: name, columns: [amuont]}"),
    ("[amount = qty * price]", "[amount = qty * cost]"),
    ("[amount = qty * price]", "[amount = price * price]"),  # 万元 × 万元 is no amount of money
    ("[amount = qty * price]", "[amount = qty + price]"),  # a number added to money
    ("[amount = qty * price]", "[amount = qty * basis]"),
    ("      unit: 万元\n", "      unit: 千元\n"),
])
def test_a_bad_table_definition_is_pd016_at_its_place(tmp_path, change, needle):
    folder = costs_folder(tmp_path, form=[(change, needle)])
    meta = folder / "mine" / "template.yaml"
    found = findings(folder)
    assert {code for *_, code in found} == {"PD016"}, found
    (_, line, _, _), = found
    text = meta.read_text(encoding="utf-8").splitlines()
    changed = next(n for n, l in enumerate(text, 1) if needle.strip().split("\n")[0] in l)
    assert line == changed, (line, changed)


def test_table_arithmetic_belongs_to_tables(tmp_path):
    folder = folder_with(tmp_path, [("    category: {label: 项目类别, type: text, required: true}\n",
                                     "    category: {label: 项目类别, type: text, required: true, totals: {label: x}}\n")],
                         [])
    assert {code for *_, code in findings(folder)} == {"PD016"}


@pytest.mark.parametrize("example, needle, code", [(0, "662.98", "PD115"), (1, "2.9", "PD117")])
def test_the_tables_examples_of_the_docs(tmp_path, example, needle, code):
    doc = (REPO / "docs" / "templates.md").read_text(encoding="utf-8")
    section = doc[doc.index("### Tables that add up"):doc.index("### Indicator columns")]
    form, rows = re.findall(r"```yaml\n(.*?)```", section, re.S)[2 * example:2 * example + 2]
    category = "    category: {label: 项目类别, type: text, required: true}\n"
    folder = folder_with(tmp_path, [(category, category + form.split("  fields:\n", 1)[1])],
                         [("indicators:\n", rows + "indicators:\n")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, needle, code))
    (found,) = check(folder)[1]
    assert "".join(found.message("zh").split()) in "".join(section.split())  # the message the docs quote


# -- a form's table against the form's funding figures (PD117) ------------------------------------------------------

FUNDED = [("  total: 30000\n  fiscal: 30000\n", "  total: 6628800\n  fiscal: 5638800\n  other: 990000\n")]  # 662.88万元


def funded_folder(tmp_path: Path, ties: str, rows: list[tuple[str, str]] = (),
                  funding: list[tuple[str, str]] = (), form: list[tuple[str, str]] = ()) -> Path:
    """costs_folder whose table declares `funding: ties`, and whose project's funding is 662.88万元 (99万元 other)."""
    table = edit(COSTS, [("      identities:", f"      funding: {ties}\n      identities:"), *form])
    category = "    category: {label: 项目类别, type: text, required: true}\n"
    return folder_with(tmp_path, [(category, category + table)],
                       [*FUNDED, *funding, ("indicators:\n", edit(COST_ROWS, list(rows)) + "indicators:\n")])


def test_a_table_that_agrees_with_the_funding_figures_has_no_findings(tmp_path):
    # the 合计 row is 662.88万元 = 6628800元; the 保洁服务费 row 99万元 = 990000元
    assert_findings(funded_folder(tmp_path, "[total = amount, other = 保洁服务费.amount]"))


def test_a_total_row_that_differs_from_its_figure_is_reported_at_its_cell(tmp_path):
    folder = funded_folder(tmp_path, "[total = amount]", funding=[("total: 6628800", "total: 6628000"),
                                                                  ("fiscal: 5638800", "fiscal: 5638000")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "662.88", "PD117"))
    (found,) = check(folder)[1]
    zh, en = found.message("zh"), found.message("en")
    assert "项目资金总额" in zh and "“合计”行的金额" in zh and "662.88万元" in zh and "6628000元" in zh, zh
    assert "total" in en and "'合计' row's amount" in en and "662.88万元" in en and "6628000元" in en, en


def test_without_a_total_row_the_rows_are_added_up(tmp_path):
    # no 合计 row: 191 + 99 + 372.88 = 662.88; a 小计 row is not added in
    rows = [("  - {name: 合计, amount: 662.88}\n", "  - {name: 小计, amount: 662.88}\n")]
    assert_findings(funded_folder(tmp_path / "a", "[total = amount]", rows))
    folder = funded_folder(tmp_path / "b", "[total = amount]", [*rows, ("amount: 99,", "amount: 98,"),
                                                                  ("amount: 662.88", "amount: 661.88")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "costs:", "PD117"))  # at the table: no one cell holds its total
    (found,) = check(folder)[1]
    assert "661.88万元" in found.message("zh") and "6628800元" in found.message("zh"), found.message("zh")


def test_a_row_picked_by_its_name_that_differs_from_its_figure(tmp_path):
    folder = funded_folder(tmp_path, "[total = amount, other = 保洁服务费.amount]",
                           [("{name: 保洁服务费, amount: 99,", "{name: 保洁 服务费, amount: 98,"),
                            ("amount: 662.88", "amount: 661.88")],
                           [("total: 6628800", "total: 6618800"), ("fiscal: 5638800", "fiscal: 5628800")])
    p = folder / "p.yaml"
    assert_findings(folder, at(p, "amount: 98,", "PD117", mark="98"))  # its name matches with spaces ignored
    (found,) = check(folder)[1]
    zh = found.message("zh")
    assert "其他资金" in zh and "98万元" in zh and "990000元" in zh and "保洁 服务费" in zh, zh
    assert "other" in found.message("en"), found.message("en")


def test_an_empty_cell_or_a_missing_row_states_nothing(tmp_path):
    rows = [("{name: 保洁服务费, amount: 99, basis: 依据招标文件}", "{name: 保洁服务费, amount: 99}"),
            ("  - {name: 合计, amount: 662.88}\n", "  - {name: 合计}\n")]
    form = [("amount: {label: 金额, type: money, required: true}", "amount: {label: 金额, type: money}")]
    folder = funded_folder(tmp_path, "[total = amount, other = 安保费.amount]", rows, form=form)
    assert_findings(folder)  # no 安保费 row; the empty 合计 cell gives way to the rows' sum, 662.88


@pytest.mark.parametrize("ties, needle", [
    ("[totl = amount]", "totl"),  # not a figure of the form
    ("[total = amuont]", "amuont"),  # not a column
    ("[total = basis]", "= basis"),  # a text column
    ("[total = qty]", "= qty"),  # a number column is no money
    ("[total amount]", "total amount"),
    ("[total = amount + price]", "amount + price"),
    ("[total = .amount]", ".amount"),  # a row without its name
])
def test_a_bad_tie_to_the_funding_is_pd016_at_its_place(tmp_path, ties, needle):
    folder = funded_folder(tmp_path, ties)
    found = findings(folder)
    assert {code for *_, code in found} == {"PD016"}, found
    (_, line, _, _), = found
    text = (folder / "mine" / "template.yaml").read_text(encoding="utf-8").splitlines()
    assert line == next(n for n, l in enumerate(text, 1) if needle in l), found
    assert "unknown key" not in check(folder)[1][0].message("en")  # the tie itself is refused, not its key


def test_a_row_picked_by_name_needs_the_column_that_names_rows(tmp_path):
    folder = funded_folder(tmp_path, "[other = 保洁服务费.amount]", form=[("      totals: {label: name}\n", "")],
                           rows=[("  - {name: 合计, amount: 662.88}\n", "")])
    found = findings(folder)
    assert {code for *_, code in found} == {"PD016"}, found
    assert "totals" in check(folder)[1][0].message("en")


def test_funding_ties_belong_to_tables(tmp_path):
    folder = folder_with(tmp_path, [("    category: {label: 项目类别, type: text, required: true}\n",
                                     "    category: {label: 项目类别, type: text, required: true, funding: [total = x]}\n")],
                         [])
    assert {code for *_, code in findings(folder)} == {"PD016"}

