"""Load a declaration folder: read, validate, inherit, expand texts.

The result is a `Bundle` of validated models plus every problem found on the
way, each with its file, line and column. Nothing here raises for bad input.
"""
from __future__ import annotations

import difflib
import os
import re
import types
import typing
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .diagnostics import ERROR, Diagnostic, diag
from .money import Amount
from .model import SECTIONS, Declaration, Project
from .yamlload import Source, clean_text, load as load_yaml

DECLARATION = "declaration.yaml"


@dataclass
class Bundle:
    """A declaration and the projects that validated, in declared order."""

    folder: Path
    declaration: Declaration
    projects: list[Project]
    sources: dict[str, Source] = field(default_factory=dict)
    complete: bool = True  # False when some project file failed to load


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


def find_folder(path: Path) -> Path | None:
    """The declaration folder holding `path` (a folder or any file inside one)."""
    path = path.absolute()
    for candidate in [path, *path.parents] if path.is_dir() else path.parents:
        if (candidate / DECLARATION).is_file():
            return candidate
    return None


def load(folder: Path) -> tuple[Bundle | None, list[Diagnostic]]:
    """Read and validate the declaration in `folder` and all its projects.

    A declaration that does not validate gives no bundle, but the project
    files it lists are still read, so that their problems are reported too.
    """
    decl, decl_source, diags, data = _validated(Declaration, folder / DECLARATION)
    sources = {decl_source.display: decl_source}
    names = list(enumerate(decl.projects)) if decl else _listed(data)
    root = folder.resolve()
    if decl:
        diags += _check_paths(root, decl)
    projects: list[Project] = []
    complete = True
    seen: dict[Path, int] = {}
    for i, name in names:
        path, problem = _project_path(root, name, seen, decl_source.at("projects", i).line)
        if problem:
            diags.append(diag("PD007", decl_source.at("projects", i), what=problem[0], what_en=problem[1]))
            complete = False
            continue
        project, source, found, _ = _validated(Project, path)
        sources[source.display] = source
        diags += found
        if project is None or decl is None or any(d.severity == ERROR for d in found):
            complete = False
            continue
        project.department = project.department or decl.department
        project.unit = project.unit or decl.unit
        projects.append(project)
    if decl is None:
        return None, diags
    bundle = Bundle(folder, decl, projects, sources, complete)
    diags += _expand_texts(bundle)
    return bundle, diags


def _listed(data: object) -> list[tuple[int, str]]:
    """The project names of a declaration that did not validate, where readable."""
    names = data.get("projects") if isinstance(data, dict) else None
    return [(i, n) for i, n in enumerate(names) if isinstance(n, str)] if isinstance(names, list) else []


def _resolved(root: Path, name: str) -> Path | OSError | RuntimeError | ValueError:
    """`name` resolved against the folder, or why it cannot be (too long, a symlink loop, a NUL)."""
    try:
        return (root / name).resolve()
    except (OSError, RuntimeError, ValueError) as e:
        return e


def _project_path(root: Path, name: str, seen: dict[Path, int], line: int) -> tuple[Path, tuple[str, str] | None]:
    path = _resolved(root, name)
    try:
        if not isinstance(path, Path):
            raise path
        if not path.is_relative_to(root):
            return path, (f"项目文件“{name}”不在申报文件夹内", f"project file '{name}' is outside the declaration folder")
        if path == root / DECLARATION:
            return path, (f"“{name}”是申报文件本身，不能作为项目", f"'{name}' is the declaration file itself")
        if path in seen:
            return path, (f"项目文件“{name}”重复列出（第 {seen[path]} 行已列出）",
                          f"project file '{name}' is listed twice (already on line {seen[path]})")
        seen[path] = line
        if not path.is_file():
            return path, (f"找不到项目文件“{name}”", f"project file '{name}' not found")
    except (OSError, RuntimeError, ValueError) as e:
        why = getattr(e, "strerror", None) or e
        return root, (f"无法读取项目文件“{name}”：{why}", f"cannot read project file '{name}': {why}")
    return path, None


def _check_paths(root: Path, decl: Declaration) -> list[Diagnostic]:
    """`output` and a template folder must lie inside the declaration folder; output must not be a source."""
    found = []
    for key, value in (("output", decl.output), ("template", decl.template)):
        if not value or (key == "template" and not re.search(r"[/\\.]", value)):
            continue  # no output given, or a built-in template's name
        path = _resolved(root, value)
        if not isinstance(path, Path) or not path.is_relative_to(root):
            why = "应在申报文件夹内", "must lie inside the declaration folder"
        elif key == "output" and (path.suffix.lower() in (".yaml", ".yml", ".json")
                                  or path in {root / DECLARATION, *(_resolved(root, n) for n in decl.projects)}):
            why = "不能是源文件，否则会被覆盖", "must not be a source file, which it would overwrite"
        else:
            continue
        found.append(diag("PD012", decl.source.at(key), key=key, why=why[0], why_en=why[1]))
    return found


def _validated(model: type[BaseModel], path: Path):
    """(model or None, source, diagnostics, raw data) for one YAML file."""
    data, source, diags = load_yaml(path, display(path))
    if data is None and any(d.severity == ERROR for d in diags):
        return None, source, diags, data
    if not isinstance(data, dict):
        what = "文件为空" if data is None else "文件内容应为“键: 值”的映射，而不是列表或单个值"
        what_en = "file is empty" if data is None else "file must be a mapping of keys to values"
        return None, source, [*diags, diag("PD006", source.at(), what=what, what_en=what_en)], data
    try:
        obj = model.model_validate(data)
    except ValidationError as e:
        errors = e.errors()
        obj = None
        if _as_written(data, errors, source):
            try:
                obj = model.model_validate(data)
            except ValidationError as again:
                errors = again.errors()
        if obj is None:
            return None, source, [*diags, *_translated(errors, model, source, diags)], data
    obj._source = source
    return obj, source, diags, data


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


