"""PD1xx: the figures must add up, exactly.

Every comparison is made in 元 with exact decimals (`Amount.yuan`), so
`0.588` in a 万元 table equals `5880元`. A finance reviewer recomputes each
line item, each table total, the sub-items against the project's funding and
the form's funding identities; any difference is an error, reported at the cell
that holds the figure and naming the figures compared.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

from pydantic import BaseModel

from ..diagnostics import Diagnostic, diag
from ..form import FieldSpec, Form, Identity, Tie, TotalsSpec
from ..load import Bundle, totals
from ..model import Lines, Project, Schedule, SubItem
from ..money import PLACES, WAN, YUAN, Amount, figure, number_text, show
from ..text import Text
from ..walks import all_indicators, amounts
from .check import emits


@emits("PD109", "PD110")
def check_funding(bundle: Bundle) -> Iterator[Diagnostic]:
    """The form's funding identities, and the annual request against the sub-items."""
    identities = bundle.form.funding.parsed
    labels = _figure_labels(bundle.form)
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


def _figure_labels(form: Form) -> dict[str, str]:
    """Each funding figure's label as a message names it: 财政资金 for 其中：财政资金."""
    return {key: spec.label.removeprefix("其中：") for key, spec in form.funding.figures.items()}


def _identity(project: Project, identity: Identity, labels: dict[str, str]) -> Iterator[Diagnostic]:
    f = project.funding
    parts = identity.right(lambda key: getattr(f, key).yuan)
    left = getattr(f, identity.left)
    if left.yuan == parts:
        return
    yield diag("PD110", project.source.at("funding", identity.left), key=identity.left,
               label=Text(labels[identity.left], identity.left), actual=show(left),
               terms=_terms(identity, labels, lambda key: show(getattr(f, key))), expected=figure(parts, f.unit))


def _terms(identity: Identity, labels: dict[str, str], shown: Callable[[str], str]) -> Text:
    """The right side of an identity with each figure: `数量 6 × 单价 0.098万元` (keys for labels in English)."""
    return Text(identity.written(lambda key: f"{labels[key]} {shown(key)}"),
                identity.written(lambda key: f"{key} {shown(key)}"))


# -- the tables a form declares arithmetic for (`totals:`, `identities:` of a table field) --------------------------

Cell = Amount | Decimal | None


@emits("PD115", "PD116", "PD117")
def check_form_tables(bundle: Bundle) -> Iterator[Diagnostic]:
    """Each form table's total rows add up the rows they total, each of its other rows keeps the identities,
    and its money columns agree with the funding figures it is tied to."""
    labels = _figure_labels(bundle.form)
    tables = [(key, spec, spec.parsed, spec.ties) for key, spec in bundle.form.fields.items()  # each read once
              if spec.totals or spec.identities or spec.funding]
    for project in bundle.projects:
        for key, spec, identities, ties in tables:
            rows = getattr(project, key) or []
            kinds = _row_kinds(spec.totals, rows)
            table = _Table(project, key, spec)
            if spec.totals:
                yield from table.totals(rows, kinds, spec.totals)
            for r, row in enumerate(rows):
                for identity in (identities if not kinds[r] else ()):
                    yield from table.identity(row, r, identity)
            for tie in ties:
                yield from table.tie(rows, kinds, tie, Text(labels[tie.figure], tie.figure))


def _row_kinds(totals: TotalsSpec | None, rows: list[BaseModel]) -> list[int]:
    """Each row's kind: 0 an ordinary row, 1 a subtotal, 2 a total (by its label column, spaces ignored)."""
    if totals is None:
        return [0] * len(rows)
    names = {**{_bare(n): 1 for n in totals.subtotals}, **{_bare(n): 2 for n in totals.rows}}
    return [names.get(_row_name(row, totals.label), 0) for row in rows]


def _row_name(row: BaseModel, label: str) -> str:
    """What a row's label column says, spaces ignored (合 计 is 合计)."""
    return _bare(str(getattr(row, label) or ""))


def _bare(text: str) -> str:
    return "".join(text.split())


def _covered(kinds: list[int], r: int, place: str) -> list[int]:
    """The ordinary rows the total (or subtotal) row `r` adds up: with `place` below, those above it back to
    the previous one of its kind or higher, and if there are none (a total at the head of its rows), those
    below it up to the next; with `place` above, the other way round."""
    for step in ((-1, 1) if place == "below" else (1, -1)):
        found, n = [], r + step
        while 0 <= n < len(kinds) and kinds[n] < kinds[r]:
            if kinds[n] == 0:
                found.append(n)
            n += step
        if found:
            return sorted(found)
    return []


