"""Map a document's blocks to a declaration and its projects by the form's labels.

Nothing here knows one template's positions: a value is found beside (or,
for the goals, below) the cell that holds its label, where the labels come
from the template's form (fields, money figures), from the model's field
descriptions (the seven sections 1、项目概述 …) and from the few words every
form shares (项目名称, 主管部门, 一级指标 …). Texts are kept exactly as printed;
labels are compared after NFKC (full-/half-width) without whitespace. Whatever
is not mapped becomes a `Note` with its place in the document.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..form import FieldSpec, Form
from ..model import SECTIONS, SubItem
from ..text import Text
from .document import Block, Cell, Paragraph, Table

SECRET = "涉密项目，根据相关要求，暂不公开。"  # the standard withheld sentence of a classified sub-item
CN_DIGITS = "一二三四五六七八九十百零"
COMMON = {"name": ("项目名称",), "department": ("主管部门",), "unit": ("实施单位", "项目实施单位", "填报单位"),
          "start": ("计划开始日期", "项目开始日期"), "end": ("计划完成日期", "项目完成日期")}
GOALS = {"total": ("项目总目标", "项目总体目标", "长期目标", "中期目标"), "annual": ("年度总目标", "年度总体目标", "年度目标")}
INDICATOR_HEADS = ("一级指标", "二级指标", "三级指标")
STRUCTURE = ("项目绩效目标", "绩效指标", "年度绩效指标", "项目资金", "项目资金申请", "总体目标")  # labels of row groups
VALUE_HEADS = ("指标值", "年度指标值", "目标值", "年度目标值", "指标值(年度)", "目标值(年度)")  # the usual value headers
Pattern = tuple[re.Pattern[str], tuple[str, ...]]  # text printing values among literal text → the values' paths
PRINTED = 2000  # characters: the longest text matched against such a pattern (its lazy groups backtrack)
TITLE = 60  # characters: the longest title or label looked for
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


class Quoted(str):
    """A text that YAML must read as text even when it looks like a number or a date (412001, 2024.10)."""


@dataclass
class Note:
    """Content the import could not map: where it is in the document, and its text."""

    where: Text
    text: str
    near: tuple[str | int, ...] = ()  # where in the project file it belongs: ("items", 0) or the end


@dataclass
class Imported:
    declaration: dict[str, object] = field(default_factory=dict)
    projects: list[dict[str, object]] = field(default_factory=list)
    notes: list[list[Note]] = field(default_factory=list)  # [0] before the first project, then one per project
    stated: dict[str, str] = field(default_factory=dict)  # figures of the summary paragraph as printed
    # paragraphs the template prints from values the document gives elsewhere (a title `{{ declaration.unit }}
    # {{ declaration.year }}年“{{ project.name }}”…`): the note listing each, in its list, until `finish` checks it
    printed: list[Printed] = field(default_factory=list)


@dataclass
class Printed:
    """A paragraph matching a template's pattern whose values it cannot tell apart by itself."""

    notes: list[Note]  # the list holding `note`
    note: Note
    pattern: Pattern
    text: str
    project: int  # the index of the project it belongs to


def norm(text: str) -> str:
    """A label for comparison: NFKC (full-width → half-width) without any whitespace."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def _section_labels() -> dict[str, str]:
    """Sub-item section → its heading name without the number (项目概述), from the model's descriptions."""
    out = {}
    for key in SECTIONS:
        described = SubItem.model_fields[key].description or key
        out[key] = _unnumbered(re.split(r"[（(；;]", described)[0])
    return out


def _heading(text: str) -> tuple[str, list[str]]:
    """A numbered heading's name without its number, and the text that follows it in the same paragraph
    (`1、项目概述：本项目…`), as lines."""
    m = re.fullmatch(r"\s*([0-9一二三四五六七八九十]+\s*[、.．]\s*[^:：\s]{2,12}?)\s*[:：]\s*(.+)", text, re.S)
    if m is None:
        return _unnumbered(text), []
    return _unnumbered(m.group(1)), [line for line in m.group(2).split("\n") if line.strip()]


def _unnumbered(text: str) -> str:
    return re.sub(r"^[0-9一二三四五六七八九十]+[、.．,，]", "", norm(text))


def paragraph_where(p: Paragraph) -> Text:
    return Text(f"第 {p.index} 段", f"paragraph {p.index}")


def previous(p: Paragraph) -> Paragraph:
    return Paragraph("", p.index - 1)


def cell_where(table: Table, row: int) -> Text:
    return Text(f"表格 {table.index} 第 {row + 1} 行", f"table {table.index} row {row + 1}")


