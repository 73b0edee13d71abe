"""Every documented example does what its rule's documentation says: Failing fires the rule, Passing does not.

Each example is written into the small valid declaration of helpers.py
(PROJECT, DECLARATION): its keys replace those at the YAML path it names, as
`perfdecl explain` shows it.
"""
from __future__ import annotations

import textwrap

import pytest
import yaml
from click.testing import CliRunner
from helpers import DECLARATION, PROJECT, findings

from perfdecl.cli import cli
from perfdecl.codes import RULES, Example

EXAMPLES = [(code, verdict, n, example) for code, rule in RULES.items()
            for verdict, examples in (("passing", rule.passing), ("failing", rule.failing))
            for n, example in enumerate(examples)]


def applied(text: str, part: str, at: tuple = ()) -> str:
    """The YAML file `text` with the keys of the YAML `part` replacing those of its mapping at path `at`."""
    data = yaml.safe_load(text)
    target = data
    for key in at:
        target = target[key]
    target.update(yaml.safe_load(textwrap.dedent(part)) or {})
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def codes(tmp_path, example: Example) -> set[str]:
    folder = tmp_path / "d"
    folder.mkdir()
    decl = applied(DECLARATION, example.declaration)
    if example.previous:
        prev = tmp_path / "prev"
        prev.mkdir()
        year = yaml.safe_load(DECLARATION)["year"]
        (prev / "declaration.yaml").write_text(applied(DECLARATION, f"year: {year - 1}"), encoding="utf-8")
        (prev / "p.yaml").write_text(applied(PROJECT, example.previous, example.at), encoding="utf-8")
        decl = applied(decl, "previous: ../prev")
    (folder / "declaration.yaml").write_text(decl, encoding="utf-8")
    (folder / "p.yaml").write_text(applied(PROJECT, example.yaml, example.at), encoding="utf-8")
    return {code for *_, code in findings(folder)}


def test_every_cross_check_has_examples():
    # The loader's codes (PD0xx, rules/input.py) still keep their examples in the prose.
    for code, rule in RULES.items():
        if code >= "PD100":
            assert rule.passing and rule.failing, code
            assert rule.doc.count("Passing") == len(rule.passing), code  # no example left in the prose, untested
            assert rule.doc.count("Failing") == len(rule.failing), code


@pytest.mark.parametrize("code, verdict, n, example", EXAMPLES, ids=[f"{c}-{v}-{n}" for c, v, n, _ in EXAMPLES])
def test_documented_example(tmp_path, code, verdict, n, example):
    found = codes(tmp_path, example)
    assert not {c for c in found if c < "PD100"} - {code}, found  # the example loaded: the rule could run
    assert (code in found) == (verdict == "failing"), found


def test_examples_replace_the_keys_they_name():
    data = yaml.safe_load(applied(PROJECT, "数量指标:\n  设备故障维修率: =100%\n", ("indicators", "产出指标")))
    assert data["indicators"]["产出指标"] == {"数量指标": {"设备故障维修率": "=100%"},
                                          "时效指标": {"维护完成时间": "2023 年 12 月底"}}
    item = yaml.safe_load(applied(PROJECT, "budget: 4万元", ("items", 0)))["items"][0]
    assert item["budget"] == "4万元" and item["title"] == "设备维护费" and item["lines"]["total"] == 3
    assert yaml.safe_load(applied(DECLARATION, "")) == yaml.safe_load(DECLARATION)


def test_explain_prints_every_example():
    for code, rule in RULES.items():
        shown = CliRunner().invoke(cli, ["explain", code]).output
        for example in (*rule.passing, *rule.failing):
            for line in textwrap.dedent(example.yaml or example.declaration).strip().splitlines():
                assert "    " + line in shown, (code, line)
