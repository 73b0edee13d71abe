"""The corpus in tests/bad/ through `perfdecl build`: bad input is refused and nothing is touched.

Each case (laid out as test_bad_inputs.py describes) is built with
`-o <tmp>/out.docx` over an out.docx of known bytes. A malformed case must give
its positioned findings and exit code, no traceback, and leave every file as it
was (sources and the previous out.docx) with none created; an accepted case
(exit 0 in expect.yaml) must replace out.docx and touch nothing else.
"""
from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
from test_bad_inputs import BAD, CASES, parse_expect
from test_bad_inputs import build as make_case

PREVIOUS = b"a previous build, kept byte for byte"
FINDING = re.compile(r"^(.+?):(\d+):(\d+): (?:error|warning)\[(PD\d+)\]", re.MULTILINE)


def everything(root: Path) -> dict[str, str]:
    """Every file (its hash), folder and symlink under `root`, links not followed."""
    found = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = Path(folder, name)
            found[str(path.relative_to(root))] = (
                f"link to {os.readlink(path)}" if path.is_symlink() else "folder" if path.is_dir()
                else hashlib.sha256(path.read_bytes()).hexdigest())
    return found


def perfdecl_build(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PERFDECL_DEBUG", None)
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run([sys.executable, "-m", "perfdecl", "build", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def test_the_corpus_has_malformed_and_accepted_cases():
    exits = [yaml.safe_load((BAD / case / "expect.yaml").read_text(encoding="utf-8"))["exit"] for case in CASES]
    assert exits.count(0) >= 1 and len(exits) - exits.count(0) >= 30


@pytest.mark.parametrize("case", CASES)
def test_bad_input_through_build(case, tmp_path):
    folder, spec = make_case(case, tmp_path / "case")
    out = tmp_path / "out.docx"
    out.write_bytes(PREVIOUS)
    before = everything(tmp_path)
    done = perfdecl_build(spec.get("path", "."), "-o", str(out), cwd=folder)
    said = done.stdout + done.stderr
    assert "Traceback" not in said, said
    found = {(Path(p).name if p != "." else ".", int(line), int(col), code)
             for p, line, col, code in FINDING.findall(done.stdout)}
    assert {parse_expect(e) for e in spec["expect"]} <= found, said
    assert done.returncode == spec["exit"], said
    after = everything(tmp_path)
    if spec["exit"]:  # malformed: refused, with nothing written
        assert out.read_bytes() == PREVIOUS
        assert after == before
    else:  # accepted: the document is replaced, nothing else changes
        assert zipfile.is_zipfile(out)
        assert {k: v for k, v in after.items() if k != out.name} == {k: v for k, v in before.items() if k != out.name}
