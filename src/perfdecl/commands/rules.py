"""perfdecl rules / perfdecl explain CODE: the rule registry, for people."""
from __future__ import annotations

import click

from ..rules import RULES

_SEVERITY = {"zh": {"error": "错误", "warning": "警告"}, "en": {"error": "error", "warning": "warning"}}


def list_rules(lang: str) -> int:
    """One line per rule: code, default severity, title."""
    for code, rule in RULES.items():
        title = rule.title_en if lang == "en" else rule.title
        click.echo(f"{code}  {rule.severity:<7}  {title}")
    return 0


def explain(code: str, lang: str) -> int:
    """A rule's titles, severity, documentation and how to turn it off; unknown code: exit 2."""
    rule = RULES.get(code.strip().upper())
    if rule is None:
        click.echo(f"未知的规则代码：{code}（perfdecl rules 列出全部规则）" if lang == "zh"
                   else f"unknown rule code: {code} (perfdecl rules lists them)", err=True)
        return 2
    click.echo(f"{rule.code}  {rule.title} / {rule.title_en}")
    click.echo(("默认级别：" if lang == "zh" else "default severity: ") + _SEVERITY[lang][rule.severity])
    click.echo("")
    click.echo(rule.doc.strip())
    click.echo("")
    if rule.code < "PD100":
        click.echo("此类问题使文件无法读取，不能关闭。" if lang == "zh"
                   else "A file with this problem cannot be read; the rule cannot be turned off.")
    elif lang == "zh":
        click.echo(f"在 declaration.yaml 中关闭或改变级别：rules: {{{rule.code}: off}}（或 warning、error）；"
                   f"单处忽略：在报告的行末写 # perfdecl: ignore[{rule.code}]")
    else:
        click.echo(f"Turn it off or change its severity in declaration.yaml: rules: {{{rule.code}: off}} "
                   f"(or warning, error); silence one finding with # perfdecl: ignore[{rule.code}] on its line.")
    return 0
