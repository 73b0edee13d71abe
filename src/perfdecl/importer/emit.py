"""Write imported data as YAML in the style of `perfdecl init`.

The schema modeline first, keys in the order given, narrative texts as block
scalars (`|`), table rows as flow sequences, scalars quoted only where YAML
would read them otherwise. Content the import could not map follows as
comments, each with its place in the document. Plain text is generated
rather than dumped so that the layout is the documented one.
"""
from __future__ import annotations

import re

import yaml

from ..text import Text
from .recognise import Note, Quoted

MODELINE = "# yaml-language-server: $schema=./.schemas/{name}.schema.json\n"
UNMAPPED = Text("以下内容未能对应到申报格式，请人工处理：", "content not mapped to the format, to be handled by hand:")


def scalar(value: object) -> str:
    """`value` as one YAML flow scalar or sequence, quoted where needed."""
    if isinstance(value, Quoted):
        value = str(value)  # quoted by the dump below wherever YAML would read it otherwise
    elif isinstance(value, str) and (_plain_number(value) or re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)):
        return value
    if isinstance(value, list):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False, width=1 << 30)
    return text.removesuffix("\n").removesuffix("\n...")


def _plain_number(text: str) -> bool:
    """A decimal written as the document prints it, read back by perfdecl's loader as written."""
    return re.fullmatch(r"-?[0-9]+(\.[0-9]+)?", text) is not None and not (len(text) > 1 and text.startswith("0")
                                                                          and not text.startswith("0."))


def _block_ok(text: str) -> bool:
    lines = text.removesuffix("\n").split("\n")
    return text.endswith("\n") and all(line and not line[0].isspace() and line == line.rstrip(" ")
                                       and line.isprintable() for line in lines)


def mapping(data: dict[str, object], indent: int = 0, notes: tuple[Note, ...] = (),
            path: tuple[str | int, ...] = ()) -> str:
    """A block mapping of `data`, in its order; `notes` near an entry of a list follow that entry."""
    pad = " " * indent
    out = []
    for key, value in data.items():
        head = f"{pad}{scalar(key)}:"
        if isinstance(value, dict):
            out.append(f"{head} {{}}\n" if not value else f"{head}\n{mapping(value, indent + 2)}")
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            out.append(f"{head}\n" + "".join(_entry(v, indent + 2) + comments(
                [n for n in notes if n.near == (*path, key, i)], indent=indent + 4) for i, v in enumerate(value)))
        elif isinstance(value, list) and value and all(isinstance(v, list) for v in value):
            out.append(f"{head}\n" + "".join(f"{pad}  - {scalar(v)}\n" for v in value))
        elif isinstance(value, str) and "\n" in value and _block_ok(value):
            body = "".join(f"{pad}  {line}\n" for line in value.removesuffix("\n").split("\n"))
            out.append(f"{head} |\n{body}")
        else:
            out.append(f"{head} {scalar(value)}\n")
    return "".join(out)


def _entry(value: dict[str, object], indent: int) -> str:
    text = mapping(value, indent + 2)
    return " " * indent + "- " + text[indent + 2:] + "\n"


def comments(notes: list[Note], lang: str = "zh", indent: int = 0) -> str:
    """The notes as YAML comments, each line prefixed."""
    if not notes:
        return ""
    pad = " " * indent
    out = [f"{pad}# {UNMAPPED.say(lang)}\n"]
    for note in notes:
        lines = note.text.split("\n")
        out.append(f"{pad}# [{note.where.say(lang)}] {lines[0]}\n")
        out.extend(f"{pad}#   {line}\n" for line in lines[1:])
    return "".join(out)


def document(schema: str, data: dict[str, object], notes: list[Note]) -> str:
    """A whole file: modeline, data, then the unmapped content as comments."""
    placed = tuple(n for n in notes if n.near)
    return MODELINE.format(name=schema) + mapping(data, notes=placed) + comments([n for n in notes if not n.near])
