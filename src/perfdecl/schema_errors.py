"""pydantic's validation errors as our diagnostics (PD010, PD011, PD012), in both languages.

Each error becomes one positioned diagnostic whose arguments hold the
Chinese and the English reason; the language is picked when it is printed.
Our own validators raise `diagnostics.Invalid`, which carries both texts;
pydantic's built-in checks get a Chinese reason from `_WHY` and keep
pydantic's own message as the English one.
"""
from __future__ import annotations

import types
import typing

from pydantic import BaseModel

from .diagnostics import ERROR, Diagnostic, Invalid, diag
from .positions import Source
from .text import Text, closest, did_you_mean


def translated(errors: list, model: type[BaseModel], source: Source, diags: list[Diagnostic]) -> list[Diagnostic]:
    """The validation errors as diagnostics, once each, none where the loader already said why."""
    taken = {d.pos for d in diags if d.severity == ERROR}
    out: list[Diagnostic] = []
    misspelt = _misspelt(errors)
    for err in errors:
        if err["type"] == "missing" and tuple(err["loc"]) in misspelt:
            continue  # the unknown key's did-you-mean names it: one finding, not two
        d = _translate(err, model, source)
        said = tuple(err["loc"]) in source.values and source.at(*err["loc"]) in taken
        if d.pos not in taken and not said and d not in out:
            out.append(d)
    return out


def _misspelt(errors: list) -> set[tuple]:
    """The missing fields that an unknown key beside them most likely misspells (`categry` for `category`)."""
    missing: dict[tuple, list[str]] = {}
    for err in errors:
        if err["type"] == "missing" and err["loc"] and isinstance(err["loc"][-1], str):
            missing.setdefault(tuple(err["loc"][:-1]), []).append(err["loc"][-1])
    found: set[tuple] = set()
    for err in errors:
        parent = tuple(err["loc"][:-1])
        if err["type"] == "extra_forbidden" and parent in missing:
            close = closest(str(err["loc"][-1]), missing[parent])
            if close is not None:
                found.add((*parent, close))
    return found


_WHY = {
    "string_type": "应为文字", "int_parsing": "应为整数", "int_type": "应为整数",
    "int_from_float": "应为整数", "bool_parsing": "应为 true 或 false", "bool_type": "应为 true 或 false",
    "decimal_parsing": "应为数字", "decimal_type": "应为数字", "finite_number": "应为有限的数字",
    "date_type": "应为日期，如 2023-01-01", "date_parsing": "应为日期，如 2023-01-01",
    "date_from_datetime_parsing": "应为日期，如 2023-01-01", "list_type": "应为列表",
    "tuple_type": "应为列表", "dict_type": "应为映射（键: 值）", "model_type": "应为映射（键: 值）",
    "model_attributes_type": "应为映射（键: 值）", "arguments_type": "应为列表",
    "too_short": "至少需要 {min_length} 项", "too_long": "项数过多", "literal_error": "应为 {expected} 之一",
    "greater_than_equal": "应不小于 {ge}", "less_than_equal": "应不大于 {le}", "none_required": "应为空",
    "decimal_max_places": "小数位数过多", "int_parsing_size": "数字过大",
    "row_length": "每行应为 4 项：[项目组成, 数量, 单价, 资金需求]；含逗号的数字需加引号",
}
_WHY_OTHER = "值的类型或格式不对"  # a check we have no Chinese words for yet
_ROW_LENGTH = ("missing_argument", "unexpected_positional_argument", "unexpected_keyword_argument")


def _translate(err: dict, model: type[BaseModel], source: Source) -> Diagnostic:
    loc = tuple(err["loc"])
    kind = err["type"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        suggest = did_you_mean(key, _fields_at(model, loc[:-1]))
        if err.get("input", "") is None:
            suggest += _split_value(source, loc)
        return diag("PD010", source.key_at(*loc), key=_dotted(loc), suggest=suggest)
    if kind == "missing" and loc and isinstance(loc[-1], int):  # a tuple row too short (pydantic >= 2.14)
        kind = "missing_argument"
    if kind == "missing":
        return diag("PD011", source.key_at(*loc[:-1]) if loc[:-1] else source.at(), key=_dotted(loc))
    ctx = err.get("ctx") or {}
    error = ctx.get("error")
    pos = source.at(*loc)
    if kind in _ROW_LENGTH:  # a line-item row of the wrong length or shape: blame the row
        loc, kind = loc[:-1], "row_length"
        pos = source.at(*loc)
        why = Text(_WHY[kind], "a row has 4 cells: [name, quantity, unit price, amount]; quote numbers with commas")
    elif isinstance(error, Invalid) and error.date:  # a day that does not exist, as the YAML reader says it
        return diag("PD008", pos, value=str(err.get("input", "")).strip(), reason=error.text)
    elif isinstance(error, Invalid):  # our validators say why in both languages, and maybe where
        why = error.text
        if error.at:
            loc += error.at
            pos = source.key_at(*loc)
    elif kind == "value_error":
        said = str(error or err["msg"])
        why = Text(said, said)
    elif err.get("input", "") is None:  # shown at its key: an empty value has no text to point at
        return diag("PD012", source.key_at(*loc), key=_dotted(loc) or source.display,
                    why=Text("不能为空", "must not be empty"))
    else:
        values = {k: str(v).replace(" or ", "、").replace(", ", "、") for k, v in ctx.items()}
        why = Text(_WHY.get(kind, _WHY_OTHER).format_map(values), err["msg"])
    return diag("PD012", pos, key=_dotted(loc) or source.display, why=why)


def _split_value(source: Source, loc: tuple) -> Text:
    """Why a key without a value may stand in `{a: x, y}`: a comma in a's value, which then needs quotes."""
    found = source.keys.get(loc)
    if not found:
        return Text("", "")
    line, col = found
    text = source.lines[line - 1] if line <= len(source.lines) else ""
    before = text[:col - 1].rstrip()
    if not before.endswith(",") or "{" not in before:
        return Text("", "")
    body = before[:-1].rstrip()
    start = max(body.rfind("{"), body.rfind(",")) + 1
    name, colon, value = body[start:].partition(":")
    rest = text[col - 1:]
    end = col - 1 + min((i for i in (rest.find(","), rest.find("}")) if i >= 0), default=len(rest))
    written = text[start + len(name) + 1:end].strip()  # the value and the words after its comma, as written
    shown = f'，如 {name.strip()}: "{written}"' if colon and value.strip() else ""
    shown_en = f', e.g. {name.strip()}: "{written}"' if shown else ""
    return Text(f"（{{ … }} 中逗号分隔各项：值中含半角逗号时，须给整个值加引号{shown}）",
                f" ({{ … }} separates its entries by commas: quote a value that holds a comma{shown_en})")


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
