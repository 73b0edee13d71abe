"""perfdecl import-indicators FILE.xlsx PROJECT.yaml [--sheet NAME]: an indicator sheet → the project's `indicators:`.

The sheet is the 指标 sheet `build --format xlsx` writes (its headers are the
template's workbook.yaml), or one typed by a person whose header row names
the same columns in Chinese, in any order, with other columns beside them.
Merged or left-blank 一级/二级 cells are filled down, blank rows skipped;
operators may be written =, >=, ≥, ＞, 大于等于, 不低于 …, numbers as numbers
or text, percentages as Excel percentages. With a 项目名称 column, only the
rows of this project are taken.

A project file that writes its indicators as a list of rows gets rows, in the
sheet's order; one that writes the tree gets the tree.
Only the `indicators:` block of the project file is replaced; every other
line (comments, order, formatting) stays as it was. ruamel.yaml, a
round-trip YAML library, finds where the block lies and writes the new one;
the result is read back with perfdecl's own loader and compared before the
file is replaced (atomically). Any cell that cannot be read is reported as
Sheet!A1 and nothing is written. Exit 0 imported, 1 problems in the sheet or
the files, 2 usage errors.
"""
from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from ..model import ROW_KEYS
from ..text import Text
from ..values import OPERATORS, parse_value
from ..paths import not_a_file
from .messages import refuse, say
from .workbooks import WorkbookError, open_book, rows

# Column → the headers that name it (besides the template's own), compared without spaces or *.
ALIASES: dict[str, tuple[str, ...]] = {
    "project": ("项目名称", "项目"),
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "level3": ("三级指标", "三级指标名称", "指标名称"),
    "operator": ("运算符", "符号", "比较符", "指标值符号"),
    "number": ("指标值", "年度指标值", "目标值", "年度目标值"),
    "unit": ("计量单位", "单位", "度量单位"),
    "nature": ("指标性质", "性质", "指标类型"),
    "standard": ("绩效标准",),
    "link": ("关联明细",),
    "text": ("指标值（原文）",),
}
REQUIRED = ("level1", "level2", "level3")
HEADER_ROWS = 20  # the header row is looked for among the first rows
WORDS = {"大于等于": ">=", "大于或等于": ">=", "不低于": ">=", "不少于": ">=", "不小于": ">=", "至少": ">=",
         "小于等于": "<=", "小于或等于": "<=", "不高于": "<=", "不超过": "<=", "不多于": "<=", "不大于": "<=",
         "至多": "<=", "大于": ">", "高于": ">", "超过": ">", "多于": ">", "小于": "<", "低于": "<", "少于": "<",
         "等于": "=", "达到": "="}
_WORD = re.compile("^(" + "|".join(sorted(map(re.escape, [*WORDS, *OPERATORS]), key=len, reverse=True)) + r")\s*")
_NUMBER = re.compile(r"([0-9]+(?:\.[0-9]+)?)\s*(.*)", re.S)
_FORMAT_PLACES = re.compile(r"0\.(0+)")
QUANTITATIVE, QUALITATIVE = "定量", "定性"
_INDICATORS = frozenset(">|!&*%@`'\"#{[,?-:")  # a first character YAML would read as syntax
_UNIT = re.compile(r"[^\d\s]{1,8}")  # what may follow a number as its unit: 份, %, 人次/场


@dataclass
class Problems:
    """What could not be read, each at its `Sheet!A1`."""

    sheet: str = ""
    row: int = 0
    columns: dict[str, int] = field(default_factory=dict)  # column key -> 0-based index
    items: list[tuple[str, Text]] = field(default_factory=list)

    def add(self, key: str, text: Text) -> None:
        from openpyxl.utils import get_column_letter

        column = self.columns.get(key, 0)
        self.items.append((f"{self.sheet}!{get_column_letter(column + 1)}{self.row}", text))


