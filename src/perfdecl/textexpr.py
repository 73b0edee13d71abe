"""`{{ … }}` in a declaration's texts, evaluated in a Jinja2 sandbox.

What a text can reach: the data passed in (its sub-item, project and
declaration), and on our models only their fields: never the file a model
was read from, a path, pydantic's methods, or anything starting with an
underscore. There is no loader, so nothing can be included or imported.

What a text can cost: Jinja's sandbox alone lets `{{ 'x' * 10**9 }}` or two
nested `range(100000)` loops run for minutes. Here every loop step, call,
filter and intercepted operator is charged to a budget of WORK units (one,
forty for a call, plus the size of what it reads and builds); no value may grow beyond
MAX_OUTPUT characters or elements; and evaluation stops after DEADLINE
seconds, a backstop for the little work the budget cannot see (comparing two
large values inside a loop). All texts of one declaration share a further budget of
RUN_WORK units and RUN_DEADLINE seconds, so that many such texts cannot add up to minutes.
"""
from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import Decimal
from functools import lru_cache, wraps
from itertools import islice
from typing import Any, NamedTuple, TypeVar, cast

from jinja2 import StrictUndefined, Template, TemplateSyntaxError, UndefinedError, nodes
from jinja2.runtime import Context
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.visitor import NodeTransformer
from pydantic import BaseModel

from .text import Text

_T = TypeVar("_T")

MAX_OUTPUT = 100_000  # characters one text may expand to; also the largest value it may build
WORK = 1_000_000  # units of work one text may do
DEADLINE = 2.0  # seconds one text may take
RUN_WORK = 5 * WORK  # units of work all texts of one declaration may do together
RUN_DEADLINE = 2.5 * DEADLINE  # seconds all texts of one declaration may take together
INTERCEPTED = frozenset({"*", "**", "+", "%"})  # the operators whose results are checked and charged
_CALL = 40  # units a call costs: a macro call takes some forty times a loop step
_PROPERTIES = frozenset({"annual_amount"})  # model properties a text may read, besides fields
_FILTERS = frozenset({
    "abs", "attr", "batch", "capitalize", "center", "count", "d", "default", "dictsort", "first", "float",
    "format", "groupby", "int", "items", "join", "last", "length", "list", "lower", "map", "max", "min",
    "reject", "rejectattr", "replace", "reverse", "round", "select", "selectattr", "slice", "sort", "string",
    "sum", "title", "trim", "truncate", "unique", "upper", "wordcount",
})
# str methods whose result is at most their input and arguments, a width, or estimated below.
_STR_METHODS = frozenset({
    "capitalize", "casefold", "center", "count", "endswith", "find", "format", "format_map", "index",
    "isalnum", "isalpha", "isascii", "isdecimal", "isdigit", "isidentifier", "islower", "isnumeric",
    "isprintable", "isspace", "istitle", "isupper", "join", "ljust", "lower", "lstrip", "partition",
    "removeprefix", "removesuffix", "replace", "rfind", "rindex", "rjust", "rpartition", "rsplit", "rstrip",
    "split", "splitlines", "startswith", "strip", "swapcase", "title", "upper", "zfill",
})
_WIDE_FORMAT = re.compile(r"%[-#0 +]*+(?:\*|\d{6})|\{[^{}:]*+:[^{}]*(?:\{|\d{6})")


class Failure(NamedTuple):
    """Why a text could not be expanded, and on which of its lines."""

    why: Text
    line: int  # 1-based line of the text where evaluation stopped; 0 if unknown


class _Refused(SecurityError):
    """One of our own limits, with the reason."""

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


_STEPS = Text("{scope}计算量超过 {work} 步", "more than {work} steps of work{scope}")
_SECONDS = Text("{scope}计算超过 {seconds:g} 秒", "took more than {seconds:g} seconds{scope}")
_WHOLE = Text("整份申报的文字", " in all texts of the declaration")
_TOO_LARGE = Text(f"值过大（超过 {MAX_OUTPUT} 个字符或元素）", f"a value larger than {MAX_OUTPUT} characters or elements")
_OVER = Text(f"{{what}}的结果会超过 {MAX_OUTPUT} 个字符", f"the result of {{what}} would exceed {MAX_OUTPUT} characters")
_WIDE = Text("格式中的宽度过大", "a width in the format is too large")
_ARGUMENT = Text("参数 {p} 过大", "argument {p} is too large")
_EXPANDS = Text(f"展开后超过 {MAX_OUTPUT} 个字符", f"expands to more than {MAX_OUTPUT} characters")


