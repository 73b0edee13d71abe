"""The filters a template may use, besides Jinja2's built-ins.

Each is general (no wording, no form layout): amounts in 元 or 万元 with N
places, exact sums, Chinese numerals, paragraphs of a text, and the rows and
rowspans of a nested mapping such as the indicator tree.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple, SupportsInt

from ..money import SCALE, YUAN, Amount, number_text, parse_amount, total

_DIGITS = "零一二三四五六七八九"


def _amount(value: object) -> Amount:
    if isinstance(value, Amount):
        return value.in_unit(YUAN)
    return parse_amount(value).in_unit(YUAN)  # a bare number is in 元


def money(value: object, unit: str | None = None, places: int | None = None,
          min_places: int | None = None, grouped: bool = False) -> str:
    """An amount as the form prints it.

    Without arguments: exactly as written (`165700.00` stays `165700.00`).
    With a unit (元 or 万元): converted; with `places`: rounded half-up to
    that many decimals (`money('万元', 2)` turns 20210460 元 into 2021.05);
    with `min_places` instead: exact, with at least that many decimals
    (`money('万元', min_places=2)` turns 30000 元 into 3.00 and 12345.6 元
    into 1.23456). With `grouped`: the whole number's digits in threes with
    commas (`8827620.53` → `8,827,620.53`; a text written grouped stays as
    it is). None prints as an empty string.
    """
    text = _money(value, unit, places, min_places)
    return _grouped(text) if grouped else text


def _grouped(text: str) -> str:
    """The whole number a text starts with, its digits in threes with commas (`1234.5元` → `1,234.5元`)."""
    digits = text[:len(text) - len(text.lstrip("0123456789"))]
    if len(digits) <= 3:
        return text  # nothing to group, or written grouped already (`10,308,000.00` starts with `10`)
    first = len(digits) % 3 or 3
    groups = [digits[:first], *(digits[i:i + 3] for i in range(first, len(digits), 3))]
    return ",".join(groups) + text[len(digits):]


def _money(value: object, unit: str | None, places: int | None, min_places: int | None) -> str:
    if value is None:
        return ""
    amount = _amount(value)
    target = unit or amount.unit or YUAN
    if target not in SCALE:
        raise ValueError(f"money: unknown unit {target!r}, use 元 or 万元")
    if places is None and min_places is None and target == amount.unit:
        return amount.text
    figure = amount.yuan / SCALE[target]
    if places is not None:
        return number_text(figure.quantize(Decimal(1).scaleb(-int(places)), rounding=ROUND_HALF_UP))
    figure = figure.normalize()
    if min_places is not None and -int(figure.as_tuple().exponent) < int(min_places):
        figure = figure.quantize(Decimal(1).scaleb(-int(min_places)))  # only adds zeros: exact
    return number_text(figure)


def money_sum(values: Iterable[object]) -> Amount:
    """The exact sum of amounts (any units), as an amount in 元; format it with `money`."""
    value = total([_amount(v) for v in values], YUAN)
    return Amount(value, YUAN, number_text(value))


def number(value: object) -> str:
    """A number in plain notation (never 1E+3); an amount as written."""
    if isinstance(value, Amount):
        return value.text
    if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
        return number_text(value)
    return str(value)


def cn_num(value: SupportsInt | str) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 105 → 一百零五, 10010 → 一万零一十: for （一）（二）…"""
    n = int(value)
    if n < 0:
        return "负" + cn_num(-n)
    if n == 0:
        return _DIGITS[0]
    groups = []  # four digits at a time, lowest first
    while n:
        groups.append(n % 10000)
        n //= 10000
    if len(groups) > len(_GROUPS):
        raise ValueError("cn_num: number too large")
    out, gap = "", False
    for level in reversed(range(len(groups))):
        group = groups[level]
        if not group:
            gap = bool(out)
            continue
        if out and (gap or group < 1000):
            out += "零"
        out += _group(group) + _GROUPS[level]
        gap = False
    return out[1:] if out.startswith("一十") else out


_GROUPS = ("", "万", "亿", "万亿")


def _group(n: int) -> str:
    """1..9999, with 零 for inner zeros only (1001 → 一千零一)."""
    out, gap = "", False
    for unit, div in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        digit = n // div % 10
        if digit:
            out += ("零" if gap else "") + _DIGITS[digit] + unit
            gap = False
        else:
            gap = bool(out)
    return out


def paragraphs(text: str | None) -> list[str]:
    """One paragraph per non-blank line of a text, each kept exactly as typed."""
    return [line for line in (text or "").splitlines() if line.strip()]


class TreeRow(NamedTuple):
    """One leaf of a nested mapping, as a table row."""

    path: tuple  # the keys from the top level down to the leaf's own key
    spans: tuple  # spans[i]: rows under path[:i+1] if this row starts that group, else 0
    value: object  # the leaf


def tree_rows(tree: Mapping, depth: int, keep_empty: bool = False) -> list[TreeRow]:
    """The leaves of a `depth`-level mapping in order, with each level's rowspan.

    For the indicator tree (一级 → 二级 → 三级: value) `tree_rows(3)` gives one
    row per 三级指标; a row whose `spans[0]` is not 0 starts a 一级 group and
    spans that many rows. Groups without leaves give no rows, unless
    `keep_empty`: then an empty group gives one row, its path padded with ""
    and its value None (a 二级指标 printed with nothing under it).
    """
    leaves: list[tuple[tuple, object]] = []
    _collect(tree, int(depth), (), leaves, bool(keep_empty))
    spans = [[0] * len(path) for path, _ in leaves]
    for level in range(int(depth)):
        start = 0
        for i in range(1, len(leaves) + 1):
            if i == len(leaves) or leaves[i][0][: level + 1] != leaves[start][0][: level + 1]:
                spans[start][level] = i - start
                start = i
    return [TreeRow(path, tuple(s), value) for (path, value), s in zip(leaves, spans)]


def _collect(node: object, depth: int, path: tuple, out: list, keep_empty: bool = False) -> None:
    if depth == 0:
        out.append((path, node))
        return
    if not isinstance(node, Mapping):
        raise ValueError(f"tree_rows: {'/'.join(map(str, path)) or 'the value'} is not a mapping")
    if keep_empty and not node and path:
        out.append((path + ("",) * depth, None))
        return
    for key, child in node.items():
        _collect(child, depth - 1, path + (key,), out, keep_empty)


def with_levels(tree: Mapping, levels: Mapping) -> dict:
    """`tree` (一级 → 二级 → …) with every 一级 and 二级 of `levels` (a framework's), in its order.

    The ones the tree lacks are empty mappings, to be printed as empty rows
    (`tree_rows(3, keep_empty=True)`); the tree's own keys not in `levels` follow.
    """
    out: dict = {}
    for first, seconds in levels.items():
        own = tree.get(first) or {}
        out[first] = {**{second: own.get(second) or {} for second in seconds}, **own}
    for first, seconds in tree.items():
        out.setdefault(first, seconds)
    return out


FILTERS = {
    "money": money,
    "money_sum": money_sum,
    "number": number,
    "cn_num": cn_num,
    "paragraphs": paragraphs,
    "tree_rows": tree_rows,
    "with_levels": with_levels,
}
