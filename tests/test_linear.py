"""Every parser that reads user text runs in time linear in its length.

Each parser is timed on adversarial 100 KB inputs (long runs of blanks after
the start of a date, a figure or a value; many unclosed brackets or `{{`;
blank lines) and compared with a plain scan of the same text in Python, one
step per character. A quadratic pattern takes seconds to minutes there, a
hundred to ten thousand times the scan; a linear one a fraction of it. No wall
time is asserted: both are measured on the same machine, best of five.
"""
from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from helpers import declaration
from pydantic import TypeAdapter

from perfdecl.diagnostics import Invalid
from perfdecl.load import load
from perfdecl.model import Date, YearMonth
from perfdecl.money import parse_amount, parse_number
from perfdecl.pipeline import run_rules
from perfdecl.positions import Source
from perfdecl.textexpr import render_text
from perfdecl.values import parse_value
from perfdecl.yamlload import parse

SIZE = 100_000
RATIO = 50  # a linear parser stays far below; the quadratic patterns this replaced were above 10,000
# PyYAML's pure-Python reader, which reads a file again to explain a syntax error, spends tens
# of steps per character (and a fixed start-up), linearly; quadratic is still far above.
RATIOS = {"yaml": 1000}
SEEDS = [  # (start, what repeats, end)
    (">=90 x", " ", "y%"), ("2023年1月", " ", "x"), ("2023年1月", "\u3000", "至"), ("", "\n", "…x"),
    ("《", "《", ""), ("〔", "〔", "x"), ("{{", "{{", ""), ("预算1", " ", "x"), ("2023-1-1", " ", "x"),
    ("：", " ", "x"), ("", "xX", "a"), ("=1", ",000", "x"), ("{:", ":", ""), ("GB 1", ".1", "x"),
    ("2023 年 1 月", " ", "-"), ("1", "1", "e"), ("", "万", "x"), ("（", " ", "元 x"),
]


def adversarial(start: str, fill: str, end: str) -> str:
    return start + fill * ((SIZE - len(start) - len(end)) // len(fill)) + end


def plain_scan(text: str) -> int:
    return sum(1 for ch in text if ch.isspace())


def best(func: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def refused(parser: Callable[[str], object]) -> Callable[[str], object]:
    def call(text: str) -> object:
        try:
            return parser(text)
        except (Invalid, ValueError):
            return None
    return call


PARSERS: dict[str, Callable[[str], object]] = {
    "indicator value": parse_value,
    "amount": refused(parse_amount),
    "quantity": refused(parse_number),
    "date": refused(TypeAdapter(Date).validate_python),
    "month": refused(TypeAdapter(YearMonth).validate_python),
    "text expression": lambda text: render_text(text, {}),
    "yaml": lambda text: parse(f"a: {text}\nb: [1, '{text}\n", Source(None, "p.yaml")),
}


@pytest.mark.parametrize("name", PARSERS)
@pytest.mark.parametrize("seed", SEEDS, ids=[repr(s[0] + s[1])[:12] for s in SEEDS])
def test_parsers_are_linear(name, seed):
    text = adversarial(*seed)
    parser = PARSERS[name]
    ratio = best(lambda: parser(text)) / best(lambda: plain_scan(text))
    assert ratio < RATIOS.get(name, RATIO), f"{name} on {seed}: {ratio:.0f} times a plain scan"


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    found, _ = load(declaration(tmp_path_factory.mktemp("linear")))
    return found


@pytest.mark.parametrize("seed", SEEDS, ids=[repr(s[0] + s[1])[:12] for s in SEEDS])
def test_the_cross_checks_read_texts_in_linear_time(bundle, seed):
    text = adversarial(*seed)
    project = bundle.projects[0]
    item = project.items[0]
    item.overview = item.period = item.title = project.goals.total = text
    item.lines.total_label = text
    fields = 5
    ratio = best(lambda: run_rules(bundle), runs=2) / (fields * best(lambda: plain_scan(text)))
    assert ratio < RATIO, f"{seed}: {ratio:.0f} times a plain scan"