class _Budget:
    """Work and time left to one text, and to the run it is part of (`whole`), if any."""

    def __init__(self, work: int | None = None, seconds: float | None = None, whole: _Budget | None = None,
                 scope: Text = Text("", "")) -> None:
        self.work = WORK if work is None else work
        self.seconds = DEADLINE if seconds is None else seconds
        self.whole, self.scope = whole, scope
        self.left = self.work
        self.until = time.monotonic() + self.seconds

    def charge(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise _Refused(_STEPS.fill(scope=self.scope, work=self.work))
        if time.monotonic() > self.until:
            raise _Refused(_SECONDS.fill(scope=self.scope, seconds=self.seconds))
        if self.whole is not None:
            self.whole.charge(units)


def _text_budget(run: dict[str, object] | None) -> _Budget:
    """A new text's budget, drawing also on the run's (kept in `run`, made on first use)."""
    if run is None:
        return _Budget()
    whole = run.get("budget")
    if not isinstance(whole, _Budget):
        whole = _Budget(RUN_WORK, RUN_DEADLINE, scope=_WHOLE)
        run["budget"] = whole
    return _Budget(whole=whole)


_BUDGET: ContextVar[_Budget] = ContextVar("perfdecl_budget")


def _size(value: object) -> int:
    """Elements and characters in `value`, containers followed, counted to just past MAX_OUTPUT."""
    total, todo = 0, [value]
    while todo and total <= MAX_OUTPUT:
        item = todo.pop()
        total += 1
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, range):
            total += len(item)
        elif isinstance(item, dict):
            todo.extend(islice(item.items(), MAX_OUTPUT + 1 - total))
        elif isinstance(item, (list, tuple, set, frozenset)):
            todo.extend(islice(item, MAX_OUTPUT + 1 - total))
        elif isinstance(item, int):
            total += item.bit_length() // 3  # about its decimal digits
        elif isinstance(item, Decimal) and item.is_finite():
            sign, digits, exponent = item.as_tuple()
            total += len(digits) + abs(int(exponent))
    return total


def _length(value: str | list | tuple) -> int:
    return len(value) if isinstance(value, str) else _size(value)


def _small(*values: object) -> int:
    """The total size of `values`, refusing any larger than MAX_OUTPUT."""
    sizes = [_size(v) for v in values]
    if any(s > MAX_OUTPUT for s in sizes):
        raise _Refused(_TOO_LARGE)
    return sum(sizes)


def _built(value: _T, work: int = 1) -> _T:
    """`value`, once charged for the work that made it and refused if too large."""
    _BUDGET.get().charge(work + _small(value))
    return value


_REPLACE, _JOIN, _FORMAT = Text("替换", "replace"), Text("连接", "join"), Text("格式化", "format")
_POWER, _PRODUCT, _REPEAT = Text("乘方", "a power"), Text("乘法", "a product"), Text("重复", "a repetition")


def _refuse_over(estimate: int, what: Text) -> None:
    if estimate > MAX_OUTPUT:
        raise _Refused(_OVER.fill(what=what))


def _check_args(params: tuple) -> None:
    """Integers given as widths, counts or sizes are bounded."""
    for p in params:
        if isinstance(p, int) and abs(p) > MAX_OUTPUT:
            raise _Refused(_ARGUMENT.fill(p=p))


def _text_op(name: str, text: str, params: tuple) -> tuple | None:
    """Refuse a text operation whose result would be too large; the params to use instead, if changed."""
    if name == "replace" and len(params) >= 2 and isinstance(params[0], str) and isinstance(params[1], str):
        old, new = params[0], params[1]
        _refuse_over(len(text) + (text.count(old) if old else len(text) + 1) * len(new), _REPLACE)
    elif name == "join" and params:
        items = list(islice(params[0], MAX_OUTPUT + 1))
        _refuse_over(_small(items) + len(text) * len(items), _JOIN)
        return (items, *params[1:])
    elif name in ("format", "format_map", "%"):
        if _WIDE_FORMAT.search(text):
            raise _Refused(_WIDE)
        _refuse_over(len(text) + (text.count("{") + text.count("%")) * (_small(*params) + 40), _FORMAT)
    return None


