"""PD1xx: the figures must add up, exactly.

Every comparison is made in 元 with exact decimals (`Amount.yuan`), so
`0.588` in a 万元 table equals `5880元`. A finance reviewer recomputes each
line item, each table total, the sub-items against the project's funding and
the form's funding identities; any difference is an error, reported at the cell
that holds the figure and naming the figures compared.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic, diag
from ..load import Bundle
from ..form import Identity
from ..model import Project, SubItem
from ..money import PLACES, YUAN, number_text
from . import Example, Rule
from .common import amounts, figure, show

E = "error"

ITEM = ("items", 0)  # where a sub-item's examples are written: the first sub-item

RULES = (
    Rule("PD101", E, "数量 × 单价 ≠ 资金需求", "quantity × unit price ≠ amount",
         "“{name}”：{qty} × {price} = {expected}，表中写 {actual}",
         "'{name}': {qty} × {price} = {expected}, the table says {actual}",
         """Each line item of a `lines` table must satisfy 数量 × 单价 = 资金需求
(compared in 元, whatever units the cells are written in).""",
         hint="改正数量、单价或资金需求中写错的一项", hint_en="correct whichever of quantity, price or amount is wrong",
         passing=(Example("""
             lines:
               rows:
               unit: 万元
               rows:
                 - [彩色带, 6, 0.098, 0.588]
                 - [配件更换, 1, 2.412, 2.412]
             """, ITEM),),
         failing=(Example("""
             lines:
               rows:
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
         "the line items add up to {lines}, the sub-item's budget is {budget}{annual_en}",
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
         "{key} says {actual}, {terms_en} = {expected}",
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
)

def check_funding(bundle: Bundle) -> Iterator[Diagnostic]:
    """The form's funding identities, and the annual request against the sub-items."""
    identities = bundle.form.funding.parsed
    labels = {key: spec.label.removeprefix("其中：") for key, spec in bundle.form.funding.figures.items()}
    annual = bundle.form.role("annual")
    for project in bundle.projects:
        f, at = project.funding, project.source.at
        for identity in identities:
            yield from _identity(project, identity, labels)
        if annual is None or not project.items:
            continue
        items = sum((item.annual_amount.yuan for item in project.items), Decimal(0))
        if getattr(f, annual).yuan != items:
            yield diag("PD109", at("funding", annual), actual=show(getattr(f, annual)),
                       expected=figure(items, f.unit))


def _identity(project: Project, identity: Identity, labels: dict[str, str]) -> Iterator[Diagnostic]:
    f = project.funding
    parts = sum((sign * getattr(f, key).yuan for sign, key in identity.terms), Decimal(0))
    left = getattr(f, identity.left)
    if left.yuan == parts:
        return

    def terms(name: dict[str, str]) -> str:
        out = ""
        for i, (sign, key) in enumerate(identity.terms):
            op = ("" if i == 0 else " + ") if sign > 0 else (" - " if i else "-")
            out += f"{op}{name[key]} {show(getattr(f, key))}"
        return out

    yield diag("PD110", project.source.at("funding", identity.left), label=labels[identity.left], key=identity.left,
               actual=show(left), terms=terms(labels), terms_en=terms({k: k for k in labels}),
               expected=figure(parts, f.unit))


def check_tables(bundle: Bundle) -> Iterator[Diagnostic]:
    """Line items, multi-year plans, and both against their sub-item's budget."""
    for project in bundle.projects:
        for i, item in enumerate(project.items):
            if item.lines:
                yield from _lines(project, item, i)
            if item.schedule:
                yield from _schedule(project, item, i, bundle.declaration.year)


def _lines(project: Project, item: SubItem, i: int) -> Iterator[Diagnostic]:
    lines, at = item.lines, project.source.at
    for r, row in enumerate(lines.rows):
        expected = row.qty * row.price.yuan
        if expected != row.amount.yuan:
            yield diag("PD101", at("items", i, "lines", "rows", r, 3), name=row.name, qty=number_text(row.qty),
                       price=show(row.price), expected=figure(expected, row.amount.unit), actual=show(row.amount))
    rows = sum((row.amount.yuan for row in lines.rows), Decimal(0))
    if lines.total and lines.total.yuan != rows:
        yield diag("PD102", at("items", i, "lines", "total"), actual=show(lines.total),
                   expected=figure(rows, lines.unit))
    if rows not in (item.budget.yuan, item.annual_amount.yuan):
        annual = show(item.annual) if item.annual and item.annual.yuan != item.budget.yuan else ""
        yield diag("PD106", at("items", i, "budget"), lines=figure(rows, lines.unit), budget=show(item.budget),
                   annual=annual and f"，本年度 {annual}", annual_en=annual and f", this year {annual}")


def _schedule(project: Project, item: SubItem, i: int, year: int) -> Iterator[Diagnostic]:
    plan, at = item.schedule, project.source.at
    width = len(plan.years)
    for r, row in enumerate(plan.rows):
        years = sum((cell.yuan for cell in row.values), Decimal(0))
        if years != row.total.yuan:
            yield diag("PD103", at("items", i, "schedule", "rows", r, width + 1), name=row.name,
                       actual=show(row.total), expected=figure(years, plan.unit))
    columns = [sum((row.values[c].yuan for row in plan.rows), Decimal(0)) for c in range(width)]
    grand = sum((row.total.yuan for row in plan.rows), Decimal(0))
    if plan.total:
        for c, column in enumerate(columns):
            if plan.total.values[c].yuan != column:
                yield diag("PD104", at("items", i, "schedule", "total", c), year=plan.years[c],
                           actual=show(plan.total.values[c]), expected=figure(column, plan.unit))
        if plan.total.total.yuan != grand:
            yield diag("PD105", at("items", i, "schedule", "total", width), actual=show(plan.total.total),
                       expected=figure(grand, plan.unit))
    if grand != item.budget.yuan:
        yield diag("PD107", at("items", i, "budget"), plan=figure(grand, plan.unit), budget=show(item.budget))
    if year in plan.years and columns[plan.years.index(year)] != item.annual_amount.yuan:
        where = ("items", i, "annual") if item.annual else ("items", i, "budget")
        yield diag("PD108", at(*where), year=year, plan=figure(columns[plan.years.index(year)], plan.unit),
                   annual=show(item.annual_amount))


def check_places(bundle: Bundle) -> Iterator[Diagnostic]:
    """No amount carries more decimals than its unit allows."""
    for project in bundle.projects:
        for amount, path in amounts(project):
            unit = amount.unit or YUAN
            if amount.places > PLACES[unit]:
                yield diag("PD112", project.source.at(*path), value=show(amount), places=amount.places,
                           unit=unit, most=PLACES[unit])
