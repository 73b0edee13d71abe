"""Writing documents without ever losing the previous ones.

Each document is written to a temporary file beside its target (`stage`);
only when all of them are complete are they renamed into place (`commit`).
A failed or interrupted build leaves every existing file untouched, and
removes the folders it made (`discard`).
"""
from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable
from itertools import takewhile
from pathlib import Path
from typing import BinaryIO, NamedTuple

from . import RenderError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


class Staged(NamedTuple):
    temp: Path
    path: Path
    made: tuple[Path, ...] = ()  # the folders made for it, deepest first


def stage(path: Path, write: Callable[[BinaryIO], object]) -> Staged:
    """Run `write` on a new temporary file in `path`'s folder (created if missing)."""
    made = tuple(takewhile(lambda f: not f.exists(), [path.parent, *path.parent.parents]))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir():
            raise IsADirectoryError(21, "是一个文件夹 / is a directory")
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as e:
        _remove(made)
        raise _cannot(path, e) from None
    temp = Path(name)
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode(path))
    except BaseException as e:
        discard([Staged(temp, path, made)])
        if isinstance(e, OSError):
            raise _cannot(path, e) from None
        raise
    return Staged(temp, path, made)


def commit(staged: list[Staged]) -> None:
    """Rename every staged file into place."""
    for i, (temp, path, _) in enumerate(staged):
        try:
            os.replace(temp, path)
        except OSError as e:
            discard(staged[i:])
            raise _cannot(path, e) from None


def discard(staged: list[Staged]) -> None:
    """Remove the temporary files, then the folders made for them."""
    for temp, _, _ in staged:
        with contextlib.suppress(OSError):
            os.unlink(temp)
    _remove([f for s in staged for f in s.made])


def _remove(folders: list[Path] | tuple[Path, ...]) -> None:
    """Remove each folder that is empty (deepest first)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            folder.rmdir()


def writer(data: bytes) -> Callable[[BinaryIO], object]:
    """What `stage` calls to write `data`."""
    return lambda out: out.write(data)


def write_atomic(path: Path, data: bytes) -> None:
    commit([stage(path, writer(data))])


def _cannot(path: Path, e: OSError) -> RenderError:
    return RenderError(f"无法写入 {path}：{e.strerror or e}", f"cannot write {path}: {e.strerror or e}")


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
