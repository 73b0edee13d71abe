"""Load a declaration folder: read, validate, inherit, expand texts.

The result is a `Bundle` of validated models plus every problem found on the
way, each with its file, line and column. Nothing here raises for bad input.
A project whose model validated is cross-checked even if its file had other
problems (a duplicate key): those are errors, so nothing is built from it.
"""
from __future__ import annotations

import copy
import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from pydantic import BaseModel, ValidationError

from .diagnostics import Diagnostic, Position, diag, has_errors
from .frameworks import Framework, declared
from .form import (Form, builtin_template, builtin_templates, default_form, read_form, template_folder,
                   text_slots)
from .money import YUAN, Amount, number_text
from .model import ROW_KEYS, SECTIONS, Day, Declaration, File, Project, SubItem
from .paths import NOT_REGULAR, OUTSIDE, display, inside
from .positions import Source, YamlPath
from .schema_errors import translated
from .text import Text
from .values import bare_figure
from .walks import all_indicators
from .yamlload import clean_text, load as load_yaml

if TYPE_CHECKING:
    from .textexpr import Failure

DECLARATION = "declaration.yaml"


@dataclass
class Bundle:
    """A declaration and the projects that validated, in declared order."""

    folder: Path
    declaration: Declaration
    projects: list[Project]
    sources: dict[str, Source] = field(default_factory=dict)
    complete: bool = True  # False when some file had errors or some project did not validate
    form: Form = field(default_factory=default_form)  # the form of the declaration's template
    previous: Bundle | None = None  # last year's declaration (`previous:`), for the PD42x rules
    previous_problem: tuple[str, Text] | None = None  # (what `previous` named, why it could not be read): PD420
    previous_given: bool = False  # the caller named it (--previous), not declaration.yaml


class Totals(NamedTuple):
    """绩效目标设置情况: the counts and the amount, as stated or as computed from the projects."""

    units: int  # 预算单位个数
    projects: int  # 编报绩效目标的项目个数
    amount: Amount  # 涉及项目预算资金 (each project's annual figure, or its total where the form has none)
    counted: int  # the projects of this folder
    computed: Amount  # what they add up to, in 元


def totals(bundle: Bundle) -> Totals:
    """The summary paragraph's figures: a declaration's `summary:` where it states them, else computed."""
    key = bundle.form.role("annual") or bundle.form.role("total")
    value = sum((getattr(p.funding, key).yuan for p in bundle.projects), Decimal(0)) if key else Decimal(0)
    computed = Amount(value, YUAN, number_text(value))
    stated = bundle.declaration.summary
    return Totals(bundle.declaration.budget_units,
                  stated.projects if stated and stated.projects else len(bundle.projects),
                  stated.amount if stated and stated.amount else computed,
                  len(bundle.projects), computed)


def declared_framework(bundle: Bundle) -> tuple[Framework | None, list[Diagnostic]]:
    """The declaration's indicator framework, or None and why."""
    decl = bundle.declaration
    return declared(decl.framework, bundle.folder, decl.source.at("framework"))


def _read_bare_figures(bundle: Bundle) -> None:
    """Where the framework lets a figure go without its operator (`operator: false`), `12.5公里` is the
    figure 12.5 公里 for every rule, sheet, summary and template, as `=12.5 公里` is elsewhere."""
    frame, _ = declared_framework(bundle)
    if frame is None or frame.operator:
        return
    for project in bundle.projects:
        for _, indicator in all_indicators(project):
            indicator.value = bare_figure(indicator.value)


def find_folder(path: Path) -> Path | None:
    """The declaration folder holding `path` (a folder or any file inside one).

    A declaration.yaml that exists but cannot be read (a broken link, a folder)
    still marks its folder, so that the reader can say why.
    """
    path = path.absolute()
    for candidate in [path, *path.parents] if path.is_dir() else path.parents:
        if os.path.lexists(candidate / DECLARATION):
            return candidate
    return None


Part = tuple[int, int]  # (k, n): the k-th of n consecutive slices of a declaration's project list
WHOLE: Part = (0, 1)


