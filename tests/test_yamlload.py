"""yamlload: positions, refused constructs, bounds, encodings and how plain scalars are read.

Expected positions come from the input text (helpers.at), never from the loader.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from helpers import EXAMPLE, at

from perfdecl import yamlload
from perfdecl.yamlload import MAX_DEPTH, Source, load, parse


def read(path: Path, text: str | bytes):
    """(data, source, findings) of `text` written to `path` and read back."""
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    data, source, diags = load(path, path.name)
    return data, source, {(path.name, d.pos.line, d.pos.col, d.code) for d in diags}


def pos(finding) -> tuple[int, int]:
    return finding[1], finding[2]


POSITIONS = """\
# a comment
top:
  key: value
  list:
    - a
    - {x: 1, y: [2, 3]}
  block: |
    line one
    line two
  "quoted key": 'single'
"""


def test_positions_of_values_keys_items_blocks_and_flows(tmp_path):
    p = tmp_path / "p.yaml"
    data, source, found = read(p, POSITIONS)
    assert not found
    assert data["top"]["list"][1] == {"x": 1, "y": [2, 3]}
    assert source.at("top", "key")[1:] == pos(at(p, "value", ""))
    assert source.key_at("top", "key")[1:] == pos(at(p, "key:", ""))
    assert source.at("top", "list", 0)[1:] == pos(at(p, "- a", "", mark="a"))
    assert source.at("top", "list", 1)[1:] == pos(at(p, "{x", ""))
    assert source.at("top", "list", 1, "y")[1:] == pos(at(p, "[2", ""))
    assert source.at("top", "list", 1, "y", 1)[1:] == pos(at(p, "3]", ""))
    assert source.key_at("top", "list", 1, "y")[1:] == pos(at(p, "y: [", ""))
    assert source.at("top", "block")[1:] == pos(at(p, "|", ""))
    assert source.key_at("top", "quoted key")[1:] == pos(at(p, '"quoted key"', ""))
    assert source.at("top", "quoted key")[1:] == pos(at(p, "'single'", ""))
    assert source.key_at("top", "list", 0) == source.at("top", "list", 0)  # a list item has no key


def test_a_path_not_in_the_file_gives_its_nearest_parent(tmp_path):
    p = tmp_path / "p.yaml"
    _, source, _ = read(p, POSITIONS)
    assert source.at("top", "list", 1, "z", 4)[1:] == pos(at(p, "{x", ""))
    assert source.at("nothing")[1:] == pos(at(p, "top:", ""))  # the document's own mapping
    assert Source(p, "p.yaml").at("x")[1:] == (1, 1)


DUPLICATES = """\
name: a
name: b
outer:
  inner:
    leaf: 1
    leaf: 2
items:
  - {k: 1, k: 2}
  - x: 1
    x: 2
