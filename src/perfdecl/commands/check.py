"""perfdecl check: every cross-check, as positioned diagnostics.

PATHS are declaration folders or any files inside them (pre-commit passes the
changed files); each declaration is checked once, as a whole, and several run
in parallel. Exit 0 clean or warnings only, 1 on errors (or warnings with
--strict), 2 when a path names no declaration or its declaration.yaml
cannot be read (PD015). `previous` (--previous) names last year's
declaration, a folder or git revision, for the PD42x rules.
"""
from __future__ import annotations

from functools import partial
from pathlib import Path

import click

from .. import output
from ..diagnostics import Diagnostic, Position, diag, has_usage_errors
from ..load import find_folder
from ..paths import display
from ..text import Text
from ..parallel import run_each

FORMATS = {"json": output.as_json, "github": output.github, "sarif": output.sarif}


def targets(paths: tuple[Path, ...]) -> tuple[list[Path], list[Diagnostic]]:
    """The declaration folders that `paths` name, each once, in order.

    A file outside any declaration is skipped (pre-commit passes every changed
    file); a folder that holds none, or a path that does not exist, is a problem.
    """
    folders: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        where = Position(display(path), 1, 1)
        if not path.exists():
            problems.append(diag("PD015", where, what=Text(f"路径不存在：{path}", f"no such path: {path}")))
            continue
        folder = find_folder(path)
        if folder is None:
            if path.is_dir():
                problems.append(diag("PD015", where, what=Text(f"“{path}”中没有 declaration.yaml",
                                                           f"no declaration.yaml in '{path}'")))
            continue
        if folder not in folders:
            folders.append(folder)
    return folders, problems


def check_folder(folder: Path, previous: str | None = None) -> tuple[list[Diagnostic], dict[str, list[str]]]:
    """One declaration's findings and the lines of the files they point into (plain data, for workers)."""
    from ..pipeline import check

    bundle, diags = check(folder, previous=previous)
    return diags, output.lines_for(diags, bundle.sources if bundle else {})


def run(paths: tuple[Path, ...], fmt: str = "human", strict: bool = False, lang: str = "zh",
        jobs: int | None = None, previous: str | None = None) -> int:
    folders, problems = targets(paths)
    if previous and Path(previous).is_dir():  # a folder given here is relative to the working folder
        previous = str(Path(previous).resolve())
    diags: list[Diagnostic] = list(problems)
    lines: dict[str, list[str]] = {}
    for found, shown in run_each(partial(check_folder, previous=previous), folders, jobs):
        diags += found
        lines |= shown
    if fmt in FORMATS:
        click.echo(FORMATS[fmt](diags, lang))
    elif diags:
        click.echo(output.human(diags, lines, lang))
    click.echo(output.summary(diags, len(folders), lang), err=fmt != "human")
    if has_usage_errors(diags):
        return 2
    errors, warnings = output.counts(diags)
    return 1 if errors or (strict and warnings) else 0