def load(folder: Path, part: Part = WHOLE, template: Path | None = None, previous: str | None = None,
         follow_previous: bool = True) -> tuple[Bundle | None, list[Diagnostic]]:
    """Read and validate the declaration in `folder` and its projects (those of `part` only).

    The projects are validated against the form of the declaration's
    template (`template`, a template folder, overrides it). A declaration
    that does not validate gives no bundle, but the project files it lists
    are still read, so that their problems are reported too. Every part
    reports the declaration's own problems. Last year's declaration
    (`previous`, else its `previous:` key) is read, whole, into
    `bundle.previous` unless `follow_previous` is false.
    """
    if inside(folder, DECLARATION) is None:  # a link that leads out of the folder: as for project files
        shown = display(folder / DECLARATION)
        why = Text(f"无法读取文件 {shown}：", f"cannot read file {shown}: ") + OUTSIDE
        return None, [diag("PD015", Position(shown, 1, 1), what=why)]
    decl, decl_source, diags, data = _validated(Declaration, folder / DECLARATION, unreadable="PD015")
    root = folder.resolve()
    if decl:
        diags += _check_paths(root, decl)
    form, found = _form(root, decl, data, decl_source, template)
    diags += found
    if form is None:  # nothing can be validated without the form (PD016 says why)
        return None, diags
    names = list(enumerate(decl.projects)) if decl else _listed(data)
    projects, sources, found = _read_projects(root, names, decl_source, form, part)
    diags += found
    if decl is None:
        return None, diags
    for project in projects:
        project.department = project.department or decl.department
        project.unit = project.unit or decl.unit
    bundle = Bundle(folder, decl, projects, {decl_source.display: decl_source, **sources}, not has_errors(diags),
                    form)
    diags += _expand_texts(bundle)
    _read_bare_figures(bundle)
    if follow_previous:
        _load_previous(bundle, previous)
    return bundle, diags


def _load_previous(bundle: Bundle, given: str | None) -> None:
    """Last year's declaration (`given`, or `previous:`) into `bundle.previous`, or why not.

    A folder is relative to this declaration's folder, anything else a git
    revision (`revision.opened`); its own `previous:` is not followed. The
    problem, if any, is PD420's to report (rules/previous.py).
    """
    spec = given or bundle.declaration.previous
    if not spec:
        return
    from .revision import RevisionError, opened  # subprocess and tempfile: only for a declaration that names one

    bundle.previous_given = given is not None
    try:
        with opened(spec, bundle.folder, bundle.folder) as folder:
            if not (folder / DECLARATION).is_file():
                bundle.previous_problem = spec, Text("其中没有 declaration.yaml", "it holds no declaration.yaml")
                return
            previous, found = load(folder, follow_previous=False)  # last year's last year is not wanted
    except RevisionError as e:
        why = Text("既不是文件夹，也不是可读的 git 版本（", "neither a folder nor a readable git revision (") + e.text
        bundle.previous_problem = spec, why + Text("）", ")")
        return
    if previous is None or has_errors(found):
        bundle.previous_problem = spec, Text("它有错误（perfdecl check 说明）", "it has errors (perfdecl check says which)")
        return
    bundle.previous = previous


def _form(root: Path, decl: Declaration | None, data: object, decl_source: Source,
          override: Path | None) -> tuple[Form | None, list[Diagnostic]]:
    """The form of the declaration's template (the default one where there is none), and its problems.

    None when the template cannot be found or its form definition has errors.
    """
    folder: Path | None = override
    if folder is None:
        name = decl.template if decl else data.get("template") if isinstance(data, dict) else None
        if not isinstance(name, str):
            return default_form(), []
        folder, why = template_folder(root, name)
        if folder is None and decl is None:
            return default_form(), []  # the declaration's own errors say enough
        if folder is None:  # no form to validate the projects with
            return None, [diag("PD012", decl_source.at("template"), key="template", why=why)]
    form, problems = read_form(folder) if folder is not None else (None, [])
    return None if has_errors(problems) else form or default_form(), problems


def _read_projects(root: Path, names: list[tuple[int, str]], decl_source: Source, form: Form,
                   part: Part) -> tuple[list[Project], dict[str, Source], list[Diagnostic]]:
    """The projects of `part` whose models validated, the sources of its files read, and their problems.

    Every name is checked (a file listed twice is found whichever parts hold
    the two entries); only the part's own names are reported on and read.
    """
    projects: list[Project] = []
    sources: dict[str, Source] = {}
    diags: list[Diagnostic] = []
    seen: dict[Path, int] = {}
    k, n = part
    first, end = len(names) * k // n, len(names) * (k + 1) // n
    for j, (i, name) in enumerate(names):
        where = decl_source.at("projects", i)
        path, problem = _project_path(root, name, seen, where.line)
        if not first <= j < end:
            continue
        if problem:
            diags.append(diag("PD007", where, what=problem))
            continue
        project, source, found, _ = _validated(form.project_model(), path)
        sources[source.display] = source
        diags += [_elsewhere(d, form) for d in found]
        if project is not None and project.dates_from:  # start and end taken from a period stand where it does
            for key in ("start", "end"):
                source.values.setdefault((key,), source.values.get((project.dates_from,), (1, 1)))
        if project is not None:  # even with other problems in its file: those are errors, so nothing is built
            projects.append(project)
    return projects, sources, diags


