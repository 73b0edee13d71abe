"""Which built-in template wrote a document: the one whose own wording it contains most.

A template's wording is the literal text of its Jinja2 files (labels such as
项目资金总额, headings such as 1、项目概述), outside `{{ }}` and `{% %}`. The
share of those fragments that begin some paragraph or cell of the document
scores the template; the best score wins, the first built-in on a tie.
"""
from __future__ import annotations

import re

from ..render.templates import builtin, builtin_names, load
from .document import Block, Table
from .recognise import norm

JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)


def fragments(name: str) -> set[str]:
    """The literal texts (with a CJK character) between the tags of a built-in template's files."""
    folder = builtin(name)
    if folder is None:
        return set()
    template = load(folder)
    names = {path.name for f in template.folders for path in f.glob("*.j2")}
    found: set[str] = set()
    for file in names:
        path = template.find(file)
        if path is None:
            continue
        for text in re.findall(r">([^<>]+)<", JINJA.sub("\x00", path.read_text(encoding="utf-8"))):
            found |= {norm(piece) for piece in text.split("\x00")
                      if len(norm(piece)) >= 2 and re.search(r"[\u4e00-\u9fff]", piece)}
    return found


SAMPLED = 3000  # blocks looked at: the start of a document shows its layout, and the cost stays bounded


def texts(blocks: list[Block]) -> set[str]:
    out: set[str] = set()
    for block in blocks[:SAMPLED]:
        if isinstance(block, Table):
            out |= {norm(cell.text) for row in block.rows for cell in row}
        else:
            out.add(norm(block.text))
    return {t for t in out if t}


def best(blocks: list[Block]) -> str:
    seen = texts(blocks)
    scores = []
    for name in builtin_names():
        own = fragments(name)
        hits = sum(1 for frag in own if any(t.startswith(frag) for t in seen))
        scores.append((hits / max(len(own), 1), name))
    return max(scores, key=lambda s: s[0])[1] if scores else "shanghai-2023"


def framework_of(name: str) -> str:
    """The framework a built-in template names (its template.yaml's `framework`)."""
    folder = builtin(name)
    return str(load(folder).meta.get("framework") or name) if folder is not None else name
