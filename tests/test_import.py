"""perfdecl import: build → import → build is byte-identical, and the imported sources hold the example's data."""
from __future__ import annotations

import io
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from click.testing import CliRunner

from perfdecl.cli import cli
from perfdecl.form import form_of
from perfdecl.importer.document import Table, read
from perfdecl.load import load, totals

REPO = Path(__file__).resolve().parents[1]
ROUND_TRIP = sorted(p.name for p in (REPO / "examples").iterdir() if (p / "declaration.yaml").is_file())


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def build(folder: Path, out: Path) -> bytes:
    code, output = run("build", str(folder), "-o", str(out))
    assert code == 0, output
    return out.read_bytes()


def squash(text: str | None) -> str:
    return "".join((text or "").split())


def facts(folder: Path) -> dict[str, object]:
    """What must survive an import: every figure, indicator, goal and narrative, whitespace-insensitive."""
    bundle, diags = load(folder)
    assert bundle is not None, diags
    stated = totals(bundle)
    out: dict[str, object] = {"unit": bundle.declaration.unit, "year": bundle.declaration.year,
                              "summary": (stated.units, stated.projects, stated.amount.yuan)}
    for n, project in enumerate(bundle.projects):
        form = form_of(project)
        out[f"{n}.name"] = project.name
        out[f"{n}.figures"] = [(f.key, f.value.yuan) for f in form.figures_of(project)]
        out[f"{n}.goals"] = (squash(project.goals.total), squash(project.goals.annual))
        out[f"{n}.indicators"] = [(a, b, c, v.value.text, v.standard) for a, seconds in project.indicators.items()
                                  for b, thirds in seconds.items() for c, v in thirds.items()]
        for key, spec, value in form.fields_of(project):
            shown = value.model_dump() if hasattr(value, "model_dump") else value
            if isinstance(shown, list):
                out[f"{n}.{key}"] = [m.model_dump() if hasattr(m, "model_dump") else m for m in shown]
            else:
                out[f"{n}.{key}"] = {k: squash(v) for k, v in shown.items()} if isinstance(shown, dict) else squash(str(shown))
        for i, item in enumerate(project.items):
            out[f"{n}.{i}.title"] = item.title
            for key in ("overview", "basis", "subject", "approach", "arrangement"):
                out[f"{n}.{i}.{key}"] = squash(getattr(item, key))
            if item.lines and item.lines.show:
                out[f"{n}.{i}.lines"] = [(r.name, r.qty, r.price.yuan, r.amount.yuan) for r in item.lines.rows]
            if item.schedule:
                out[f"{n}.{i}.schedule"] = [(r.name, [v.yuan for v in r.values], r.total.yuan)
                                            for r in item.schedule.rows]
    return out


@pytest.mark.parametrize("example", ROUND_TRIP)
def test_round_trip_is_byte_identical_and_keeps_the_data(example: str, tmp_path: Path) -> None:
    first = build(REPO / "examples" / example, tmp_path / "first.docx")
    code, output = run("import", str(tmp_path / "first.docx"), "-o", str(tmp_path / "imported"))
    assert code == 0, output
    assert build(tmp_path / "imported", tmp_path / "second.docx") == first
    assert facts(tmp_path / "imported") == facts(REPO / "examples" / example)
    head = (tmp_path / "imported" / "01-project.yaml").read_text(encoding="utf-8").splitlines()[:2]
    assert head[0] == "# yaml-language-server: $schema=./.schemas/project.schema.json"
    assert head[1].startswith("name: ")
    keys = [line.split(":")[0] for line in (tmp_path / "imported" / "declaration.yaml").read_text(encoding="utf-8")
            .splitlines()[1:] if line[:1].isalpha()]
    stated = ["summary"] if load(REPO / "examples" / example)[0].declaration.summary else []  # type: ignore[union-attr]
    assert keys == ["unit", "year", "department", "budget_units", *stated, "framework", "template", "projects"]


def test_classified_sub_item_and_schedule_come_back(tmp_path: Path) -> None:
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    code, output = run("import", str(tmp_path / "sj.docx"), "-o", str(tmp_path / "out"))
    assert code == 0, output
    bundle, _ = load(tmp_path / "out")
    assert bundle is not None
    classified = [item for p in bundle.projects for item in p.items if item.classified]
    assert [item.title for item in classified] == ["2021年度松江区***工程（运维）"]
    plan = bundle.projects[2].items[0].schedule
    assert plan is not None and plan.years == [2021, 2023] and str(plan.rows[0].values[1]) == "923.164"
    annual = bundle.projects[2].items[0].annual
    assert annual is not None and annual.yuan == Decimal("10016960")


