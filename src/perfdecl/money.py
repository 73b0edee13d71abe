"""Exact amounts of money with their unit (元 or 万元), printed as written."""
from __future__ import annotations

import decimal
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from .diagnostics import Invalid

YUAN: Final = "元"
WAN: Final = "万元"
SCALE = {YUAN: Decimal(1), WAN: Decimal(10000)}
PLACES = {YUAN: 2, WAN: 6}  # the most decimals a figure in each unit may carry
LIMIT = Decimal(10) ** 13  # 10 万亿元: anything larger is a typing error
MAX_PLACES = 20  # more decimals is a typing error (the unit's own limit is a cross-check)
MAX_DIGITS = 60  # digits, separators and point a written figure may have; longer is a typing error
# Sums and products of such figures pass the 28 digits of Decimal's default context, which would round
# them (a false mismatch in a cross-check): perfdecl computes with enough digits, in every thread it starts.
PRECISION = 2 * (MAX_DIGITS + MAX_PLACES)
decimal.DefaultContext.prec = PRECISION
decimal.getcontext().prec = PRECISION
_TEXT = re.compile(r"([+-]?)([0-9][0-9,]*(?:\.[0-9]*)?|\.[0-9]+)\s*(万元|万|元)?")
_GROUPED = re.compile(r"[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?")
_HAS_UNIT = re.compile(r"[元万]\s*+$")


@dataclass(frozen=True, slots=True)
class Amount:
    """A figure as the document prints it (`text`), its exact value and unit.

    `unit` is None for a bare number until its table or block supplies one.
    """

    value: Decimal
    unit: str | None
    text: str

    def __str__(self) -> str:
        return self.text

    def in_unit(self, default: str) -> Amount:
        return self if self.unit else Amount(self.value, default, self.text)

    @property
    def yuan(self) -> Decimal:
        return self.value * SCALE[self.unit or YUAN]

    @property
    def places(self) -> int:
        exponent = self.value.as_tuple().exponent
        return max(0, -exponent) if isinstance(exponent, int) else 0


def number_text(value: Decimal | int) -> str:
    """A Decimal printed in plain notation, never 1E+3."""
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def parse_amount(raw: object) -> Amount:
    """An Amount from a YAML number or a string such as `13.57万元`, `1,234.00`.

    Raises `Invalid` (a ValueError, Chinese and English) for anything that is
    not an exact, finite, non-negative amount.
    """
    value, unit, text = _read(raw, AMOUNT)
    if value * SCALE[unit or YUAN] >= LIMIT:
        raise Invalid(f"金额过大：{text}", f"amount too large: '{text}'")
    return Amount(value, unit, text)


def parse_number(raw: object) -> Decimal:
    """A non-negative exact number without unit, such as a quantity: `56850`, `"1,234"`, `"１２３"`."""
    value, unit, _ = _read(raw, QUANTITY)
    if unit:
        raise Invalid(f"数量“{raw}”不应带金额单位", f"a quantity takes no unit of money: '{raw}'")
    if value >= LIMIT:
        raise Invalid(f"数量过大：{raw}", f"quantity too large: '{raw}'")
    return value


AMOUNT, QUANTITY = ("金额", "amount"), ("数量", "quantity")


def _read(raw: object, what: tuple[str, str]) -> tuple[Decimal, str | None, str]:
    """(value, unit or None, text as written) of a YAML number or a text number."""
    zh, en = what
    money = what == AMOUNT
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        raise Invalid(f"{zh}应为数字" + ("，或带单位的文字如“13.57万元”" if money else ""),
                      f"{en} must be a number" + (", or text with its unit such as '13.57万元'" if money else ""))
    if isinstance(raw, str):
        text = raw.strip()
        m = _TEXT.fullmatch(unicodedata.normalize("NFKC", text))
        if not m:
            raise Invalid(f"无法识别的{zh}“{raw}”：应为数字" + ("，可带单位元或万元" if money else ""),
                          f"cannot read {en} '{raw}': write a number"
                          + (", optionally with the unit '元' or '万元'" if money else ""))
        sign, digits, unit = m.groups()
        if len(digits) > MAX_DIGITS:  # before Decimal reads it: nothing a form means
            raise Invalid(f"{zh}过大：{raw}", f"{en} too large: '{raw}'")
        if "," in digits:
            if not _GROUPED.fullmatch(digits):
                raise Invalid(f"{zh}“{raw}”中的千位分隔符位置不对", f"misplaced thousands separator in {en} '{raw}'")
            digits = digits.replace(",", "")
        value, unit = Decimal(sign + digits), WAN if unit == "万" else unit
    else:
        value, unit, text = Decimal(raw), None, ""
    shown = text or raw
    if not value.is_finite():
        raise Invalid(f"{zh}必须是有限的数字", f"{en} must be a finite number")
    if value.is_signed():
        raise Invalid(f"{zh}不能为负数：{shown}", f"{en} must not be negative: '{shown}'")
    exponent = int(value.as_tuple().exponent)  # finite, so an int
    if value.adjusted() >= 20 or exponent > 20:
        raise Invalid(f"{zh}过大：{shown}", f"{en} too large: '{shown}'")
    if exponent < -MAX_PLACES:
        raise Invalid(f"{zh}的小数位数过多：{shown}", f"{en} has too many decimals: '{shown}'")
    if exponent > 0:  # 1.5e+3 from YAML: keep 1500, not 1.5E+3
        value = value.quantize(Decimal(1))
    return value, unit, text or number_text(value)


def total(amounts: Iterable[Amount], unit: str = YUAN) -> Decimal:
    """The exact sum of `amounts`, expressed in `unit`."""
    return sum((a.yuan for a in amounts), Decimal(0)) / SCALE[unit]


def show(amount: Amount) -> str:
    """An amount as written, with its unit if the text has none (`0.098` → `0.098万元`): for messages."""
    return amount.text if _HAS_UNIT.search(amount.text) else f"{amount.text}{amount.unit or YUAN}"


def figure(yuan: Decimal, unit: str) -> str:
    """A computed value in 元, printed in `unit` without needless zeros: `113700元`, `11.37万元`."""
    value = yuan / SCALE[unit]
    text = number_text(value.normalize()) if value else "0"
    return f"{text}{unit}"
