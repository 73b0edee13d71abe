"""The generator writes what it promises. Run: python -m pytest -q benchmarks/test_generate.py

Not part of the main suite (tests/): the benchmark data is checked here with
an arithmetic oracle written independently of perfdecl's rules.
"""
from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import generate  # noqa: E402
from perfdecl.diagnostics import ERROR  # noqa: E402
from perfdecl.load import load  # noqa: E402
from perfdecl.pipeline import check  # noqa: E402


def make(tmp_path: Path, capsys, *args: str) -> tuple[Path, list[str]]:
    out = tmp_path / "decl"
    assert generate.main([str(out), *args]) == 0
    manifest = [line for line in capsys.readouterr().out.splitlines() if line]
    return out, manifest


def files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.yaml"))}


def problems(folder: Path) -> list[tuple[str, int, int]]:
    """(file, line, col) of every figure that does not add up, by plain arithmetic."""
    bundle, diags = load(folder)
    assert bundle is not None and bundle.complete, diags
    assert not diags, diags
    found = []
    for project in bundle.projects:
        at = project.source.at

        def bad(*path: object) -> None:
            pos = at(*path)
            found.append((str(Path(pos.path).resolve()), pos.line, pos.col))

        f = project.funding
        if f.total.yuan != f.fiscal.yuan + f.other.yuan:
            bad("funding", "fiscal")
        if f.annual.yuan != f.appropriation.yuan + f.carryover.yuan + f.annual_other.yuan:
            bad("funding", "appropriation")
        for i, item in enumerate(project.items):
            if item.lines:
                rows = item.lines.rows
                wrong = [r for r, row in enumerate(rows) if row.qty * row.price.yuan != row.amount.yuan]
                for r in wrong:
                    bad("items", i, "lines", "rows", r, 3)
                right = sum((row.amount.yuan for row in rows), Decimal(0))
                if wrong:  # the total and budget then differ too, as a consequence
                    continue
                if item.lines.total is not None and item.lines.total.yuan != right:
                    bad("items", i, "lines", "total")
                if right != item.budget.yuan:
                    bad("items", i, "budget")
            if item.schedule:
                plan = item.schedule
                for row in plan.rows:
                    assert sum(v.yuan for v in row.values) == row.total.yuan
                grand = sum((row.total.yuan for row in plan.rows), Decimal(0))
                if plan.total.total.yuan != grand:
                    bad("items", i, "schedule", "total", len(plan.years))
                if grand != item.budget.yuan:
                    bad("items", i, "budget")
        # faults never touch these: the sub-items add up to the funding figures
        assert sum((item.budget.yuan for item in project.items), Decimal(0)) == f.total.yuan
        assert sum((item.annual_amount.yuan for item in project.items), Decimal(0)) == f.annual.yuan
    return found


def test_same_seed_same_bytes(tmp_path, capsys):
    a, _ = make(tmp_path / "a", capsys, "--projects", "12", "--seed", "5", "--faults", "3")
    b, _ = make(tmp_path / "b", capsys, "--projects", "12", "--seed", "5", "--faults", "3")
    c, _ = make(tmp_path / "c", capsys, "--projects", "12", "--seed", "6", "--faults", "3")
    assert files(a) == files(b)
    assert files(a) != files(c)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_valid_declaration_adds_up(tmp_path, capsys, seed):
    folder, manifest = make(tmp_path, capsys, "--projects", "25", "--seed", str(seed))
    assert manifest == []
    assert problems(folder) == []
    bundle, _ = load(folder)
    assert len(bundle.projects) == 25
    for project in bundle.projects:
        assert 2 <= len(project.items) <= 5
        count = sum(len(thirds) for seconds in project.indicators.values() for thirds in seconds.values())
        assert 15 <= count <= 30
        assert set(project.indicators) == {"产出指标", "效益指标", "满意度指标"}
        for first, seconds in project.indicators.items():
            assert set(seconds) <= set(generate.FRAMEWORK[first])


def test_shapes_vary(tmp_path, capsys):
    folder, _ = make(tmp_path, capsys, "--projects", "60", "--seed", "1")
    bundle, _ = load(folder)
    items = [item for p in bundle.projects for item in p.items]
    assert any(item.schedule for item in items)
    assert {item.lines.unit for item in items if item.lines} == {"元", "万元"}
    assert len({p.name for p in bundle.projects}) == 60
    assert any(p.funding.total.yuan > p.funding.annual.yuan for p in bundle.projects)


def test_perfdecl_check_finds_no_errors(tmp_path, capsys):
    folder, _ = make(tmp_path, capsys, "--projects", "30", "--seed", "8")
    _, diags = check(folder)
    assert [d for d in diags if d.severity == ERROR] == []


def test_many_declarations(tmp_path, capsys):
    root, _ = make(tmp_path, capsys, "--projects", "3", "--declarations", "4", "--seed", "2")
    folders = sorted(p.name for p in root.iterdir())
    assert folders == ["d001", "d002", "d003", "d004"]
    for name in folders:
        assert problems(root / name) == []


def test_faults_are_planted_where_the_manifest_says(tmp_path, capsys):
    folder, manifest = make(tmp_path, capsys, "--projects", "30", "--seed", "4", "--faults", "9")
    assert len(manifest) == 9
    planted = set()
    for line in manifest:
        where, kind, _ = line.split(": ", 2)
        path, row, col = where.rsplit(":", 2)
        assert kind in ("line", "funding", "total")
        planted.add((str(Path(path).resolve()), int(row), int(col)))
    assert len(planted) == 9
    assert set(problems(folder)) == planted


def test_too_many_faults_is_a_usage_error(tmp_path):
    with pytest.raises(SystemExit):
        generate.main([str(tmp_path / "x"), "--projects", "1", "--faults", "500"])