def _elsewhere(d: Diagnostic, form: Form) -> Diagnostic:
    """An unknown key that another built-in form has (nature: is 项目性质 of shanghai-2026) says so."""
    key = d.kwargs.get("key")
    if d.code != "PD010" or not isinstance(key, str):
        return d
    for name in builtin_templates():
        other, _ = read_form(builtin_template(name) or Path(name))
        spec = other.fields.get(key) if other is not None and other != form else None
        if spec is not None:
            return diag("PD010", d.pos, key=key, suggest=Text(
                f"：它是模板 {name} 的“{spec.label}”，本申报的模板没有这一栏（见 declaration.yaml 的 template）",
                f": it is '{spec.label}' of template {name}; this declaration's template has no such field "
                "(see template: in declaration.yaml)"))
    return d


def project_count(folder: Path) -> int:
    """How many project files the declaration in `folder` lists (0 if it cannot be read)."""
    path = folder / DECLARATION
    data, _, _ = load_yaml(path, display(path))
    return len(_listed(data))


def _listed(data: object) -> list[tuple[int, str]]:
    """The project names of a declaration that did not validate, where readable."""
    names = data.get("projects") if isinstance(data, dict) else None
    return [(i, n) for i, n in enumerate(names) if isinstance(n, str)] if isinstance(names, list) else []


def _project_path(root: Path, name: str, seen: dict[Path, int], line: int) -> tuple[Path, Text | None]:
    if not name.strip():
        return root, Text("项目文件名为空", "the project file name is empty")
    path = inside(root, name)
    if path is None:
        return root, Text(f"项目文件“{name}”", f"project file '{name}' ") + OUTSIDE
    try:
        if path == root / DECLARATION:
            return path, Text(f"“{name}”是申报文件本身，不能作为项目", f"'{name}' is the declaration file itself")
        if path.is_dir():
            return path, Text(f"“{name}”是文件夹，不是项目文件", f"'{name}' is a folder, not a project file")
        if path in seen:
            return path, Text(f"项目文件“{name}”重复列出（第 {seen[path]} 行已列出）",
                              f"project file '{name}' is listed twice (already on line {seen[path]})")
        seen[path] = line
        if path.exists() and not path.is_file():  # a FIFO, a socket, a device: never opened
            return path, Text(f"项目文件“{name}”", f"project file '{name}' is ") + NOT_REGULAR
        if not path.is_file():
            return path, Text(f"找不到项目文件“{name}”", f"project file '{name}' not found")
    except OSError as e:
        why = e.strerror or e
        return root, Text(f"无法读取项目文件“{name}”：{why}", f"cannot read project file '{name}': {why}")
    return path, None


def _check_paths(root: Path, decl: Declaration) -> list[Diagnostic]:
    """`output` must lie inside the declaration folder and must not be a source (`template:`: see `_form`)."""
    found = []
    for key, value in (("output", decl.output),):
        if not value:
            continue
        path = inside(root, value)
        if path is None:
            why = OUTSIDE
        elif key == "output" and (path.suffix.lower() in (".yaml", ".yml", ".json")
                                  or path in {root / DECLARATION, *(inside(root, n) for n in decl.projects)}):
            why = Text("不能是源文件，否则会被覆盖", "must not be a source file, which it would overwrite")
        else:
            continue
        found.append(diag("PD012", decl.source.at(key), key=key, why=why))
    return found


_File = TypeVar("_File", bound=File)


def _validated(model: type[_File], path: Path,
               unreadable: str = "PD007") -> tuple[_File | None, Source, list[Diagnostic], object]:
    """(model or None, source, diagnostics, raw data) for one YAML file."""
    data, source, diags = load_yaml(path, display(path), unreadable)
    if data is None and has_errors(diags):
        return None, source, diags, data
    if not isinstance(data, dict):
        what = (Text("文件为空", "file is empty") if data is None else
                Text("文件内容应为“键: 值”的映射，而不是列表或单个值", "file must be a mapping of keys to values"))
        return None, source, [*diags, diag("PD006", source.at(), what=what)], data
    _dates_as_written(data, source)
    order, found = _indicator_rows(data, source) if issubclass(model, Project) else (None, [])
    diags = [*diags, *found]
    obj: _File | None = None
    try:
        obj = model.model_validate(data)
    except ValidationError as e:
        errors = e.errors()
        if _as_written(data, errors, source):
            try:
                obj = model.model_validate(data)
            except ValidationError as again:
                errors = again.errors()
        if obj is None:
            found = translated(errors, model, source, diags)
            obj = _without_unknown_keys(model, data, errors)
            if obj is None:
                return None, source, [*diags, *found], data
            diags = [*diags, *found]  # errors: it is cross-checked, never built
    obj._source = source
    if isinstance(obj, Project) and order is not None:
        obj._order = order
    return obj, source, diags, data


