"""A template's reference.docx is read as hostile: bombs, unsafe names, encryption, unknown compression.

Each bad package is made here, by hand (zipfile would not write most of them),
from the built-in reference.docx plus one bad member.
"""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE

from perfdecl.cli import cli
from perfdecl.render import RenderError
from perfdecl.render.package import read_package
from perfdecl.render.templates import REFERENCE, builtin

TEMPLATE = builtin("shanghai-2023")
GIB = 1 << 30


def member(name: str, data: bytes, *, method: int = zipfile.ZIP_DEFLATED, flags: int = 0,
           size: int | None = None, crc: int | None = None) -> tuple[str, int, int, bytes, int, int]:
    """One member as it will be written: `data` is already compressed (raw deflate) unless stored."""
    raw = data if method != zipfile.ZIP_DEFLATED or size is not None else _deflate(data)
    return (name, method, flags, raw, zlib.crc32(data) if crc is None else crc,
            len(data) if size is None else size)


def _deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


def package(members: list[tuple[str, int, int, bytes, int, int]]) -> bytes:
    """A zip archive written byte by byte: local headers, data, central directory, end record."""
    body, directory = b"", b""
    for name, method, flags, raw, crc, size in members:
        encoded = name.encode("utf-8")
        flags |= 0x800  # names are UTF-8
        directory += struct.pack("<4s6H3L5H2L", b"PK\x01\x02", 20, 20, flags, method, 0, 0x21, crc, len(raw),
                                 size, len(encoded), 0, 0, 0, 0, 0, len(body)) + encoded
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, flags, method, 0, 0x21, crc, len(raw), size,
                            len(encoded), 0) + encoded + raw
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0)
    return body + directory + end


def good_members() -> list[tuple[str, int, int, bytes, int, int]]:
    with zipfile.ZipFile(TEMPLATE / REFERENCE) as z:
        return [member(info.filename, z.read(info)) for info in z.infolist()]


@pytest.fixture(scope="module")
def bomb() -> tuple[str, int, int, bytes, int, int]:
    """1 GiB of zeros in about 1 MB: one deflated MiB, full-flushed, repeated (no reference crosses a copy)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    mib = bytes(1 << 20)
    block = packer.compress(mib) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(GIB >> 20):
        crc = zlib.crc32(mib, crc)
    raw = block * (GIB >> 20) + b"\x03\x00"  # an empty final block
    return ("customXml/item1.xml", zipfile.ZIP_DEFLATED, 0, raw, crc, GIB)


def write(tmp_path: Path, members: list) -> Path:
    path = tmp_path / "reference.docx"
    path.write_bytes(package(members))
    return path


def test_the_hand_made_package_is_a_usable_reference(tmp_path):
    entries = read_package(write(tmp_path, good_members()))
    assert [name for name, _ in entries] == zipfile.ZipFile(TEMPLATE / REFERENCE).namelist()


def test_a_zip_bomb_is_refused_before_anything_is_inflated(tmp_path, bomb, monkeypatch):
    path = write(tmp_path, [*good_members(), bomb])
    assert path.stat().st_size < 2 << 20

    def never(*args, **kwargs):
        raise AssertionError("a member was opened")

    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    with pytest.raises(RenderError) as refused:
        read_package(path)
    assert "customXml/item1.xml" in refused.value.zh and "MB" in refused.value.zh


def test_a_bomb_that_lies_about_its_size_stops_at_the_first_chunk_past_it(tmp_path, bomb):
    name, method, flags, raw, crc, _ = bomb
    path = write(tmp_path, [*good_members(), (name, method, flags, raw[:200_000], crc, 1000)])
    with pytest.raises(RenderError) as refused:
        read_package(path)
    assert "不是可用的 Word 文档" in refused.value.zh


@pytest.mark.parametrize("bad, said", [
    (member("../../x", b"<x/>"), "不安全"),
    (member("/abs", b"<x/>"), "不安全"),
    (member("word/..\\..\\x", b"<x/>"), "不安全"),
    (member("C:/x", b"<x/>"), "不安全"),
    (member("word/x.xml", b"<x/>", method=99, size=4), "不支持的压缩方式（99）"),
    (member("word/x.xml", b"<x/>", method=zipfile.ZIP_STORED, flags=0x1), "已加密"),
    (member("word/styles.xml", b"<x/>"), "出现两次"),
])
def test_unsafe_members_are_refused_with_a_clear_message(tmp_path, bad, said):
    with pytest.raises(RenderError) as refused:
        read_package(write(tmp_path, [*good_members(), bad]))
    assert said in refused.value.zh and refused.value.en != refused.value.zh


def test_a_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "reference.docx"
    os.mkfifo(fifo)
    with pytest.raises(RenderError, match="不是普通文件"):
        read_package(fifo)


@pytest.mark.parametrize("bad, said", [
    (member("../../x", b"<x/>"), "不安全"),
    (member("word/x.xml", b"<x/>", method=99, size=4), "不支持的压缩方式"),
    (member("word/x.xml", b"<x/>", method=zipfile.ZIP_STORED, flags=0x1), "已加密"),
    (None, "customXml/item1.xml"),
])
def test_build_with_a_bad_reference_says_so_and_writes_nothing(tmp_path, bad, said, bomb):
    template = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, template)
    write(template, [*good_members(), bomb if bad is None else bad])
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(cli, ["build", str(EXAMPLE), "-o", str(out), "--template", str(template)])
    assert result.exit_code == 1, result.output
    assert said in result.output and "reference.docx" in result.output
    assert "Traceback" not in result.output and "内部错误" not in result.output and not out.exists()


def test_the_script_writes_the_committed_reference_docx(tmp_path):
    """scripts/make_reference_docx.py (python-docx) is where the built-in reference.docx comes from."""
    out = tmp_path / "reference.docx"
    script = Path(__file__).resolve().parents[1] / "scripts" / "make_reference_docx.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True, capture_output=True, timeout=120)
    assert out.read_bytes() == (TEMPLATE / REFERENCE).read_bytes()
