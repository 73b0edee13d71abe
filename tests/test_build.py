"""perfdecl build end to end, through the CLI: paths, refusals, atomic writes, formats."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import EXAMPLE, copy_example, edit

from perfdecl.cli import cli
from perfdecl.commands import build
from perfdecl.render.templates import builtin

P1 = "01-citizen-services.yaml"
TEMPLATE = builtin("shanghai-2023")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, ["build", *map(str, args)], env=env)


def text_of(path: Path) -> str:
    """The words of a .docx, without markup."""
    from lxml import etree

    xml = zipfile.ZipFile(path).read("word/document.xml")
    return "".join(etree.fromstring(xml).itertext())


def leftovers(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_default_output_is_build_folder_name_docx(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(EXAMPLE)
    assert result.exit_code == 0, result.output
    out = tmp_path / "build" / "2023-songjiang.docx"
    assert zipfile.is_zipfile(out)
    assert "绩效目标设置情况" in text_of(out)
    assert f"已生成 {Path('build', '2023-songjiang.docx')}" in result.output
    assert result.output.strip().splitlines()[-1].startswith("共 1 份申报：生成 1 个文档，0 个错误，")


def test_output_option_writes_exactly_there_creating_folders(tmp_path):
    out = tmp_path / "a" / "b" / "申报.docx"
    result = run(EXAMPLE, "-o", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(out) and sorted(p.name for p in out.parent.iterdir()) == ["申报.docx"]
    assert "1 document(s) written; 0 error(s)" in result.output


def test_two_builds_are_byte_identical_and_source_date_epoch_is_honoured(tmp_path):
    one, two, dated = tmp_path / "1.docx", tmp_path / "2.docx", tmp_path / "3.docx"
    assert run(EXAMPLE, "-o", one).exit_code == 0
    assert run(EXAMPLE, "-o", two).exit_code == 0
    assert one.read_bytes() == two.read_bytes()
    assert {i.date_time for i in zipfile.ZipFile(one).infolist()} == {(1980, 1, 1, 0, 0, 0)}
    assert run(EXAMPLE, "-o", dated, env={"SOURCE_DATE_EPOCH": "1700000000"}).exit_code == 0
    package = zipfile.ZipFile(dated)
    assert {i.date_time for i in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    core = package.read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core
    assert "<cp:lastModifiedBy>上海市松江区科技创新服务中心</cp:lastModifiedBy>" in core  # never the machine's user


def test_bad_source_date_epoch_is_a_usage_error(tmp_path):
    result = run(EXAMPLE, "-o", tmp_path / "x.docx", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.exit_code == 2 and not (tmp_path / "x.docx").exists()


def test_refuses_to_render_a_declaration_with_errors(tmp_path):
    folder = copy_example(tmp_path, {P1: [("category: 经常性项目\n", "")]})
    out = tmp_path / "x.docx"
    result = run(folder, "-o", out)
    assert result.exit_code == 1
    assert re.search(rf"{P1}:\d+:\d+: error\[PD011\]", result.output)
    assert not out.exists()
    assert "生成 0 个文档，1 个错误" in result.output


def test_strict_refuses_on_warnings(tmp_path):
    out = tmp_path / "x.docx"
    result = run(EXAMPLE, "-o", out, "--strict")  # the published example has warnings
    assert result.exit_code == 1 and "warning[" in result.output and not out.exists()


def broken_template(tmp_path: Path, old: str, new: str, file: str = "document.xml.j2") -> Path:
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, folder)
    path = folder / file
    path.write_text(edit(path.read_text(encoding="utf-8"), [(old, new)]), encoding="utf-8")
    return folder


def test_failing_template_keeps_the_previous_document(tmp_path):
    out = tmp_path / "out" / "x.docx"
    assert run(EXAMPLE, "-o", out).exit_code == 0
    before = out.read_bytes()
    template = broken_template(tmp_path, "</doc>", "{{ 1 // 0 }}</doc>")  # fails after every block is written
    result = run(EXAMPLE, "-o", out, "--template", template)
    assert result.exit_code == 1
    assert "document.xml.j2:" in result.output and "ZeroDivisionError" in result.output
    assert "Traceback" not in result.output
    assert out.read_bytes() == before and leftovers(out.parent) == []


def test_interrupted_build_keeps_the_previous_document(tmp_path, monkeypatch):
    out = tmp_path / "x.docx"
    assert run(EXAMPLE, "-o", out).exit_code == 0
    before = out.read_bytes()

    def interrupted(out_file, entries, epoch):
        out_file.write(b"PK\x03\x04 half a zip")
        raise KeyboardInterrupt

    monkeypatch.setattr("perfdecl.render.word.write_zip", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build.run((EXAMPLE,), output=out, jobs=1)
    assert out.read_bytes() == before and leftovers(tmp_path) == []


@pytest.mark.parametrize("name", [P1, "declaration.yaml"])
def test_refuses_to_overwrite_a_source_file(tmp_path, name):
    folder = copy_example(tmp_path)
    before = (folder / name).read_bytes()
    result = run(folder, "-o", folder / name)
    assert result.exit_code == 2
    assert "拒绝覆盖" in result.output and (folder / name).read_bytes() == before


def test_refuses_to_overwrite_the_template(tmp_path):
    template = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, template)
    before = (template / "reference.docx").read_bytes()
    result = run(EXAMPLE, "--template", template, "-o", template / "reference.docx")
    assert result.exit_code == 2 and (template / "reference.docx").read_bytes() == before


def test_output_key_is_relative_to_the_declaration(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023\n",
                                                           "template: shanghai-2023\noutput: out/申报表.docx\n")]})
    result = run(folder)
    assert result.exit_code == 0, result.output
    assert zipfile.is_zipfile(folder / "out" / "申报表.docx") and not (tmp_path / "build").exists()


@pytest.mark.parametrize("value", ["../elsewhere.docx", P1])
def test_output_key_outside_the_folder_or_a_source_is_refused(tmp_path, value):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023\n",
                                                           f"template: shanghai-2023\noutput: {value}\n")]})
    before = (folder / P1).read_bytes()
    result = run(folder)
    assert result.exit_code == 1
    assert "declaration.yaml:8:" in result.output and "[PD012]" in result.output
    assert not (tmp_path / "elsewhere.docx").exists() and (folder / P1).read_bytes() == before


def test_several_declarations_in_parallel(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    first = copy_example(tmp_path / "x", name="甲")
    second = copy_example(tmp_path / "y", {P1: [("name: 市民服务", "name: 市民服务二")]}, name="乙")
    result = run(first, second, "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert "项目名称：市民服务二" not in text_of(tmp_path / "build" / "甲.docx")
    assert "项目名称：市民服务二" in text_of(tmp_path / "build" / "乙.docx")
    assert "生成 2 个文档" in result.output.splitlines()[-1]


def test_output_option_with_several_declarations_is_a_usage_error(tmp_path):
    second = copy_example(tmp_path)
    result = run(EXAMPLE, second, "-o", tmp_path / "x.docx")
    assert result.exit_code == 2 and not (tmp_path / "x.docx").exists()


def test_missing_path_is_a_usage_error(tmp_path):
    assert run(tmp_path / "nothing-here").exit_code == 2


def test_html_page_is_self_contained_with_the_same_spans(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run(EXAMPLE, "--format", "html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "build" / "2023-songjiang.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<link" not in page and "src=" not in page and "<script" not in page
    assert 'rowspan="4"' in page and 'colspan="2"' in page and "font-family" in page and "仿宋" in page
    assert "涉及项目预算资金 2021.05 万元。" in page


def test_split_writes_one_document_per_project(tmp_path):
    out = tmp_path / "sj.docx"
    result = run(EXAMPLE, "-o", out, "--split")
    assert result.exit_code == 0, result.output
    names = ["sj-1-市民服务.docx", "sj-2-项目服务管理.docx", "sj-3-网络信息系统开发、升级、建设.docx",
             "sj-4-网络信息系统运行与维护.docx"]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["sj.docx", *names])
    third = text_of(tmp_path / names[2])
    assert "项目经费情况说明 3" in third and "财政项目支出绩效目标填报表 3" in third
    assert "项目经费情况说明 1" not in third and "项目经费情况说明 4" not in third
    assert "绩效目标设置情况" not in third and "绩效目标设置情况" in text_of(out)


def test_pdf_without_libreoffice_is_a_usage_error_found_before_writing(tmp_path):
    out = tmp_path / "x.docx"
    result = run(EXAMPLE, "-o", out, "--pdf", env={"PATH": str(tmp_path)})
    assert result.exit_code == 2
    assert "apt-get install libreoffice-writer" in result.output and "libreoffice.org" in result.output
    assert "Traceback" not in result.output and list(tmp_path.iterdir()) == []


def test_pdf_needs_docx(tmp_path):
    assert run(EXAMPLE, "-o", tmp_path / "x.html", "--format", "html", "--pdf").exit_code == 2


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_pdf_is_written_beside_the_docx(tmp_path):
    out = tmp_path / "x.docx"
    result = run(EXAMPLE, "-o", out, "--pdf")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "x.pdf").read_bytes().startswith(b"%PDF")


def test_declaration_names_its_own_template_folder(tmp_path):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: 我的模板")]})
    shutil.copytree(TEMPLATE, folder / "我的模板")
    main = folder / "我的模板" / "document.xml.j2"
    main.write_text(edit(main.read_text(encoding="utf-8"), [(">绩效目标设置情况<", ">绩效目标总体情况<")]),
                    encoding="utf-8")
    result = run(folder, "-o", tmp_path / "x.docx")
    assert result.exit_code == 0, result.output
    assert "绩效目标总体情况" in text_of(tmp_path / "x.docx")


def test_unknown_template_is_a_positioned_diagnostic(tmp_path):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: shanghai-2042")]})
    result = run(folder, "-o", tmp_path / "x.docx")
    assert result.exit_code == 1 and not (tmp_path / "x.docx").exists()
    assert "declaration.yaml:7:11: error[PD012]" in result.output and "shanghai-2042" in result.output


def test_a_template_can_override_one_file_of_a_base(tmp_path):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "template.yaml").write_text("name: mine\nbase: shanghai-2023\n", encoding="utf-8")
    form = (TEMPLATE / "form.xml.j2").read_text(encoding="utf-8")
    (folder / "form.xml.j2").write_text(edit(form, [("<td>年度指标值</td>", "<td>指标值（年度）</td>")]),
                                        encoding="utf-8")
    result = run(EXAMPLE, "-o", tmp_path / "x.docx", "--template", folder)
    assert result.exit_code == 0, result.output
    text = text_of(tmp_path / "x.docx")
    assert "指标值（年度）" in text and "年度指标值" not in text and "项目经费情况说明 4" in text


@pytest.mark.parametrize("old, new, said", [
    ('<p style="Title">', '<p style="Titel">', "Titel"),  # a style reference.docx lacks
    ("<td>一级指标</td>", "<td>一级指标</td><td/><td/><td/><td/><td/>", "超出"),  # too many cells
    ("</doc>", "<p>unclosed</doc>", "XML"),
    ("{% for n, project in numbered %}", "{% for n, project in numbered %}{{ project.nonexistent }}", "nonexistent"),
    ("{% for n, project in numbered %}", "{% for n, project in numbered %}{{ project.__class__ }}", "unsafe"),
    ("{% for n, project in numbered %}", "{% for n, project in numbered %}{{ projects.append(1) }}", "unsafe"),
    ("{% for n, project in numbered %}", "{% for n, project in numbered %}{{ project.source.path.read_text() }}",
     "unsafe"),  # no file access from a template
])
def test_bad_templates_fail_with_a_message(tmp_path, old, new, said):
    file = "form.xml.j2" if "一级指标" in old else "document.xml.j2"
    template = broken_template(tmp_path, old, new, file)
    result = run(EXAMPLE, "-o", tmp_path / "x.docx", "--template", template)
    assert result.exit_code == 1 and said in result.output
    assert "Traceback" not in result.output and not (tmp_path / "x.docx").exists()


def test_missing_template_folder_is_a_usage_error(tmp_path):
    assert run(EXAMPLE, "-o", tmp_path / "x.docx", "--template", tmp_path / "none").exit_code == 2


def test_check_does_not_load_the_renderer():
    code = ("import sys; from click.testing import CliRunner; from perfdecl.cli import cli; "
            f"CliRunner().invoke(cli, ['check', {str(EXAMPLE)!r}]); "
            "print(sorted(m for m in ('lxml', 'docx', 'perfdecl.render.word') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def tree(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `root`."""
    return {str(p.relative_to(root)): None if p.is_dir() else p.read_bytes() for p in root.rglob("*")}


