"""How soon `perfdecl serve` shows an edit: from writing a source file to the new page being served.

    python benchmarks/serve_latency.py            # 7 edits of a copy of the example
    python benchmarks/serve_latency.py --runs 15

Each run changes one line-item amount of the example (and the next run changes
it back), waits for the server's event announcing a new version of the page
and fetches the page. Target: under 2 s (issue 15). A benchmark that prints
figures, not a test: it exits 0 whatever it measures.
"""
from __future__ import annotations

import argparse
import http.client
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "2023-songjiang"
ADDRESS = re.compile(r"http://127\.0\.0\.1:(\d+)/")
AMOUNT = re.compile(r"(\[[^\[\]\n]*, )(\d+)(元\])")  # the amount that ends a line-item row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="perfdecl-serve-") as temp:
        folder = Path(temp, "example")
        shutil.copytree(EXAMPLE, folder)
        source = next(p for p in sorted(folder.glob("*.yaml")) if AMOUNT.search(p.read_text(encoding="utf-8")))
        original = source.read_text(encoding="utf-8")
        changed = AMOUNT.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + 100}{m.group(3)}", original, count=1)
        server = subprocess.Popen([sys.executable, "-m", "perfdecl", "serve", str(folder), "--port", "0"],
                                  stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            assert server.stdout is not None
            port = int(next(m.group(1) for m in map(ADDRESS.search, server.stdout) if m))
            events = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            events.request("GET", f"/_perfdecl/events?page={folder.name}")
            stream = events.getresponse()
            version = _next_version(stream)
            seconds = []
            for n in range(args.runs):
                started = time.monotonic()
                source.write_text(changed if n % 2 == 0 else original, encoding="utf-8")
                version = _next_version(stream, version)
                page = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                page.request("GET", f"/{folder.name}/")
                page.getresponse().read()
                seconds.append(time.monotonic() - started)
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(f"perfdecl serve, edit → new page served, {args.runs} runs: median {statistics.median(seconds):.2f} s, "
          f"max {max(seconds):.2f} s (target < 2 s: {'PASS' if max(seconds) < 2 else 'FAIL'})")
    return 0


def _next_version(stream: http.client.HTTPResponse, seen: str | None = None) -> str:
    while True:
        line = stream.readline().decode()
        if not line:
            raise SystemExit("the event stream ended")
        if line.startswith("data: ") and line[6:].strip() != seen:
            return line[6:].strip()


if __name__ == "__main__":
    sys.exit(main())
