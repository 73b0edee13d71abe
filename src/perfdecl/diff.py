"""What changed between two versions of a declaration, in the declaration's own terms.

`changes(old, new)` lists projects added, removed and renamed; every money
figure changed (old → new, difference, percent, in 元 and 万元); the form's
other fields; sub-items, line items and multi-year plan rows; indicators added,
removed and changed, a target made easier marked 下调; texts changed, with a
short word-level excerpt. `human`, `markdown` and `as_json` print them.
"""
from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal

import click
from pydantic import BaseModel

from .form import form_of
from .load import Bundle
from .match import easier, pair, paired_indicators
from .model import SECTIONS, LineRow, Project, Schedule, SubItem
from .money import SCALE, WAN, YUAN, Amount, number_text, show
from .text import Text
from .walks import written

ADDED, REMOVED, RENAMED, CHANGED = "added", "removed", "renamed", "changed"
LOWERED = Text("下调", "lowered")
_KIND = {ADDED: Text("新增", "added"), REMOVED: Text("删除", "removed"), RENAMED: Text("改名", "renamed"),
         CHANGED: Text("修改", "changed")}
_SECTION_LABELS = dict(zip(SECTIONS, ("项目概述", "立项依据", "实施主体", "实施方案", "实施周期", "年度预算安排", "绩效目标")))
_EN_PUNCTUATION = str.maketrans({"（": " (", "）": ")", "，": ", "})
SHORT = 30  # a text this long at most, on one line, is shown whole, old → new
EXCERPT = 24  # characters of context around a changed text's first difference
MAX_TOKENS = 4000  # texts longer than this (in words) are reported changed without an excerpt
MAX_WORK = 1_000_000  # nor when the words compared (all but those they start and end with) are more in product


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: where (labels from the project down), what, old and new, how much."""

    kind: str  # added / removed / renamed / changed
    what: str  # project / field / figure / item / line / plan / indicator / text
    where: tuple[str, ...]
    old: str | None = None
    new: str | None = None
    detail: str = ""
    lowered: bool = False


# -- comparing -------------------------------------------------------------------------------------------

def changes(old: Bundle, new: Bundle) -> list[Change]:
    """Every difference between two loaded declarations, project by project in the new order."""
    found = list(_declaration(old, new))
    before, after = old.projects, new.projects
    for i, j in pair([p.name for p in before], [p.name for p in after]):
        if i is None:
            found.append(Change(ADDED, "project", (after[j].name,), new=after[j].name))  # type: ignore[index]
        elif j is None:
            found.append(Change(REMOVED, "project", (before[i].name,), old=before[i].name))
        else:
            found += _project(before[i], after[j])
    return found


def _declaration(old: Bundle, new: Bundle) -> Iterator[Change]:
    """declaration.yaml's own values (its list of project files aside: the projects are compared)."""
    fields = type(new.declaration).model_fields
    for key, info in fields.items():
        if key != "projects" and key in type(old.declaration).model_fields:
            label = (info.description or key).split("：")[0].split("（")[0]
            yield from _value(("declaration.yaml", label), getattr(old.declaration, key),
                              getattr(new.declaration, key))


def _project(old: Project, new: Project) -> Iterator[Change]:
    where = (new.name,)
    if old.name != new.name:
        yield Change(RENAMED, "project", where, old.name, new.name)
    for key, label in (("department", "主管部门"), ("unit", "实施单位"), ("start", "计划开始日期"), ("end", "计划完成日期")):
        if key in ("start", "end") or written(old, key) or written(new, key):  # else the declaration's
            yield from _value(where + (label,), getattr(old, key), getattr(new, key))
    new_form, old_figures = type(new).form, {f.key: f for f in type(old).form.figures_of(old)}
    for figure in new_form.figures_of(new):
        before = old_figures.get(figure.key)
        if before is not None:
            yield from _money(where + (figure.label,), before.value, figure.value)
    old_fields = {key: value for key, _, value in type(old).form.fields_of(old)}
    for key, spec, value in new_form.fields_of(new):
        if key not in old_fields:
            continue
        before = old_fields[key]
        if spec.type == "group" and isinstance(before, BaseModel) and isinstance(value, BaseModel):
            for column, part in (spec.columns or {}).items():
                a, b = getattr(before, column, None), getattr(value, column, None)
                if isinstance(a, str) and isinstance(b, str):
                    a, b = _written_text(old, (key, column)), _written_text(new, (key, column))
                yield from _value(where + (spec.label, part.label), a, b)
        else:
            yield from _value(where + (spec.label,), before, value)
    for key, label in (("total", "项目总目标"), ("annual", "年度总目标")):
        yield from _text(where + (label,), _written_text(old, ("goals", key)), _written_text(new, ("goals", key)))
    yield from _items(where, old, new)
    yield from _indicators(where, old, new)


