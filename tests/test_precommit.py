"""The pre-commit hook, for real: `pre-commit try-repo` installs perfdecl from this tree and runs it.

The hook repository is a committed copy of this working tree (try-repo takes
uncommitted changes to tracked files only), so the test also works before the
lead commits. pre-commit builds the hook's environment from PyPI: slow.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest
from helpers import REPO, at, copy_example

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git not installed")

GIT_ENV = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def git(cwd, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True, text=True).stdout


def hook_repository(target) -> None:
    """The files of this working tree that git would see, committed in a new repository at `target`."""
    listed = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    git(target, "init", "-q")
    git(target, "add", "-A")
    git(target, "commit", "-q", "-m", "hook")


def try_repo(hooks, work) -> subprocess.CompletedProcess:
    git(work, "add", "-A")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "perfdecl-check", "--all-files"],
                          cwd=work, env=GIT_ENV, capture_output=True, text=True, timeout=900)


def test_hook_passes_a_good_declaration_and_fails_a_broken_one(tmp_path):
    hooks, work = tmp_path / "hooks", tmp_path / "work"
    hooks.mkdir()
    work.mkdir()
    hook_repository(hooks)
    git(work, "init", "-q")
    (work / "README.md").write_text("not checked\n", encoding="utf-8")
    copy_example(work, name="good")

    good = try_repo(hooks, work)
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    bad = copy_example(work, {"02-service-management.yaml": [("  fiscal: 350000", "  fiscal: 340000")]}, name="bad")
    broken = try_repo(hooks, work)
    assert broken.returncode == 1, broken.stdout + broken.stderr
    name, line, col, code = at(bad / "02-service-management.yaml", "total: 350000.00", "PD110", mark="350000.00")
    assert f"bad/{name}:{line}:{col}: error[{code}]" in broken.stdout
    assert "good/" not in "".join(line for line in broken.stdout.splitlines() if "error[" in line)
