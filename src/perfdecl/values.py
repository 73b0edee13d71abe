"""Indicator values: an operator, a number and a unit, or qualitative text."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

OPERATORS = {"=": "=", "＝": "=", ">=": ">=", "≥": ">=", "≧": ">=", "<=": "<=", "≤": "<=",
             "≦": "<=", ">": ">", "＞": ">", "<": "<", "＜": "<"}
_OP = re.compile(r"\s*+(>=|<=|≥|≤|≧|≦|=|＝|>|<|＞|＜)\s*+")
# Possessive quantifiers keep matching linear in the text's length (a lazy `(.*?)\s*$`
# tried every split of a long run of blanks); what follows the number is stripped in Python.
_NUMBER = re.compile(r"([+-]?(?:\d{1,3}(?:,\d{3})+(?!\d)|\d++)(?:\.\d++)?)(.*)", re.S)
_DIGIT = re.compile(r"[0-9０-９]")
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
    op: str | None = None  # normalised: `≥` and `≧` are `>=`
    number: Decimal | None = None
    unit: str = ""
    sign: str = field(default="", compare=False)  # the operator as written (`≥`), for a form that prints it

    @property
    def quantitative(self) -> bool:
        return self.number is not None

    @property
    def measurable(self) -> bool:
        """A target holding a figure (`>=90%`, `12.5公里`, `2023 年 10 月底`, `全年≤5 次`), as PD410 and the
        summary's 定性指标数 count them; one without any (`应修尽修`, `显著提升`) is not. (The workbook's 指标性质
        says whether the value is a number, as budget systems import it.)"""
        return self.number is not None or _DIGIT.search(self.text) is not None

    def holds_for(self, actual: Decimal) -> bool:
        """Whether `actual` satisfies this target (`<=50` holds for 50)."""
        return self.number is not None and _HOLDS[self.op or "="](actual, self.number)


def parse_value(raw: object) -> Value:
    """A Value from what the YAML held: text, or a bare number (meaning `=` it).

    `=56850 份`, `>=90%`, `≤ 3 分钟`, `=56,850 份` are quantitative; a text
    without an operator is qualitative (`应修尽修`, `2023 年 10 月底`), except
    a bare number such as `100`, which means `=100`.
    """
    if isinstance(raw, bool) or raw is None:
        return Value(str(raw) if raw is not None else "")
    if isinstance(raw, (int, Decimal)):
        number = Decimal(raw)
        if not number.is_finite() or abs(number.adjusted()) > 30:  # nothing a form means; keep it short
            return Value(str(raw))
        return Value(format(raw, "f") if isinstance(raw, Decimal) else str(raw), "=", number)
    text = str(raw)
    m = _OP.match(text)
    if not m:
        bare = _NUMBER.match(text.strip())
        return Value(text, "=", _decimal(bare.group(1))) if bare and not bare.group(2).strip() else Value(text)
    op, sign = OPERATORS[m.group(1)], m.group(1)
    n = _NUMBER.match(text[m.end():])
    rest = n.group(2).strip() if n else ""
    if not n or re.match(r"[,.]\d", rest):  # =1,5 个: a decimal comma is not a number we can read
        return Value(text, op, sign=sign)
    return Value(text, op, _decimal(n.group(1)), rest, sign)


# A text that starts like a date (`2023年10月底`, `2023.12`, `2024-06`) or a numbered point (`1.完成`,
# `2、开展`) is not a figure, even where figures may go without their operator.
_NOT_FIGURE = re.compile(r"\s*+(?:(?:19|20)\d\d\s*+[年./／\-]|\d++\s*+[.．、，,)）](?!\d))")


_BOUND_WORDS = (("及以上", ">="), ("以上", ">="), ("及以下", "<="), ("以下", "<="), ("以内", "<="))


def bare_figure(value: Value) -> Value:
    """`value` read as a figure written without its operator (`12.5公里`: 12.5, unit 公里, meaning =;
    `98%以上`: at least 98, unit %), as forms whose framework says `operator: false` write them;
    anything else as it is."""
    if value.op is not None or value.number is not None or _NOT_FIGURE.match(value.text):
        return value
    figure = parse_value("=" + value.text)
    if figure.number is None:
        return value
    unit, op = figure.unit, None
    for word, meaning in _BOUND_WORDS:
        if unit.endswith(word):
            unit, op = unit.removesuffix(word).strip(), meaning
            break
    return Value(value.text, op, figure.number, unit)


def _decimal(digits: str) -> Decimal:
    return Decimal(digits.replace(",", ""))