class _Table:
    """One project's table of the form: its cells as values, in 元 for money, and its findings."""

    def __init__(self, project: Project, key: str, spec: FieldSpec) -> None:
        self.project, self.key, self.spec = project, key, spec
        self.unit = spec.unit or YUAN
        self.columns = spec.columns or {}
        self.label = Text(spec.label, key)

    def value(self, row: BaseModel, column: str) -> Decimal:
        cell: Cell = getattr(row, column)
        return cell.yuan if isinstance(cell, Amount) else cell or Decimal(0)

    def shown(self, column: str, value: Decimal) -> str:
        return figure(value, self.unit) if self.columns[column].type == "money" else number_text(value.normalize())

    def cell(self, row: BaseModel, column: str) -> str:
        cell: Cell = getattr(row, column)
        return show(cell) if isinstance(cell, Amount) else number_text(cell or Decimal(0))

    def totals(self, rows: list[BaseModel], kinds: list[int], totals: TotalsSpec) -> Iterator[Diagnostic]:
        columns = totals.columns or [k for k, c in self.columns.items() if c.type in ("money", "number")]
        for r, row in enumerate(rows):
            covered = _covered(kinds, r, totals.place) if kinds[r] else []
            for column in columns if covered else ():
                if getattr(row, column) is None:
                    continue  # a total cell left empty states nothing
                expected = sum((self.value(rows[n], column) for n in covered), Decimal(0))
                if self.value(row, column) != expected:
                    span = f"{covered[0] + 1}–{covered[-1] + 1}" if len(covered) > 1 else f"{covered[0] + 1}"
                    yield diag("PD115", self.project.source.at(self.key, r, column), table=self.label,
                               row=getattr(row, totals.label), column=Text(self.columns[column].label, column),
                               actual=self.cell(row, column), expected=self.shown(column, expected),
                               rows=Text(f"第 {span} 行", f"rows {span}" if len(covered) > 1 else f"row {span}"))

    def identity(self, row: BaseModel, r: int, identity: Identity) -> Iterator[Diagnostic]:
        keys = (identity.left, *(key for _, key in identity.terms))
        if any(getattr(row, key) is None for key in keys):
            return  # a row that leaves a cell of it empty states nothing
        expected = identity.right(lambda key: self.value(row, key))
        if self.value(row, identity.left) != expected:
            labels = {key: column.label for key, column in self.columns.items()}
            yield diag("PD116", self.project.source.at(self.key, r, identity.left), table=self.label, n=r + 1,
                       column=Text(labels[identity.left], identity.left), actual=self.cell(row, identity.left),
                       terms=_terms(identity, labels, lambda key: self.cell(row, key)),
                       expected=self.shown(identity.left, expected))

    def tie(self, rows: list[BaseModel], kinds: list[int], tie: Tie, label: Text) -> Iterator[Diagnostic]:
        """The cells a tie states against its figure: those of the rows it names, or of the total rows; with no
        total cell written, the sum of the ordinary rows, reported at the table."""
        stated: Amount = getattr(self.project.funding, tie.figure)
        column = self.columns[tie.column].label
        name = self.spec.totals.label if self.spec.totals else ""
        picked = [r for r, row in enumerate(rows) if getattr(row, tie.column) is not None
                  and (kinds[r] == 2 if tie.row is None else _row_name(row, name) == _bare(tie.row))]
        found = []
        for r in picked:
            if self.value(rows[r], tie.column) != stated.yuan:
                row = getattr(rows[r], name)
                found.append((self.project.source.at(self.key, r, tie.column), self.cell(rows[r], tie.column),
                               Text(f"“{row}”行的{column}", f"the '{row}' row's {tie.column}")))
        ordinary = [row for row, kind in zip(rows, kinds) if not kind and getattr(row, tie.column) is not None]
        if tie.row is None and not picked and ordinary:
            total = sum((self.value(row, tie.column) for row in ordinary), Decimal(0))
            if total != stated.yuan:
                found.append((self.project.source.key_at(self.key), figure(total, self.unit),
                              Text(f"{column}各行之和", f"the sum of the {tie.column} column")))
        for pos, actual, cell in found:
            yield diag("PD117", pos, table=self.label, cell=cell, actual=actual, figure=label, expected=show(stated))


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
            added = sum(written, Decimal(0))
            if written and added != total:
                yield diag("PD114", project.source.key_at("indicators"), label=label,
                           actual=number_text(added), expected=number_text(total))


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
