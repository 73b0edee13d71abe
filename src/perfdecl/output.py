"""One formatter per output format; all take the same diagnostics.

human: `path:line:col: error[PD101] message`, the source line (a window of it
around the column, if long), a caret, a hint.
json: a list of findings. github: workflow commands that annotate a pull
request. sarif: SARIF 2.1.0 for code-scanning tools.
"""
from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .codes import RULES
from .diagnostics import ERROR, Diagnostic
from .text import Text

if TYPE_CHECKING:
    from .positions import Source

Lines = Mapping[str, Sequence[str]]  # display path -> the file's lines, for showing the source
WIDTH = 80  # terminal columns of source shown under a finding
_HINT = Text("提示：", "hint: ")
_SUMMARY = Text("共 {n} 份申报：{errors} 个错误，{warnings} 个警告", "{errors} error(s), {warnings} warning(s) in {n} declaration(s)")


def lines_for(diags: Iterable[Diagnostic], sources: Mapping[str, Source]) -> dict[str, list[str]]:
    """The lines of the files the findings point into (plain data, so workers can send it back)."""
    shown = {d.pos.path for d in diags}
    return {path: source.lines for path, source in sources.items() if path in shown}


def counts(diags: Sequence[Diagnostic]) -> tuple[int, int]:
    errors = sum(d.severity == ERROR for d in diags)
    return errors, len(diags) - errors


def caret_pad(text: str) -> str:
    """Blank space as wide on a terminal as `text` (CJK characters take two columns)."""
    return "".join("\t" if ch == "\t" else "  " if unicodedata.east_asian_width(ch) in "WF" else " "
                   for ch in text)


def _columns(ch: str) -> int:
    return 2 if unicodedata.east_asian_width(ch) in "WF" else 1


def window(text: str, col: int) -> tuple[str, str]:
    """(what to show of a line, the part of that before the caret at 1-based `col`).

    A line wider than WIDTH columns is cut to a window around the caret,
    with … where it was cut: a one-line file of megabytes shows 80 columns.
    """
    at = min(max(col - 1, 0), len(text))
    if len(text) <= WIDTH and sum(map(_columns, text)) <= WIDTH:
        return text, text[:at]
    start, end, used = at, at, 0
    while start > 0 and used + _columns(text[start - 1]) <= WIDTH // 3:
        start -= 1
        used += _columns(text[start])
    while end < len(text) and used + _columns(text[end]) <= WIDTH:
        used += _columns(text[end])
        end += 1
    while start > 0 and used + _columns(text[start - 1]) <= WIDTH:  # the line ends early: show more before
        start -= 1
        used += _columns(text[start])
    head = "…" if start > 0 else ""
    return head + text[start:end] + ("…" if end < len(text) else ""), head + text[start:at]


def human(diags: Sequence[Diagnostic], lines: Lines, lang: str) -> str:
    """Each finding, the line it is on with a caret under its column, and a hint where the rule has one."""
    out = []
    for d in diags:
        out.append(f"{d.pos.path}:{d.pos.line}:{d.pos.col}: {d.severity}[{d.code}] {d.message(lang)}")
        source = lines.get(d.pos.path)
        gutter = " " * (len(str(d.pos.line)) + 1)
        if source and 0 < d.pos.line <= len(source):
            shown, before = window(source[d.pos.line - 1], d.pos.col)
            out.append(f" {d.pos.line} | {shown}")
            out.append(f"{gutter} | {caret_pad(before)}^")
        advice = d.rule.advice(d.kwargs).say(lang)
        if advice:
            out.append(f"{gutter} = {_HINT.say(lang)}{advice}")
    return "\n".join(out)


def summary(diags: Sequence[Diagnostic], declarations: int, lang: str) -> str:
    errors, warnings = counts(diags)
    return _SUMMARY.fill(n=declarations, errors=errors, warnings=warnings).say(lang)


def as_json(diags: Sequence[Diagnostic], lang: str) -> str:
    import json  # here, not at the top: only two formats need it

    return json.dumps([
        {"path": d.pos.path, "line": d.pos.line, "column": d.pos.col, "code": d.code, "severity": d.severity,
         "title": d.rule.name.say(lang), "message": d.message(lang)}
        for d in diags
    ], ensure_ascii=False, indent=2)


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github(diags: Sequence[Diagnostic], lang: str) -> str:
    """GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=PD101::message`."""
    out = []
    for d in diags:
        props = ",".join(f"{key}={_escape_property(str(value))}" for key, value in
                         (("file", d.pos.path), ("line", d.pos.line), ("col", d.pos.col), ("title", d.code)))
        out.append(f"::{'error' if d.severity == ERROR else 'warning'} {props}::{_escape_data(d.message(lang))}")
    return "\n".join(out)


SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def _artifact(path: str) -> dict[str, str]:
    """A file as a URI: absolute paths as file: URIs, relative ones as relative references."""
    if os.path.isabs(path):
        return {"uri": Path(path).as_uri()}
    # The file system's bytes, percent-encoded: a name that is not valid UTF-8 is still a URI.
    from urllib.parse import quote  # SARIF only

    return {"uri": quote(os.fsencode(path.replace(os.sep, "/")), safe="/")}


def sarif(diags: Sequence[Diagnostic], lang: str) -> str:
    """A SARIF 2.1.0 log: every rule in tool.driver.rules, every finding a result."""
    import json
    codes = list(RULES)
    rules = [{
        "id": code,
        "name": rule.title_en,
        "shortDescription": {"text": rule.name.say(lang)},
        "fullDescription": {"text": rule.doc.strip() or rule.title_en},
        "defaultConfiguration": {"level": rule.severity},
    } for code, rule in RULES.items()]
    results = [{
        "ruleId": d.code,
        "ruleIndex": codes.index(d.code),
        "level": "error" if d.severity == ERROR else "warning",
        "message": {"text": d.message(lang)},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact(d.pos.path),
            "region": {"startLine": d.pos.line, "startColumn": d.pos.col},
        }}],
    } for d in diags]
    log = {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "perfdecl", "version": __version__, "rules": rules}},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    }
    return json.dumps(log, ensure_ascii=False, indent=2)
