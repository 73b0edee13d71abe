"""Load a declaration folder: read, validate, inherit, expand texts.

The result is a `Bundle` of validated models plus every problem found on the
way, each with its file, line and column. Nothing here raises for bad input.
"""
from __future__ import annotations

import difflib
import os
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ValidationError

from .diagnostics import ERROR, Diagnostic, Position, diag
from .model import SECTIONS, Declaration, Project
from .yamlload import Source, load as load_yaml

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
    """Read and validate the declaration in `folder` and all its projects."""
    decl_file = folder / DECLARATION
    decl, decl_source, diags = _validated(Declaration, decl_file)
    sources = {decl_source.display: decl_source}
    if decl is None:
        return None, diags
    projects: list[Project] = []
    complete = True
    for i, name in enumerate(decl.projects):
        path, problem = _project_path(folder, decl.projects, i)
        if problem:
            diags.append(diag("PD007", decl_source.at("projects", i), what=problem[0], what_en=problem[1]))
            complete = False
            continue
        project, source, found = _validated(Project, path)
        sources[source.display] = source
        diags += found
        if project is None or any(d.severity == ERROR for d in found):
            complete = False
            continue
        project.department = project.department or decl.department
        project.unit = project.unit or decl.unit
        projects.append(project)
    bundle = Bundle(folder, decl, projects, sources, complete)
    diags += _expand_texts(bundle)
    return bundle, diags


def _project_path(folder: Path, names: list[str], i: int) -> tuple[Path, tuple[str, str] | None]:
    name = names[i]
    path = (folder / name).resolve()
    root = folder.resolve()
    if not path.is_relative_to(root):
        return path, (f"项目文件“{name}”不在申报文件夹内", f"project file '{name}' is outside the declaration folder")
    if path == root / DECLARATION:
        return path, (f"“{name}”是申报文件本身，不能作为项目", f"'{name}' is the declaration file itself")
    if any((folder / other).resolve() == path for other in names[:i]):
        return path, (f"项目文件“{name}”重复列出", f"project file '{name}' is listed twice")
    if not path.is_file():
        return path, (f"找不到项目文件“{name}”", f"project file '{name}' not found")
    return path, None


def _validated(model: type[BaseModel], path: Path):
    """(model or None, source, diagnostics) for one YAML file."""
    data, source, diags = load_yaml(path, display(path))
    if any(d.severity == ERROR for d in diags) and data is None:
        return None, source, diags
    if not isinstance(data, dict):
        what = "文件为空" if data is None else "文件内容应为“键: 值”的映射，而不是列表或单个值"
        what_en = "file is empty" if data is None else "file must be a mapping of keys to values"
        return None, source, [*diags, diag("PD006", source.at(), what=what, what_en=what_en)]
    try:
        obj = model.model_validate(data)
    except ValidationError as e:
        return None, source, [*diags, *(_translate(err, model, source) for err in e.errors())]
    obj._source = source
    return obj, source, diags


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
    if kind == "missing":
        return diag("PD011", source.key_at(*loc[:-1]) if loc[:-1] else source.at(), key=dotted)
    ctx = err.get("ctx") or {}
    if kind == "value_error":
        why = str(ctx.get("error", err["msg"]))
    else:
        why = _WHY.get(kind, err["msg"]).format_map({k: str(v) for k, v in ctx.items()})
    return diag("PD012", source.at(*loc), key=dotted or "文件", why=why, why_en=err["msg"])


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
        for i, item in enumerate(project.items):
            for name in SECTIONS:
                text = getattr(item, name)
                if text and ("{{" in text or "{%" in text):
                    value, problem = _render_text(text, bundle, project, item)
                    if problem:
                        diags.append(diag("PD014", project.source.at("items", i, name), why=problem))
                    else:
                        setattr(item, name, value)
        for name in ("total", "annual"):
            text = getattr(project.goals, name)
            if "{{" in text or "{%" in text:
                value, problem = _render_text(text, bundle, project, None)
                if problem:
                    diags.append(diag("PD014", project.source.at("goals", name), why=problem))
                else:
                    setattr(project.goals, name, value)
    return diags


def _render_text(text: str, bundle: Bundle, project: Project, item) -> tuple[str, str | None]:
    from .textexpr import render_text

    context = {"project": project, "declaration": bundle.declaration}
    if item is not None:
        context |= {"budget": item.budget, "annual": item.annual_amount, "lines": item.lines,
                    "schedule": item.schedule, "start": item.start, "end": item.end, "item": item}
    return render_text(text, context)

