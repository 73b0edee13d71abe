"""The Word writer (render/word.py): python-docx in the render path, and what that brings."""
from __future__ import annotations

import gc
import io
import zipfile

import docx
import pytest
from lxml import etree

from perfdecl.render import RenderError
from perfdecl.render.markup import read
from perfdecl.render.templates import REFERENCE, builtin
from perfdecl.render.word import open_reference, to_docx

REF = open_reference(builtin("shanghai-2023") / REFERENCE)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def build(markup: str) -> bytes:
    out = io.BytesIO()
    to_docx(read([markup]), REF, 0, out)
    return out.getvalue()


def test_the_reference_is_opened_by_python_docx_and_styles_resolve_by_name_or_id():
    assert isinstance(REF.document, docx.document.Document)
    data = build('<doc><p style="Heading 1">a</p><p style="heading1">b</p><p style="TABLE TEXT">c</p></doc>')
    paragraphs = docx.Document(io.BytesIO(data)).paragraphs
    assert [(p.text, p.style.name) for p in paragraphs] == [("a", "Heading 1"), ("b", "Heading 1"),
                                                            ("c", "Table Text")]


def test_a_paragraph_style_is_not_a_table_style():
    with pytest.raises(RenderError) as refused:
        build('<doc><table style="Table Text" widths="10"><tr><td/></tr></table></doc>')
    assert "表格样式“Table Text”" in refused.value.zh and "Form Table" in refused.value.zh


def test_tables_sit_left_center_or_right_only():
    body = etree.fromstring(zipfile.ZipFile(io.BytesIO(build(
        '<doc><table widths="10" align="right"><tr><td>x</td></tr></table></doc>'))).read("word/document.xml"))
    assert body.find(f".//{W}tblPr/{W}jc").get(f"{W}val") == "right"
    with pytest.raises(RenderError, match="align"):
        build('<doc><table widths="10" align="justify"><tr><td>x</td></tr></table></doc>')


def test_long_document_properties_are_cut_to_what_word_takes():
    data = build(f'<doc title="{"标" * 300}" author="甲"><p>x</p></doc>')
    core = docx.Document(io.BytesIO(data)).core_properties
    assert core.title == "标" * 255 and core.author == core.last_modified_by == "甲" and core.revision == 1


def test_rendering_leaves_no_reference_cycle_holding_document_elements():
    """The collector is off while rendering (render/document.py), so a cycle would keep a whole table alive."""
    rows = "".join(f'<tr><td rowspan="2">{i}</td><td colspan="2">x</td></tr><tr><td>y</td><td>z</td></tr>'
                   for i in range(20))
    markup = f'<doc><table style="Form Table" widths="10 * 20">{rows}</table><p>after</p></doc>'
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        build(markup)
        gc.collect()
        held = [type(o).__name__ for o in gc.garbage if type(o).__module__.startswith("docx")]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert held == []


def test_a_reference_without_styles_names_no_style(tmp_path):
    """python-docx would make up default styles for it; the document would not carry them."""
    path = tmp_path / "reference.docx"
    with zipfile.ZipFile(builtin("shanghai-2023") / REFERENCE) as source, zipfile.ZipFile(path, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/_rels/document.xml.rels":
                rels = etree.fromstring(data)
                for rel in [r for r in rels if r.get("Type", "").endswith("/styles")]:
                    rels.remove(rel)
                data = etree.tostring(rels)
            if info.filename != "word/styles.xml":
                target.writestr(info, data)
    reference = open_reference(path)
    with pytest.raises(RenderError) as refused:
        to_docx(read(['<doc><p style="Title">x</p></doc>']), reference, 0, io.BytesIO())
    assert "没有段落样式“Title”（有：）" in refused.value.zh