def _translated(errors: list, model: type[BaseModel], source: Source, diags: list[Diagnostic]) -> list[Diagnostic]:
    """The validation errors as diagnostics, once each, none where the loader already said why."""
    taken = {d.pos for d in diags if d.severity == ERROR}
    out: list[Diagnostic] = []
    for err in errors:
        d = _translate(err, model, source)
        said = tuple(err["loc"]) in source.values and source.at(*err["loc"]) in taken
        if d.pos not in taken and not said and d not in out:
            out.append(d)
    return out


_WHY = {
    "string_type": "应为文字", "int_parsing": "应为整数", "int_type": "应为整数",
    "int_from_float": "应为整数", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "finite_number": "应为有限的数字",
    "date_type": "应为日期，如 2023-01-01", "date_parsing": "应为日期，如 2023-01-01",
    "date_from_datetime_parsing": "应为日期，如 2023-01-01", "list_type": "应为列表",
    "tuple_type": "应为列表", "dict_type": "应为映射（键: 值）", "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）", "too_short": "至少需要 {min_length} 项",
    "too_long": "项数过多", "literal_error": "应为 {expected} 之一", "greater_than_equal": "应不小于 {ge}",
    "less_than_equal": "应不大于 {le}", "none_required": "应为空", "decimal_max_places": "小数位数过多",
    "int_parsing_size": "数字过大", "row_length": "每行应为 4 项：[项目组成, 数量, 单价, 资金需求]；含逗号的数字需加引号",
}


def _translate(err: dict, model: type[BaseModel], source: Source) -> Diagnostic:
    loc = tuple(err["loc"])
    kind = err["type"]
    dotted = _dotted(loc)
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _fields_at(model, loc[:-1]), n=1)
        return diag("PD010", source.key_at(*loc), key=dotted,
                    suggest=f"，是不是“{close[0]}”？" if close else "",
                    suggest_en=f"; did you mean '{close[0]}'?" if close else "")
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a tuple row too short (pydantic >= 2.14)
        kind = "missing_argument"
    if kind == "missing":
        return diag("PD011", source.key_at(*loc[:-1]) if loc[:-1] else source.at(), key=dotted)
    ctx = err.get("ctx") or {}
    why_en = err["msg"]
    if kind in ("missing_argument", "unexpected_positional_argument"):  # a line-item row of the wrong length
        loc, kind = loc[:-1], "row_length"
        dotted = _dotted(loc)
        why_en = "a row has 4 cells: [name, quantity, unit price, amount]; quote numbers with commas"
    if kind == "value_error":
        why = str(ctx.get("error", err["msg"]))
    elif err.get("input", "") is None:  # shown at its key: an empty value has no text to point at
        return diag("PD012", source.key_at(*loc), key=dotted or "文件", why="不能为空", why_en="must not be empty")
    else:
        why = _WHY.get(kind, err["msg"]).format_map({k: str(v) for k, v in ctx.items()})
    return diag("PD012", source.at(*loc), key=dotted or "文件", why=why, why_en=why_en)


def _dotted(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fields_at(model: type[BaseModel], loc: tuple) -> list[str]:
    """The field names of the model found at `loc`, for did-you-mean hints."""
    current: object = model
    for part in loc:
        current = _step(current, part)
        if current is None:
            return []
    return list(current.model_fields) if isinstance(current, type) and issubclass(current, BaseModel) else []


def _step(tp: object, part: object) -> object:
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        info = tp.model_fields.get(str(part))
        return _unwrap(info.annotation) if info else None
    args = typing.get_args(tp)
    origin = typing.get_origin(tp)
    if origin in (list, tuple) and isinstance(part, int) and args:
        return _unwrap(args[0])
    if origin is dict and args:
        return _unwrap(args[1])
    return None


def _unwrap(tp: object) -> object:
    """Strip Optional[...] and Annotated[...] down to the model or container type."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            rest = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = rest[0] if len(rest) == 1 else tp
            if len(rest) != 1:
                return tp
        else:
            return tp


def _expand_texts(bundle: Bundle) -> list[Diagnostic]:
    """Evaluate `{{ … }}` in texts, sandboxed; Jinja2 is imported only if needed."""
    diags: list[Diagnostic] = []
    for project in bundle.projects:
        for owner, name, path in _texts(project):
            text = getattr(owner, name)
            if not text or ("{{" not in text and "{%" not in text):
                continue
            value, problem = _render_text(text, bundle, project, owner if path[0] == "items" else None)
            if problem:
                diags.append(diag("PD014", project.source.at(*path), why=problem))
                continue
            value, chars = clean_text(value)  # an expression can make what the loader removed
            if chars:
                diags.append(diag("PD013", project.source.at(*path), chars=chars))
            setattr(owner, name, value)
    return diags


def _texts(project: Project):
    """(owner, field name, YAML path) of every text that may hold `{{ … }}`."""
    for i, item in enumerate(project.items):
        for name in SECTIONS:
            yield item, name, ("items", i, name)
    for name in ("total", "annual"):
        yield project.goals, name, ("goals", name)


def _render_text(text: str, bundle: Bundle, project: Project, item) -> tuple[str, str | None]:
    context = {"project": project, "declaration": bundle.declaration}
    if item is not None:
        context |= {"budget": item.budget, "annual": item.annual_amount, "lines": item.lines,
                    "schedule": item.schedule, "start": item.start, "end": item.end, "item": item}
    plain = _plain_fields(text, context)
    if plain is not None:
        return plain, None
    from .textexpr import render_text

    return render_text(text, context)


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