def _without_unknown_keys(model: type[_File], data: dict, errors: list) -> _File | None:
    """The model of `data` less its unknown keys, when they are its only problem; else None.

    A misspelt or misplaced key is reported (PD010); the rest of the file is
    still worth checking, so that one run reports everything.
    """
    if not errors or any(err["type"] != "extra_forbidden" for err in errors):
        return None
    trimmed = copy.deepcopy(data)
    for err in errors:
        *parents, key = err["loc"]
        owner: object = trimmed
        for part in parents:
            owner = owner[part]  # type: ignore[index]
        if isinstance(owner, dict):
            owner.pop(key, None)
    try:
        return model.model_validate(trimmed)
    except ValidationError:
        return None


_NOT_A_ROW = Text("指标行应为映射：{first: 一级指标, second: 二级指标, name: 三级指标, value: 指标值}",
                  "an indicator row must be a mapping: {first: …, second: …, name: …, value: …}")


def _indicator_rows(data: dict, source: Source) -> tuple[list[tuple[str, str, str]] | None, list[Diagnostic]]:
    """Indicators written as a list of rows, in the order the form prints them (一级 and 二级 repeated
    as often as they come), made into the tree every rule reads; the order is returned, and each row's
    positions are recorded at its place in the tree as well. None when they are written as the tree."""
    rows = data.get("indicators")
    if not isinstance(rows, list):
        return None, []
    tree: dict[str, dict[str, dict[str, object]]] = {}
    order: list[tuple[str, str, str]] = []
    renames: dict[YamlPath, YamlPath] = {}
    first_line: dict[tuple[str, str, str], int] = {}
    diags: list[Diagnostic] = []
    for i, row in enumerate(rows):
        here = ("indicators", i)
        if not isinstance(row, dict):
            diags.append(diag("PD012", source.at(*here), key=f"indicators[{i}]", why=_NOT_A_ROW))
            continue
        names = [_written_text(row.get(key), source, (*here, key)) for key in ROW_KEYS]
        missing = [key for key, name in zip(ROW_KEYS, names) if not name]
        if missing:
            diags += [diag("PD011", source.at(*here), key=f"indicators[{i}].{key}") for key in missing]
            continue
        first, second, name = place = (names[0], names[1], names[2])
        if place in first_line:
            diags.append(diag("PD003", source.at(*here, "name"), key=name, first=first_line[place]))
            continue
        first_line[place] = source.at(*here).line
        tree.setdefault(first, {}).setdefault(second, {})[name] = {k: v for k, v in row.items() if k not in ROW_KEYS}
        renames[here] = ("indicators", *place)
        for n, key in enumerate(ROW_KEYS, start=1):  # each level's name stands where the row writes it
            written = source.values.get((*here, key), (1, 1))
            source.keys.setdefault(("indicators", *place[:n]), written)
            if n < len(ROW_KEYS):
                source.values.setdefault(("indicators", *place[:n]), written)
        order.append(place)
    source.alias(renames)
    data["indicators"] = tree
    return order, diags


def _written_text(value: object, source: Source, path: YamlPath) -> str:
    """A name as written: text, or the source of a number or date YAML read as one."""
    text = value if isinstance(value, str) else source.scalars.get(path, "")
    return text.strip()


def _dates_as_written(data: dict, source: Source) -> None:
    """Give each date YAML read (`2026-1-1`) its source text, to be printed as written."""
    for loc, text in source.scalars.items():
        if not loc or "-" not in text:
            continue  # a number or a boolean
        parent: object = data
        try:
            for part in loc[:-1]:
                parent = parent[part]  # type: ignore[index]
            value = parent[loc[-1]]  # type: ignore[index]
        except (KeyError, IndexError, TypeError):
            continue
        if type(value) is dt.date:
            parent[loc[-1]] = Day.written(value, text.strip())  # type: ignore[index]


