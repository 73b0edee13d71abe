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
from ..diagnostics import ERROR, Diagnostic, diag
from ..form import MAIN, META, builtin_template, builtin_templates, template_folder
from ..load import Bundle, declared_framework, totals
from ..paths import Unreadable, display, inside, read_regular, templates_dir
from ..positions import Source
from ..text import Text, listing
from ..yamlload import load as load_yaml
from . import RenderError

if TYPE_CHECKING:
    from jinja2 import BytecodeCache, Environment, nodes
    from jinja2.bccache import Bucket
    from jinja2.runtime import Context
    from jinja2.sandbox import SandboxedEnvironment

    from .trace import Tracer

REFERENCE, CSS, FONTS, WORKBOOK = "reference.docx", "html.css", "fonts.yaml", "workbook.yaml"
MAX_FONTS = 200  # fonts named in a font table, and faces listed for each
# A font's name as fonts.yaml may give it: it is written into CSS and LibreOffice's settings.
_FONT_NAME = re.compile(r"[^\x00-\x1f\x7f\"'\\<>{};:,]{1,100}(?::bold)?")
MAX_TEMPLATE_BYTES = 2 * 2**20  # one template file; the built-in ones are a few KB
# What rendering may cost: units of work (a loop step is one; see textexpr), seconds (a backstop),
# and characters of markup made. A generated 1,000-project declaration takes about 200,000 units.
TEMPLATE_WORK = 5_000_000
TEMPLATE_SECONDS = 30.0
MAX_MARKUP = 400 * 2**20


@dataclass(frozen=True)
class Template:
    folders: tuple[Path, ...]  # the template's own folder first, then its bases
    meta: dict

    def find(self, name: str) -> Path | None:
        return find(self.folders, name)

    def files(self) -> list[Path]:
        """The files the template is made of (never to be overwritten by an output)."""
        return [*(p for f in self.folders for p in f.rglob("*.j2")),
                *(p for p in (f / n for f in self.folders for n in (META, REFERENCE, CSS, FONTS, WORKBOOK))
                  if p.is_file())]


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
    # The declaration loader: a regular file of bounded size, nesting and aliases, problems positioned.
    data, _, diags = load_yaml(path, display(path))
    problem = next((d for d in diags if d.severity == ERROR), None)
    if problem is not None:
        where = f"{problem.pos.path}:{problem.pos.line}:{problem.pos.col}"
        raise RenderError(f"{where}：{problem.message('zh')}", f"{where}: {problem.message('en')}")
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


def stream(template: Template, context: dict, batch: int = 1 << 16, tracer: Tracer | None = None,
           entry: str = MAIN) -> Iterator[str]:
    """The markup of the template's `entry` file for `context`, in pieces of about `batch` characters,
    as it is made.

    With a `tracer`, what each `{{ … }}` prints is marked with the data it was
    read from (see trace.py). Any failure of the template is a RenderError
    naming its file and line.
    """
    from jinja2 import TemplateSyntaxError

    from ..textexpr import budget, refusal

    env = _environment(template.folders) if tracer is None else _environment.__wrapped__(template.folders, tracer)
    try:
        with budget(TEMPLATE_WORK, TEMPLATE_SECONDS, Text("模板", " in the template")):
            pieces, size, total = [], 0, 0
            for piece in env.get_template(entry).generate(context):
                pieces.append(piece)
                size += len(piece)
                total += len(piece)
                if total > MAX_MARKUP:
                    raise RenderError(f"{entry}：模板生成的内容超过 {MAX_MARKUP} 个字符",
                                      f"{entry}: the template makes more than {MAX_MARKUP} characters")
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
        where, hint = _template_line(e, template)
        why = f"{type(e).__name__}: {e}"
        said = refusal(e) or Text(why, why)
        raise RenderError(f"{where}模板出错：{said.zh}{hint.zh}", f"{where}template error: {said.en}{hint.en}") from None


def _template_line(e: Exception, template: Template) -> tuple[str, Text]:
    """`file:line: ` of the innermost template frame of an exception, if any, and, when that file
    comes from a base, where the user's own replacement of it goes."""
    for frame in reversed(traceback.extract_tb(e.__traceback__)):
        folder = next((f for f in template.folders if frame.filename.endswith(".j2") and inside(f, frame.filename)),
                      None)
        if folder is not None:
            path, own = Path(frame.filename), template.folders[0]
            hint = Text("", "") if folder == own or built_in((own,)) else Text(
                f"（{path.name} 来自 base 模板 {folder.name}，它写的是那个模板的表单；"
                f"在 {display(own)} 中写一个自己的 {path.name} 即可代替）",
                f" ({path.name} comes from the base template {folder.name}, written for that template's form; "
                f"a {path.name} of your own in {display(own)} replaces it)")
            return f"{display(path)}:{frame.lineno}: ", hint
    return "", Text("", "")


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
    """Jinja2 for one template: sandboxed, with loops and sizes charged to the render budget, unless
    all its files are built in (perfdecl's own code); compiled code cached. With a `tracer` (not cached:
    one per render), a sandbox that also tells it what the template reads and prints (see trace.py)."""
    from jinja2 import BaseLoader, Environment, StrictUndefined, TemplateNotFound
    from jinja2.loaders import split_template_path

    from ..textexpr import install_guards
    from .filters import FILTERS

    class Loader(BaseLoader):
        """FileSystemLoader's search, through `find`: no file outside its template folder."""

        def get_source(self, environment: Environment, name: str) -> tuple[str, str, Callable[[], bool]]:
            path = find(folders, "/".join(split_template_path(name)))
            if path is None:
                raise TemplateNotFound(name)
            mtime = path.stat().st_mtime
            return _template_text(path), str(path), lambda: _mtime(path) == mtime

    options: dict[str, Any] = dict(loader=Loader(), autoescape=True, undefined=StrictUndefined, trim_blocks=True,
                                   lstrip_blocks=True)
    if tracer is None:
        kind = Environment if built_in(folders) else _sandbox()
        env = kind(**options)
    else:
        env = _traced(_sandbox(), tracer)(**options, finalize=tracer.finalize)
    env.filters.update(FILTERS)
    if env.sandboxed:
        env.filters = {name: _checked(f) for name, f in env.filters.items()}
        install_guards(env)
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

    from ..textexpr import INTERCEPTED, bounded_binop, check_args, guard, is_guard

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

    return Sandbox


def _bytecode_cache(env: Environment) -> BytecodeCache | None:
    """Jinja's compiled templates kept in perfdecl's cache folder, or None if there is none.

    Jinja checks each entry against its template's source; what else shapes the
    compiled code (Jinja's version, sandbox or not, options, how each filter is
    called, the budget's guards that a sandbox compiles in) names the folder.
    """
    import jinja2
    from jinja2 import BytecodeCache

    from .. import textexpr

    options = (env.sandboxed, env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
               env.newline_sequence, env.optimized, sorted(env.extensions))
    filters = sorted(f"{name}:{getattr(f, 'jinja_pass_arg', '')}" for name, f in env.filters.items())
    guards = Path(textexpr.__file__).read_bytes() if env.sandboxed else b""
    found = cache.folder("jinja-" + cache.key(jinja2.__version__, sys.version, repr(options), guards, *filters))
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
