"""Properties over generated input: the loader never raises, money and values round-trip exactly."""
from __future__ import annotations

import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path

import yaml
from hypothesis import given
from hypothesis import strategies as st

from perfdecl.money import LIMIT, MAX_PLACES, WAN, parse_amount
from perfdecl.values import OPERATORS, parse_value
from perfdecl.yamlload import Source, load, parse

# Pieces of YAML, so that generated text is often nearly valid and reaches deep into the parser.
TOKENS = ["\n", "  ", "    ", "- ", ": ", "key", "名称", "[", "]", "{", "}", ", ", "&a ", "*a",
          "!!python/name:os.system ", "!!str ", "!x ", '"', "'", "\\", "\t", "|", ">", "#", "%", "@", "`", "? ",
          "---\n", "...\n", "<<: ", "~",
          "2023-02-30", "1:30", "0x1F", ".inf", "1e3", "0.098", "yes", "\x0b", "\x00", "\ufeff", "\u2028", "\x85"]
yamlish = st.lists(st.sampled_from(TOKENS) | st.text(max_size=5), max_size=60).map("".join)


def positions_within(diags, source: Source) -> None:
    """Every position is on a line of the file as shown (or just past its end) and within that line."""
    lines = source.lines
    for line, col in [*(d.pos[1:] for d in diags), *source.values.values(), *source.keys.values()]:
        assert 1 <= line <= len(lines) + 1 and col >= 1
        assert col <= len(lines[line - 1]) + 1 if line <= len(lines) else col == 1 or not lines


@given(st.text() | yamlish)
def test_the_loader_never_raises_on_any_text(text):
    source = Source(Path("p.yaml"), "p.yaml", text)
    data, diags = parse(text, source)
    assert data is None or isinstance(data, (dict, list, str, int, bool, Decimal)) or hasattr(data, "year")
    positions_within(diags, source)


@given(st.binary(max_size=300) | yamlish.map(lambda s: s.encode("utf-8", "surrogatepass")))
def test_the_loader_never_raises_on_any_bytes(raw):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.yaml"
        path.write_bytes(raw)
        data, source, diags = load(path, "p.yaml")
    for d in diags:
        assert d.pos.line >= 1 and d.pos.col >= 1


printable = st.text(st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"),
                                  blacklist_characters="\ufeff\ufffe\uffff\x85"), max_size=20)
documents = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | printable,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(printable, inner, max_size=4),
    max_leaves=20,
)


@given(documents, st.booleans())
def test_plain_data_round_trips_with_every_value_positioned(data, flow):
    text = yaml.safe_dump({"root": data}, allow_unicode=True, default_flow_style=flow)
    source = Source(Path("p.yaml"), "p.yaml", text)
    read, diags = parse(text, source)
    assert not diags
    assert read == {"root": _as_keys(data)}
    positions_within(diags, source)
    assert set(source.values) >= set(_paths(read))


def _as_keys(value):
    """Mapping keys as the loader gives them: the text they were written as."""
    if isinstance(value, dict):
        return {str(k): _as_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_keys(v) for v in value]
    return value


def _paths(value, path=()):
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _paths(child, path + (key,))


amounts = st.decimals(min_value=0, max_value=LIMIT - 1, allow_nan=False, allow_infinity=False,
                      places=None).filter(lambda d: not d.is_signed() and -d.as_tuple().exponent <= MAX_PLACES)


@given(amounts)
def test_amounts_written_as_yaml_numbers_round_trip_exactly(value):
    written = format(value, "f")
    data, diags = parse(f"a: {written}\n", Source(Path("p.yaml"), "p.yaml"))
    assert not diags
    amount = parse_amount(data["a"])
    assert type(amount.value) is Decimal and amount.value == value
    assert amount.text == written and amount.unit is None


@given(amounts.filter(lambda d: d * 10000 < LIMIT), st.sampled_from(["", " ", "　"]))
def test_amounts_written_in_wan_yuan_round_trip_exactly(value, space):
    written = f"{format(value, 'f')}{space}万元"
    data, _ = parse(f"a: {written}\n", Source(Path("p.yaml"), "p.yaml"))
    amount = parse_amount(data["a"])
    assert amount.value == value and amount.unit == WAN and amount.text == written.strip()
    assert amount.yuan == value * 10000


@given(st.text() | st.floats() | st.booleans() | st.none() | st.lists(st.integers(), max_size=2))
def test_anything_else_is_an_amount_or_a_value_error(raw):
    try:
        amount = parse_amount(raw)
    except ValueError:
        return
    assert isinstance(raw, str)  # a float, bool, None or list is never an amount
    assert amount.value.is_finite() and not amount.value.is_signed() and amount.yuan < LIMIT
    assert amount.text == raw.strip()


@given(st.text(alphabet="0123456789.,万元 -+eE:x_", max_size=12))
def test_number_like_text_is_an_amount_only_if_it_reads_as_one(raw):
    try:
        amount = parse_amount(raw)
    except ValueError:
        return
    digits = raw.strip().removesuffix("元").removesuffix("万").strip().replace(",", "")
    assert Decimal(digits) == amount.value