class Reader:
    """One pass over the blocks, in order."""

    def __init__(self, form: Form, labels: dict[str, str] | None = None, lines: list[Pattern] | None = None,
                 cells: dict[str, Pattern] | None = None, value_heads: set[str] | None = None,
                 literal: set[str] | None = None) -> None:
        self.form = form
        # The template's own wording (detect.wording): what it prints beside a value, norm(label) → the
        # value's path, its paragraphs and cells that print values among literal text, and the header of
        # its indicator value column.
        self.labels = labels or {}
        self.lines = lines or []
        self.cells = cells or {}
        self.value_heads = {*VALUE_HEADS, *(value_heads or ())}
        self.literal = literal or set()  # the template's paragraphs of literal text only: nothing to map
        self.names = {*COMMON["name"], *(label for label, path in self.labels.items() if path == "name")}
        self.result = Imported()
        self.sections = _section_labels()
        group = [(key, spec) for key, spec in form.fields.items() if spec.type == "group" and spec.columns]
        self.groups = {_unnumbered(col.label): (key, column) for key, spec in group
                       for column, col in (spec.columns or {}).items()}
        self.project: dict[str, object] | None = None
        self.has_form = False  # the current project's form table was read
        self.text: list[str] | None = None  # where the paragraphs being read go
        self.item: dict[str, object] | None = None
        self.pending: dict[str, object] = {}  # fields met before their project's first block (填报单位)
        self.ahead = False  # the paragraphs read now belong to the next project (its values were met again)

    # -- paragraphs -------------------------------------------------------

    def read(self, blocks: list[Block], properties: dict[str, str] | None = None,
             printed: dict[str, Pattern] | None = None) -> Imported:
        """The declaration in `blocks`; the template's `printed` patterns of the document's `properties`
        (its title) give the declaration's values the body does not print."""
        self.result.notes.append([])
        for block in blocks:
            if isinstance(block, Table):
                self.table(block)
            elif block.text.strip():
                self.paragraph(block)
        self._close_item()
        for key, pattern in (printed or {}).items():
            self.matched(pattern, (properties or {}).get(key, "").strip(), {})
        return self.result

    def note(self, where: Text, text: str) -> None:
        near: tuple[str | int, ...] = ()
        items = self.project.get("items") if self.project is not None else None
        if self.item is not None and isinstance(items, list):
            near = ("items", len(items) - 1)
        self.result.notes[-1].append(Note(where, text, near))

    def paragraph(self, p: Paragraph) -> None:
        text, key = p.text, norm(p.text)
        decl = self.result.declaration
        if re.fullmatch(r"项目经费情况说明\(?[0-9一二三四五六七八九十]*\)?", key):
            self._new_project()
            return
        short = len(key) < TITLE  # titles and labels are short: long paragraphs are never matched against them
        if short and (m := re.fullmatch(r"\(?(\d{4})年度?.*?(申报表|填报表|目标表)?\)?\d*", key)):
            if m.group(2) or re.fullmatch(r"\(\d{4}年度\)", key):
                decl.setdefault("year", int(m.group(1)))
                notes = self.result.notes[-1]
                if m.group(2) and "unit" not in decl and notes and notes[-1].where == paragraph_where(previous(p)):
                    decl["unit"] = notes.pop().text.strip()  # the unit's name above the title
                return
        if self._form_title(key):
            self._close_item()
            return
        if self._line(p, text.strip()):
            return
        if m := re.fullmatch(r"([^:：]{2,20})[:：](.+)", text.strip(), re.S):
            label = norm(m.group(1)).split("(")[0]
            if label in COMMON["unit"]:
                self.pending["unit"] = m.group(2).strip()
                return
        if "预算单位" in key and "绩效目标" in key and not self.result.projects and len(key) < 50 * TITLE:
            self._summary(key)
            return
        if re.fullmatch(r".*绩效目标设置情况", key) and not self.result.projects:
            return
        if self.project is None:
            if key not in self.literal:
                self.note(paragraph_where(p), text)
            return
        if m := re.match(r"项目名称[:：]\s*(.*)", text.strip()):
            self.project.setdefault("name", m.group(1).strip())
            return
        if m := re.fullmatch(r"\s*[（(]([" + CN_DIGITS + r"]+)[）)](.*)", text, re.S):
            if not self.has_form:
                self._new_item(m.group(2))
                return
        heading, rest = _heading(text)
        if heading in self.groups and re.match(r"^[一二三四五六七八九十]+[、.．]", norm(text)):
            key_, column = self.groups[heading]
            self._close_item()
            group = self.project.setdefault(key_, {})
            assert isinstance(group, dict)
            lines = group.setdefault(column, [])
            assert isinstance(lines, list)
            self.text = lines
            lines.extend(rest)
            return
        if self.item is not None and heading in self.sections.values() and re.match(r"^[0-9]+[、.．]", norm(text)):
            section = next(k for k, v in self.sections.items() if v == heading)
            lines = self.item.setdefault(section, [])
            assert isinstance(lines, list)
            self.text = lines
            lines.extend(rest)
            return
        if self.text is not None:
            self.text.extend(line for line in text.split("\n") if line.strip())
            return
        if key not in self.literal:
            self.note(paragraph_where(p), text)

    def _line(self, p: Paragraph, text: str) -> bool:
        """A paragraph the template prints with values among its own text: the fields among them are read;
        one whose values cannot be told apart (two values side by side) is listed until `finish` finds it
        printed by values read elsewhere."""
        for pattern in self.lines:
            ahead = self._ahead(pattern[1])
            if self.matched(pattern, text, self.project if self.project is not None and not ahead else self.pending):
                self.ahead = ahead
                return True
        for pattern in self.lines:
            if len(text) <= PRINTED and pattern[0].fullmatch(text) and all(map(self.keepable, pattern[1])):
                self.ahead = self._ahead(pattern[1])
                self.note(paragraph_where(p), text)
                notes = self.result.notes[-1]
                project = len(self.result.projects) - (not self.ahead)
                self.result.printed.append(Printed(notes, notes[-1], pattern, text, project))
                return True
        return False

    def _ahead(self, paths: tuple[str, ...]) -> bool:
        """Whether a paragraph's values go to the next project (`pending`), not the current: none yet, or the
        current has its form and already holds one of them (the template prints them before each form)."""
        return self.project is None or self.ahead \
            or (self.has_form and any(_get(self.project, p) is not None for p in paths))

    def spec(self, path: str) -> FieldSpec | None:
        """The form's field at a project's `path`: one of its fields, or a column of a group (`explanation.basis`)."""
        head, _, rest = path.partition(".")
        spec = self.form.fields.get(head)
        if spec is None or not rest:
            return spec
        return (spec.columns or {}).get(rest) if spec.type == "group" else None

    def keepable(self, path: str) -> bool:
        """Whether the import keeps a value at `path`: a project's field, or the declaration's unit, year or
        department."""
        return path in COMMON or self.spec(path) is not None \
            or path in ("declaration.unit", "declaration.department", "declaration.year")

    def matched(self, pattern: Pattern, text: str, target: dict[str, object]) -> bool:
        """Whether `text` is printed by `pattern`: then its values are set in `target` (a project's fields)
        or the declaration (`declaration.year`, `declaration.unit`), unless already set."""
        m = pattern[0].fullmatch(text) if len(text) <= PRINTED else None
        found = [(path, value.strip()) for path, value in zip(pattern[1], m.groups())] if m else []
        if m is None or not all(self._kept(path, value) for path, value in found):
            return False  # a value this cannot keep (goals.total, funding.x) is left to be listed as unmapped
        for path, value in found:
            key = path.removeprefix("declaration.")
            if value and key != path:
                self.result.declaration.setdefault(key, int(value) if key == "year" else value)
            elif value:
                _put(target, path, Quoted(value) if path not in ("start", "end") else value)
        return True

    def _kept(self, path: str, value: str) -> bool:
        """Whether `matched` can keep `value` at `path` (see `keepable`; a year is four digits)."""
        return not value or (self.keepable(path) and (path != "declaration.year" or re.fullmatch(r"\d{4}", value)
                                                      is not None))

    def _form_title(self, key: str) -> bool:
        """The form's own title (N optional), another form's numbered title, or a title outside any section."""
        if self.form.title and re.fullmatch(re.escape(norm(self.form.title)) + r"\d*", key):
            return True
        titled = len(key) < 30 and re.fullmatch(r".*(申报表|填报表|目标表)(\d*)", key)
        return bool(titled and (titled.group(2) or self.text is None))

    def _summary(self, key: str) -> None:
        if m := re.search(r"(\d+)个预算单位", key):
            self.result.declaration["budget_units"] = int(m.group(1))
        if m := re.search(r"项目(\d+)个", key):
            self.result.stated["projects"] = m.group(1)
        if m := re.search(r"预算资金([0-9.,]+)万元", key):
            self.result.stated["amount"] = m.group(1)

    def _new_project(self) -> None:
        self._close_item()
        if self.project is not None and not self.has_form and not any(k != "items" for k in self.project) \
                and not self.project.get("items"):
            return
        self.project = dict(self.pending)
        self.pending = {}
        self.ahead = False
        self.has_form = False
        self.text = None
        self.result.projects.append(self.project)
        self.result.notes.append([])

    def _new_item(self, title: str) -> None:
        self._close_item()
        assert self.project is not None
        sep = title[0] if title[:1] in ("、", ".", "．") else ""
        self.item = {"title": title[len(sep):].strip(), "sep": sep}
        items = self.project.setdefault("items", [])
        assert isinstance(items, list)
        items.append(self.item)
        self.text = None

    def _close_item(self) -> None:
        self.item = None
        self.text = None

    # -- tables -----------------------------------------------------------

    def table(self, table: Table) -> None:
        if not table.rows:
            return
        head = [norm(c.text) for c in table.rows[0]]
        if "项目组成" in head and self.item is not None:
            self._lines(table)
        elif any(h.startswith("费用名称") for h in head) and self.item is not None:
            self._schedule(table)
        elif any(norm(c.text) in self.names for row in table.rows for c in row):
            self._form(table)
        elif self.project is not None and "indicators" not in self.project \
                and any(_levels([norm(c.text) for c in row]) for row in table.rows):
            FormTable(self, table).read()  # the form's indicators in a table of their own
        else:
            for r in range(len(table.rows)):
                self.note(cell_where(table, r), " | ".join(table.texts(r)))

    def _lines(self, table: Table) -> None:
        assert self.item is not None
        header = [c.text for c in _distinct(table.rows[0])]
        unit = _unit(" ".join(header)) or "元"
        lines: dict[str, object] = {"unit": unit}
        default = ["项目组成", "数量", f"单价（{unit}）", f"资金需求（{unit}）"]
        if [norm(h) for h in header] != [norm(h) for h in default]:
            lines["header"] = header
        rows: list[list[str]] = []
        for r in range(1, len(table.rows)):
            cells = [c.text.strip() for c in _distinct(table.rows[r])]
            if len(cells) == 4 and not cells[1] and not cells[2] and re.search(r"[合总小]计", norm(cells[0])):
                lines["total"] = cells[3]
                if norm(cells[0]) != "合计":
                    lines["total_label"] = cells[0]
            elif len(cells) == 4:
                rows.append(cells)
            else:
                self.note(cell_where(table, r), " | ".join(cells))
        lines["rows"] = rows
        self.item["lines"] = lines

    def _schedule(self, table: Table) -> None:
        assert self.item is not None
        header = [c.text for c in _distinct(table.rows[0])]
        years = [int(m.group(1)) for h in header if (m := re.match(r"(\d{4})\s*年", norm(h)))]
        unit = _unit(" ".join(header)) or "万元"
        plan: dict[str, object] = {"unit": unit, "years": years}
        default = ["序号", "费用名称", *(f"{y}年计划({unit})" for y in years), f"合计({unit})"]
        if [norm(h) for h in header] != default:
            plan["header"] = header
        rows: list[list[str]] = []
        for r in range(1, len(table.rows)):
            cells = [c.text.strip() for c in _distinct(table.rows[r])]
            if len(cells) == len(years) + 2 and re.search(r"[合总小]计", norm(cells[0])):
                plan["total"] = cells[1:]
                if norm(cells[0]) != "合计":
                    plan["total_label"] = cells[0]
            elif len(cells) == len(years) + 3:
                rows.append(cells[1:])
            else:
                self.note(cell_where(table, r), " | ".join(cells))
        plan["rows"] = rows
        self.item["schedule"] = plan

    def _form(self, table: Table) -> None:
        if self.project is None or self.has_form:
            self._new_project()
        assert self.project is not None
        self.has_form = True
        self._close_item()
        FormTable(self, table).read()


