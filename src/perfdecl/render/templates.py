"""Template folders: find one, read template.yaml, run its Jinja2 in a sandbox.

A template folder holds `template.yaml` (name, description, framework and an
optional `base:`, a built-in template whose files this one falls back to),
`document.xml.j2` (the entry point, which may include or import the other
`.j2` files), `reference.docx` (styles and page set-up) and `html.css`.
"""
from __future__ import annotations

import re
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..diagnostics import ERROR, Diagnostic, diag
from ..load import Bundle
from ..paths import OUTSIDE, Unreadable, display, inside, read_regular, templates_dir
from ..positions import Source
from ..text import Text, listing
from ..yamlload import load as load_yaml
from . import RenderError

if TYPE_CHECKING:
    from jinja2 import Environment, nodes
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment

MAIN, META, REFERENCE, CSS = "document.xml.j2", "template.yaml", "reference.docx", "html.css"
MAX_TEMPLATE_BYTES = 2 * 2**20  # one template file; the built-in ones are a few KB
# What rendering may cost: units of work (a loop step is one; see textexpr), seconds (a backstop),
# and characters of markup made. A generated 1,000-project declaration takes about 200,000 units.
TEMPLATE_WORK = 5_000_000
TEMPLATE_SECONDS = 30.0
MAX_MARKUP = 400 * 2**20
_NAME = re.compile(r"[A-Za-z0-9][\w.-]*")


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
    folder = templates_dir() / name
    return folder if _NAME.fullmatch(name) and (folder / MAIN).is_file() else None


def builtin_names() -> list[str]:
    root = templates_dir()
    return sorted(p.name for p in root.iterdir() if (p / MAIN).is_file()) if root.is_dir() else []


def locate(bundle: Bundle, override: Path | None) -> tuple[Path | None, list[Diagnostic]]:
    """The template folder a declaration asks for (`--template` wins), or a diagnostic at `template:`."""
    if override is not None:
        return override, []
    decl = bundle.declaration
    found = builtin(decl.template)
    if found:
        return found, []
    folder = inside(bundle.folder, decl.template)
    if folder is None:  # e.g. a symlink named like a built-in
        return None, [diag("PD012", decl.source.at("template"), key="template", why=OUTSIDE)]
    if not (folder / MAIN).is_file():
        why = Text("找不到模板“{name}”：它不是内置模板（{names}），也不是本文件夹内含 {main} 的文件夹",
                   "no template '{name}': not a built-in ({names}) nor a folder here holding {main}")
        why = why.fill(name=decl.template, names=listing(builtin_names()), main=MAIN)
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
    if not folder.is_dir():
        raise RenderError(f"模板文件夹不存在：{display(folder)}", f"no such template folder: {display(folder)}")
    path = find((folder,), META)
    if path is None:
        return {}
    # The declaration loader: a regular file of bounded size, nesting and aliases, problems positioned.
    data, _, diags = load_yaml(path, display(path))
    problem = next((d for d in diags if d.severity == ERROR), None)
    if problem is not None:
        where = f"{problem.pos.path}:{problem.pos.line}:{problem.pos.col}"
        raise RenderError(f"{where}：{problem.message('zh')}", f"{where}: {problem.message('en')}")
    if data is not None and not isinstance(data, dict):
        raise RenderError(f"{display(path)} 应为“键: 值”的映射", f"{display(path)} must be a mapping")
    return data or {}


def stream(template: Template, context: dict, batch: int = 1 << 16) -> Iterator[str]:
    """The template's markup for `context`, in pieces of about `batch` characters, as it is made.

    Any failure of the template is a RenderError naming its file and line.
    """
    from jinja2 import TemplateSyntaxError

    from ..textexpr import budget, refusal

    try:
        with budget(TEMPLATE_WORK, TEMPLATE_SECONDS, ("模板", " in the template")):
            pieces, size, total = [], 0, 0
            for piece in _environment(template.folders).get_template(MAIN).generate(context):
                pieces.append(piece)
                size += len(piece)
                total += len(piece)
                if total > MAX_MARKUP:
                    raise RenderError(f"{MAIN}：模板生成的内容超过 {MAX_MARKUP} 个字符",
                                      f"{MAIN}: the template makes more than {MAX_MARKUP} characters")
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
        zh, en = refusal(e) or (why, why)
        raise RenderError(f"{where}模板出错：{zh}", f"{where}template error: {en}") from None


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

    from ..textexpr import INTERCEPTED, bounded_binop, check_args, guard, install_guards, is_guard
    from .filters import FILTERS

    class Sandbox(SandboxedEnvironment):
        """A template reads the declaration; it can neither reach Python internals nor change the data.

        Whether an attribute is safe depends only on the object's type and the
        name (see jinja2.sandbox.is_internal_attribute), so the answer is cached.
        """

        known: dict[tuple[type, str], bool] = {}
        intercepted_binops = INTERCEPTED  # 'x' * 10**9 is refused before it is made

        def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
            return bounded_binop(self.binop_table, op, left, right)

        def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805
            if is_guard(__obj):  # the budget's hooks: without the _loop_vars Jinja passes inside loops
                return __obj(*args)
            if isinstance(getattr(__obj, "__self__", None), (str, int)):  # 'x'.ljust(10**9)
                check_args((*args, *kwargs.values()))
            return super().call(__context, __obj, *args, **kwargs)

        def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
            """Every template, included ones too, with its loops charged to the budget."""
            tree = guard(super()._parse(source, name, filename))
            tree.set_environment(self)
            return tree

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
            return _template_text(path), str(path), lambda: _mtime(path) == mtime

    env = Sandbox(loader=Loader(), autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(FILTERS)
    env.filters = {name: _checked(f) for name, f in env.filters.items()}
    install_guards(env)
    return env


def _checked(func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter whose integer arguments (widths, counts) are bounded: `'x'|center(10**9)` is refused."""
    from functools import wraps

    from ..textexpr import check_args

    skip = 2 if getattr(func, "jinja_pass_arg", None) else 1  # the context, if passed, and the value

    @wraps(func)
    def checked(*args: Any, **kwargs: Any) -> Any:
        check_args((*args[skip:], *kwargs.values()))
        return func(*args, **kwargs)

    return checked


def _template_text(path: Path) -> str:
    """A template file's text: a regular file of at most MAX_TEMPLATE_BYTES, in UTF-8."""
    try:
        return read_regular(path, MAX_TEMPLATE_BYTES).decode("utf-8")
    except Unreadable as e:
        why = e.why
    except UnicodeDecodeError:
        why = Text("不是 UTF-8 编码", "not UTF-8")
    shown = display(path)
    raise RenderError(f"无法读取模板文件 {shown}：{why.zh}", f"cannot read template file {shown}: {why.en}")


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
