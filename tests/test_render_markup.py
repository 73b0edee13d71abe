"""The block markup: reading it, placing cells on the grid, and both backends."""
from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from perfdecl.render import RenderError
from perfdecl.render.markup import grid, read
from perfdecl.render.page import to_html
from perfdecl.render.templates import REFERENCE, builtin
from perfdecl.render.word import open_reference, to_docx

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
REF = open_reference(builtin("shanghai-2023") / REFERENCE)


def blocks(text: str) -> list:
    return list(read([text]).blocks)


def table(rows: str, widths: str = "10 20 30") -> etree._Element:
    return etree.fromstring(f'<table widths="{widths}">{rows}</table>')


def layout(rows: str, widths: str = "10 20 30") -> list[list[tuple]]:
    """Each row as (text, col, span, rowspan, merged) per slot; None text for padding."""
    return [[(s.td.text if s.td is not None else None, s.col, s.span, s.rows, s.merged) for s in slots]
            for _, slots in grid(table(rows, widths), None).rows]


def test_rowspans_continue_in_the_rows_below():
    rows = layout('<tr><td rowspan="3">A</td><td colspan="2">B</td></tr>'
                  '<tr><td>C</td><td rowspan="2">D</td></tr>'
                  "<tr><td>E</td></tr>")
    assert rows == [
        [("A", 0, 1, 3, False), ("B", 1, 2, 1, False)],
        [("A", 0, 1, 3, True), ("C", 1, 1, 1, False), ("D", 2, 1, 2, False)],
        [("A", 0, 1, 3, True), ("E", 1, 1, 1, False), ("D", 2, 1, 2, True)],
    ]


def test_a_merged_block_two_columns_wide_and_short_rows_padded():
    rows = layout('<tr><td colspan="2" rowspan="2">A</td><td>B</td></tr><tr></tr>')
    assert rows == [[("A", 0, 2, 2, False), ("B", 2, 1, 1, False)],
                    [("A", 0, 2, 2, True), (None, 2, 1, 1, False)]]


def test_star_widths_share_the_rest():
    assert grid(table("<tr><td/></tr>", "20 * *"), 156).widths == [20, 68, 68]
    sized = table("<tr><td/></tr>", "20 *")
    sized.set("width", "100")
    assert grid(sized, 156).widths == [20, 80]


@pytest.mark.parametrize("rows, widths, why", [
    ("<tr><td>A</td><td>B</td><td>C</td><td>D</td></tr>", "10 20 30", "超出"),
    ('<tr><td colspan="x">A</td></tr>', "10 20 30", "colspan"),
    ('<tr><td rowspan="0">A</td></tr>', "10 20 30", "rowspan"),
    ('<tr><td/><td rowspan="2"/></tr><tr><td colspan="2"/></tr>', "10 20 30", "重叠"),
    ("<tr><p>x</p></tr>", "10 20 30", "<td>"),
    ("<tr><td/></tr>", "", "widths"),
    ("<tr><td/></tr>", "100 *", "没有宽度"),
])
def test_grid_errors_name_the_element(rows, widths, why):
    with pytest.raises(RenderError) as e:
        grid(table(rows, widths), 100)
    assert why in e.value.zh


@pytest.mark.parametrize("text, why", [
    ("<doc><p>x</doc>", "不是有效的 XML"),
    ("<body/>", "<doc>"),
    ("<doc>loose text<p>x</p></doc>", "段落之外"),
    ("<doc><p>x</p>tail</doc>", "段落之外"),
    ("<doc><image/><p>x</p></doc>", "<image>"),
    ("", "没有输出"),
])
def test_bad_markup_is_a_render_error(text, why):
    with pytest.raises(RenderError) as e:
        blocks(text)
    assert why in e.value.zh


def test_blocks_come_one_by_one_with_doc_attributes():
    doc = read(['<doc title="T" author="A">\n<p>one</p>', "\n<table widths='10'><tr><td><p>x</p></td></tr></table>",
                "<pagebreak/></doc>"])
    assert doc.attrs == {"title": "T", "author": "A"}
    assert [b.tag for b in doc.blocks] == ["p", "table", "pagebreak"]


def docx_of(text: str, epoch: int = 0) -> zipfile.ZipFile:
    out = io.BytesIO()
    to_docx(read([text]), REF, epoch, out)
    return zipfile.ZipFile(out)


