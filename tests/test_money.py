"""money: amounts are exact Decimals, printed as written, and anything else is a clear ValueError
(`Invalid`, in Chinese and English)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from perfdecl.diagnostics import Invalid
from perfdecl.money import LIMIT, WAN, YUAN, Amount, number_text, parse_amount, parse_number, total
from perfdecl.yamlload import Source, parse


def from_yaml(written: str) -> Amount:
    """The Amount of `written` as a value in a YAML file."""
    data, diags = parse(f"a: {written}\n", Source(Path("p.yaml"), "p.yaml"))
    assert not diags
    return parse_amount(data["a"])


@pytest.mark.parametrize("written, value, text", [
    ("0.098", "0.098", "0.098"),
    ("165700.00", "165700.00", "165700.00"),
    ("165700", "165700", "165700"),
    ("0.0006", "0.0006", "0.0006"),
    ("2021.05", "2021.05", "2021.05"),
    ("0", "0", "0"),
    (".5", "0.5", "0.5"),
])
def test_yaml_numbers_stay_exact_and_print_as_written(written, value, text):
    amount = from_yaml(written)
    assert type(amount.value) is Decimal
    assert amount.value == Decimal(value) and str(amount.value) == value  # the digits, not a float's
    assert amount.text == text and str(amount) == text
    assert amount.unit is None


@pytest.mark.parametrize("written", ["1.5e+3", "3.0e+4", "1.0e+999999999999999999999", "1E5", "1" * 61 + ".5"])
def test_yaml_numbers_with_exponents_or_absurd_length_are_refused_before_decimal(written):
    with pytest.raises(Invalid, match="金额"):
        from_yaml(written)


@pytest.mark.parametrize("written, value, unit", [
    ("13.57万元", "13.57", WAN),
    ("13.57 万元", "13.57", WAN),
    ("13.57万", "13.57", WAN),
    ("135700 元", "135700", YUAN),
    ("2元", "2", YUAN),
    ("1,234.00", "1234.00", None),
    ("1,234,567元", "1234567", YUAN),
    ("１２３", "123", None),
    ("１３．５７万元", "13.57", WAN),
    ("３，０００元", "3000", YUAN),
    ("　3万元　", "3", WAN),  # ideographic spaces around
    ("1.", "1", None),
])
def test_amounts_written_as_text_are_read_exactly(written, value, unit):
    amount = parse_amount(written)
    assert amount.value == Decimal(value) and amount.unit == unit
    assert amount.text == written.strip()  # printed as written


def test_yuan_places_and_units():
    assert parse_amount("13.57万元").yuan == Decimal("135700")
    assert parse_amount("0.0006").in_unit(WAN).yuan == Decimal("6.0000")
    assert parse_amount(Decimal("165700.00")).places == 2
    assert parse_amount("3万元").places == 0
    assert parse_amount(3).in_unit(WAN).unit == WAN and parse_amount("3元").in_unit(WAN).unit == YUAN
    assert total([parse_amount("13.57万元"), parse_amount("0.43万元"), parse_amount("1元")]) == Decimal("140001")
    assert total([parse_amount("1元")], WAN) == Decimal("0.0001")


@pytest.mark.parametrize("raw", [
    "-5", "-0", Decimal("-0.01"), -1,  # negative
    ".nan", ".inf", Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"),  # not finite
    "1e3", "0x1F", "1:30", "1_000", "十万元", "3万美元", "$3", "1 2", "1,23", "12,3456", "1.2.3", "", "万元", ".",
    True, False, None, 1.5, [1], {"a": 1},  # not amounts at all; a float is never accepted
    Decimal("1E+999999"), Decimal("1E-999999999"), 10**30, "1" + "0" * 13, "1000000000万元",  # absurd
    "0.000000000000000000001",  # more than 20 decimals: a typing error, not a figure
])
def test_everything_else_is_a_value_error_with_a_chinese_and_an_english_message(raw):
    with pytest.raises(Invalid, match="金额") as caught:
        parse_amount(raw)
    assert isinstance(caught.value, ValueError)  # what pydantic turns into a validation error
    assert "amount" in caught.value.en and not re.search("[\u4e00-\u9fff]", re.sub("'[^']*'", "", caught.value.en))


def test_the_limit_is_ten_trillion_yuan():
    assert parse_amount(LIMIT - 1).value == LIMIT - 1
    assert parse_amount("999999999.9999万元").yuan < LIMIT
    with pytest.raises(ValueError, match="过大"):
        parse_amount(LIMIT)
    with pytest.raises(ValueError, match="过大"):
        parse_amount("1000000000万元")


def test_more_decimals_than_the_unit_allows_are_kept_for_the_cross_check():
    assert parse_amount("30000.001").places == 3  # PD112 reports it; parsing must not lose it
    assert parse_amount("0.0000001万元").places == 7


@pytest.mark.parametrize("raw, value", [(6, "6"), ("6", "6"), ("56,850", "56850"), ("６", "6"), (Decimal("0.5"), "0.5")])
def test_quantities_are_numbers_without_unit(raw, value):
    assert parse_number(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["6份", "6元", "六", "-1", True, 1.5, ".nan", "1e3"])
def test_quantities_refuse_units_words_and_negatives(raw):
    with pytest.raises(Invalid, match="数量") as caught:
        parse_number(raw)
    assert "quantity" in caught.value.en


def test_number_text_never_uses_exponents():
    assert number_text(Decimal("1.5E+3")) == "1500"
    assert number_text(Decimal("1E-7")) == "0.0000001"
    assert number_text(42) == "42"


def test_sums_of_long_figures_are_exact():
    # 30 significant digits: Decimal's default 28 would round the sum and report a false mismatch.
    parts = [parse_amount("9999999999.12345678901234567891"), parse_amount("0.00000000000000000001")]
    assert sum((a.yuan for a in parts), Decimal(0)) == parse_amount("9999999999.12345678901234567892").yuan
    assert parse_amount("123456789.12345678901234567891万元").yuan == Decimal("1234567891234.5678901234567891")
