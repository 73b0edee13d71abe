"""perfdecl schema: JSON Schema files generated from the models, for editors.

`perfdecl schema` writes declaration.schema.json and project.schema.json into
`./schemas` (in the repository's root: the committed ones), or into the
folder `-o` names; `--check` only compares and exits 1 if they are missing
or out of date. The files are replaced all together or not at all; a folder
that cannot be written is exit 2.
"""
from __future__ import annotations

import json
from pathlib import Path


from pydantic import BaseModel

from ..model import Declaration, Project
from ..text import Text
from .messages import refuse, say

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT = Path("schemas")
SCHEMAS: dict[str, tuple[type[BaseModel], str]] = {
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
    folder = output or DEFAULT
    try:
        if folder.exists() and not folder.is_dir():
            return refuse(Text(f"{folder} 不是文件夹", f"{folder} is not a folder"))
        stale = {folder / name: text for name, text in generate().items() if _current(folder / name) != text}
    except (OSError, ValueError) as e:  # no permission, a NUL in the name
        where, why = getattr(e, "filename", None) or folder, getattr(e, "strerror", None) or e
        return refuse(Text(f"无法读取 {where}：{why}", f"cannot read {where}: {why}"))
    if verify:
        for path in stale:
            say(Text(f"缺少或与模型不一致，请运行 perfdecl schema：{path}", f"missing or out of date, run perfdecl schema: {path}"),
                err=True)
        return 1 if stale else 0
    if stale:
        from ..render import RenderError
        from ..render.files import commit, discard, stage, writer

        staged = []
        try:
            for path, text in stale.items():
                staged.append(stage(path, writer(text.encode("utf-8"))))
            commit(staged)
        except RenderError as e:
            discard(staged)
            return refuse(e.text)
    for path in stale:
        say(Text(f"已写入 {path}", f"wrote {path}"))
    return 0


def _current(path: Path) -> str | None:
    """The file's text, or None if there is no such file."""
    if not path.exists():
        return None
    if not path.is_file():
        raise IsADirectoryError(21, "不是文件 / not a file", str(path))
    return path.read_text(encoding="utf-8", errors="replace")  # a damaged file is stale, not an error

