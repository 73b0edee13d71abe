"""The rule registry: every diagnostic code perfdecl can report.

Each family module holds its `Rule` records (code, severity, titles, message
templates, the user documentation and an optional hint) and, for cross-checks,
`check_*(bundle)` generators: arithmetic (PD1xx), plausibility (PD2xx),
indicators (PD3xx). The registry is written out here and never changes at run time.
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
    hint: str = ""  # optional advice shown under the finding, str.format fields as above
    hint_en: str = ""


from . import arithmetic, indicators, plausibility  # noqa: E402
from . import input as _input  # noqa: E402

RULES: dict[str, Rule] = {r.code: r for r in (*_input.RULES, *arithmetic.RULES, *plausibility.RULES,
                                              *indicators.RULES)}


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def message(code: str, lang: str, args: dict[str, object]) -> str:
    rule = RULES[code]
    template = rule.en if lang == "en" else rule.zh
    return template.format_map(_Keep(args))


def hint(code: str, lang: str, args: dict[str, object]) -> str:
    """The rule's advice for this finding, or ""."""
    rule = RULES[code]
    template = rule.hint_en if lang == "en" else rule.hint
    return template.format_map(_Keep(args))


def default_severity(code: str) -> str:
    return RULES[code].severity


# The cross-checks, run in this order on a loaded bundle; each yields Diagnostics.
CHECKS: tuple = (
    arithmetic.check_funding,
    arithmetic.check_tables,
    arithmetic.check_places,
    plausibility.check_funding,
    plausibility.check_dates,
    plausibility.check_timeliness,
    plausibility.check_figures,
    plausibility.check_periods,
    plausibility.check_years,
    plausibility.check_residue,
    plausibility.check_labels,
    indicators.check_framework,
    indicators.check_values,
    indicators.check_links,
)