class FormTable:
    """The 填报表: labelled values, money figures, goals and the indicator table."""

    def __init__(self, reader: Reader, table: Table) -> None:
        self.reader, self.table = reader, table
        project = reader.project
        assert project is not None
        self.project = project
        self.used: set[tuple[int, int]] = set()
        form = reader.form
        self.labels: dict[str, str] = {norm(label): key for key, labels in COMMON.items() for label in labels}
        self.labels.update({norm(spec.label): key for key, spec in form.fields.items()
                            if spec.type not in ("group", "table")})
        self.figures: dict[str, list[str]] = {}
        for key, spec in form.funding.figures.items():
            self.figures.setdefault(norm(spec.label), []).append(key)
        self.goals_beside: dict[str, str] = {}  # label → goal, its text in the cell beside it
        for label, path in reader.labels.items():  # the template's own wording, where the form's is not enough
            head, _, rest = path.partition(".")
            if label in self.labels or label in self.figures or self._compound(label):
                continue
            if head == "funding" and rest in form.funding.figures:
                self.figures[label] = [rest]
            elif head == "goals" and rest in GOALS:
                self.goals_beside[label] = rest
            elif (not rest and head in COMMON) or reader.spec(path) is not None:
                self.labels[label] = path
        self.seen_figures: dict[str, list[int]] = {}  # label -> grid columns met, in order
        self.after = 0  # rows before this one were read as a table field's rows

    def cells(self, r: int) -> list[tuple[int, Cell]]:
        out, previous = [], None
        for c, cell in enumerate(self.table.rows[r]):
            if cell.origin != previous:
                out.append((c, cell))
            previous = cell.origin
        return out

    def read(self) -> None:
        funding: dict[str, object] = {}
        goals: dict[str, list[str]] = {}
        indicators: dict[str, Any] | None = None
        for r in range(len(self.table.rows)):
            if r < self.after:
                continue
            row = self.cells(r)
            heads = [norm(cell.text) for _, cell in row]
            if _levels(heads):
                indicators = self._indicators(r, row)
                continue
            for i, (c, cell) in enumerate(row):
                label = norm(cell.text)
                value = row[i + 1][1] if i + 1 < len(row) else None
                if label in self.reader.cells and value is not None and value.origin[0] == r \
                        and self.reader.matched(self.reader.cells[label], value.text.strip(), self.project):
                    self.used |= {cell.origin, value.origin}
                elif label in self.labels and value is not None and value.origin[0] == r:
                    if value.text.strip():
                        self._field(self.labels[label], value.text)
                    self.used |= {cell.origin, value.origin}
                elif (pair := self._compound(label)) and value is not None and value.origin[0] == r:
                    first, _, second = value.text.strip().rpartition(" ")
                    if first:
                        self._field(pair[0], first)
                        self._field(pair[1], second)
                        self.used |= {cell.origin, value.origin}
                elif label in self.goals_beside and value is not None and value.origin[0] == r:
                    goals[self.goals_beside[label]] = [line for line in value.text.split("\n") if line.strip()]
                    self.used |= {cell.origin, value.origin}
                elif (table := self._table_field(heads)) is not None:
                    self._rows(table, r, row)
                    break
                elif label in self.figures and value is not None:
                    columns = self.seen_figures.setdefault(label, [])
                    if c not in columns:
                        columns.append(c)
                    keys = self.figures[label]
                    n = columns.index(c)
                    if n < len(keys):
                        if value.text.strip() or self.reader.form.funding.figures[keys[n]].required:
                            funding.setdefault(keys[n], value.text.strip())  # an optional figure left empty is absent
                        self.used |= {cell.origin, value.origin}
                elif (unit := _unit(cell.text)) and ("资金" in label or "预算" in label) and len(label) < 12:
                    funding.setdefault("unit", unit)
                    self.used.add(cell.origin)
                elif goal := next((k for k, names in GOALS.items() if any(label.startswith(n) for n in names)), None):
                    below = _at(self.table.rows, r + 1, c)
                    for text in (value, below):  # beside its label, else below it; never another label
                        if text is not None and text.origin[0] == (r + 1 if text is below else r) \
                                and text.text.strip() and not self._label(text.text):
                            goals[goal] = [line for line in text.text.split("\n") if line.strip()]
                            self.used |= {cell.origin, text.origin}
                            break
                elif any(label.startswith(s) for s in STRUCTURE):
                    self.used.add(cell.origin)
        if funding:
            self.project["funding"] = {"unit": funding.pop("unit", self.reader.form.funding.unit), **funding}
        if goals:
            self.project["goals"] = goals
        if indicators is not None:
            self.project["indicators"] = indicators
        for r in range(len(self.table.rows)):
            left = [cell.text for _, cell in self.cells(r) if cell.origin[0] == r and cell.origin not in self.used
                    and cell.text.strip()]
            if left:
                self.reader.note(cell_where(self.table, r), " | ".join(left))

    def _field(self, key: str, text: str) -> None:
        spec = self.reader.spec(key)
        lines = [line for line in text.split("\n") if line.strip()]
        if spec is not None and spec.type == "multiline" and len(lines) > 1:  # one line prints the same as text
            _put(self.project, key, "".join(f"{line}\n" for line in lines))
        else:
            line = one_line(text)
            _put(self.project, key, line if key in ("start", "end") else Quoted(line))

    def _label(self, text: str) -> bool:
        """Whether a cell's text is one of the form's labels (so never a value)."""
        key = norm(text)
        tables = {norm(spec.label) for spec in self.reader.form.fields.values() if spec.type in ("group", "table")}
        return key in self.labels or key in self.figures or key in self.goals_beside or key in self.reader.cells \
            or key in tables or any(key.startswith(n) for n in (*STRUCTURE, *GOALS["total"], *GOALS["annual"]))

    def _compound(self, label: str) -> tuple[str, str] | None:
        """`主管部门及其编码`: two fields in one cell, the second's label being the first's + 编码."""
        m = re.fullmatch(r"(.+)及其(.+)", label)
        if m and m.group(1) in self.labels and m.group(1) + m.group(2) in self.labels:
            return self.labels[m.group(1)], self.labels[m.group(1) + m.group(2)]
        return None

    def _table_field(self, heads: list[str]) -> str | None:
        """The table field whose column labels are all in this row (a header row), if any."""
        for key, spec in self.reader.form.fields.items():
            if spec.type == "table" and spec.columns and all(norm(c.label) in heads for c in spec.columns.values()):
                return key
        return None

    def _rows(self, key: str, r: int, header: list[tuple[int, Cell]]) -> None:
        """A table field: its header row `r`, its rows below while their cells sit under the header's."""
        spec = self.reader.form.fields[key]
        assert spec.columns is not None
        where = {norm(cell.text): c for c, cell in header}
        columns = {column: where[norm(col.label)] for column, col in spec.columns.items()}
        self.used |= {cell.origin for _, cell in header}
        rows: list[dict[str, object]] = []
        for n in range(r + 1, len(self.table.rows)):
            cells = self.table.rows[n]
            starts = {c for c, cell in self.cells(n) if cell.origin[0] == n}
            if set(columns.values()) != starts or any(norm(cells[c].text) in self.labels for c in starts):
                break
            rows.append({column: Quoted(cells[c].text.strip()) for column, c in columns.items()})
            self.used |= {cells[c].origin for c in starts}
        self.project[key] = rows
        self.after = r + 1 + len(rows)

    def _columns(self, row: list[tuple[int, Cell]]) -> dict[str, int] | None:
        """The indicator table's columns by their headers: the three levels, the value (by the template's
        own header or a usual one), 绩效标准 and each of the form's indicator columns by its label; None when
        the value column, or a level, cannot be told apart from another."""
        heads = {c: norm(cell.text) for c, cell in row}
        values = [c for c, h in heads.items() if h in self.reader.value_heads]
        if len(values) != 1:
            return None
        qualifier = re.sub(r"^[^(]*", "", heads[values[0]])  # 指标值(年度): the levels headed (年度) go with it
        out = {"value": values[0]}
        for head, positions in zip(INDICATOR_HEADS, _levels(list(heads.values()))):
            found = [list(heads)[i] for i in positions]
            if len(found) > 1:
                found = [c for c in found if heads[c] == head + qualifier]
            if len(found) != 1:
                return None
            out[head] = found[0]
        named = {"standard": "绩效标准", **{k: spec.label for k, spec in self.reader.form.indicator_columns.items()}}
        for key, label in named.items():
            if (c := next((c for c, h in heads.items() if h == norm(label)), None)) is not None:
                out[key] = c
        return out

    def _indicators(self, r: int, row: list[tuple[int, Cell]]) -> dict[str, Any] | None:
        columns = self._columns(row)
        if columns is None:
            self.reader.note(cell_where(self.table, r), Text(
                "指标表的栏目无法区分（应有唯一的指标值栏，如 指标值、目标值，及唯一的各级指标栏），指标未导入",
                "the indicator table's columns cannot be told apart (it needs one value column such as 指标值 or 目标值, "
                "and one column per level); indicators not imported").zh)
            return None
        self.used |= {cell.origin for _, cell in row}
        first, second, third = (columns[h] for h in INDICATOR_HEADS)
        extra = {k: c for k, c in columns.items() if k not in INDICATOR_HEADS and k != "value"}
        other_levels = [c for c, cell in row if _level(norm(cell.text)) and c not in (first, second, third)]
        tree: dict[str, Any] = {}
        group_column = row[0][0] if not _level(norm(row[0][1].text)) else None
        self.after = len(self.table.rows)
        for n in range(r + 1, len(self.table.rows)):
            cells = self.table.rows[n]
            if group_column is not None and group_column < len(cells) and cells[group_column].origin[0] == n \
                    and norm(cells[group_column].text) != norm(row[0][1].text):
                self.after = n  # a new labelled part of the form begins
                break
            if max(columns.values()) >= len(cells):
                continue
            one, two, three = (one_line(cells[first].text), one_line(cells[second].text), one_line(cells[third].text))
            self.used |= {cells[c].origin for c in columns.values()}
            # another level column repeating a chosen level's text (二级指标(长期) beside (年度)) adds nothing
            self.used |= {cells[c].origin for c in other_levels if c < len(cells)
                          and norm(cells[c].text) in (norm(one), norm(two), norm(three))}
            if not (one and three):
                continue  # an empty row (a form that prints every 二级指标)
            group = tree.setdefault(one, {}).setdefault(two, {}) if two else tree.setdefault(one, {})
            shown: object = one_line(cells[columns["value"]].text)
            more = {k: cells[c].text.strip() for k, c in extra.items() if cells[c].text.strip()}
            group[three] = {"value": shown, **more} if more else shown
        return tree