def with_output(tmp_path: Path, value: str) -> Path:
    return copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023\n",
                                                         f"template: shanghai-2023\noutput: '{value}'\n")]})


@pytest.mark.parametrize("value", [".", "./", "sub/..", "...", "sub/. "])
@pytest.mark.parametrize("fmt", ["docx", "html"])
def test_output_key_that_names_no_file_inside_the_folder_is_refused(tmp_path, value, fmt):
    # `output: .` once became <folder>.docx beside the folder: the suffix is put on before checking
    folder = with_output(tmp_path, value)
    before = tree(tmp_path)
    result = run(folder, "--format", fmt)
    assert result.exit_code == 1, result.output
    assert "declaration.yaml:8:" in result.output and "[PD012]" in result.output
    assert tree(tmp_path) == before


def test_output_key_through_a_link_to_outside_is_refused(tmp_path):
    (tmp_path / "elsewhere").mkdir()
    folder = with_output(tmp_path, "out/x.docx")
    (folder / "out").symlink_to(tmp_path / "elsewhere")
    result = run(folder)
    assert result.exit_code == 1 and "[PD012]" in result.output
    assert list((tmp_path / "elsewhere").iterdir()) == []


SECRET = "SECRET-CONTENT-4711"


def linked_template(tmp_path: Path, name: str) -> Path:
    """A copy of the built-in template whose `name` is a symlink to a file outside the folder."""
    folder = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, folder)
    outside = tmp_path / f"outside-{name}"
    if name == "reference.docx":
        outside.write_bytes((folder / name).read_bytes())
    else:
        outside.write_text((folder / name).read_text(encoding="utf-8").replace("项目名称", SECRET), encoding="utf-8")
    (folder / name).unlink()
    (folder / name).symlink_to(outside)
    return folder


