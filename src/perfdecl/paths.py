"""Paths: where the built-in data lives, which paths a declaration may name, how paths are shown.

A declaration names files and folders of its own (project files, `output:`,
a template folder, a framework file); each must lie inside the declaration
folder once symlinks are followed, and `inside` is the one test for that.
"""
from __future__ import annotations

import os
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


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
