"""perfdecl check: every cross-check, as positioned diagnostics.

PATHS are declaration folders or any files inside them (pre-commit passes the
changed files); each declaration is checked once, as a whole, and several run
in parallel. Exit 0 clean or warnings only, 1 on errors (or warnings with
--strict), 2 when a path names no declaration or its declaration.yaml
cannot be read (PD015). `previous` (--previous) names last year's
declaration, a folder or git revision, for the PD42x rules.
"""
from __future__ import annotations

import argparse
import os
import sys
from functools import partial
from pathlib import Path

from .. import output
from ..diagnostics import Diagnostic, Position, diag, has_usage_errors
from ..load import Part, find_folder, project_count
from ..paths import display, is_folder, unusable
from ..text import Text
from ..parallel import default_jobs, run_each

FORMATS = {"json": output.as_json, "github": output.github, "sarif": output.sarif}


def targets(paths: tuple[Path, ...], skip_outside: bool = True) -> tuple[list[Path], list[Diagnostic]]:
    """The declaration folders that `paths` name, each once, in order.

    A file outside any declaration is skipped (pre-commit passes every changed
    file to check), or with `skip_outside=False` a problem, as is a folder
    that holds none or a path that does not exist.
    """
    folders: list[Path] = []
    problems: list[Diagnostic] = []
    for path in paths:
        where = Position(display(path), 1, 1)
        why = unusable(path)
        if why is not None:
            problems.append(diag("PD015", where, what=why))
            continue
        if not path.exists():
            problems.append(diag("PD015", where, what=Text(f"路径不存在：{path}", f"no such path: {path}")))
            continue
        folder = find_folder(path)
        if folder is None:
            if path.is_dir():
                problems.append(diag("PD015", where, what=Text(f"“{path}”中没有 declaration.yaml",
                                                           f"no declaration.yaml in '{path}'")))
            elif not skip_outside:
                problems.append(diag("PD015", where, what=Text(f"“{path}”不在申报文件夹内（其上各级文件夹中没有 declaration.yaml）",
                                                           f"'{path}' is in no declaration folder (no declaration.yaml above it)")))
            continue
        if folder not in folders:
            folders.append(folder)
    return folders, problems


Checked = tuple[list[Diagnostic], list[str], dict[str, list[str]]]
SLICE = 250  # projects a part should have at least: below that a second process costs more than it saves


def check_part(task: tuple[Path, Part], previous: str | None = None) -> Checked:
    """One declaration's (or one part's) findings, the files read in order, and the lines of those
    the findings point into: plain data, for workers."""
    from ..pipeline import check

    folder, part = task
    bundle, diags = check(folder, part, previous=previous)
    sources = bundle.sources if bundle else {}
    return diags, list(sources), output.lines_for(diags, sources)


def tasks(folders: list[Path], jobs: int | None) -> list[tuple[Path, Part]]:
    """Each declaration whole, or in parts of consecutive projects when it is large and CPUs are free."""
    jobs = jobs or default_jobs()
    out: list[tuple[Path, Part]] = []
    for folder in folders:
        n = max(1, min(jobs, project_count(folder) // SLICE)) if jobs > len(folders) else 1
        out += [(folder, (k, n)) for k in range(n)]
    return out


def run(paths: tuple[Path, ...], fmt: str = "human", strict: bool = False, lang: str = "zh",
        jobs: int | None = None, previous: str | None = None) -> int:
    from ..pipeline import merge

    folders, problems = targets(paths)
    if previous and is_folder(previous):  # a folder given here is relative to the working folder
        previous = str(Path(previous).resolve())
    diags: list[Diagnostic] = list(problems)
    lines: dict[str, list[str]] = {}
    work = tasks(folders, jobs)
    done = run_each(partial(check_part, previous=previous), work, jobs)
    for folder in folders:
        parts = [checked for (task, _), checked in zip(work, done) if task == folder]
        diags += parts[0][0] if len(parts) == 1 else merge([(found, read) for found, read, _ in parts])
        for _, _, shown in parts:
            lines |= shown
    if fmt in FORMATS:
        print(FORMATS[fmt](diags, lang))
    elif diags:
        print(output.human(diags, lines, lang))
    print(output.summary(diags, len(folders), lang), file=sys.stderr if fmt != "human" else sys.stdout)
    if has_usage_errors(diags):
        return 2
    errors, warnings = output.counts(diags)
    return 1 if errors or (strict and warnings) else 0


def main(args: list[str]) -> int:
    """`perfdecl check ARGS`, parsed here rather than by click: a pre-commit hook runs this on every
    commit, and importing click would be a tenth of checking a small declaration."""
    parser = argparse.ArgumentParser(prog="perfdecl check", description="检查申报材料：PATHS 为申报文件夹或其中的任意文件。")
    parser.add_argument("paths", nargs="+", type=Path, metavar="PATHS")
    parser.add_argument("--format", dest="fmt", choices=["human", *FORMATS], default="human",
                        help="输出格式 / output format (default: human)")
    parser.add_argument("--strict", action="store_true", help="警告也算失败 / fail on warnings too")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh", help="消息语言 / message language (default: zh)")
    parser.add_argument("-j", "--jobs", type=_positive, default=None,
                        help="并行进程数，默认 CPU 数 / parallel processes (default: CPUs)")
    parser.add_argument("--previous", default=None, metavar="DIR|REV",
                        help="上一年度的申报（文件夹或 git 版本），代替 previous: / last year's declaration")
    given = parser.parse_args(args)
    try:
        return run(tuple(given.paths), fmt=given.fmt, strict=given.strict, lang=given.lang, jobs=given.jobs,
                   previous=given.previous)
    except BrokenPipeError:  # the reader stopped early (`| head`): what is left to print goes nowhere, as click does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


def _positive(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 6 or int(text) < 1:
        raise argparse.ArgumentTypeError(f"不是正整数 / not a positive integer: {text}")
    return int(text)
