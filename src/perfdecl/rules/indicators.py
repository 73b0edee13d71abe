"""PD3xx: the 绩效指标 table against the declaration's indicator framework.

The framework (`framework:` in declaration.yaml: a built-in one in
perfdecl/frameworks, or a file inside the declaration folder) says which
一级指标 exist, which 二级指标 belong under each, which 一级 are required and
which 二级 want figures. Values are checked for form, and a value
linked to a line item (`link: 制作宣传单.qty`) is checked against that line.
"""
from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic, diag
from ..frameworks import Framework
from ..load import Bundle, declared_framework
from ..model import Indicator, LineRow, Project
from ..money import SCALE, WAN, YUAN, number_text, show
from ..text import Text, did_you_mean, listing
from ..values import parse_value
from ..walks import all_indicators, indicator_at
from .check import emits

_PARTS = {"qty": Text("数量", "quantity"), "price": Text("单价", "unit price"), "amount": Text("资金需求", "amount")}
_NONE = Text("", "")


@emits("PD301", "PD302", "PD303", "PD304", "PD310")
def check_framework(bundle: Bundle) -> Iterator[Diagnostic]:
    """The framework exists; 一级/二级 names are its own; the required 一级 are present."""
    frame, problems = declared_framework(bundle)
    yield from problems
    if frame is None:
        return
    for project in bundle.projects:
        yield from _levels(project, frame)


def _levels(project: Project, frame: Framework) -> Iterator[Diagnostic]:
    key_at = project.source.key_at
    for first, seconds in project.indicators.items():
        if first not in frame.levels:
            suggest = did_you_mean(first, frame.levels)
            home = frame.parent_of(first)
            if home and suggest == _NONE:
                suggest = Text(f"；它是“{home}”下的二级指标", f"; it is a second level under '{home}'")
            yield diag("PD302", key_at("indicators", first), name=first, framework=frame.name,
                       allowed=listing(frame.levels), suggest=suggest)
            continue
        allowed = frame.levels[first]
        for second in seconds:
            if second not in allowed:
                yield diag("PD303", key_at("indicators", first, second), name=second, first=first,
                           **_second_advice(frame, first, second))
    for first in frame.required:
        seconds = project.indicators.get(first) or {}
        if not any(seconds.values()):  # absent, or no 三级指标 under it (满意度指标: {})
            where = key_at("indicators", first) if first in project.indicators else key_at("indicators")
            yield diag("PD304", where, name=first, framework=frame.name)


def _second_advice(frame: Framework, first: str, second: str) -> dict[str, Text]:
    """PD303's suggestion and hint: a close name, the 一级 it belongs under, or moving it up a level."""
    allowed = frame.levels[first]
    if second in frame.levels:  # 成本指标 under 产出指标, in a framework where it is a 一级指标
        below = frame.levels[second]
        return {"suggest": Text(f"；在指标体系 {frame.name} 中它是一级指标",
                                f"; in framework {frame.name} it is a first-level indicator"),
                "advice": Text(f"将“{second}”移到第一级（与“{first}”并列），其下的三级指标分别归入二级指标："
                               f"{'、'.join(below)}",
                               f"move '{second}' up to the first level (beside '{first}') and sort its indicators "
                               f"into its second levels: {', '.join(below)}")}
    home = frame.parent_of(second)
    suggest = did_you_mean(second, allowed)
    if home and suggest == _NONE:
        suggest = Text(f"，它属于“{home}”", f"; it belongs under '{home}'")
    return {"suggest": suggest, "advice": Text("“{first}”下可用：{allowed}", "under '{first}': {allowed}")
            .fill(first=first, allowed=listing(allowed))}


@emits("PD305", "PD306", "PD307")
def check_values(bundle: Bundle) -> Iterator[Diagnostic]:
    """Values have a number after an operator; quantitative 二级 hold figures; names are unique."""
    frame, _ = declared_framework(bundle)
    quantitative = frame.quantitative if frame else frozenset()
    for project in bundle.projects:
        seen: dict[str, int] = {}
        for path, indicator in all_indicators(project):
            value = indicator.value
            where = indicator_at(project, path)
            if value.op and value.number is None:
                yield diag("PD305", where, value=value.text)
            elif path[2] in quantitative and not value.quantitative:
                figure = parse_value("=" + value.text.strip())
                if figure.number is None:
                    yield diag("PD306", where, second=path[2], value=value.text, advice="")
                elif frame is not None and frame.operator:  # 985米: a figure without its operator
                    written = f"={number_text(figure.number)} {figure.unit}"
                    yield diag("PD306", where, second=path[2], value=value.text,
                               advice=Text(f"：写作 {written}", f": write {written}"))
            name_pos = project.source.key_at(*path)
            if path[-1] in seen:
                yield diag("PD307", name_pos, name=path[-1], first=seen[path[-1]])
            else:
                seen[path[-1]] = name_pos.line


@emits("PD308", "PD309")
def check_links(bundle: Bundle) -> Iterator[Diagnostic]:
    """Each `link:` names one line item, and the value holds for it."""
    for project in bundle.projects:
        rows: _Rows = {}
        for lines in (item.lines for item in project.items if item.lines):
            for row in lines.rows:
                rows.setdefault(row.name.strip(), []).append((row, lines.unit))
        for path, indicator in all_indicators(project):
            if indicator.link:
                yield from _link(project, path, indicator, indicator.link, rows)


_Rows = dict[str, list[tuple[LineRow, str]]]  # the project's line items by name, with their table's unit


def _link(project: Project, path: tuple[object, ...], indicator: Indicator, link: str,
          rows: _Rows) -> Iterator[Diagnostic]:
    name, _, part = link.strip().rpartition(".")
    found = rows.get(name.strip(), [])
    where = project.source.at(*path, "link")
    if part not in _PARTS or not name:
        yield diag("PD308", where, link=link,
                   why=Text("应写作 <项目组成>.qty、.price 或 .amount", "write <line name>.qty, .price or .amount"))
    elif not found:
        why = Text(f"：本项目的明细表中没有“{name}”", f"no line item '{name}' in this project")
        yield diag("PD308", where, link=link, why=why + did_you_mean(name, rows))
    elif len(found) > 1:
        yield diag("PD308", where, link=link,
                   why=Text(f"：明细表中有 {len(found)} 行名为“{name}”，无法确定", f"{len(found)} line items are named '{name}'"))
    else:
        row, table_unit = found[0]
        value = indicator.value
        if part == "qty":
            actual, shown = row.qty, number_text(row.qty)
        else:
            amount = getattr(row, part)
            unit = WAN if value.unit.startswith("万") else YUAN if value.unit.startswith("元") else table_unit
            actual, shown = amount.yuan / SCALE[unit], show(amount)
        if not value.holds_for(Decimal(actual)):
            yield diag("PD309", indicator_at(project, path), value=value.text, line=row.name, what=_PARTS[part],
                       actual=shown)