def run(workbook: Path, project: Path, sheet_name: str | None, lang: str = "zh") -> int:
    for path in (workbook, project):
        why = not_a_file(path)
        if why is not None:
            return refuse(why, lang)
    from ..yamlload import MAX_BYTES

    if project.stat().st_size > MAX_BYTES:
        return _fail(Text(f"{project} 超过 {MAX_BYTES // 2**20} MB", f"{project} is larger than {MAX_BYTES // 2**20} MB"), lang)
    try:
        raw = project.read_bytes()
        text = raw.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        return _fail(Text(f"无法读取 {project}（应为 UTF-8 文本）：{e}", f"cannot read {project} (must be UTF-8 text): {e}"), lang)
    name = _project_name(text)
    if isinstance(name, Text):
        return _fail(name, lang)
    columns, usual = template_columns(project)
    try:
        book = open_book(workbook)
    except WorkbookError as e:
        return _fail(e.text, lang)
    problems = Problems()
    try:
        sheet = _choose(book, sheet_name, columns, usual)
        if isinstance(sheet, Text):
            return _fail(sheet, lang)
        order: list[Place] = []
        tree = read_indicators(sheet, columns, name, problems, order)
        if isinstance(tree, OneOther):  # the sheet is about one project only, named otherwise: take it
            say(Text(f"注意：表中的项目名称为“{tree.name}”，与项目文件的“{name}”不同，仍导入其全部指标",
                     f"note: the sheet names the project '{tree.name}', not '{name}'; importing all its rows"), lang)
            problems, order = Problems(), []
            tree = read_indicators(sheet, columns, None, problems, order)
    except WorkbookError as e:
        return _fail(e.text, lang)
    finally:
        book.close()
    if problems.items or not isinstance(tree, dict):
        for where, why in problems.items:
            say(Text(f"{where}：", f"{where}: ") + why, lang, err=True)
        if not isinstance(tree, dict):
            say(tree if isinstance(tree, Text) else Text("", ""), lang, err=True)
        say(Text(f"未写入 {project}：共 {len(problems.items)} 处问题", f"{project} not written: {len(problems.items)} problem(s)"),
            lang, err=True)
        return 1
    _keep_extras(tree, text, {k.removeprefix(COLUMN) for k in problems.columns})
    new = replace_indicators(text, tree, order if _written_as_rows(text) else None)
    if isinstance(new, Text):
        return _fail(new, lang)
    from ..render import RenderError
    from ..render.files import write_atomic

    try:
        # through a link to where it points, as an editor saves: the link stays a link
        write_atomic(project.resolve(), (b"\xef\xbb\xbf" if raw.startswith(b"\xef\xbb\xbf") else b"") + new.encode("utf-8"))
    except RenderError as e:
        return _fail(e.text, lang)
    count = sum(len(third) for second in tree.values() for third in second.values())
    say(Text(f"已将 {count} 个三级指标导入 {project}（工作表“{sheet.title}”）；请运行 perfdecl check 核对",
             f"imported {count} indicator(s) into {project} (sheet '{sheet.title}'); run perfdecl check"), lang)
    return 0


def _fail(text: Text, lang: str) -> int:
    say(Text("错误：", "error: ") + text, lang, err=True)
    return 1


# -- which columns -----------------------------------------------------------------------------------

def _norm(header: object) -> str:
    return re.sub(r"[\s*＊]", "", unicodedata.normalize("NFKC", str(header or "")))


COLUMN = "column:"  # the key of a column that holds one of the form's indicator columns (权重 …)


def template_columns(project: Path) -> tuple[dict[str, str], str | None]:
    """Normalized header → column, from the project's template's indicator sheet and its form's indicator
    columns (by label, as the workbook heads them), then the usual names; and that sheet's name."""
    names: dict[str, str] = {}  # in order of preference: the template's headers, the usual ones, other names
    folder = _template_folder(project)
    sheet = _template_sheet(folder)
    for column in sheet.columns if sheet else ():
        names.setdefault(_norm(column.header), column.value)
    for key, label in _indicator_columns(folder).items():
        names.setdefault(_norm(label), COLUMN + key)
    for key, headers in ALIASES.items():
        names.setdefault(_norm(headers[0]), key)
    for key, headers in ALIASES.items():
        for header in headers[1:]:
            names.setdefault(_norm(header), key)
    return names, sheet.name if sheet else None


def _template_folder(project: Path) -> Path | None:
    """The folder of the template the project's declaration uses (the default built-in if it names none)."""
    from ..form import DEFAULT_TEMPLATE, builtin_template, template_folder
    from ..load import DECLARATION, find_folder
    from ..yamlload import load as load_yaml

    folder = builtin_template(DEFAULT_TEMPLATE)
    root = find_folder(project)
    if root is not None:
        data, _, _ = load_yaml(root / DECLARATION, DECLARATION)
        wanted = data.get("template") if isinstance(data, dict) else None
        if isinstance(wanted, str):
            folder = template_folder(root, wanted)[0] or folder
    return folder