def _written_text(project: Project, path: tuple) -> str:
    """A text as its file has it: `{{ budget }}` stays `{{ budget }}`, so a changed figure is one change."""
    text = project.source.templates.get(path)
    if text is None:
        owner: object = project
        for part in path:
            owner = owner[part] if isinstance(part, int) else getattr(owner, part, None)  # type: ignore[index]
        text = owner if isinstance(owner, str) else ""
    return text


def _items(where: tuple[str, ...], old_project: Project, new_project: Project) -> Iterator[Change]:
    old, new = old_project.items, new_project.items
    for i, j in pair([item.title for item in old], [item.title for item in new]):
        if i is None:
            yield Change(ADDED, "item", where + (new[j].title,), new=str(new[j].budget))  # type: ignore[index]
            continue
        if j is None:
            yield Change(REMOVED, "item", where + (old[i].title,), old=str(old[i].budget))
            continue
        a, b = old[i], new[j]
        here = where + (b.title,)
        if a.title != b.title:
            yield Change(RENAMED, "item", here, a.title, b.title)
        yield from _money(here + ("预算资金",), a.budget, b.budget)
        if a.annual is not None or b.annual is not None:  # else it is the budget, already compared
            yield from _money(here + ("本年度预算资金",), a.annual_amount, b.annual_amount)
        yield from _value(here + ("实施周期开始",), a.start, b.start)
        yield from _value(here + ("实施周期结束",), a.end, b.end)
        for name in SECTIONS:
            yield from _text(here + (_SECTION_LABELS[name],), _written_text(old_project, ("items", i, name)),
                             _written_text(new_project, ("items", j, name)))
        yield from _lines(here, a.lines.rows if a.lines else [], b.lines.rows if b.lines else [])
        if a.lines and b.lines and a.lines.total and b.lines.total:
            yield from _money(here + ("合计",), a.lines.total, b.lines.total)
        yield from _plan(here, a.schedule, b.schedule)


def _lines(where: tuple[str, ...], old: Sequence[LineRow], new: Sequence[LineRow]) -> Iterator[Change]:
    for i, j in pair([r.name for r in old], [r.name for r in new]):
        if i is None:
            row = new[j]  # type: ignore[index]
            yield Change(ADDED, "line", where + (row.name,), new=_row_text(row))
        elif j is None:
            yield Change(REMOVED, "line", where + (old[i].name,), old=_row_text(old[i]))
        else:
            a, b = old[i], new[j]
            here = where + (b.name,)
            if a.name != b.name:
                yield Change(RENAMED, "line", here, a.name, b.name)
            if a.qty != b.qty:
                yield Change(CHANGED, "line", here + ("数量",), number_text(a.qty), number_text(b.qty),
                             _difference(a.qty, b.qty, ""))
            yield from _money(here + ("单价",), a.price, b.price)
            yield from _money(here + ("资金需求",), a.amount, b.amount)


def _row_text(row: LineRow) -> str:
    return f"{number_text(row.qty)} × {show(row.price)} = {show(row.amount)}"


