"""Walks over a project: its amounts and texts, each with its YAML path.

The rules look at every figure or every text of a project the same way
(a unit check, a stray year, a placeholder); `diff` and the reviewer rules ask
whether a value was written in the file or came from a default.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .diagnostics import Position
from .form import slots, text_slots
from .model import SECTIONS, Indicator, Project, SubItem
from .money import Amount


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
        for r, plan_row in enumerate(item.schedule.rows):
            for c, cell in enumerate((*plan_row.values, plan_row.total), start=1):
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
    for owner, name, path in slots(project, Amount):  # the form's money fields
        yield getattr(owner, name), path


def written(project: Project, *path: object) -> bool:
    """Whether the project's file itself holds a value at `path` (not inherited or defaulted)."""
    return tuple(path) in project.source.values


def indicator_at(project: Project, path: tuple) -> Position:
    """Position of a 三级指标's value, written as `name: value` or `name: {value: …}`."""
    return project.source.at(*path, "value") if written(project, *path, "value") else project.source.at(*path)


def all_indicators(project: Project) -> Iterator[tuple[tuple, Indicator]]:
    """Each indicator of the project with its YAML path."""
    for first, seconds in project.indicators.items():
        for second, thirds in seconds.items():
            for third, indicator in thirds.items():
                yield ("indicators", first, second, third), indicator


def item_texts(item: SubItem, i: int, skip: tuple[str, ...] = ()) -> Iterator[tuple[tuple, str]]:
    """A sub-item's written sections (1、项目概述 … 7、绩效目标), with their paths."""
    for name in SECTIONS:
        text = getattr(item, name)
        if text and name not in skip:
            yield ("items", i, name), text


def project_texts(project: Project) -> Iterator[tuple[tuple, str]]:
    """The project's own texts: its name, the 项目总目标 / 年度总目标 and its form's texts."""
    yield ("name",), project.name
    yield from goals(project)
    yield from form_texts(project)


def goals(project: Project) -> Iterator[tuple[tuple, str]]:
    """The 项目总目标 and 年度总目标 the project has (a form may lack either)."""
    for part in ("total", "annual"):
        text = getattr(project.goals, part)
        if text is not None:
            yield ("goals", part), text


def planned(project: Project) -> tuple[dt.date, dt.date] | None:
    """The project's planned start and end; None when one is missing (its form has no period)."""
    return (project.start, project.end) if project.start is not None and project.end is not None else None


def form_texts(project: Project) -> Iterator[tuple[tuple, str]]:
    """The texts of the project's form fields, in groups and table rows too, with their paths."""
    for owner, name, path in text_slots(project):
        yield path, getattr(owner, name)


def strings(project: Project) -> Iterator[tuple[tuple, str, bool]]:
    """Every text written in a project file: (path, text, is_key)."""
    for name in ("name", "department", "unit"):
        if written(project, name) and isinstance(getattr(project, name), str):
            yield (name,), getattr(project, name), False
    for path, text in form_texts(project):
        yield path, text, False
    for path, text in goals(project):
        yield path, text, False
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