def _indicator_columns(folder: Path | None) -> dict[str, str]:
    """Key → label of the indicator columns of the template's form."""
    from ..form import read_form

    form = read_form(folder)[0] if folder else None
    return {key: spec.label for key, spec in form.indicator_columns.items()} if form else {}


def _template_sheet(folder: Path | None) -> Any:
    """The columns of the indicator sheet of the template's workbook, if it has one."""
    from ..render import RenderError
    from ..render.sheets import SPEC, read_spec
    from ..render.templates import load as load_template

    try:
        spec = read_spec(load_template(folder).find(SPEC)) if folder else None
    except RenderError:
        return None
    return next((s for s in spec.sheets if s.rows == "indicators"), None) if spec else None


def _header(row: list[Any], names: dict[str, str]) -> dict[str, int]:
    """Column key → index in this row; of two headers naming one key (计量单位, 单位) the preferred one."""
    rank = {header: n for n, header in enumerate(names)}
    best: dict[str, tuple[int, int]] = {}
    for i, cell in enumerate(row):
        header = _norm(cell.value) if isinstance(cell.value, str) else ""
        key = names.get(header)
        if key and (key not in best or rank[header] < best[key][0]):
            best[key] = (rank[header], i)
    return {key: i for key, (_, i) in best.items()}


def _choose(book: Any, wanted: str | None, names: dict[str, str], usual: str | None) -> Any:
    """The sheet to read: --sheet, else the first whose first rows hold an indicator header row
    (the template's indicator sheet, by its name, first)."""
    if wanted is not None:
        if wanted not in book.sheetnames:
            return Text(f"工作簿中没有工作表“{wanted}”，有：{'、'.join(book.sheetnames)}",
                        f"no sheet '{wanted}' in the workbook; it has: {', '.join(book.sheetnames)}")
        return book[wanted]
    too_large: WorkbookError | None = None
    for sheet in sorted(book.worksheets, key=lambda s: s.title != usual):
        try:
            for n, row in enumerate(rows(sheet)):
                if n >= HEADER_ROWS:
                    break
                if all(k in _header(row, names) for k in REQUIRED):
                    return sheet
        except WorkbookError as e:  # too large to be the indicator sheet: look at the others
            too_large = e
    if too_large is not None:
        raise too_large
    return Text("没有找到指标表：应有一行表头写明 一级指标、二级指标、三级指标 和 指标值（可用 --sheet 指定工作表）",
                "no indicator sheet found: a header row must name 一级指标, 二级指标, 三级指标 and 指标值 "
                "(name the sheet with --sheet)")


# -- reading the rows --------------------------------------------------------------------------------

Tree = dict[str, dict[str, dict[str, Any]]]
Place = tuple[str, str, str]  # 一级, 二级, 三级指标


@dataclass(frozen=True)
class OneOther:
    """The sheet's rows all belong to one project, named differently from the project file."""

    name: str


