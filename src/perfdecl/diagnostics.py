"""The one shape every problem takes, from YAML syntax to cross-checks.

Problems in the user's data are values, never exceptions: loaders and rules
return lists of `Diagnostic`, so one run reports every problem. A diagnostic
carries its rule (perfdecl/codes) and the values its message is made of;
the message is put together in the user's language only when printed.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .codes import RULES
from .codes.rule import Rule
from .positions import Position
from .text import Text

__all__ = ["ERROR", "WARNING", "Diagnostic", "Invalid", "Position", "diag", "has_errors", "has_usage_errors"]

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found at a position; the text comes from its rule's messages."""

    code: str
    pos: Position
    args: tuple[tuple[str, object], ...] = ()
    severity: str = ERROR

    @property
    def rule(self) -> Rule:
        return RULES[self.code]

    @property
    def kwargs(self) -> dict[str, object]:
        return dict(self.args)

    @property
    def text(self) -> Text:
        """What the finding says, in both languages."""
        return self.rule.message(self.kwargs)

    def message(self, lang: str = "zh") -> str:
        return self.text.say(lang)


def diag(code: str, pos: Position, **args: object) -> Diagnostic:
    """A diagnostic with its rule's default severity.

    Bilingual values are `Text`s; a value given as two strings, `name=` and
    `name_en=`, is taken as one `Text`.
    """
    for name in [n for n in args if isinstance(args.get(n + "_en"), str) and isinstance(args[n], str)]:
        args[name] = Text(str(args[name]), str(args.pop(name + "_en")))
    return Diagnostic(code, pos, tuple(args.items()), RULES[code].severity)


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.severity == ERROR for d in diags)


def has_usage_errors(diags: Iterable[Diagnostic]) -> bool:
    """Whether a path named no declaration, or one that cannot be read (exit 2, not 1)."""
    return any(d.code == "PD015" for d in diags)


class Invalid(ValueError):
    """A value that cannot be read, with the reason in both languages.

    Validators raise it; pydantic hands it to the loader inside the error, and
    the diagnostic keeps both texts, so the language is chosen when printing.
    `at` is a path below the value the validator was given (a cell of a row,
    a key of a mapping) where the problem stands, if it knows one.
    """

    def __init__(self, zh: str, en: str, at: tuple[object, ...] = (), *, date: bool = False) -> None:
        super().__init__(zh)
        self.zh, self.en, self.at = zh, en, at
        self.date = date  # a date that does not exist: PD008, as when YAML reads it, rather than PD012

    @property
    def text(self) -> Text:
        return Text(self.zh, self.en)
