"""The one shape every problem takes, from YAML syntax to cross-checks.

Problems in the user's data are values, never exceptions: loaders and rules
return lists of `Diagnostic`, so one run reports every problem.
"""
from __future__ import annotations

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


def has_errors(diags: list[Diagnostic]) -> bool:
    return any(d.severity == ERROR for d in diags)
