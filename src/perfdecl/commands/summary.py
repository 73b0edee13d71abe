"""perfdecl summary DIR… [-o FILE.xlsx|.csv|.md]: one roll-up of many declarations, for a 主管部门 or 财政局.

Each declaration is checked as `perfdecl check` does (in parallel, `-j`);
the report has one row per project (its unit, name, the fields its form names
as its kind (`kind:`), the form's 项目资金总额 / 年度资金申请总额 / 当年财政拨款 in 元, its indicator
counts, its own errors and warnings and its first finding), a 小计 row per
declaration (whose counts include the findings of declaration.yaml and of
project files that did not load), a 合计 row, and every finding with its
file:line:col. The figures come from the form of each declaration's
template: the `total`, `annual` and `appropriation` roles (this last by default the figure labelled 当年财政拨款)
if the form has one. Amounts are summed exactly.

Without -o the report is printed as Markdown. Exit 0 when the report is
made (problems in the declarations are part of it), 2 for usage errors.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import click

from .. import output
from ..diagnostics import Diagnostic, has_usage_errors
from ..parallel import run_each
from ..text import Text
from ..walks import all_indicators
from .check import targets
from .messages import refuse, say

HEADERS = (Text("单位", "unit"), Text("项目", "project"), Text("类别/性质", "category"),
           Text("项目资金总额（元）", "total funding (yuan)"), Text("年度资金申请总额（元）", "annual request (yuan)"),
           Text("当年财政拨款（元）", "appropriation this year (yuan)"), Text("指标数", "indicators"),
           Text("定性指标数", "qualitative indicators"), Text("错误", "errors"), Text("警告", "warnings"),
           Text("首个问题", "first finding"))
FINDING_HEADERS = (Text("单位", "unit"), Text("文件", "file"), Text("行", "line"), Text("列", "column"),
                   Text("级别", "severity"), Text("代码", "code"), Text("说明", "message"))
SUBTOTAL, TOTAL = Text("小计", "subtotal"), Text("合计", "total")
ROWS_SHEET, FINDINGS_SHEET = Text("汇总", "summary"), Text("问题", "findings")
APPROPRIATION = "当年财政拨款"  # the label of the figure the third money column shows, if a form has it
SUFFIXES = (".xlsx", ".csv", ".md")
CENT = Decimal("0.01")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # what makes Excel or LibreOffice read a CSV cell as a formula


@dataclass
class Row:
    unit: str
    project: str
    kind: str = ""
    money: tuple[Decimal | None, ...] = (None, None, None)
    indicators: int = 0
    qualitative: int = 0
    errors: int = 0
    warnings: int = 0
    first: str = ""
    total: bool = False  # a 小计 or 合计 row


@dataclass
class Finding:
    unit: str
    file: str
    line: int
    col: int
    severity: str
    code: str
    message: str


@dataclass
class Declared:
    """What one declaration adds to the report (plain data, sent back from a worker)."""

    unit: str
    rows: list[Row] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    subtotal: Row | None = None


def summarize(job: tuple[Path, str]) -> Declared:
    """One declaration's rows and findings. Top-level, so worker processes can run it."""
    from ..form import form_of
    from ..pipeline import check

    folder, lang = job
    bundle, diags = check(folder)
    unit = bundle.declaration.unit if bundle else folder.name
    done = Declared(unit, findings=[_finding(unit, d, lang) for d in diags])
    for project in bundle.projects if bundle else []:
        form = form_of(project)
        own = [d for d in diags if d.pos.path == project.source.display]
        errors, warnings = output.counts(own)
        values = [indicator.value for _, indicator in all_indicators(project)]
        done.rows.append(Row(
            unit, project.name,
            "、".join(form.kind_of(project)),
            tuple(_figure(project, key) for key in (form.role("total"), form.role("annual"), _labelled(form))),
            len(values), sum(1 for v in values if not v.measurable), errors, warnings,
            own[0].message(lang) if own else ""))
    errors, warnings = output.counts(diags)
    done.subtotal = _sum(unit, SUBTOTAL.say(lang), done.rows, errors, warnings)
    return done


def _labelled(form: Any) -> str | None:
    """The figure the form names as its appropriation (`appropriation:`), else the one labelled 当年财政拨款."""
    return form.role("appropriation") or next((key for key, spec in form.funding.figures.items()
                                               if spec.label.removeprefix("其中：").strip() == APPROPRIATION), None)


def _figure(project: Any, key: str | None) -> Decimal | None:
    return getattr(project.funding, key).yuan if key else None


def _finding(unit: str, d: Diagnostic, lang: str) -> Finding:
    return Finding(unit, d.pos.path, d.pos.line, d.pos.col, d.severity, d.code, d.message(lang))


def _sum(unit: str, label: str, rows: list[Row], errors: int, warnings: int) -> Row:
    columns = [[m for r in rows if (m := r.money[i]) is not None] for i in range(3)]
    money = tuple(sum(column, Decimal(0)) if column else None for column in columns)  # a column no form has: blank
    return Row(unit, label, "", money, sum(r.indicators for r in rows), sum(r.qualitative for r in rows),
               errors, warnings, "", total=True)