def _get(data: dict[str, object], path: str) -> object:
    """The value at a dotted `path` of nested mappings (`explanation.basis`), None where there is none."""
    value: object = data
    for key in path.split("."):
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _put(data: dict[str, object], path: str, value: object) -> None:
    """`value` at a dotted `path` of nested mappings, unless one is there already."""
    *heads, last = path.split(".")
    for key in heads:
        inner = data.setdefault(key, {})
        if not isinstance(inner, dict):
            return
        data = inner
    data.setdefault(last, value)


def _levels(heads: list[str]) -> list[list[int]]:
    """For each of 一级指标, 二级指标, 三级指标, the positions of `heads` naming it (二级指标 or 二级指标(年度));
    empty unless all three are there."""
    found = [[i for i, h in enumerate(heads) if _level(h, head)] for head in INDICATOR_HEADS]
    return found if all(found) else []


def _level(text: str, *heads: str) -> bool:
    """Whether a header names one of `heads` (by default any level), alone or qualified: 二级指标(年度)."""
    return any(text == head or text.startswith(head + "(") for head in heads or INDICATOR_HEADS)


def _at(rows: list[list[Cell]], r: int, c: int) -> Cell | None:
    """The cell at row `r`, grid column `c`, if the table has one there (rows may be short)."""
    return rows[r][c] if r < len(rows) and c < len(rows[r]) else None


