"""check = load, cross-check, apply the declaration's rule settings.

This reads like the table of contents of `perfdecl check`; `build` runs the
same and renders only when it found no errors.
"""
from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from .diagnostics import Diagnostic, Position, diag, has_errors
from .load import DECLARATION, Bundle, load
from .revision import RevisionError, opened
from .text import Text

_IGNORE = re.compile(r"#\s*perfdecl:\s*ignore(?:\[([A-Z0-9, ]+)\])?")


def check(folder: Path, template: Path | None = None,
          previous: str | None = None) -> tuple[Bundle | None, list[Diagnostic]]:
    """`template`, a template folder, overrides the declaration's (its form validates the projects);
    `previous`, a folder or git revision, the declaration's `previous:`."""
    bundle, diags = load(folder, template)
    if bundle is not None:
        diags += _previous(bundle, previous or bundle.declaration.previous, from_file=previous is None)
        diags += run_rules(bundle)
    return bundle, finalize(diags, bundle)


def _previous(bundle: Bundle, spec: str | None, from_file: bool) -> list[Diagnostic]:
    """Load last year's declaration into `bundle.previous`; why not, if it cannot be."""
    if not spec:
        return []
    source = bundle.declaration.source
    where = source.at("previous") if from_file else Position(source.display, 1, 1)
    try:
        with opened(spec, bundle.folder, bundle.folder) as folder:
            if not (folder / DECLARATION).is_file():
                return [diag("PD420", where, spec=spec, why=Text("其中没有 declaration.yaml", "it holds no declaration.yaml"))]
            previous, found = load(folder)
    except RevisionError as e:
        why = Text("既不是文件夹，也不是可读的 git 版本（", "neither a folder nor a readable git revision (") + e.text
        return [diag("PD420", where, spec=spec, why=why + Text("）", ")"))]
    if previous is None or has_errors(found):
        return [diag("PD420", where, spec=spec, why=Text("它有错误（perfdecl check 说明）", "it has errors (perfdecl check says which)"))]
    bundle.previous = previous
    return []


def run_rules(bundle: Bundle) -> list[Diagnostic]:
    from .rules import CHECKS

    found: list[Diagnostic] = []
    for rule_check in CHECKS:
        try:
            found.extend(rule_check(bundle))
        except Exception as e:  # a bug in perfdecl, not in the user's data: say so, go on
            where = Position(bundle.declaration.source.display, 1, 1)
            found.append(diag("PD000", where, rule=rule_check.__module__, why=f"{type(e).__name__}: {e}"))
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
    order = {path: i for i, path in enumerate(sources)}
    return sorted(out, key=lambda d: (order.get(d.pos.path, len(order)), d.pos.path, d.pos.line, d.pos.col, d.code))


def _ignored(comment: str, code: str) -> bool:
    """Whether the YAML comment on a finding's line says to ignore it (text that only looks like one does not)."""
    m = _IGNORE.search(comment)
    return bool(m) and (m.group(1) is None or code in re.split(r"[,\s]+", m.group(1)))
