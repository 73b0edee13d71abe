"""The LibreOffice runner (perfdecl.office): a missing soffice, a time limit, and interrupts.

A stand-in `soffice` (a shell script put first on PATH) starts a child of its
own that sleeps, as the real soffice starts soffice.bin, and writes both
process ids to a file. The tests wait for that file (the process exists), then
signal perfdecl; they assert that both processes are gone and that no
temporary folder (the profile) is left. No wall time is asserted.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import declaration
from test_interrupts import alive

from perfdecl import office
from perfdecl.text import Text

TIMEOUT = 120
SOFFICE = '#!/bin/sh\nsleep 600 &\necho "$$ $!" > "$SOFFICE_PIDS.tmp"\nmv "$SOFFICE_PIDS.tmp" "$SOFFICE_PIDS"\nwait\n'
posix = pytest.mark.skipif(not Path("/proc").is_dir() or not hasattr(os, "killpg"), reason="POSIX process groups")


def stand_in(root: Path) -> dict[str, str]:
    """An environment whose `soffice` is the stand-in; it writes its pids to root/pids."""
    (root / "bin").mkdir()
    (root / "bin" / "soffice").write_text(SOFFICE, encoding="utf-8")
    (root / "bin" / "soffice").chmod(0o755)
    (root / "tmp").mkdir()
    return {**os.environ, "PATH": f"{root / 'bin'}{os.pathsep}{os.environ['PATH']}", "SOFFICE_PIDS": str(root / "pids"),
            "TMPDIR": str(root / "tmp"), "PYTHONIOENCODING": "utf-8"}


def gone(pids: list[int]) -> bool:
    """Whether all of `pids` end (a killed orphan is reaped by init: allow for that)."""
    deadline = time.monotonic() + TIMEOUT
    while any(map(alive, pids)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return not any(map(alive, pids))


def test_without_soffice_the_callers_message_is_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    missing = Text("找不到 LibreOffice", "LibreOffice not found")
    with pytest.raises(office.OfficeError) as caught:
        office.convert([tmp_path / "a.doc"], "docx", tmp_path, missing=missing, timeout=5)
    assert caught.value.text is missing


@posix
def test_the_time_limit_stops_soffice_and_its_child(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    env = stand_in(tmp_path)
    for name in ("PATH", "SOFFICE_PIDS", "TMPDIR"):
        monkeypatch.setenv(name, env[name])
    monkeypatch.setattr(office.tempfile, "tempdir", None)  # TMPDIR is read again
    with pytest.raises(office.OfficeError) as caught:
        office.convert([tmp_path / "a.doc"], "docx", tmp_path, missing=Text("-", "-"), timeout=2)
    assert "LibreOffice" in caught.value.text.zh and "秒" in caught.value.text.zh
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    assert len(pids) == 2 and gone(pids)
    assert list((tmp_path / "tmp").iterdir()) == []


@posix
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
@pytest.mark.parametrize("command", ["import", "build"])
def test_an_interrupt_stops_soffice_and_removes_its_profile(tmp_path: Path, command: str, signum: int) -> None:
    env = stand_in(tmp_path)
    if command == "import":
        (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
        args = ["import", "old.doc", "-o", "out"]
    else:
        declaration(tmp_path)
        args = ["build", "d", "-o", "out/d.docx", "--pdf"]
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", *args], cwd=tmp_path, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    deadline = time.monotonic() + TIMEOUT
    while not (tmp_path / "pids").exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert process.poll() is None, "perfdecl ended before soffice started: " + "".join(process.communicate())
    pids = [int(p) for p in (tmp_path / "pids").read_text().split()]
    process.send_signal(signum)
    _, err = process.communicate(timeout=TIMEOUT)
    assert process.returncode == 128 + signum, err
    assert "已中断" in err and "Traceback" not in err
    assert len(pids) == 2 and gone(pids), "soffice or its child outlived perfdecl"
    assert list((tmp_path / "tmp").iterdir()) == []  # the profile and the other temporary folders


def processes() -> dict[int, tuple[str, str, int, int]]:
    """Every process: its name, state, parent and process group."""
    found = {}
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text() if entry.name.isdigit() else ""
        except OSError:
            continue
        if stat:
            fields = stat.rsplit(")", 1)[1].split()
            found[int(entry.name)] = (stat[stat.index("(") + 1:stat.rindex(")")], fields[0], int(fields[1]), int(fields[2]))
    return found


def descends(found: dict[int, tuple[str, str, int, int]], pid: int, ancestor: int) -> bool:
    """Whether process `pid` is a descendant of `ancestor`."""
    for _ in range(64):
        pid = found.get(pid, ("", "", 0, 0))[2]
        if pid == ancestor:
            return True
        if pid <= 1:
            return False
    return False


@posix
@pytest.mark.skipif(office.executable() is None, reason="LibreOffice is not installed")
def test_an_interrupt_stops_the_real_soffice_bin(tmp_path: Path) -> None:
    """The real soffice: a shell script that becomes oosplash, which starts soffice.bin (and restarts it)."""
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "PYTHONIOENCODING": "utf-8"}
    (tmp_path / "tmp").mkdir()
    declaration(tmp_path)
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", "build", "d", "-o", "out/d.docx", "--pdf"],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline, seen = time.monotonic() + TIMEOUT, []
    while not seen and process.poll() is None and time.monotonic() < deadline:
        found = processes()
        seen = [pid for pid, (name, *_) in found.items() if name == "soffice.bin" and descends(found, pid, process.pid)]
        time.sleep(0.005)
    process.send_signal(signal.SIGTERM)
    _, err = process.communicate(timeout=TIMEOUT)
    if not seen or process.returncode == 0:
        pytest.skip("the conversion ended before soffice.bin was seen and signalled")
    assert process.returncode == 143, err
    assert gone(seen), "soffice.bin outlived perfdecl"
    assert list((tmp_path / "tmp").iterdir()) == []
