"""Template folders: find one, read template.yaml, run its Jinja2 in a sandbox.

A template folder holds `template.yaml` (name, description, framework and an
optional `base:`, a built-in template whose files this one falls back to),
`document.xml.j2` (the entry point, which may include or import the other
`.j2` files), `reference.docx` (styles and page set-up) and `html.css`.
"""
from __future__ import annotations

import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from ..diagnostics import Diagnostic, diag
from ..form import MAIN, META, builtin_template, builtin_templates, template_folder
from ..load import Bundle, totals
from ..paths import display, inside
from ..positions import Source
from ..rules.common import declared_framework
from ..text import Text, listing
from . import RenderError

if TYPE_CHECKING:
    from jinja2 import Environment
    from jinja2.sandbox import SandboxedEnvironment

REFERENCE, CSS = "reference.docx", "html.css"


@dataclass(frozen=True)
class Template:
    folders: tuple[Path, ...]  # the template's own folder first, then its bases
    meta: dict

    def find(self, name: str) -> Path | None:
        return find(self.folders, name)

    def files(self) -> list[Path]:
        """The files the template is made of (never to be overwritten by an output)."""
        return [*(p for f in self.folders for p in f.rglob("*.j2")),
                *(p for p in (f / n for f in self.folders for n in (META, REFERENCE, CSS)) if p.is_file())]


def find(folders: tuple[Path, ...], name: str) -> Path | None:
    """The file `name` of the first folder that has it.

    A RenderError if that file resolves outside its folder (a symlink, an
    absolute name): a template must not read, and so show, any other file.
    """
    for folder in folders:
        path = folder / name
        if path.is_file():
            if inside(folder, name) is None:
                raise RenderError(f"模板文件 {display(path)} 指向模板文件夹 {display(folder)} 之外，拒绝读取",
                                  f"template file {display(path)} leads outside the template folder "
                                  f"{display(folder)}; refusing to read it")
            return path
    return None


def builtin(name: str) -> Path | None:
    return builtin_template(name)


def builtin_names() -> list[str]:
    return builtin_templates()


def extras(bundle: Bundle) -> dict:
    """What a template sees besides the declaration and its projects (docs/templates.md)."""
    frame, _ = declared_framework(bundle)
    return {"form": bundle.form, "summary": totals(bundle), "framework": frame}


def locate(bundle: Bundle, override: Path | None) -> tuple[Path | None, list[Diagnostic]]:
    """The template folder a declaration asks for (`--template` wins), or a diagnostic at `template:`."""
    if override is not None:
        return override, []
    decl = bundle.declaration
    folder, why = template_folder(bundle.folder, decl.template)
    if folder is None:
        return None, [diag("PD012", decl.source.at("template"), key="template", why=why)]
    return folder, []


def load(folder: Path) -> Template:
    """The template in `folder` with its chain of bases; RenderError if it is unusable."""
    folders: list[Path] = []
    meta: dict = {}
    current: Path | None = folder
    while current is not None:
        if current in folders:
            raise RenderError(f"模板 {display(folder)} 的 base 形成循环", f"template {display(folder)}: base loops")
        own = _meta(current)
        folders.append(current)
        meta = {**own, **meta}
        base = own.get("base")
        if base and builtin(str(base)) is None:
            where = display(current / META)
            raise RenderError(f"{where}：base “{base}” 不是内置模板", f"{where}: base '{base}' is not a built-in template")
        current = builtin(str(base)) if base else None
    meta.pop("base", None)
    template = Template(tuple(folders), meta)
    if template.find(MAIN) is None:
        raise RenderError(f"模板文件夹 {display(folder)} 中没有 {MAIN}", f"template folder {display(folder)} has no {MAIN}")
    return template


def _meta(folder: Path) -> dict:
    import yaml

    if not folder.is_dir():
        raise RenderError(f"模板文件夹不存在：{display(folder)}", f"no such template folder: {display(folder)}")
    path = find((folder,), META)
    if path is None:
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise RenderError(f"无法读取 {display(path)}：{e}", f"cannot read {display(path)}: {e}") from None
    if data is not None and not isinstance(data, dict):
        raise RenderError(f"{display(path)} 应为“键: 值”的映射", f"{display(path)} must be a mapping")
    return data or {}


def stream(template: Template, context: dict, batch: int = 1 << 16) -> Iterator[str]:
    """The template's markup for `context`, in pieces of about `batch` characters, as it is made.

    Any failure of the template is a RenderError naming its file and line.
    """
    from jinja2 import TemplateSyntaxError

    try:
        pieces, size = [], 0
        for piece in _environment(template.folders).get_template(MAIN).generate(context):
            pieces.append(piece)
            size += len(piece)
            if size >= batch:
                yield "".join(pieces)
                pieces, size = [], 0
        yield "".join(pieces)
    except TemplateSyntaxError as e:
        where = f"{display(Path(e.filename)) if e.filename else e.name}:{e.lineno}"
        raise RenderError(f"{where}：模板语法错误：{e.message}", f"{where}: template syntax error: {e.message}") from None
    except RecursionError:
        raise RenderError("模板递归过深", "template recursion too deep") from None
    except Exception as e:  # anything a user's template code can raise
        if isinstance(e, RenderError):
            raise
        where = _template_line(e, template)
        why = f"{type(e).__name__}: {e}"
        raise RenderError(f"{where}模板出错：{why}", f"{where}template error: {why}") from None


def _template_line(e: Exception, template: Template) -> str:
    """`file:line: ` of the innermost template frame of an exception, if any."""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        if frame.filename.endswith(".j2") and any(inside(f, frame.filename) for f in template.folders):
            return f"{display(Path(frame.filename))}:{frame.lineno}: "
    return ""


# What the data's lists, dicts and sets could be changed with: refused to templates (as
# jinja2's ImmutableSandboxedEnvironment does, but checking the name first, which is much faster).
_MUTATORS = frozenset({"add", "append", "appendleft", "clear", "difference_update", "discard", "extend",
                       "extendleft", "insert", "intersection_update", "pop", "popitem", "popleft", "remove",
                       "reverse", "rotate", "setdefault", "sort", "symmetric_difference_update", "update"})


_FILES = (PurePath, Source)


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...]) -> SandboxedEnvironment:
    from jinja2 import BaseLoader, StrictUndefined, TemplateNotFound
    from jinja2.loaders import split_template_path
    from jinja2.sandbox import SandboxedEnvironment, modifies_known_mutable

    from .filters import FILTERS

    class Sandbox(SandboxedEnvironment):
        """A template reads the declaration; it can neither reach Python internals nor change the data.

        Whether an attribute is safe depends only on the object's type and the
        name (see jinja2.sandbox.is_internal_attribute), so the answer is cached.
        """

        known: dict[tuple[type, str], bool] = {}

        def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
            if isinstance(value, _FILES):  # a path could read or write any file
                return False
            key = (type(obj), attr)
            safe = self.known.get(key)
            if safe is None:
                safe = self.known[key] = super().is_safe_attribute(obj, attr, value) and not (
                    attr in _MUTATORS and modifies_known_mutable(obj, attr))
            return safe

    class Loader(BaseLoader):
        """FileSystemLoader's search, through `find`: no file outside its template folder."""

        def get_source(self, environment: Environment, name: str) -> tuple[str, str, Callable[[], bool]]:
            path = find(folders, "/".join(split_template_path(name)))
            if path is None:
                raise TemplateNotFound(name)
            mtime = path.stat().st_mtime
            return path.read_text(encoding="utf-8"), str(path), lambda: _mtime(path) == mtime

    env = Sandbox(loader=Loader(), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    return env


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
