"""Template folders: find one, read template.yaml, run its Jinja2 in a sandbox.

A template folder holds `template.yaml` (name, description, framework and an
optional `base:`, a built-in template whose files this one falls back to),
`document.xml.j2` (the entry point, which may include or import the other
`.j2` files), `reference.docx` (styles and page set-up), `html.css` and
`fonts.yaml` (the faces that replace missing fonts, for PDFs and HTML).
"""
from __future__ import annotations

import re
import sys
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from .. import cache
from ..diagnostics import Diagnostic, diag
from ..form import MAIN, META, builtin_template, builtin_templates, template_folder
from ..load import Bundle, totals
from ..paths import display, inside, templates_dir
from ..positions import Source
from ..rules.common import declared_framework
from ..text import Text, listing
from . import RenderError

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment
    from jinja2.bccache import Bucket
    from jinja2.sandbox import SandboxedEnvironment

    from .trace import Tracer

REFERENCE, CSS, FONTS = "reference.docx", "html.css", "fonts.yaml"
MAX_FONTS = 200  # fonts named in a font table, and faces listed for each
# A font's name as fonts.yaml may give it: it is written into CSS and LibreOffice's settings.
_FONT_NAME = re.compile(r"[^\x00-\x1f\x7f\"'\\<>{};:,]{1,100}(?::bold)?")


@dataclass(frozen=True)
class Template:
    folders: tuple[Path, ...]  # the template's own folder first, then its bases
    meta: dict

    def find(self, name: str) -> Path | None:
        return find(self.folders, name)

    def files(self) -> list[Path]:
        """The files the template is made of (never to be overwritten by an output)."""
        return [*(p for f in self.folders for p in f.rglob("*.j2")),
                *(p for p in (f / n for f in self.folders for n in (META, REFERENCE, CSS, FONTS)) if p.is_file())]


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
    if not folder.is_dir():
        raise RenderError(f"模板文件夹不存在：{display(folder)}", f"no such template folder: {display(folder)}")
    path = find((folder,), META)
    return {} if path is None else _mapping(path)


def _mapping(path: Path) -> dict:
    """A small YAML file of the template that must hold a mapping."""
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise RenderError(f"无法读取 {display(path)}：{e}", f"cannot read {display(path)}: {e}") from None
    if data is not None and not isinstance(data, dict):
        raise RenderError(f"{display(path)} 应为“键: 值”的映射", f"{display(path)} must be a mapping")
    return data or {}


def fonts(template: Template) -> dict[str, tuple[str, ...]]:
    """The template's font table (fonts.yaml): each font its styles name → the faces to use where
    it is not installed, best first (a CSS generic family such as `serif` last); `Face:bold` is the
    face's bold style."""
    path = template.find(FONTS)
    if path is None:
        return {}
    data = _mapping(path)
    table: dict[str, tuple[str, ...]] = {}
    for font, faces in list(data.items())[:MAX_FONTS]:
        faces = faces if isinstance(faces, list) else [faces]
        names = [str(font), *map(str, faces[:MAX_FONTS])]
        bad = next((n for n in names if not _FONT_NAME.fullmatch(n)), None)
        if bad is not None or not isinstance(font, str):
            raise RenderError(f"{display(path)}：字体名“{bad or font}”无效（不超过 100 个字符，不含引号、冒号、逗号等符号）",
                              f"{display(path)}: bad font name '{bad or font}' (up to 100 characters, no quotes, "
                              "colons, commas and the like)")
        table[font] = tuple(names[1:])
    return table


def stream(template: Template, context: dict, batch: int = 1 << 16, tracer: Tracer | None = None) -> Iterator[str]:
    """The template's markup for `context`, in pieces of about `batch` characters, as it is made.

    With a `tracer`, what each `{{ … }}` prints is marked with the data it was
    read from (see trace.py). Any failure of the template is a RenderError
    naming its file and line.
    """
    from jinja2 import TemplateSyntaxError

    env = _environment(template.folders) if tracer is None else _environment.__wrapped__(template.folders, tracer)
    try:
        pieces, size = [], 0
        for piece in env.get_template(MAIN).generate(context):
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


