"""perfdecl build: check each declaration, then render it (only if it is clean).

Per declaration: `pipeline.check` → the same diagnostics `perfdecl check`
prints → refuse on errors (or warnings with --strict) → find the template →
write every document to a temporary file beside its target → rename them all
into place → optionally convert to PDF. Several declarations run in parallel
(`--jobs`), each in `build_one`.
Exit codes: 0 written, 1 problems in a declaration or its rendering,
2 usage errors and unreadable paths.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import click

from .. import output
from ..diagnostics import Diagnostic
from ..load import Bundle, display
from ..parallel import run_each
from ..pipeline import check
from .check import targets

DEFAULT_EPOCH = 315532800  # 1980-01-01T00:00:00Z, the earliest time a zip entry can carry


@dataclass(frozen=True)
class Job:
    """One declaration to build; picklable, so `run_each` can send it to a worker."""

    folder: Path
    output: Path | None
    template: Path | None
    fmt: str
    split: bool
    pdf: bool
    strict: bool
    epoch: int
    lang: str


@dataclass
class Outcome:
    diags: list[Diagnostic]
    lines: dict[str, list[str]] = field(default_factory=dict)  # source lines, to show under diagnostics
    written: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # rendering problems, as messages
    usage: bool = False  # the failure is a usage error (exit 2)


def run(paths, output: Path | None = None, template: Path | None = None, fmt: str = "docx", pdf: bool = False,
        split: bool = False, strict: bool = False, lang: str = "zh", jobs: int | None = None) -> int:
    folders, problems = targets(paths)
    epoch, usage = _epoch()
    usage = usage or _usage(folders, output, template, fmt, pdf)
    if usage:
        click.echo(f"{'error' if lang == 'en' else '错误'}: {usage[1] if lang == 'en' else usage[0]}", err=True)
        return 2
    work = [Job(f, output, template, fmt, split, pdf, strict, epoch, lang) for f in folders]
    outcomes = run_each(build_one, work, jobs) if work else []
    _clashes(outcomes, lang)
    return _report(problems, outcomes, len(folders), strict, lang)


def build_one(job: Job) -> Outcome:
    """Check and render one declaration. Top-level, so worker processes can run it."""
    from ..render import RenderError

    bundle, diags = check(job.folder)
    done = Outcome(diags)
    errors, warnings = output.counts(diags)
    if bundle is not None and not errors and not (job.strict and warnings):
        try:
            _render(bundle, job, done)
        except RenderError as e:
            done.failures.append(e.message(job.lang))
        except Exception as e:  # a bug in perfdecl: one line, not a traceback (PERFDECL_DEBUG shows it)
            if os.environ.get("PERFDECL_DEBUG"):
                raise
            done.failures.append(f"perfdecl 内部错误，请报告：{type(e).__name__}: {e}" if job.lang != "en"
                                 else f"internal error in perfdecl, please report it: {type(e).__name__}: {e}")
    if bundle is not None:
        shown = {d.pos.path for d in done.diags}
        done.lines = {p: s.lines for p, s in bundle.sources.items() if p in shown}
    return done


def _render(bundle: Bundle, job: Job, done: Outcome) -> None:
    from ..render import document, files, templates

    folder, found = templates.locate(bundle, job.template)
    done.diags += found
    if folder is None:
        return
    target = _target(bundle, job)
    template = templates.load(folder)
    paths, parts = [target], [None]
    if job.split:
        for n, project in enumerate(bundle.projects, start=1):
            paths.append(target.with_name(f"{target.stem}-{n}-{files.safe_filename(project.name)}{target.suffix}"))
            parts.append(n)
    protected = {p.resolve() for p in [*(s.path for s in bundle.sources.values()), *template.files()]}
    for path in paths:
        if path.resolve() in protected:
            done.usage = job.output is not None
            done.failures.append(f"拒绝覆盖源文件或模板文件：{display(path)}" if job.lang != "en"
                                 else f"refusing to overwrite a source or template file: {display(path)}")
            return
    # Every document is complete on disk before any replaces an old one.
    staged: list = []
    try:
        for path, part in zip(paths, parts):
            staged.append(files.stage(path, lambda out, part=part: document.write(
                bundle, template, job.fmt, job.epoch, out, part)))
        files.commit(staged)
    except BaseException:
        files.discard(staged)
        raise
    done.written += [display(path) for path in paths]
    if job.pdf:
        from ..render import pdf

        done.written += [display(p) for p in pdf.convert(paths)]


def _target(bundle: Bundle, job: Job) -> Path:
    """-o as given; else the declaration's `output:` (the loader keeps it inside the folder); else build/<folder>."""
    if job.output is not None:
        return job.output
    if bundle.declaration.output:
        return (bundle.folder / bundle.declaration.output).with_suffix(f".{job.fmt}")
    return Path("build") / f"{bundle.folder.name}.{job.fmt}"


def _epoch() -> tuple[int, tuple[str, str] | None]:
    """SOURCE_DATE_EPOCH (reproducible builds), else a fixed time: never the clock."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return DEFAULT_EPOCH, None
    if not raw.isdigit():
        return DEFAULT_EPOCH, (f"SOURCE_DATE_EPOCH 应为整数秒，而不是“{raw}”",
                               f"SOURCE_DATE_EPOCH must be whole seconds, not '{raw}'")
    return int(raw), None


def _usage(folders: list[Path], out: Path | None, template: Path | None, fmt: str,
           pdf: bool) -> tuple[str, str] | None:
    if out is not None and len(folders) > 1:
        return "-o 只能用于一份申报；多份申报请分别生成或使用默认输出路径", "-o works with one declaration only"
    if pdf and fmt != "docx":
        return "--pdf 只能与 --format docx 一起使用", "--pdf needs --format docx"
    if template is not None and not template.is_dir():
        return f"模板文件夹不存在：{template}", f"no such template folder: {template}"
    return None


def _clashes(outcomes: list[Outcome], lang: str) -> None:
    """Two declarations that wrote the same file: the first was overwritten; say so."""
    seen: set[str] = set()
    for done in outcomes:
        for path in done.written:
            if path in seen:
                done.failures.append(f"多份申报写入了同一个文件：{path}" if lang != "en"
                                     else f"several declarations wrote the same file: {path}")
            seen.add(path)


def _report(problems: list[Diagnostic], outcomes: list[Outcome], declarations: int, strict: bool, lang: str) -> int:
    diags = [*problems, *(d for done in outcomes for d in done.diags)]
    lines = {p: ls for done in outcomes for p, ls in done.lines.items()}
    if diags:
        click.echo(output.human(diags, lines, lang))
    failures = [f for done in outcomes for f in done.failures]
    for failure in failures:
        click.echo(f"{'error' if lang == 'en' else '错误'}: {failure}", err=True)
    written = [p for done in outcomes for p in done.written]
    for path in written:
        click.echo(f"wrote {path}" if lang == "en" else f"已生成 {path}")
    errors, warnings = output.counts(diags)
    errors += len(failures)
    if lang == "en":
        click.echo(f"{len(written)} document(s) written; {errors} error(s), {warnings} warning(s) "
                   f"in {declarations} declaration(s)")
    else:
        click.echo(f"共 {declarations} 份申报：生成 {len(written)} 个文档，{errors} 个错误，{warnings} 个警告")
    if problems or any(done.usage for done in outcomes):
        return 2
    return 1 if errors or (strict and warnings) else 0
