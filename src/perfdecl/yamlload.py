"""Read a YAML file into plain data, remembering where every value stood.

PyYAML's safe composer gives the node tree (libyaml's when it is installed and
the text cannot nest deep enough to overflow its C stack); we build the data
ourselves so that we can: keep each value's line and column, refuse duplicate
keys (PyYAML keeps the last and loses the first), read numbers as exact
Decimals, refuse tags that are not plain data, and bound alias expansion
("billion laughs") and nesting.

Plain scalars are read as a form-filler means them, close to YAML 1.2 rather
than PyYAML's YAML 1.1: `yes`/`no`/`on`/`off`, `0x1F`, `017`, `1:30`, `1_000`,
`.inf`, `.nan` and exponents (`3.0e+4`) stay text (a field that wants a number or a boolean parses
the text itself); `true`/`false`, decimal integers, decimals, dates and
date-times are typed, and their source text is kept in `Source.scalars` so
that a text field given `2023` or `2023-01-01` can take the text as written.

PyYAML's scanner drops comments; `Source.comments` finds them again (a `#`
after a blank, outside every scalar) so that `# perfdecl: ignore[…]` is
honoured only where it is a comment, never inside a text.
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .diagnostics import Diagnostic, diag
from .paths import TooLarge, Unreadable, read_regular
from .positions import Position, Source, YamlPath
from .text import Text

MAX_NODES = 50_000  # values built from one file, aliases expanded (real files hold a few thousand)
MAX_DEPTH = 100  # nesting levels; real files use fewer than 10
MAX_BYTES = 20 * 1024 * 1024
_C_DEPTH = 1000  # libyaml recurses in C: only give it text that cannot nest deeper
_TOO_DEEP = Text(f"嵌套超过 {MAX_DEPTH} 层", f"nested more than {MAX_DEPTH} levels")
_SAFE = SafeConstructor()
# XML 1.0 (and so Word) cannot store these; tab, LF and CR are fine.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
# YAML cannot read these raw (a superset of the above); they are removed before parsing.
_UNREADABLE = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")  # YAML's line breaks
# A line's indentation and the dashes of its list items; lines may end in any of YAML's breaks.
_PREFIX = re.compile("(?:^|(?<=[\r\x85\u2028\u2029]))[ \t?:-]+", re.M)
_INT = re.compile(r"[-+]?(?:0|[1-9][0-9]{0,99})")
# Decimals as a form prints them, of a bounded length; `3.0e+4` and `1.0e+999999999` stay text
# (a field that wants a number refuses them) and never reach Decimal.
_FLOAT = re.compile(r"[-+]?(?=[0-9.]{2,100}$)(?:[0-9]+\.[0-9]*|\.[0-9]+)")
_BOOL = {"true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False}
_TAG = "tag:yaml.org,2002:"
_STR, _NULL, _MERGE = _TAG + "str", _TAG + "null", _TAG + "merge"
_KEY_TAGS = {_TAG + t for t in ("str", "int", "float", "bool", "null", "timestamp", "value")}
# Plain scalars the builder types: words (`yes`, `on` or `=` resolve to tags the builder reads as
# text anyway) and what starts like a number or a date.
_WORDS = {**dict.fromkeys(("true", "True", "TRUE", "false", "False", "FALSE"), _TAG + "bool"),
          **dict.fromkeys(("null", "Null", "NULL", "~"), _NULL), "<<": _MERGE}
_NUMERIC_START = frozenset("0123456789+-.")


class _Resolver:
    """PyYAML's resolver, asked only about plain scalars that the builder may type.

    Most scalars of a declaration are Chinese text or key names: trying PyYAML's
    implicit resolvers' regular expressions on each is a good part of parsing.
    """

    def resolve(self, kind: type[Node], value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR  # quoted or block text
            tag = _WORDS.get(value)
            if tag is not None:
                return tag
            if value and value[0] not in _NUMERIC_START:
                return _STR
        return super().resolve(kind, value, implicit)  # type: ignore[misc]


class _PyLoader(_Resolver, yaml.SafeLoader):
    pass


_CLoader = type("_CLoader", (_Resolver, yaml.CSafeLoader), {}) if hasattr(yaml, "CSafeLoader") else None


def builtin(text: str) -> Any:
    """The data of a YAML file that ships with perfdecl (a built-in framework): by libyaml when
    PyYAML has it (its pure-Python parser takes 3 ms for a framework), with none of the positions
    or limits a user's file gets."""
    return yaml.load(text, Loader=yaml.CSafeLoader if _CLoader is not None else yaml.SafeLoader)


