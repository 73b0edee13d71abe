"""The one way tests look at findings: sets of (file name, line, col, code).

Expected positions are found in the test's own input text (`at(file, needle, code)`),
never taken from perfdecl's output.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from perfdecl.pipeline import check

REPO = Path(__file__).resolve().parents[1]
EXAMPLE = REPO / "examples" / "2023-songjiang"

Finding = tuple[str, int, int, str]  # (file name, line, col, code)

DECLARATION = """\
unit: 测试单位
year: 2023
department: 测试主管部门
framework: shanghai-2023
projects:
  - p.yaml
"""

# A small project that passes every check; tests break it with `edits`.
PROJECT = """\
name: 设备维护
category: 经常性项目
start: 2023-01-01
end: 2023-12-31
funding:
  total: 30000
  fiscal: 30000
  annual: 30000
  appropriation: 30000
goals:
  total: 完成 2023 年设备维护。
  annual: 完成设备维护。
items:
  - title: 设备维护费
    budget: 3万元
    start: 2023-01
    end: 2023-12
    overview: |
      拟于 2023年 1月（至 2023年 12月）维护两台设备。
      经测算，预算资金约 3 万元。
    lines:
      unit: 万元
      rows:
        - [彩色带, 6, 0.098, 0.588]
        - [配件更换, 1, 2.412, 2.412]
      total: 3
indicators:
  产出指标:
    数量指标:
      彩色带采购数量: {value: =6 卷, link: 彩色带.qty}
    时效指标:
      维护完成时间: 2023 年 12 月底
  效益指标:
    社会效益指标:
      服务稳定性: 提升
  满意度指标:
    服务对象满意度指标:
      用户满意度: ">=90%"
"""


def edit(text: str, edits: list[tuple[str, str]]) -> str:
    """`text` with each (old, new) replaced; each `old` must occur exactly once."""
    for old, new in edits:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        text = text.replace(old, new)
    return text


def declaration(tmp_path: Path, edits: list[tuple[str, str]] = (), decl_edits: list[tuple[str, str]] = ()) -> Path:
    """A one-project declaration in tmp_path/d made from PROJECT with `edits` applied."""
    folder = tmp_path / "d"
    folder.mkdir(parents=True)
    (folder / "declaration.yaml").write_text(edit(DECLARATION, list(decl_edits)), encoding="utf-8")
    (folder / "p.yaml").write_text(edit(PROJECT, list(edits)), encoding="utf-8")
    return folder


SHANGHAI = (REPO / "templates" / "shanghai-2023" / "template.yaml").read_text(encoding="utf-8")


def folder_with(tmp_path: Path, form_edits: list[tuple[str, str]], project_edits: list[tuple[str, str]]) -> Path:
    """A declaration whose template `mine` is shanghai-2023 (its files by `base:`) with its form edited."""
    folder = tmp_path / "d"
    (folder / "mine").mkdir(parents=True)
    meta = edit(SHANGHAI, [("name: shanghai-2023\n", "name: mine\nbase: shanghai-2023\n"), *form_edits])
    (folder / "mine" / "template.yaml").write_text(meta, encoding="utf-8")
    (folder / "declaration.yaml").write_text(DECLARATION + "template: mine\n", encoding="utf-8")
    (folder / "p.yaml").write_text(edit(PROJECT, project_edits), encoding="utf-8")
    return folder


def copy_example(tmp_path: Path, edits: dict[str, list[tuple[str, str]]] | None = None, name: str = "ex") -> Path:
    """A copy of the example declaration with (old, new) text edits per file name."""
    folder = tmp_path / name
    shutil.copytree(EXAMPLE, folder)
    for file, changes in (edits or {}).items():
        path = folder / file
        path.write_text(edit(path.read_text(encoding="utf-8"), changes), encoding="utf-8")
    return folder


def at(file: Path, needle: str, code: str, mark: str | None = None, nth: int = 0) -> Finding:
    """The finding `code` expected at the `nth` occurrence of `needle` in `file`,
    at its start or, given `mark`, where `mark` starts within it."""
    count = 0
    shift = needle.index(mark) if mark else 0
    for number, line in enumerate(file.read_text(encoding="utf-8").splitlines(), start=1):
        col = line.find(needle)
        while col >= 0:
            if count == nth:
                return file.name, number, col + 1 + shift, code
            count += 1
            col = line.find(needle, col + 1)
    raise AssertionError(f"{needle!r} not found {nth + 1} times in {file}")


def value_at(file: Path, needle: str, code: str) -> Finding:
    """The finding `code` at the value of the `name: value` line `needle`."""
    name, line, col, code = at(file, needle, code)
    return name, line, col + needle.index(": ") + 2, code


def findings(folder: Path) -> set[Finding]:
    """What `perfdecl check` finds in a declaration folder."""
    _, diags = check(folder)
    return {(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in diags}


def from_json(text: str) -> set[Finding]:
    """The findings in `perfdecl check --format json` output."""
    return {(Path(d["path"]).name, d["line"], d["column"], d["code"]) for d in json.loads(text)}


def assert_findings(folder: Path, *expected: Finding, baseline: set[Finding] = frozenset()) -> None:
    """The folder's findings, less `baseline`, are exactly `expected`."""
    found = findings(folder) - set(baseline)
    assert found == set(expected), f"unexpected: {sorted(found - set(expected))}, missing: {sorted(set(expected) - found)}"


def serve(folder: Path, cwd: Path) -> tuple[subprocess.Popen, str]:
    """`perfdecl serve folder --port 0` running in `cwd`, and the address it says it serves at
    (it says so once its first build is done and it watches the files)."""
    process = subprocess.Popen([sys.executable, "-m", "perfdecl", "serve", str(folder), "--port", "0"],
                               cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONUNBUFFERED": "1"})
    assert process.stdout is not None
    address = next((m.group() for m in map(re.compile(r"http://127\.0\.0\.1:\d+/").search, process.stdout) if m), None)
    if address is None:
        process.kill()
        raise AssertionError(f"perfdecl serve did not start: {process.communicate()[1]}")
    return process, address


def indicator_sheet(path: Path, rows: list[list[str]]) -> Path:
    """A workbook at `path` whose one sheet lists indicators under 一级指标 / 二级指标 / 三级指标 / 指标值."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for row in [["一级指标", "二级指标", "三级指标", "指标值"], *rows]:
        sheet.append(row)
    book.save(path)
    return path
