"""perfdecl templates / template export, and adapting a template without touching Python."""
from __future__ import annotations

import re
import shutil
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from helpers import EXAMPLE, copy_example

from perfdecl.cli import cli
from perfdecl.money import parse_amount
from perfdecl.render.filters import money
from perfdecl.render.templates import _environment, builtin, builtin_names, load
from perfdecl.paths import frameworks_dir


def demo_copy(tmp_path: Path) -> Path:
    folder = tmp_path / "demo"
    shutil.copytree(EXAMPLE.parent / "2023-caiyu-demo", folder)
    (folder / "declaration.yaml").write_text((folder / "declaration.yaml").read_text(encoding="utf-8").replace(
        "template: caiyu-2021", "template: mine"), encoding="utf-8")
    return folder


def invoke(*args: str):
    return CliRunner().invoke(cli, [*map(str, args)])


def document_xml(path: Path) -> str:
    return zipfile.ZipFile(path).read("word/document.xml").decode("utf-8")


def test_templates_lists_every_template_with_its_framework_and_every_framework_with_its_title():
    result = invoke("templates")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    for name in builtin_names():
        meta = yaml.safe_load((builtin(name) / "template.yaml").read_text(encoding="utf-8"))
        (line,) = [row for row in lines if row.split()[:1] == [name] and "framework" in row]
        assert line.split()[-1] == meta["framework"]
        assert meta["description"] in result.output
    for path in sorted(frameworks_dir().glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert any(row.split()[:1] == [path.stem] and row.rstrip().endswith(data["title"]) for row in lines)


def test_export_copies_the_template_and_its_base_into_one_standalone_folder(tmp_path):
    out = tmp_path / "my-template"
    result = invoke("template", "export", "caiyu-2021", out)
    assert result.exit_code == 0, result.output
    own, base = builtin("caiyu-2021"), builtin("shanghai-2023")
    # its own files win over the base's; the base's others are all there
    assert (out / "form.xml.j2").read_bytes() == (own / "form.xml.j2").read_bytes()
    assert (out / "form.xml.j2").read_bytes() != (base / "form.xml.j2").read_bytes()
    for name in ("explanation.xml.j2", "lines.xml.j2", "schedule.xml.j2", "macros.xml.j2", "reference.docx",
                 "html.css"):
        assert (out / name).read_bytes() == (base / name).read_bytes(), name
    meta = yaml.safe_load((out / "template.yaml").read_text(encoding="utf-8"))
    assert meta["name"] == "my-template" and "base" not in meta
    assert meta["framework"] == "caiyu-2021" and meta["standard_column"] is True
    assert load(out).folders == (out,)  # stands alone


def test_export_into_an_existing_empty_folder(tmp_path):
    (tmp_path / "t").mkdir()
    assert invoke("template", "export", "shanghai-2023", tmp_path / "t").exit_code == 0
    assert (tmp_path / "t" / "document.xml.j2").is_file()


def test_export_never_overwrites(tmp_path):
    out = tmp_path / "t"
    out.mkdir()
    (out / "form.xml.j2").write_text("mine", encoding="utf-8")
    result = invoke("template", "export", "shanghai-2023", out)
    assert result.exit_code == 2
    assert "form.xml.j2" in result.output
    assert [p.name for p in out.iterdir()] == ["form.xml.j2"]
    assert (out / "form.xml.j2").read_text(encoding="utf-8") == "mine"


def test_export_of_an_unknown_template_lists_the_known_ones(tmp_path):
    result = invoke("template", "export", "beijing-2023", tmp_path / "t")
    assert result.exit_code == 2
    assert all(name in result.output for name in builtin_names())
    assert not (tmp_path / "t").exists()


def test_a_wording_change_in_an_exported_template_needs_no_python(tmp_path):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: my-template")]})
    assert invoke("template", "export", "shanghai-2023", folder / "my-template").exit_code == 0
    form = folder / "my-template" / "form.xml.j2"
    text = form.read_text(encoding="utf-8")
    assert text.count("年度总目标</td>") == 1
    form.write_text(text.replace("年度总目标</td>", "本年度绩效总目标</td>"), encoding="utf-8")
    out = tmp_path / "mine.docx"
    result = invoke("build", folder, "-o", out)
    assert result.exit_code == 0, result.output
    assert "本年度绩效总目标" in document_xml(out)
    # the same folder used with --template from outside a declaration
    other = tmp_path / "other.docx"
    assert invoke("build", EXAMPLE, "--template", folder / "my-template", "-o", other).exit_code == 0
    assert "本年度绩效总目标" in document_xml(other)
    assert "本年度绩效总目标" not in document_xml(_built(tmp_path))


def _built(tmp_path: Path) -> Path:
    out = tmp_path / "builtin.docx"
    assert invoke("build", EXAMPLE, "-o", out).exit_code == 0
    return out


def test_a_template_folder_with_only_a_changed_file_falls_back_to_its_base(tmp_path):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: slim")]})
    (folder / "slim").mkdir()
    (folder / "slim" / "template.yaml").write_text("name: slim\nbase: shanghai-2023\n", encoding="utf-8")
    shutil.copy(builtin("shanghai-2023") / "document.xml.j2", folder / "slim" / "document.xml.j2")
    doc = (folder / "slim" / "document.xml.j2").read_text(encoding="utf-8")
    (folder / "slim" / "document.xml.j2").write_text(doc.replace("绩效目标设置情况", "一、绩效目标设置情况"),
                                                    encoding="utf-8")
    out = tmp_path / "slim.docx"
    assert invoke("build", folder, "-o", out).exit_code == 0
    xml = document_xml(out)
    assert "一、绩效目标设置情况" in xml and "财政项目支出绩效目标填报表" in xml


@pytest.mark.parametrize(("value", "expected"), [
    ("30000", "3.00"), ("135700元", "13.57"), ("12345.6", "1.23456"), ("13.57万元", "13.57"), ("0", "0.00"),
    ("100000元", "10.00"), ("1.5万元", "1.50"),
])
def test_money_min_places_is_exact_with_at_least_that_many_decimals(value, expected):
    assert money(value, "万元", min_places=2) == expected
    assert Decimal(expected) * 10000 == parse_amount(value).yuan  # nothing lost in conversion


def test_money_places_still_rounds_and_wins_over_min_places():
    assert money("12345.6", "万元", 2) == "1.23"
    assert money("12345.6", "万元", 2, min_places=4) == "1.23"


def _rewrite(docx: Path, part: str, old: str, new: str) -> None:
    """Change one part of a .docx as Word would on saving an edit."""
    with zipfile.ZipFile(docx) as z:
        entries = [(i, z.read(i)) for i in z.infolist()]
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in entries:
            if info.filename == part:
                text = data.decode("utf-8")
                assert text.count(old) == 1, old
                data = text.replace(old, new).encode("utf-8")
            z.writestr(info, data)


def test_restyling_and_page_set_up_in_reference_docx_reach_the_document(tmp_path):
    folder = demo_copy(tmp_path)
    assert invoke("template", "export", "caiyu-2021", folder / "mine").exit_code == 0
    reference = folder / "mine" / "reference.docx"
    _rewrite(reference, "word/styles.xml", '<w:name w:val="Title"/>',
             '<w:name w:val="Title"/><w:aliases w:val="restyled"/>')
    # left margin 28 mm → 38 mm: the text width drops from 156 to 146 mm
    _rewrite(reference, "word/document.xml", 'w:left="1587"', 'w:left="2154"')
    out = tmp_path / "restyled.docx"
    assert invoke("build", folder, "-o", out).exit_code == 0
    package = zipfile.ZipFile(out)
    assert '<w:aliases w:val="restyled"/>' in package.read("word/styles.xml").decode("utf-8")
    body = package.read("word/document.xml").decode("utf-8")
    assert 'w:left="2154"' in body
    # the form's 三级指标 column is `*`: it shrinks so that the table fits the new width
    grids = re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", body)
    form = [g for g in grids if g.count("<w:gridCol") == 7]
    assert form
    for grid in form:
        total = sum(int(w) for w in re.findall(r'w:w="(\d+)"', grid))
        assert abs(total - round(146 * 1440 / 25.4)) <= 7  # twips, rounding per column


def test_a_narrower_page_narrows_the_shanghai_form(tmp_path):
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: mine")]})
    assert invoke("template", "export", "shanghai-2023", folder / "mine").exit_code == 0
    # left margin 28 mm → 38 mm: the text width drops from 156 to 146 mm
    _rewrite(folder / "mine" / "reference.docx", "word/document.xml", 'w:left="1587"', 'w:left="2154"')
    out = tmp_path / "narrow.docx"
    assert invoke("build", folder, "-o", out).exit_code == 0
    grids = re.findall(r"<w:tblGrid>(.*?)</w:tblGrid>", document_xml(out))
    labels = round(20 * 1440 / 25.4)  # the form's first column, 20 mm
    form = [g for g in grids if g.count("<w:gridCol") == 6 and g.startswith(f'<w:gridCol w:w="{labels}"/>')]
    assert len(form) == 4  # one per project of the example
    for grid in form:
        widths = [int(w) for w in re.findall(r'w:w="(\d+)"', grid)]
        assert abs(sum(widths) - round(146 * 1440 / 25.4)) <= 6  # twips, rounding per column
        assert abs(widths[3] - round(30 * 1440 / 25.4)) <= 6  # the `*` column gave up the 10 mm


def test_a_template_folder_symlinked_out_of_the_declaration_is_refused(tmp_path):
    from click.testing import CliRunner

    from perfdecl.cli import cli

    decl = tmp_path / "d"
    shutil.copytree(Path(__file__).resolve().parents[1] / "examples" / "2023-songjiang", decl)
    runner = CliRunner()
    assert runner.invoke(cli, ["template", "export", "shanghai-2023", str(tmp_path / "outside")]).exit_code == 0
    (decl / "mytpl").symlink_to(tmp_path / "outside")
    text = (decl / "declaration.yaml").read_text(encoding="utf-8")
    (decl / "declaration.yaml").write_text(text.replace("template: shanghai-2023", "template: mytpl"), encoding="utf-8")
    result = runner.invoke(cli, ["build", str(decl), "-o", str(tmp_path / "x.docx")])
    assert result.exit_code == 1 and "template" in result.output and "PD012" in result.output
    assert not (tmp_path / "x.docx").exists()


def test_only_templates_made_of_built_in_folders_run_without_the_sandbox(tmp_path):
    shipped = builtin("shanghai-2023")
    copy = tmp_path / "shanghai-2023"  # a user's folder named like a built-in
    shutil.copytree(shipped, copy)
    assert _environment((shipped,)).sandboxed is False
    assert _environment((copy,)).sandboxed is True
    assert _environment((copy, shipped)).sandboxed is True


def test_compiled_templates_are_cached_apart_by_sandbox_and_a_corrupt_entry_is_compiled_again(tmp_path, monkeypatch):
    monkeypatch.setenv("PERFDECL_CACHE_DIR", str(tmp_path / "cache"))
    _environment.cache_clear()
    first = _built(tmp_path).read_bytes()
    entries = list((tmp_path / "cache").glob("jinja-*/*.cache"))
    assert entries
    for entry in entries:
        entry.write_bytes(b"\x00not jinja bytecode")
    _environment.cache_clear()
    assert _built(tmp_path).read_bytes() == first
    assert all(entry.read_bytes() != b"\x00not jinja bytecode" for entry in entries)
    folder = copy_example(tmp_path, {"declaration.yaml": [("template: shanghai-2023", "template: mine")]})
    assert invoke("template", "export", "shanghai-2023", folder / "mine").exit_code == 0
    assert invoke("build", folder, "-o", tmp_path / "mine.docx").exit_code == 0
    assert len(list((tmp_path / "cache").glob("jinja-*"))) == 2
    _environment.cache_clear()