W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def docx_with(body: str, folder: Path) -> Path:
    """A minimal .docx whose body is `body` (WordprocessingML), as another writer might produce it."""
    import docx

    document = docx.Document()
    buffer = io.BytesIO()
    document.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    path = folder / "foreign.docx"
    with zipfile.ZipFile(path, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/document.xml":
                data = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document {W}>'
                        f"<w:body>{body}</w:body></w:document>").encode()
            out.writestr(info, data)
    return path


def cell(text: str, props: str = "") -> str:
    runs = "<w:br/>".join(f"<w:t>{line}</w:t>" for line in text.split("\n"))  # a newline as a soft break
    return f"<w:tc><w:tcPr>{props}</w:tcPr><w:p><w:r>{runs}</w:r></w:p></w:tc>"


def test_text_as_other_writers_store_it(tmp_path: Path) -> None:
    body = ('<w:p><w:bookmarkStart w:id="0" w:name="a"/><w:r><w:t>项目</w:t></w:r><w:r><w:t xml:space="preserve">名称</w:t>'
            '</w:r><w:bookmarkEnd w:id="0"/><w:ins><w:r><w:t>：甲</w:t></w:r></w:ins><w:del><w:r><w:delText>乙</w:delText>'
            '</w:r></w:del><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>'
            '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>丙</w:t></w:r><w:r><w:fldChar w:fldCharType="end"/>'
            '</w:r><w:r><w:br/><w:t>丁</w:t></w:r></w:p>')
    blocks = read(docx_with(body, tmp_path))
    assert [b.text for b in blocks if not isinstance(b, Table)] == ["项目名称：甲丙\n丁"]