def one_line(text: str) -> str:
    """A cell's text wrapped onto several lines, as one line: no break between two CJK characters, else a space."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    out = lines[:1]
    for line in lines[1:]:
        joined = CJK.match(out[-1][-1]) and CJK.match(line[0])
        out[-1] += line if joined else " " + line
    return out[0] if out else ""


def _distinct(row: list[Cell]) -> list[Cell]:
    out: list[Cell] = []
    for cell in row:
        if not out or out[-1].origin != cell.origin:
            out.append(cell)
    return out


def _unit(text: str) -> str | None:
    m = re.search(r"[（(]\s*(万元|元)\s*[）)]", text)
    return m.group(1) if m else None


PERIOD = re.compile(r"实施周期为 (\d{4})年 (\d{1,2})月-(\d{4})年 (\d{1,2})月。")  # the template's default sentence
MONTHS = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月")
BUDGET = re.compile(r"预算(?:资金|金额|总金额)?(?:需求)?(?:约|为)?\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|元|万)")


def finish(result: Imported, form: Form, template: str, framework: str) -> None:
    """Shape what was read into the source format: texts, sub-items, inheritance, the stated summary."""
    decl = result.declaration
    first = result.projects[0] if result.projects else {}
    decl.setdefault("unit", first.get("unit", ""))
    decl.setdefault("year", 0)
    decl["department"] = first.get("department", "")
    decl.setdefault("budget_units", 1)
    for printed in result.printed:
        _check_printed(printed, decl, result.projects)
    annual_key = form.role("annual") or form.role("total")
    computed = Decimal(0)
    for n, project in enumerate(result.projects):
        for key in ("department", "unit"):
            if project.get(key) == decl.get(key if key == "department" else "unit"):
                del project[key]
        for key, value in list(project.items()):
            if isinstance(value, dict) and key not in ("funding", "indicators"):
                project[key] = {k: _block(v) if isinstance(v, list) else v for k, v in value.items()}
        funding = project.get("funding")
        if isinstance(funding, dict) and annual_key and isinstance(funding.get(annual_key), str):
            computed += _yuan(str(funding[annual_key]), str(funding.get("unit", "元")))
        items = project.get("items")
        if isinstance(items, list):
            for item in items:
                _finish_item(item, project, len(items), result.notes[n + 1], decl["year"])
        _order(project, form)
    decl["framework"], decl["template"] = framework, template
    summary: dict[str, object] = {}
    if result.stated.get("projects") and int(result.stated["projects"]) != len(result.projects):
        summary["projects"] = int(result.stated["projects"])
    stated = result.stated.get("amount")
    if stated and _yuan(stated, "万元") != (computed / 10000).quantize(Decimal("0.01")) * 10000:
        summary["amount"] = f"{stated}万元"
    if summary:
        decl["summary"] = summary
    order = ("unit", "year", "department", "budget_units", "summary", "framework", "template")
    ordered = {k: decl[k] for k in order if k in decl}
    decl.clear()
    decl.update(ordered)


def _check_printed(printed: Printed, decl: dict[str, object], projects: list[dict[str, object]]) -> None:
    """A paragraph the template prints from values read elsewhere: no longer listed when those values print it;
    listed as disagreeing with them when they print something else; listed as it is while one is unknown."""
    project = projects[printed.project] if printed.project < len(projects) else {}
    values = [_get(decl if path.startswith("declaration.") else project, path.removeprefix("declaration."))
              for path in printed.pattern[1]]
    if not all(isinstance(v, (str, int)) and str(v).strip() for v in values):
        return
    literal = printed.pattern[0].pattern.split("(.*?)")  # the escaped literal text between the values
    shown = "".join(text + re.escape(str(v).strip()) for text, v in zip(literal, [*values, ""]))
    at = next(i for i, note in enumerate(printed.notes) if note is printed.note)
    if re.fullmatch(shown, printed.text):
        del printed.notes[at]
        return
    read = "，".join(f"{path}={str(v).strip()}" for path, v in zip(printed.pattern[1], values))
    printed.notes[at] = Note(printed.note.where, f"与文档别处读出的值（{read}）不符：{printed.text}", printed.note.near)


def _order(project: dict[str, object], form: Form) -> None:
    """The documented key order: name, the form's own fields, the common ones, sections, items, indicators."""
    simple = [k for k, spec in form.fields.items() if spec.type not in ("group", "table")]
    nested = [k for k in form.fields if k not in simple]
    order = ["name", *simple, "department", "unit", "start", "end", "funding", "goals", *nested, "items", "indicators"]
    funding = project.get("funding")
    if isinstance(funding, dict):
        project["funding"] = {k: funding[k] for k in ("unit", *form.funding.figures) if k in funding}
    for key, spec in form.fields.items():  # a group's parts in the form's order
        if spec.type == "group" and isinstance(group := project.get(key), dict):
            project[key] = {k: group[k] for k in (*(spec.columns or {}), *group) if k in group}
    ordered = {k: project[k] for k in order if k in project}
    ordered |= {k: v for k, v in project.items() if k not in ordered}
    project.clear()
    project.update(ordered)


