"""Every documented example does what its rule's documentation says: Failing fires the rule, Passing does not.

Each example is written into the small valid declaration of helpers.py
(PROJECT, DECLARATION) as text: its lines replace the entries of the keys it
writes in the mapping at the YAML path it names, as `perfdecl explain` shows
it. The files are then read by perfdecl itself, so an example may show what
only the loader reports (a duplicate key, a tag, a YAML syntax error), and an
example that should load but does not is caught. A failing example of a
cross-check is reported by the check that declares its code (`@emits`), and
each check reports only the codes it declares.
"""
from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import DECLARATION, PROJECT, REPO, findings

from perfdecl.cli import cli
from perfdecl.codes import RULES, Example
from perfdecl.load import Bundle, load
from perfdecl.rules import CHECKS
from perfdecl.positions import Source
from perfdecl.yamlload import parse

EXAMPLES = [(code, verdict, n, example) for code, rule in RULES.items()
            for verdict, examples in (("passing", rule.passing), ("failing", rule.failing))
            for n, example in enumerate(examples)]
IDS = [f"{c}-{v}-{n}" for c, v, n, _ in EXAMPLES]
_KEY = re.compile(r"^([^\s#-][^:\n]*?):(?:[ \t]|$)", re.M)  # a key the example writes at its own top level


def applied(text: str, part: str, at: tuple[object, ...] = ()) -> str:
    """The YAML file `text` with `part` written into its mapping at path `at`, as text.

    The entries of the keys `part` writes are replaced by `part`, where the
    first of them stood; if it writes none of the keys there, it goes after
    the mapping's last entry. Where each entry stands is what perfdecl's
    loader says.
    """
    part = textwrap.dedent(part).strip("\n")
    if not part:
        return text
    source = Source(Path("f.yaml"), "f.yaml", text)
    _, problems = parse(text, source)
    assert not problems, problems
    lines = text.split("\n")
    entries = sorted((line - 1, col - 1, path[-1]) for path, (line, col) in source.keys.items()
                     if len(path) == len(at) + 1 and path[:-1] == at)
    indent = entries[0][1]
    spans = [(start, _entry_end(lines, start, indent), col, key) for start, col, key in entries]
    written = set(_KEY.findall(part))
    replaced = [span for span in spans if span[3] in written]
    first, _, col, _ = replaced[0] if replaced else (spans[-1][1], 0, indent, None)
    head = lines[first][:col] if replaced else " " * indent
    new = [head + line if i == 0 else (" " * indent + line if line else line)
           for i, line in enumerate(part.split("\n"))]
    dropped = {n for start, end, _, _ in replaced for n in range(start, end)}
    out = [line for n, line in enumerate(lines[:first]) if n not in dropped]
    return "\n".join([*out, *new, *(line for n, line in enumerate(lines[first:], first) if n not in dropped)])


def _entry_end(lines: list[str], start: int, indent: int) -> int:
    """The index of the line after the entry whose key is on line `start`: its value's lines are indented more."""
    for n in range(start + 1, len(lines)):
        if lines[n].strip() and len(lines[n]) - len(lines[n].lstrip(" ")) <= indent:
            return n
    return len(lines) - 1 if lines[-1] == "" else len(lines)


def written(tmp_path: Path, example: Example) -> Path:
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
    if example.form:
        (folder / "t").mkdir()
        meta = (REPO / "templates" / "shanghai-2023" / "template.yaml").read_text(encoding="utf-8")
        meta = applied(applied(meta, example.form, ("form",)), "base: shanghai-2023")
        (folder / "t" / "template.yaml").write_text(meta, encoding="utf-8")
        decl = applied(decl, "template: t")
    (folder / "declaration.yaml").write_text(decl, encoding="utf-8")
    (folder / "p.yaml").write_text(applied(PROJECT, example.yaml, example.at), encoding="utf-8")
    return folder


