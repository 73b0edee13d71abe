"""The corpus in tests/bad/: bad input never crashes perfdecl, runs code or changes a file.

Each case folder holds the files that replace or join a minimal valid
declaration (helpers.DECLARATION and helpers.PROJECT as p.yaml) and an
expect.yaml: the exit code and the findings `file:line:col: CODE` that
`perfdecl check` must report. Files under `outside/` go next to the
declaration folder; `remove` are files to delete, `links` symlinks to
create (after removing, so a link can replace a file), `path` what to pass
to `perfdecl check` (default: the folder).

Loader findings (PD0xx) must be exactly the expected ones; cross-check
findings must include the expected ones (other rules may add their own).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from helpers import DECLARATION, PROJECT

BAD = Path(__file__).parent / "bad"
CASES = sorted(p.name for p in BAD.iterdir() if (p / "expect.yaml").is_file())


def build(case: str, root: Path) -> tuple[Path, dict]:
    """The case's declaration folder under `root`, and its expect.yaml."""
    spec = yaml.safe_load((BAD / case / "expect.yaml").read_text(encoding="utf-8"))
    folder = root / "decl"
    folder.mkdir(parents=True)
    (folder / "declaration.yaml").write_text(DECLARATION, encoding="utf-8")
    (folder / "p.yaml").write_text(PROJECT, encoding="utf-8")
    for path in (BAD / case).rglob("*"):
        rel = path.relative_to(BAD / case)
        if path.is_file() and rel.name != "expect.yaml":
            target = root / rel.relative_to("outside") if rel.parts[0] == "outside" else folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(path.read_bytes())
    for name in spec.get("remove", []):
        (folder / name).unlink()
    for name, target in spec.get("links", {}).items():
        (folder / name).symlink_to(target)
    return folder, spec


def snapshot(root: Path) -> dict[str, str]:
    """Every file under `root` and the hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and not p.is_symlink()}


def perfdecl(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env.pop("PERFDECL_DEBUG", None)
    return subprocess.run([sys.executable, "-m", "perfdecl", "check", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, encoding="utf-8", timeout=120)


def parse_expect(line: str) -> tuple[str, int, int, str]:
    where, code = line.rsplit(": ", 1)
    file, number, col = where.rsplit(":", 2)
    return file, int(number), int(col), code


def test_the_corpus_is_large_enough():
    assert len(CASES) >= 30


@pytest.mark.parametrize("case", CASES)
def test_bad_input(case, tmp_path):
    folder, spec = build(case, tmp_path)
    before = snapshot(tmp_path)
    done = perfdecl(spec.get("path", "."), "--format", "json", cwd=folder)
    assert "Traceback" not in done.stdout + done.stderr, done.stderr
    found = {(Path(d["path"]).name if d["path"] != "." else ".", d["line"], d["column"], d["code"])
             for d in json.loads(done.stdout)}
    expected = {parse_expect(e) for e in spec["expect"]}
    loader = {f for f in found if f[3] < "PD100"}
    assert loader == {e for e in expected if e[3] < "PD100"}, f"found {sorted(found)}"
    assert expected <= found, f"found {sorted(found)}"
    assert done.returncode == spec["exit"], done.stdout + done.stderr
    assert snapshot(tmp_path) == before  # no file changed, none created


# CJK characters, and what may hold them in an English message: quoted user data, and amounts and the
# units they are written in (元, 万元), which are the form's own words.
CJK = re.compile("[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
DATA = re.compile("'[^']*'|\"[^\"]*\"|“[^”]*”|(?:[0-9.,]+ ?)?万?元")


def _checkable(root: Path) -> list[str]:
    """Every case that runs on its folder as a whole, built under `root`."""
    folders = []
    for case in CASES:
        spec = yaml.safe_load((BAD / case / "expect.yaml").read_text(encoding="utf-8"))
        if "path" not in spec and "remove" not in spec:
            folder, _ = build(case, root / case)
            folders.append(str(folder))
    return folders


def test_english_messages_of_every_case_are_english(tmp_path):
    done = perfdecl(*_checkable(tmp_path), "--lang", "en", "--format", "json", cwd=tmp_path)
    found = json.loads(done.stdout)
    assert {d["code"] for d in found} >= {"PD001", "PD003", "PD007", "PD010", "PD011", "PD012", "PD014"}
    for d in found:
        assert "Value error" not in d["message"], d
        assert not CJK.search(DATA.sub("", d["message"])), d
        assert not CJK.search(d["title"]), d


def test_human_output_of_every_case_has_no_traceback(tmp_path):
    folders = _checkable(tmp_path)
    before = snapshot(tmp_path)
    for lang in ("zh", "en"):
        done = perfdecl(*folders, "--lang", lang, cwd=tmp_path)
        assert done.returncode == 1
        assert "Traceback" not in done.stdout + done.stderr, done.stderr
        assert "error[PD0" in done.stdout
    assert snapshot(tmp_path) == before
