"""Indicator values: an operator, a number and a unit, or qualitative text."""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

OPERATORS = {"=": "=", "＝": "=", ">=": ">=", "≥": ">=", "≧": ">=", "<=": "<=", "≤": "<=",
             "≦": "<=", ">": ">", "＞": ">", "<": "<", "＜": "<"}
_OP = re.compile(r"^\s*(>=|<=|≥|≤|≧|≦|=|＝|>|<|＞|＜)\s*")
_NUMBER = re.compile(r"^([+-]?\d+(?:\.\d+)?)\s*(.*?)\s*$")
_HOLDS = {
    "=": lambda a, b: a == b, ">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b,
    ">": lambda a, b: a > b, "<": lambda a, b: a < b,
}


@dataclass(frozen=True, slots=True)
class Value:
    """`text` is what the form prints; `op`/`number`/`unit` what it means.

    A value that starts with an operator but has no number after it keeps
    `op` and a None `number`: it is malformed, and a rule says so.
    """

    text: str
    op: str | None = None
    number: Decimal | None = None
    unit: str = ""

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    def holds_for(self, actual: Decimal) -> bool:
        """Whether `actual` satisfies this target (`<=50` holds for 50)."""
        return self.number is not None and _HOLDS[self.op or "="](actual, self.number)


def parse_value(raw: object) -> Value:
    if isinstance(raw, bool) or raw is None:
        return Value(str(raw) if raw is not None else "")
    if isinstance(raw, (int, Decimal)):
        text = format(raw, "f") if isinstance(raw, Decimal) else str(raw)
        return Value(text, "=", Decimal(raw))
    text = str(raw)
    m = _OP.match(text)
    if not m:
        return Value(text)
    op = OPERATORS[m.group(1)]
    n = _NUMBER.match(text[m.end():])
    if not n:
        return Value(text, op)
    return Value(text, op, Decimal(n.group(1)), n.group(2))