@pytest.mark.parametrize("name, fmt", [("form.xml.j2", "docx"), ("document.xml.j2", "docx"),
                                       ("html.css", "html"), ("reference.docx", "docx"),
                                       ("template.yaml", "docx")])
def test_template_files_may_not_lead_outside_the_template_folder(tmp_path, name, fmt):
    template = linked_template(tmp_path, name)
    out = tmp_path / "out" / f"x.{fmt}"
    result = run(EXAMPLE, "-o", out, "--template", template, "--format", fmt, "--lang", "en")
    assert result.exit_code == 1, result.output
    assert f"{name} leads outside the template folder" in result.output
    assert SECRET not in result.output and not out.parent.exists() and "Traceback" not in result.output


def test_template_files_linked_within_the_template_folder_are_fine(tmp_path):
    template = tmp_path / "tpl"
    shutil.copytree(TEMPLATE, template)
    (template / "parts").mkdir()
    (template / "form.xml.j2").rename(template / "parts" / "form.xml.j2")
    (template / "form.xml.j2").symlink_to(Path("parts", "form.xml.j2"))
    out = tmp_path / "x.docx"
    result = run(EXAMPLE, "-o", out, "--template", template)
    assert result.exit_code == 0, result.output
    assert "财政项目支出绩效目标填报表 4" in text_of(out)


