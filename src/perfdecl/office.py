"""LibreOffice, headless: the one place that runs `soffice --convert-to`.

Each run gets a fresh LibreOffice profile in a temporary folder, so parallel
runs never share (and lock) one user installation, and a time limit. soffice
is a shell script that starts soffice.bin as its own child: the run is started
in a process group of its own, and whatever ends the wait (the time limit,
Ctrl-C or SIGTERM raising `parallel.Interrupted`, any other exception) kills
that whole group before the profile folder is removed, so no LibreOffice
process outlives perfdecl.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from .text import Text

KILL_WAIT = 30  # seconds to reap soffice after it was killed


class OfficeError(Exception):
    """LibreOffice is missing, failed or took too long: `text` says which."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text


def executable() -> str | None:
    """The soffice program on PATH, if any."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: Sequence[Path], to: str, outdir: Path, *, missing: Text, timeout: float,
            settings: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """Convert each of `sources` to format `to` (`pdf`, `docx`) into `outdir`, with a fresh profile whose
    registrymodifications.xcu is `settings` (if given); LibreOffice's own output (it says why a file was
    not converted). `missing` is the message when LibreOffice is not installed."""
    exe = executable()
    if exe is None:
        raise OfficeError(missing)
    with tempfile.TemporaryDirectory(prefix="perfdecl-office-", ignore_cleanup_errors=True) as temp:
        profile = Path(temp, "profile")
        (profile / "user").mkdir(parents=True)
        if settings is not None:
            (profile / "user" / "registrymodifications.xcu").write_text(settings, encoding="utf-8")
        command = [exe, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
                   "--convert-to", to, "--outdir", str(outdir), *(str(p.resolve()) for p in sources)]
        return _run(command, timeout, env)


def _run(command: list[str], timeout: float, env: Mapping[str, str] | None) -> str:
    """Run `command` in its own process group; its output. The group is killed if the wait ends early."""
    try:
        process = subprocess.Popen(command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                   stderr=subprocess.STDOUT, env=env, start_new_session=hasattr(os, "killpg"))
    except OSError as e:
        raise OfficeError(Text(f"无法启动 LibreOffice：{e}", f"LibreOffice could not be started: {e}")) from None
    try:
        out, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise OfficeError(Text(f"LibreOffice 在 {timeout:g} 秒内没有完成，已停止",
                               f"LibreOffice did not finish within {timeout:g} seconds and was stopped")) from None
    except BaseException:
        _kill(process)
        raise
    return out.decode("utf-8", "replace")


def _kill(process: subprocess.Popen[bytes]) -> None:
    """Kill the process group of `process` (soffice and soffice.bin) and reap soffice."""
    try:
        if hasattr(os, "killpg"):
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()  # Windows: no process groups
    except OSError:
        pass  # already gone
    try:
        process.wait(timeout=KILL_WAIT)
    except subprocess.TimeoutExpired:
        pass
    if process.stdout is not None:
        process.stdout.close()
