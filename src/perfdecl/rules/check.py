"""A cross-check and the codes it reports, declared where the check is written.

    @emits("PD109", "PD110")
    def check_funding(bundle: Bundle) -> Iterator[Diagnostic]: ...

The tests run every documented failing example through the check that
declares its code, and hold each check to the codes it declares.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..diagnostics import Diagnostic
from ..load import Bundle

CheckFunction = Callable[[Bundle], Iterable[Diagnostic]]


@dataclass(frozen=True, slots=True)
class Check:
    run: CheckFunction
    codes: tuple[str, ...]  # the cross-check codes (PD1xx and up) it reports

    @property
    def name(self) -> str:
        """Where the check is written, e.g. `perfdecl.rules.arithmetic.check_funding`."""
        return f"{self.run.__module__}.{self.run.__name__}"

    def __call__(self, bundle: Bundle) -> Iterable[Diagnostic]:
        return self.run(bundle)


def emits(*codes: str) -> Callable[[CheckFunction], Check]:
    """Declare the codes the check below reports."""

    def declare(run: CheckFunction) -> Check:
        return Check(run, codes)

    return declare
