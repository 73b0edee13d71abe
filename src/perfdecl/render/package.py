"""The zip package of a .docx: read a template's reference.docx safely, write a document reproducibly.

A reference.docx comes with a template folder, and a template folder can come
with a colleague's declaration: it is read as hostile. Every member is checked
in the central directory before any byte is inflated (name, encryption,
compression method, declared size and ratio), then inflated in chunks with the
same limits counted on what really comes out, so a zip bomb is refused after
at most one chunk past a limit, and a lying header changes nothing.
"""
from __future__ import annotations

import io
import os
import re
import stat
import time
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from ..text import Text
from . import RenderError

ZIP_EPOCH_MIN, ZIP_EPOCH_MAX = 315532800, 4354819199  # 1980-01-01 .. 2107-12-31, what zip can store
MAX_FILE = 32 << 20  # the reference.docx itself
MAX_MEMBERS = 1000
MAX_MEMBER = 32 << 20  # inflated size of one member
MAX_TOTAL = 64 << 20  # inflated size of all members
MAX_RATIO = 100  # inflated / compressed, for members larger than SMALL
SMALL = 1 << 20
CHUNK = 1 << 16
_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}

Entries = list[tuple[str, bytes]]


def read_package(path: Path) -> Entries:
    """The members of the zip at `path`, in their order: (name, bytes). Refuses what is unsafe."""
    name = path.name
    try:
        data = _read_capped(path)
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = [i for i in z.infolist() if not i.is_dir()]
            _check_directory(infos, name)
            total = 0
            entries = []
            for info in infos:
                member = _inflate(z, info, name, MAX_TOTAL - total)
                total += len(member)
                entries.append((info.filename, member))
    except RenderError:
        raise
    except (OSError, zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as e:
        raise _unusable(name, str(e)) from None
    return entries


def _read_capped(path: Path) -> bytes:
    """A regular file's bytes, at most MAX_FILE; never blocks on a FIFO or reads a device."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise RenderError(f"{path.name} 不是普通文件", f"{path.name} is not a regular file")
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE + 1)
    finally:
        os.close(fd)
    if len(data) > MAX_FILE:
        raise RenderError(f"{path.name} 超过 {MAX_FILE >> 20} MB，拒绝读取",
                          f"{path.name} is larger than {MAX_FILE >> 20} MB; refused")
    return data


def _check_directory(infos: list[zipfile.ZipInfo], name: str) -> None:
    """Refuse, from the central directory alone, what must never be inflated or copied."""
    if len(infos) > MAX_MEMBERS:
        raise _unusable(name, f"成员多于 {MAX_MEMBERS} 个", f"more than {MAX_MEMBERS} members")
    seen: set[str] = set()
    declared = 0
    for info in infos:
        member = info.filename
        if not _safe_name(member):
            raise _unusable(name, f"成员名“{member[:80]}”不安全（绝对路径或含 ..）",
                            f"unsafe member name '{member[:80]}' (absolute, or with ..)")
        if member in seen:
            raise _unusable(name, f"成员“{member[:80]}”出现两次", f"member '{member[:80]}' appears twice")
        seen.add(member)
        if info.flag_bits & 0x1:
            raise _unusable(name, f"成员“{member[:80]}”已加密", f"member '{member[:80]}' is encrypted")
        if info.compress_type not in _METHODS:
            raise _unusable(name, f"成员“{member[:80]}”使用了不支持的压缩方式（{info.compress_type}）",
                            f"member '{member[:80]}' uses an unsupported compression method ({info.compress_type})")
        _check_size(info.file_size, info.compress_size, member, name)
        declared += info.file_size
        if declared > MAX_TOTAL:
            raise _too_large(name, member, MAX_TOTAL)


def _safe_name(member: str) -> bool:
    parts = member.replace("\\", "/").split("/")
    return bool(member) and not member.startswith(("/", "\\")) and ":" not in parts[0] \
        and ".." not in parts and "\x00" not in member


def _check_size(size: int, compressed: int, member: str, name: str) -> None:
    if size > MAX_MEMBER:
        raise _too_large(name, member, MAX_MEMBER)
    if size > SMALL and size > MAX_RATIO * max(compressed, 1):
        raise _unusable(name, f"成员“{member[:80]}”的压缩比超过 {MAX_RATIO}:1（疑似 zip 炸弹）",
                        f"member '{member[:80]}' has a compression ratio above {MAX_RATIO}:1 (a zip bomb?)")


def _inflate(z: zipfile.ZipFile, info: zipfile.ZipInfo, name: str, room: int) -> bytes:
    """One member, inflated in chunks; the limits are counted on what comes out, whatever the header said."""
    limit = min(MAX_MEMBER, room, info.file_size)
    chunks, size = [], 0
    with z.open(info) as member:
        while chunk := member.read(CHUNK):
            size += len(chunk)
            if size > limit:
                raise _too_large(name, info.filename, limit)
            _check_size(size, info.compress_size, info.filename, name)
            chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, member: str, limit: int) -> RenderError:
    return _unusable(name, f"成员“{member[:80]}”解压后超过 {limit >> 20} MB",
                     f"member '{member[:80]}' inflates past {limit >> 20} MB")


def _unusable(name: str, zh: str, en: str | None = None) -> RenderError:
    return RenderError(f"{name} 不是可用的 Word 文档（.docx）：{zh}", f"{name} is not a usable .docx: {en or zh}")


_EPOCH = Text("SOURCE_DATE_EPOCH 应为 1980 至 2107 年间的整数秒（只含数字 0-9），而不是“{raw}”",
              "SOURCE_DATE_EPOCH must be whole seconds (digits 0-9 only) within 1980-2107, not '{raw}'")


def source_date_epoch() -> tuple[int, Text | None]:
    """The time written into documents: SOURCE_DATE_EPOCH (reproducible builds), else the earliest
    a zip can store, never the clock; with the reason, if the variable is set but unusable."""
    raw = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return ZIP_EPOCH_MIN, None
    # ASCII digits only (str.isdigit() takes ² and ٣), and few of them: int() refuses 5,000 digits.
    digits = re.fullmatch("[0-9]+", raw) is not None and len(raw.lstrip("0")) <= 12
    if not digits or not ZIP_EPOCH_MIN <= int(raw) <= ZIP_EPOCH_MAX:
        return ZIP_EPOCH_MIN, _EPOCH.fill(raw=raw if len(raw) <= 40 else raw[:40] + "…")
    return int(raw), None


def clamp(epoch: int) -> int:
    return min(max(epoch, ZIP_EPOCH_MIN), ZIP_EPOCH_MAX)


def write_zip(out: BinaryIO, entries: Iterable[tuple[str, bytes | Iterable[bytes]]], epoch: int) -> None:
    """A zip whose bytes depend only on `entries` and `epoch`; [Content_Types].xml first.

    An entry's data is bytes or an iterable of byte chunks (streamed in). Entry
    times come from `epoch`; no system, permission or extra fields.
    """
    stamp = time.gmtime(clamp(epoch))[:6]
    ordered = sorted(entries, key=lambda e: e[0] != "[Content_Types].xml")  # stable: keeps the rest in order
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in ordered:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            with z.open(info, "w") as entry:
                for chunk in ((data,) if isinstance(data, bytes) else data):
                    entry.write(chunk)
