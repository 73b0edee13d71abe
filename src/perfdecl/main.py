"""The `perfdecl` program: `check` straight to its command, every other command through click.

`perfdecl check` runs on every commit as a pre-commit hook; it parses its own
options (argparse), so that it never imports click (see perfdecl.cli).
"""
from __future__ import annotations

import gc
import os
import sys


def main() -> None:
    # A run is short and its data lives to the end: the cyclic collector would only
    # walk the growing model again and again (about a fifth of a large check).
    gc.disable()
    args = sys.argv[1:]
    try:
        if args[:1] == ["check"]:
            from .commands.check import main as check

            sys.exit(check(args[1:]))
        from .cli import cli

        cli()
    except KeyboardInterrupt:
        if os.environ.get("PERFDECL_DEBUG"):
            raise
        print("已中断 / interrupted", file=sys.stderr)
        sys.exit(130)
