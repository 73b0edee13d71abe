"""The filters templates use: amounts, Chinese numerals, paragraphs, tree rows."""
from __future__ import annotations

from decimal import Decimal

import pytest

from perfdecl.money import parse_amount
from perfdecl.render.filters import cn_num, money, money_sum, number, paragraphs, tree_rows


@pytest.mark.parametrize("n, text", [
    (1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (21, "二十一"), (99, "九十九"), (100, "一百"),
    (101, "一百零一"), (110, "一百一十"), (1001, "一千零一"), (1010, "一千零一十"), (10000, "一万"),
    (10001, "一万零一"), (100010, "十万零一十"), (110000, "十一万"), (100001000, "一亿零一千"),
])
def test_cn_num(n, text):
    assert cn_num(n) == text


@pytest.mark.parametrize("raw, args, text", [
    ("165700.00", (), "165700.00"),  # as written
    ("2元", (), "2元"),
    ("20210460", ("万元", 2), "2021.05"),  # 2021.046 万元, half-up
    ("2021.045万元", ("万元", 2), "2021.05"),  # half-up, not banker's rounding
    ("13.57万元", ("元",), "135700"),
    ("13.57万元", ("元", 2), "135700.00"),
    ("135700", ("万元", 6), "13.570000"),
    ("0.0006万元", ("元",), "6"),
])
def test_money(raw, args, text):
    assert money(parse_amount(raw), *args) == text


@pytest.mark.parametrize("raw, args, text", [
    ("8827620.53", (), "8,827,620.53"),  # as written, digits grouped
    ("10,308,000.00", (), "10,308,000.00"),  # written grouped: as written
    ("12345元", (), "12,345元"),
    ("1000", (), "1,000"),
    ("999.5", (), "999.5"),
    ("1234567", (), "1,234,567"),
    ("20210460", ("万元", 2), "2,021.05"),
    ("13.57万元", ("元", 2), "135,700.00"),
    ("0.12345万元", ("元",), "1,234.5"),  # decimals are never grouped
])
def test_money_grouped(raw, args, text):
    assert money(parse_amount(raw), *args, grouped=True) == text
    assert "," not in money(parse_amount(raw.replace(",", "")), *args)  # grouped only when asked


def test_money_grouped_in_a_template(tmp_path):
    from perfdecl.render.templates import _environment

    env = _environment((tmp_path,))
    text = env.from_string('{{ a|money(grouped=true) }} {{ a|money("万元", 2, grouped=true) }}').render(
        a=parse_amount("88276205.3"))
    assert text == "88,276,205.3 8,827.62"


def test_money_none_is_empty_and_unknown_unit_is_an_error():
    assert money(None) == ""
    with pytest.raises(ValueError):
        money(parse_amount("1"), "美元")


def test_money_sum_is_exact_across_units():
    total = money_sum([parse_amount("0.1万元"), parse_amount("0.2万元"), parse_amount("5元")])
    assert total.value == Decimal("3005") and total.unit == "元"
    assert money(total, "万元", 4) == "0.3005"


def test_number_is_plain():
    assert number(Decimal("1E+3")) == "1000" and number(56850) == "56850" and number(parse_amount("2元")) == "2元"


def test_paragraphs_one_per_non_blank_line_kept_as_typed():
    assert paragraphs("  一、甲 \n\n\t\n二、乙\r\n三") == ["  一、甲 ", "二、乙", "三"]
    assert paragraphs(None) == [] and paragraphs("") == []


def test_tree_rows_spans():
    tree = {"产出": {"数量": {"a": 1, "b": 2}, "质量": {"c": 3}}, "效益": {"社会": {"d": 4}}, "空": {}}
    rows = tree_rows(tree, 3)
    assert [r.path for r in rows] == [("产出", "数量", "a"), ("产出", "数量", "b"), ("产出", "质量", "c"),
                                      ("效益", "社会", "d")]
    assert [r.spans for r in rows] == [(3, 2, 1), (0, 0, 1), (0, 1, 1), (1, 1, 1)]
    assert [r.value for r in rows] == [1, 2, 3, 4]


def test_tree_rows_needs_mappings_down_to_the_depth():
    with pytest.raises(ValueError):
        tree_rows({"a": {"b": 1}}, 3)
