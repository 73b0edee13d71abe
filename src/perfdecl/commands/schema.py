"""perfdecl schema: JSON Schema files generated from the models, for editors.

`perfdecl schema` writes schemas/declaration.schema.json and
schemas/project.schema.json; `--check` only compares and exits 1 if they
are out of date.
"""
from __future__ import annotations

import json
from pathlib import Path

import click

from ..model import Declaration, Project
from ..resources import data_dir

DRAFT = "https://json-schema.org/draft/2020-12/schema"
SCHEMAS = {
    "declaration.schema.json": (Declaration, "perfdecl 申报文件 declaration.yaml"),
    "project.schema.json": (Project, "perfdecl 项目文件"),
}


def generate() -> dict[str, str]:
    """File name -> the schema's JSON text."""
    out = {}
    for name, (model, title) in SCHEMAS.items():
        schema = {"$schema": DRAFT, **model.model_json_schema(), "title": title}
        out[name] = json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
    return out


def run(output: Path | None, verify: bool) -> int:
    folder = output or data_dir("schemas")
    stale = []
    for name, text in generate().items():
        path = folder / name
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not verify:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            click.echo(f"已写入 {path}")
    if verify and stale:
        for path in stale:
            click.echo(f"与模型不一致，请运行 perfdecl schema：{path}", err=True)
        return 1
    return 0
