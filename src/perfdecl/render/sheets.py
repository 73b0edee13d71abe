"""The flat sheets of a workbook as template data (`workbook.yaml`), and the rows that fill them.

A template's workbook.yaml names each sheet, what makes one of its rows
(`indicators`: one per 三级指标, `funding`: one per project, `lines`: one per
line item) and its columns in order, each a header and one of the values that
kind of row has (VALUES). Nothing here knows a form's fields: funding rows
take every money figure the form declares, in its order, and indicator rows
every indicator column it declares (`columns`).
"""
from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import Field, ValidationError, model_validator

from ..form import Form, form_of
from ..model import Model, Project
from ..money import SCALE, Amount
from ..paths import display
from . import RenderError
from .templates import WORKBOOK

SPEC = WORKBOOK
RowKind = Literal["indicators", "funding", "lines"]
VALUES: dict[str, tuple[str, ...]] = {
    "indicators": ("project", "level1", "level2", "level3", "operator", "number", "unit", "nature", "standard",
                   "link", "text", "columns"),
    "funding": ("project", "money_unit", "figures"),
    "lines": ("project", "item", "name", "qty", "price", "amount", "money_unit"),
}
QUANTITATIVE, QUALITATIVE = "定量", "定性"


class Column(Model):
    header: str = Field(description="表头")
    value: str = Field(description="填入的值，见 docs/templates.md")
    unit: Literal["元", "万元"] | None = Field(None, description="金额换算为此单位；不写则如所写")
    min_places: int | None = Field(None, ge=0, le=6, description="金额至少保留的小数位数")


class Sheet(Model):
    name: str = Field(min_length=1, max_length=31, description="工作表名称")
    rows: RowKind = Field(description="indicators、funding 或 lines")
    columns: list[Column] = Field(min_length=1, max_length=200)
    names: dict[str, str] = Field({}, description="金额栏目的表头名称（代替 label）")

    @model_validator(mode="after")
    def _known(self) -> Sheet:
        for column in self.columns:
            if column.value not in VALUES[self.rows]:
                raise ValueError(f"“{column.value}”不是 {self.rows} 的值（可用：{'、'.join(VALUES[self.rows])}）")
        return self


class Font(Model):
    name: str = "宋体"
    size: float = Field(10, gt=0, le=72)


class Workbook(Model):
    font: Font = Font()
    sheets: list[Sheet] = Field([], max_length=50)


def read_spec(path: Path | None) -> Workbook:
    """The workbook.yaml at `path` (none: no flat sheets); RenderError if it is unusable."""
    if path is None:
        return Workbook()
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Workbook.model_validate(data or {})
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as e:
        raise RenderError(f"无法读取 {display(path)}：{e}", f"cannot read {display(path)}: {e}") from None
    except ValidationError as e:
        first = e.errors()[0]
        where = ".".join(map(str, first["loc"]))
        raise RenderError(f"{display(path)}：{where}：{first['msg']}", f"{display(path)}: {where}: {first['msg']}") from None


class Cell(NamedTuple):
    """A value for a sheet: text, or an exact number with the decimals to show."""

    value: str | Decimal | None
    places: int = 0


def money_cell(amount: Amount, unit: str | None = None, min_places: int | None = None) -> Cell:
    """An amount as a number: as written, or converted to `unit` (exact, at least `min_places` decimals)."""
    if unit is None or unit == amount.unit:
        value = amount.value
    else:
        value = (amount.yuan / SCALE[unit]).normalize()
    places = max(_places(value), min_places or 0)
    return Cell(value, places)


def number_cell(value: Decimal) -> Cell:
    return Cell(value, _places(value))


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def _named(name: str | None, label: str, shared: bool) -> str:
    """A figure's header: its label, less a trailing colon; or, where two figures of the form share the
    label, the longer name that tells them apart and begins with it (其他资金 → 其他资金（年度资金）). A name
    that does not fit (a base template's, for another form's figure under the same key) is not used."""
    plain = label.strip().rstrip("：:").strip()
    return name if shared and name and name.startswith(plain.removeprefix("其中：").strip()) else plain


def headers(sheet: Sheet, form: Form) -> list[str]:
    out: list[str] = []
    for column in sheet.columns:
        if column.value == "figures":
            labels = [spec.label for spec in form.funding.figures.values()]
            for key, spec in form.funding.figures.items():
                label = _named(sheet.names.get(key), spec.label, labels.count(spec.label) > 1)
                out.append(column.header.format(label=label, unit=column.unit or form.funding.unit))
        elif column.value == "columns" and sheet.rows == "indicators":
            out += [column.header.format(label=spec.label) for spec in form.indicator_columns.values()]
        else:
            out.append(column.header)
    return out


def rows(sheet: Sheet, projects: list[Project]) -> list[list[Cell]]:
    """The rows of one flat sheet for these projects, header excluded."""
    make = {"indicators": _indicator_rows, "funding": _funding_rows, "lines": _line_rows}[sheet.rows]
    return [row for project in projects for row in make(sheet, project)]


def _indicator_rows(sheet: Sheet, project: Project) -> list[list[Cell]]:
    """One row per 三级指标, in the order the project writes them."""
    out = []
    extra = list(form_of(project).indicator_columns)
    for level1, level2, level3, indicator in project.indicator_rows:
        v = indicator.value
        known = {
            "project": Cell(project.name), "level1": Cell(level1), "level2": Cell(level2),
            "level3": Cell(level3), "operator": Cell((v.op or "=") if v.quantitative else None),
            "number": number_cell(v.number) if v.number is not None else Cell(v.text),
            "unit": Cell(v.unit or None), "text": Cell(v.text),
            # as budget systems import it: 定量 when the value is a number (a date target is 定性 here)
            "nature": Cell(QUANTITATIVE if v.quantitative else QUALITATIVE),
            "standard": Cell(indicator.standard), "link": Cell(indicator.link),
        }
        row: list[Cell] = []
        for c in sheet.columns:
            row += [_cell(getattr(indicator, key, None)) for key in extra] if c.value == "columns" else [known[c.value]]
        out.append(row)
    return out


def _cell(value: object) -> Cell:
    return number_cell(value) if isinstance(value, Decimal) else Cell(None if value is None else str(value))


def _funding_rows(sheet: Sheet, project: Project) -> list[list[Cell]]:
    row: list[Cell] = []
    figures = form_of(project).figures_of(project)
    for column in sheet.columns:
        if column.value == "figures":
            row += [money_cell(f.value, column.unit, column.min_places) for f in figures]
        elif column.value == "project":
            row.append(Cell(project.name))
        else:
            row.append(Cell(project.funding.unit))
    return [row]


def _line_rows(sheet: Sheet, project: Project) -> list[list[Cell]]:
    out = []
    for item in project.items:
        if item.lines is None:
            continue
        for line in item.lines.rows:
            known = {"project": Cell(project.name), "item": Cell(item.title), "name": Cell(line.name),
                     "qty": number_cell(line.qty), "price": money_cell(line.price, item.lines.unit),
                     "amount": money_cell(line.amount, item.lines.unit), "money_unit": Cell(item.lines.unit)}
            out.append([known[c.value] for c in sheet.columns])
    return out
