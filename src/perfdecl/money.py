"""Exact amounts of money with their unit (元 or 万元), printed as written."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

YUAN, WAN = "元", "万元"
SCALE = {YUAN: Decimal(1), WAN: Decimal(10000)}
PLACES = {YUAN: 2, WAN: 6}  # the most decimals a figure in each unit may carry
LIMIT = Decimal(10) ** 13  # 10 万亿元: anything larger is a typing error
_TEXT = re.compile(r"^([+-]?[\d,]*\.?\d*)\s*(万元|万|元)?$")
_GROUPED = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")


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

    Raises ValueError with a Chinese message for anything that is not an exact,
    finite, non-negative amount.
    """
    if isinstance(raw, bool) or not isinstance(raw, (int, Decimal, str)):
        raise ValueError("金额应为数字，或带单位的文字如“13.57万元”")
    if isinstance(raw, str):
        text = raw.strip()
        m = _TEXT.match(unicodedata.normalize("NFKC", text).replace(" ", ""))
        if not m or not re.search(r"\d", m.group(1)):
            raise ValueError(f"无法识别的金额“{raw}”：应为数字，可带单位元或万元")
        digits, unit = m.group(1), m.group(2)
        if "," in digits:
            if not _GROUPED.match(digits.lstrip("+-")):
                raise ValueError(f"金额“{raw}”中的千位分隔符位置不对")
            digits = digits.replace(",", "")
        unit = WAN if unit == "万" else unit
        try:
            value = Decimal(digits)
        except InvalidOperation:
            raise ValueError(f"无法识别的金额“{raw}”") from None
    else:
        value, unit, text = Decimal(raw), None, number_text(raw)
    if not value.is_finite():
        raise ValueError("金额必须是有限的数字")
    if value < 0:
        raise ValueError(f"金额不能为负数：{text}")
    if value * SCALE[unit or YUAN] >= LIMIT:
        raise ValueError(f"金额过大：{text}")
    return Amount(value, unit, text)


def total(amounts, unit: str = YUAN) -> Decimal:
    """The exact sum of `amounts`, expressed in `unit`."""
    return sum((a.yuan for a in amounts), Decimal(0)) / SCALE[unit]