class _Mark(Protocol):  # where PyYAML (or libyaml) is in the text
    line: int
    column: int


class _TooBig(Exception):
    def __init__(self, mark: _Mark, what: Text) -> None:
        super().__init__(what.en)
        self.line, self.col, self.what = mark.line + 1, mark.column + 1, what


def clean_text(value: str) -> tuple[str, str | None]:
    """`value` without the characters Word cannot store, and their names (or None)."""
    bad = _ILLEGAL.findall(value)
    if not bad:
        return value, None
    return _ILLEGAL.sub("", value), _names(bad)


def _names(chars: list[str]) -> str:
    return " ".join(sorted({f"U+{ord(c):04X}" for c in chars}))


class _Builder:
    def __init__(self, source: Source, hashes: list[int]) -> None:
        self.source = source
        self.diags: list[Diagnostic] = []
        self.count = 0
        self.hashes = set(hashes)  # 0-based lines holding a `#`
        self.spans: list[tuple[int, int, int, int]] = []  # scalars that may hide a `#`: start line, col, end line, col

    def span(self, node: ScalarNode) -> None:
        start, end = node.start_mark, node.end_mark
        if start.line in self.hashes or end.line != start.line:
            # a block scalar's text starts on the next line: its indicator line can end in a comment
            first = (start.line + 1, 0) if node.style in ("|", ">") else (start.line, start.column)
            self.spans.append((*first, end.line, end.column))

    def pos(self, node: Node) -> Position:
        m = node.start_mark
        return Position(self.source.display, m.line + 1, m.column + 1)

    def build(self, node: Node, path: YamlPath) -> object:
        self.count += 1
        if self.count > MAX_NODES:
            raise _TooBig(node.start_mark, Text(f"超过 {MAX_NODES} 个值", f"more than {MAX_NODES} values"))
        if len(path) > MAX_DEPTH:
            raise _TooBig(node.start_mark, _TOO_DEEP)
        mark = node.start_mark
        self.source.values.setdefault(path, (mark.line + 1, mark.column + 1))
        if isinstance(node, ScalarNode):  # the most common first
            if self.hashes:
                self.span(node)
            if node.tag == _STR and node.style != '"':
                return node.value  # most values: plain text that needs nothing more
            return self.scalar(node, path)
        if isinstance(node, MappingNode):
            return self.mapping(node, path)
        self.plain_tag(node, "seq")
        return [self.build(item, path + (i,)) for i, item in enumerate(node.value)]

    def plain_tag(self, node: Node, kind: str) -> bool:
        if node.tag == _TAG + kind:
            return True
        self.diags.append(diag("PD004", self.pos(node), what=Text(f"标签 {node.tag}", f"tag {node.tag}")))
        return False

    def mapping(self, node: MappingNode, path: tuple) -> dict:
        self.plain_tag(node, "map")
        out: dict = {}
        first_line: dict[str, int] = {}
        for knode, vnode in node.value:
            if knode.tag == _MERGE:
                self.diags.append(diag("PD004", self.pos(knode), what=Text("合并键 <<", "merge key <<")))
                continue
            if not isinstance(knode, ScalarNode) or knode.tag not in _KEY_TAGS:
                self.diags.append(diag("PD004", self.pos(knode), what=Text("键必须是文字", "a key must be text")))
                continue
            if self.hashes:
                self.span(knode)
            key = self.text(knode)
            if key in first_line:
                self.diags.append(diag("PD003", self.pos(knode), key=key, first=first_line[key]))
                continue
            first_line[key] = knode.start_mark.line + 1
            self.source.keys[path + (key,)] = (knode.start_mark.line + 1, knode.start_mark.column + 1)
            out[key] = self.build(vnode, path + (key,))
        return out

    def scalar(self, node: ScalarNode, path: YamlPath) -> object:
        tag, text = node.tag, node.value
        if tag == _STR:
            return self.text(node)
        if tag == _NULL:
            return None
        kind = tag.removeprefix(_TAG)
        if kind == "timestamp" and _SAFE.timestamp_regexp.match(text):
            try:
                value = _SAFE.construct_yaml_timestamp(node)
            except ValueError as e:
                self.diags.append(diag("PD008", self.pos(node), value=text, reason=Text(date_reason(e), str(e))))
                return text
            self.source.scalars[path] = text
            return value  # a date, or a date-time that a date field refuses
        if kind in ("int", "float", "bool", "timestamp", "value", "merge"):
            typed = _typed(text)
            if typed is None:  # 0x1F, 1:30, yes, .inf, a lone "=": text, as YAML 1.2 reads them
                return self.text(node)
            self.source.scalars[path] = text
            return typed
        self.diags.append(diag("PD004", self.pos(node), what=Text(f"标签 {tag}", f"tag {tag}")))
        return None

    def text(self, node: ScalarNode) -> str:
        if node.style != '"':  # only escapes in double quotes can make what the raw scan removed
            return node.value
        value, chars = clean_text(node.value)
        if chars:
            self.diags.append(diag("PD013", self.pos(node), chars=chars))
        return value