def read_indicators(sheet: Any, names: dict[str, str], project: str | None,
                    problems: Problems, order: list[Place] | None = None) -> Tree | Text | OneOther:
    """The indicator tree the sheet holds for `project`; problems are added per cell, and each
    indicator's place to `order`, in the sheet's order."""
    it = rows(sheet)
    columns: dict[str, int] = {}
    for n, row in enumerate(it):
        columns = _header(row, names)
        if all(k in columns for k in REQUIRED):
            break
        if n >= HEADER_ROWS:
            columns = {}
            break
    value_column = "number" if "number" in columns else "text"
    if not all(k in columns for k in REQUIRED) or value_column not in columns:
        return Text(f"工作表“{sheet.title}”的前 {HEADER_ROWS} 行中没有表头行（一级指标、二级指标、三级指标、指标值）",
                    f"sheet '{sheet.title}': no header row (一级指标, 二级指标, 三级指标, 指标值) in its first {HEADER_ROWS} rows")
    tree: Tree = {}
    above: dict[str, str] = {}
    taken = False
    others: set[str] = set()
    problems.sheet, problems.columns = sheet.title, columns
    for problems.row, row in enumerate(it, start=n + 2):
        cells = {key: row[i] for key, i in columns.items() if i < len(row)}
        if all(_blank(c.value) for c in cells.values()):
            continue
        formulas = [key for key, cell in cells.items() if cell.data_type == "f"]
        for key in formulas:
            problems.add(key, Text(f"是公式（{cells[key].value}），请复制后“选择性粘贴→数值”",
                                   f"is a formula ({cells[key].value}): paste it as a value"))
        if formulas:
            continue
        level = {}
        for key in ("project", "level1", "level2"):
            cell = cells.get(key)
            typed = _text(cell.value) if cell is not None else ""
            if typed:
                above[key] = typed
                if key == "project":
                    above.pop("level1", None)
                if key != "level2":
                    above.pop("level2", None)
            level[key] = above.get(key, "")
        if project is not None and "project" in columns and level["project"] and level["project"] != project:
            others.add(level["project"])
            continue
        taken = True
        third = _text(cells["level3"].value) if "level3" in cells else ""
        missing = [k for k in ("level1", "level2") if not level[k]]
        for key in missing:
            problems.add(key, Text("为空，上方也没有可沿用的值", "is empty, with nothing above to carry down"))
        if not third:
            problems.add("level3", Text("三级指标为空", "the 三级指标 is empty"))
        value = _value(cells, value_column, problems)
        if missing or not third or value is None:
            continue
        group = tree.setdefault(level["level1"], {}).setdefault(level["level2"], {})
        if third in group:
            problems.add("level3", Text(f"“{third}”在“{level['level1']}/{level['level2']}”下重复",
                                               f"'{third}' appears twice under '{level['level1']}/{level['level2']}'"))
            continue
        extra: dict[str, Any] = {k: _text(cells[k].value) for k in ("link", "standard") if k in cells and _text(cells[k].value)}
        extra |= {k.removeprefix(COLUMN): _quoted(_text(cell.value)) for k, cell in cells.items()
                  if k.startswith(COLUMN) and _text(cell.value)}
        group[third] = {"value": value, **extra} if extra else value
        if order is not None:
            order.append((level["level1"], level["level2"], third))
    if not taken and len(others) == 1:
        return OneOther(others.pop())
    if not taken and others:
        return Text(f"表中没有项目“{project}”的指标（表中的项目：{'、'.join(sorted(others))}）",
                    f"the sheet has no indicators of project '{project}' (it has: {', '.join(sorted(others))})")
    if not tree and not problems.items:
        return Text(f"工作表“{sheet.title}”中没有指标", f"sheet '{sheet.title}' holds no indicators")
    return tree


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _value(cells: dict[str, Any], column: str, problems: Problems) -> str | None:
    """The indicator value as perfdecl writes it (=56850 份, >=90%, 应修尽修), or None after a problem."""
    cell = cells[column]
    op_cell = cells.get("operator")
    op_text = _text(op_cell.value) if op_cell is not None else ""
    op = _operator(op_text) if op_text else None
    if op_text and op is None:
        problems.add("operator", Text(f"无法识别的运算符“{op_text}”（可用 =、>=、<=、>、<、≥、≤、大于等于 …）",
                                   f"unknown operator '{op_text}' (use =, >=, <=, >, <, ≥, ≤, 大于等于 …)"))
        return None
    unit = _text(cells["unit"].value).replace("％", "%") if "unit" in cells else ""
    number: Decimal | None = None
    if isinstance(cell.value, bool):
        problems.add(column, Text("指标值是逻辑值 TRUE 或 FALSE，应为数字或文字", "the value is TRUE or FALSE, not a number or words"))
        return None
    if cell.value is None or (isinstance(cell.value, str) and not cell.value.strip()):
        problems.add(column, Text("指标值为空", "the value is empty"))
        return None
    if isinstance(cell.value, (int, float)):
        number = _from_cell(cell)
        if "%" in (cell.number_format or "") and not unit:
            number, unit = _plain(number * 100), "%"
    else:
        typed = _text(cell.value)
        plain = unicodedata.normalize("NFKC", typed)
        word = _WORD.match(plain)  # the operator written in the value cell: ≥90%, 大于等于 90 %
        m = _NUMBER.fullmatch(plain[word.end():] if word else plain)
        nature = _text(cells["nature"].value) if "nature" in cells else ""
        if nature == QUALITATIVE and op is None and not word:
            return typed
        if m and (not m.group(2) or m.group(2) == unit or (not unit and _UNIT.fullmatch(m.group(2)))):
            number, unit = Decimal(m.group(1)), unit or m.group(2).strip()
            op = op or (_operator(word.group(1)) if word else None)
        elif op is not None:
            problems.add(column, Text(f"运算符“{op}”之后应为数字，而不是“{typed}”", f"a number must follow '{op}', not '{typed}'"))
            return None
        elif nature == QUANTITATIVE:
            problems.add(column, Text(f"定量指标的指标值应为数字，而不是“{typed}”", f"a 定量 value must be a number, not '{typed}'"))
            return None
        else:
            return typed  # qualitative, as typed
    text = f"{op or '='}{format(number, 'f')}{unit if unit in ('', '%') else ' ' + unit}"
    if not parse_value(text).quantitative:  # e.g. a unit that starts with a digit
        problems.add(column, Text(f"无法组成指标值“{text}”", f"cannot make a value of '{text}'"))
        return None
    return text


