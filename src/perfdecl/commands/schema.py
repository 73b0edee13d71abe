"""perfdecl schema: JSON Schema files generated from the models, for editors.

A project file's schema is generated from its template's form definition.
`perfdecl schema` writes declaration.schema.json, project.schema.json (the
default template's form) and <template>/project.schema.json for every other
built-in template with a form of its own into `./schemas` (in the
repository's root: the committed ones), or into the folder `-o` names;
`--template NAME|FOLDER` writes only declaration.schema.json and
project.schema.json for that template's form. `--check` only compares and
exits 1 if they are missing or out of date. The files are replaced all
together or not at all; a folder that cannot be written is exit 2.
"""
from __future__ import annotations

import json
from pathlib import Path

from pydantic import BaseModel

from ..form import Form, builtin_template, builtin_templates, default_form, read_form
from ..model import Declaration
from ..text import Text
from .messages import refuse, say

DRAFT = "https://json-schema.org/draft/2020-12/schema"
DEFAULT = Path("schemas")
DECLARATION, PROJECT = "declaration.schema.json", "project.schema.json"


def _text(model: type[BaseModel], title: str) -> str:
    schema = {"$schema": DRAFT, **model.model_json_schema(), "title": title}
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def generate(form: Form | None = None, every_template: bool = False) -> dict[str, str]:
    """File name -> the schema's JSON text: the declaration's and the project files' of `form`.

    With `every_template`, also <template>/project.schema.json for each built-in
    template whose form is not the default one.
    """
    default = default_form()
    out = {DECLARATION: _text(Declaration, "perfdecl 申报文件 declaration.yaml"),
           PROJECT: _text((form or default).project_model(), "perfdecl 项目文件")}
    for name in builtin_templates() if every_template else ():
        own, _ = read_form(builtin_template(name) or Path(name))
        if own is not None and own != default:  # a template with the default form uses project.schema.json
            out[f"{name}/{PROJECT}"] = _text(own.project_model(), f"perfdecl 项目文件（模板 {name}）")
    return out


def template_form(template: str) -> tuple[Form | None, Text | None]:
    """The form of a built-in template or a template folder, or why there is none."""
    folder = builtin_template(template) or Path(template)
    form, problems = read_form(folder) if folder.is_dir() else (None, [])
    if form is None:
        found = [d.text for d in problems]
        why = Text("；".join(t.zh for t in found), "; ".join(t.en for t in found)) if found else Text(
            f"“{template}”不是带表单定义的模板", f"'{template}' is not a template with a form")
        return None, why
    return form, None


def run(output: Path | None, verify: bool, template: str | None = None) -> int:
    folder = output or DEFAULT
    form = None
    if template is not None:
        form, refused = template_form(template)
        if refused:
            return refuse(refused)
    try:
        if folder.exists() and not folder.is_dir():
            return refuse(Text(f"{folder} 不是文件夹", f"{folder} is not a folder"))
        wanted = generate(form, every_template=template is None)
        stale = {folder / name: text for name, text in wanted.items() if _current(folder / name) != text}
    except (OSError, ValueError) as e:  # no permission, a NUL in the name
        where, reason = getattr(e, "filename", None) or folder, getattr(e, "strerror", None) or e
        return refuse(Text(f"无法读取 {where}：{reason}", f"cannot read {where}: {reason}"))
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
                path.parent.mkdir(parents=True, exist_ok=True)  # <template>/ of a new template
                staged.append(stage(path, writer(text.encode("utf-8"))))
            commit(staged)
        except RenderError as e:
            discard(staged)
            return refuse(e.text)
        except OSError as e:
            discard(staged)
            where = e.filename or folder
            return refuse(Text(f"无法写入 {where}：{e.strerror}", f"cannot write {where}: {e.strerror}"))
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
