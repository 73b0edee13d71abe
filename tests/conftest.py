"""Test-wide settings.

Hypothesis' per-example deadline is a timing assertion, and unit tests make
none (speed is measured in benchmarks/); examples are derandomized so that a
run is repeatable. perfdecl's cache folder is a temporary one.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from hypothesis import settings

# perfdecl's cache (pydantic schemas, compiled templates) goes to a fresh folder, not the user's.
_CACHE = tempfile.mkdtemp(prefix="perfdecl-test-cache-")
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)
os.environ["PERFDECL_CACHE_DIR"] = _CACHE

settings.register_profile("perfdecl", deadline=None, derandomize=True, max_examples=200)
settings.load_profile("perfdecl")
