#!/usr/bin/env python3
"""Write templates/shanghai-2023/reference.docx: page set-up, named styles, footers.

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

The parts are written by hand (no python-docx default template, whose theme
and settings say ja-JP) and zipped deterministically: running this again
gives the same bytes.
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from perfdecl.render.word import ZIP_EPOCH_MIN, write_zip  # noqa: E402

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
LATIN = "Times New Roman"
FANGSONG, KAITI, HEITI, XIAOBIAOSONG, SONGTI = "仿宋_GB2312", "楷体_GB2312", "黑体", "方正小标宋简体", "宋体"


def mm(value: float) -> int:
    """Millimetres → twentieths of a point."""
    return round(value * 1440 / 25.4)


def fonts(east_asia: str) -> str:
    return (f'<w:rFonts w:ascii="{LATIN}" w:hAnsi="{LATIN}" w:eastAsia="{east_asia}" w:cs="{LATIN}" '
            f'w:hint="eastAsia"/>')


def run_props(east_asia: str, size_pt: float, bold: bool = False) -> str:
    half = round(size_pt * 2)
    return (f"<w:rPr>{fonts(east_asia)}{'<w:b/><w:bCs/>' if bold else ''}"
            f'<w:sz w:val="{half}"/><w:szCs w:val="{half}"/></w:rPr>')


def indent(chars: int, size_pt: float) -> str:
    """First-line indent in characters (Word) and twips (other readers)."""
    return f'<w:ind w:firstLineChars="{chars * 100}" w:firstLine="{round(chars * size_pt * 20)}"/>'


EXACT_LINE = '<w:spacing w:before="0" w:after="0" w:line="579" w:lineRule="exact"/>'  # 28.95 pt: 22 lines a page
SINGLE_LINE = '<w:spacing w:before="0" w:after="0" w:line="240" w:lineRule="auto"/>'


def paragraph_style(sid: str, name: str, font: str, size: float, *, bold: bool = False, align: str = "both",
                    chars: int = 0, spacing: str = EXACT_LINE, keep: bool = False, outline: int | None = None,
                    default: bool = False, custom: bool = False, priority: int = 10) -> str:
    attrs = ' w:default="1"' if default else (' w:customStyle="1"' if custom else "")
    based = "" if default else '<w:basedOn w:val="Normal"/>'
    keep_xml = "<w:keepNext/><w:keepLines/>" if keep else ""
    outline_xml = "" if outline is None else f'<w:outlineLvl w:val="{outline}"/>'
    ppr = (f'<w:pPr>{keep_xml}<w:widowControl w:val="0"/>{spacing}{indent(chars, size)}'
           f'<w:jc w:val="{align}"/>{outline_xml}</w:pPr>')
    following = sid if sid.startswith("Table") else "Normal"
    return (f'<w:style w:type="paragraph"{attrs} w:styleId="{sid}"><w:name w:val="{name}"/>{based}'
            f'<w:next w:val="{following}"/><w:uiPriority w:val="{priority}"/><w:qFormat/>'
            f"{ppr}{run_props(font, size, bold)}</w:style>")


BORDER = '<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
TABLE_BORDERS = "".join(BORDER.format(side=s) for s in ("top", "left", "bottom", "right", "insideH", "insideV"))

STYLES = f"""{HEAD}<w:styles xmlns:w="{W_NS}">
<w:docDefaults>
<w:rPrDefault><w:rPr>{fonts(FANGSONG)}<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/><w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>
<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault>
</w:docDefaults>
{paragraph_style("Normal", "Normal", FANGSONG, 16, chars=2, default=True, priority=0)}
{paragraph_style("Title", "Title", XIAOBIAOSONG, 22, align="center", outline=0,
                 spacing='<w:spacing w:before="240" w:after="480" w:line="240" w:lineRule="auto"/>')}
{paragraph_style("Subtitle", "Subtitle", KAITI, 16, align="center", priority=11)}
{paragraph_style("Heading1", "heading 1", HEITI, 16, align="center", keep=True, outline=0, priority=9,
                 spacing='<w:spacing w:before="290" w:after="0" w:line="579" w:lineRule="exact"/>')}
{paragraph_style("Heading2", "heading 2", HEITI, 16, chars=2, keep=True, outline=1, priority=9)}
{paragraph_style("Heading3", "heading 3", KAITI, 16, chars=2, keep=True, outline=2, priority=9)}
{paragraph_style("Heading4", "heading 4", FANGSONG, 16, chars=2, bold=True, keep=True, outline=3, priority=9)}
{paragraph_style("TableText", "Table Text", FANGSONG, 10.5, spacing=SINGLE_LINE, custom=True, priority=20)}
{paragraph_style("TableHeading", "Table Heading", HEITI, 10.5, align="center", spacing=SINGLE_LINE, custom=True,
                 priority=20)}
{paragraph_style("Footer", "footer", SONGTI, 14, spacing=SINGLE_LINE, priority=99)}
<w:style w:type="character" w:default="1" w:styleId="DefaultParagraphFont"><w:name w:val="Default Paragraph Font"/><w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="table" w:customStyle="1" w:styleId="FormTable"><w:name w:val="Form Table"/><w:basedOn w:val="TableNormal"/><w:uiPriority w:val="59"/><w:pPr><w:ind w:firstLineChars="0" w:firstLine="0"/></w:pPr><w:rPr>{fonts(FANGSONG)}<w:sz w:val="21"/><w:szCs w:val="21"/></w:rPr><w:tblPr><w:tblBorders>{TABLE_BORDERS}</w:tblBorders><w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="57" w:type="dxa"/><w:bottom w:w="28" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>
<w:style w:type="numbering" w:default="1" w:styleId="NoList"><w:name w:val="No List"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/></w:style>
</w:styles>"""

SAMPLES = [  # one paragraph per style, so a user restyling in Word sees each; the renderer clears them
    ("Subtitle", "预算单位名称（Subtitle）"),
    ("Title", "2023 年财政支出项目绩效目标申报表（Title）"),
    ("Heading1", "项目经费情况说明 1（Heading 1）"),
    ("Heading2", "项目名称：示例（Heading 2）"),
    ("Heading3", "（一）、子项目（Heading 3）"),
    ("Heading4", "1、项目概述（Heading 4）"),
    ("Normal", "正文，仿宋_GB2312 三号，首行缩进两字，行距固定值 28.95 磅（Normal）。"),
    ("TableHeading", "表头（Table Heading）"),
    ("TableText", "表格文字（Table Text）"),
]
SECT = (f'<w:sectPr><w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        f'<w:pgSz w:w="11906" w:h="16838"/>'
        f'<w:pgMar w:top="{mm(37)}" w:right="{mm(26)}" w:bottom="{mm(35)}" w:left="{mm(28)}" '
        f'w:header="{mm(15)}" w:footer="{mm(23)}" w:gutter="0"/>'
        f'<w:pgNumType w:start="1"/><w:cols w:space="425"/><w:docGrid w:linePitch="579"/></w:sectPr>')
DOCUMENT = (f'{HEAD}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>'
            + "".join(f'<w:p><w:pPr><w:pStyle w:val="{sid}"/></w:pPr><w:r><w:t>{text}</w:t></w:r></w:p>'
                      for sid, text in SAMPLES)
            + f"{SECT}</w:body></w:document>")


def footer(align: str, side: str) -> str:
    """`— 1 —`, one character in from the outer edge."""
    text = '<w:r><w:t xml:space="preserve">{}</w:t></w:r>'
    return (f'{HEAD}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:p><w:pPr><w:pStyle w:val="Footer"/>'
            f'<w:ind w:{side}="280"/><w:jc w:val="{align}"/></w:pPr>{text.format("— ")}'
            f'<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>{text.format(" —")}</w:p></w:ftr>')


SETTINGS = f"""{HEAD}<w:settings xmlns:w="{W_NS}">
<w:zoom w:percent="100"/>
<w:defaultTabStop w:val="420"/>
<w:evenAndOddHeaders/>
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
FONT_TABLE = (f'{HEAD}<w:fonts xmlns:w="{W_NS}">'
              + "".join(f'<w:font w:name="{name}">' + (f'<w:altName w:val="{alt}"/>' if alt else "")
                        + f'<w:charset w:val="{charset}"/><w:family w:val="{family}"/><w:pitch w:val="{pitch}"/></w:font>'
                        for name, alt, charset, family, pitch in FONTS)
              + "</w:fonts>")

WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = f"""{HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>\
<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/>\
<Override PartName="/word/settings.xml" ContentType="{WML}.settings+xml"/>\
<Override PartName="/word/fontTable.xml" ContentType="{WML}.fontTable+xml"/>\
<Override PartName="/word/footer1.xml" ContentType="{WML}.footer+xml"/>\
<Override PartName="/word/footer2.xml" ContentType="{WML}.footer+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

OFFICE_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE_RELS = f"""{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="{OFFICE_REL}/officeDocument" Target="word/document.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="{OFFICE_REL}/extended-properties" Target="docProps/app.xml"/>\
</Relationships>"""

DOCUMENT_RELS = f"""{HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rIdStyles" Type="{OFFICE_REL}/styles" Target="styles.xml"/>\
<Relationship Id="rIdSettings" Type="{OFFICE_REL}/settings" Target="settings.xml"/>\
<Relationship Id="rIdFonts" Type="{OFFICE_REL}/fontTable" Target="fontTable.xml"/>\
<Relationship Id="rIdFooterOdd" Type="{OFFICE_REL}/footer" Target="footer1.xml"/>\
<Relationship Id="rIdFooterEven" Type="{OFFICE_REL}/footer" Target="footer2.xml"/>\
</Relationships>"""

CORE = f"""{HEAD}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>perfdecl reference: shanghai-2023</dc:title>\
<dc:creator>perfdecl</dc:creator><cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">1980-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""

APP = f"""{HEAD}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>perfdecl</Application></Properties>"""


def main(argv: list[str]) -> int:
    output = Path(argv[1]) if len(argv) > 1 else ROOT / "templates" / "shanghai-2023" / "reference.docx"
    parts = [
        ("[Content_Types].xml", CONTENT_TYPES), ("_rels/.rels", PACKAGE_RELS),
        ("docProps/core.xml", CORE), ("docProps/app.xml", APP),
        ("word/document.xml", DOCUMENT), ("word/_rels/document.xml.rels", DOCUMENT_RELS),
        ("word/styles.xml", STYLES), ("word/settings.xml", SETTINGS), ("word/fontTable.xml", FONT_TABLE),
        ("word/footer1.xml", footer("right", "right")), ("word/footer2.xml", footer("left", "left")),
    ]
    with open(output, "wb") as out:
        write_zip(out, [(name, text.encode("utf-8")) for name, text in parts], ZIP_EPOCH_MIN)
    print(f"wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
