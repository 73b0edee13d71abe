"""perfdecl rules / perfdecl explain CODE: the rule registry, for people."""
from __future__ import annotations

import unicodedata

import click

from ..codes import RULES
from ..text import Text

_SEVERITY = {"error": Text("错误", "error"), "warning": Text("警告", "warning")}
_UNKNOWN = Text("未知的规则代码：{code}（perfdecl rules 列出全部规则）", "unknown rule code: {code} (perfdecl rules lists them)")
_DEFAULT = Text("默认级别：{severity}", "default severity: {severity}")
_READING = Text("此类问题使文件无法读取，不能关闭。", "A file with this problem cannot be read; the rule cannot be turned off.")
_SETTING = Text("在 declaration.yaml 中关闭或改变级别：rules: {{{code}: off}}（或 warning、error）；"
                "单处忽略：在报告的行末写 # perfdecl: ignore[{code}]",
                "Turn it off or change its severity in declaration.yaml: rules: {{{code}: off}} "
                "(or warning, error); silence one finding with # perfdecl: ignore[{code}] on its line.")


def list_rules(lang: str) -> int:
    """One line per rule: code, default severity, title."""
    for code, rule in RULES.items():
        click.echo(f"{code}  {rule.severity:<7}  {rule.name.say(lang)}")
    return 0


def explain(code: str, lang: str) -> int:
    """A rule's titles, severity, documentation and how to turn it off; unknown code: exit 2."""
    rule = RULES.get(unicodedata.normalize("NFKC", code).strip().upper())  # ＰＤ１０１ as an input method types it
    if rule is None:
        click.echo(_UNKNOWN.fill(code=code).say(lang), err=True)
        return 2
    click.echo(f"{rule.code}  {rule.title} / {rule.title_en}")
    click.echo(_DEFAULT.fill(severity=_SEVERITY[rule.severity]).say(lang))
    click.echo("")
    click.echo(rule.doc.strip())
    click.echo("")
    click.echo((_READING if rule.code < "PD100" else _SETTING.fill(code=rule.code)).say(lang))
    return 0
