"""Paths: where the built-in data lives, which paths a declaration may name, how paths are shown.

A declaration names files and folders of its own (project files, `output:`,
a template folder, a framework file); each must lie inside the declaration
folder once symlinks are followed, and `inside` is the one test for that.
"""
from __future__ import annotations

import os
import stat
import re
from pathlib import Path, PurePath

from .text import Text

_PACKAGE = Path(__file__).resolve().parent
OUTSIDE = Text("应在申报文件夹内", "must lie inside the declaration folder")
OUTSIDE_SHARED = Text("应在申报文件夹或它所在的 git 仓库内", "must lie inside the declaration folder or the git repository holding it")


def data_dir(name: str) -> Path:
    """A top-level data folder, e.g. `templates`.

    Installed from a wheel it sits in `perfdecl/_data/`; in a source checkout
    (editable install) it is the repository's top-level folder.
    """
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parents[1] / name


def templates_dir() -> Path:
    """The built-in templates, one folder each."""
    return data_dir("templates")


def frameworks_dir() -> Path:
    """The built-in indicator frameworks, `<name>.yaml`."""
    return _PACKAGE / "frameworks"


def is_path(name: str) -> bool:
    """Whether `framework:` (or `template:`) names a path in the folder rather than a built-in."""
    return re.search(r"[/\\.]", name) is not None


def inside(root: Path, name: str | PurePath) -> Path | None:
    """`name` resolved against `root`, symlinks followed, if it lies inside `root` (or is it); else None.

    A name that cannot be resolved (too long, a symlink loop, a NUL) is not inside.
    """
    try:
        base = root.resolve()
        path = (base / name).resolve()
    except (OSError, RuntimeError, ValueError):
        return None
    return path if path.is_relative_to(base) else None


def shared_root(folder: Path) -> Path:
    """Where a declaration's template folder or framework file may lie: the git repository holding it
    (the nearest folder above with a `.git`), so that several declarations share one; else the folder itself."""
    try:
        start = folder.resolve()
    except (OSError, RuntimeError, ValueError):
        return folder
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists():
            return candidate
    return start


def lookup(path: str | PurePath) -> os.stat_result | None:
    """`path`'s status, links followed; None where pathlib's `exists()` would raise or say False.

    pathlib raises for a name too long for the file system or a folder on the
    way that may not be searched; a user's path is looked up here instead.
    """
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def is_folder(path: str | PurePath) -> bool:
    info = lookup(path)
    return info is not None and stat.S_ISDIR(info.st_mode)


def is_regular(path: str | PurePath) -> bool:
    info = lookup(path)
    return info is not None and stat.S_ISREG(info.st_mode)


def unusable(path: str | PurePath) -> Text | None:
    """Why `path` cannot even be looked up (a name too long, a link loop, no permission), or None.

    A path that does not exist yet is usable: it may be about to be written.
    """
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    except OSError as e:
        return Text(f"无法使用此路径：{e.strerror}", f"unusable path: {e.strerror}")
    except ValueError:
        return Text("路径中有 NUL 字符", "the path holds a NUL character")
    return None


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)


class Unreadable(Exception):
    """Why a file was not read, in both languages."""

    def __init__(self, why: Text) -> None:
        super().__init__(why.en)
        self.why = why


class TooLarge(Unreadable):
    """A file larger than its reader's limit."""


NOT_REGULAR = Text("不是普通文件（而是设备、管道或套接字），拒绝读取",
                   "not a regular file (a device, a pipe or a socket); refusing to read it")
IS_FOLDER = Text("是文件夹，不是文件", "is a folder, not a file")


def not_a_file(path: Path) -> Text | None:
    """Why the input file `path` named on the command line cannot be read as one, or None."""
    info = lookup(path)
    shown = display(path)
    if info is None:
        return Text(f"{shown} 不存在", f"{shown} does not exist")
    if stat.S_ISREG(info.st_mode):
        return None
    return Text(f"{shown} ", f"{shown} ") + (IS_FOLDER if stat.S_ISDIR(info.st_mode) else NOT_REGULAR)


def read_regular(path: Path, limit: int) -> bytes:
    """The bytes of the regular file `path`, at most `limit` of them; else `Unreadable`.

    Opened without blocking and checked on the open file, so a FIFO or a
    device (a link to /dev/zero) is refused at once instead of hanging or
    filling memory, and a file that grows after the check is read only up to
    the limit. Never reads a whole unknown file the way `read_bytes()` does.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        raise Unreadable(Text(e.strerror or str(e), e.strerror or str(e))) from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise Unreadable(IS_FOLDER)
        if not stat.S_ISREG(mode):
            raise Unreadable(NOT_REGULAR)
        chunks: list[bytes] = []
        size = 0
        while size <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        data = b"".join(chunks)
    except OSError as e:
        raise Unreadable(Text(e.strerror or str(e), e.strerror or str(e))) from None
    finally:
        os.close(fd)
    if len(data) > limit:
        shown = f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"
        raise TooLarge(Text(f"文件超过 {shown}", f"the file is larger than {shown}"))
    return data
