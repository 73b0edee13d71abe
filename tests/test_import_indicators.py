"""perfdecl import-indicators: an indicator sheet → a project's `indicators:`, the rest of the file untouched."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, REPO, indicator_sheet

from perfdecl.cli import cli
from perfdecl.pipeline import check

CAIYU = REPO / "examples" / "2023-caiyu-demo"


def invoke(*args: object):
    return CliRunner().invoke(cli, [str(a) for a in args])


def indicators_of(project) -> list[tuple]:
    return [(a, b, c, i.value.text, i.link, i.standard) for a, x in project.indicators.items()
            for b, y in x.items() for c, i in y.items()]


def without_indicators(text: str) -> str:
    """The project text with its (last, top-level) indicators block replaced by a placeholder after `name:`."""
    lines = text.splitlines(keepends=True)
    start = next(n for n, line in enumerate(lines) if line.startswith("indicators:"))
    assert all(line.startswith((" ", "\n", "#")) for line in lines[start + 1:])  # the block runs to the end
    rest = lines[:start]
    at = next(n for n, line in enumerate(rest) if line.startswith("name:")) + 1
    return "".join(rest[:at] + ["indicators: {}\n"] + rest[at:])


@pytest.mark.parametrize("example", [EXAMPLE, CAIYU], ids=["songjiang", "caiyu"])
def test_export_then_import_gives_back_every_indicator_and_keeps_the_rest(tmp_path, example):
    folder = tmp_path / "d"
    shutil.copytree(example, folder)
    book = tmp_path / "book.xlsx"
    assert invoke("build", folder, "--format", "xlsx", "-o", book).exit_code == 0
    before, _ = check(folder)
    files = [p.source.path for p in before.projects]
    for path in files:
        emptied = without_indicators(path.read_text(encoding="utf-8"))
        path.write_text(emptied, encoding="utf-8")
        result = invoke("import-indicators", book, path)
        assert result.exit_code == 0, result.output
        after = path.read_text(encoding="utf-8").splitlines(keepends=True)
        kept = emptied.splitlines(keepends=True)
        at = kept.index("indicators: {}\n")
        # every line but the placeholder is still there, in order, unchanged; the block replaced it
        assert after[:at] == kept[:at] and after[len(after) - (len(kept) - at - 1):] == kept[at + 1:]
    after, diags = check(folder)
    assert [indicators_of(p) for p in after.projects] == [indicators_of(p) for p in before.projects]
    assert sum(len(indicators_of(p)) for p in after.projects) > 20
    assert sorted(d.code for d in diags) == sorted(d.code for d in check(example)[1])


def typed_by_a_person(path: Path) -> None:
    """An indicator sheet as a person makes one: a title, merged 一级/二级 cells, words for operators,
    percentages as Excel percentages, blank lines, columns in another order and one more (单位, the
    budget unit, beside 计量单位)."""
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "绩效指标"
    ws.append(["2024 年市民服务项目绩效指标"])
    ws.append([])
    ws.append(["一级指标", "二级指标", "三级指标", "单位", "指标值", "计量单位", "运算符"])  # 单位: the budget unit
    rows = [
        ["产出指标", "数量指标", "宣传单发放数量", "社保卡服务部", 56850, "份", "≥"],
        [None, None, "宣传网点数量", None, "22", "个", "大于等于"],
        [None, "质量指标", "宣传品发放到位率", None, 1, None, "＝"],
        [],
        [None, "时效指标", "宣传品发放及时性", None, "2023 年 10 月底", None, None],
        [None, "成本指标", "成本控制率", None, "小于预算申请数", None, None],
        ["效益指标", "社会效益指标", "卡片信息准确率", None, 99.5, "%", "＞"],
        [None, "可持续影响指标", "长效管理制度健全性", None, "健全有效", None, None],
        ["满意度指标", "服务对象满意度指标", "宣传对象满意度", None, 0.9, None, ">="],
    ]
    for row in rows:
        ws.append(row)
    ws["E6"].number_format = "0%"  # 1 shown as 100%
    ws["E12"].number_format = "0%"
    ws.merge_cells("A4:A9")
    ws.merge_cells("B4:B5")
    ws.merge_cells("A10:A11")
    book.save(path)


def test_a_sheet_typed_by_a_person_imports_and_checks(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(EXAMPLE, folder)
    project = folder / "01-citizen-services.yaml"
    project.write_text(project.read_text(encoding="utf-8").replace(
        "{value: =56850 份, link: 制作宣传单.qty}", "=56850 份").replace(
        "{value: =4400 份, link: 制作宣传品.qty}", "=4400 份"), encoding="utf-8")
    head = project.read_text(encoding="utf-8").split("indicators:")[0]
    book = tmp_path / "typed.xlsx"
    typed_by_a_person(book)
    result = invoke("import-indicators", book, project)
    assert result.exit_code == 0, result.output
    assert project.read_text(encoding="utf-8").startswith(head)
    bundle, diags = check(folder)
    assert not [d for d in diags if d.severity == "error"], [d.message("en") for d in diags]
    got = {c: v for a, b, c, v, _, _ in indicators_of(bundle.projects[0])}
    assert got == {"宣传单发放数量": ">=56850 份", "宣传网点数量": ">=22 个", "宣传品发放到位率": "=100%",
                   "宣传品发放及时性": "2023 年 10 月底", "成本控制率": "小于预算申请数", "卡片信息准确率": ">99.5%",
                   "长效管理制度健全性": "健全有效", "宣传对象满意度": ">=90%"}
    paths = [(a, b) for a, b, *_ in indicators_of(bundle.projects[0])]
    assert paths[:3] == [("产出指标", "数量指标")] * 2 + [("产出指标", "质量指标")]
    assert paths[-1] == ("满意度指标", "服务对象满意度指标")


def test_cells_that_cannot_be_read_are_named_and_nothing_is_written(tmp_path):
    project = tmp_path / "p.yaml"
    project.write_text("name: x\n# keep me\nindicators:\n  产出指标:\n    数量指标:\n      a: =1 个\n", encoding="utf-8")
    before = project.read_bytes()
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "指标"
    ws.append(["一级指标", "二级指标", "三级指标", "运算符", "指标值", "计量单位"])
    ws.append(["产出指标", "数量指标", "甲", "约等于", 3, "个"])
    ws.append([None, None, "乙", ">=", "很多", "个"])
    ws.append([None, None, "丙", ">=", None, "个"])
    ws.append([None, None, "丁", None, "=SUM(1,2)", "个"])
    ws.append([None, None, "戊", "=", "1", "个"])
    ws.append([None, None, "戊", "=", "2", "个"])
    ws.append(["", "", "", "", "", "备注：以上为示例"])  # a note in the unit column only: a row without 三级指标
    path = tmp_path / "bad.xlsx"
    book.save(path)
    result = invoke("import-indicators", path, project)
    assert result.exit_code == 1
    for where in ("指标!D2", "指标!E3", "指标!E4", "指标!E5", "指标!C7", "指标!C8"):
        assert where in result.output, where
    assert "Traceback" not in result.output
    assert project.read_bytes() == before


def _write_zip(path: Path, entries: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in entries.items():
            z.writestr(name, data)


@pytest.mark.parametrize("kind", ["text", "ole", "zip", "rows", "missing-sheet"])
def test_bad_workbooks_get_a_message_and_exit_1(tmp_path, kind):
    project = tmp_path / "p.yaml"
    project.write_text("name: x\nindicators: {}\n", encoding="utf-8")
    before = project.read_bytes()
    path = tmp_path / "w.xlsx"
    args: list[object] = []
    if kind == "text":
        path.write_text("一级指标,二级指标\n", encoding="utf-8")
        said = "不是 .xlsx"
    elif kind == "ole":  # what an encrypted (password-protected) workbook is
        path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
        said = "密码"
    elif kind == "zip":
        _write_zip(path, {"hello.txt": "hi"})
        said = "xl/workbook.xml"
    elif kind == "rows":
        book = openpyxl.Workbook()
        book.active.append(["一级指标", "二级指标", "三级指标", "指标值"])
        book.active.cell(row=1_048_576, column=1, value="x")
        book.save(path)
        said = "1048576"
    else:
        openpyxl.Workbook().save(path)
        args = ["--sheet", "不存在"]
        said = "不存在"
    result = invoke("import-indicators", path, project, *args)
    assert result.exit_code == 1, result.output
    assert said in result.output and "Traceback" not in result.output
    assert project.read_bytes() == before


def project_and_sheet(tmp_path: Path, *rows: list) -> tuple[Path, Path, openpyxl.Workbook]:
    """Project 乙项目 without indicators, and a sheet with a 项目名称 column holding `rows`."""
    project = tmp_path / "p.yaml"
    project.write_text("name: 乙项目\nindicators: {}\n", encoding="utf-8")
    book = openpyxl.Workbook()
    book.active.append(["项目名称", "一级指标", "二级指标", "三级指标", "指标值"])
    for row in rows:
        book.active.append(row)
    path = tmp_path / "w.xlsx"
    book.save(path)
    return project, path, book


def test_only_the_projects_own_rows_are_taken(tmp_path):
    project, path, _ = project_and_sheet(tmp_path, ["甲项目", "产出指标", "数量指标", "甲的指标", "1 个"],
                                         ["乙项目", "产出指标", "数量指标", "乙的指标", "≥2 个"])
    result = invoke("import-indicators", path, project)
    assert result.exit_code == 0, result.output
    assert project.read_text(encoding="utf-8") == "name: 乙项目\nindicators:\n  产出指标:\n    数量指标:\n      乙的指标: \">=2 个\"\n"


def test_a_sheet_of_one_other_project_is_taken_with_a_note_and_of_several_refused(tmp_path):
    project, path, book = project_and_sheet(tmp_path, ["乙项目（2024）", "产出指标", "数量指标", "乙的指标", "2 个"])
    ws = book.active
    result = invoke("import-indicators", path, project)
    assert result.exit_code == 0 and "乙项目（2024）" in result.output
    assert "乙的指标: =2 个" in project.read_text(encoding="utf-8")
    ws.append(["丙项目", "产出指标", "数量指标", "丙的指标", "3 个"])
    book.save(path)
    before = project.read_bytes()
    result = invoke("import-indicators", path, project)
    assert result.exit_code == 1 and "丙项目" in result.output and project.read_bytes() == before


def test_importing_the_form_sheet_keeps_the_links_it_does_not_show(tmp_path):
    folder = tmp_path / "d"
    shutil.copytree(EXAMPLE, folder)
    book = tmp_path / "book.xlsx"
    assert invoke("build", folder, "--format", "xlsx", "-o", book).exit_code == 0
    project = folder / "01-citizen-services.yaml"
    before = project.read_text(encoding="utf-8")
    assert "link: 制作宣传单.qty" in before
    form_sheet = openpyxl.load_workbook(book).sheetnames[0]  # the 填报表: no 关联明细 column
    result = invoke("import-indicators", book, project, "--sheet", form_sheet)
    assert result.exit_code == 0, result.output
    assert project.read_text(encoding="utf-8") == before


def test_a_huge_other_sheet_does_not_hide_the_indicator_sheet(tmp_path):
    project, path, book = project_and_sheet(tmp_path, ["乙项目", "产出指标", "数量指标", "乙的指标", "2 个"])
    big = book.create_sheet("数据", 0)
    big.cell(row=1_048_576, column=1, value="x")
    book.save(path)
    result = invoke("import-indicators", path, project)
    assert result.exit_code == 0, result.output
    assert "乙的指标: =2 个" in project.read_text(encoding="utf-8")


def test_numbers_beyond_decimal_precision_and_logical_cells(tmp_path):
    project = tmp_path / "p.yaml"
    project.write_text("name: x\nindicators:\n  产出指标:\n    数量指标:\n      a: =1 个\n", encoding="utf-8")
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "指标"
    ws.append(["一级指标", "二级指标", "三级指标", "运算符", "指标值", "计量单位"])
    ws.append(["产出指标", "数量指标", "甲", "=", 1e308, "个"])
    ws["E2"].number_format = "0.00"
    ws.append([None, None, "乙", "=", True, "个"])
    book.save(tmp_path / "w.xlsx")
    result = invoke("import-indicators", tmp_path / "w.xlsx", project, "--lang", "en")
    assert isinstance(result.exception, SystemExit) and result.exit_code == 1, result.output
    assert "指标!E3: the value is TRUE or FALSE" in result.output and "指标!E2" not in result.output
    ws.delete_rows(3)
    book.save(tmp_path / "w.xlsx")
    result = invoke("import-indicators", tmp_path / "w.xlsx", project)
    assert result.exit_code == 0, result.output
    assert "甲: =1" + "0" * 308 + " 个" in project.read_text(encoding="utf-8")


def test_a_project_file_that_is_a_link_is_updated_where_it_points_and_stays_a_link(tmp_path):
    (tmp_path / "shared").mkdir()
    real = tmp_path / "shared" / "p.yaml"
    real.write_text("name: x\nindicators:\n  产出指标:\n    数量指标:\n      a: =1 个\n", encoding="utf-8")
    link = tmp_path / "p.yaml"
    link.symlink_to(Path("shared") / "p.yaml")
    book = openpyxl.Workbook()
    ws = book.active
    ws.append(["一级指标", "二级指标", "三级指标", "运算符", "指标值", "计量单位"])
    ws.append(["产出指标", "数量指标", "甲", "=", 2, "个"])
    book.save(tmp_path / "w.xlsx")
    result = invoke("import-indicators", tmp_path / "w.xlsx", link)
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and "甲: =2 个" in real.read_text(encoding="utf-8")


def test_a_project_written_as_rows_gets_rows_in_the_sheets_order_with_its_links_kept(tmp_path):
    from test_indicator_rows import P, rows_declaration

    folder = rows_declaration(tmp_path)
    project = folder / P
    before = project.read_text(encoding="utf-8")
    book = indicator_sheet(tmp_path / "rows.xlsx", [
        ["满意度指标", "服务对象满意度指标", "用户满意度", ">=95%"], ["产出指标", "数量指标", "彩色带采购数量", "≥6 卷"],
        ["效益指标", "社会效益指标", "服务稳定性", "提升"], ["产出指标", "时效指标", "维护完成时间", "2023 年 12 月底"]])
    result = invoke("import-indicators", book, project)
    assert result.exit_code == 0, result.output
    after = project.read_text(encoding="utf-8")
    assert after[:after.index("indicators:")] == before[:before.index("indicators:")]
    bundle, diags = check(folder)
    assert diags == []
    rows = bundle.projects[0].indicator_rows
    assert [(f, s, n, i.value.text, i.link) for f, s, n, i in rows] == [
        ("满意度指标", "服务对象满意度指标", "用户满意度", ">=95%", None),
        ("产出指标", "数量指标", "彩色带采购数量", ">=6 卷", "彩色带.qty"),  # kept: the sheet has no 关联明细 column
        ("效益指标", "社会效益指标", "服务稳定性", "提升", None),
        ("产出指标", "时效指标", "维护完成时间", "2023 年 12 月底", None)]
    assert after.count("  - {first: ") == 4
