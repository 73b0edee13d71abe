"""perfdecl diff OLD NEW: what changed between two versions of a declaration.

OLD and NEW are declaration folders or git revisions (`HEAD~1`,
`main:declarations/2023-songjiang`); a bare revision means the other
argument's folder (or the current one) at that revision. Exit 0, or 1 with
`--fail-on lowered` when a target was made easier; 2 when a version cannot
be read or does not load.
"""
from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import click

from .. import diff, output
from ..diagnostics import Diagnostic
from ..load import Bundle, load
from ..paths import is_folder
from ..revision import RevisionError, opened
from ..text import Text

FORMATS = ("human", "markdown", "json")


def _not_found(spec: str, why: Text) -> Text:
    return Text(f"“{spec}”既不是申报文件夹，也不是可读的 git 版本：{why.zh}",
                f"'{spec}' is neither a declaration folder nor a readable git revision: {why.en}")


def run(old: str, new: str, fmt: str = "human", fail_on: str | None = None, lang: str = "zh") -> int:
    base = Path.cwd()
    like = next((base / spec for spec in (new, old) if is_folder(base / spec)), None)
    bundles: list[Bundle] = []
    with ExitStack() as stack:
        for spec in (old, new):
            try:
                folder = stack.enter_context(opened(spec, base, like))
            except RevisionError as e:
                click.echo(_not_found(spec, e.text).say(lang), err=True)
                return 2
            bundle = _loaded(folder, spec, lang)
            if bundle is None:
                return 2
            bundles.append(bundle)
        found = diff.changes(*bundles)
    if fmt == "json":
        click.echo(diff.as_json(found))
    elif fmt == "markdown":
        click.echo(diff.markdown(found, lang), nl=False)
    else:
        click.echo(diff.human(found, lang))
    return 1 if fail_on == "lowered" and diff.lowered(found) else 0


def _loaded(folder: Path, spec: str, lang: str) -> Bundle | None:
    """The declaration in `folder`, or None after printing why it does not load."""
    if not (folder / "declaration.yaml").is_file():
        why = Text("其中没有 declaration.yaml", "it holds no declaration.yaml")
        click.echo(_not_found(spec, why).say(lang), err=True)
        return None
    bundle, diags = load(folder, follow_previous=False)
    if bundle is None or any(d.severity == "error" and d.code < "PD100" for d in diags):
        _explain(diags, lang)
        click.echo(Text(f"“{spec}”无法读取为申报材料（perfdecl check 说明原因）",
                        f"'{spec}' does not load as a declaration (perfdecl check says why)").say(lang), err=True)
        return None
    return bundle


def _explain(diags: list[Diagnostic], lang: str) -> None:
    errors = [d for d in diags if d.severity == "error"][:5]
    if errors:
        click.echo(output.human(errors, {}, lang), err=True)