class _Sandbox(ImmutableSandboxedEnvironment):
    intercepted_binops = INTERCEPTED
    perfdecl_steps: Callable[..., Any]  # reached from the guarded templates as environment attributes
    perfdecl_concat: Callable[..., Any]
    perfdecl_built: Callable[..., Any]

    def is_safe_attribute(self, obj: object, attr: str, value: object) -> bool:
        if isinstance(obj, BaseModel):  # its data, not its source, path or pydantic's methods
            return attr in type(obj).model_fields or attr in _PROPERTIES
        return super().is_safe_attribute(obj, attr, value)

    def call_binop(self, context: Context, op: str, left: Any, right: Any) -> Any:
        return bounded_binop(self.binop_table, op, left, right)

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 (Jinja's signature)
        if is_guard(__obj):  # the guards _Guard put in: they charge for themselves
            return __obj(*args)  # without the _loop_vars/_block_vars Jinja passes inside loops and blocks
        if not __self.is_safe_callable(__obj):
            raise _Refused(Text(f"{__obj!r} 不可调用", f"{__obj!r} is not callable"))
        method = getattr(__obj, "__wrapped__", __obj)  # str.format comes wrapped by the sandbox
        owner = getattr(method, "__self__", None)
        params = (*args, *(v for k, v in kwargs.items() if k not in ("_loop_vars", "_block_vars")))
        if isinstance(owner, (str, int)) and getattr(method, "__name__", "") not in ("format", "format_map"):
            _check_args(params)
        if isinstance(owner, str):
            name = getattr(method, "__name__", "")
            if name not in _STR_METHODS:
                raise _Refused(Text(f"不允许调用 str.{name}", f"str.{name} is not allowed"))
            changed = _text_op(name, owner, params)
            if changed is not None:
                args = changed
        reads = _small(owner if isinstance(owner, (str, list, dict, tuple)) else None, *params)
        _BUDGET.get().charge(_CALL + reads)
        return _built(__context.call(__obj, *args, **kwargs))


def bounded_binop(table: dict[str, Callable[[Any, Any], Any]], op: str, left: Any, right: Any) -> Any:
    """`left op right` (one of INTERCEPTED), refused before it is computed if its result would be too large,
    and charged to the current budget."""
    work = 1 + _small(left, right)
    if op == "**" and type(left) is int and type(right) is int and right > 0 and abs(left) > 1:
        _refuse_over(left.bit_length() * right // 3, _POWER)
    elif op == "*" and type(left) is int and type(right) is int:
        _refuse_over((left.bit_length() + right.bit_length()) // 3, _PRODUCT)
    elif op == "*" and isinstance(right, int) and isinstance(left, (str, list, tuple)):
        _refuse_over(_length(left) * right, _REPEAT)
    elif op == "*" and isinstance(left, int) and isinstance(right, (str, list, tuple)):
        _refuse_over(_length(right) * left, _REPEAT)
    elif op == "%" and isinstance(left, str):
        _text_op("%", left, (right,))
    return _built(table[op](left, right), work)


def _bounded(name: str, func: Callable[..., Any]) -> Callable[..., Any]:
    """A filter that refuses oversized input and parameters and charges what it builds."""
    skip = 1 if getattr(func, "jinja_pass_arg", None) else 0  # the context or environment comes first

    @wraps(func)
    def bounded(*args: Any, **kwargs: Any) -> Any:
        value: Any = args[skip] if len(args) > skip else None
        params = (*args[skip + 1:], *kwargs.values())
        _check_args(params)
        work = 1 + _small(value, *params)
        if isinstance(value, str) and name in ("replace", "format"):
            _text_op(name, value, params)
        elif name == "join":
            sep = params[0] if params and isinstance(params[0], str) else ""
            items = list(islice(value, MAX_OUTPUT + 1))
            _refuse_over(_small(items) + len(sep) * len(items), _JOIN)
            args = (*args[:skip], items, *args[skip + 1:])
        return _built(func(*args, **kwargs), work)

    return bounded


def _steps(iterable: Iterable[_T]) -> Iterator[_T]:
    budget = _BUDGET.get()
    for item in iterable:
        budget.charge(1)
        yield item


def _concat(*parts: object) -> str:
    work = 1 + _small(*parts)
    return _built("".join(map(str, parts)), work)


_OWN = (_steps, _concat, _built)


class _Guard(NodeTransformer):
    """Route loops, `~` and literal lists, tuples and dicts through the budget."""

    def visit_For(self, node: nodes.For) -> nodes.Node:
        loop = cast(nodes.For, self.generic_visit(node))
        loop.iter = _call("perfdecl_steps", loop.iter)
        return loop

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        return _call("perfdecl_concat", *cast(nodes.Concat, self.generic_visit(node)).nodes)

    def visit_List(self, node: nodes.Node) -> nodes.Node:
        return _call("perfdecl_built", cast(nodes.Expr, self.generic_visit(node)))

    visit_Dict = visit_List

    def visit_Tuple(self, node: nodes.Tuple) -> nodes.Node:
        values = cast(nodes.Tuple, self.generic_visit(node))
        return _call("perfdecl_built", values) if values.ctx == "load" else values


def _call(name: str, *args: nodes.Node) -> nodes.Call:
    lineno = args[0].lineno if args else 1
    return nodes.Call(nodes.EnvironmentAttribute(name, lineno=lineno), list(args), [], None, None, lineno=lineno)


def guard(tree: nodes.Template) -> nodes.Template:
    """A parsed template whose loops, `~` and literal collections are charged to the current budget;
    its environment must have had `install_guards`, and its `call` must let `is_guard` objects through."""
    return _Guard().visit(tree)


def install_guards(env: object) -> None:
    env.perfdecl_steps, env.perfdecl_concat, env.perfdecl_built = _steps, _concat, _built  # type: ignore[attr-defined]


check_args = _check_args  # for the templates' sandbox


def is_guard(obj: object) -> bool:
    return obj in _OWN


@contextmanager
def budget(work: int, seconds: float, scope: Text) -> Iterator[None]:
    """Charge what runs inside to a budget of `work` units and `seconds` (a template's rendering)."""
    token = _BUDGET.set(_Budget(work, seconds, scope=scope))
    try:
        yield
    finally:
        _BUDGET.reset(token)


def refusal(e: BaseException) -> Text | None:
    """Why, if `e` is one of our limits."""
    return e.why if isinstance(e, _Refused) else None


def _environment() -> _Sandbox:
    env = _Sandbox(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, finalize=_built)
    env.filters = {name: _bounded(name, f) for name, f in env.filters.items() if name in _FILTERS}
    for name in ("lipsum", "namespace"):  # lorem ipsum by the megabyte; state that grows across loop steps
        env.globals.pop(name, None)
    install_guards(env)
    return env


_ENV = _environment()
# `{{ … }}` holding no other `{{`: each try stops at the next `{{`, so a text of many
# unclosed `{{` is scanned once, not once per `{{` (nested ones take Jinja's full way).
_FIELD = re.compile(r"\{\{((?:[^{}]|\{(?!\{)|\}(?!\}))*+)\}\}")


def render_text(text: str, context: dict, run: dict[str, object] | None = None) -> tuple[str, Failure | None]:
    """(expanded text, None) or (original text, why not).

    `run`, shared by the texts of one declaration, holds their common budget.
    """
    token = _BUDGET.set(_text_budget(run))
    try:
        return _render(text, context), None
    except Exception as e:  # anything a text can make Jinja raise is a problem in the text
        return text, _failure(e)
    finally:
        _BUDGET.reset(token)


_EXPLAINED = ((TemplateSyntaxError, "表达式的写法有误"), (UndefinedError, "没有这个名称或字段"),
              (SecurityError, "不允许的操作"), (ZeroDivisionError, "除数为零"), (OverflowError, "数值或范围过大"))


def _failure(e: Exception) -> Failure:
    """Our own limits say why in both languages; Jinja's errors get a Chinese lead and keep their English."""
    detail = f"{type(e).__name__}: {getattr(e, 'message', None) or e}"
    if isinstance(e, TemplateSyntaxError):
        line = e.lineno or 0
    else:  # Jinja rewrites the traceback so that the template's own lines show as frames of "<template>"
        line = next((f.lineno or 0 for f in reversed(traceback.extract_tb(e.__traceback__))
                     if f.filename == "<template>"), 0)
    if isinstance(e, _Refused):
        return Failure(e.why, line)
    lead = next((zh for kind, zh in _EXPLAINED if isinstance(e, kind)), "计算出错")
    return Failure(Text(f"{lead}（{detail}）", detail), line)


def _render(text: str, context: dict) -> str:
    # Most texts only print fields (预算资金约 {{ budget }}): each `{{ … }}` is compiled once and
    # cached, instead of compiling every text. Anything else, or any failure, takes the full way.
    parts = _FIELD.split(text)
    if not any(marker in text for marker in ("{%", "{#", "{{-", "-}}")) and "{{" not in "".join(parts[::2]):
        try:
            return _bounded_join(part if i % 2 == 0 else _field(part).render(context) for i, part in enumerate(parts))
        except Exception:
            spent = _BUDGET.get()
            _BUDGET.set(_Budget(whole=spent.whole))
    tree = _Guard().visit(_ENV.parse(text))
    tree.set_environment(_ENV)
    return _bounded_join(_ENV.from_string(tree).generate(context))


@lru_cache(maxsize=512)
def _field(expression: str) -> Template:
    tree = _Guard().visit(_ENV.parse("{{" + expression + "}}"))
    tree.set_environment(_ENV)
    return _ENV.from_string(tree)


def _bounded_join(chunks: Iterable[str]) -> str:
    size, out = 0, []
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT:
            raise _Refused(_EXPANDS)
        out.append(chunk)
    return "".join(out)
