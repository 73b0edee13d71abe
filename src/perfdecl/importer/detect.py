"""Which built-in template wrote a document: the one whose own wording it contains most.

A template's wording is the literal text of its Jinja2 files (labels such as
项目资金总额, headings such as 1、项目概述), outside `{{ }}` and `{% %}`. The
share of those fragments that begin some paragraph or cell of the document
scores the template; the best score wins, the first built-in on a tie.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from ..render.templates import builtin, builtin_names, load
from .document import Block, Table
from .recognise import norm

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def _files(folder: Path) -> Iterator[str]:
    """The text of each Jinja2 file a template uses (its own, else its base's)."""
    template = load(folder)
    for file in sorted({path.name for f in template.folders for path in f.glob("*.j2")}):
        path = template.find(file)
        if path is not None:
            yield path.read_text(encoding="utf-8")


def fragments(name: str) -> set[str]:
    """The literal texts (with a CJK character) between the tags of a built-in template's files."""
    folder = builtin(name)
    if folder is None:
        return set()
    found: set[str] = set()
    for source in _files(folder):
        for text in re.findall(r">([^<>]+)<", JINJA.sub("\x00", source)):
            found |= {norm(piece) for piece in text.split("\x00")
                      if len(norm(piece)) >= 2 and re.search(r"[\u4e00-\u9fff]", piece)}
    return found


SAMPLED = 3000  # blocks looked at: the start of a document shows its layout, and the cost stays bounded


def texts(blocks: list[Block]) -> set[str]:
    out: set[str] = set()
    for block in blocks[:SAMPLED]:
        if isinstance(block, Table):
            out |= {norm(cell.text) for row in block.rows for cell in row}
        else:
            out.add(norm(block.text))
    return {t for t in out if t}


def best(blocks: list[Block]) -> str:
    seen = texts(blocks)
    scores = []
    for name in builtin_names():
        own = fragments(name)
        hits = sum(1 for frag in own if any(t.startswith(frag) for t in seen))
        scores.append((hits / max(len(own), 1), name))
    return max(scores, key=lambda s: s[0])[1] if scores else "shanghai-2023"


# A label cell and the value cell after it that prints a project's value: `<td>预算部门</td><td …>{{ project.unit }}`
# (or `{{ m.paras(project.goals.total) }}`); and `{% set funds = project.funding %}`, a name for part of a project.
LABELLED = re.compile(r"<td\b[^>{}]*>([^<>{}]{1,60})</td>\s*<td\b[^>{}]*>"
                      r"\{[{%]-?\s*(?:for\s+\w+\s+in\s+)?(?:\w+\.paras\(\s*)?([a-z_]\w*(?:\.[a-z_]\w*){0,3})")
# A label cell and the cell after it printing values among literal text: `<td>主管部门及编码</td><td>[{{ … }}]{{ … }}</td>`.
MIXED = re.compile(r"<td\b[^>{}]*>([^<>{}]{1,60})</td>\s*<td\b[^>{}]*>([^<>\n]{1,400}?)</td>")
# The indicator table's header row, the row of cells below it, and a cell printing an indicator's value.
ROWS = re.compile(r"<tr\b[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<td\b[^>]*>(.*?)</td>", re.S)
DOC = re.compile(r"<doc\b([^<>]*)>")  # its title="…" and author="…" become the document's properties
PROPERTY = re.compile(r'\b(title|author)="([^"<>]{0,400})"')
SHOWN = re.compile(r"\{\{[^{}]*\.value(?:\.value)?(?:\.text)?\s*(?:\||or\b|-?\}\})")
ALIAS = re.compile(r"\{%-?\s*set\s+([a-z_]\w*)\s*=\s*(project(?:\.[a-z_]\w*){0,2})\s*-?%\}")


# A paragraph of one line that prints a project's values among literal text:
# `<p>填表人: {{ project.filler or "" }} 联系电话:{{ project.phone or "" }} …</p>`; its tag may hold `{% if %}`.
LINE = re.compile(r"<p\b(?:[^<>{}]|\{%[^{}]{0,400}?%\})*>([^<>\n]{1,400})</p>")
VALUE = re.compile(r"\{\{-?\s*([a-z_]\w*(?:\.[a-z_]\w*){0,3})(?:\s+or\s+(?:\"\"|''))?\s*-?\}\}")


@dataclass(frozen=True)
class Wording:
    """How a template prints a project's values (see `wording`)."""

    labels: dict[str, str]  # norm(label of a cell) → the path of the value in the cell beside it
    lines: list[tuple[re.Pattern[str], tuple[str, ...]]]  # a paragraph's pattern → the paths of its groups
    cells: dict[str, tuple[re.Pattern[str], tuple[str, ...]]]  # norm(label) → the pattern of the cell beside it
    value_heads: set[str]  # norm(header) of the column printing the indicators' values
    literal: set[str]  # norm(text) of the paragraphs printing only literal text (a caption such as 绩效指标表)
    properties: dict[str, tuple[re.Pattern[str], tuple[str, ...]]]  # the document's title or author → its pattern


def _pattern(text: str, path: Callable[[str], str | None]) -> tuple[re.Pattern[str], tuple[str, ...]] | None:
    """Text printing values among literal text as a pattern with a group per value, and the values' paths;
    None unless every value is a project's (or the declaration's) and the literal text says something."""
    pieces = VALUE.split(text)  # literal, expression, literal, …
    literal, paths = pieces[0::2], [path(e) for e in pieces[1::2]]
    if not paths or None in paths or any(JINJA.search(t) for t in literal) or len(norm("".join(literal))) < 2:
        return None
    return re.compile("(.*?)".join(re.escape(t) for t in literal)), tuple(p or "" for p in paths)


def _value_heads(source: str) -> set[str]:
    """The header above the cell that prints an indicator's value, in the table row headed 一级指标."""
    rows = [CELL.findall(row) for row in ROWS.findall(source)]
    for head, below in zip(rows, rows[1:]):
        if any(norm(cell).startswith("一级指标") for cell in head):  # aligned from the right: a row label may lead
            return {norm(h) for h, cell in zip(head[::-1], below[::-1]) if SHOWN.search(cell) and not JINJA.search(h)}
    return set()


def wording(folder: Path) -> Wording:
    """The label a template prints beside each value of a project (`unit`, `goals.total`,
    `funding.budget` …, as the value's path in the project file; the first label found for a path
    wins), the cells and paragraphs that print values among literal text, as patterns (a path
    `declaration.year` for the declaration's), and the header of its indicator value column."""
    found = Wording({}, [], {}, set(), set(), {})
    for source in _files(folder):
        names = {alias: path for alias, path in ALIAS.findall(source)}

        def path(expression: str) -> str | None:
            head, _, rest = expression.partition(".")
            full = f"{names[head]}.{rest}" if head in names else expression
            if full.startswith("declaration."):
                return full
            return full.removeprefix("project.") if full.startswith("project.") else None

        for label, expression in LABELLED.findall(source):
            if (found_path := path(expression)) and norm(label) and not found_path.startswith("declaration."):
                found.labels.setdefault(norm(label), found_path)
        for label, text in MIXED.findall(source):
            if norm(label) not in found.labels and (pattern := _pattern(text, path)):
                found.cells.setdefault(norm(label), pattern)
        for line in LINE.findall(source):
            if pattern := _pattern(line, path):
                found.lines.append(pattern)
            elif not JINJA.search(line) and norm(line):
                found.literal.add(norm(line))
        found.value_heads.update(_value_heads(source))
        for tag in DOC.findall(source)[:1]:
            for key, text in PROPERTY.findall(tag):
                if pattern := _pattern(text, path):
                    found.properties.setdefault(key, pattern)
    return found


def framework_of(name: str) -> str:
    """The framework a built-in template names (its template.yaml's `framework`)."""
    folder = builtin(name)
    return str(load(folder).meta.get("framework") or name) if folder is not None else name