def _plan(where: tuple[str, ...], old: Schedule | None, new: Schedule | None) -> Iterator[Change]:
    if old is None and new is None:
        return
    here = where + ("多年度计划",)
    if old is None or new is None:
        yield Change(ADDED if old is None else REMOVED, "plan", here)
        return
    if old.years != new.years:
        yield Change(CHANGED, "plan", here + ("年度",), "、".join(map(str, old.years)), "、".join(map(str, new.years)))
    rows_old, rows_new = old.rows, new.rows
    for i, j in pair([r.name for r in rows_old], [r.name for r in rows_new]):
        if i is None or j is None:
            row = rows_new[j] if j is not None else rows_old[i]  # type: ignore[index]
            text = "、".join(f"{y}: {show(v)}" for y, v in zip(new.years if j is not None else old.years, row.values))
            yield Change(ADDED if i is None else REMOVED, "plan", here + (row.name,),
                         old=text if j is None else None, new=text if i is None else None)
            continue
        a, b = rows_old[i], rows_new[j]
        cells_old = dict(zip(old.years, a.values))
        for year, value in zip(new.years, b.values):
            if year in cells_old:
                yield from _money(here + (b.name, str(year)), cells_old[year], value)
        yield from _money(here + (b.name, "合计"), a.total, b.total)


def _indicators(where: tuple[str, ...], old: Project, new: Project) -> Iterator[Change]:
    for before, after in paired_indicators(old, new):
        if before is None:
            path, value = after  # type: ignore[misc]
            yield Change(ADDED, "indicator", where + path, new=value.text)
            continue
        if after is None:
            path, value = before
            yield Change(REMOVED, "indicator", where + path, old=value.text)
            continue
        (old_path, a), (path, b) = before, after
        if old_path[2] != path[2]:
            yield Change(RENAMED, "indicator", where + path, old_path[2], path[2])
        if old_path[:2] != path[:2]:
            yield Change(CHANGED, "indicator", where + path, " › ".join(old_path[:2]), " › ".join(path[:2]))
        was, now = _columns(old, old_path), _columns(new, path)
        for label in dict.fromkeys([*was, *now]):  # in the form's order: a set's would vary from run to run
            if was.get(label, "") != now.get(label, ""):
                yield Change(CHANGED, "indicator", where + path + (label,), was.get(label, ""), now.get(label, ""))
        if a.text.strip() != b.text.strip():
            lowered = easier(a, b, path[1])
            detail = _difference(a.number, b.number, b.unit) if a.number is not None and b.number is not None \
                and a.unit.strip() == b.unit.strip() else ""
            yield Change(CHANGED, "indicator", where + path, a.text, b.text, detail, lowered)


def _columns(project: Project, path: tuple[str, str, str]) -> dict[str, str]:
    """An indicator's 绩效标准 and the columns its form adds (权重 …), by label, as written ("" when not)."""
    first, second, third = path
    indicator = project.indicators[first][second][third]
    columns = {spec.label: getattr(indicator, key, None) for key, spec in form_of(project).indicator_columns.items()}
    return {label: "" if value is None else str(value) for label, value in {"绩效标准": indicator.standard, **columns}.items()}


def _value(where: tuple[str, ...], old: object, new: object) -> Iterator[Change]:
    """A field of any type: texts get an excerpt, amounts their difference, mappings each part."""
    if isinstance(old, str) and isinstance(new, str):
        yield from _text(where, old, new)
    elif isinstance(old, Amount) and isinstance(new, Amount):
        yield from _money(where, old, new)
    elif isinstance(old, BaseModel) and isinstance(new, BaseModel) and type(old).model_fields == type(new).model_fields:
        for name, field in type(new).model_fields.items():  # named by the form's label (its description)
            yield from _value(where + (field.description or name,), getattr(old, name), getattr(new, name))
    elif isinstance(old, list) and isinstance(new, list):  # a table of the form: row by row, cell by cell
        for n in range(max(len(old), len(new))):
            here = where + (f"第 {n + 1} 行",)
            if n >= len(old) or n >= len(new):
                row = _cells_text(new[n] if n < len(new) else old[n])
                yield Change(ADDED if n >= len(old) else REMOVED, "field", here,
                             old=None if n >= len(old) else row, new=row if n >= len(old) else None)
            else:
                yield from _value(here, old[n], new[n])
    elif str(old if old is not None else "") != str(new if new is not None else ""):
        yield Change(CHANGED, "field", where, str(old if old is not None else ""), str(new if new is not None else ""))