def _as_written(data: dict, errors: list, source: Source) -> bool:
    """Put back the source text of numbers, booleans and dates where they were refused.

    `category: no`, `title: 2023` and `name: 2023-01-01` are texts to a form
    filler; YAML reads them as other types. Only refused values are touched,
    so this costs nothing on files that validate.
    """
    changed = False
    for err in errors:
        if err["type"] != "string_type" and not isinstance(err.get("input"), bool):
            continue  # a number refused by a number field keeps its own message
        loc = tuple(err["loc"])
        prefix = next((loc[:n] for n in range(len(loc), 0, -1) if loc[:n] in source.scalars), None)
        if prefix is None:
            continue
        parent = data
        try:
            for part in prefix[:-1]:
                parent = parent[part]
            if not isinstance(parent[prefix[-1]], str):
                parent[prefix[-1]] = source.scalars[prefix]
                changed = True
        except (KeyError, IndexError, TypeError):
            continue
    return changed


def _expand_texts(bundle: Bundle) -> list[Diagnostic]:
    """Evaluate `{{ … }}` in texts, sandboxed; Jinja2 is imported only if needed.

    All texts of the declaration draw on one budget (`run`, made by the first
    text that needs Jinja), not one each: 200 texts of nested loops cannot add up to minutes.
    """
    diags: list[Diagnostic] = []
    run: dict[str, object] = {}
    for project in bundle.projects:
        for owner, name, path in _texts(project):
            text = getattr(owner, name)
            if not text or ("{{" not in text and "{%" not in text):
                continue
            value, failed = _render_text(text, bundle, project, owner if isinstance(owner, SubItem) else None, run)
            if failed:
                where = _expression_at(project.source, path, text, failed.line)
                diags.append(diag("PD014", where, why=failed.why))
                continue
            value, chars = clean_text(value)  # an expression can make what the loader removed
            if chars:
                diags.append(diag("PD013", project.source.at(*path), chars=chars))
            project.source.templates[path] = text
            setattr(owner, name, value)
    return diags


def _expression_at(source: Source, path: tuple, text: str, line: int) -> Position:
    """Where the failing expression opens: the first `{{`/`{%` on the text's failing line.

    Jinja knows the line, not the expression; a line without one continues
    an expression opened above it. An unknown line (0) means the first one.
    """
    lines = text.split("\n")
    begin, end = len("\n".join(lines[: line - 1])) + 1 if line > 1 else 0, len("\n".join(lines[:line]))
    on_line = [i for i in (text.find("{{", begin, end), text.find("{%", begin, end)) if i >= 0]
    opened = min(on_line) if on_line else max(text.rfind("{{", 0, begin), text.rfind("{%", 0, begin))
    if opened < 0:
        opened = min((i for i in (text.find("{{"), text.find("{%")) if i >= 0), default=0)
    return source.locate(path, text, opened, opened + 2)


def _texts(project: Project) -> Iterator[tuple[BaseModel, str, YamlPath]]:
    """(owner, field name, YAML path) of every text that may hold `{{ … }}`."""
    for i, item in enumerate(project.items):
        for name in SECTIONS:
            yield item, name, ("items", i, name)
    for name in ("total", "annual"):
        yield project.goals, name, ("goals", name)
    yield from text_slots(project)


def _render_text(text: str, bundle: Bundle, project: Project, item: SubItem | None,
                 run: dict[str, object]) -> tuple[str, Failure | None]:
    context: dict[str, object] = {"project": project, "declaration": bundle.declaration}
    if item is not None:
        context |= {"budget": item.budget, "annual": item.annual_amount, "lines": item.lines,
                    "schedule": item.schedule, "start": item.start, "end": item.end, "item": item}
    plain = _plain_fields(text, context)
    if plain is not None:
        return plain, None
    from .textexpr import render_text

    return render_text(text, context, run)


_FIELD = re.compile(r"\{\{ *([a-z_]+(?:\.[a-z_]+)*) *\}\}")


def _plain_fields(text: str, context: dict) -> str | None:
    """`text` with each `{{ name }}` / `{{ name.field }}` filled in, or None if it needs Jinja.

    Most texts only print a figure (预算资金约 {{ budget }}); doing those without
    Jinja keeps it, and its import, off the path of `perfdecl check`. The result
    is what the sandbox would print: str() of a field's value.
    """
    parts = _FIELD.split(text)
    if any(marker in part for part in parts[::2] for marker in ("{{", "{%", "{#")):
        return None
    for i in range(1, len(parts), 2):
        first, *rest = parts[i].split(".")
        value = context.get(first)
        for name in rest:
            if not (isinstance(value, BaseModel) and name in type(value).model_fields):
                return None
            value = getattr(value, name)
        if not isinstance(value, (str, int, Amount, Decimal)) or isinstance(value, bool):
            return None
        parts[i] = str(value)
    return "".join(parts)