def _operator(text: str) -> str | None:
    return WORDS.get(text) or OPERATORS.get(text.replace(" ", ""))


def _from_cell(cell: Any) -> Decimal:
    """A numeric cell's exact value, with the decimals its format shows (1.5 shown as 1.50 is 1.50)."""
    value = cell.value
    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    m = _FORMAT_PLACES.search(cell.number_format or "")
    places = len(m.group(1)) if m and "%" not in cell.number_format else 0
    number = _plain(number)
    have = -int(number.as_tuple().exponent)
    if places > have:
        try:
            number = number.quantize(Decimal(1).scaleb(-places))
        except InvalidOperation:  # more digits than decimal's precision: shown as it is
            pass
    return number


def _plain(number: Decimal) -> Decimal:
    """56850.0 → 56850, 12.50 → 12.5 (no exponent)."""
    try:
        normal = number.normalize()
        return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
    except InvalidOperation:
        return number


# -- the project file --------------------------------------------------------------------------------

def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML()  # round-trip
    yaml.width = 4096
    yaml.allow_unicode = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def _project_name(text: str) -> str | None | Text:
    """The project's `name:`, if it has one, or why the file cannot be edited."""
    data = _load(text)
    if isinstance(data, Text):
        return data
    name = data.get("name")
    return str(name) if name is not None else None


def _load(text: str) -> Any:
    from ruamel.yaml.error import YAMLError

    try:
        data = _yaml().load(text)
    except (YAMLError, ValueError, RecursionError) as e:
        first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        return Text(f"项目文件不是有效的 YAML，请先用 perfdecl check 修正：{first}",
                    f"the project file is not valid YAML; fix it first (perfdecl check): {first}")
    from ruamel.yaml.comments import CommentedMap

    if not isinstance(data, CommentedMap):
        return Text("项目文件应为“键: 值”的映射", "the project file must be a mapping of keys to values")
    return data


def _keep_extras(tree: Tree, text: str, read: set[str]) -> None:
    """Keep what the file gives an indicator imported again besides its value (`link:`, `standard:`, the
    form's indicator columns such as `weight:`), unless the sheet has a column for it (`read`)."""
    old = _load(text)
    old = old.get("indicators") if not isinstance(old, Text) else None
    if isinstance(old, list):  # rows: the same tree, by each row's place
        old = _as_tree(old)
    if not isinstance(old, dict):
        return
    for first, seconds in tree.items():
        for second, thirds in seconds.items():
            for third, value in thirds.items():
                try:
                    was = old[first][second][third]
                except (KeyError, TypeError):
                    continue
                kept = {k: _as_read(v) for k, v in was.items() if k != "value" and k not in read and v is not None
                        and not isinstance(v, bool)} if isinstance(was, dict) else {}
                if kept:
                    thirds[third] = {**(value if isinstance(value, dict) else {"value": value}), **kept}


def _quoted(text: str) -> Any:
    """A cell's text for an indicator column, quoted so that it reads back as the same text (a 权重 of 40 is
    "40": the column's own type reads the number from it)."""
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    return DoubleQuotedScalarString(text)