def test_a_template_include_cannot_climb_out_of_its_folder(tmp_path):
    (tmp_path / "secret.xml.j2").write_text(f"<p>{SECRET}</p>", encoding="utf-8")
    template = broken_template(tmp_path, "{% if part is none %}", '{% include "../secret.xml.j2" %}{% if part is none %}')
    out = tmp_path / "x.docx"
    result = run(EXAMPLE, "-o", out, "--template", template)
    assert result.exit_code == 1 and SECRET not in result.output and not out.exists()


def twins(tmp_path: Path) -> tuple[Path, Path]:
    """Two declaration folders of one name, d1/x and d2/x."""
    return copy_example(tmp_path / "d1", name="x"), copy_example(tmp_path / "d2", name="x")


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_declarations_writing_one_file_write_nothing(tmp_path, monkeypatch, jobs):
    monkeypatch.chdir(tmp_path)
    first, second = twins(tmp_path)
    before = tree(tmp_path)
    result = run(first, second, "-j", jobs)
    assert result.exit_code == 2, result.output
    assert re.search(rf"{re.escape(str(Path('d1', 'x')))} 与 {re.escape(str(Path('d2', 'x')))} 都要写入 "
                     rf"{re.escape(str(Path('build', 'x.docx')))}", result.output)
    assert tree(tmp_path) == before  # no build/ folder, no temporary file