def built_in(folders: tuple[Path, ...]) -> bool:
    """Whether every folder of a template is a built-in template's (perfdecl's own code, trusted)."""
    root = templates_dir().resolve()
    return all(builtin(f.name) is not None and f.resolve() == root / f.name for f in folders)


@lru_cache(maxsize=8)
def _environment(folders: tuple[Path, ...], tracer: Tracer | None = None) -> Environment:
    """Jinja2 for one template: sandboxed unless all its files are built in; compiled code cached.
    With a `tracer` (not cached: one per render), a sandbox that also tells it what the template reads
    and prints (see trace.py)."""
    from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
    from jinja2.loaders import split_template_path

    from .filters import FILTERS

    class Loader(BaseLoader):
        """FileSystemLoader's search, through `find`: no file outside its template folder."""

        def get_source(self, environment: Environment, name: str) -> tuple[str, str, Callable[[], bool]]:
            path = find(folders, "/".join(split_template_path(name)))
            if path is None:
                raise TemplateNotFound(name)
            mtime = path.stat().st_mtime
            return path.read_text(encoding="utf-8"), str(path), lambda: _mtime(path) == mtime

    options: dict[str, Any] = dict(loader=Loader(), autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                                   lstrip_blocks=True)
    if tracer is None:
        kind = Environment if built_in(folders) else _sandbox()
        env = kind(**options)
    else:
        env = _traced(_sandbox(), tracer)(**options, finalize=tracer.finalize)
    env.filters.update(FILTERS)
    if tracer is None:  # a traced template compiles differently (finalize): never from or into the cache
        env.bytecode_cache = _bytecode_cache(env)
    return env


def _traced(sandbox: type[SandboxedEnvironment], tracer: Tracer) -> type[SandboxedEnvironment]:
    """A sandbox that tells `tracer` each value a template reads."""

    class Traced(sandbox):  # type: ignore[valid-type,misc]
        def getattr(self, obj: object, attribute: str) -> object:
            value = super().getattr(obj, attribute)
            tracer.read(obj, attribute, value)
            return value

        def getitem(self, obj: object, argument: object) -> object:
            value = super().getitem(obj, argument)
            tracer.read(obj, argument, value)
            return value

    return Traced


def _sandbox() -> type[SandboxedEnvironment]:
    from jinja2.sandbox import SandboxedEnvironment, modifies_known_mutable

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

    return Sandbox


def _bytecode_cache(env: Environment) -> BytecodeCache | None:
    """Jinja's compiled templates kept in perfdecl's cache folder, or None if there is none.

    Jinja checks each entry against its template's source; what else shapes the
    compiled code (Jinja's version, sandbox or not, options, how each filter is
    called) names the folder.
    """
    import jinja2
    from jinja2 import BytecodeCache

    options = (env.sandboxed, env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
               env.newline_sequence, env.optimized, sorted(env.extensions))
    filters = sorted(f"{name}:{getattr(f, 'jinja_pass_arg', '')}" for name, f in env.filters.items())
    found = cache.folder("jinja-" + cache.key(jinja2.__version__, sys.version, repr(options), *filters))
    if found is None:
        return None
    folder: Path = found

    class Compiled(BytecodeCache):
        def load_bytecode(self, bucket: Bucket) -> None:
            data = cache.read(folder / f"{bucket.key}.cache")
            if data is not None:
                try:
                    bucket.bytecode_from_string(data)
                except Exception:  # noqa: BLE001 - a corrupt entry: compile again
                    bucket.reset()

        def dump_bytecode(self, bucket: Bucket) -> None:
            cache.write(folder / f"{bucket.key}.cache", bucket.bytecode_to_string())

    return Compiled()


def _mtime(path: Path) -> float | None:
    try:
        return path.stat().st_mtime
    except OSError:
        return None
