"""Time `perfdecl diff` over the git history of the real examples (target: each run < 1 s).

For each example folder, every pair of consecutive commits that touched it
is diffed as revisions (`REV:path`), read through git without touching the
work tree, and the last commit against the work tree's folder. Prints the
median wall time of each and exits 0 whatever it measures (not a test).

    python benchmarks/diff.py [--runs 5] [examples/2023-songjiang …]
"""
from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ("examples/2023-songjiang", "examples/2026-putuo-cgzf")
TARGET = 1.0  # seconds


def command() -> list[str]:
    found = shutil.which("perfdecl")
    return [found] if found else [sys.executable, "-m", "perfdecl"]


def history(folder: str) -> list[str]:
    out = subprocess.run(["git", "-C", str(ROOT), "log", "--format=%h", "--", folder],
                         capture_output=True, text=True, check=True).stdout.split()
    return list(reversed(out))


def timed(args: list[str], runs: int) -> tuple[float, int]:
    times, code = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        code = subprocess.run(args, cwd=ROOT, capture_output=True, check=False).returncode
        times.append(time.perf_counter() - start)
    return statistics.median(times), code


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("folders", nargs="*", default=list(EXAMPLES))
    options = parser.parse_args()
    base = command()
    for folder in options.folders:
        commits = history(folder)
        pairs = [(f"{a}:{folder}", f"{b}:{folder}") for a, b in zip(commits, commits[1:])]
        if commits:
            pairs.append((f"{commits[-1]}:{folder}", folder))
        for old, new in pairs:
            seconds, code = timed([*base, "diff", old, new, "--format", "json"], options.runs)
            verdict = "ok" if code == 0 and seconds < TARGET else "FAIL"
            print(f"{verdict:4} {seconds:6.3f} s  perfdecl diff {old} {new}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