def _as_read(value: Any) -> Any:
    """A value kept from the file, as it must be written to read back the same: text and whole numbers as
    they are, any other number as quoted text (perfdecl reads 0.5 as a Decimal, which YAML cannot dump)."""
    return value if isinstance(value, (str, int)) else _quoted(str(value))


def _written_as_rows(text: str) -> bool:
    data = _load(text)
    return not isinstance(data, Text) and isinstance(data.get("indicators"), list)


def _as_tree(rows: list) -> Tree:
    tree: Tree = {}
    for row in rows:
        if isinstance(row, dict) and all(isinstance(row.get(k), str) for k in ROW_KEYS):
            rest = {k: v for k, v in row.items() if k not in ROW_KEYS}
            tree.setdefault(row["first"], {}).setdefault(row["second"], {})[row["name"]] = rest
    return tree


def _rows(tree: Tree, order: list[Place]) -> list[dict[str, Any]]:
    """The tree as rows in `order`: first, second, name, then the value and its other keys."""
    out = []
    for first, second, name in order:
        value = tree[first][second][name]
        out.append({"first": first, "second": second, "name": name, **(value if isinstance(value, dict) else {"value": value})})
    return out


def replace_indicators(text: str, tree: Tree, order: list[Place] | None = None) -> str | Text:
    """`text` with its top-level `indicators:` block replaced by `tree`, or by its rows in `order`
    when given (appended if it has none)."""
    data = _load(text)
    if isinstance(data, Text):
        return data
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    block = _block(tree if order is None else _rows(tree, order)).replace("\n", newline)
    if "indicators" not in data:
        head = text if not text or text.endswith(("\n", "\r")) else text + newline
        new = head + block
    else:
        start = data.lc.key("indicators")[0]
        later = [data.lc.key(k)[0] for k in data if k != "indicators" and data.lc.key(k)[0] > start]
        end = min(later) if later else len(lines)
        if any(data.lc.key(k)[0] == start for k in data if k != "indicators") or lines[start][:1] in (" ", "\t", "{"):
            return Text("项目文件的顶层是流式写法（{ … }），无法只替换 indicators，请改为每行一个键",
                        "the project file's top level is written in flow style ({ … }): put one key per line first")
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
            end -= 1  # blank lines and comments before the next key stay
        new = "".join(lines[:start]) + block + "".join(lines[end:])
    problem = _verify(new, tree if order is None else _rows(tree, order))
    return problem or new


def _block(tree: Tree | list[dict[str, Any]]) -> str:
    from ruamel.yaml.comments import CommentedMap, CommentedSeq
    from ruamel.yaml.scalarstring import DoubleQuotedScalarString

    def scalar(value: Any) -> Any:  # ">=90%" as perfdecl's own files write it, not '>=90%'
        return DoubleQuotedScalarString(value) if isinstance(value, str) and value[:1] in _INDICATORS else value

    def flow(mapping: dict[str, Any]) -> Any:  # an indicator's keys on its own line: {value: …, link: …}
        out = CommentedMap({k: scalar(v) for k, v in mapping.items()})
        out.fa.set_flow_style()
        return out

    block: Any
    if isinstance(tree, list):  # rows, one flow mapping a line
        block = CommentedSeq(flow(row) for row in tree)
    else:
        block = CommentedMap()
        for first, seconds in tree.items():
            block[first] = CommentedMap()
            for second, thirds in seconds.items():
                block[first][second] = CommentedMap(
                    (third, flow(value) if isinstance(value, dict) else scalar(value)) for third, value in thirds.items())
    out = io.StringIO()
    _yaml().dump(CommentedMap(indicators=block), out)
    return out.getvalue()


def _verify(text: str, tree: Tree | list[dict[str, Any]]) -> Text | None:
    """Whether perfdecl itself reads back exactly `tree` from the new file; else why not (a bug)."""
    from ..positions import Source
    from ..yamlload import parse

    data, diags = parse(text, Source(Path("project.yaml"), "project.yaml", text))
    got = data.get("indicators") if isinstance(data, dict) else None
    if got != tree or any(d.severity == "error" for d in diags):
        return Text("内部错误：写出的指标读回后不一致，未写入文件，请报告", "internal error: the indicators written do not "
                    "read back the same; nothing was written, please report it")
    return None
