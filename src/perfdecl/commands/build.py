"""perfdecl build: check each declaration, name every file it writes, then write them.

`run` reads like the build: each declaration is checked and planned (`plan`:
the same diagnostics `perfdecl check` prints → refuse on errors, or warnings
with --strict → find the template → every file to write, each checked to lie
where it may) and its documents rendered to temporary files beside their
targets (`build_one`, in parallel with `--jobs`) → if two declarations would
write one file, the whole build is refused and the temporary files removed →
else they are renamed into place → optionally converted to PDF.
Exit codes: 0 written, 1 problems in a declaration or its rendering,
2 usage errors, unreadable paths or declarations (PD015) and outputs that clash.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

import click

from .. import output
from ..diagnostics import Diagnostic, diag, has_usage_errors
from ..load import Bundle
from ..paths import OUTSIDE, display, inside, is_path
from ..parallel import each, stop_if_interrupted
from ..pipeline import check
from ..text import Text
from .check import targets
from .messages import ERROR, INTERNAL, refuse, say

if TYPE_CHECKING:
    from ..render.files import Staged
    from ..render.templates import Template

_WROTE = Text("已生成 {path}", "wrote {path}")
_SUMMARY = Text("共 {n} 份申报：生成 {written} 个文档，{errors} 个错误，{warnings} 个警告",
                "{written} document(s) written; {errors} error(s), {warnings} warning(s) in {n} declaration(s)")
_STRICT = Text("未生成：{folder} 有 {warnings} 个警告（--strict）", "not written: {folder} has {warnings} warning(s) (--strict)")
_ONE_OUTPUT = Text("-o 只能用于一份申报；多份申报请分别生成或使用默认输出路径", "-o works with one declaration only")
_OUTPUT_DIR = Text("-o 应指定一个文件，而“{path}”是文件夹", "-o must name a file, but '{path}' is a folder")
_NO_NAME = Text("“{path}”中没有文件名", "'{path}' has no file name")
_SUFFIX = Text("-o {path} 的扩展名是另一种格式的，与 --format {fmt} 不符", "-o {path} is named for another format than --format {fmt}")
SUFFIXES = {".docx": "docx", ".html": "html", ".htm": "html", ".xlsx": "xlsx"}  # an -o named so must be of that format
_PDF_DOCX = Text("--pdf 只能与 --format docx 一起使用", "--pdf needs --format docx")
_NO_TEMPLATE = Text("模板文件夹不存在：{path}", "no such template folder: {path}")
_OUTSIDE = Text("生成的文件 {path} ", "the file written, {path}, ") + OUTSIDE
_OVERWRITE = Text("拒绝覆盖申报读取的文件（源文件、指标体系文件或模板文件）：{path}",
                  "refusing to overwrite a file the declaration reads (a source, framework or template file): {path}")
_TWICE = Text("{path} 会被写入两次", "{path} would be written twice")
_CLASH = Text("{first} 与 {second} 都要写入 {path}，因此未生成任何文件；"
              "请用 -o 分别生成，或在 declaration.yaml 中用 output: 指定不同的文件",
              "{first} and {second} would both write {path}, so nothing was written; build them one at a time with -o, "
              "or give each its own output: in declaration.yaml")


@dataclass(frozen=True)
class Job:
    """One declaration to build; picklable, so `each` can send it to a worker."""

    folder: Path
    output: Path | None
    template: Path | None
    fmt: str
    split: bool
    pdf: bool
    strict: bool
    epoch: int


@dataclass
class Outcome:
    diags: list[Diagnostic]
    lines: dict[str, list[str]] = field(default_factory=dict)  # source lines, to show under diagnostics
    paths: list[Path] = field(default_factory=list)  # the documents to write: the whole, then --split's parts
    template: Template | None = None
    bundle: Bundle | None = None  # what `paths` are made of, until they are staged
    staged: list[Staged] = field(default_factory=list)  # made, not yet renamed into place
    written: list[str] = field(default_factory=list)
    failures: list[Text] = field(default_factory=list)  # rendering problems, as messages
    notes: list[Text] = field(default_factory=list)
    usage: bool = False  # the failure is a usage error (exit 2)


def run(paths: tuple[Path, ...], output: Path | None = None, template: Path | None = None, fmt: str = "docx", pdf: bool = False,
        split: bool = False, strict: bool = False, lang: str = "zh", jobs: int | None = None) -> int:
    from ..render.package import source_date_epoch

    folders, problems = targets(paths, skip_outside=False)
    epoch, usage = source_date_epoch()
    usage = usage or _usage(folders, output, template, fmt, pdf)
    if usage:
        return refuse(usage, lang)
    work = [Job(f, output, template, fmt, split, pdf, strict, epoch) for f in folders]
    outcomes: list[Outcome] = []
    try:  # interrupted or failed anywhere: no temporary file left behind, here or in a worker
        for done in each(build_one, work, jobs, on_term=_discard_live, cleanup=_discard):
            outcomes.append(done)
        _clashes(work, outcomes)
        if not any(done.usage for done in outcomes):
            for job, done in zip(work, outcomes):
                stop_if_interrupted()
                _guarded(job, done, lambda: _commit(job, done))
    finally:  # all at once: declarations may share a folder made for them
        _discard(*outcomes)
        _discard_live()  # and whatever this process staged that no outcome holds (a signal mid-way)
    return _report(problems, outcomes, len(folders), strict, lang)


def build_one(job: Job) -> Outcome:
    """Check one declaration and render its documents to temporary files beside their targets.

    Nothing replaces an existing file here: `run` renames the files into place only
    when no two declarations would write the same one. Top-level, so worker processes can run it.
    """
    done = plan(job)
    if done.bundle is not None:
        _guarded(job, done, lambda: _stage(job, done))
        done.bundle = None  # the documents are made; do not send the model back to the parent
    return done


def plan(job: Job) -> Outcome:
    """Check one declaration and name the files it writes. Top-level, so worker processes can run it."""
    bundle, diags = check(job.folder, template=job.template)
    done = Outcome(diags)
    errors, warnings = output.counts(diags)
    if bundle is not None and not errors:
        if job.strict and warnings:
            done.notes.append(_STRICT.fill(folder=display(job.folder), warnings=warnings))
        else:
            _guarded(job, done, lambda: _plan(bundle, job, done))
    done.lines = output.lines_for(done.diags, bundle.sources if bundle else {})
    return done


def _plan(bundle: Bundle, job: Job, done: Outcome) -> None:
    from ..render import RenderError, files, templates

    folder, found = templates.locate(bundle, job.template)
    done.diags += found
    if folder is None:
        return
    done.template = template = templates.load(folder)
    whole = _whole(bundle, job)
    if isinstance(whole, Text):  # why the declaration's `output:` cannot be used
        done.diags.append(diag("PD012", bundle.declaration.source.at("output"), key="output", why=whole))
        return
    paths = [whole, *(files.part_path(whole, n, p.name) for n, p in enumerate(bundle.projects, start=1) if job.split)]
    protected = _identities([*(s.path for s in bundle.sources.values()), *template.files(), *_framework(bundle)])
    seen: set[Path] = set()
    whole_files = _files([whole], job.pdf)
    for path in _files(paths, job.pdf):
        key = path.resolve()
        try:
            if path in whole_files:  # a split part that cannot be written fails alone, when written
                files.refuse_special(path)  # a device, FIFO, socket or folder
        except RenderError as e:
            done.failures.append(e.text)
        else:
            if protected & _identities([path]) or key in seen:
                done.failures.append((_OVERWRITE if key not in seen else _TWICE).fill(path=display(path)))
        if done.failures:
            done.usage = job.output is not None
            return
        seen.add(key)
    done.paths, done.bundle = paths, bundle


def _framework(bundle: Bundle) -> list[Path]:
    """The declaration's own framework file, if it names one."""
    name = bundle.declaration.framework
    path = inside(bundle.folder, name) if is_path(name) else None
    return [path] if path is not None else []