def run(paths: tuple[Path, ...], out: Path | None = None, lang: str = "zh", jobs: int | None = None) -> int:
    from ..render.package import source_date_epoch

    if out is not None and (out.suffix.lower() not in SUFFIXES or out.is_dir()):
        return refuse(Text(f"-o 应为 .xlsx、.csv 或 .md 文件：{out}", f"-o must name an .xlsx, .csv or .md file: {out}"), lang)
    epoch, unusable = source_date_epoch()
    if unusable:
        return refuse(unusable, lang)
    folders, problems = targets(paths, skip_outside=False)
    if has_usage_errors(problems):
        click.echo(output.human(problems, {}, lang), err=True)
        return 2
    done = run_each(summarize, [(f, lang) for f in folders], jobs)
    rows = [r for d in done for r in [*d.rows, *([d.subtotal] if d.subtotal else [])]]
    grand = _sum(TOTAL.say(lang), "", [r for d in done for r in d.rows], sum(d.subtotal.errors for d in done if d.subtotal),
                 sum(d.subtotal.warnings for d in done if d.subtotal))
    rows.append(grand)
    findings = [f for d in done for f in d.findings]
    if out is None:
        click.echo(markdown(rows, findings, lang), nl=False)
        return 0
    suffix = out.suffix.lower()
    data = workbook(rows, findings, epoch, lang) if suffix == ".xlsx" else (
        comma_separated(rows, lang) if suffix == ".csv" else markdown(rows, findings, lang)).encode("utf-8")
    from ..render import RenderError
    from ..render.files import write_atomic

    try:
        write_atomic(out, data)
    except RenderError as e:
        return refuse(e.text, lang)
    say(Text(f"已生成 {out}：{len(folders)} 份申报，{len(rows) - len(done) - 1} 个项目，{grand.errors} 个错误，{grand.warnings} 个警告",
             f"wrote {out}: {len(folders)} declaration(s), {len(rows) - len(done) - 1} project(s), "
             f"{grand.errors} error(s), {grand.warnings} warning(s)"), lang)
    return 0


def _cells(row: Row) -> list[object]:
    return [row.unit, row.project, row.kind, *row.money, row.indicators, row.qualitative, row.errors, row.warnings,
            row.first]


def _plain(value: object) -> str:
    if isinstance(value, Decimal):
        return format(value.quantize(CENT), "f")
    return "" if value is None else str(value)


def _headers(texts: tuple[Text, ...], lang: str) -> list[str]:
    return [t.say(lang) for t in texts]


def comma_separated(rows: list[Row], lang: str = "zh") -> str:
    """The rows as CSV, with a BOM so that Excel reads it as UTF-8."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(_headers(HEADERS, lang))
    for row in rows:
        writer.writerow([_csv(v) for v in _cells(row)])
    return "\ufeff" + buf.getvalue()


def _csv(value: object) -> str:
    """A cell as CSV text; a text a spreadsheet would run as a formula (=, +, -, @) gets a leading ' to stay text."""
    text = _plain(value)
    return "'" + text if isinstance(value, str) and text.startswith(FORMULA_STARTS) else text


def _md(value: object) -> str:
    return _plain(value).replace("|", "\\|").replace("\n", " ")


def markdown(rows: list[Row], findings: list[Finding], lang: str = "zh") -> str:
    lines = ["| " + " | ".join(_headers(HEADERS, lang)) + " |", "|" + "---|" * len(HEADERS)]
    for row in rows:
        cells = [_md(v) for v in _cells(row)]
        if row.total:
            cells = [f"**{c}**" if c else c for c in cells]
        lines.append("| " + " | ".join(cells) + " |")
    colon = Text("：", ": ").say(lang)
    lines += ["", f"## {FINDINGS_SHEET.say(lang)}", ""]
    lines += [f"- {_md(f.unit)}{colon}`{f.file}:{f.line}:{f.col}` {f.severity}[{f.code}] {_md(f.message)}" for f in findings]
    return "\n".join(lines) + "\n"


def workbook(rows: list[Row], findings: list[Finding], epoch: int, lang: str = "zh") -> bytes:
    """汇总 (one row per project, 小计 per unit, 合计) and 问题 (every finding), as an .xlsx."""
    from openpyxl import Workbook

    from ..render.sheets import Cell
    from ..render.xlsx import Look, flat_sheet, save

    book = Workbook()
    book.remove(book.active)
    look = Look(book, "宋体", 10)

    def cell(value: object) -> Cell:
        if isinstance(value, Decimal):
            return Cell(value.quantize(CENT), 2)
        if isinstance(value, int):
            return Cell(Decimal(value), 0)
        return Cell(None if value in (None, "") else str(value))

    first = ROWS_SHEET.say(lang)
    flat_sheet(book.create_sheet(first), _headers(HEADERS, lang), ([cell(v) for v in _cells(r)] for r in rows), look)
    flat_sheet(book.create_sheet(FINDINGS_SHEET.say(lang)), _headers(FINDING_HEADERS, lang),
               ([cell(f.unit), cell(f.file), cell(f.line), cell(f.col), cell(f.severity), cell(f.code), cell(f.message)]
                for f in findings), look)
    look.close()
    out = io.BytesIO()
    save(book, epoch, out, first)
    return out.getvalue()