def _typed(text: str) -> bool | int | Decimal | None:
    """A plain scalar as true/false, a decimal integer or an exact decimal; None otherwise."""
    if text in _BOOL:
        return _BOOL[text]
    if _INT.fullmatch(text):
        return int(text)
    if _FLOAT.fullmatch(text):
        return Decimal(text)
    return None


def date_reason(e: ValueError) -> str:
    msg = str(e)
    if "day is out of range" in msg:
        return "该月没有这一天"
    if "month must be" in msg:
        return "月份应在 1 到 12 之间"
    if "year" in msg:
        return "年份超出范围"
    if "hour" in msg or "minute" in msg or "second" in msg:
        return "时间无效"
    return msg


def decode(data: bytes, display: str) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text (BOM accepted), or a diagnostic naming the encoding problem."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    utf16 = data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.count(b"\x00") * 4 > len(data) > 0
    try:
        if utf16:  # valid UTF-8 too when it is mostly ASCII, but not what the user meant
            raise UnicodeDecodeError("utf-8", data, 0, 1, "UTF-16")
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        head = data[: e.start]
        line = head.count(b"\n") + 1
        col = len(head[head.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
        guess = Text("", "")
        if utf16:
            guess = Text("（看起来是 UTF-16，记事本称“Unicode”）", " (it looks like UTF-16, Notepad's “Unicode”)")
        else:
            try:
                data.decode("gb18030")
                guess = Text("（看起来是 GBK/GB18030，Windows 中文版编辑器的默认编码）",
                             " (it looks like GBK/GB18030, the default of Chinese Windows editors)")
            except UnicodeDecodeError:
                pass
        return None, [diag("PD002", Position(display, line, col), guess=guess)]


def _remove_unreadable(text: str, display: str) -> tuple[str, list[Diagnostic]]:
    """`text` without raw control characters, with a PD013 for each line that had some."""
    if _UNREADABLE.search(text) is None:
        return text, []
    diags = []
    for i, line in enumerate(_BREAK.split(text)):
        found = _UNREADABLE.findall(line)
        if found:
            diags.append(diag("PD013", Position(display, i + 1, line.index(found[0]) + 1), chars=_names(found)))
    return _UNREADABLE.sub("", text), diags


_EXPLAIN = (  # (what PyYAML says, Chinese explanation, English hint after PyYAML's own words)
    ("'\\t'", "缩进不能用制表符（Tab），请改用空格", "; indent with spaces, not tabs"),
    ("block scalar", "以 > 或 | 开头的文字需加引号，例如 \">=90%\"", "; quote text that starts with > or |, e.g. \">=90%\""),
    ("quoted scalar", "引号未闭合", "; a quote is left open"),
    ("mapping values are not allowed", "值中含有“: ”时需加引号（也可能是缩进有误）",
     "; quote values that contain ': ' (or the indentation is wrong)"),
    ("undefined alias", "以 * 开头的值需加引号", "; quote values that start with *"),
    ("cannot start any token", "以 @ ` % 等符号开头的值需加引号", "; quote values that start with @, ` or %"),
    ("expected <block end>", "缩进不一致：同一层的键应对齐", "; inconsistent indentation: keys of one level must line up"),
    ("while parsing a flow", "[ 或 { 未闭合，或其中含逗号的值未加引号", "; a [ or { is left open, or a value in it "
     "holds a comma and needs quotes"),
    ("single document", "一个文件只能有一个 YAML 文档（不要用 --- 分隔）", "; one file holds one document (no ---)"),
)


def _explain(problem: str) -> Text:
    return next((Text(zh, en) for key, zh, en in _EXPLAIN if key in problem), Text("文件不是有效的 YAML", ""))


_QUOTE = re.compile(r"""(?:^\s*|[:\[{,-]\s+)(["'])""")


def _unclosed_quote(lines: list[str], upto: int) -> tuple[int, int] | None:
    """(line, col) of the first value that opens a quote and does not close it on its line, before `upto`."""
    for number, line in enumerate(lines[:upto], start=1):
        m = _QUOTE.search(line)
        if m is None:
            continue
        rest = line[m.end():]
        closed = re.search(r'(?<!\\)"', rest) if m.group(1) == '"' else re.search("'", rest.replace("''", ""))
        if not closed:
            return number, m.start(1) + 1
    return None


_COMMENT = re.compile(r"(?:^|(?<=[ \t]))#")


def _comments(lines: list[str], hashes: list[int], spans: list[tuple[int, int, int, int]]) -> dict[int, str]:
    """The YAML comments: on each line, the first `#` at its start or after a blank that no scalar covers."""
    covered: dict[int, list[tuple[int, int]]] = {}
    for first, col, last, end in spans:
        for i in hashes[bisect_left(hashes, first): bisect_right(hashes, last)]:
            covered.setdefault(i, []).append((col if i == first else 0, end if i == last else len(lines[i]) + 1))
    found = {}
    for i in hashes:
        for m in _COMMENT.finditer(lines[i]):
            if not any(a <= m.start() < b for a, b in covered.get(i, ())):
                found[i + 1] = lines[i][m.start():]
                break
    return found


def _may_nest_deeply(text: str) -> bool:
    """Whether `text` could nest more than _C_DEPTH levels (a cheap upper bound).

    Flow collections nest at most once per bracket; a block collection nests
    only inside one that starts further left, so at most twice per column of a
    line's indentation and dashes.
    """
    brackets = text.count("[") + text.count("{")
    indent = max(map(len, _PREFIX.findall(text)), default=0)
    return brackets + 2 * indent + 2 > _C_DEPTH


def _compose(text: str) -> Node | None:
    if _CLoader is not None:
        if _may_nest_deeply(text):
            _check_depth(text)
        loader = _CLoader(text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:
            pass  # read again below: PyYAML's messages say more
        finally:
            loader.dispose()
    loader = _PyLoader(text)
    try:
        return loader.get_single_node()
    except RecursionError:
        raise _TooBig(loader.get_mark(), Text("嵌套过深", "nested too deeply")) from None
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """Raise _TooBig at the first collection nested deeper than MAX_DEPTH.

    PyYAML's pure-Python parser is a state machine, so its events can be
    counted however deep the text nests (the composers recurse and would
    overflow; newer libyaml scanners stop at their own depth limit, elsewhere).
    """
    loader = yaml.SafeLoader(text)
    depth = 0
    try:
        while loader.check_event():
            event = loader.get_event()
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_DEPTH + 1:  # the document's own collection is depth 1, path ()
                    raise _TooBig(event.start_mark or loader.get_mark(), _TOO_DEEP)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass  # the composers report it
    finally:
        loader.dispose()


def _check_aliases(root: Node) -> None:
    """Raise _TooBig if aliases expand to more than MAX_NODES values or contain themselves."""
    sizes: dict[int, int] = {}

    def size(node: Node, depth: int) -> int:
        if isinstance(node, ScalarNode):
            return 1
        if depth > MAX_DEPTH:
            raise _TooBig(node.start_mark, _TOO_DEEP)
        known = sizes.get(id(node))
        if known is not None:
            if known < 0:
                raise _TooBig(node.start_mark, Text("别名引用了自身", "an alias refers to itself"))
            return known
        sizes[id(node)] = -1
        children = node.value if isinstance(node, SequenceNode) else [n for pair in node.value for n in pair]
        total = 1 + sum(size(child, depth + 1) for child in children)
        if total > MAX_NODES:
            raise _TooBig(node.start_mark, Text(f"别名展开后超过 {MAX_NODES} 个值",
                                                f"aliases expand to more than {MAX_NODES} values"))
        sizes[id(node)] = total
        return total

    size(root, 0)


def parse(text: str, source: Source) -> tuple[object, list[Diagnostic]]:
    """The data of one YAML document, with positions recorded in `source`."""
    text, diags = _remove_unreadable(text, source.display)
    if diags:
        source.lines = text.splitlines()
    hashes = [i for i, line in enumerate(source.lines) if "#" in line]
    builder = _Builder(source, hashes)
    try:
        node = _compose(text)
        if node is None:
            return None, diags
        if "&" in text and "*" in text:
            _check_aliases(node)
        data = builder.build(node, ())
        source.comments = _comments(source.lines, hashes, builder.spans)
        return data, diags + builder.diags
    except yaml.MarkedYAMLError as e:
        # Where a quote, a > or a [ began, when YAML only noticed at the end of the value or the file.
        context, said = e.context or "", e.problem or ""
        began = "scanning a" in context and "scalar" in context or "stream end" in said
        mark = e.context_mark if began and e.context_mark else (e.problem_mark or e.context_mark)
        pos = Position(source.display, mark.line + 1, mark.column + 1) if mark else Position(source.display, 1, 1)
        problem = " ".join(p for p in (e.context, e.problem) if p)
        why = _explain(problem)
        quote = _unclosed_quote(source.lines, pos.line - 1)
        if quote:  # YAML read on to a later quote; the cause is where the first one opened
            why = Text(f"此处的引号可能未闭合（YAML 到第 {pos.line} 行才发现问题）",
                       f"; this quote may be left open (YAML noticed on line {pos.line})")
            pos = Position(source.display, *quote)
        return None, [*diags, diag("PD001", pos, problem=problem, why=why)]
    except yaml.YAMLError as e:
        return None, [*diags, diag("PD001", Position(source.display, 1, 1), problem=str(e), why=_explain(str(e)))]
    except _TooBig as e:
        where = Position(source.display, e.line, e.col)
        return None, [*diags, *builder.diags[:20], diag("PD005", where, what=e.what)]
    except RecursionError:
        return None, [*diags, diag("PD005", Position(source.display, 1, 1), what=Text("嵌套过深", "nested too deeply"))]


def load(path: Path, display: str, unreadable: str = "PD007") -> tuple[object, Source, list[Diagnostic]]:
    """Read and parse one file; problems come back as diagnostics, never raised.

    A file that cannot be read is reported as `unreadable`: PD007 for a
    project file, PD015 for a declaration (a usage error).
    """
    source = Source(path, display)
    try:
        raw = read_regular(path, MAX_BYTES)
    except TooLarge as e:
        return None, source, [diag("PD005", source.at(), what=e.why)]
    except Unreadable as e:
        what = Text(f"无法读取文件 {display}：", f"cannot read file {display}: ") + e.why
        return None, source, [diag(unreadable, source.at(), what=what)]
    text, diags = decode(raw, display)
    if text is None:
        return None, source, diags
    source.lines = text.splitlines()
    data, diags = parse(text, source)
    return data, source, diags
