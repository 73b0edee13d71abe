"""PD420-PD424: the declaration against last year's (`bundle.previous`, read by the loader).

Projects are matched by name (then by a similar name), indicators and
sub-items likewise within a matched project: a target made easier, an
indicator dropped, a text copied with last year's year, an amount and line
items of which only one changed.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator

from ..diagnostics import Diagnostic, Position, diag
from ..load import Bundle
from ..match import easier, pair, paired_indicators
from ..model import SECTIONS, Project
from ..money import show
from ..text import Text
from ..walks import indicator_at
from .check import emits


def _pairs(bundle: Bundle) -> Iterator[tuple[Project, Project]]:
    """(this year's project, last year's) for each project declared in both."""
    if bundle.previous is None:
        return
    now, then = bundle.projects, bundle.previous.projects
    for i, j in pair([p.name for p in then], [p.name for p in now]):
        if i is not None and j is not None:
            yield now[j], then[i]


@emits("PD420")
def check_readable(bundle: Bundle) -> Iterator[Diagnostic]:
    """Last year's declaration, when one is named, could be read."""
    if bundle.previous_problem is None:
        return
    spec, why = bundle.previous_problem
    source = bundle.declaration.source
    where = Position(source.display, 1, 1) if bundle.previous_given else source.at("previous")
    yield diag("PD420", where, spec=spec, why=why)


@emits("PD421", "PD422")
def check_targets(bundle: Bundle) -> Iterator[Diagnostic]:
    """Targets made easier than last year's, and last year's indicators dropped."""
    for project, last in _pairs(bundle):
        for before, after in paired_indicators(last, project):
            if after is None:
                (first, second, name), value = before  # type: ignore[misc]
                yield diag("PD422", project.source.key_at("indicators"), name=name, first=first, second=second,
                           value=value.text)
            elif before is not None and easier(before[1], after[1], after[0][1]):
                path = ("indicators", *after[0])
                yield diag("PD421", indicator_at(project, path), name=after[0][2], old=before[1].text,
                           new=after[1].text)


_YEAR = r"(?<![\d.]){year}(?![\d.])"


@emits("PD423")
def check_copied(bundle: Bundle) -> Iterator[Diagnostic]:
    """Texts identical to last year's that still name last year."""
    if bundle.previous is None:
        return
    year = str(bundle.previous.declaration.year)
    if year == str(bundle.declaration.year):
        return
    for project, last in _pairs(bundle):
        texts: list[tuple[tuple[object, ...], str | None, str | None]] = [
            (("goals", "total"), project.goals.total, last.goals.total),
            (("goals", "annual"), project.goals.annual, last.goals.annual)]
        for i, j in pair([item.title for item in last.items], [item.title for item in project.items]):
            if i is not None and j is not None:
                texts += [(("items", j, name), getattr(project.items[j], name), getattr(last.items[i], name))
                          for name in SECTIONS]
        for path, now, then in texts:
            if not now or not then or "".join(now.split()) != "".join(then.split()):
                continue
            m = re.search(_YEAR.format(year=year), now)
            if m:
                yield diag("PD423", project.source.locate(path, now, m.start(), m.end()), year=year)


@emits("PD424")
def check_amounts(bundle: Bundle) -> Iterator[Diagnostic]:
    """The annual amount and the line items change together."""
    annual_key = bundle.form.role("annual")
    if annual_key is None or bundle.previous is None or bundle.previous.form.role("annual") != annual_key:
        return
    for project, last in _pairs(bundle):
        rows_now, rows_then = _rows(project), _rows(last)
        if not rows_now or not rows_then:
            continue
        now, then = getattr(project.funding, annual_key), getattr(last.funding, annual_key)
        same_amount, same_rows = now.yuan == then.yuan, rows_now == rows_then
        if same_amount == same_rows:
            continue
        what = (Text(f"年度资金与上年相同（{show(now)}），明细却变了", f"the annual amount is last year's ({show(now)}), "
                     "yet the line items changed") if same_amount else
                Text(f"明细与上年相同，年度资金却从 {show(then)} 变为 {show(now)}",
                     f"the line items are last year's, yet the annual amount went from {show(then)} to {show(now)}"))
        yield diag("PD424", project.source.at("funding", annual_key), what=what)


def _rows(project: Project) -> Counter[tuple[str, object, object, object]]:
    """Every line item of the project: name, quantity, unit price and amount in 元."""
    return Counter((row.name.strip(), row.qty, row.price.yuan, row.amount.yuan)
                   for item in project.items if item.lines for row in item.lines.rows)
