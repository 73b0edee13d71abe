"""Run one function over many declarations, in parallel processes if asked.

Results come back in input order, so output is the same whatever the number
of jobs. A progress bar is drawn on stderr only when it is a terminal.

Interrupted (Ctrl-C, SIGTERM: any exception while waiting), the workers are
stopped at once, none left behind: each is sent SIGTERM, runs the caller's
`on_term` (which removes what it was writing) and ends; `cleanup` is then
called on every result that was already made, whether or not it was yielded.
"""
from __future__ import annotations

import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TypeVar

class Interrupted(BaseException):
    """SIGINT or SIGTERM. Not a KeyboardInterrupt, which click's standalone mode would swallow
    (“Aborted!”, exit 1); a BaseException, so no `except Exception` stops it on its way out
    through the `finally` blocks that remove staged files and stop the workers."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.code = 128 + signum  # 130 for SIGINT, 143 for SIGTERM


_RECEIVED: list[int] = []  # signals received: raised again at the next `stop_if_interrupted`


def interrupted(signum: int, _frame: object = None) -> None:
    """The signal handler: raise Interrupted, and remember it, for Python ignores an exception
    raised while it runs a finalizer (`__del__`, a generator being closed)."""
    _RECEIVED.append(signum)
    raise Interrupted(signum)


def received() -> int | None:
    """The first signal received, if any."""
    return _RECEIVED[0] if _RECEIVED else None


def stop_if_interrupted() -> None:
    """Raise Interrupted if a signal came whose exception was lost; called between steps of work."""
    if _RECEIVED:
        raise Interrupted(_RECEIVED[0])


T = TypeVar("T")
R = TypeVar("R")
_STOP_WAIT = 30.0  # seconds to wait for a stopped worker to clean up and end


def default_jobs() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def run_each(func: Callable[[T], R], items: Sequence[T], jobs: int | None) -> list[R]:
    return list(each(func, items, jobs))


def each(func: Callable[[T], R], items: Sequence[T], jobs: int | None,
         on_term: Callable[[], None] | None = None, cleanup: Callable[[R], None] | None = None) -> Iterator[R]:
    """`func(item)` for each item, in order, as each is ready."""
    jobs = min(jobs or default_jobs(), len(items))
    bar = _Progress(len(items)) if len(items) > 1 and sys.stderr.isatty() else None
    if jobs <= 1:
        for item in items:
            stop_if_interrupted()
            yield func(item)
            if bar:
                bar.step()
    else:
        yield from _pooled(func, items, jobs, bar, on_term, cleanup)
    if bar:
        bar.done()


def _pooled(func: Callable[[T], R], items: Sequence[T], jobs: int, bar: _Progress | None,
            on_term: Callable[[], None] | None, cleanup: Callable[[R], None] | None) -> Iterator[R]:
    from concurrent.futures import ProcessPoolExecutor

    pool = ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(on_term,))
    futures = [pool.submit(func, item) for item in items]
    try:
        for future in futures:
            result = future.result()
            stop_if_interrupted()
            yield result
            if bar:
                bar.step()
    except BaseException:
        _stop(pool)
        for future in futures:
            if cleanup and future.done() and not future.cancelled() and future.exception() is None:
                cleanup(future.result())
        raise
    pool.shutdown()


def _stop(pool: Any) -> None:
    """End the pool's workers now (ProcessPoolExecutor can only wait for them before Python 3.14)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(_STOP_WAIT)
        if process.is_alive():
            process.kill()


def _start_worker(on_term: Callable[[], None] | None) -> None:
    """In a worker: Ctrl-C is the parent's to answer (it stops the workers); SIGTERM ends the worker
    after `on_term`, without a traceback."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def terminated(signum: int, _frame: object) -> None:
        if on_term is not None:
            on_term()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, terminated)


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
