"""PD1xx: the figures must add up, exactly.

The records only (code, severity, texts, documentation with examples);
the checks that report them are in perfdecl/rules/arithmetic.py.
"""
from __future__ import annotations

from .rule import Example, Rule

E = "error"

ITEM = ("items", 0)  # where a sub-item's examples are written: the first sub-item


def _table_form(key: str, label: str, columns: str, *arithmetic: str) -> str:
    """The `form:` of an example: a 万元 table `key` with `columns` (one `key: definition` a line) and its arithmetic."""
    lines = [f"{key}:", f"  label: {label}", "  type: table", "  unit: 万元", "  columns:",
             *(f"    {c}" for c in columns.splitlines()), *(f"  {a}" for a in arithmetic)]
    return "\nfields:\n  category: {label: 项目类别, required: true}\n" + "".join(f"  {line}\n" for line in lines)


COSTS_FORM = _table_form("costs", "项目预算成本构成", "name: 成本构成\namount: {label: 金额, type: money}",
                         "totals: {label: name}")
LINES_FORM = _table_form("estimate", "成本测算", "name: 项目组成\nqty: {label: 数量, type: number}\n"
                         "price: {label: 单价, type: money}\namount: {label: 资金需求, type: money}",
                         "identities: [amount = qty * price]")
SOURCES_FORM = _table_form("sources", "资金来源", "name: 来源\namount: {label: 金额, type: money}",
                           "totals: {label: name}", "funding: [total = amount, fiscal = 财政资金.amount]")

