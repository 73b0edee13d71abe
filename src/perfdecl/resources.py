"""Where built-in templates, schemas and frameworks live.

Installed from a wheel they sit in `perfdecl/_data/`; in a source checkout
(editable install) they are the repository's top-level folders.
"""
from __future__ import annotations

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dir(name: str) -> Path:
    """A top-level data folder, e.g. `templates`."""
    packaged = _PACKAGE / "_data" / name
    return packaged if packaged.is_dir() else _PACKAGE.parents[1] / name


def frameworks_dir() -> Path:
    return _PACKAGE / "frameworks"


def display(path: Path) -> str:
    """A path as the user would type it: relative to the working folder if inside it."""
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive on Windows
        return str(path)
