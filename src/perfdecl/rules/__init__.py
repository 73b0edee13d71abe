"""The rule registry: every diagnostic code perfdecl can report.

Each family module holds its `Rule` records (code, severity, titles, message
templates, the user documentation with its passing and failing `Example`s,
which the tests run, and an optional hint) and, for cross-checks,
`check_*(bundle)` generators: arithmetic (PD1xx), plausibility (PD2xx),
indicators (PD3xx). The registry is written out here and never changes at run time.
"""
from __future__ import annotations

import textwrap
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Example:
    """A documented example: what to write into a small valid declaration to pass or fail a rule.

    The keys of `yaml` replace those keys of the project file's mapping at
    the YAML path `at` (the whole file when empty); the keys of
    `declaration` replace those of declaration.yaml. `note` tells the reader
    what the rest of the declaration holds. tests/test_rule_docs.py runs
    every example so, against tests/helpers.py's PROJECT.
    """
    yaml: str = ""
    at: tuple = ()
    declaration: str = ""
    note: str = ""

    def render(self, verdict: str) -> str:
        project, declaration = (textwrap.dedent(t).strip("\n") for t in (self.yaml, self.declaration))
        where = []
        if project and declaration:
            where.append(f"declaration.yaml: {declaration}")
        elif declaration:
            where.append("declaration.yaml")
        if self.at:
            path = "".join(f"[{p}]" if isinstance(p, int) else f" › {p}" for p in self.at)
            where.append("under " + path.removeprefix(" › "))
        if self.note:
            where.append(self.note)
        head = f"{verdict} ({'; '.join(where)}):" if where else f"{verdict}:"
        return head + "\n" + textwrap.indent(project or declaration, "    ")


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    severity: str  # "error" or "warning"
    title: str  # Chinese title
    title_en: str
    zh: str  # message template, str.format fields from the diagnostic's args
    en: str
    doc: str = ""  # explanation; the examples below are appended to it when the rule is made
    hint: str = ""  # optional advice shown under the finding, str.format fields as above
    hint_en: str = ""
    passing: tuple[Example, ...] = ()
    failing: tuple[Example, ...] = ()

    def __post_init__(self) -> None:
        examples = "\n".join([*(e.render("Passing") for e in self.passing),
                              *(e.render("Failing") for e in self.failing)])
        if examples and examples not in self.doc:
            object.__setattr__(self, "doc", self.doc.rstrip("\n") + "\n\n" + examples + "\n")


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