def test_clash_of_a_split_part_with_another_declaration_is_found_before_writing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    whole = copy_example(tmp_path, name="a")
    part = copy_example(tmp_path, name="a-1-市民服务")  # build/a-1-市民服务.docx is also whole's first part
    result = run(whole, part, "--split", "--format", "html", "--lang", "en")
    assert result.exit_code == 2, result.output
    assert f"would both write {Path('build', 'a-1-市民服务.html')}" in result.output
    assert not (tmp_path / "build").exists()


def test_output_option_naming_a_folder_is_a_usage_error(tmp_path):
    result = run(EXAMPLE, "-o", tmp_path, "--lang", "en")
    assert result.exit_code == 2 and "must name a file" in result.output
    assert list(tmp_path.iterdir()) == []
    assert "是文件夹" in run(EXAMPLE, "-o", tmp_path).output


@pytest.mark.parametrize("name", ["..", "sub/.."])
def test_output_option_naming_no_file_is_a_usage_error(tmp_path, name):
    (tmp_path / "w").mkdir()
    before = tree(tmp_path)
    assert run(EXAMPLE, "-o", tmp_path / "w" / name).exit_code == 2
    assert tree(tmp_path) == before


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_document_and_its_pdf_of_one_name_are_refused(tmp_path):
    result = run(EXAMPLE, "-o", tmp_path / "x.pdf", "--pdf")
    assert result.exit_code == 2 and "会被写入两次" in result.output and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("lang, said", [("zh", r"未生成：\S*2023-songjiang 有 (\d+) 个警告（--strict）"),
                                        ("en", r"not written: \S*2023-songjiang has (\d+) warning\(s\) \(--strict\)")])
def test_strict_says_why_nothing_was_written(tmp_path, lang, said):
    result = run(EXAMPLE, "-o", tmp_path / "x.docx", "--strict", "--lang", lang)
    assert result.exit_code == 1
    found = re.search(said, result.output)
    assert found and int(found.group(1)) == result.output.count("warning[")


@pytest.mark.parametrize("fmt, name", [("html", "x.docx"), ("docx", "x.xlsx"), ("xlsx", "x.HTML"), ("docx", "x.htm")])
def test_an_output_named_for_another_format_is_a_usage_error(tmp_path, fmt, name):
    result = run(EXAMPLE, "-o", tmp_path / name, "--format", fmt, "--lang", "en")
    assert result.exit_code == 2 and f"--format {fmt}" in result.output and name in result.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("fmt, name", [("html", "x.htm"), ("xlsx", "x.XLSX"), ("docx", "x"), ("html", "x.txt")])
def test_an_output_named_for_its_format_or_for_none_is_written(tmp_path, fmt, name):
    result = run(EXAMPLE, "-o", tmp_path / name, "--format", fmt)
    assert result.exit_code == 0, result.output
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_a_template_without_reference_docx_and_without_base_is_told_what_to_do(tmp_path):
    folder = copy_example(tmp_path)
    template = folder / "mine"
    template.mkdir()
    (template / "document.xml.j2").write_text("<doc><p>{{ declaration.unit }}</p></doc>", encoding="utf-8")
    result = CliRunner().invoke(cli, ["build", str(folder), "--template", str(template), "-o", str(tmp_path / "o.docx")])
    assert result.exit_code == 1
    assert "mine" in result.output and "reference.docx" in result.output and "base:" in result.output
    html = CliRunner().invoke(cli, ["build", str(folder), "--template", str(template), "--format", "html",
                                    "-o", str(tmp_path / "o.html")])
    assert html.exit_code == 0, html.output  # the HTML page needs no reference.docx
