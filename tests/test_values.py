"""values: indicator values as written in the form, quantitative or qualitative."""
from __future__ import annotations

from decimal import Decimal

import pytest

from perfdecl.values import OPERATORS, Value, parse_value


@pytest.mark.parametrize("text, op, number, unit", [
    ("=56850 份", "=", "56850", "份"),
    (">=90%", ">=", "90", "%"),
    ("<=3 分钟", "<=", "3", "分钟"),
    ("<=50 元/册", "<=", "50", "元/册"),
    (">2 次", ">", "2", "次"),
    ("<5 次", "<", "5", "次"),
    ("≥95%", ">=", "95", "%"),
    ("≤ 3 分钟", "<=", "3", "分钟"),
    ("＝4400 份", "=", "4400", "份"),
    ("＞1 个", ">", "1", "个"),
    ("＜1 个", "<", "1", "个"),
    ("≧85%", ">=", "85", "%"),
    ("≦0.5 天", "<=", "0.5", "天"),
    ("=56,850 份", "=", "56850", "份"),
    ("=１２３ 个", "=", "123", "个"),
    ("= 100%", "=", "100", "%"),
])
def test_quantitative_values(text, op, number, unit):
    v = parse_value(text)
    assert v == Value(text, op, Decimal(number), unit)
    assert v.quantitative


@pytest.mark.parametrize("text", ["应修尽修", "提升", "健全有效", "2023 年 10 月底", "90%", "全年≤5 次", "及时"])
def test_qualitative_values_keep_their_text(text):
    assert parse_value(text) == Value(text)
    assert not parse_value(text).quantitative


@pytest.mark.parametrize("raw, text, number", [
    (100, "100", "100"), (Decimal("90.0"), "90.0", "90.0"), ("100", "100", "100"), ("0.5", "0.5", "0.5"),
])
def test_a_bare_number_means_equal_to_it(raw, text, number):
    assert parse_value(raw) == Value(text, "=", Decimal(number))


@pytest.mark.parametrize("text, op", [(">=", ">="), ("=份", "="), ("=1,5 个", "=")])
def test_an_operator_without_a_readable_number_keeps_the_operator_for_a_rule_to_report(text, op):
    assert parse_value(text) == Value(text, op)


@pytest.mark.parametrize("raw, text", [(None, ""), (True, "True"), (Decimal("NaN"), "NaN"),
                                       (Decimal("1E+999999"), "1E+999999")])
def test_values_that_are_no_figures_are_qualitative(raw, text):
    assert parse_value(raw) == Value(text)


def test_every_operator_spelling_is_known():
    assert set(OPERATORS.values()) == {"=", ">=", "<=", ">", "<"}


@pytest.mark.parametrize("text, actual, holds", [
    ("<=50 元/册", "50", True), ("<=50 元/册", "50.01", False), (">=90%", "89.9", False), (">90%", "90", False),
    ("=56850 份", "56850.0", True), ("<1 个", "0", True), ("应修尽修", "1", False),
])
def test_holds_for(text, actual, holds):
    assert parse_value(text).holds_for(Decimal(actual)) is holds
