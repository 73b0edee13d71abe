"""Ctrl-C and SIGTERM during `perfdecl build`: 已中断, exit 130 / 143, no temporary file, no worker left.

Each build renders with a template that loops for a few seconds (within its
budget), so the signal arrives while a document is being written: the test
waits for the temporary file to appear (the ready marker), then signals.
Timeouts are generous and no wall time is asserted.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import DECLARATION, PROJECT

SLOW = "{% for i in range(100000) %}{% for j in range(45) %}{% endfor %}{% endfor %}"  # within the budget
TIMEOUT = 120


def slow_declaration(root: Path, name: str) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "declaration.yaml").write_text(DECLARATION + "template: tpl\n", encoding="utf-8")
    (folder / "p.yaml").write_text(PROJECT, encoding="utf-8")
    (folder / "tpl").mkdir()
    (folder / "tpl" / "template.yaml").write_text("base: shanghai-2023\n", encoding="utf-8")
    (folder / "tpl" / "document.xml.j2").write_text(SLOW + "\n<doc></doc>\n", encoding="utf-8")
    return folder


def temporary_files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.name.endswith(".tmp")]


def children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def interrupt(root: Path, signum: int, *args: str) -> tuple[subprocess.CompletedProcess, list[int]]:
    """Start `perfdecl build *args` in `root`, signal it once a document is being written."""
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PERFDECL_DEBUG", None)
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", "build", *args], cwd=root, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    deadline = time.monotonic() + TIMEOUT
    while not temporary_files(root) and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None, "the build ended before the signal: " + process.communicate()[1]
    workers = children(process.pid)
    process.send_signal(signum)
    out, err = process.communicate(timeout=TIMEOUT)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err), workers


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_ctrl_c_during_a_build_of_two_declarations(tmp_path):
    for name in ("a", "b"):
        slow_declaration(tmp_path, name)
    done, _ = interrupt(tmp_path, signal.SIGINT, "a", "b", "-j", "1")
    assert done.returncode == 130, done.stderr
    assert "已中断" in done.stderr and "Aborted" not in done.stderr and "Traceback" not in done.stderr
    assert temporary_files(tmp_path) == []
    assert not (tmp_path / "build").exists()  # the folder made for the documents is removed too


@pytest.mark.skipif(not Path("/proc").is_dir(), reason="reads /proc")
def test_sigterm_to_the_parent_of_a_parallel_build_stops_its_workers(tmp_path):
    for name in ("a", "b"):
        slow_declaration(tmp_path, name)
    done, workers = interrupt(tmp_path, signal.SIGTERM, "a", "b", "-j", "2")
    assert done.returncode == 143, done.stderr
    assert "已中断" in done.stderr and "Traceback" not in done.stderr
    assert workers, "the pool's workers were running"
    deadline = time.monotonic() + TIMEOUT  # they are ended before the parent exits; allow for reaping
    while any(map(alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(alive, workers))
    assert temporary_files(tmp_path) == []
