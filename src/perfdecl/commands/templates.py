"""perfdecl templates / perfdecl template export: the built-in templates and frameworks.

`list_all` prints each built-in template (name, default framework,
description) and each indicator framework (name, title). `export` copies a
built-in template into a folder for a user to adapt: every file of the
template and of its bases (the template's own files win), so the copy stands
alone, with a template.yaml naming the copy. It never overwrites a file.
Exit codes: 0 done, 2 unknown template or existing files.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..paths import display
from ..text import Text, listing
from .init import write_new
from .messages import NO_TEMPLATE, refuse, say


def list_all() -> int:
    from .. import frameworks
    from ..render.templates import builtin, builtin_names, load

    click.echo("内置模板 / templates:")
    for name in builtin_names():
        meta = load(builtin(name)).meta  # type: ignore[arg-type]
        click.echo(f"  {name:<16} 指标体系 / framework: {meta.get('framework') or '-'}")
        if meta.get("description"):
            click.echo(f"  {'':<16} {meta['description']}")
    click.echo("\n指标体系 / frameworks:")
    for name in frameworks.names():
        frame = frameworks.get(name)
        click.echo(f"  {name:<16} {frame.title if frame else ''}")
    click.echo("\n导出一个模板以便修改 / export one to adapt it: perfdecl template export NAME DIR")
    return 0


def export(name: str, directory: Path) -> int:
    import yaml

    from ..render.templates import META, builtin, builtin_names, load

    folder = builtin(name)
    if folder is None:
        known = builtin_names()
        return refuse(NO_TEMPLATE.fill(name=name, known=listing(known)))
    template = load(folder)
    files: dict[Path, Path] = {}  # relative path in the copy → the file it is copied from
    for source in reversed(template.folders):  # bases first, so the template's own files replace theirs
        files |= {p.relative_to(source): p for p in sorted(source.rglob("*"))
                  if p.is_file() and p.name != META and "__pycache__" not in p.parts}
    meta = {**template.meta, "name": directory.resolve().name}
    header = (f"# Copied from the built-in template {name} by `perfdecl template export`; see docs/templates.md.\n"
              "# Use it with `template: <this folder>` in declaration.yaml (a folder inside the declaration)\n"
              "# or with `perfdecl build DIR --template <this folder>`.\n")
    text = header + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1 << 30)
    out = {directory / META: text.encode("utf-8"), **{directory / rel: src.read_bytes() for rel, src in files.items()}}
    refused = write_new(directory, out)
    if refused is not None:
        return refused
    say(Text(f"已导出模板 {name} 到 {display(directory)}（{len(out)} 个文件）",
             f"exported template {name} to {display(directory)} ({len(out)} files)"))
    return 0


def export_framework(name: str, file: Path) -> int:
    """Write the built-in framework `name` to `file` (never over an existing file)."""
    from .. import frameworks
    from ..paths import frameworks_dir

    if frameworks.get(name) is None:
        known = frameworks.names()
        return refuse(Text("没有内置指标体系“{name}”，可用：{known}", "no built-in framework '{name}'; known: {known}")
                      .fill(name=name, known=listing(known)))
    header = (f"# Copied from the built-in framework {name} by `perfdecl framework export`; see docs/format.md.\n"
              "# Use it with `framework: <path of this file>` in declaration.yaml.\n")
    text = header + (frameworks_dir() / f"{name}.yaml").read_text(encoding="utf-8")
    refused = write_new(file.parent, {file: text.encode("utf-8")})
    if refused is not None:
        return refused
    say(Text(f"已导出指标体系 {name} 到 {display(file)}", f"exported framework {name} to {display(file)}"))
    return 0
