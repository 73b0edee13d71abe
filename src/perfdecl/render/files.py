"""Writing documents without ever losing the previous one."""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from pathlib import Path

from . import RenderError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def write_atomic(path: Path, data: bytes) -> None:
    """Write `data` to a temporary file beside `path`, then rename it into place.

    A failed or interrupted write leaves whatever was at `path` untouched.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(21, "是一个文件夹 / is a directory")
        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        raise RenderError(f"无法写入 {path}：{e.strerror or e}", f"cannot write {path}: {e.strerror or e}") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode(path))
        os.replace(temp, path)
    except BaseException as e:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        if isinstance(e, OSError):
            raise RenderError(f"无法写入 {path}：{e.strerror or e}", f"cannot write {path}: {e.strerror or e}") from None
        raise


def _mode(path: Path) -> int:
    """The existing file's permissions, else what the umask allows (mkstemp makes 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def safe_filename(name: str, limit: int = 80) -> str:
    """A file name part that is valid on Windows, macOS and Linux; CJK kept."""
    cleaned = _UNSAFE.sub("_", name).strip().strip(".")
    return cleaned[:limit].rstrip(" .") or "_"
