"""The one shape every problem takes, from YAML syntax to cross-checks.

Problems in the user's data are values, never exceptions: loaders and rules
return lists of `Diagnostic`, so one run reports every problem.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import NamedTuple

ERROR = "error"
WARNING = "warning"


class Position(NamedTuple):
    path: str
    line: int  # 1-based
    col: int  # 1-based


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """A problem found at a position; the text comes from its rule's messages."""

    code: str
    pos: Position
    args: tuple[tuple[str, object], ...] = ()
    severity: str = ERROR

    @property
    def kwargs(self) -> dict[str, object]:
        return dict(self.args)

    def message(self, lang: str = "zh") -> str:
        from .rules import message

        return message(self.code, lang, self.kwargs)


def diag(code: str, pos: Position, **args: object) -> Diagnostic:
    """A diagnostic with its rule's default severity."""
    from .rules import default_severity

    return Diagnostic(code, pos, tuple(args.items()), default_severity(code))


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

    def __init__(self, zh: str, en: str, at: tuple = ()) -> None:
        super().__init__(zh)
        self.zh, self.en, self.at = zh, en, at