def _identities(paths: list[Path]) -> set[object]:
    """What makes two paths one file: the resolved path and, for an existing file, its device and inode
    (a hard link to a source is that source)."""
    found: set[object] = set()
    for path in paths:
        found.add(path.resolve())
        try:
            st = path.stat()
        except OSError:
            continue
        found.add((st.st_dev, st.st_ino))
    return found


def _whole(bundle: Bundle, job: Job) -> Path | Text:
    """The whole declaration's document: -o as given; else the declaration's `output:` with the format's
    suffix, which must still name a file inside the folder; else build/<folder>.<format>.
    Why not, when `output:` cannot be used."""
    if job.output is not None:
        return job.output
    wanted = bundle.declaration.output
    if not wanted:
        return Path("build") / f"{bundle.folder.name}.{job.fmt}"
    if not _named(PurePath(wanted)):
        return _NO_NAME.fill(path=wanted)
    path = (bundle.folder / wanted).with_suffix(f".{job.fmt}")
    if inside(bundle.folder, path) in (None, bundle.folder.resolve()):
        return _OUTSIDE.fill(path=display(path))
    return path


def _named(path: PurePath) -> bool:
    """Whether `path` ends in a file name (not empty, `.`, `..` or only dots)."""
    return bool(path.stem.strip(" ."))


