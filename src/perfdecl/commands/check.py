"""perfdecl check: every cross-check, as positioned diagnostics."""
from __future__ import annotations

from pathlib import Path

import click

from .. import output
from ..diagnostics import ERROR, Diagnostic, Position, diag
from ..load import display, find_folder
from ..pipeline import check


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
            problems.append(diag("PD015", where, what=f"路径不存在：{path}", what_en=f"no such path: {path}"))
            continue
        folder = find_folder(path)
        if folder is None:
            if path.is_dir():
                problems.append(diag("PD015", where, what=f"“{path}”中没有 declaration.yaml",
                                     what_en=f"no declaration.yaml in '{path}'"))
            continue
        if folder not in folders:
            folders.append(folder)
    return folders, problems


def run(paths, fmt: str = "human", strict: bool = False, lang: str = "zh", jobs: int | None = None) -> int:
    folders, problems = targets(paths)
    diags: list[Diagnostic] = list(problems)
    sources = {}
    for folder in folders:
        bundle, found = check(folder)
        diags += found
        if bundle:
            sources.update(bundle.sources)
    if fmt == "json":
        click.echo(output.as_json(diags, lang))
    else:
        text = output.human(diags, lambda p: sources[p].lines if p in sources else None, lang)
        if text:
            click.echo(text)
        click.echo(output.summary(diags, len(folders), lang), err=fmt != "human")
    if problems:
        return 2
    errors, warnings = output.counts(diags)
    return 1 if errors or (strict and warnings) else 0