def loaded(folder: Path) -> Bundle:
    bundle, diags = load(folder)
    assert bundle is not None and bundle.complete, [d.message("en") for d in diags]
    return bundle


def test_every_rule_keeps_its_examples_as_examples():
    for code, rule in RULES.items():
        if code >= "PD100":
            assert rule.passing and rule.failing, code
        assert rule.doc.count("Passing") == len(rule.passing), code  # no example left in the prose, untested
        assert rule.doc.count("Failing") == len(rule.failing), code


@pytest.mark.parametrize("code, verdict, n, example", EXAMPLES, ids=IDS)
def test_documented_example(tmp_path, code, verdict, n, example):
    found = {code for *_, code in findings(written(tmp_path, example))}
    assert not {c for c in found if c < "PD100"} - {code}, found  # the example loaded: the rule could run
    assert (code in found) == (verdict == "failing"), found


def test_every_cross_check_code_is_declared_by_one_check():
    declared = [code for check in CHECKS for code in check.codes]
    assert sorted(declared) == sorted(code for code in RULES if code >= "PD100")


FAILING = [(code, example) for code, verdict, _, example in EXAMPLES if verdict == "failing" and code >= "PD100"]


@pytest.mark.parametrize("code, example", FAILING, ids=[i for i in IDS if i[2:5] >= "100" and "-failing-" in i])
def test_a_failing_example_is_reported_by_the_check_that_declares_its_code(tmp_path, code, example):
    bundle = loaded(written(tmp_path, example))
    owner = next(check for check in CHECKS if code in check.codes)
    assert code in {d.code for d in owner(bundle)}, owner.name


@pytest.mark.parametrize("code, verdict, n, example", [e for e in EXAMPLES if e[0] >= "PD100"],
                         ids=[i for i in IDS if i[2:5] >= "100"])
def test_each_check_reports_only_the_codes_it_declares(tmp_path, code, verdict, n, example):
    bundle = loaded(written(tmp_path, example))
    for check in CHECKS:
        reported = {d.code for d in check(bundle)}
        assert reported <= set(check.codes), (check.name, reported)


def test_examples_replace_the_keys_they_name():
    data = yaml.safe_load(applied(PROJECT, "数量指标:\n  设备故障维修率: =100%\n", ("indicators", "产出指标")))
    assert data["indicators"]["产出指标"] == {"数量指标": {"设备故障维修率": "=100%"},
                                          "时效指标": {"维护完成时间": "2023 年 12 月底"}}
    item = yaml.safe_load(applied(PROJECT, "budget: 4万元", ("items", 0)))["items"][0]
    assert item["budget"] == "4万元" and item["title"] == "设备维护费" and item["lines"]["total"] == 3
    item = yaml.safe_load(applied(PROJECT, "title: 维护", ("items", 0)))["items"][0]
    assert item["title"] == "维护" and item["budget"] == "3万元"  # the list item's dash is kept
    assert applied(DECLARATION, "") == DECLARATION
    data = yaml.safe_load(applied(DECLARATION, "rules:\n  PD209: warning"))
    assert data["rules"] == {"PD209": "warning"} and data["projects"] == ["p.yaml"]  # a new key goes at the end


def test_examples_are_written_as_text():
    """What YAML readers would lose reaches perfdecl: both keys of a duplicate, a tag."""
    text = applied(PROJECT, "name: 市民服务\nname: 项目服务管理")
    assert "name: 市民服务\nname: 项目服务管理\ncategory:" in text and "设备维护\n" not in text
    assert "category: !!python/name:os.system\n" in applied(PROJECT, "category: !!python/name:os.system")


def test_explain_prints_every_example():
    for code, rule in RULES.items():
        shown = CliRunner().invoke(cli, ["explain", code]).output
        for example in (*rule.passing, *rule.failing):
            for line in "\n".join(textwrap.dedent(t) for t in (example.yaml or example.declaration, example.form)).strip().splitlines():
                assert "    " + line in shown, (code, line)