units = st.text(alphabet="份个次人天小时分钟元册%/％件台套项年月", min_size=1, max_size=4)


@given(st.sampled_from(sorted(OPERATORS)), amounts, units, st.sampled_from(["", " "]))
def test_values_round_trip(op, number, unit, space):
    text = f"{op}{format(number, 'f')}{space}{unit}"
    v = parse_value(text)
    assert (v.text, v.op, v.number, v.unit) == (text, OPERATORS[op], number, unit)
    assert v.holds_for(number) is (OPERATORS[op] in ("=", ">=", "<="))


@given(st.text())
def test_any_text_is_a_value(text):
    v = parse_value(text)
    assert v.text == text
    assert v.number is None or v.op in OPERATORS.values()


def _leaves(value, path=()):
    """Every path in a document, containers included."""
    yield path
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield from _leaves(child, path + (key,))


odd_values = documents | st.decimals(allow_nan=False) | st.dates() | st.sampled_from(
    ["", "=", ">=", "1,2", "３万元", "-1", "1e3", "2023-02-30", "{{ budget }}", "{{ x", "\x0b", "PD999"])
PROJECT_DATA = yaml.safe_load(__import__("helpers").PROJECT)


class _Dumper(yaml.SafeDumper):
    """Writes a Decimal as the YAML number it is (or a tagged scalar if YAML has no plain form for it)."""


_Dumper.add_representer(Decimal, lambda dumper, d: dumper.represent_scalar("tag:yaml.org,2002:float", str(d)))
PROJECT_PATHS = sorted(set(_leaves(PROJECT_DATA)) - {()}, key=str)


@given(st.sampled_from(PROJECT_PATHS), odd_values)
def test_any_value_anywhere_in_a_project_is_reported_not_raised(path, value):
    from helpers import DECLARATION

    from perfdecl.pipeline import check

    data = yaml.safe_load(yaml.safe_dump(PROJECT_DATA))
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "declaration.yaml").write_text(DECLARATION, encoding="utf-8")
        (root / "p.yaml").write_text(yaml.dump(data, Dumper=_Dumper, allow_unicode=True), encoding="utf-8")
        bundle, diags = check(root)
    assert all(d.code != "PD000" for d in diags), [d.message("en") for d in diags if d.code == "PD000"]
    for d in diags:  # the loader's messages exist in English too: no Chinese but the data they quote
        if d.code < "PD100":
            assert not re.search("[\u4e00-\u9fff]", re.sub("'[^']*'", "", d.message("en"))), d.message("en")


# -- bad input, round 2 (issue 10) ------------------------------------------------------------------


@given(st.text(alphabet=st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=30)
       | st.integers(-10**25, 10**25).map(str) | st.integers(0, 10**10).map(lambda n: f"{n:020d}"))
def test_source_date_epoch_is_taken_only_as_ascii_digits_within_zips_range(raw):
    from perfdecl.render.package import ZIP_EPOCH_MAX as LAST_EPOCH, ZIP_EPOCH_MIN as DEFAULT_EPOCH
    from perfdecl.render.package import source_date_epoch

    before = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = raw
    try:
        epoch, problem = source_date_epoch()
    finally:
        if before is None:
            del os.environ["SOURCE_DATE_EPOCH"]
        else:
            os.environ["SOURCE_DATE_EPOCH"] = before
    text = raw.strip()
    usable = text != "" and all(c in "0123456789" for c in text) and DEFAULT_EPOCH <= int(text) <= LAST_EPOCH
    if usable:
        assert (epoch, problem) == (int(text), None)
    else:
        assert epoch == DEFAULT_EPOCH and (problem is None) == (text == "")


@given(st.text(max_size=300), st.integers(1, 999), st.sampled_from([".docx", ".html", ".pdf"]))
def test_split_file_names_fit_the_file_system_with_their_temporary_file(name, n, suffix):
    import unicodedata

    from perfdecl.render.files import NAME_MAX, part_path

    path = part_path(Path("out") / f"申报{suffix}", n, name)
    assert path.parent == Path("out") and path.name.startswith(f"申报-{n}-") and path.suffix == suffix
    assert len((".%s.12345678.tmp" % path.name).encode("utf-8", "surrogateescape")) <= NAME_MAX
    assert not any(unicodedata.category(ch) in ("Cf", "Cc") or ch in '<>:"/\\|?*' for ch in path.name)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=None).filter(lambda d: d.is_finite()),
       st.sampled_from(["e", "E"]), st.integers(-10**6, 10**20))
def test_a_yaml_number_with_an_exponent_is_never_an_amount(mantissa, e, exponent):
    written = f"{abs(mantissa):f}{e}{'+' if exponent >= 0 else ''}{exponent}"
    data, diags = parse(f"a: {written}\n", Source(Path("p.yaml"), "p.yaml"))
    assert data == {"a": written}
    try:
        parse_amount(data["a"])
    except ValueError:
        return
    raise AssertionError(f"{written} was read as an amount")
