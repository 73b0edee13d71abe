"""The traced HTML render: a finding marks the cell or paragraph made from the value it points at."""
from __future__ import annotations

from pathlib import Path

from lxml import html as lxml_html

from helpers import at, declaration
from perfdecl.pipeline import check
from perfdecl.render import document, templates
from perfdecl.render.trace import FIRST


def preview(folder: Path, template: Path | None = None) -> tuple[lxml_html.HtmlElement, list]:
    """The page of `folder` parsed, and its findings; a marked element lists its findings' indexes."""
    bundle, diags = check(folder)
    assert bundle is not None
    found, _ = templates.locate(bundle, template)
    page = document.preview(bundle, templates.load(found), [d.pos for d in diags],
                            lambda ns: {"data-findings": " ".join(map(str, ns))})
    return lxml_html.fromstring(page), diags


def marked(page: lxml_html.HtmlElement, diags: list, code: str) -> list[str]:
    """(tag, text) of each element marked with a finding `code`."""
    return [f"{el.tag}:{el.text_content().strip()}" for el in page.iter("td", "p")
            if any(diags[int(n)].code == code for n in el.get("data-findings", "").split())]


def test_a_line_item_finding_marks_its_amount_cell_only(tmp_path: Path) -> None:
    folder = declaration(tmp_path, [("[配件更换, 1, 2.412, 2.412]", "[配件更换, 1, 2.412, 2.413]")])
    page, diags = preview(folder)
    expected = at(folder / "p.yaml", "2.413", "PD101")
    pd101 = [d for d in diags if d.code == "PD101"]
    assert [(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in pd101] == [expected]
    assert marked(page, diags, "PD101") == ["td:2.413"]
    assert not any(el.get("data-findings") for el in page.iter("td") if el.text_content().strip() == "0.588")


def test_a_clean_declaration_marks_nothing_and_leaves_no_marker(tmp_path: Path) -> None:
    page, diags = preview(declaration(tmp_path))
    assert diags == []
    assert page.xpath("//*[@data-findings]") == []
    text = lxml_html.tostring(page, encoding="unicode")
    assert not any(ord(ch) >= FIRST for ch in text)


def test_data_cannot_forge_a_marker_or_markup(tmp_path: Path) -> None:
    forged = "".join(chr(FIRST + n) for n in range(5))
    folder = declaration(tmp_path, [("name: 设备维护", f'name: "设备{forged}<script>alert(1)</script>"')])
    page, diags = preview(folder)
    assert diags == []
    assert page.xpath("//*[@data-findings]") == [] and page.xpath("//script") == []
    assert "设备<script>alert(1)</script>" in page.text_content()


def test_a_traced_value_in_an_attribute_stays_valid(tmp_path: Path) -> None:
    """A template may print data into an attribute; the markers must not end up there."""
    folder = declaration(tmp_path, [("category: 经常性项目", "category: right")],
                         [("projects:", "template: t\nprojects:")])
    (folder / "t").mkdir()
    (folder / "t" / "template.yaml").write_text("base: shanghai-2023\n", encoding="utf-8")
    (folder / "t" / "document.xml.j2").write_text(
        '<doc><p align="{{ projects[0].category }}">{{ projects[0].name }}</p></doc>\n', encoding="utf-8")
    page, _ = preview(folder)
    (p,) = page.iter("p")
    assert "text-align:right" in p.get("style") and p.text_content() == "设备维护"


def test_a_finding_on_a_value_not_printed_marks_the_first_thing_printed_around_it(tmp_path: Path) -> None:
    """The sub-item's `end:` is not shown when its `period:` text is: its heading is marked instead."""
    folder = declaration(tmp_path, [("    end: 2023-12\n", "    end: 2024-07\n    period: 实施周期为一年。\n")])
    page, diags = preview(folder)
    expected = at(folder / "p.yaml", "2024-07", "PD204")
    assert [(Path(d.pos.path).name, d.pos.line, d.pos.col, d.code) for d in diags if d.code == "PD204"] == [expected]
    assert marked(page, diags, "PD204") == ["p:（一）、设备维护费"]