"""


def test_duplicate_keys_at_every_level_and_in_flow_mappings(tmp_path):
    p = tmp_path / "p.yaml"
    data, source, found = read(p, DUPLICATES)
    assert found == {at(p, "name: b", "PD003"), at(p, "leaf: 2", "PD003"), at(p, "k: 2", "PD003"),
                     at(p, "x: 2", "PD003")}
    assert data["name"] == "a" and data["outer"]["inner"]["leaf"] == 1  # the first is kept
    _, diags = parse(DUPLICATES, Source(p, "p.yaml"))
    first = {d.pos.line: d.kwargs["first"] for d in diags}
    assert first == {2: 1, 6: 5, 8: 8, 10: 9}  # each names the line of the first


@pytest.mark.parametrize("tag", [
    '!!python/object/apply:os.system ["touch {pwned}"]',
    '!!python/object/apply:subprocess.check_output [["touch", "{pwned}"]]',
    "!!python/object/new:pathlib.Path ['{pwned}']",
    "!!python/name:os.system",
    "!!python/module:os",
    "!!binary aGVsbG8=",
    "!!set {{a: null}}",
    "!custom x",
])
def test_tags_beyond_plain_data_are_refused_and_nothing_runs(tmp_path, tag):
    pwned = tmp_path / "pwned"
    p = tmp_path / "p.yaml"
    data, _, found = read(p, f"name: x\nvalue: {tag.format(pwned=pwned)}\n")
    assert found == {at(p, "!", "PD004")}
    assert data["name"] == "x"
    assert not pwned.exists()


def test_tags_on_keys_and_merge_keys_are_refused(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "? !!python/tuple [1, 2]\n: x\nbase: &b {k: 1}\nuse:\n  <<: *b\n")
    assert found == {at(p, "!!python", "PD004"), at(p, "<<", "PD004")}
    assert data == {"base": {"k": 1}, "use": {}}


def test_explicit_plain_tags_with_values_they_cannot_hold_are_text(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "a: !!int abc\nb: !!timestamp soon\nc: !!bool maybe\nd: !!float x\ne: !!str 12\n")
    assert not found
    assert data == {"a": "abc", "b": "soon", "c": "maybe", "d": "x", "e": "12"}


def bomb(levels: int) -> str:
    names = "abcdefghijklmnop"
    text = f"lol{names[0]}: &{names[0]} [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
    for prev, cur in zip(names, names[1:levels]):
        text += f"lol{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]\n"
    return text


def test_alias_bombs_are_rejected_where_they_outgrow_the_limit(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, bomb(9))
    # Values per level: 10, 91, 820, 7381, 66430 > MAX_NODES (50 000): level e.
    assert yamlload.MAX_NODES == 50_000
    assert found == {at(p, "&e", "PD005")}
    assert data is None


def test_aliases_that_stay_small_are_expanded(tmp_path):
    data, _, found = read(tmp_path / "p.yaml", bomb(3) + "base: &x {k: [1, 2]}\nuse: *x\n")
    assert not found
    assert data["lolc"][0] == data["lolb"] and data["use"] == {"k": [1, 2]}


def test_an_alias_inside_its_own_anchor_is_rejected(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "ok: 1\nloop: &x [1, *x]\n")
    assert found == {at(p, "&x", "PD005")} and data is None


@pytest.mark.parametrize("shape", ["flow", "block-list", "block-map"])
def test_deep_nesting_is_rejected_at_the_first_level_too_deep(tmp_path, shape):
    p = tmp_path / "p.yaml"
    n = 5000
    if shape == "flow":
        text = "x: " + "[" * n + "]" * n + "\n"
        expected = ("p.yaml", 1, 4 + MAX_DEPTH, "PD005")  # the (MAX_DEPTH + 1)th [, one per column from 4
    else:  # line k holds a collection at column k, nested k - 1 deep (the first is the document's own)
        text = "".join(" " * i + ("-\n" if shape == "block-list" else "k:\n") for i in range(n))
        expected = ("p.yaml", MAX_DEPTH + 2, MAX_DEPTH + 2, "PD005")
    data, _, found = read(p, text)
    assert found == {expected} and data is None


def test_nesting_up_to_the_limit_is_read(tmp_path):
    data, _, found = read(tmp_path / "p.yaml", "x: " + "[" * MAX_DEPTH + "]" * MAX_DEPTH + "\n")
    assert not found
    depth, value = 0, data["x"]
    while value:
        value, depth = value[0], depth + 1
    assert depth == MAX_DEPTH - 1  # the innermost [] is empty


@pytest.mark.parametrize("text, needle, mark", [
    ("a: 1\nb:\n\tc: 2\n", "\tc", None),  # a tab for indentation
    ('a: "open\n', '"open', None),  # a quote left open to the end
    ("a: 1\nb: >=90%\n", ">=90%", None),  # > read as a folded block
    ("a: 1\n---\nb: 2\n", "---", None),  # two documents
    ("a: x: y\n", "x: y", ": y"),  # ": " inside a plain value
    ("a:\n  b: 1\n c: 2\n", " c:", "c"),  # a key indented to no level
    ("a: @x\n", "@x", None),
    ("a: *undefined\n", "*undefined", None),
])
def test_syntax_errors_point_at_their_cause(tmp_path, text, needle, mark):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, text)
    assert found == {at(p, needle, "PD001", mark=mark)} and data is None


def test_a_quote_left_open_is_blamed_even_when_yaml_notices_lines_later(tmp_path):
    p = tmp_path / "p.yaml"
    _, _, found = read(p, 'name: "设备维护\ncategory: 经常性项目\nvalue: ">=90%"\n')
    assert found == {at(p, '"设备维护', "PD001")}


def test_syntax_error_messages_carry_hints_in_both_languages():
    _, diags = parse("a:\n\tb: 1\n", Source(Path("p.yaml"), "p.yaml"))
    assert "制表符" in diags[0].message("zh") and "tabs" in diags[0].message("en")


@pytest.mark.parametrize("text, zh", [
    ("a:\n\tb: 1\n", "制表符"),
    ('a: "open\n', "引号"),
    ("a: 1\nb: >=90%\n", "以 > 或 | 开头的文字需加引号"),
    ("a: x: y\n", "值中含有“: ”时需加引号"),
    ("a:\n  b: 1\n c: 2\n", "缩进不一致"),
    ("a: [1, 2\n", "未闭合"),
    ("a: 1\n---\nb: 2\n", "一个 YAML 文档"),
])
def test_syntax_errors_are_explained_in_chinese_first_keeping_what_yaml_said(text, zh):
    _, diags = parse(text, Source(Path("p.yaml"), "p.yaml", text))
    [d] = diags
    message, problem = d.message("zh"), d.kwargs["problem"]
    assert message.startswith("YAML 语法错误：") and zh in message.split(problem)[0]  # explained before the detail
    assert problem in message and problem in d.message("en")  # PyYAML's words are kept


@pytest.mark.parametrize("text", ["", "# only a comment\n", "---\n", "\n\n"])
def test_empty_documents_are_none_without_problems(tmp_path, text):
    data, _, found = read(tmp_path / "p.yaml", text)
    assert data is None and not found


def test_gbk_is_refused_naming_the_encoding_and_the_fix(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "name: abc\ntitle: 市民服务\n".encode("gbk"))
    assert found == {("p.yaml", 2, 8, "PD002")} and data is None  # the first byte that is not UTF-8
    _, _, diags = load(p, "p.yaml")
    assert "GBK" in diags[0].message("zh") and "UTF-8" in diags[0].message("zh")
    assert "GBK" in diags[0].message("en") and "save it again as UTF-8" in diags[0].message("en")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_refused_with_or_without_bom(tmp_path, encoding):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "name: x\ntitle: 市民服务\n".encode(encoding))
    assert {f[3] for f in found} == {"PD002"} and data is None
    _, _, diags = load(p, "p.yaml")
    assert "UTF-16" in diags[0].message("zh")


def test_a_utf8_bom_is_accepted(tmp_path):
    data, _, found = read(tmp_path / "p.yaml", b"\xef\xbb\xbfname: \xe5\xb8\x82\n")
    assert data == {"name": "市"} and not found


def test_raw_control_characters_are_removed_with_a_warning_per_line(tmp_path):
    data, _, found = read(tmp_path / "p.yaml", "a: 第一\x0b第二\nb: ok\nc: x\x00y\x1f\n")
    # (helpers.at cannot be used: str.splitlines() breaks lines at \x0b, YAML does not)
    assert found == {("p.yaml", 1, 6, "PD013"), ("p.yaml", 3, 5, "PD013")}
    assert data == {"a": "第一第二", "b": "ok", "c": "xy"}


def test_escaped_control_characters_and_lone_surrogates_are_removed(tmp_path):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, 'a: "x\\x0by\\udc80z\\0"\n"k\\x0b": 1\nb: "tab\\tnewline\\n"\n')
    assert found == {at(p, '"x', "PD013"), at(p, '"k', "PD013")}
    assert data == {"a": "xyz", "k": 1, "b": "tab\tnewline\n"}


def test_markup_characters_stay_literal(tmp_path):
    text = "a: AT&T <b> ]]> \"q\" 'q'\nb: '&amp; <![CDATA['\n"
    data, _, found = read(tmp_path / "p.yaml", text)
    assert data == {"a": "AT&T <b> ]]> \"q\" 'q'", "b": "&amp; <![CDATA["} and not found


@pytest.mark.parametrize("written, value", [
    ("yes", "yes"), ("no", "no"), ("on", "on"), ("Off", "Off"), ("y", "y"),  # YAML 1.1 booleans: text
    ("true", True), ("False", False),
    ("1:30", "1:30"), ("0x1F", "0x1F"), ("0o17", "0o17"), ("017", "017"), ("1_000", "1_000"),  # YAML 1.1 ints
    ("2023", 2023), ("-5", -5), ("+5", 5), ("0", 0),
    (".5", Decimal("0.5")), ("0.098", Decimal("0.098")), ("165700.00", Decimal("165700.00")),
    ("1.0e+3", "1.0e+3"), ("1e3", "1e3"), (".inf", ".inf"), ("-.inf", "-.inf"), (".nan", ".nan"),
    ("~", None), ("null", None), ("", None), ("=", "="), ("<<", "<<"),
    ("2023-01-01", dt.date(2023, 1, 1)), ("2023-01-01 10:30:00", dt.datetime(2023, 1, 1, 10, 30)),
    ("2023-09", "2023-09"), ("'2023-01-01'", "2023-01-01"), ('"true"', "true"),
])
def test_plain_scalars_are_read_as_a_form_filler_means_them(written, value):
    source = Source(Path("p.yaml"), "p.yaml")
    data, diags = parse(f"v: {written}\n", source)
    assert not diags
    assert data["v"] == value and type(data["v"]) is type(value)
    if isinstance(value, Decimal):
        assert data["v"].as_tuple() == Decimal(written).as_tuple()  # exact, as written: never a float
    typed = not isinstance(value, str) and value is not None
    assert source.scalars.get(("v",)) == (written if typed else None)


def test_keys_are_text_as_written(tmp_path):
    data, _, found = read(tmp_path / "p.yaml", "2023: a\n1.50: b\nno: c\n~: d\n2023-01-01: e\n")
    assert list(data) == ["2023", "1.50", "no", "~", "2023-01-01"] and not found


@pytest.mark.parametrize("written, needle", [("2023-02-30", "2023-02-30"), ("2023-13-01", "2023-13-01"),
                                             ("0000-01-01", "0000-01-01")])
def test_dates_that_do_not_exist_are_reported_and_kept_as_text(tmp_path, written, needle):
    p = tmp_path / "p.yaml"
    data, _, found = read(p, f"start: {written}\n")
    assert found == {at(p, needle, "PD008")} and data == {"start": written}


def test_integers_too_long_for_python_are_text(tmp_path):
    digits = "9" * 5000
    data, _, found = read(tmp_path / "p.yaml", f"a: {digits}\n")
    assert data == {"a": digits} and not found


def test_too_large_a_file_is_not_read(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlload, "MAX_BYTES", 100)
    data, _, found = read(tmp_path / "p.yaml", "a: " + "x" * 200 + "\n")
    assert found == {("p.yaml", 1, 1, "PD005")} and data is None


def test_too_many_values_are_not_built(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlload, "MAX_NODES", 50)
    p = tmp_path / "p.yaml"
    data, _, found = read(p, "".join(f"- {i}\n" for i in range(100)))
    assert found == {at(p, "- 49", "PD005", mark="49")} and data is None  # the root list is value 1


def test_a_folder_or_missing_file_is_a_problem_not_a_crash(tmp_path):
    data, _, diags = load(tmp_path, "d")
    assert data is None and [d.code for d in diags] == ["PD007"]
    data, _, diags = load(tmp_path / "missing.yaml", "missing.yaml")
    assert data is None and [d.code for d in diags] == ["PD007"]
    data, _, diags = load(tmp_path / "missing.yaml", "missing.yaml", unreadable="PD015")
    assert data is None and [d.code for d in diags] == ["PD015"] and "missing.yaml" in diags[0].message("en")


COMMENTED = """\
# perfdecl: ignore[A]
a: 1  # perfdecl: ignore[B]
b: "x # perfdecl: ignore[C]"
c: plain#perfdecl:ignore[D]
d: |  # perfdecl: ignore[E]
  text # perfdecl: ignore[F]
  # perfdecl: ignore[G]
