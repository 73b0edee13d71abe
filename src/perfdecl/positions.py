"""Positions in the user's files: a `Position`, and the `Source` that knows where each value stands.

The YAML loader fills a `Source` as it reads a file; diagnostics point into
it by YAML path (`source.at("items", 0, "budget")`), and a rule that found
words inside a long text asks `source.locate` for the line and column of
those words.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import NamedTuple, TypeVar

YamlPath = tuple[object, ...]  # keys and list indexes from the document's root to a value
_T = TypeVar("_T")


class Position(NamedTuple):
    path: str
    line: int  # 1-based
    col: int  # 1-based


class Source:
    """One file as read: its text lines and the position of every value."""

    def __init__(self, path: Path, display: str, text: str = "") -> None:
        self.path = path
        self.display = display
        self.lines = text.splitlines()
        self.values: dict[YamlPath, tuple[int, int]] = {}
        self.keys: dict[YamlPath, tuple[int, int]] = {}
        # Source text of the values read as numbers, booleans or dates.
        self.scalars: dict[YamlPath, str] = {}
        # Texts as written where the loader filled in `{{ … }}` (the model holds the filled-in text).
        self.templates: dict[YamlPath, str] = {}
        # 1-based line -> its comment, from `#` to the end of the line.
        self.comments: dict[int, str] = {}

    def alias(self, renames: dict[YamlPath, YamlPath]) -> None:
        """Record what stands under each old path (all of one length) under its new path as well: for
        a value written in one place and read in another (an indicator row, at its place in the tree)."""
        for table in (self.values, self.keys):
            _alias(table, renames)
        for texts in (self.scalars, self.templates):
            _alias(texts, renames)

    def at(self, *path: object) -> Position:
        """Position of the value at `path`, or of its nearest known parent."""
        key = tuple(path)
        while key not in self.values and key:
            key = key[:-1]
        line, col = self.values.get(key, (1, 1))
        return Position(self.display, line, col)

    def key_at(self, *path: object) -> Position:
        """Position of the key that names `path` (the value's, for list items)."""
        found = self.keys.get(tuple(path))
        return Position(self.display, *found) if found else self.at(*path)

    def locate(self, path: YamlPath, text: str, start: int, end: int) -> Position:
        """The line:col in the file of `text[start:end]`, where `text` is the value at `path`.

        The value's lines run from its position (a block scalar's indicator line)
        to the next line indented at or left of its key. We look there for the
        same occurrence of the matched words as in the text; a space between
        words may stand for a line break and indentation, as YAML folds `>`
        texts and multi-line plain and quoted ones. A text changed by `{{ }}`
        may not be found: then the value's position is the answer.
        """
        base = self.at(*path)
        words = text[start:end].split()
        if not words or not 0 < base.line <= len(self.lines):
            return base
        pattern = re.compile(r"\s+".join(map(re.escape, words)))
        nth = len(pattern.findall(text, 0, start))
        first = base.line - 1
        lines = [self.lines[first][base.col - 1:], *self.lines[first + 1:self._value_end(path, first)]]
        found = list(pattern.finditer("\n".join(lines)))
        if not found:
            return base
        offset = found[min(nth, len(found) - 1)].start()
        for index, line in enumerate(lines):
            if offset <= len(line):
                return Position(base.path, first + index + 1, offset + 1 + (base.col - 1 if index == 0 else 0))
            offset -= len(line) + 1
        return base

    def _value_end(self, path: YamlPath, first: int) -> int:
        """The index of the line after the value that starts on line index `first`.

        A value's continuation lines are indented right of its key (of its line,
        for a list item); blank lines may lie between them.
        """
        key = self.keys.get(tuple(path))
        line = self.lines[first]
        indent = key[1] - 1 if key else len(line) - len(line.lstrip(" "))
        for index in range(first + 1, len(self.lines)):
            line = self.lines[index]
            if line.strip() and len(line) - len(line.lstrip(" ")) <= indent:
                return index
        return len(self.lines)

    def locate_in_key(self, path: YamlPath, key: str, start: int, end: int) -> Position:
        """Position of `key[start:end]` in the key at `path` (keys sit on one line)."""
        pos = self.key_at(*path)
        line = self.lines[pos.line - 1] if 0 < pos.line <= len(self.lines) else ""
        col = line.find(key[start:end], pos.col - 1)
        return Position(pos.path, pos.line, col + 1) if col >= 0 else pos


def _alias(table: dict[YamlPath, _T], renames: dict[YamlPath, YamlPath]) -> None:
    depth = len(next(iter(renames), ()))
    moved = {renames[path[:depth]] + path[depth:]: where for path, where in table.items() if path[:depth] in renames}
    for path, where in moved.items():
        table.setdefault(path, where)
