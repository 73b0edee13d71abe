"""The shape of a rule record: code, severity, texts, documentation with examples."""
from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass

from ..text import Text


@dataclass(frozen=True, slots=True)
class Example:
    """A documented example: what to write into a small valid declaration to pass or fail a rule.

    `yaml` is written as text into the project file's mapping at the YAML
    path `at` (the file's top level when empty), in place of the keys it
    writes; `declaration` likewise into declaration.yaml. Being text, an
    example can show what only the loader sees (a duplicate key, a tag, a
    syntax error). `note` tells the reader what the rest of the declaration
    holds. With `form`, the declaration uses a template `t` whose form is the
    default template's with `form` written into it. With `previous`, last year's declaration (year one less) is
    PROJECT with `previous` written at `at`, and declaration.yaml names it.
    tests/test_rule_docs.py runs every example so, against
    tests/helpers.py's PROJECT, through perfdecl's own loader.
    """
    yaml: str = ""
    at: tuple[object, ...] = ()
    declaration: str = ""
    note: str = ""
    previous: str = ""  # last year's project file, written like `yaml` (declaration.yaml then says `previous: ../prev`)
    form: str = ""  # written like `yaml` into the `form:` of a template `t` (the default template's, `base:` it)

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
        shown = head + "\n" + textwrap.indent(project or declaration, "    ")
        if self.form:
            shown += "\nthe template's form (template.yaml, form:) having:\n" + textwrap.indent(
                textwrap.dedent(self.form).strip("\n"), "    ")
        if self.previous:
            shown += "\nlast year's project file (previous: ../prev) having:\n" + textwrap.indent(
                textwrap.dedent(self.previous).strip("\n"), "    ")
        return shown


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

    @property
    def name(self) -> Text:
        """The rule's title."""
        return Text(self.title, self.title_en)

    def message(self, args: Mapping[str, object]) -> Text:
        """What a finding of this rule says, its fields filled from `args`."""
        return Text(self.zh, self.en).fill(**args)

    def advice(self, args: Mapping[str, object]) -> Text:
        """The rule's advice for a finding (empty when it has none)."""
        return Text(self.hint, self.hint_en).fill(**args)
