"""The rule registry: every diagnostic code perfdecl can report.

Each family module holds its `Rule` records (code, severity, titles, message
templates and the user documentation) and, for cross-checks, a `check(bundle)`
generator. The registry is written out here and never changes at run time.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str  # "error" or "warning"
    title: str  # Chinese title
    title_en: str
    zh: str  # message template, str.format fields from the diagnostic's args
    en: str
    doc: str = ""  # explanation with a passing and a failing example


from . import input as _input  # noqa: E402

RULES: dict[str, Rule] = {r.code: r for r in (*_input.RULES,)}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, lang: str, args: dict[str, object]) -> str:
    rule = RULES[code]
    template = rule.en if lang == "en" else rule.zh
    return template.format_map(_Keep(args))


def default_severity(code: str) -> str:
    return RULES[code].severity

# The cross-checks, run in this order on a loaded bundle; each yields Diagnostics.
CHECKS: tuple = ()
