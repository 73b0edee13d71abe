"""values: indicator values as written in the form, quantitative or qualitative."""
from __future__ import annotations

from decimal import Decimal

import pytest

from perfdecl.values import OPERATORS, Value, bare_figure, parse_value


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
    assert parse_value(text) == Value(text, op, sign=op)


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


@pytest.mark.parametrize("text, number, unit", [
    ("12.5公里", "12.5", "公里"), ("100%", "100", "%"), ("1,000人次", "1000", "人次"), ("3个工作日内", "3", "个工作日内"),
    ("250万", "250", "万"), (" 7 天", "7", "天"),
])
def test_a_figure_without_its_operator_is_read_where_a_framework_allows_it(text, number, unit):
    v = bare_figure(parse_value(text))
    assert (v.text, v.op, v.number, v.unit, v.quantitative) == (text, None, Decimal(number), unit, True)
    assert parse_value(text).number is None or parse_value(text).op == "="  # not so without the framework's leave


@pytest.mark.parametrize("text, op, number, unit", [
    ("98.5%以上", ">=", "98.5", "%"), ("6卷及以上", ">=", "6", "卷"), ("3天以内", "<=", "3", "天"),
    ("5 万元以下", "<=", "5", "万元"),
])
def test_a_bare_figure_with_a_bound_word_means_at_least_or_at_most(text, op, number, unit):
    v = bare_figure(parse_value(text))
    assert (v.text, v.op, v.number, v.unit, v.sign) == (text, op, Decimal(number), unit, "")
    assert v.holds_for(Decimal(number)) and v.holds_for(Decimal(number) + (1 if op == ">=" else -1))


@pytest.mark.parametrize("text", ["2023年10月底", "2024.06前", "2023-12-31前", "2024/6 前", "1.完成任务", "2、开展培训",
                                  "3）验收", "应修尽修", "不低于90%", "≥95%", "=4 台", "≥"])
def test_dates_numbered_points_words_and_written_operators_are_left_as_they_are(text):
    assert bare_figure(parse_value(text)) == parse_value(text)


def test_the_operator_is_kept_as_written_beside_its_meaning():
    assert (parse_value("≥95%").op, parse_value("≥95%").sign) == (">=", "≥")
    assert (parse_value("＝4400 份").op, parse_value("＝4400 份").sign) == ("=", "＝")
    assert parse_value("应修尽修").sign == ""


@pytest.mark.parametrize("text, measurable", [(">=90%", True), ("2023 年 10 月底", True), ("全年≤5 次", True),
                                              ("应修尽修", False), ("显著提升", False), ("≥", False)])
def test_measurable_means_holding_a_figure(text, measurable):
    assert parse_value(text).measurable is measurable
