"""A large declaration checked in parts (one process each) finds exactly what one check of the whole finds."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, PROJECT, edit

from perfdecl.cli import cli
from perfdecl.commands import check as command
from perfdecl.pipeline import check, merge

NAMES = ["01-citizen-services.yaml", "02-service-management.yaml", "bad-sum.yaml", "missing.yaml",
         "03-network-systems.yaml", "broken.yaml", "01-citizen-services.yaml", "04-operations.yaml", "ignored.yaml"]


def _folder(tmp_path: Path, framework: str = "shanghai-2023") -> Path:
    folder = tmp_path / "decl"
    shutil.copytree(EXAMPLE, folder)
    text = (folder / "declaration.yaml").read_text(encoding="utf-8")
    head = text[: text.index("projects:")].replace("framework: shanghai-2023", f"framework: {framework}")
    listed = "".join(f"  - {name}\n" for name in NAMES)
    (folder / "declaration.yaml").write_text(f"{head}unit: again\nprojects:\n{listed}", encoding="utf-8")
    (folder / "bad-sum.yaml").write_text(edit(PROJECT, [("- [配件更换, 1, 2.412, 2.412]", "- [配件更换, 1, 2.412, 2.5]")]),
                                         encoding="utf-8")
    (folder / "broken.yaml").write_text("name: [未闭合\n", encoding="utf-8")
    (folder / "ignored.yaml").write_text(edit(PROJECT, [("total: 3\n", "total: 4  # perfdecl: ignore[PD102]\n")]),
                                         encoding="utf-8")
    return folder


@pytest.mark.parametrize("framework", ["shanghai-2023", "no-such-framework"])
@pytest.mark.parametrize("n", [2, 3, 9, 12])
def test_the_parts_merged_are_the_whole(tmp_path: Path, framework: str, n: int) -> None:
    folder = _folder(tmp_path, framework)
    bundle, whole = check(folder)
    assert bundle is not None
    codes = [d.code for d in whole]
    assert {"PD003", "PD007", "PD001", "PD106"} <= set(codes)  # declaration, listing, file and project problems
    assert codes.count("PD301") == (framework != "shanghai-2023")  # once, though every part finds it
    assert "ignored.yaml" not in {Path(d.pos.path).name for d in whole}
    parts = []
    for k in range(n):
        part_bundle, found = check(folder, (k, n))
        parts.append((found, list(part_bundle.sources) if part_bundle else []))
    assert merge(parts) == whole


def test_check_in_two_processes_prints_what_one_prints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(tmp_path)
    monkeypatch.setattr(command, "SLICE", 3)
    assert command.tasks([folder], 2) == [(folder, (0, 2)), (folder, (1, 2))]
    assert command.tasks([folder], 1) == [(folder, (0, 1))]
    for fmt in ("human", "json"):
        one, two = (CliRunner().invoke(cli, ["check", str(folder), "-j", str(j), "--format", fmt]) for j in (1, 2))
        assert (one.exit_code, one.output) == (two.exit_code, two.output)
        assert one.exit_code == 1 and "PD106" in one.output
