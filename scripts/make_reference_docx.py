#!/usr/bin/env python3
"""Write templates/shanghai-2023/reference.docx with python-docx: page set-up, named styles, footers.

    python scripts/make_reference_docx.py [OUTPUT]

The renderer opens this file, clears its body and appends the document, so
everything about the look lives here and a user can restyle it in Word (open
reference.docx, change a style, save). Layout follows GB/T 9704-2012: A4;
margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm (text block 156 ×
225 mm); body 仿宋_GB2312 三号 (16 pt) at a fixed 28.95 pt line (22 lines a
page); title 方正小标宋简体 二号 (22 pt) centred; headings 黑体 / 楷体_GB2312 /
仿宋 bold; table text 仿宋_GB2312 五号 (10.5 pt); page numbers `— 1 —` in
宋体 四号 (14 pt), right on odd pages and left on even pages.

Every style names its East-Asian font (`w:rFonts/@w:eastAsia`; Word ignores
`w:ascii` for Chinese text) and the document language is zh-CN
(`w:lang/@w:eastAsia`, `w:themeFontLang/@w:eastAsia`), so Chinese text never
falls back to a Japanese face. The font table gives Windows fallbacks
(仿宋_GB2312 → 仿宋, …) through `w:altName`.

python-docx writes the package (content types, relationships, parts), the
styles (names, ids, inheritance, fonts, sizes, spacing, indents, alignment),
the section's page set-up, the even and odd footers and the core properties.
Not python-docx's default template: its theme, settings and styles say ja-JP
and name theme fonts, which would override the Chinese faces. So the package
starts from a seed of four parts python-docx has no API to write (the style
defaults, the settings, the font table, the application properties), and
python-docx's oxml layer adds what its API lacks: East-Asian fonts and
language, indents in characters, outline levels, table style borders and cell
margins, the PAGE field, the document grid. The zip is then rewritten with
fixed times and order: running this again gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
import sys
import zipfile
from pathlib import Path

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_LINE_SPACING, WD_PARAGRAPH_ALIGNMENT
from docx.opc.constants import CONTENT_TYPE as CT
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.package import Package
from docx.opc.packuri import PackURI
from docx.opc.part import Part
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt, Twips
from docx.styles.style import ParagraphStyle
from docx.styles.styles import Styles

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from perfdecl.render.package import ZIP_EPOCH_MIN, write_zip  # noqa: E402

LATIN = "Times New Roman"
FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"
EXACT = 579  # twips: a fixed 28.95 pt line, 22 lines a page
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def mm(value: float) -> Twips:
    return Twips(round(value * 1440 / 25.4))


def fonts_xml(east_asia: str) -> str:
    return (f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east_asia}" w:cs="{LATIN}" '
            f'w:hint="eastAsia"/>')


# ---- the seed: what python-docx has no API to write ----

STYLE_DEFAULTS = f"""{HEAD}<w:styles {nsdecls("w")}><w:docDefaults>
<w:rPrDefault><w:rPr>{fonts_xml(FANGSONG)}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults></w:styles>"""

SETTINGS = f"""{HEAD}<w:settings {nsdecls("w")}>
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="420"/>
<w:characterSpacingControl w:val="compressPunctuation"/>
<w:compat><w:useFELayout/><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/><w:compatSetting w:name="overrideTableStyleFontSizeAndJustification" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/><w:compatSetting w:name="enableOpenTypeFeatures" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/><w:compatSetting w:name="doNotFlipMirrorIndents" w:uri="http://schemas.microsoft.com/office/word" w:val="1"/></w:compat>
<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>
<w:decimalSymbol w:val="."/>
<w:listSeparator w:val=","/>
</w:settings>"""

FONTS = [  # name, Windows fallback (w:altName), charset (86 = GB2312, 00 = ANSI), family, pitch
    (FANGSONG, "仿宋", "86", "modern", "fixed"),
    (KAITI, "楷体", "86", "modern", "fixed"),
    (HEITI, "SimHei", "86", "modern", "fixed"),
    (XIAOBIAOSONG, "宋体", "86", "script", "variable"),
    (SONGTI, "SimSun", "86", "auto", "variable"),
    (LATIN, None, "00", "roman", "variable"),
]
FONT_TABLE = (f'{HEAD}<w:fonts {nsdecls("w")}>'
              + "".join(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                        + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
                        for name, alt, charset, family, pitch in FONTS)
              + "</w:fonts>")

APP = f"""{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>perfdecl</Application></Properties>"""

DOCUMENT = f'{HEAD}<w:document {nsdecls("w", "r")}><w:body><w:sectPr/></w:body></w:document>'


def seed() -> io.BytesIO:
    """A package python-docx can open; its own OPC layer writes the content types and relationships."""
    package = Package()
    document = Part(PackURI("/word/document.xml"), CT.WML_DOCUMENT_MAIN, DOCUMENT.encode(), package)
    package.relate_to(document, RT.OFFICE_DOCUMENT)
    for name, content_type, reltype, xml in (
            ("/word/styles.xml", CT.WML_STYLES, RT.STYLES, STYLE_DEFAULTS),
            ("/word/settings.xml", CT.WML_SETTINGS, RT.SETTINGS, SETTINGS),
            ("/word/fontTable.xml", CT.WML_FONT_TABLE, RT.FONT_TABLE, FONT_TABLE)):
        document.relate_to(Part(PackURI(name), content_type, xml.encode(), package), reltype)
    package.relate_to(Part(PackURI("/docProps/app.xml"), CT.OFC_EXTENDED_PROPERTIES, APP.encode(), package),
                      RT.EXTENDED_PROPERTIES)
    out = io.BytesIO()
    package.save(out)
    out.seek(0)
    return out


# ---- everything else through python-docx ----

def east_asian(style: ParagraphStyle, font: str, size: float) -> None:
    """The style's run fonts: python-docx sets ascii/hAnsi; the East-Asian face, hint and szCs are oxml."""
    style.font.name = LATIN
    rpr = style.element.get_or_add_rPr()
    rpr.rFonts.set(qn("w:eastAsia"), font)
    rpr.rFonts.set(qn("w:cs"), LATIN)
    rpr.rFonts.set(qn("w:hint"), "eastAsia")
    style.font.size = Pt(size)
    rpr.insert_element_before(parse_xml(f'<w:szCs {nsdecls("w")} w:val="{round(size * 2)}"/>'),
                              "w:highlight", "w:u", "w:effect", "w:lang")


def paragraph_style(styles: Styles, name: str, font: str, size: float, *, bold: bool = False,
                    align: WD_PARAGRAPH_ALIGNMENT = WD_PARAGRAPH_ALIGNMENT.JUSTIFY, chars: int = 0,
                    line: int | None = EXACT, before: int = 0, after: int = 0, keep: bool = False,
                    outline: int | None = None, custom: bool = False, priority: int = 10,
                    normal: ParagraphStyle | None = None) -> ParagraphStyle:
    style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH, builtin=not custom)
    if normal is None:
        style.element.set(qn("w:default"), "1")
    else:
        style.base_style = normal
    style.next_paragraph_style = style if name.startswith("Table") or normal is None else normal
    style.priority = priority
    style.quick_style = True
    layout = style.paragraph_format
    if keep:
        layout.keep_with_next = layout.keep_together = True
    layout.widow_control = False
    layout.space_before, layout.space_after = Twips(before), Twips(after)
    if line is None:
        layout.line_spacing = 1.0
    else:
        layout.line_spacing, layout.line_spacing_rule = Twips(line), WD_LINE_SPACING.EXACTLY
    layout.first_line_indent = Twips(round(chars * size * 20))
    style.element.pPr.ind.set(qn("w:firstLineChars"), str(chars * 100))  # Word indents by characters
    layout.alignment = align
    if outline is not None:
        style.element.pPr.append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="{outline}"/>'))
    east_asian(style, font, size)
    if bold:
        style.font.bold = style.font.cs_bold = True
    return style


