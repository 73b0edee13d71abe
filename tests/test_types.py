"""The package is type-checked (mypy) and its lines fit the length set in pyproject.toml (ruff)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_finds_no_error() -> None:
    result = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("Success: no issues found")


def test_the_configuration_refuses_an_untyped_function(tmp_path: Path) -> None:
    """The settings are strict enough to fail: a function without annotations is an error."""
    probe = tmp_path / "probe.py"
    probe.write_text("def f(x):\n    return x\n", encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "mypy", "--config-file", str(ROOT / "pyproject.toml"), str(probe)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "[no-untyped-def]" in result.stdout


def test_lines_fit_the_configured_length() -> None:
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--select", "E501", "src", "tests"],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
