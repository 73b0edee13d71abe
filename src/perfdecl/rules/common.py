"""Helpers shared by the rule families (no rules here).

Where a figure or a phrase stands in the source, how a figure is printed in a
message, walks over a project's amounts and texts with their YAML paths, and
the declaration's indicator framework.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic, Position, diag
from ..frameworks import Framework, from_file, get as builtin_framework, is_path, names as framework_names
from ..load import Bundle, display
from ..model import SECTIONS, Project, SubItem
from ..money import SCALE, YUAN, Amount, number_text

_HAS_UNIT = re.compile(r"[元万]\s*$")


# -- figures in messages ---------------------------------------------------------------------------

def show(amount: Amount) -> str:
    """An amount as written, with its unit if the text has none (`0.098` → `0.098万元`)."""
    return amount.text if _HAS_UNIT.search(amount.text) else f"{amount.text}{amount.unit or YUAN}"


def figure(yuan: Decimal, unit: str) -> str:
    """A computed value in 元, printed in `unit` without needless zeros: `113700元`, `11.37万元`."""
    value = yuan / SCALE[unit]
    text = number_text(value.normalize()) if value else "0"
    return f"{text}{unit}"


def month(day: dt.date) -> int:
    """A date's month as one number, for comparing periods month by month."""
    return day.year * 12 + day.month - 1


