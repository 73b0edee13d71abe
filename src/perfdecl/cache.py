"""perfdecl's cache folder: things worth keeping between runs, keyed by their content.

Nothing here is needed for a correct run: every reader has a fallback (build
the thing again), and a cache that cannot be created, read or written is
silently not used. The folder is the platform's user cache folder
(`$XDG_CACHE_HOME/perfdecl`, `~/.cache/perfdecl`, `~/Library/Caches/perfdecl`,
`%LOCALAPPDATA%\\perfdecl\\Cache`), never the source tree;
`PERFDECL_CACHE_DIR` names another, and `PERFDECL_CACHE_DIR=off` turns the
cache off.
"""
from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path

MAX_ENTRY = 16 * 2**20  # bytes; a larger file is not a cache entry of ours


def folder(kind: str) -> Path | None:
    """The cache folder for one kind of entry (created, private to the user), or None if there is none."""
    override = os.environ.get("PERFDECL_CACHE_DIR")
    if override is not None and override.strip().lower() in ("", "0", "off", "no", "false"):
        return None
    base = Path(override) if override else _user_cache()
    if base is None:
        return None
    path = base / kind
    try:
        path.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = path.lstat()
    except (OSError, ValueError):
        return None
    return path if _private(info) else None


def _user_cache() -> Path | None:
    """The platform's user cache folder for perfdecl (what platformdirs' user_cache_dir gives)."""
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "perfdecl" / "Cache" if local else None
    home = Path(os.path.expanduser("~"))
    if not home.is_absolute():
        return None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "perfdecl"
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    return (Path(xdg) if os.path.isabs(xdg) else home / ".cache") / "perfdecl"


def _private(info: os.stat_result) -> bool:
    """A real folder of the current user that nobody else can write to (its entries are trusted as code)."""
    if not stat.S_ISDIR(info.st_mode):
        return False
    if not hasattr(os, "getuid"):
        return True  # Windows: the user's own profile folder
    return info.st_uid == os.getuid() and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def key(*parts: str | bytes) -> str:
    """A file name for an entry made from `parts` (versions, sources, definitions)."""
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
        digest.update(len(data).to_bytes(8, "little"))
        digest.update(data)
    return digest.hexdigest()[:32]


def read(path: Path) -> bytes | None:
    """The bytes of a cache entry, or None if it is missing, not a regular file, too large or unreadable."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except (OSError, ValueError):
        return None
    with os.fdopen(fd, "rb") as f:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_ENTRY:
                return None
            return f.read(MAX_ENTRY + 1)
        except OSError:
            return None


def write(path: Path, data: bytes) -> None:
    """Store an entry whole or not at all (a temporary file renamed into place); failures are ignored."""
    if len(data) > MAX_ENTRY:
        return
    try:
        import tempfile  # only when an entry is written

        fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(temp, path)
    except OSError:
        try:
            os.unlink(temp)
        except OSError:
            pass
