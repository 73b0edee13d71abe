"""Run one function over many declarations, in parallel processes if asked.

Results come back in input order, so output is the same whatever the number
of jobs. A progress bar is drawn on stderr only when it is a terminal.
"""
from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_each(func: Callable[[T], R], items: Sequence[T], jobs: int | None) -> list[R]:
    jobs = min(jobs or default_jobs(), len(items))
    bar = _Progress(len(items)) if len(items) > 1 and sys.stderr.isatty() else None
    if jobs <= 1:
        results = []
        for item in items:
            results.append(func(item))
            if bar:
                bar.step()
    else:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = []
            for result in pool.map(func, items, chunksize=max(1, len(items) // (jobs * 8))):
                results.append(result)
                if bar:
                    bar.step()
    if bar:
        bar.done()
    return results


class _Progress:
    def __init__(self, total: int) -> None:
        self.total, self.n = total, 0

    def step(self) -> None:
        self.n += 1
        filled = 30 * self.n // self.total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {self.n}/{self.total}")
        sys.stderr.flush()

    def done(self) -> None:
        sys.stderr.write("\n")
