"""Faces of a font collection (.ttc) made standalone fonts, so that a PDF names them right.

The CFF-flavoured collections of Noto CJK (Debian's fonts-noto-cjk) hold five
faces (JP, KR, SC, TC, HK) that share one CFF table, whose name is the JP
face's (`NotoSerifCJKjp-Regular`); each face has its own cmap and name table.
LibreOffice embeds the CFF data and names the PDF font after it, so pdffonts
lists `NotoSerifCJKjp-…` although the glyphs are the SC ones. Here the wanted
face is copied out of its collection with fontTools, its CFF names (the
font's and its CID font dicts') set to the face's own PostScript name, and
kept in perfdecl's cache folder ("fonts"); a run of LibreOffice then sees
those standalone faces and not the collection.

Only the names are changed, in place: their bytes are replaced when the new name
has as many as the old one (as for all Noto CJK faces), so no offset inside
the CFF table moves and the copy takes about half a second; otherwise the face
is left in its collection.
"""
from __future__ import annotations

import io
import struct
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .. import cache
from . import RenderError
from .files import write_atomic

COLLECTIONS = (".ttc", ".otc")
MAX_COLLECTION = 256 * 2**20  # bytes; a larger file is left alone
MAX_FACES = 16  # faces copied out in one run at most
LIST_TIMEOUT = 60  # seconds for fc-list
VERSION = "2"  # of the copies' making: part of their cache key


@dataclass(frozen=True)
class Standalone:
    folder: Path  # holds the standalone faces of this run
    replaced: tuple[Path, ...]  # the collections they come from, to hide from LibreOffice


def standalone(families: set[str], temp: Path) -> Standalone | None:
    """The faces of `families` that sit in a font collection under a wrong CFF name, as standalone fonts
    linked into one folder (in the cache: the same folder for the same faces, so that fontconfig's own
    cache of it is reused, not remade for every run); None if there are none (or fontTools is missing)."""
    store = cache.folder("fonts") or temp / "fonts"
    made: dict[Path, list[Path]] = {}
    for file, indexes in collection_faces(families).items():
        copies = [copy(file, index, store) for index in indexes]
        if None not in copies:  # else the collection stays: some wanted face of it is only there
            made[file] = [c for c in copies if c is not None]
    entries = sorted(entry.name for copies in made.values() for entry in copies)
    if not entries:
        return None
    folder = store / f"set-{cache.key(*entries)}"
    try:
        folder.mkdir(exist_ok=True)
        for name in entries:
            if not (folder / name).is_symlink():
                (folder / name).symlink_to(store / name)
    except FileExistsError:
        pass  # a parallel run made the same link
    except OSError:
        return None
    return Standalone(folder, tuple(made))


def collection_faces(families: set[str]) -> dict[Path, list[int]]:
    """For each font collection holding a face of `families`, the indexes of those faces (fontconfig's)."""
    found: dict[Path, list[int]] = {}
    count = 0
    for line in fc_list("-f", "%{file}\t%{index}\t%{family}\n").splitlines():
        file, _, rest = line.partition("\t")
        index, _, names = rest.partition("\t")
        if not file.lower().endswith(COLLECTIONS) or not index.isdigit():
            continue
        if families.isdisjoint(n.strip() for n in names.split(",")) or count >= MAX_FACES:
            continue
        indexes = found.setdefault(Path(file), [])
        if int(index) not in indexes:
            indexes.append(int(index))
            count += 1
    return found


def fc_list(*args: str, env: Mapping[str, str] | None = None) -> str:
    """What `fc-list *args` prints (nothing if it cannot be run)."""
    try:
        return subprocess.run(["fc-list", *args], capture_output=True, text=True, timeout=LIST_TIMEOUT, check=False,
                              env=env).stdout
    except (OSError, subprocess.TimeoutExpired):
        return ""


def copy(file: Path, index: int, store: Path) -> Path | None:
    """Face `index` of collection `file` as a standalone font under its own CFF name, in `store`
    (made once, then taken from there); None if it cannot or need not be made."""
    try:
        from fontTools.ttLib import TTFont, TTLibError
        from fontTools.ttLib.tables.DefaultTable import DefaultTable
    except ImportError:
        return None
    try:
        info = file.stat()
        if not file.is_file() or info.st_size > MAX_COLLECTION:
            return None
        entry = store / f"{cache.key(VERSION, str(file), str(info.st_size), str(info.st_mtime_ns), str(index))}.otf"
        if entry.is_file() and not entry.is_symlink():
            return entry
        font = TTFont(file, fontNumber=index, lazy=True, recalcBBoxes=False, recalcTimestamp=False)
        name = font["name"].getDebugName(6) if "CFF " in font else None
        data = renamed(font.reader["CFF "], name.encode("ascii")) if name and name.isascii() else None
        if data is None:
            return None
        table = DefaultTable("CFF ")
        table.data = data
        font["CFF "] = table
        out = io.BytesIO()
        font.save(out)
    except (OSError, ValueError, KeyError, IndexError, struct.error, TTLibError):
        return None
    try:
        store.mkdir(parents=True, exist_ok=True)
        write_atomic(entry, out.getvalue())
    except (OSError, RenderError):
        return None
    return entry


def renamed(cff: bytes, name: bytes) -> bytes | None:
    """The CFF table `cff` with its one font named `name`, and so the names of its CID font dicts
    (`<old name>-Ideographs`, …), when `name` is a different name of the same length (so nothing moves);
    else None."""
    if len(cff) < 4:
        return None
    names = index(cff, cff[2])  # the header's size; the Name INDEX follows
    top = index(cff, names[-1]) if names and len(names) == 2 else None
    strings = index(cff, top[-1]) if top else None
    if names is None or strings is None:
        return None
    old = cff[names[0]:names[1]]
    if old == name or len(old) != len(name):
        return None
    out = bytearray(cff)
    out[names[0]:names[1]] = name
    for begin, end in zip(strings, strings[1:]):
        if cff.startswith(old + b"-", begin, end):
            out[begin:begin + len(name)] = name
    return bytes(out)


def index(cff: bytes, at: int) -> list[int] | None:
    """Where the items of the CFF INDEX at `at` begin, and where the last ends (the INDEX's end); None
    if it is not a well-formed INDEX."""
    if len(cff) < at + 2:
        return None
    count = int.from_bytes(cff[at:at + 2], "big")
    if count == 0:
        return [at + 2]
    size = cff[at + 2] if len(cff) > at + 2 else 0  # bytes per offset
    first = at + 3
    if not 1 <= size <= 4 or len(cff) < first + (count + 1) * size:
        return None
    base = first + (count + 1) * size - 1  # offsets count from 1
    ends = [base + int.from_bytes(cff[first + i * size:first + (i + 1) * size], "big") for i in range(count + 1)]
    if ends[0] != base + 1 or any(a > b for a, b in zip(ends, ends[1:])) or ends[-1] > len(cff):
        return None
    return ends
