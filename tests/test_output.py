"""The output formats, and the rule registry they draw their texts from."""
from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from helpers import EXAMPLE

from perfdecl import output
from perfdecl.cli import cli
from perfdecl.diagnostics import Diagnostic, Position, diag
from perfdecl.codes import RULES, message
from perfdecl.rules import CHECKS
from perfdecl.text import Text

LINE = "      设备故障维修率: 应修尽修"
D = diag("PD306", Position("p.yaml", 3, 16), second="数量指标", value="应修尽修")


def test_every_rule_is_documented_in_both_languages():
    for code, rule in RULES.items():
        assert re.fullmatch(r"PD\d{3}", code) and rule.code == code
        assert rule.severity in ("error", "warning")
        assert rule.title and rule.title_en and rule.zh and rule.en and rule.doc, code
        if code >= "PD100":
            assert "Passing" in rule.doc and "Failing" in rule.doc, code
        args = {name: name for name in re.findall(r"{(\w+)}", rule.zh + rule.en)}
        if re.fullmatch(r"(\{\w+\})+", rule.zh):  # all its words come from the finding, as a Text
            assert rule.en == rule.zh, code
        else:
            assert message(code, "zh", args) != message(code, "en", args), code
    assert len({check.name for check in CHECKS}) == len(CHECKS)


def test_a_bilingual_value_is_printed_in_the_language_asked_for():
    d = diag("PD007", Position("declaration.yaml", 3, 5), what=Text("找不到项目文件“a.yaml”", "project file 'a.yaml' not found"))
    assert d.message("zh") == "找不到项目文件“a.yaml”"
    assert d.message("en") == "project file 'a.yaml' not found"
    older = diag("PD007", Position("declaration.yaml", 3, 5), what="找不到项目文件“a.yaml”",
                 what_en="project file 'a.yaml' not found")
    assert older == d  # the two-string form still works, and makes the same finding
    assert output.as_json([d], "en").count("project file 'a.yaml' not found") == 1


def test_human_shows_the_line_and_a_caret_under_the_column():
    text = output.human([D], {"p.yaml": ["a: 1", "b:", LINE]}, "zh").splitlines()
    assert text[0].startswith("p.yaml:3:16: warning[PD306] ")
    assert text[1] == f" 3 | {LINE}"
    # 6 spaces, 7 CJK characters two columns wide each, ": "
    assert text[2] == "   | " + " " * (6 + 14 + 2) + "^"


def _width(text: str) -> int:
    return len(output.caret_pad(text))


@pytest.mark.parametrize("line, col, mark, cut", [
    ("a" * 1_000_000 + "XYZ" + "b" * 1_000_000, 1_000_001, "XYZ", (True, True)),  # a one-line file of megabytes
    ("值" * 5000 + "标记" + "值" * 5000, 5001, "标记", (True, True)),  # two columns a character
    ("a" * 500 + "END", 501, "END", (True, False)),  # near the end: the window shows more before
    ("START" + "a" * 500, 1, "START", (False, True)),
], ids=["megabyte", "cjk", "end", "start"])
def test_human_shows_a_window_of_a_long_line_around_the_caret(line, col, mark, cut):
    d = diag("PD306", Position("p.yaml", 1, col), second="数量指标", value="x")
    _, shown, caret = output.human([d], {"p.yaml": [line]}, "zh").splitlines()[:3]
    shown, caret = shown.removeprefix(" 1 | "), caret.removeprefix("   | ")
    assert _width(shown) <= output.WIDTH + 2 and mark in shown  # + the two … marks
    assert (shown.startswith("…"), shown.endswith("…")) == cut
    assert _width(shown) >= output.WIDTH  # cut only as much as needed
    under = len(caret) - 1  # columns before the caret
    before = next(shown[:i] for i in range(len(shown) + 1) if _width(shown[:i]) == under)
    assert shown[len(before):].startswith(mark)


