"""How commands print a message: a `Text`, in the language asked for.

Commands with `--lang` print one language; the others (init, template
export, schema) print both, Chinese first, since the user could not choose.
"""
from __future__ import annotations

import click

from ..text import Text

ERROR = Text("错误：{what}", "error: {what}")
NO_TEMPLATE = Text("没有内置模板“{name}”，可用：{known}", "no built-in template '{name}'; known: {known}")


def say(text: Text, lang: str | None = None, err: bool = False) -> None:
    """Print `text` in `lang`, or in both languages when there is none."""
    click.echo(text.say(lang) if lang else f"{text.zh}\n{text.en}", err=err)


def refuse(why: Text, lang: str | None = None) -> int:
    """Say why nothing was done; the exit code for it."""
    say(ERROR.fill(what=why), lang, err=True)
    return 2