def _cells_text(row: object) -> str:
    """A row of a form's table, its cells as written."""
    values = [getattr(row, name) for name in type(row).model_fields] if isinstance(row, BaseModel) else [row]
    return "、".join(str(v) for v in values if v is not None and v != "")


def _money(where: tuple[str, ...], old: Amount, new: Amount) -> Iterator[Change]:
    if old.yuan == new.yuan:
        return
    unit = new.unit or YUAN
    yield Change(CHANGED, "figure", where, _both_units(old), _both_units(new),
                 _difference(old.yuan / SCALE[unit], new.yuan / SCALE[unit], unit, both_units=True))


def _both_units(amount: Amount) -> str:
    """`165700元（16.57万元）`: the amount as written and in the other unit."""
    other = WAN if (amount.unit or YUAN) == YUAN else YUAN
    return f"{show(amount)}（{_plain(amount.yuan / SCALE[other])}{other}）"


def _plain(value: Decimal) -> str:
    return number_text(value.normalize()) if value else "0"


def _difference(old: Decimal, new: Decimal, unit: str, both_units: bool = False) -> str:
    """`+10000元（+1万元），+6.04%`: the change, in the other unit too for money, and in percent."""
    delta = new - old
    sign = "+" if delta > 0 else "-"
    gap = " " if unit and not both_units and unit[0].isalnum() and unit not in (YUAN, WAN) else ""
    text = f"{sign}{_plain(abs(delta))}{gap}{unit}"
    if both_units:
        other = WAN if unit == YUAN else YUAN
        text += f"（{sign}{_plain(abs(delta) * SCALE[unit] / SCALE[other])}{other}）"
    if old:
        percent = (delta / old * 100).quantize(Decimal("0.01"))
        text += f"，{'+' if percent > 0 else ''}{percent}%"
    return text


# -- texts ---------------------------------------------------------------------------------------------

_TOKEN = re.compile(r"[A-Za-z0-9.,%]+|\s+|.", re.S)


def _text(where: tuple[str, ...], old: str, new: str) -> Iterator[Change]:
    if old.strip() == new.strip():
        return
    kind = ADDED if not old.strip() else REMOVED if not new.strip() else CHANGED
    if kind == CHANGED and all(len(t) <= SHORT and "\n" not in t.strip() for t in (old, new)):
        yield Change(kind, "text", where, old.strip(), new.strip())  # a short value: old → new
        return
    yield Change(kind, "text", where, detail=excerpt(old, new) if kind == CHANGED else _short(new or old))


def excerpt(old: str, new: str) -> str:
    """The changed words with a little context: `…全年做好宣传单 [-56850-]{+50000+} 份…`.

    Words are runs of Latin letters and digits, or single CJK characters.
    Only the first few changes are shown; texts longer than MAX_TOKENS words
    are not compared word by word.
    """
    a, b = _TOKEN.findall(old.strip()), _TOKEN.findall(new.strip())
    ops = _opcodes(a, b)
    if ops is None:
        return "…"
    parts: list[str] = []
    shown = 0
    for n, (tag, i1, i2, j1, j2) in enumerate(ops):
        if tag == "equal":
            same = "".join(a[i1:i2])
            if n == 0:
                parts.append(("…" if len(same) > EXCERPT else "") + same[-EXCERPT:])
            elif n == len(ops) - 1:
                parts.append(same[:EXCERPT] + ("…" if len(same) > EXCERPT else ""))
            elif len(same) > 2 * EXCERPT:
                parts.append(same[:EXCERPT] + " … " + same[-EXCERPT:])
            else:
                parts.append(same)
            continue
        shown += 1
        if shown > 3:
            parts.append(" …")
            break
        if i2 > i1:
            parts.append("[-" + "".join(a[i1:i2]).replace("\n", "⏎") + "-]")
        if j2 > j1:
            parts.append("{+" + "".join(b[j1:j2]).replace("\n", "⏎") + "+}")
    return "".join(parts).replace("\n", " ").strip()