def test_merged_cells_and_a_table_split_by_a_page_break(tmp_path: Path) -> None:
    row = "<w:tr>{}</w:tr>"
    first = ("<w:tbl>" + row.format(cell("一级", '<w:vMerge w:val="restart"/>') + cell("二", '<w:gridSpan w:val="2"/>'))
             + row.format(cell("", "<w:vMerge/>") + cell("x") + cell("y")) + "</w:tbl>")
    second = "<w:tbl>" + row.format(cell("a") + cell("b") + cell("c")) + "</w:tbl>"
    blocks = read(docx_with(first + "<w:p/>" + second, tmp_path))
    tables = [b for b in blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert [[c.text for c in r] for r in tables[0].rows] == [["一级", "二", "二"], ["一级", "x", "y"], ["a", "b", "c"]]
    assert tables[0].texts(1) == ["x", "y"]


@pytest.mark.parametrize("content, message", [
    (b"not a zip at all", "不是 .docx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600, "加密"),
])
def test_bad_input_is_refused_with_a_message(tmp_path: Path, content: bytes, message: str) -> None:
    (tmp_path / "bad.docx").write_bytes(content)
    code, output = run("import", str(tmp_path / "bad.docx"), "-o", str(tmp_path / "out"))
    assert code == 1 and message in output and "Traceback" not in output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage", ["bad xml", "no content types", "no body"])
def test_a_damaged_package_gets_a_message(tmp_path: Path, damage: str) -> None:
    build(REPO / "examples" / "2026-putuo-cgzf", tmp_path / "a.docx")
    with zipfile.ZipFile(tmp_path / "a.docx") as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    if damage == "bad xml":
        parts["word/document.xml"] = b"<w:document"
    elif damage == "no content types":
        del parts["[Content_Types].xml"]
    else:
        parts["word/document.xml"] = f'<?xml version="1.0"?><w:document {W}/>'.encode()
    with zipfile.ZipFile(tmp_path / "b.docx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    code, output = run("import", str(tmp_path / "b.docx"), "-o", str(tmp_path / "out"))
    assert code == 1 and output.startswith("错误：") and "Traceback" not in output
    assert not (tmp_path / "out").exists()


def test_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.docx", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"\0" * (64 << 20))
    code, output = run("import", str(tmp_path / "bomb.docx"), "-o", str(tmp_path / "out"))
    assert code == 1 and "压缩炸弹" in output


def test_a_document_without_a_declaration(tmp_path: Path) -> None:
    path = docx_with("<w:p><w:r><w:t>会议纪要</w:t></w:r></w:p>", tmp_path)
    code, output = run("import", str(path), "-o", str(tmp_path / "out"))
    assert code == 1 and "没有找到" in output
    assert not (tmp_path / "out").exists()


def test_never_writes_into_a_non_empty_folder_without_force(tmp_path: Path) -> None:
    build(REPO / "examples" / "2026-putuo-cgzf", tmp_path / "a.docx")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "keep.txt").write_text("mine", encoding="utf-8")
    code, output = run("import", str(tmp_path / "a.docx"), "-o", str(tmp_path / "out"))
    assert code == 2 and "--force" in output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["keep.txt"]
    code, output = run("import", str(tmp_path / "a.docx"), "-o", str(tmp_path / "out"), "--force")
    assert code == 0, output
    assert (tmp_path / "out" / "keep.txt").read_text(encoding="utf-8") == "mine"


def test_unmapped_content_is_listed_and_kept_as_a_comment(tmp_path: Path) -> None:
    build(REPO / "examples" / "2026-putuo-cgzf", tmp_path / "a.docx")
    blocks_doc = tmp_path / "a.docx"
    with zipfile.ZipFile(blocks_doc) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode()
    table = xml.index("<w:tbl>")
    stray = '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>附件：现场照片 12 张</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    parts["word/document.xml"] = (xml[:table] + stray + "<w:p/>" + xml[table:]).encode()
    with zipfile.ZipFile(tmp_path / "b.docx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    code, output = run("import", str(tmp_path / "b.docx"), "-o", str(tmp_path / "out"))
    assert code == 1 and "附件：现场照片 12 张" in output and "表格" in output
    texts = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "out").glob("*.yaml"))
    assert re.search(r"^# .*附件：现场照片 12 张", texts, re.M)


def test_unmapped_content_before_the_first_project_goes_to_the_declaration(tmp_path: Path) -> None:
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    path = edited(tmp_path / "sj.docx", tmp_path / "b.docx",
                  [("<w:t>绩效目标设置情况</w:t>", "<w:t>附件 2</w:t></w:r></w:p><w:p><w:r><w:t>绩效目标设置情况</w:t>")])
    code, output = run("import", str(path), "-o", str(tmp_path / "out"), "--lang", "en")
    assert code == 1 and "paragraph 3: 附件 2" in output and "not mapped" in output
    assert "# [第 3 段] 附件 2" in (tmp_path / "out" / "declaration.yaml").read_text(encoding="utf-8")
    assert "附件 2" not in (tmp_path / "out" / "01-project.yaml").read_text(encoding="utf-8")


def test_unmapped_content_inside_a_sub_item_is_commented_after_it(tmp_path: Path) -> None:
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    xml = zipfile.ZipFile(tmp_path / "sj.docx").read("word/document.xml").decode()
    heading = re.search(r"<w:p>(?:(?!<w:p>).)*?1、项目概述.*?</w:p>", xml)
    assert heading is not None
    stray = '<w:tbl><w:tr><w:tc><w:p><w:r><w:t>附表：宣传网点名单</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    path = edited(tmp_path / "sj.docx", tmp_path / "b.docx", [(heading.group(0), stray + heading.group(0))])
    code, output = run("import", str(path), "-o", str(tmp_path / "out"))
    assert code == 1 and "附表：宣传网点名单" in output
    text = (tmp_path / "out" / "01-project.yaml").read_text(encoding="utf-8")
    comment = text.index("附表：宣传网点名单")
    assert text.index("- title: 项目推进及社保卡宣传活动") < comment < text.index("- title: 设备更新、维护费（外专服务）")


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_doc_file_is_converted_by_libreoffice(tmp_path: Path) -> None:
    build(REPO / "examples" / "2026-putuo-cgzf", tmp_path / "a.docx")
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "doc", "--outdir", str(tmp_path), str(tmp_path / "a.docx")],
                   check=True, capture_output=True, timeout=300)
    code, output = run("import", str(tmp_path / "a.doc"), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert facts(tmp_path / "out") == facts(REPO / "examples" / "2026-putuo-cgzf")


def test_without_libreoffice_a_doc_file_gets_a_message(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import perfdecl.office as office

    monkeypatch.setattr(office.shutil, "which", lambda name: None)
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 100)
    code, output = run("import", str(tmp_path / "old.doc"), "-o", str(tmp_path / "out"))
    assert code == 1 and "LibreOffice" in output and "Traceback" not in output


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_libreoffice_documents_import_to_the_same_data(tmp_path: Path, fmt: str) -> None:
    """The example re-saved by LibreOffice as .docx, and its HTML output converted by LibreOffice to .docx."""
    code, output = run("build", str(REPO / "examples" / "2023-songjiang"), "--format", fmt, "-o", str(tmp_path / f"sj.{fmt}"))
    assert code == 0, output
    (tmp_path / "lo").mkdir()
    subprocess.run(["soffice", f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "docx:MS Word 2007 XML", "--outdir", str(tmp_path / "lo"),
                    str(tmp_path / f"sj.{fmt}")], check=True, capture_output=True, timeout=300)
    code, output = run("import", str(tmp_path / "lo" / "sj.docx"), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert facts(tmp_path / "out") == facts(REPO / "examples" / "2023-songjiang")


def edited(source: Path, target: Path, edits: list[tuple[str, str]]) -> Path:
    """`source` with each (old, new) replaced once in its document.xml, the way another editor might save it."""
    with zipfile.ZipFile(source) as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode()
    for old, new in edits:
        assert old in xml, old
        xml = xml.replace(old, new, 1)
    parts["word/document.xml"] = xml.encode()
    with zipfile.ZipFile(target, "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return target


def test_printed_figures_are_kept_as_printed(tmp_path: Path) -> None:
    """Thousands separators stay as written; a summary that differs from the projects is kept, not corrected."""
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    xml = zipfile.ZipFile(tmp_path / "sj.docx").read("word/document.xml").decode()
    stated = re.search(r"涉及项目预算资金 ([0-9.]+) 万元", xml)
    assert stated is not None
    path = edited(tmp_path / "sj.docx", tmp_path / "b.docx",
                  [(">9677800.00<", ">9,677,800.00<"), (f"资金 {stated.group(1)} 万元", "资金 1234.56 万元")])
    code, output = run("import", str(path), "-o", str(tmp_path / "out"))
    bundle, _ = load(tmp_path / "out")
    assert bundle is not None and bundle.declaration.summary is not None, output
    assert str(bundle.declaration.summary.amount) == "1234.56万元"
    assert str(bundle.projects[3].funding.total) == "9,677,800.00"
    assert bundle.projects[3].funding.total.yuan == Decimal("9677800")


def split_runs(xml: str) -> str:
    """Every run split into runs of at most two characters, with bookmarks and proofing marks between them."""
    def split(m: re.Match[str]) -> str:
        from xml.sax.saxutils import escape, unescape

        text = unescape(m.group(2))
        pieces = [escape(text[i:i + 2]) for i in range(0, len(text), 2)] or [""]
        return '<w:proofErr w:type="spellStart"/>'.join(
            f'<w:r><w:rPr><w:sz w:val="21"/></w:rPr><w:t xml:space="preserve">{piece}</w:t></w:r>'
            f'<w:bookmarkStart w:id="{i}" w:name="b{i}"/><w:bookmarkEnd w:id="{i}"/>' for i, piece in enumerate(pieces))
    return re.sub(r"<w:r>(<w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?<w:t(?: [^>]*)?>([^<]*)</w:t></w:r>", split, xml)


def test_a_document_as_another_writer_stores_it(tmp_path: Path) -> None:
    """Runs split anywhere, half-width punctuation in the labels: the same data comes back."""
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    with zipfile.ZipFile(tmp_path / "sj.docx") as archive:
        parts = {info.filename: archive.read(info) for info in archive.infolist()}
    xml = parts["word/document.xml"].decode()
    for full, half in (("项目资金（元）", "项目资金(元)"), ("其中：财政资金", "其中: 财政资金"), ("项目名称：", "项目名称:")):
        assert full in xml
        xml = xml.replace(full, half)
    parts["word/document.xml"] = split_runs(xml).encode()
    assert parts["word/document.xml"].count(b"<w:r>") > 3 * xml.count("<w:r>")
    with zipfile.ZipFile(tmp_path / "b.docx", "w") as out:
        for name, data in parts.items():
            out.writestr(name, data)
    code, output = run("import", str(tmp_path / "b.docx"), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert facts(tmp_path / "out") == facts(REPO / "examples" / "2023-songjiang")


def test_a_heading_and_its_text_in_one_paragraph(tmp_path: Path) -> None:
    build(REPO / "examples" / "2023-songjiang", tmp_path / "sj.docx")
    xml = zipfile.ZipFile(tmp_path / "sj.docx").read("word/document.xml").decode()
    heading = re.search(r"<w:t>1、项目概述</w:t></w:r></w:p>(<w:p>.*?<w:t>)(社保卡服务部拟于)", xml)
    assert heading is not None
    path = edited(tmp_path / "sj.docx", tmp_path / "b.docx",
                  [(heading.group(0), "<w:t>1、项目概述：</w:t></w:r><w:r><w:t>" + heading.group(2))])
    code, output = run("import", str(path), "-o", str(tmp_path / "out"))
    assert code == 0, output
    assert facts(tmp_path / "out") == facts(REPO / "examples" / "2023-songjiang")


def test_cell_text_wrapped_onto_lines_is_one_value() -> None:
    from perfdecl.importer.recognise import one_line

    assert one_line("普陀区城市管理行政执\n法局执法大队") == "普陀区城市管理行政执法局执法大队"
    assert one_line(" Wi-Fi\n覆盖率 \n") == "Wi-Fi 覆盖率"
    assert one_line("=100.00\n(%)") == "=100.00 (%)"
    assert one_line("\n") == ""


def test_labels_whose_value_is_missing(tmp_path: Path) -> None:
    """Goal labels in the last row, a short row below a label: nothing read, everything listed, no traceback."""
    row = "<w:tr>{}</w:tr>"
    cells = [["项目名称", "甲项目", "项目类别", "经常性项目"], ["年度总目标", "x", "项目总目标"], ["y"], ["项目总目标"]]
    body = "<w:tbl>" + "".join(row.format("".join(cell(t) for t in r)) for r in cells) + "</w:tbl>"
    code, output = run("import", str(docx_with(body, tmp_path)), "-o", str(tmp_path / "out"))
    assert code == 1 and "Traceback" not in output
    assert "表格 1 第 2 行" in output


def test_merged_cells_written_as_repeated_text(tmp_path: Path) -> None:
    row = "<w:tr>{}</w:tr>"
    cells = [["项目名称", "甲项目", "项目类别", "经常性\n项目"],
             ["绩效指标", "一级指标", "二级指标", "三级指标", "年度指标值"],
             ["绩效指标", "产出指标", "数量指标", "培训人次", "=100 人次"],
             ["绩效指标", "产出指标", "数量指标", "培训场次", "=4 场"],
             ["绩效指标", "满意度指标", "服务对象满意度指标", "学员满意度", ">=90%"]]
    body = "<w:tbl>" + "".join(row.format("".join(cell(t) for t in r)) for r in cells) + "</w:tbl>"
    path = docx_with(body, tmp_path)
    run("import", str(path), "-o", str(tmp_path / "out"), "--template", "shanghai-2023")
    import yaml

    data = yaml.safe_load((tmp_path / "out" / "01-project.yaml").read_text(encoding="utf-8"))
    assert data["name"] == "甲项目" and data["category"] == "经常性项目"
    assert data["indicators"] == {"产出指标": {"数量指标": {"培训人次": "=100 人次", "培训场次": "=4 场"}},
                                  "满意度指标": {"服务对象满意度指标": {"学员满意度": ">=90%"}}}


LINE = st.text(alphabet=st.sampled_from(list("项目资金服务维护设备完成年度数量质量ABCxyz0123456789，。、（）：；％% -")),
               min_size=1, max_size=40).map(str.strip).filter(lambda s: bool(s) and not s[0].isdigit())


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=LINE, goals=st.lists(LINE, min_size=1, max_size=3), indicator=LINE, value=LINE)
def test_random_declarations_round_trip(tmp_path_factory: pytest.TempPathFactory, name: str, goals: list[str],
                                        indicator: str, value: str) -> None:
    """A declaration made by `init`, with random texts in its name, goals and an indicator, comes back unchanged."""
    import json

    folder = tmp_path_factory.mktemp("prop")
    code, output = run("init", str(folder / "decl"), "--year", "2023")
    assert code == 0, output
    project = folder / "decl" / "01-project.yaml"
    text = project.read_text(encoding="utf-8")
    text = re.sub(r"^name: .*$", f"name: {json.dumps(name, ensure_ascii=False)}", text, count=1, flags=re.M)
    block = "".join(f"    {line}\n" for line in goals)
    text = re.sub(r"(  total: \|.*\n)(    .*\n)+", lambda m: m.group(1) + block, text, count=1)
    text = re.sub(r"^(      )自助服务终端维护数量: .*$", lambda m: f"{m.group(1)}{json.dumps(indicator, ensure_ascii=False)}: "
                  f"{json.dumps(value, ensure_ascii=False)}", text, count=1, flags=re.M)
    project.write_text(text, encoding="utf-8")
    first = build(folder / "decl", folder / "first.docx")
    code, output = run("import", str(folder / "first.docx"), "-o", str(folder / "back"))
    assert "Traceback" not in output
    assert build(folder / "back", folder / "second.docx") == first
    assert facts(folder / "back") == facts(folder / "decl")


# A form of the user's, its template in the declaration's repository, with its own wording: labels
# that no built-in uses (项目支出名称, 预算部门), goals beside their labels, values inside a paragraph.
OWN_TEMPLATE = {
    "template.yaml": """\
name: own
base: hunan-2024
framework: hunan-2024
form:
  title: 项目支出绩效目标申报表
  items: none
  dates: period
  fields:
    period: {label: 项目支出实施期, type: period, required: true}
    filler: {label: 填表人, type: text}
    phone: {label: 联系电话, type: text}
  funding:
    unit: 万元
    figures:
      budget: 年度本级预算金额
      upper: {label: 该项目支出上级资金, required: false}
    identities: []
    total: budget
    annual: budget
""",
    "document.xml.j2": """\
<doc title="{{ declaration.unit }}">
{% for n, project in numbered %}
{% import "macros.xml.j2" as m %}
{% set funds = project.funding %}
<p style="Heading 1">{{ declaration.year }}年{{ form.title }}</p>
<table style="Form Table" widths="22 20 24 * 24" cell-style="Table Text" cell-align="center" cell-valign="center">
<tr><td>项目支出名称</td><td colspan="2">{{ project.name }}</td><td>预算部门</td><td>{{ project.unit }}</td></tr>
<tr><td>年度本级 预算金额</td><td colspan="2">{{ funds.budget }}</td><td>该项目支出上级资金</td><td>{{ funds.upper }}</td></tr>
<tr><td>项目支出实施期</td><td colspan="4">{{ project.period }}</td></tr>
<tr><td>实施期绩效目标</td><td colspan="4" align="left">{{ m.paras(project.goals.total) }}</td></tr>
<tr><td>本年度绩效目标</td><td colspan="4" align="left">{{ m.paras(project.goals.annual) }}</td></tr>
{% set rows = project.indicators|tree_rows(3) %}
<tr><td rowspan="{{ rows|length + 1 }}">本年度 绩效指标</td><td>一级指标</td><td>二级指标</td><td>三级指标</td><td>指标值及单位</td></tr>
{% for row in rows %}
<tr>
{% if row.spans[0] %}<td rowspan="{{ row.spans[0] }}">{{ row.path[0] }}</td>{% endif %}
{% if row.spans[1] %}<td rowspan="{{ row.spans[1] }}">{{ row.path[1] }}</td>{% endif %}
<td>{{ row.path[2] }}</td><td>{{ row.value.value.text }}</td></tr>
{% endfor %}
</table>
<p>填表人: {{ project.filler or "" }} 联系电话:{{ project.phone or "" }} 填报日期:</p>
{% endfor %}
</doc>
""",
}
OWN_PROJECT = """\
name: 道路保洁服务
period: 2024.03-2024.11
filler: 张三
phone: "13800000000"
funding: {budget: 120, upper: 0}
goals:
  total: 主次干道保洁全覆盖。
  annual: 年内保洁面积 50 万平方米。
indicators:
  产出指标:
    数量指标: {保洁面积: ">=50万平方米"}
    质量指标: {保洁合格率: ">=95%"}
  效益指标:
    社会效益指标: {市容环境: 明显改善}
  满意度指标:
    服务对象满意度指标: {群众满意度: ">=90%"}
"""


def test_a_form_of_the_users_round_trips_through_its_template_folder(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    for name, text in OWN_TEMPLATE.items():
        (repo / "own").mkdir(exist_ok=True)
        (repo / "own" / name).write_text(text, encoding="utf-8")
    source = repo / "unit"
    source.mkdir()
    (source / "declaration.yaml").write_text("unit: 某市环境卫生管理处\nyear: 2024\ndepartment: 某市城市管理局\n"
                                             "framework: hunan-2024\ntemplate: ../own\nprojects: [p.yaml]\n",
                                             encoding="utf-8")
    (source / "p.yaml").write_text(OWN_PROJECT, encoding="utf-8")
    first = build(source, tmp_path / "first.docx")
    code, output = run("import", str(tmp_path / "first.docx"), "--template", str(repo / "own"),
                       "-o", str(repo / "imported"))
    assert code == 0, output
    text = (repo / "imported" / "declaration.yaml").read_text(encoding="utf-8")
    assert "template: ../own" in text and "unit: 某市环境卫生管理处" in text
    project = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    for written in ("name: 道路保洁服务", "filler: 张三", "phone: '13800000000'", "budget: 120",
                    "年内保洁面积 50 万平方米。"):
        assert written in project, written
    assert build(repo / "imported", tmp_path / "second.docx") == first


def test_a_template_folder_outside_the_imported_folders_reach_is_refused(tmp_path: Path) -> None:
    (tmp_path / "own").mkdir()
    for name, text in OWN_TEMPLATE.items():
        (tmp_path / "own" / name).write_text(text, encoding="utf-8")
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"not read")
    code, output = run("import", str(docx), "--template", str(tmp_path / "own"), "-o", str(tmp_path / "out" / "d"))
    assert code == 2 and "git 仓库内" in output
    code, output = run("import", str(docx), "--template", str(tmp_path / "nowhere"), "-o", str(tmp_path / "d2"))
    assert code == 2 and "没有内置模板" in output


PUBLISHED = REPO / "tests" / "data" / "import"  # copies of two published forms, each with its own template folder


def published(name: str, tmp_path: Path) -> tuple[Path, Path]:
    """The form `name` copied into a git repository under tmp_path, and the document built from it."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(PUBLISHED / name, repo / "src")
    build(repo / "src", tmp_path / "first.docx")
    return repo, tmp_path / "first.docx"


def imported(docx: Path, repo: Path) -> tuple[int, str]:
    """`docx` imported into repo/imported beside a copy of the framework file its template names."""
    (repo / "imported").mkdir(exist_ok=True)
    shutil.copy(repo / "src" / "framework.yaml", repo / "imported")
    return run("import", str(docx), "--template", str(repo / "src" / "form"), "-o", str(repo / "imported"), "--force")


@pytest.mark.parametrize("name", sorted(p.name for p in PUBLISHED.iterdir()))
def test_a_published_form_with_its_own_template_round_trips(name: str, tmp_path: Path) -> None:
    repo, docx = published(name, tmp_path)
    code, output = imported(docx, repo)
    assert code == 0, output
    assert facts(repo / "imported") == facts(repo / "src")
    assert build(repo / "imported", tmp_path / "second.docx") == docx.read_bytes()


def test_indicator_values_come_from_the_value_column_not_an_explanation(tmp_path: Path) -> None:
    repo, docx = published("ningde-fangzhi-2019", tmp_path)
    imported(docx, repo)
    project = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    assert re.search(r"供应时效:\n +value: 100%\n +explain: 100%\(历史标准\)\n", project), project
    assert "目标1:确保本室各人员工资及福利的发放;" in project.split("duties:")[0]
    assert "年度履职目标" not in project.split("duties:")[0]
    assert "year: 2019" in (repo / "imported" / "declaration.yaml").read_text(encoding="utf-8")


def test_an_indicator_table_whose_value_column_is_unknown_is_reported_not_guessed(tmp_path: Path) -> None:
    repo, docx = published("ningde-fangzhi-2019", tmp_path)
    renamed = edited(docx, tmp_path / "renamed.docx", [(">目标值<", ">备注<")])
    code, output = imported(renamed, repo)
    assert code == 1, output
    project = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    assert "indicators:" not in project and "历史标准" not in project.split("# 以下内容")[0]
    assert "# [表格 1 第 11 行]" in project and "未能" in output and "指标值" in output


def test_a_second_table_of_annual_indicators_and_a_bracketed_code(tmp_path: Path) -> None:
    repo, docx = published("wuhan-qingshan-2020", tmp_path)
    code, output = imported(docx, repo)
    project = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    assert "department_code: '015001'" in project, project
    assert "total: |\n    优化教育布局" in project
    assert "重点建设工程验收合格率: 100%" in project
    assert "未能对应" not in project, output


def test_an_unknown_template_names_the_built_ins_and_the_folder_looked_for(tmp_path: Path) -> None:
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"not read")
    code, output = run("import", str(docx), "--template", "form", "-o", str(tmp_path / "d"))
    assert code == 2 and "caiyu-2021、hunan-2024、shanghai-2023" in output and "Text(" not in output, output
    assert f"没有模板文件夹 {Path('form').absolute()}（" in output


def test_no_label_becomes_a_goal_and_an_unknown_column_stays_unmapped(tmp_path: Path) -> None:
    repo, docx = published("ningde-fangzhi-2019", tmp_path)
    form = repo / "src" / "form" / "form.xml.j2"  # a goal cell whose wording the import cannot read
    text = form.read_text(encoding="utf-8")
    wrapped = text.replace("{% for line in project.goals.annual|paragraphs %}",
                           "{% if project.goals.annual %}{% for line in project.goals.annual|paragraphs %}")
    form.write_text(wrapped.replace("{% endfor %}</td></tr>", "{% endfor %}{% endif %}</td></tr>", 1), encoding="utf-8")
    assert build(repo / "src", tmp_path / "wrapped.docx") == docx.read_bytes()
    code, output = imported(edited(docx, tmp_path / "renamed.docx", [(">指标解释<", ">说明<")]), repo)
    assert code == 1, output
    data, comments = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8").split("# 以下内容")
    assert "annual: |\n    目标1:确保本室各人员工资及福利的发放;" in data, data
    assert "年度履职目标" not in data.split("duties:")[0]
    assert "供应时效: 100%\n" in data and "历史标准" not in data  # 目标值 is the value; 说明 is no known column
    assert "# [表格 1 第 11 行] 100%(历史标准)" in comments, comments


def test_a_cell_printing_a_value_the_import_cannot_keep_is_listed_not_dropped(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(PUBLISHED / "wuhan-qingshan-2020", repo / "src")
    form = repo / "src" / "form" / "form.xml.j2"
    form.write_text(form.read_text(encoding="utf-8").replace("{{ project.department }}", "{{ project.goals.annual }}"),
                    encoding="utf-8")
    build(repo / "src", tmp_path / "first.docx")
    code, output = imported(tmp_path / "first.docx", repo)
    assert code == 1 and "主管部门及编码 | [015001]按工作计划完成" in output, output


def test_a_group_printed_in_paragraphs_comes_back_in_its_parts(tmp_path: Path) -> None:
    repo, docx = published("huaibei-2025", tmp_path)
    code, output = imported(docx, repo)
    assert code == 0, output
    project = (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    assert re.search(r"\nexplanation:\n  overview: 做好送戏进万村,满足人民日益增长的文化需求。\n"
                     r"  basis: 文化惠民工程实施方案\n  subject: 淮北市文化旅游体育局\n  content: .*\n  arrangement: ", project)
    assert "# 以下内容" not in project + (repo / "imported" / "declaration.yaml").read_text(encoding="utf-8")


def test_a_title_printed_from_values_read_elsewhere_is_checked_against_them(tmp_path: Path) -> None:
    repo, docx = published("huaibei-2025", tmp_path)
    title = "淮北市文化旅游体育局2025年“农村文化建设配套补助经费”项目资金投入情况"
    assert title in docx_text(docx)
    code, output = imported(edited(docx, tmp_path / "other.docx", [("2025年“", "2024年“")]), repo)
    assert code == 1, output
    assert "与文档别处读出的值（declaration.unit=淮北市文化旅游体育局，declaration.year=2025，name=农村文化建设配套补助经费）" \
           "不符：淮北市文化旅游体育局2024年“" in output, output
    assert "year: 2025" in (repo / "imported" / "declaration.yaml").read_text(encoding="utf-8")


def docx_text(docx: Path) -> str:
    return "\n".join(block.text for block in read(docx) if not isinstance(block, Table))


def test_each_project_gets_the_paragraphs_printed_before_its_form(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(PUBLISHED / "huaibei-2025", repo / "src")
    first = next((repo / "src").glob("1-*.yaml"))
    second = first.read_text(encoding="utf-8").replace("农村文化建设配套补助经费", "城市书房运行经费") \
        .replace("做好送戏进万村", "办好城市书房").replace("5.00", "8.00").replace("  arrangement:", "  goals: 全年开放\n  arrangement:")
    (repo / "src" / "2.yaml").write_text(second, encoding="utf-8")
    declaration = repo / "src" / "declaration.yaml"
    declaration.write_text(declaration.read_text(encoding="utf-8") + "  - 2.yaml\n", encoding="utf-8")
    docx = tmp_path / "two.docx"
    build(repo / "src", docx)
    code, output = imported(docx, repo)
    assert code == 0, output
    assert facts(repo / "imported") == facts(repo / "src")
    project = (repo / "imported" / "02-project.yaml").read_text(encoding="utf-8")
    assert "overview: 办好城市书房" in project and "goals: 全年开放" in project
    assert build(repo / "imported", tmp_path / "again.docx") == docx.read_bytes()


def test_a_group_part_printed_beside_its_label_in_the_form(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    shutil.copytree(PUBLISHED / "huaibei-2025", repo / "src")
    document, form = repo / "src" / "form" / "document.xml.j2", repo / "src" / "form" / "form.xml.j2"
    paragraph = '<p>(2)立项依据。{{ project.explanation.basis or "" }}</p>\n'
    assert paragraph in document.read_text(encoding="utf-8")
    document.write_text(document.read_text(encoding="utf-8").replace(paragraph, ""), encoding="utf-8")
    row = '<tr><td>立项依据</td><td colspan="4">{{ project.explanation.basis }}</td></tr>\n<tr><td>年度目标</td>'
    form.write_text(form.read_text(encoding="utf-8").replace("<tr><td>年度目标</td>", row), encoding="utf-8")
    docx = tmp_path / "first.docx"
    build(repo / "src", docx)
    assert "立项依据。" not in docx_text(docx)
    code, output = imported(docx, repo)
    assert code == 0, output
    assert "  basis: 文化惠民工程实施方案\n" in (repo / "imported" / "01-project.yaml").read_text(encoding="utf-8")
    assert build(repo / "imported", tmp_path / "second.docx") == docx.read_bytes()