def test_lines_for_gives_the_lines_of_the_files_shown_only():
    from perfdecl.yamlload import Source

    sources = {"a.yaml": Source(Path("a.yaml"), "a.yaml", "x: 1\ny: 2\n"), "b.yaml": Source(Path("b"), "b.yaml", "z\n")}
    assert output.lines_for([diag("PD306", Position("a.yaml", 2, 1))], sources) == \
        {"a.yaml": ["x: 1", "y: 2"]}
    assert output.lines_for([], sources) == {}


def test_human_adds_the_rule_hint():
    d = diag("PD202", Position("p.yaml", 1, 1), total="1元", plan="2元")
    assert output.human([d], {}, "zh").splitlines()[-1].startswith("   = 提示：")  # aligned with " 1 | "
    assert output.human([d], {}, "en").splitlines()[-1].startswith("   = hint: ")


def test_json():
    [item] = json.loads(output.as_json([D], "en"))
    assert (item["path"], item["line"], item["column"], item["code"], item["severity"]) == \
        ("p.yaml", 3, 16, "PD306", "warning")
    assert "wants a figure" in item["message"]


def test_github_workflow_commands_are_escaped():
    d = Diagnostic("PD006", Position("a:b,c.yaml", 2, 5), (("what", "50% 完成\n下一行\r"),), "error")
    assert output.github([d], "zh") == "::error file=a%3Ab%2Cc.yaml,line=2,col=5,title=PD006::50%25 完成%0A下一行%0D"
    assert output.github([D], "zh").startswith("::warning file=p.yaml,line=3,col=16,title=PD306::")


# The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) that our output uses, with their required fields.
SARIF = {
    "type": "object", "required": ["version", "runs"],
    "properties": {
        "version": {"const": "2.1.0"},
        "runs": {"type": "array", "items": {
            "type": "object", "required": ["tool"],
            "properties": {
                "columnKind": {"enum": ["utf16CodeUnits", "unicodeCodePoints"]},
                "tool": {"type": "object", "required": ["driver"], "properties": {"driver": {
                    "type": "object", "required": ["name"],
                    "properties": {"name": {"type": "string"}, "rules": {"type": "array", "items": {
                        "type": "object", "required": ["id"],
                        "properties": {
                            "id": {"type": "string"},
                            "shortDescription": {"$ref": "#/$defs/text"},
                            "fullDescription": {"$ref": "#/$defs/text"},
                            "defaultConfiguration": {"type": "object", "properties": {
                                "level": {"enum": ["none", "note", "warning", "error"]}}},
                        }}}}}}},
                "results": {"type": "array", "items": {
                    "type": "object", "required": ["message"],
                    "properties": {
                        "ruleId": {"type": "string"}, "ruleIndex": {"type": "integer", "minimum": 0},
                        "level": {"enum": ["none", "note", "warning", "error"]},
                        "message": {"$ref": "#/$defs/text"},
                        "locations": {"type": "array", "items": {"type": "object", "properties": {
                            "physicalLocation": {
                                "type": "object", "required": ["artifactLocation", "region"],
                                "properties": {
                                    "artifactLocation": {"type": "object", "required": ["uri"],
                                                         "properties": {"uri": {"type": "string", "format": "uri-reference"}}},
                                    "region": {"type": "object", "required": ["startLine", "startColumn"], "properties": {
                                        "startLine": {"type": "integer", "minimum": 1},
                                        "startColumn": {"type": "integer", "minimum": 1}}},
                                }}}}},
                    }}},
            }}},
    },
    "$defs": {"text": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}}},
}


def test_sarif_is_well_formed():
    result = CliRunner().invoke(cli, ["check", "--format", "sarif", str(EXAMPLE)])
    log = json.loads(result.stdout)
    jsonschema.validate(log, SARIF)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert {r["id"] for r in rules} == set(RULES)
    assert run["results"], "the example has warnings"
    for r in run["results"]:
        assert rules[r["ruleIndex"]]["id"] == r["ruleId"]
        assert r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".yaml")


def test_sarif_uris_are_encoded():
    log = json.loads(output.sarif([Diagnostic("PD006", Position("例子/申报 1.yaml", 1, 1), (), "error")], "zh"))
    uri = log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri == "%E4%BE%8B%E5%AD%90/%E7%94%B3%E6%8A%A5%201.yaml"