def _files(documents: list[Path], pdf: bool) -> list[Path]:
    """Every file a build writes: the documents and, with --pdf, their PDFs."""
    if not pdf:
        return documents
    from ..render.pdf import target

    return [*documents, *map(target, documents)]


def _stage(job: Job, done: Outcome) -> None:
    from ..render import document, files

    bundle, template = done.bundle, done.template
    assert bundle is not None and template is not None, "staged only after a plan"
    try:
        for n, path in enumerate(done.paths):
            write = partial(document.write, bundle, template, job.fmt, job.epoch, part=n or None)
            try:
                done.staged.append(files.stage(path, write))
            except files.Unwritable as e:  # this file cannot be written there; the others still are
                done.failures.append(e.text)
    except BaseException:
        _discard(done)
        raise


def _commit(job: Job, done: Outcome) -> None:
    """Rename the staged documents into place, then convert them to PDF if asked."""
    if not done.staged:
        return
    from ..render import files

    committed = []
    for one in list(done.staged):  # each leaves `done.staged` only once it is renamed or removed
        try:
            files.commit([one])
            committed.append(one)
        except files.Unwritable as e:  # one file that cannot be renamed into place does not stop the others
            done.failures.append(e.text)
        done.staged.remove(one)
    done.written += [display(s.path) for s in committed]
    if job.pdf and committed:
        from ..render import pdf, templates

        fonts = templates.fonts(done.template) if done.template else {}
        done.written += [display(p) for p in pdf.convert([s.path for s in committed], fonts)]


def _discard(*outcomes: Outcome) -> None:
    from ..render import files

    files.discard([s for done in outcomes for s in done.staged])
    for done in outcomes:
        done.staged = []


def _discard_live() -> None:
    """Remove the files this process staged and did not rename into place (in a worker being stopped,
    the files it was writing)."""
    from ..render import files

    files.discard_live()


def _guarded(job: Job, done: Outcome, step: Callable[[], None]) -> None:
    """Run `step`; a failure becomes a message in `done`, never a traceback (PERFDECL_DEBUG shows it)."""
    from ..render import RenderError

    try:
        step()
    except RenderError as e:
        done.failures.append(e.text)
    except Exception as e:  # a bug in perfdecl: one line
        if os.environ.get("PERFDECL_DEBUG"):
            raise
        done.failures.append(INTERNAL.fill(why=f"{type(e).__name__}: {e}"))


def _usage(folders: list[Path], out: Path | None, template: Path | None, fmt: str, pdf: bool) -> Text | None:
    """What makes the command line unusable, found before anything is read or written."""
    if out is not None and len(folders) > 1:
        return _ONE_OUTPUT
    if out is not None and out.is_dir():
        return _OUTPUT_DIR.fill(path=out)
    if out is not None and not _named(out):
        return _NO_NAME.fill(path=out)
    if out is not None and SUFFIXES.get(out.suffix.lower(), fmt) != fmt:
        return _SUFFIX.fill(path=out, fmt=fmt)
    if pdf and fmt != "docx":
        return _PDF_DOCX
    if template is not None and not template.is_dir():
        return _NO_TEMPLATE.fill(path=template)
    if pdf:
        from ..render.pdf import missing

        problem = missing()
        return problem.text if problem else None
    return None


def _clashes(work: list[Job], plans: list[Outcome]) -> None:
    """Two declarations that would write one file: a usage error, found before anything is written."""
    owner: dict[Path, Path] = {}
    for job, done in zip(work, plans):
        for path in _files(done.paths, job.pdf):
            first = owner.setdefault(path.resolve(), job.folder)
            if first != job.folder:
                done.failures.append(_CLASH.fill(first=display(first), second=display(job.folder), path=display(path)))
                done.usage = True
                break


def _report(problems: list[Diagnostic], outcomes: list[Outcome], declarations: int, strict: bool, lang: str) -> int:
    diags = [*problems, *(d for done in outcomes for d in done.diags)]
    lines = {p: ls for done in outcomes for p, ls in done.lines.items()}
    if diags:
        click.echo(output.human(diags, lines, lang))
    failures = [f for done in outcomes for f in done.failures]
    for failure in failures:
        say(ERROR.fill(what=failure), lang, err=True)
    for note in (n for done in outcomes for n in done.notes):
        say(note, lang)
    written = [p for done in outcomes for p in done.written]
    for path in written:
        say(_WROTE.fill(path=path), lang)
    errors, warnings = output.counts(diags)
    errors += len(failures)
    say(_SUMMARY.fill(n=declarations, written=len(written), errors=errors, warnings=warnings), lang)
    if has_usage_errors(diags) or any(done.usage for done in outcomes):
        return 2
    return 1 if errors or (strict and warnings) else 0
