"""Every diagnostic code perfdecl can report: the rule records, as plain data.

A record (`rule.Rule`) holds a code, its default severity, its titles and
message templates in both languages, the user documentation with passing and
failing examples, and an optional hint. Records import nothing of perfdecl
but `text`, so the loader, the model and the cross-check rules all use them
without importing each other. One module per family: input (PD0xx, what the
loader reports), arithmetic (PD1xx), plausibility (PD2xx), indicators
(PD3xx), review (PD401-PD413, what reviewers send back), previous (PD420-PD424,
against last year's declaration); the checks themselves are in perfdecl/rules. The registry is
written out here and never changes at run time.
"""
from __future__ import annotations

from .arithmetic import RULES as _ARITHMETIC
from .indicators import RULES as _INDICATORS
from .input import RULES as _INPUT
from .plausibility import RULES as _PLAUSIBILITY
from .previous import RULES as _PREVIOUS
from .review import RULES as _REVIEW
from .rule import Example, Rule

__all__ = ["RULES", "Example", "Rule", "hint", "message"]

RULES: dict[str, Rule] = {r.code: r for r in (*_INPUT, *_ARITHMETIC, *_PLAUSIBILITY, *_INDICATORS, *_REVIEW, *_PREVIOUS)}


def message(code: str, lang: str, args: dict[str, object]) -> str:
    """The message of a finding of `code` in `lang`."""
    return RULES[code].message(args).say(lang)


def hint(code: str, lang: str, args: dict[str, object]) -> str:
    """The rule's advice for this finding in `lang`, or ""."""
    return RULES[code].advice(args).say(lang)