RULES = (
    Rule("PD101", E, "数量 × 单价 ≠ 资金需求", "quantity × unit price ≠ amount",
         "“{name}”：{qty} × {price} = {expected}，表中写 {actual}",
         "'{name}': {qty} × {price} = {expected}, the table says {actual}",
         """Each line item of a `lines` table must satisfy 数量 × 单价 = 资金需求
(compared in 元, whatever units the cells are written in).""",
         hint="改正数量、单价或资金需求中写错的一项", hint_en="correct whichever of quantity, price or amount is wrong",
         passing=(Example("""
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
             """, ITEM),),
         failing=(Example("""
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.598]   # 6 × 0.098 = 0.588
                 - [配件更换, 1, 2.412, 2.412]
             """, ITEM),)),
    Rule("PD102", E, "明细表合计 ≠ 各行之和", "line-item total ≠ sum of rows",
         "合计写 {actual}，各行资金需求之和为 {expected}",
         "the total says {actual}, the rows add up to {expected}",
         """A `lines` table's `total` (合计 row) must equal the sum of its rows'
amounts.""",
         passing=(Example("""
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
               total: 3
             """, ITEM),),
         failing=(Example("""
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
               total: 3.1
             """, ITEM),)),
    Rule("PD103", E, "计划表某行合计 ≠ 各年之和", "plan row total ≠ sum of its years",
         "“{name}”合计写 {actual}，各年之和为 {expected}",
         "'{name}': the row total says {actual}, its years add up to {expected}",
         """In a multi-year plan (`schedule`), each row's last cell (合计) must equal
the sum of its year cells.""",
         passing=(Example("""
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3]
             """, ITEM),),
         failing=(Example("""
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3.5]
             """, ITEM),)),
    Rule("PD104", E, "计划表合计行 ≠ 该年各行之和", "plan total row ≠ sum of the year's column",
         "{year} 年合计写 {actual}，该列各行之和为 {expected}",
         "the {year} total says {actual}, the column adds up to {expected}",
         """The 合计 row of a multi-year plan must hold, for each year, the sum of
that year's column.""",
         passing=(Example("""
             schedule:
               years: [2022, 2023]
               rows:
                 - [建设费, 0.5, 1.5, 2]
                 - [监理费, 0.5, 0.5, 1]
               total: [1, 2, 3]
             """, ITEM),),
         failing=(Example("""
             schedule:
               years: [2022, 2023]
               rows:
                 - [建设费, 0.5, 1.5, 2]
                 - [监理费, 0.5, 0.5, 1]
               total: [1, 2.5, 3]
             """, ITEM),)),
    Rule("PD105", E, "计划表总计 ≠ 各行合计之和", "plan grand total ≠ sum of row totals",
         "总计写 {actual}，各行合计之和为 {expected}",
         "the grand total says {actual}, the row totals add up to {expected}",
         """The last cell of a multi-year plan's 合计 row must equal the sum of
the rows' totals.""",
         passing=(Example("""
             schedule:
               years: [2023]
               rows:
                 - [等保测评, 2, 2]
                 - [密评费, 1, 1]
               total: [3, 3]
             """, ITEM),),
         failing=(Example("""
             schedule:
               years: [2023]
               rows:
                 - [等保测评, 2, 2]
                 - [密评费, 1, 1]
               total: [3, 4]
             """, ITEM),)),
    Rule("PD106", E, "明细表合计与子项目预算不符", "line items do not add up to the sub-item's budget",
         "明细表各行合计 {lines}，子项目预算资金为 {budget}{annual}",
         "the line items add up to {lines}, the sub-item's budget is {budget}{annual}",
         """A sub-item's line items (`lines`) must add up to its budget: the whole
amount of the sub-item (`budget`), or, when the table lists only this year's
spending, its annual amount (`annual`).""",
         passing=(Example("""
             budget: 3万元
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
             """, ITEM),),
         failing=(Example("""
             budget: 3.5万元
             lines:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
             """, ITEM),)),
    Rule("PD107", E, "多年度计划总计与子项目预算不符", "multi-year plan total ≠ the sub-item's budget",
         "多年度计划各行合计 {plan}，子项目预算资金为 {budget}",
         "the multi-year plan adds up to {plan}, the sub-item's budget is {budget}",
         """A multi-year plan (`schedule`) covers the whole sub-item: its rows must
add up to the sub-item's `budget`.""",
         passing=(Example("""
             budget: 3 万元
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3]
             """, ITEM),),
         failing=(Example("""
             budget: 4 万元
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3]
             """, ITEM),)),
    Rule("PD108", E, "计划表中申报年度一列与本年度预算不符", "the plan's column for the year ≠ the annual amount",
         "多年度计划 {year} 年一列之和为 {plan}，子项目本年度预算资金为 {annual}",
         "the plan's {year} column adds up to {plan}, the sub-item's annual amount is {annual}",
         """When a multi-year plan has a column for the declaration year, that
column must add up to the sub-item's annual amount (`annual`, or `budget` when
no `annual` is given).""",
         passing=(Example("""
             budget: 3 万元
             annual: 2 万元
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3]
             """, ITEM, note="year: 2023"),),
         failing=(Example("""
             budget: 3 万元
             annual: 1 万元
             schedule:
               years: [2022, 2023]
               rows:
                 - [设备维护, 1, 2, 3]
             """, ITEM, note="year: 2023"),)),
    Rule("PD109", E, "年度资金申请总额 ≠ 各子项目本年度预算之和", "annual request ≠ sum of the sub-items' annual amounts",
         "年度资金申请总额写 {actual}，各子项目本年度预算之和为 {expected}",
         "the annual request says {actual}, the sub-items' annual amounts add up to {expected}",
         """The project's 年度资金申请总额 (`funding.annual`) is what the sub-items ask
for this year: the sum of each sub-item's `annual` (or `budget`).""",
         passing=(Example("""
             funding: {unit: 元, total: 30000, fiscal: 30000, annual: 30000, appropriation: 30000}
             items:
               - {title: 设备维护费, budget: 3万元}
             """),),
         failing=(Example("""
             funding: {unit: 元, total: 35000, fiscal: 35000, annual: 35000, appropriation: 35000}
             items:
               - {title: 设备维护费, budget: 3万元}
             """),)),
    Rule("PD110", E, "资金恒等式不成立", "a funding identity does not hold",
         "{label}写 {actual}，{terms} = {expected}",
         "{label} says {actual}, {terms} = {expected}",
         """The form's funding identities must hold exactly (in 元, whatever units
the figures are written in). Each form lists them in its template's
`form: funding: identities:`; for shanghai-2023: 项目资金总额 = 其中：财政资金 +
其他资金, and 年度资金申请总额 = 其中：当年财政拨款 + 上年结转资金 + 其他资金.""",
         passing=(Example("total: 30000\nfiscal: 29300\nother: 700", ("funding",)),
                  Example("annual: 30000\nappropriation: 24300\ncarryover: 5700\nannual_other: 0", ("funding",))),
         failing=(Example("total: 30000\nfiscal: 29300\nother: 0", ("funding",)),
                  Example("annual: 30000\nappropriation: 24300\ncarryover: 0\nannual_other: 0", ("funding",)))),
    Rule("PD112", E, "金额的小数位数过多", "too many decimals for the unit",
         "金额 {value} 有 {places} 位小数，以{unit}为单位最多 {most} 位",
         "amount {value} has {places} decimals; in {unit} at most {most}",
         """An amount carries no more decimals than its unit allows: 元 to the fen
(2 decimals), 万元 to the yuan (6 decimals, as some provinces print).""",
         passing=(Example("unit: 元\ntotal: 30000.00\nfiscal: 30000.00", ("funding",)),
                  Example("budget: 2.999999 万元", ITEM)),
         failing=(Example("unit: 元\ntotal: 30000.005\nfiscal: 30000.005", ("funding",)),
                  Example("budget: 2.9999999 万元", ITEM))),
    Rule("PD113", E, "绩效目标设置情况少于本申报的项目", "the stated summary is below the declaration's projects",
         "申报文件写{what}为 {stated}，本文件夹的项目合计 {counted}",
         "declaration.yaml states {what} as {stated}; the projects of this folder make {counted}",
         """A declaration that publishes only part of its projects states the whole
department's figures for 绩效目标设置情况 (`summary: {projects: 14, amount:
1099.22万元}` in declaration.yaml); they cannot be below what the folder
itself holds: its number of projects and their annual amounts added up.""",
         passing=(Example(declaration="summary: {projects: 14, amount: 1099.22万元}"),),
         failing=(Example(declaration="summary: {projects: 14, amount: 2万元}", note="one project asking 3万元"),)),
    Rule("PD114", E, "指标栏目之和与表单规定不符", "an indicator column does not add up to the form's total",
         "各指标的{label}之和为 {actual}，表单规定为 {expected}",
         "the indicators' {label} add up to {actual}; the form says {expected}",
         """A form may give a number column of its indicators a `total`
(`indicator_columns: {weight: {label: 权重, type: number, total: 100}}`):
the values a project writes in that column, over all its indicators, must
add up to it exactly. Indicators that leave the column out count for nothing.""",
         hint="调整各指标的{label}，使其合计为 {expected}", hint_en="adjust the indicators' {label} to add up to {expected}",
         passing=(Example("""
             服务对象满意度指标:
               用户满意度: {value: ">=90%", weight: 100}
             """, ("indicators", "满意度指标"), form="""
             indicator_columns:
               weight: {label: 权重, type: number, total: 100}
             """),),
         failing=(Example("""
             服务对象满意度指标:
               用户满意度: {value: ">=90%", weight: 90}
             """, ("indicators", "满意度指标"), form="""
             indicator_columns:
               weight: {label: 权重, type: number, total: 100}
             """),)),
    Rule("PD115", E, "表格合计行 ≠ 所计各行之和", "a table's total row ≠ the sum of its rows",
         "{table}：“{row}”行的{column}写 {actual}，{rows}之和为 {expected}",
         "{table}: the '{row}' row's {column} says {actual}; the sum of {rows} is {expected}",
         """A table of the form (a `table` field) whose definition has `totals:`
marks its total rows by the text of one column (`totals: {label: name}`): a
row named 合计 or 总计 (`rows:`) adds up the rows above it (or, at the head
of its rows, those below it), a row named 小计 (`subtotals:`) the rows since
the previous 小计 or 合计; spaces in the name do not count. With `place:
above` the totals stand before the rows they add up, and each adds up the
rows after it instead. Each money and number column (or those `columns:`
lists) of a total row must equal that sum exactly, in 元 whatever unit each
cell is written in (bare numbers are in the table's `unit`). A total cell
left empty is not checked.""",
         hint="改正合计行或所计各行中写错的数", hint_en="correct the total or whichever row is wrong",
         passing=(Example("""
             costs:
               - {name: 保安服务费, amount: 191}
               - {name: 保洁服务费, amount: 99}
               - {name: 合计, amount: 290}
             """, form=COSTS_FORM),),
         failing=(Example("""
             costs:
               - {name: 保安服务费, amount: 191}
               - {name: 保洁服务费, amount: 99}
               - {name: 合计, amount: 290.1}
             """, form=COSTS_FORM),)),
    Rule("PD116", E, "表格某行的算式不成立", "a table row breaks its identity",
         "{table}：第 {n} 行的{column}写 {actual}，{terms} = {expected}",
         "{table} row {n}: {column} says {actual}, {terms} = {expected}",
         """A table of the form may declare identities each of its rows keeps,
over its money and number columns, in the syntax of the funding identities
with `*` (or `×`) for a product: `identities: [amount = qty * price]`. They
are checked exactly (money in 元) on every row that is not a total row and
writes every cell of the identity.""",
         hint="改正数量、单价或金额中写错的一项", hint_en="correct whichever cell is wrong",
         passing=(Example("""
             estimate:
               - {name: 彩色带, qty: 6, price: 0.098, amount: 0.588}
             """, form=LINES_FORM),),
         failing=(Example("""
             estimate:
               - {name: 彩色带, qty: 6, price: 0.098, amount: 0.598}
             """, form=LINES_FORM),)),
    Rule("PD117", E, "表格金额与资金栏目不符", "a table's amount ≠ the funding figure it states",
         "{table}：{cell}为 {actual}，{figure}为 {expected}",
         "{table}: {cell} is {actual}; the funding's {figure} is {expected}",
         """A table of the form may state some of the form's funding figures:
`funding: [total = amount]` says the table's `amount` column adds up to the
`total` figure (the cell of its 合计 row when it has one, else the sum of its
rows, 小计 rows left out), and `funding: [basic = 基本支出.amount]` says the
`amount` of the row named 基本支出 (in the column `totals: {label: …}` names
rows by) is the `basic` figure. Each is compared exactly, in 元 whatever
units the table and the funding are written in. A row the project does not
write, and a cell left empty, are not checked.""",
         hint="改正表中的金额或资金栏目中写错的一项", hint_en="correct the table's amount or the funding figure, whichever is wrong",
         passing=(Example("""
             sources:
               - {name: 财政资金, amount: 3}
               - {name: 其他资金, amount: 0}
               - {name: 合计, amount: 3}
             """, form=SOURCES_FORM, note="funding: total 30000, fiscal 30000 (元)"),),
         failing=(Example("""
             sources:
               - {name: 财政资金, amount: 2.9}
               - {name: 其他资金, amount: 0.1}
               - {name: 合计, amount: 3}
             """, form=SOURCES_FORM, note="funding: total 30000, fiscal 30000 (元)"),)),
)