def _finish_item(item: dict[str, object], project: dict[str, object], count: int, notes: list[Note],
                 year: object) -> None:
    for k in SECTIONS:
        if item.get(k) == []:
            del item[k]
    texts = [k for k in SECTIONS if isinstance(item.get(k), list)]
    if any(item[k] == [SECRET] for k in texts):  # the withheld sentence stands for every unwritten section
        item["classified"] = True
        for k in texts:
            if item[k] == [SECRET]:
                del item[k]
    for k in SECTIONS:
        if isinstance(item.get(k), list):
            item[k] = _block(item[k])  # type: ignore[arg-type]
    period = str(item.get("period") or "")
    if m := PERIOD.fullmatch(period.strip()):
        item["start"], item["end"] = f"{m.group(1)}-{int(m.group(2)):02d}", f"{m.group(3)}-{int(m.group(4)):02d}"
        del item["period"]
    elif len(found := MONTHS.findall(period)) >= 2:
        item["start"] = f"{found[0][0]}-{int(found[0][1]):02d}"
        item["end"] = f"{found[-1][0]}-{int(found[-1][1]):02d}"
    item["budget"] = _budget(item, project, count)
    plan = item.get("schedule")
    if isinstance(plan, dict) and isinstance(plan.get("total"), list) and year in plan["years"]:
        item["annual"] = f"{plan['total'][plan['years'].index(year)]} {plan['unit']}"
    if item["budget"] is None:
        item["budget"] = "0"
        notes.append(Note(Text(f"子项目“{item.get('title')}”", f"sub-item '{item.get('title')}'"),
                          "预算资金未能从文档中读出，暂记为 0"))
    order = [*SubItem.model_fields]
    ordered = {k: item[k] for k in order if k in item and not (k == "sep" and item[k] == "、")}
    item.clear()
    item.update(ordered)


def _budget(item: dict[str, object], project: dict[str, object], count: int) -> str | None:
    plan = item.get("schedule")
    if isinstance(plan, dict) and isinstance(plan.get("total"), list):
        return f"{plan['total'][-1]} {plan['unit']}"
    lines = item.get("lines")
    if isinstance(lines, dict) and lines.get("total"):
        return f"{lines['total']}{'' if str(lines['total']).endswith('元') else lines['unit']}"
    for key in ("overview", "arrangement"):
        if m := BUDGET.search(norm(str(item.get(key) or ""))):
            return f"{m.group(1)} {'万元' if m.group(2) == '万' else m.group(2)}"
    funding = project.get("funding")
    if count == 1 and isinstance(funding, dict):
        figure = funding.get("annual") or funding.get("total")
        if figure:
            return f"{figure}{funding.get('unit', '元')}"
    return None


def _block(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def _yuan(text: str, unit: str) -> Decimal:
    try:
        return Decimal(norm(text).replace(",", "")) * (10000 if unit == "万元" else 1)
    except ArithmeticError:
        return Decimal(0)
