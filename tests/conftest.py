"""Test-wide settings.

Hypothesis' per-example deadline is a timing assertion, and unit tests make
none (speed is measured in benchmarks/); examples are derandomized so that a
run is repeatable.
"""
from __future__ import annotations

from hypothesis import settings

settings.register_profile("perfdecl", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("perfdecl")
