"""A declaration folder as it was at a git revision, copied out without touching the work tree.

`HEAD~1`, `main`, `v1:declarations/2023-songjiang`: a revision, optionally
with a path inside it. The folder's files are listed with `git ls-tree` and
read with one `git cat-file --batch` into a temporary folder that the caller
removes; regular files only (links and submodules are skipped), within a
budget of files and bytes.
"""
from __future__ import annotations

import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from .paths import inside, is_folder
from .text import Text

MAX_FILES = 2000  # a declaration folder holds a few dozen
MAX_BYTES = 64 * 1024 * 1024


class RevisionError(Exception):
    """A revision that cannot be read, with the reason in both languages."""

    def __init__(self, text: Text) -> None:
        super().__init__(text.zh)
        self.text = text


@contextmanager
def opened(spec: str, base: Path, like: Path | None = None) -> Iterator[Path]:
    """The declaration folder `spec` names: a folder (relative to `base`) as it is, or a revision copied out.

    A bare revision (`HEAD~1`) means the folder `like` (or `base`) at that
    revision; `REV:path` a path of the repository at it, as git reads it from
    `base` (`REV:./x` relative to `base`). The copy is removed on leaving.
    """
    folder = base / spec
    if is_folder(folder):
        yield folder
        return
    rev, path = split(spec)
    if path is None:
        top, path = prefix(like if like is not None else base)
        where = top
    else:
        where = base
    with tempfile.TemporaryDirectory(prefix="perfdecl-rev-") as tmp:
        target = Path(tmp) / _folder_name(path)
        target.mkdir()
        yield checkout(where, rev, path, target)


def _folder_name(path: str) -> str:
    """The copy's folder name: the last part of `path`, unless that is `..` or too long for a file name."""
    name = PurePosixPath(path).name
    return name if name not in ("", "..") and len(name.encode("utf-8", "replace")) <= 100 else "declaration"


def split(spec: str) -> tuple[str, str | None]:
    """`REV:path` → (REV, path); a bare `REV` → (REV, None)."""
    rev, colon, path = spec.partition(":")
    return rev, (path.strip("/") if colon else None)


def prefix(folder: Path) -> tuple[Path, str]:
    """The repository's top folder holding `folder`, and `folder`'s path inside it ("" at the top)."""
    top = _git(folder, "rev-parse", "--show-toplevel").decode("utf-8", "replace").strip()
    rel = Path(folder).resolve().relative_to(Path(top).resolve())
    return Path(top), rel.as_posix() if rel.parts else ""


def checkout(repo: Path, rev: str, path: str, target: Path) -> Path:
    """Write the files under `path` at `rev` into `target` (an empty folder); return the folder written."""
    if rev.startswith("-") or not rev:
        raise RevisionError(Text(f"不是有效的版本：“{rev}”", f"not a valid revision: '{rev}'"))
    tree = f"{rev}:{path}" if path else f"{rev}:"
    # --full-tree: run in a subfolder, ls-tree would list only the entries under that subfolder's name
    listing = _git(repo, "ls-tree", "--full-tree", "-r", "-z", "--", tree)
    entries: list[tuple[str, str]] = []
    for record in listing.split(b"\0"):
        if not record:
            continue
        meta, _, raw_name = record.partition(b"\t")
        mode, kind, sha = meta.split()
        if kind == b"blob" and mode in (b"100644", b"100755"):
            entries.append((raw_name.decode("utf-8", "replace"), sha.decode()))
    if not entries:
        raise RevisionError(Text(f"版本 {rev} 中“{path or '.'}”下没有文件", f"no files under '{path or '.'}' at {rev}"))
    if len(entries) > MAX_FILES:
        raise RevisionError(Text(f"版本 {rev} 中“{path or '.'}”下文件过多（{len(entries)} 个）",
                                 f"too many files under '{path or '.'}' at {rev} ({len(entries)})"))
    blobs = _read_blobs(repo, [sha for _, sha in entries])
    for (name, _), data in zip(entries, blobs):
        dest = inside(target, PurePosixPath(name))
        if dest is None or dest == target.resolve():
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
    return target


def _read_blobs(repo: Path, shas: list[str]) -> list[bytes]:
    """The contents of the blobs, in order, read by one `git cat-file --batch`, within MAX_BYTES."""
    with tempfile.TemporaryFile() as out:
        proc = subprocess.run(["git", "-C", str(repo), "cat-file", "--batch"], input="\n".join(shas).encode() + b"\n",
                              stdout=out, stderr=subprocess.PIPE, check=False)
        if proc.returncode:
            raise _failed(proc.stderr)
        out.seek(0)
        blobs, total = [], 0
        for _ in shas:
            header = out.readline().split()
            if len(header) != 3 or header[1] != b"blob":
                raise RevisionError(Text("git 返回了无法识别的内容", "git answered something unexpected"))
            size = int(header[2])
            total += size
            if total > MAX_BYTES:
                raise RevisionError(Text("该版本的文件过大", "the revision's files are too large"))
            blobs.append(out.read(size))
            out.read(1)  # the newline after each blob
    return blobs


def _git(cwd: Path, *args: str) -> bytes:
    try:
        proc = subprocess.run(["git", "-C", str(cwd), *args], capture_output=True, check=False)
    except OSError as e:
        raise RevisionError(Text(f"无法运行 git：{e.strerror or e}", f"cannot run git: {e.strerror or e}")) from None
    if proc.returncode:
        raise _failed(proc.stderr)
    return proc.stdout


def _failed(stderr: bytes) -> RevisionError:
    why = stderr.decode("utf-8", "replace").strip().splitlines()
    reason = why[-1] if why else "?"
    return RevisionError(Text(f"git 读取失败：{reason}", f"git failed: {reason}"))
