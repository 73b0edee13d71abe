"""One formatter per output format; all take the same diagnostics."""
from __future__ import annotations

import json

from .diagnostics import ERROR, Diagnostic


def counts(diags: list[Diagnostic]) -> tuple[int, int]:
    errors = sum(d.severity == ERROR for d in diags)
    return errors, len(diags) - errors


def human(diags: list[Diagnostic], lines_of, lang: str) -> str:
    """`path:line:col: error[CODE] message`, the source line and a caret."""
    out = []
    for d in diags:
        out.append(f"{d.pos.path}:{d.pos.line}:{d.pos.col}: {d.severity}[{d.code}] {d.message(lang)}")
        lines = lines_of(d.pos.path)
        if lines and 0 < d.pos.line <= len(lines):
            text = lines[d.pos.line - 1]
            gutter = f"{d.pos.line:>5} | "
            out.append(gutter + text)
            caret_pad = "".join("\t" if ch == "\t" else ("　" if ord(ch) > 0x2e7f else " ")
                                for ch in text[: d.pos.col - 1])
            out.append(" " * (len(gutter) - 2) + "| " + caret_pad + "^")
    return "\n".join(out)


def summary(diags: list[Diagnostic], declarations: int, lang: str) -> str:
    errors, warnings = counts(diags)
    if lang == "en":
        return f"{errors} error(s), {warnings} warning(s) in {declarations} declaration(s)"
    return f"共 {declarations} 份申报：{errors} 个错误，{warnings} 个警告"


def as_json(diags: list[Diagnostic], lang: str) -> str:
    return json.dumps([
        {"path": d.pos.path, "line": d.pos.line, "column": d.pos.col, "code": d.code,
         "severity": d.severity, "message": d.message(lang)} for d in diags
    ], ensure_ascii=False, indent=2)
