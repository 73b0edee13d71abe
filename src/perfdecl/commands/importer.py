"""perfdecl import: a Word declaration becomes a declaration folder, then `check` runs on it.

Exit codes: 0 imported and clean (warnings allowed), 1 bad input (not a
Word document, encrypted, a zip bomb), something left unmapped, or errors
in the imported declaration; 2 refused (a non-empty target folder without
--force, an unknown template, a template folder the declaration could not use).
"""
from __future__ import annotations

import tempfile
from pathlib import Path

import click

from ..form import read_form
from ..importer import emit
from ..importer.recognise import Imported
from ..paths import display, not_a_file
from ..text import Text, listing
from .init import _folder, _named
from .messages import refuse, say


NO_FOLDER = Text("没有内置模板“{name}”（可用：{known}），也没有模板文件夹 {folder}（应含 template.yaml 或 document.xml.j2）",
                 "no built-in template '{name}' (known: {known}), nor a template folder {folder} "
                 "(holding template.yaml or document.xml.j2)")


def run(source: Path, output: Path | None = None, template: str | None = None, force: bool = False,
        lang: str = "zh") -> int:
    from ..importer import convert, detect, document, recognise
    from ..render.files import write_atomic
    from ..render import RenderError
    from ..render.templates import builtin, builtin_names, load
    from . import check
    from .schema import generate

    why = not_a_file(source)
    if why is not None:
        return refuse(why, lang)
    target = output or Path(source.stem)
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not force)):
        return refuse(Text(f"{display(target)} 已存在且不是空文件夹；用 --force 覆盖其中的同名文件",
                           f"{display(target)} exists and is not an empty folder; --force overwrites its files"), lang)
    folder = builtin(template) if template is not None else None
    name = template
    if template is not None and folder is None:  # a template folder of the user's, as `init --template`
        folder = _folder(Path(template))
        if folder is None:
            return refuse(NO_FOLDER.fill(name=template, known=listing(builtin_names()),
                                         folder=str(Path(template).absolute())), lang)
        name = _named(folder, target)
        if name is None:
            return refuse(Text(f"模板文件夹 {template} 应在导入的文件夹或它所在的 git 仓库内",
                               f"the template folder {template} must lie inside the imported folder or its git repository"),
                          lang)
        try:
            framework = _framework(load(folder).meta, target)
        except RenderError as e:
            return refuse(e.text, lang)
    try:
        with tempfile.TemporaryDirectory(prefix="perfdecl-import-") as temp:
            readable = convert.to_docx(source, Path(temp)) if source.suffix.lower() in convert.CONVERTED else source
            blocks = document.read(readable)
            properties = document.properties(readable)
    except document.Unreadable as e:
        refuse(e.text, lang)
        return 1  # bad input, as a declaration with errors
    if name is None:
        name = detect.best(blocks)
        folder = builtin(name)
    assert folder is not None
    form, _ = read_form(folder)
    if form is None:
        return refuse(Text(f"无法读取模板 {name} 的表单定义", f"cannot read the form of template {name}"), lang)
    wording = detect.wording(folder)
    result = recognise.Reader(form, wording.labels, wording.lines, wording.cells, wording.value_heads,
                               wording.literal).read(blocks, properties, wording.properties)
    if not result.projects:
        refuse(Text(f"{display(source)} 中没有找到申报表的项目（项目经费情况说明或绩效目标表）",
                    f"no project (项目经费情况说明 or the form's table) found in {display(source)}"), lang)
        return 1  # not a declaration: bad input
    if builtin(name) is not None:
        framework = str(detect.framework_of(name))
    recognise.finish(result, form, name, framework)
    files = _files(target, result)
    files |= {target / ".schemas" / n: text for n, text in generate(form).items()}
    try:
        for path, text in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(path, text.encode("utf-8"))  # an existing file is replaced whole or not at all
    except OSError as e:
        return refuse(Text(f"无法写入 {display(target)}：{e.strerror or e}", f"cannot write {display(target)}: {e.strerror or e}"),
                      lang)
    say(Text(f"已从 {display(source)} 导入 {len(result.projects)} 个项目到 {display(target)}（模板 {name}）",
             f"imported {len(result.projects)} projects from {display(source)} into {display(target)} (template {name})"),
        lang)
    code = check.run((target,), lang=lang, jobs=1)
    notes = [note for notes in result.notes for note in notes]
    if notes:
        say(Text(f"{len(notes)} 处内容未能对应到申报格式（已作为注释写入文件）：",
                 f"{len(notes)} pieces of content were not mapped (written to the files as comments):"), lang)
        for note in notes:
            click.echo(f"  {note.where.say(lang)}: {note.text.splitlines()[0] if note.text else ''}")
        return max(code, 1)
    return code


def _framework(meta: dict, target: Path) -> str:
    """A template folder's framework (its template.yaml's `framework`) as the declaration in `target`
    names it: a built-in name as it is; a framework file, relative to the working folder as with
    `init`, by its path from `target`."""
    framework = str(meta.get("framework") or "")
    if framework and Path(framework).is_file():
        return _named(Path(framework), target) or framework
    return framework


def _files(target: Path, result: Imported) -> dict[Path, str]:
    """declaration.yaml and one file per project, with what was not mapped as comments."""
    names = [f"{n:02d}-project.yaml" for n in range(1, len(result.projects) + 1)]
    decl = {**result.declaration, "projects": names}
    files = {target / "declaration.yaml": emit.document("declaration", decl, result.notes[0])}
    for n, (name, project) in enumerate(zip(names, result.projects)):
        files[target / name] = emit.document("project", project, result.notes[n + 1])
    return files