def body_of(text: str):
    return etree.fromstring(docx_of(text).read("word/document.xml")).find(f"{W}body")


def test_word_tables_use_grid_span_and_vertical_merge():
    body = body_of('<doc><table widths="10 20 30"><tr><td rowspan="2">A</td><td colspan="2">B</td></tr>'
                   "<tr><td>C</td><td>D</td></tr></table></doc>")
    tbl = body.find(f"{W}tbl")
    assert [int(c.get(f"{W}w")) for c in tbl.iter(f"{W}gridCol")] == [567, 1134, 1701]
    assert tbl.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
    first, second = tbl.findall(f"{W}tr")
    assert first[0].find(f"{W}tcPr/{W}vMerge").get(f"{W}val") == "restart"
    assert first[1].find(f"{W}tcPr/{W}gridSpan").get(f"{W}val") == "2"
    assert first[1].find(f"{W}tcPr/{W}tcW").get(f"{W}w") == "2835"
    assert second[0].find(f"{W}tcPr/{W}vMerge").get(f"{W}val") is None
    assert ["".join(c.itertext()) for c in second] == ["", "C", "D"]
    assert body[-1].tag == f"{W}sectPr"  # the reference's page set-up is kept, last


def test_word_text_is_escaped_and_tabs_and_breaks_are_elements():
    body = body_of('<doc><p style="Heading 1" align="center" page-break="before">'
                   " a&amp;b &lt;c&gt; ]]&gt;\t\u201c引\u201d\n<b>粗<i>斜</i></b></p></doc>")
    p = body.find(f"{W}p")
    assert p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") == "Heading1"
    assert p.find(f"{W}pPr/{W}pageBreakBefore") is not None and p.find(f"{W}pPr/{W}jc").get(f"{W}val") == "center"
    runs = p.findall(f"{W}r")
    assert runs[0].find(f"{W}t").text == " a&b <c> ]]>"
    assert runs[0].find(f"{W}t").get("{http://www.w3.org/XML/1998/namespace}space") == "preserve"
    assert [child.tag for child in runs[0]][1:] == [f"{W}tab", f"{W}t", f"{W}br"]
    assert runs[1].find(f"{W}rPr/{W}b") is not None and runs[1].find(f"{W}rPr/{W}i") is None
    assert runs[2].find(f"{W}rPr/{W}b") is not None and runs[2].find(f"{W}rPr/{W}i") is not None


def test_unknown_style_is_a_render_error_listing_the_styles():
    with pytest.raises(RenderError) as e:
        docx_of('<doc><p style="Nope">x</p></doc>')
    assert "Nope" in e.value.zh and "Heading 1" in e.value.zh and "Table Text" in e.value.zh


def test_same_markup_same_bytes_and_epoch_in_zip_and_core_properties():
    text = '<doc title="标题" author="单位"><p>x</p></doc>'
    one, two = io.BytesIO(), io.BytesIO()
    to_docx(read([text]), REF, 1700000000, one)
    to_docx(read([text]), REF, 1700000000, two)
    assert one.getvalue() == two.getvalue()
    package = zipfile.ZipFile(one)
    assert package.namelist()[0] == "[Content_Types].xml"
    assert {i.date_time for i in package.infolist()} == {(2023, 11, 14, 22, 13, 20)}
    core = package.read("docProps/core.xml").decode()
    assert "2023-11-14T22:13:20Z" in core and "<dc:title>标题</dc:title>" in core
    assert "<cp:lastModifiedBy>单位</cp:lastModifiedBy>" in core and "<cp:revision>1</cp:revision>" in core


def test_html_keeps_spans_and_escapes_text():
    page = b"".join(to_html(read(['<doc title="a&lt;b"><p style="Heading 1">x &amp; &lt;y&gt;</p>'
                                   '<table style="Form Table" widths="10 20"><tr><td rowspan="2">A</td><td>B</td></tr>'
                                   "<tr><td>C</td></tr></table></doc>"]), "p{}", 156)).decode()
    assert "<title>a&lt;b</title>" in page and "<style>\np{}\n</style>" in page
    assert '<p class="heading-1">x &amp; &lt;y&gt;</p>' in page
    assert '<td rowspan="2"><p class="normal">A</p>' in page
    assert page.count("<td") == 3  # the merged cell is not repeated
    assert '<table class="form-table" style="width:30.0mm">' in page