def table_styles(styles: Styles) -> None:
    """Normal Table (the default) and Form Table (borders, narrow cell margins); no API for table borders."""
    default = styles.add_style("Normal Table", WD_STYLE_TYPE.TABLE, builtin=True)
    default.element.set(qn("w:default"), "1")
    default.priority, default.hidden, default.unhide_when_used = 99, True, True
    default.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        "</w:tblCellMar></w:tblPr>"))
    form = styles.add_style("Form Table", WD_STYLE_TYPE.TABLE)
    form.base_style = default
    form.priority = 59
    form.paragraph_format.first_line_indent = Twips(0)
    form.element.pPr.ind.set(qn("w:firstLineChars"), "0")
    east_asian(form, FANGSONG, 10.5)
    border = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    form.element.append(parse_xml(
        f'<w:tblPr {nsdecls("w")}><w:tblBorders>'
        + "".join(border.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + '</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/>'
        '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr>'))


def define_styles(document: docx.document.Document) -> None:
    styles = document.styles
    center = WD_PARAGRAPH_ALIGNMENT.CENTER
    normal = paragraph_style(styles, "Normal", FANGSONG, 16, chars=2, priority=0)
    paragraph_style(styles, "Title", XIAOBIAOSONG, 22, align=center, outline=0, line=None, before=240, after=480,
                    normal=normal)
    paragraph_style(styles, "Subtitle", KAITI, 16, align=center, priority=11, normal=normal)
    paragraph_style(styles, "Heading 1", HEITI, 16, align=center, keep=True, outline=0, priority=9, before=290,
                    normal=normal)
    paragraph_style(styles, "Heading 2", HEITI, 16, chars=2, keep=True, outline=1, priority=9, normal=normal)
    paragraph_style(styles, "Heading 3", KAITI, 16, chars=2, keep=True, outline=2, priority=9, normal=normal)
    paragraph_style(styles, "Heading 4", FANGSONG, 16, chars=2, bold=True, keep=True, outline=3, priority=9,
                    normal=normal)
    paragraph_style(styles, "Table Text", FANGSONG, 10.5, line=None, custom=True, priority=20, normal=normal)
    paragraph_style(styles, "Table Heading", HEITI, 10.5, align=center, line=None, custom=True, priority=20,
                    normal=normal)
    paragraph_style(styles, "Footer", SONGTI, 14, line=None, priority=99, normal=normal)
    character = styles.add_style("Default Paragraph Font", WD_STYLE_TYPE.CHARACTER, builtin=True)
    character.element.set(qn("w:default"), "1")
    character.priority, character.hidden, character.unhide_when_used = 1, True, True
    table_styles(styles)


SAMPLES = [  # one paragraph per style, so a user restyling in Word sees each; the renderer clears them
    ("Subtitle", "预算单位名称（Subtitle）"),
    ("Title", "2023 年财政支出项目绩效目标申报表（Title）"),
    ("Heading 1", "项目经费情况说明 1（Heading 1）"),
    ("Heading 2", "项目名称：示例（Heading 2）"),
    ("Heading 3", "（一）、子项目（Heading 3）"),
    ("Heading 4", "1、项目概述（Heading 4）"),
    ("Normal", "正文，仿宋_GB2312 三号，首行缩进两字，行距固定值 28.95 磅（Normal）。"),
    ("Table Heading", "表头（Table Heading）"),
    ("Table Text", "表格文字（Table Text）"),
]


def page_set_up(document: docx.document.Document) -> None:
    section = document.sections[0]
    section.page_width, section.page_height = Twips(11906), Twips(16838)
    section.top_margin, section.bottom_margin = mm(37), mm(35)
    section.left_margin, section.right_margin = mm(28), mm(26)
    section.header_distance, section.footer_distance, section.gutter = mm(15), mm(23), Twips(0)
    sect = section._sectPr
    for tag, attrs in (("pgNumType", 'w:start="1"'), ("cols", 'w:space="425"'), ("docGrid", f'w:linePitch="{EXACT}"')):
        sect.append(parse_xml(f'<w:{tag} {nsdecls("w")} {attrs}/>'))  # no API for these
    document.settings.odd_and_even_pages_header_footer = True
    for footer, align, side in ((section.footer, WD_PARAGRAPH_ALIGNMENT.RIGHT, "right"),
                                (section.even_page_footer, WD_PARAGRAPH_ALIGNMENT.LEFT, "left")):
        footer.is_linked_to_previous = False
        paragraph = footer.paragraphs[0]
        paragraph.style = document.styles["Footer"]
        setattr(paragraph.paragraph_format, f"{side}_indent", Twips(280))  # one character in from the edge
        paragraph.alignment = align
        paragraph.add_run("— ")
        field = OxmlElement("w:fldSimple", {qn("w:instr"): " PAGE "})  # no API for fields
        field.append(parse_xml(f'<w:r {nsdecls("w")}><w:t>1</w:t></w:r>'))
        paragraph._p.append(field)
        paragraph._p.append(parse_xml(f'<w:r {nsdecls("w")}><w:t xml:space="preserve"> —</w:t></w:r>'))


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else ROOT / "templates" / "shanghai-2023" / "reference.docx"
    document = docx.Document(seed())
    define_styles(document)
    for style, text in SAMPLES:
        document.add_paragraph(text, style)
    page_set_up(document)
    core = document.core_properties
    core.title, core.author, core.last_modified_by = "perfdecl reference: shanghai-2023", "perfdecl", "perfdecl"
    core.revision = 1
    core.created = core.modified = dt.datetime(1980, 1, 1, tzinfo=dt.timezone.utc)
    saved = io.BytesIO()
    document.save(saved)
    with zipfile.ZipFile(saved) as z:  # python-docx stamps the zip with the clock: rewrite it
        entries = [(info.filename, z.read(info)) for info in z.infolist()]
    with open(output, "wb") as out:
        write_zip(out, entries, ZIP_EPOCH_MIN)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
