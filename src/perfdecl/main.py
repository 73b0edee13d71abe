"""The `perfdecl` program: `check` straight to its command, every other command through click.

`perfdecl check` runs on every commit as a pre-commit hook; it parses its own
options (argparse), so that it never imports click (see perfdecl.cli).
SIGINT and SIGTERM raise `parallel.Interrupted`, which click's standalone mode
does not swallow: staged files are removed and workers stopped on the way out,
then the program says 已中断 and exits 130 / 143. Any other exception that
reaches here is a bug: one line saying so, exit 1 (PERFDECL_DEBUG=1 shows
the traceback).
"""
from __future__ import annotations

import gc
import os
import signal
import sys


def main() -> None:
    from .parallel import interrupted

    for handled in (signal.SIGINT, signal.SIGTERM):
        signal.signal(handled, interrupted)
    # A run is short and its data lives to the end: the cyclic collector would only
    # walk the growing model again and again (about a fifth of a large check).
    gc.disable()
    args = sys.argv[1:]
    try:
        _run(args)
    finally:
        # Leaving, the interpreter collects cycles once more over every object the run made: a
        # tenth of checking a small declaration. Nothing left needs collecting (files are closed,
        # staged files removed by now), so all of it is set aside as permanent first.
        gc.freeze()


def _run(args: list[str]) -> None:
    from .parallel import Interrupted, received

    try:
        if args[:1] == ["check"]:
            from .commands.check import main as check

            sys.exit(check(args[1:]))
        from .cli import cli

        cli()
    except Exception as e:  # a bug in perfdecl, or something no command foresaw: one line, not a traceback
        if os.environ.get("PERFDECL_DEBUG"):
            raise
        from .commands.messages import INTERNAL

        why = f"{type(e).__name__}: {e}"[:500]
        print(INTERNAL.fill(why=why).zh, INTERNAL.fill(why=why).en, "(PERFDECL_DEBUG=1: traceback)", sep="\n",
              file=sys.stderr)
        sys.exit(1)
    except (Interrupted, SystemExit):
        signum = received()
        if signum is None:
            raise
        for other in (signal.SIGINT, signal.SIGTERM):  # a second signal while leaving: leave anyway
            signal.signal(other, signal.SIG_IGN)
        print("已中断 / interrupted", file=sys.stderr)
        sys.exit(128 + signum)
