"""check = load, cross-check, apply the declaration's rule settings.

This reads like the table of contents of `perfdecl check`; `build` runs the
same and renders only when it found no errors.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

from .diagnostics import Diagnostic, Position, diag
from .load import WHOLE, Bundle, Part, load

_IGNORE = re.compile(r"#\s*perfdecl:\s*ignore(?:\[([A-Z0-9, ]+)\])?")


def check(folder: Path, part: Part = WHOLE, template: Path | None = None,
          previous: str | None = None) -> tuple[Bundle | None, list[Diagnostic]]:
    """The findings in a declaration (in one part of its projects: see `merge`); `template`, a template
    folder, overrides the declaration's (its form validates the projects); `previous`, a folder or git
    revision, the declaration's `previous:`."""
    bundle, diags = load(folder, part, template, previous)
    if bundle is not None:
        diags += run_rules(bundle)
    return bundle, finalize(diags, bundle)


def merge(parts: list[tuple[list[Diagnostic], list[str]]]) -> list[Diagnostic]:
    """The findings of a declaration checked in parts, as `check` finds them at once.

    Each part is (its findings, the files it read in declared order). Every
    rule looks at one project at a time, so the parts' findings in project
    files are the whole's; findings about the declaration itself (or a
    framework file) are made by every part, and are kept from the first only.
    """
    first = Counter(map(repr, parts[0][0]))
    found = list(parts[0][0])
    for diags, _ in parts[1:]:
        shared = first.copy()
        for d in diags:
            if shared[repr(d)] > 0:
                shared[repr(d)] -= 1
            else:
                found.append(d)
    return ordered(found, list(dict.fromkeys(path for _, paths in parts for path in paths)))


def ordered(diags: list[Diagnostic], paths: list[str]) -> list[Diagnostic]:
    """Findings sorted by file (in the declared order of `paths`), line, column and code."""
    order = {path: i for i, path in enumerate(paths)}
    return sorted(diags, key=lambda d: (order.get(d.pos.path, len(order)), d.pos.path, d.pos.line, d.pos.col, d.code))


def run_rules(bundle: Bundle) -> list[Diagnostic]:
    from .rules import CHECKS

    found: list[Diagnostic] = []
    for rule_check in CHECKS:
        try:
            found.extend(rule_check(bundle))
        except Exception as e:  # a bug in perfdecl, not in the user's data: say so, go on
            where = Position(bundle.declaration.source.display, 1, 1)
            found.append(diag("PD000", where, rule=rule_check.run.__module__, why=f"{type(e).__name__}: {e}"))
    return found


def finalize(diags: list[Diagnostic], bundle: Bundle | None) -> list[Diagnostic]:
    """Apply `rules:` settings and `# perfdecl: ignore[CODE]` comments; sort."""
    settings = bundle.declaration.rules if bundle else {}
    sources = bundle.sources if bundle else {}
    out = []
    for d in diags:
        setting = settings.get(d.code)
        if d.code >= "PD100" and setting:
            if setting == "off":
                continue
            d = replace(d, severity=setting)
        source = sources.get(d.pos.path)
        if source and d.code >= "PD100" and _ignored(source.comments.get(d.pos.line, ""), d.code):
            continue
        out.append(d)
    return ordered(out, list(sources))


def _ignored(comment: str, code: str) -> bool:
    """Whether the YAML comment on a finding's line says to ignore it (text that only looks like one does not)."""
    m = _IGNORE.search(comment)
    if m is None:
        return False
    return m.group(1) is None or code in re.split(r"[,\s]+", m.group(1))