def ym(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


# -- positions inside texts ------------------------------------------------------------------------

def locate(source, path: tuple, text: str, start: int, end: int) -> Position:
    """The line:col in the file of `text[start:end]`, where `text` is the value at `path`.

    The value's lines run from its position (a block scalar's indicator line)
    to the next line indented at or left of its key. We look there for the
    same occurrence of the matched words as in the text; a space between
    words may stand for a line break and indentation, as YAML folds `>`
    texts and multi-line plain and quoted ones. A text changed by `{{ }}`
    may not be found: then the value's position is the answer.
    """
    base = source.at(*path)
    words = text[start:end].split()
    if not words or not 0 < base.line <= len(source.lines):
        return base
    pattern = re.compile(r"\s+".join(map(re.escape, words)))
    nth = len(pattern.findall(text, 0, start))
    first = base.line - 1
    lines = [source.lines[first][base.col - 1:], *source.lines[first + 1:_value_end(source, path, first)]]
    found = list(pattern.finditer("\n".join(lines)))
    if not found:
        return base
    offset = found[min(nth, len(found) - 1)].start()
    for index, line in enumerate(lines):
        if offset <= len(line):
            return Position(base.path, first + index + 1, offset + 1 + (base.col - 1 if index == 0 else 0))
        offset -= len(line) + 1
    return base


def _value_end(source, path: tuple, first: int) -> int:
    """The index of the line after the value that starts on line index `first`.

    A value's continuation lines are indented right of its key (of its line,
    for a list item); blank lines may lie between them.
    """
    key = source.keys.get(tuple(path))
    line = source.lines[first]
    indent = key[1] - 1 if key else len(line) - len(line.lstrip(" "))
    for index in range(first + 1, len(source.lines)):
        line = source.lines[index]
        if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
            return index
    return len(source.lines)


def key_text_at(source, path: tuple, key: str, start: int, end: int) -> Position:
    """Position of `key[start:end]` in the key at `path` (keys sit on one line)."""
    pos = source.key_at(*path)
    line = source.lines[pos.line - 1] if 0 < pos.line <= len(source.lines) else ""
    col = line.find(key[start:end], pos.col - 1)
    return Position(pos.path, pos.line, col + 1) if col >= 0 else pos


# -- walks -----------------------------------------------------------------------------------------

def item_amounts(item: SubItem, i: int) -> Iterator[tuple[Amount, tuple]]:
    """Every amount of a sub-item with its YAML path."""
    yield item.budget, ("items", i, "budget")
    if item.annual:
        yield item.annual, ("items", i, "annual")
    if item.lines:
        for r, row in enumerate(item.lines.rows):
            yield row.price, ("items", i, "lines", "rows", r, 2)
            yield row.amount, ("items", i, "lines", "rows", r, 3)
        if item.lines.total:
            yield item.lines.total, ("items", i, "lines", "total")
    if item.schedule:
        for r, row in enumerate(item.schedule.rows):
            for c, cell in enumerate((*row.values, row.total), start=1):
                yield cell, ("items", i, "schedule", "rows", r, c)
        if item.schedule.total:
            for c, cell in enumerate((*item.schedule.total.values, item.schedule.total.total)):
                yield cell, ("items", i, "schedule", "total", c)


def amounts(project: Project) -> Iterator[tuple[Amount, tuple]]:
    """Every amount of a project with its YAML path."""
    for name in type(project.funding).model_fields:
        if name != "unit":
            yield getattr(project.funding, name), ("funding", name)
    for i, item in enumerate(project.items):
        yield from item_amounts(item, i)


def written(project: Project, *path: object) -> bool:
    """Whether the project's file itself holds a value at `path` (not inherited or defaulted)."""
    return tuple(path) in project.source.values


def indicator_at(project: Project, path: tuple) -> Position:
    """Position of a 三级指标's value, written as `name: value` or `name: {value: …}`."""
    return project.source.at(*path, "value") if written(project, *path, "value") else project.source.at(*path)


def item_texts(item: SubItem, i: int, skip: tuple[str, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """A sub-item's written sections (1、项目概述 … 7、绩效目标), with their paths."""
    for name in SECTIONS:
        text = getattr(item, name)
        if text and name not in skip:
            yield ("items", i, name), text


def project_texts(project: Project) -> Iterator[tuple[tuple, str]]:
    """The project's own texts: its name and the 项目总目标 / 年度总目标."""
    yield ("name",), project.name
    yield ("goals", "total"), project.goals.total
    yield ("goals", "annual"), project.goals.annual


def strings(project: Project) -> Iterator[tuple[tuple, str, bool]]:
    """Every text written in a project file: (path, text, is_key)."""
    for name in ("name", "department", "unit", *project.form.fields):
        if written(project, name) and isinstance(getattr(project, name), str):
            yield (name,), getattr(project, name), False
    yield ("goals", "total"), project.goals.total, False
    yield ("goals", "annual"), project.goals.annual, False
    for i, item in enumerate(project.items):
        yield ("items", i, "title"), item.title, False
        for path, text in item_texts(item, i):
            yield path, text, False
        for kind in ("lines", "schedule"):
            table = getattr(item, kind)
            if table is None:
                continue
            for c, cell in enumerate(table.header or ()):
                yield ("items", i, kind, "header", c), cell, False
            for r, row in enumerate(table.rows):
                yield ("items", i, kind, "rows", r, 0), row.name, False
            if table.total_label:
                yield ("items", i, kind, "total_label"), table.total_label, False
    for first, seconds in project.indicators.items():
        yield ("indicators", first), first, True
        for second, thirds in seconds.items():
            yield ("indicators", first, second), second, True
            for third, indicator in thirds.items():
                path = ("indicators", first, second, third)
                yield path, third, True
                value_path = (*path, "value") if written(project, *path, "value") else path
                yield value_path, indicator.value.text, False


# -- the declaration's framework ----------------------------------------------------------------

def declared_framework(bundle: Bundle) -> tuple[Framework | None, list[Diagnostic]]:
    """The declaration's indicator framework, or None and why: built-in by name, or a file in the folder."""
    decl = bundle.declaration
    name, where = decl.framework, decl.source.at("framework")
    if not is_path(name):
        frame = builtin_framework(name)
        return frame, [] if frame else [diag("PD301", where, name=name, known="、".join(framework_names()))]
    root = bundle.folder.resolve()
    try:
        path = (root / name).resolve()
        inside, found = path.is_relative_to(root), path.is_file()
    except (OSError, RuntimeError, ValueError):
        inside, found = True, False
    if not (inside and found):
        why = ("应在申报文件夹内", "must lie inside the declaration folder") if not inside else ("找不到该文件", "not found")
        return None, [diag("PD310", where, file=name, why=why[0], why_en=why[1])]
    frame, problems = from_file(path, display(path))
    return frame, list(problems)
