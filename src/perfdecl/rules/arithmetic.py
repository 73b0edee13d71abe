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
from ..form import Identity
from ..load import Bundle, totals
from ..model import Lines, Project, Schedule, SubItem
from ..money import PLACES, WAN, YUAN, figure, number_text, show
from ..text import Text
from ..walks import all_indicators, amounts
from .check import emits


@emits("PD109", "PD110")
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

    yield diag("PD110", project.source.at("funding", identity.left), key=identity.left,
               label=Text(labels[identity.left], identity.left), actual=show(left),
               terms=Text(terms(labels), terms({k: k for k in labels})), expected=figure(parts, f.unit))


@emits("PD113")
def check_summary(bundle: Bundle) -> Iterator[Diagnostic]:
    """A stated 绩效目标设置情况 is not below what the folder holds."""
    stated, sums = bundle.declaration.summary, totals(bundle)
    at = bundle.declaration.source.at
    if stated and stated.projects is not None and stated.projects < sums.counted:
        yield diag("PD113", at("summary", "projects"), what=Text("项目个数", "the number of projects"),
                   stated=stated.projects, counted=sums.counted)
    if stated and stated.amount is not None and stated.amount.yuan < sums.computed.yuan:
        yield diag("PD113", at("summary", "amount"), what=Text("项目预算资金", "the budget"),
                   stated=show(stated.amount), counted=figure(sums.computed.yuan, WAN))


@emits("PD114")
def check_column_totals(bundle: Bundle) -> Iterator[Diagnostic]:
    """Each indicator column the form gives a `total` adds up to it over a project's indicators."""
    columns = [(key, spec.label, spec.total) for key, spec in bundle.form.indicator_columns.items()
               if spec.total is not None]
    for project in bundle.projects:
        for key, label, total in columns:
            written = [value for _, indicator in all_indicators(project)
                       if (value := getattr(indicator, key)) is not None]
            if written and sum(written, Decimal(0)) != total:
                yield diag("PD114", project.source.key_at("indicators"), label=label,
                           actual=number_text(sum(written, Decimal(0))), expected=number_text(total))


@emits("PD101", "PD102", "PD103", "PD104", "PD105", "PD106", "PD107", "PD108")
def check_tables(bundle: Bundle) -> Iterator[Diagnostic]:
    """Line items, multi-year plans, and both against their sub-item's budget."""
    for project in bundle.projects:
        for i, item in enumerate(project.items):
            if item.lines:
                yield from _lines(project, item, item.lines, i)
            if item.schedule:
                yield from _schedule(project, item, item.schedule, i, bundle.declaration.year)


def _lines(project: Project, item: SubItem, lines: Lines, i: int) -> Iterator[Diagnostic]:
    at = project.source.at
    for r, row in enumerate(lines.rows):
        expected = row.qty * row.price.yuan
        if expected != row.amount.yuan:
            yield diag("PD101", at("items", i, "lines", "rows", r, 3), name=row.name, qty=number_text(row.qty),
                       price=show(row.price), expected=figure(expected, row.amount.unit or lines.unit),
                       actual=show(row.amount))
    rows = sum((row.amount.yuan for row in lines.rows), Decimal(0))
    if lines.total and lines.total.yuan != rows:
        yield diag("PD102", at("items", i, "lines", "total"), actual=show(lines.total),
                   expected=figure(rows, lines.unit))
    if rows not in (item.budget.yuan, item.annual_amount.yuan):
        annual = show(item.annual) if item.annual and item.annual.yuan != item.budget.yuan else ""
        yield diag("PD106", at("items", i, "budget"), lines=figure(rows, lines.unit), budget=show(item.budget),
                   annual=Text(f"，本年度 {annual}", f", this year {annual}") if annual else "")


def _schedule(project: Project, item: SubItem, plan: Schedule, i: int, year: int) -> Iterator[Diagnostic]:
    at = project.source.at
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


@emits("PD112")
def check_places(bundle: Bundle) -> Iterator[Diagnostic]:
    """No amount carries more decimals than its unit allows."""
    for project in bundle.projects:
        for amount, path in amounts(project):
            unit = amount.unit or YUAN
            if amount.places > PLACES[unit]:
                yield diag("PD112", project.source.at(*path), value=show(amount), places=amount.places,
                           unit=unit, most=PLACES[unit])