def _opcodes(a: list[str], b: list[str]) -> list[tuple[str, int, int, int, int]] | None:
    """difflib's opcodes from `a` to `b`, the words they start and end with set aside first (a
    comparison costs the product of the lengths); None when what is left is too long to compare."""
    if len(a) > MAX_TOKENS or len(b) > MAX_TOKENS:
        return None
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    if (len(a) - start - end) * (len(b) - start - end) > MAX_WORK:
        return None
    middle = difflib.SequenceMatcher(None, a[start:len(a) - end], b[start:len(b) - end], autojunk=False).get_opcodes()
    return ([("equal", 0, start, 0, start)] if start else []) + \
        [(tag, i1 + start, i2 + start, j1 + start, j2 + start) for tag, i1, i2, j1, j2 in middle] + \
        ([("equal", len(a) - end, len(a), len(b) - end, len(b))] if end else [])


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 2 * EXCERPT else flat[:2 * EXCERPT] + "…"


# -- printing ------------------------------------------------------------------------------------------

def lowered(found: Sequence[Change]) -> list[Change]:
    return [c for c in found if c.lowered]


def _line(change: Change, lang: str) -> str:
    """The change after its place: `修改 =56850 份 → =50000 份（-6850 份，-12.05%）`."""
    kind = _KIND[change.kind].say(lang)
    old, new, detail = change.old, change.new, change.detail
    if lang == "en":  # the punctuation perfdecl wrote around figures, not the user's own in texts and values
        old, new = (v.translate(_EN_PUNCTUATION) if v and change.what == "figure" else v for v in (old, new))
        detail = detail.translate(_EN_PUNCTUATION) if change.what != "text" else detail
    if old is not None and new is not None:
        body = f"{old} → {new}"
    else:
        body = new if new is not None else old or ""
    if detail:
        body = f"{body}{Text('（', ' (').say(lang)}{detail}{Text('）', ')').say(lang)}" if body else detail
    return f"{kind} {body}".rstrip()


def human(found: Sequence[Change], lang: str = "zh") -> str:
    """One line per change under its project, coloured (click removes colour when not on a terminal)."""
    colours = {ADDED: "green", REMOVED: "red", RENAMED: "yellow", CHANGED: "cyan"}
    out: list[str] = []
    project = None
    for change in found:
        if change.where[0] != project:
            project = change.where[0]
            out.append(click.style(project, bold=True))
        place = " › ".join(change.where[1:])
        mark = click.style(f" [{LOWERED.say(lang)}]", fg="red", bold=True) if change.lowered else ""
        out.append(f"  {click.style(place, fg=colours[change.kind]) + ': ' if place else ''}"
                   f"{_line(change, lang)}{mark}")
    out.append(summary(found, lang))
    return "\n".join(out)


def markdown(found: Sequence[Change], lang: str = "zh") -> str:
    """A pull-request comment: a heading per project, a bullet per change, 下调 in bold."""
    out = [f"### {Text('申报变更', 'Declaration changes').say(lang)}", "", summary(found, lang), ""]
    project = None
    for change in found:
        if change.where[0] != project:
            project = change.where[0]
            out += ["", f"#### {_md(project)}", ""]
        place = " › ".join(change.where[1:])
        mark = f" **{LOWERED.say(lang)}**" if change.lowered else ""
        out.append(f"- {'`' + _md(place) + '`: ' if place else ''}{_md(_line(change, lang))}{mark}")
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Text safe in a Markdown list item: no markup, no HTML, one line."""
    return re.sub(r"([\\`*_{}\[\]<>#|~])", r"\\\1", " ".join(text.split()))


def as_json(found: Sequence[Change]) -> str:
    return json.dumps([asdict(c) for c in found], ensure_ascii=False, indent=2)


def summary(found: Sequence[Change], lang: str = "zh") -> str:
    n, down = len(found), len(lowered(found))
    if not n:
        return Text("没有变更", "no changes").say(lang)
    return Text(f"共 {n} 处变更，其中 {down} 项指标下调", f"{n} change(s), {down} target(s) lowered").say(lang)
