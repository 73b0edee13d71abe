"""What a form declares beyond its fields: common fields it lacks, indicator columns, the fields naming a project's kind."""
from __future__ import annotations

import zipfile
from pathlib import Path

from click.testing import CliRunner
from helpers import DECLARATION, PROJECT, REPO, at, edit

from perfdecl.cli import cli
from perfdecl.pipeline import check

SHANGHAI = (REPO / "templates" / "shanghai-2023" / "template.yaml").read_text(encoding="utf-8")
NO_DATES = [("start: 2023-01-01\n", ""), ("end: 2023-12-31\n", ""), ("  total: 完成 2023 年设备维护。\n", "")]


def folder_with(tmp_path: Path, form_edits: list[tuple[str, str]], project_edits: list[tuple[str, str]]) -> Path:
    """A declaration whose template `mine` is shanghai-2023 (its files by `base:`) with its form edited."""
    folder = tmp_path / "d"
    (folder / "mine").mkdir(parents=True)
    meta = edit(SHANGHAI, [("name: shanghai-2023\n", "name: mine\nbase: shanghai-2023\n"), *form_edits])
    (folder / "mine" / "template.yaml").write_text(meta, encoding="utf-8")
    (folder / "declaration.yaml").write_text(DECLARATION + "template: mine\n", encoding="utf-8")
    (folder / "p.yaml").write_text(edit(PROJECT, project_edits), encoding="utf-8")
    return folder


def codes(folder: Path) -> list[tuple[str, int, int, str]]:
    return sorted((Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in check(folder)[1])


OPTIONAL = [("  items: required", "  optional: [start, end, goals.total]\n  items: required")]


def test_a_form_may_leave_out_the_period_and_the_total_goal(tmp_path):
    folder = folder_with(tmp_path, OPTIONAL, NO_DATES)
    bundle, diags = check(folder)
    assert diags == []
    project = bundle.projects[0]
    assert project.start is None and project.end is None and project.goals.total is None
    assert project.goals.annual == "完成设备维护。"
    out = tmp_path / "out.docx"  # shanghai-2023's own documents, which print the period and the total goal
    result = CliRunner().invoke(cli, ["build", str(folder), "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = zipfile.ZipFile(out).read("word/document.xml").decode("utf-8")
    assert "完成设备维护。" in text and "None" not in text


def test_without_optional_the_common_fields_stay_required(tmp_path):
    folder = folder_with(tmp_path, [], NO_DATES)
    assert {code for *_, code in codes(folder)} == {"PD011"}
    assert len(codes(folder)) == 3


def test_the_period_rules_still_run_when_the_dates_are_written(tmp_path):
    folder = folder_with(tmp_path, OPTIONAL, [("end: 2023-12-31", "end: 2022-12-31")])
    p = folder / "p.yaml"
    assert codes(folder) == [at(p, "2023-01-01", "PD205")]


def test_only_common_fields_may_be_optional(tmp_path):
    folder = folder_with(tmp_path, [("  items: required", "  optional: [start, name, goals.totl]\n  items: required")], [])
    diags = check(folder)[1]
    assert [(d.code, d.pos.path.endswith("template.yaml")) for d in diags] == [("PD016", True)] * 2
    assert all("'goals.total'" in d.message("zh") for d in diags)  # one per wrong entry, naming the right ones
