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
import signal
import stat
import tempfile
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from itertools import takewhile
from pathlib import Path
from typing import BinaryIO, NamedTuple

from ..parallel import stop_if_interrupted
from . import RenderError

_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]+')


class Staged(NamedTuple):
    temp: Path
    path: Path
    made: tuple[Path, ...] = ()  # the folders made for it, deepest first


_LIVE: dict[Path, Staged] = {}  # this process's staged files, not yet renamed into place or removed


def stage(path: Path, write: Callable[[BinaryIO], object]) -> Staged:
    """Run `write` on a new temporary file in `path`'s folder (created if missing)."""
    refuse_special(path)
    made = tuple(takewhile(lambda f: not f.exists(), [path.parent, *path.parent.parents]))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with _signals_held():  # a signal between making the file and noting it would leave it behind
            fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
            temp = Path(name)
            _LIVE[temp] = Staged(temp, path, made)
    except OSError as e:
        _remove(made)
        raise _cannot(path, e) from None
    try:
        with os.fdopen(fd, "wb") as out:
            write(out)
            stop_if_interrupted()
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temp, _mode(path))
    except BaseException as e:
        discard([Staged(temp, path, made)])
        if isinstance(e, OSError):
            raise _cannot(path, e) from None
        raise
    return Staged(temp, path, made)


@contextmanager
def _signals_held() -> Iterator[None]:
    """SIGINT and SIGTERM wait (where the system can hold them) until the block is done."""
    hold = getattr(signal, "pthread_sigmask", None)
    if hold is None:
        yield
        return
    before = hold(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        hold(signal.SIG_SETMASK, before)


def commit(staged: list[Staged]) -> None:
    """Rename every staged file into place."""
    for i, (temp, path, _) in enumerate(staged):
        try:
            stop_if_interrupted()
            refuse_special(path)  # again: it may have become one since it was staged
            os.replace(temp, path)
            _LIVE.pop(temp, None)
        except OSError as e:
            discard(staged[i:])
            raise _cannot(path, e) from None
        except RenderError:
            discard(staged[i:])
            raise


def discard(staged: list[Staged]) -> None:
    """Remove the temporary files, then the folders made for them."""
    for temp, _, _ in staged:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        _LIVE.pop(temp, None)
    _remove([f for s in staged for f in s.made])


def discard_live() -> None:
    """Remove every temporary file this process staged and did not rename (it is being stopped)."""
    discard(list(_LIVE.values()))


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


def refuse_special(path: Path) -> None:
    """A RenderError if `path` (links followed) exists and is not a regular file.

    Renaming over a device node (as root, /dev/null), a FIFO, a socket or a
    folder would destroy it: a document is written only to a regular file or a new path.
    """
    try:
        mode = path.stat().st_mode
    except (OSError, ValueError):
        return  # a new path (or one the write itself will say is unusable)
    if stat.S_ISREG(mode):
        return
    what = ("是文件夹", "is a folder") if stat.S_ISDIR(mode) else ("不是普通文件（设备、管道或套接字）",
                                                               "is not a regular file (a device, a pipe or a socket)")
    raise Unwritable(f"拒绝写入 {path}：{what[0]}", f"refusing to write {path}: it {what[1]}")


class Unwritable(RenderError):
    """One file cannot be written there (the others may be)."""


def _cannot(path: Path, e: OSError) -> RenderError:
    return Unwritable(f"无法写入 {path}：{e.strerror or e}", f"cannot write {path}: {e.strerror or e}")


def _mode(path: Path) -> int:
    """The existing file's permissions, else what the umask allows (mkstemp makes 0600)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


NAME_MAX = 255  # bytes in one file name on the usual file systems (ext4, APFS, NTFS counts UTF-16 units)
_TEMP_EXTRA = len(".") + len(".12345678.tmp")  # what `stage` adds around a name for its temporary file


def safe_filename(name: str, limit: int = 120) -> str:
    """A file name part of at most `limit` UTF-8 bytes, valid on Windows, macOS and Linux; CJK kept.

    File systems count bytes, not characters (90 CJK characters are 270 bytes);
    invisible format characters (bidi controls, zero-width) are dropped.
    """
    visible = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    cleaned = _UNSAFE.sub("_", visible).strip().strip(".")
    cut = cleaned.encode("utf-8", "replace")[:limit].decode("utf-8", "ignore")
    return cut.rstrip(" .") or "_"


def part_path(whole: Path, n: int, name: str) -> Path:
    """The file of part `n` (a project) of the document `whole`: `<stem>-<n>-<name><suffix>`,
    the name cut so that the file and its temporary file fit NAME_MAX bytes."""
    head = f"{whole.stem}-{n}-"
    room = NAME_MAX - _TEMP_EXTRA - len(head.encode("utf-8", "replace")) - len(whole.suffix.encode("utf-8", "replace"))
    return whole.with_name(f"{head}{safe_filename(name, max(room, 16))}{whole.suffix}")