e: [x, 'y # z']  # perfdecl: ignore[H]
f: >
  folded # perfdecl: ignore[I]
# perfdecl: ignore[J]
g: 'two
  # perfdecl: ignore[K]'
"x # y": 1 # perfdecl: ignore[L]
"""


@pytest.mark.parametrize("fast", [True, False])
def test_comments_are_found_only_outside_scalars(monkeypatch, fast):
    if not fast:
        monkeypatch.setattr(yamlload, "_CLoader", None)
    source = Source(Path("p.yaml"), "p.yaml", COMMENTED)
    data, diags = parse(COMMENTED, source)
    assert not diags and "# perfdecl: ignore[F]" in data["d"] and "# perfdecl: ignore[K]" in data["g"]
    found = {line: re.search(r"\[(\w)\]", comment).group(1) for line, comment in source.comments.items()}
    assert found == {1: "A", 2: "B", 5: "E", 8: "H", 11: "J", 14: "L"}
    assert source.comments[2] == "# perfdecl: ignore[B]"


@pytest.mark.skipif(yamlload._CLoader is None, reason="libyaml not installed")
@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLE.glob("*.yaml")) + ["positions", "duplicates"])
def test_libyaml_and_pure_python_read_alike(monkeypatch, name):
    text = {"positions": POSITIONS, "duplicates": DUPLICATES}.get(name) or (EXAMPLE / name).read_text("utf-8")
    fast = Source(Path(name), name, text)
    fast_result = parse(text, fast)
    monkeypatch.setattr(yamlload, "_CLoader", None)
    slow = Source(Path(name), name, text)
    assert parse(text, slow) == fast_result
    assert (slow.values, slow.keys, slow.scalars) == (fast.values, fast.keys, fast.scalars)


_PLAIN = st.text(st.sampled_from("0123456789+-.:eExXoO_tTrRuUfFaAlLsSnN~<=yY 年月日元万"), min_size=1, max_size=12)


@given(_PLAIN)
def test_resolving_only_typable_scalars_reads_every_plain_scalar_as_pyyaml_would(word: str) -> None:
    """perfdecl's resolver skips PyYAML's regular expressions for scalars that can only be text."""
    text = f"key: {word}\nlist: [{word}]\n{word}: 1\n"

    class Full(yaml.SafeLoader):  # PyYAML's own resolution, every implicit resolver tried
        pass

    def read(loader: type) -> tuple[object, list[tuple[str, int, int]]]:
        node = loader(text).get_single_node() if _composes(loader, text) else None
        source = Source(Path("t.yaml"), "t.yaml")
        source.lines = text.splitlines()
        if node is None:
            return None, []
        builder = yamlload._Builder(source, [])
        try:
            data = builder.build(node, ())
        except yamlload._TooBig:
            return "too big", []
        return (data, source.scalars), [(d.code, d.pos.line, d.pos.col) for d in builder.diags]

    assert read(yamlload._PyLoader) == read(Full)


def _composes(loader: type, text: str) -> bool:
    try:
        loader(text).get_single_node()
        return True
    except yaml.YAMLError:
        return False
