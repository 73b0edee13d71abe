"""Which source positions each cell and paragraph of a rendered page was made from (`perfdecl serve`).

A traced render lets the template run as usual but watches it read the data.
Every attribute or item it reads from a model is named by its YAML path in the
file the model came from (a project's `funding.total`, a line item's amount is
`items.0.lines.rows.3.3`); the nearest path the loader knows a position for
becomes a *spot*. What a `{{ … }}` prints is preceded by invisible markers
naming the spots it was made from (one private-use character each); the HTML
writer (`page.to_html`) takes the markers out again and marks the `<td>` or
`<p>` that held them. A finding belongs to the spot at or just before its
position in the same file: the value it points into, or the key naming one.

Nothing here knows a template or a form: any template, any data.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence

from pydantic import BaseModel

from ..load import Bundle
from ..positions import Position, Source, YamlPath

FIRST = 0xF0000  # markers: Supplementary Private Use Area-A, one character per spot
MAX_SPOTS = 0xFFFE  # spots beyond this many are not marked (a page that large is not read cell by cell)
MAX_LINES = 100_000  # text lines remembered to mark the paragraphs a filter splits a text into
MAX_PENDING = 64  # reads remembered until the next `{{ … }}` (a loop that only tests values reads many)
MAX_SPREAD = 50  # elements one finding may mark through the values below the one it points at
MARKER = re.compile("[\U000f0000-\U000ffffd]")

Spot = tuple[str, YamlPath]  # (file as displayed, YAML path)


def spots_in(text: str) -> set[int]:
    """The spot numbers marked in `text`."""
    return {ord(ch) - FIRST for ch in MARKER.findall(text)}


def unmarked(text: str) -> str:
    return MARKER.sub("", text)


class Tracer:
    """Spots of one render: which data the template read, and what each `{{ … }}` printed it into."""

    def __init__(self, bundle: Bundle) -> None:
        self.owners: dict[int, tuple[Source, YamlPath]] = {}  # id() of each model, list, dict, tuple → its path
        self.spots: list[Spot] = []
        self.numbers: dict[Spot, int] = {}
        # spots read since the last `{{ … }}`: (spot, the value read, whether the source has the value itself)
        self.pending: deque[tuple[int, object, bool]] = deque(maxlen=MAX_PENDING)
        self.lines: dict[str, int] = {}  # a line of a text read → the text's spot
        self._split: set[int] = set()  # the spots of the texts in `lines`
        self.printed: set[int] = set()  # the spots some `{{ … }}` marked
        self._inside: dict[Spot, list[int]] | None = None  # see `_within`, once the render is done
        self._tables: dict[str, tuple[list[tuple[int, int]], list[YamlPath]]] = {}
        self._sources = bundle.sources
        self._walk(bundle.declaration, bundle.declaration.source, ())
        for project in bundle.projects:
            self._walk(project, project.source, ())

    def _walk(self, obj: object, source: Source, path: YamlPath) -> None:
        """Remember the path of every container in a model (iteratively: data may nest deep)."""
        stack = [(obj, path)]
        while stack:
            obj, path = stack.pop()
            if isinstance(obj, BaseModel):
                children: Iterable[tuple[object, object]] = ((n, getattr(obj, n)) for n in type(obj).model_fields)
            elif isinstance(obj, dict):
                children = obj.items()
            elif isinstance(obj, (list, tuple)):
                children = enumerate(obj)
            else:
                continue
            self.owners[id(obj)] = (source, path)
            stack.extend((child, (*path, key)) for key, child in children)

    def read(self, obj: object, key: object, value: object) -> None:
        """The template read `obj.key` or `obj[key]` and got `value`."""
        owner = self.owners.get(id(obj))
        if owner is None:  # a part of a value read from the data (an amount's text) comes from there too
            self.pending.extend([(n, value, given) for n, read, given in self.pending if read is obj])
            return
        if id(value) in self.owners:
            return  # a container the template will read further
        source, path = owner
        fields = getattr(obj, "_fields", None)  # a NamedTuple row is a list in the YAML
        if isinstance(obj, tuple) and fields and key in fields:
            key = fields.index(key)
        path = (*path, key)
        number = self._spot(source, path)
        if number is None:
            return
        self.pending.append((number, value, path in source.values))
        if isinstance(value, str) and "\n" in value and number not in self._split:  # a filter may print it by line
            self._split.add(number)
            for line in value.splitlines():
                if line.strip() and len(self.lines) < MAX_LINES:
                    self.lines.setdefault(line, number)

    def _spot(self, source: Source, path: YamlPath) -> int | None:
        """The spot of the nearest path at or above `path` that has a position in `source`."""
        while path and path not in source.values:
            path = path[:-1]
        if not path:
            return None
        spot = (source.display, path)
        number = self.numbers.get(spot)
        if number is None and len(self.spots) < MAX_SPOTS:
            number = self.numbers[spot] = len(self.spots)
            self.spots.append(spot)
        return number

    def finalize(self, value: object) -> object:
        """Jinja's `finalize`: what a `{{ … }}` prints, after the markers of the spots it was made from."""
        if hasattr(value, "__html__"):
            return value  # a macro's output: its own `{{ … }}` are marked already
        pending, self.pending = self.pending, deque(maxlen=MAX_PENDING)
        # what is printed as read; else what it was made of, not counting defaults (a value the source lacks)
        numbers = [n for n, read, _ in pending if read is value] or [n for n, _, given in pending if given]
        if not numbers and isinstance(value, str) and value in self.lines:
            numbers = [self.lines[value]]
        self.printed.update(numbers)
        text = unmarked(str(value))  # data cannot forge a marker
        return "".join(chr(FIRST + n) for n in dict.fromkeys(numbers)) + text

    def spots_at(self, pos: Position) -> list[int]:
        """The spots a finding at `pos` belongs to: the value (or key) at or before it in its file, else
        everything printed from inside that value; else, for a value not printed (a date that only a
        text mentions), the first thing printed from inside the nearest value around it (a heading)."""
        source = self._sources.get(pos.path)
        if source is None:
            return []
        starts, paths = self._table(source)
        i = bisect_right(starts, (pos.line, pos.col)) - 1
        if i < 0:
            return []
        within = self._within()
        path = paths[i]
        for depth in range(len(path), 0, -1):
            found = within.get((pos.path, path[:depth]))
            if found:
                return found[:MAX_SPREAD] if depth == len(path) else found[:1]
        return []

    def _within(self) -> dict[Spot, list[int]]:
        """(file, path) → the spots at or below that path that were printed, in the order they were read."""
        if self._inside is None:
            self._inside = {}
            for number, (file, path) in enumerate(self.spots):
                if number not in self.printed:
                    continue
                for depth in range(1, len(path) + 1):
                    self._inside.setdefault((file, path[:depth]), []).append(number)
        return self._inside

    def _table(self, source: Source) -> tuple[list[tuple[int, int]], list[YamlPath]]:
        """Every position of a value or key in `source`, in order, with its path (a value wins over
        the first key of the mapping it is, which starts at the same place)."""
        table = self._tables.get(source.display)
        if table is None:
            at = {position: path for path, position in source.keys.items()}
            at.update((position, path) for path, position in source.values.items())
            starts = sorted(at)
            table = self._tables[source.display] = (starts, [at[s] for s in starts])
        return table


def owners(tracer: Tracer, findings: Sequence[Position]) -> dict[int, list[int]]:
    """spot → the findings (indexes into `findings`) it shows."""
    found: dict[int, list[int]] = {}
    for n, pos in enumerate(findings):
        for spot in tracer.spots_at(pos):
            found.setdefault(spot, []).append(n)
    return found


def marker(owned: Mapping[int, list[int]],
           attributes: Callable[[list[int]], dict[str, str]]) -> Callable[[set[int]], dict[str, str]]:
    """For `page.to_html`: the attributes of an element made from some spots (none if no finding is there)."""
    def mark(spots: set[int]) -> dict[str, str]:
        findings = sorted({n for s in spots for n in owned.get(s, ())})
        return attributes(findings) if findings else {}

    return mark
