"""Read a YAML file into plain data, remembering where every value stood.

PyYAML's safe composer gives the node tree; we build the data ourselves so
that we can: keep each value's line and column, refuse duplicate keys (PyYAML
keeps the last and loses the first), read floats as exact Decimals, refuse
tags that are not plain data, and bound alias expansion ("billion laughs").
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, Position, diag

MAX_NODES = 200_000  # values built from one file, aliases expanded
MAX_BYTES = 20 * 1024 * 1024
_SAFE = SafeConstructor()
# XML 1.0 (and so Word) cannot store these; tab, LF and CR are fine.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_TAG = "tag:yaml.org,2002:"


class Source:
    """One file as read: its text lines and the position of every value."""

    def __init__(self, path: Path, display: str, text: str = "") -> None:
        self.path = path
        self.display = display
        self.lines = text.splitlines()
        self.values: dict[tuple, tuple[int, int]] = {}
        self.keys: dict[tuple, tuple[int, int]] = {}

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


class _TooBig(Exception):
    pass


class _Builder:
    def __init__(self, source: Source) -> None:
        self.source = source
        self.diags: list[Diagnostic] = []
        self.count = 0

    def pos(self, node) -> Position:
        m = node.start_mark
        return Position(self.source.display, m.line + 1, m.column + 1)

    def build(self, node, path: tuple):
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(f"超过 {MAX_NODES} 个值")
        self.source.values.setdefault(path, (node.start_mark.line + 1, node.start_mark.column + 1))
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        if isinstance(node, SequenceNode):
            self.plain_tag(node, "seq")
            return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]
        return self.scalar(node, path)

    def plain_tag(self, node, kind: str) -> bool:
        if node.tag == _TAG + kind:
            return True
        self.diags.append(diag("PD004", self.pos(node), what=f"标签 {node.tag}"))
        return False

    def mapping(self, node: MappingNode, path: tuple) -> dict:
        self.plain_tag(node, "map")
        out: dict = {}
        first_line: dict[str, int] = {}
        for knode, vnode in node.value:
            if not isinstance(knode, ScalarNode):
                self.diags.append(diag("PD004", self.pos(knode), what="键必须是文字"))
                continue
            key = knode.value
            if knode.tag == _TAG + "merge":
                self.diags.append(diag("PD004", self.pos(knode), what="合并键 <<"))
                continue
            if key in first_line:
                self.diags.append(diag("PD003", self.pos(knode), key=key, first=first_line[key]))
                continue
            first_line[key] = knode.start_mark.line + 1
            self.source.keys[path + (key,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = self.build(vnode, path + (key,))
        return out

    def scalar(self, node: ScalarNode, path: tuple):
        tag = node.tag.removeprefix(_TAG)
        if tag == "str":
            return self.text(node)
        if tag == "float":
            return _decimal(node.value)
        if tag in ("int", "bool", "null"):
            return getattr(_SAFE, f"construct_yaml_{tag}")(node)
        if tag == "timestamp":
            try:
                value = _SAFE.construct_yaml_timestamp(node)
            except ValueError as e:
                self.diags.append(diag("PD008", self.pos(node), value=node.value, reason=_date_reason(e)))
                return node.value
            return value.date() if isinstance(value, dt.datetime) else value
        if tag == "value":  # a lone "=" is a YAML 1.1 "value" tag; for us it is text
            return node.value
        self.diags.append(diag("PD004", self.pos(node), what=f"标签 {node.tag}"))
        return None

    def text(self, node: ScalarNode) -> str:
        value = node.value
        bad = _ILLEGAL.findall(value)
        if bad:
            chars = " ".join(sorted({f"U+{ord(c):04X}" for c in bad}))
            self.diags.append(diag("PD013", self.pos(node), chars=chars))
            value = _ILLEGAL.sub("", value)
        return value


def _decimal(text: str) -> Decimal | str:
    cleaned = text.replace("_", "")
    lowered = cleaned.lower()
    if lowered.endswith((".inf", ".nan")):
        return Decimal("NaN") if "nan" in lowered else Decimal(lowered.replace(".inf", "Infinity"))
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # sexagesimal and other YAML 1.1 oddities: keep the text
        return text


def _date_reason(e: ValueError) -> str:
    msg = str(e)
    if "day is out of range" in msg:
        return "该月没有这一天"
    if "month must be" in msg:
        return "月份应在 1 到 12 之间"
    return msg


def decode(data: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (BOM accepted), or a diagnostic naming the encoding problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        head = data[: e.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        guess = ""
        if data.startswith((b"\xff\xfe", b"\xfe\xff")):
            guess = "（看起来是 UTF-16）"
        else:
            try:
                data.decode("gb18030")
                guess = "（看起来是 GBK/GB18030，Windows 中文版编辑器的默认编码）"
            except UnicodeDecodeError:
                pass
        return None, [diag("PD002", Position(display, line, col), guess=guess)]


def _hint(problem: str) -> str:
    if "'\\t'" in problem:
        return "。缩进不能用制表符（Tab），请改用空格"
    if "block scalar" in problem or "chomping" in problem or "indentation indicator" in problem:
        return "。以 > 或 | 开头的文字需加引号，例如 \">=90%\""
    if "found unexpected end of stream" in problem or "quoted scalar" in problem:
        return "。可能有未闭合的引号"
    if "mapping values are not allowed" in problem:
        return "。值中含有“: ”时需加引号"
    return ""


def parse(text: str, source: Source) -> tuple[object, list[Diagnostic]]:
    """The data of one YAML document, with positions recorded in `source`."""
    builder = _Builder(source)
    try:
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return None, []
        return builder.build(node, ()), builder.diags
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        pos = Position(source.display, mark.line + 1, mark.column + 1) if mark else Position(source.display, 1, 1)
        problem = " ".join(p for p in (e.context, e.problem) if p)
        return None, [*builder.diags, diag("PD001", pos, problem=problem, hint=_hint(problem))]
    except yaml.YAMLError as e:
        return None, [*builder.diags, diag("PD001", Position(source.display, 1, 1), problem=str(e), hint="")]
    except RecursionError:
        return None, [diag("PD005", Position(source.display, 1, 1), what="嵌套过深")]
    except _TooBig as e:
        return None, [*builder.diags[:20], diag("PD005", Position(source.display, 1, 1), what=str(e))]


def load(path: Path, display: str) -> tuple[object, Source, list[Diagnostic]]:
    """Read and parse one file; problems come back as diagnostics, never raised."""
    source = Source(path, display)
    try:
        if path.stat().st_size > MAX_BYTES:
            return None, source, [diag("PD005", source.at(), what=f"文件超过 {MAX_BYTES // 2**20} MB")]
        raw = path.read_bytes()
    except OSError as e:
        return None, source, [diag("PD007", source.at(), what=f"无法读取文件：{e.strerror}",
                                   what_en=f"cannot read file: {e.strerror}")]
    text, diags = decode(raw, display)
    if text is None:
        return None, source, diags
    source.lines = text.splitlines()
    data, diags = parse(text, source)
    return data, source, diags
