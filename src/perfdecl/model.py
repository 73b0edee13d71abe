"""The declaration as data: pydantic models that are also the JSON Schema.

Field names are the YAML keys; each field's description names the form field
it fills, which is the one place the English-Chinese mapping is kept.
"""
from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import (BaseModel, ConfigDict, Field, PlainSerializer, PlainValidator, PrivateAttr,
                      WithJsonSchema, field_validator, model_validator)

from .codes import RULES
from .diagnostics import Invalid
from .modelcache import complete
from .money import WAN, YUAN, Amount, number_text, parse_amount, parse_number
from .positions import Source
from .values import Value, parse_value
from .yamlload import date_reason

Unit = Literal["元", "万元"]
_MONEY_SCHEMA = {
    "anyOf": [
        {"type": "number", "minimum": 0},
        {"type": "string", "pattern": r"^\s*[0-9０-９,，.．]+\s*(万元|万|元)?\s*$"},
    ],
    "description": "金额：数字（单位取所在表的 unit），或带单位的文字如“13.57万元”",
}


def _money(raw: object) -> Amount:
    return raw if isinstance(raw, Amount) else parse_amount(raw)


Money = Annotated[Amount, PlainValidator(_money), PlainSerializer(str), WithJsonSchema(_MONEY_SCHEMA)]


def _money_or_blank(raw: object) -> Amount:
    """An optional figure the form leaves blank (`""`): nothing printed, 0 in every sum."""
    return Amount(Decimal(0), None, "") if isinstance(raw, str) and not raw.strip() else _money(raw)


OptionalMoney = Annotated[Amount, PlainValidator(_money_or_blank), PlainSerializer(str),
                          WithJsonSchema({**_MONEY_SCHEMA, "anyOf": [*_MONEY_SCHEMA["anyOf"], {"const": ""}]})]


Quantity = Annotated[
    Decimal, PlainValidator(parse_number), PlainSerializer(number_text),
    WithJsonSchema({"anyOf": [{"type": "number", "minimum": 0},
                              {"type": "string", "pattern": r"^\s*[0-9０-９,，.．]+\s*$"}],
                    "description": "数量：数字，可带千位分隔符"}),
]


_DATE = re.compile(r"\s*+(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+[-/.月]\s*+(\d{1,2})\s*+日?\s*+"
                   r"|\s*+(\d{4})(\d{2})(\d{2})\s*+")  # or compact, as some provinces print it: 20200101
FIRST_YEAR, LAST_YEAR = 1990, 2100  # years a declaration, a project or a sub-item can be about


def _no_time(raw: object) -> None:
    if isinstance(raw, dt.datetime):
        raise Invalid(f"应为日期，不带时间：{raw}", f"must be a date without a time: '{raw}'")


def _plausible(day: dt.date, raw: object) -> dt.date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise Invalid(f"年份应在 {FIRST_YEAR} 到 {LAST_YEAR} 之间：{raw}",
                      f"the year must lie between {FIRST_YEAR} and {LAST_YEAR}: '{raw}'")
    return day


class Day(dt.date):
    """A date that remembers how it was written (`2026/1/1`), and prints so."""

    __slots__ = ("text",)
    text: str

    @classmethod
    def written(cls, day: dt.date, text: str) -> Day:
        made = cls(day.year, day.month, day.day)
        made.text = text
        return made

    def __str__(self) -> str:
        return self.text

    def __reduce__(self) -> tuple:
        return Day.written, (dt.date(self.year, self.month, self.day), self.text)


def _date(raw: object) -> Day:
    # Not pydantic's date, which reads a number as seconds since 1970.
    _no_time(raw)
    if isinstance(raw, dt.date):
        return Day.written(_plausible(raw, raw), raw.text if isinstance(raw, Day) else str(raw))
    m = _DATE.fullmatch(str(raw)) if isinstance(raw, (str, int)) and not isinstance(raw, bool) else None
    if not m:
        raise Invalid(f"“{raw}”不是日期，应写作 YYYY-MM-DD，例如 2023-01-01",
                      f"'{raw}' is not a date: write YYYY-MM-DD, e.g. 2023-01-01")
    try:
        day = dt.date(*(int(part) for part in m.groups() if part is not None))
    except ValueError as e:
        raise Invalid(date_reason(e), str(e), date=True) from None
    return Day.written(_plausible(day, raw), str(raw).strip())


Date = Annotated[dt.date, PlainValidator(_date), PlainSerializer(str),
                 WithJsonSchema({"type": "string", "description": "日期，如 2023-01-01、2026/1/1、2026年1月1日"})]


def _year_month(raw: object) -> Day:
    _no_time(raw)
    if isinstance(raw, dt.date):
        text = raw.text if isinstance(raw, Day) else f"{raw.year}-{raw.month:02d}"
        return Day.written(_plausible(raw.replace(day=1), raw), text)
    m = re.fullmatch(r"\s*+(\d{4})\s*+(?:-|/|\.|年)\s*+(\d{1,2})\s*+月?\s*+|\s*+(\d{4})(\d{2})\s*+", str(raw))
    if m and m.group(1) is None:  # compact: 202001
        m = re.fullmatch(r"\s*+(\d{4})(\d{2})\s*+", str(raw))
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise Invalid(f"“{raw}”不是年月，应写作 YYYY-MM，例如 2023-09",
                      f"'{raw}' is not a year and month: write YYYY-MM, e.g. 2023-09")
    return Day.written(_plausible(dt.date(int(m.group(1)), int(m.group(2)), 1), raw), str(raw).strip())


YearMonth = Annotated[
    dt.date, PlainValidator(_year_month), PlainSerializer(str),
    WithJsonSchema({"anyOf": [{"type": "string", "pattern": r"^\s*(\d{4}\s*(-|/|\.|年)\s*\d{1,2}\s*月?|\d{6})\s*$"},
                              {"type": "number", "minimum": 1990, "maximum": 2101},
                              {"type": "integer", "minimum": 199001, "maximum": 210012}],
                    "description": "年月，如 2023-09、2023.9、2023年9月、202309"}),
]


class Period(NamedTuple):
    """A period as written (`2024.6-2025.1`, `2026年1月1日-2026年12月31日`) and the days it runs."""

    text: str
    start: Day
    end: Day

    def __str__(self) -> str:
        return self.text


_DASH = re.compile(r"\s*(?:-|－|–|—|~|～|至|到)\s*")
_PERIOD_BOUND = 60  # characters: a period is short; longer text is not tried dash by dash


_YEAR = re.compile(r"\s*+(\d{4})\s*+(?:年度?)?\s*+")


def _bound(text: str, last: bool) -> Day | None:
    """One end of a period: a date, a year-month or a year (its first or last day)."""
    for read in (_date, _year_month):
        try:
            day = read(text)
        except Invalid:
            continue
        if read is _year_month and last:
            following = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
            return Day.written(following - dt.timedelta(days=1), day.text)
        return day
    year = _YEAR.fullmatch(text)
    if year is None or not FIRST_YEAR <= int(year.group(1)) <= LAST_YEAR:
        return None
    return Day.written(dt.date(int(year.group(1)), 12, 31) if last else dt.date(int(year.group(1)), 1, 1), text.strip())


def _period(raw: object) -> Period:
    if isinstance(raw, Period):
        return raw
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if 0 < len(text) <= _PERIOD_BOUND:
        for m in _DASH.finditer(text):
            head, rest = text[:m.start()], text[m.end():]
            start, end = _bound(head, False), _bound(rest, True)
            if start is not None and end is None and "-" not in head and not _YEAR.fullmatch(head):
                # 2024年1月-12月, 2024.1-12: the end in the start's year (not after 2024-01 or 2024:
                # 2024-01-12 is a date, not a period)
                end = _bound(f"{start.year}{'年' if '年' in head else '.'}{rest}", True)
                end = end and Day.written(end, rest.strip())
            if start is not None and end is not None:
                if start > end:
                    raise Invalid(f"期间“{text}”的开始晚于结束", f"period '{text}' starts after it ends")
                return Period(text, start, end)
        first, last = _bound(text, False), _bound(text, True)  # 2021年度: the whole year
        if first is not None and last is not None and _YEAR.fullmatch(text):
            return Period(text, first, last)
    raise Invalid(f"“{raw}”不是起止时间，应写作 开始-结束，例如 2024.01-2024.12、2026年1月1日-2026年12月31日，"
                  f"或整年，例如 2021年度",
                  f"'{raw}' is not a period: write start-end, e.g. 2024.01-2024.12 or 2026-01-01至2026-12-31, "
                  f"or a whole year, e.g. 2021年度")


PeriodField = Annotated[
    Period, PlainValidator(_period), PlainSerializer(str),
    WithJsonSchema({"type": ["string", "integer"],
                    "description": "起止时间，如 2024.01-2024.12、2026年1月1日-2026年12月31日、2021年度"}),
]


def _value(raw: object) -> Value:
    if isinstance(raw, Value):
        return raw
    if isinstance(raw, (dict, list, bool)):  # a bool only when no source text was kept
        raise Invalid("指标值应为文字或数字，例如 =56850 份、>=90%、应修尽修",
                      "an indicator value is text or a number, e.g. '=56850 份', '>=90%', '应修尽修'")
    return parse_value(raw)


def _value_text(value: Value) -> str:
    return value.text


IndicatorValue = Annotated[
    Value, PlainValidator(_value), PlainSerializer(_value_text),
    WithJsonSchema({"type": ["string", "number"], "description": "年度指标值，如 =56850 份、>=90%、应修尽修"}),
]


class Model(BaseModel):
    # Built by modelcache.complete below (from the cache when it can), not at class creation.
    model_config = ConfigDict(extra="forbid", validate_default=False, defer_build=True)


class File(Model):
    """A model read from a file of its own, which keeps where each of its values stands."""

    _source: Source | None = PrivateAttr(None)

    @property
    def source(self) -> Source:
        """The file this was read from, with the positions of its values."""
        private = self.__pydantic_private__  # rules ask often; skip pydantic's slower attribute lookup
        assert private is not None
        source: Source = private["_source"]
        return source


class Funding(Model):
    """项目资金: the money figures of a form (form.py adds one field per figure)."""

    unit: Unit = Field(YUAN, description="金额单位（表头“项目资金（元）”）")

    @model_validator(mode="after")
    def _units(self) -> Funding:
        for name in type(self).model_fields:
            if name != "unit":
                setattr(self, name, getattr(self, name).in_unit(self.unit))
        return self


class Goals(Model):
    """项目绩效目标; form.py makes each part required unless the form's `optional` names it."""

    total: str | None = Field(None, description="项目总目标（每行一段）")
    annual: str | None = Field(None, description="年度总目标（每行一段）")


class LineRow(NamedTuple):
    """One line item: 项目组成 / 数量 / 单价 / 资金需求."""

    name: str
    qty: Quantity
    price: Money
    amount: Money


class Lines(Model):
    """A line-item table (数量 × 单价 = 资金需求), shown after 实施方案."""

    unit: Unit = Field(YUAN, description="单价和资金需求中不带单位的数字的单位")
    header: list[str] | None = Field(None, min_length=4, max_length=4,
                                     description="表头四栏；不写则用模板的默认表头")
    show: bool = Field(True, description="false：只作数据（参与核对、可被指标引用），不出表")
    rows: list[LineRow] = Field(min_length=1, description="每行 [项目组成, 数量, 单价, 资金需求]")
    total: Money | None = Field(None, description="合计行的金额（可选）")
    total_label: str | None = Field(None, description="合计行的名称，默认“合计”")

    @model_validator(mode="after")
    def _units(self) -> Lines:
        self.rows = [r._replace(price=r.price.in_unit(self.unit), amount=r.amount.in_unit(self.unit))
                     for r in self.rows]
        self.total = self.total and self.total.in_unit(self.unit)
        return self


class ScheduleRow(NamedTuple):
    """One row of a multi-year plan: name, one amount per year, row total."""

    name: str
    values: tuple[Amount, ...]
    total: Amount


def _cells(raw: object, named: bool) -> tuple[str, tuple[Amount, ...]]:
    if not isinstance(raw, list) or len(raw) < 2:
        if named:
            raise Invalid("每行应为列表 [费用名称, 各年金额…, 合计]", "a row is a list [name, one amount per year…, total]")
        raise Invalid("合计行应为列表 [各年金额…, 合计]", "the total row is a list [one amount per year…, total]")
    name, cells = (raw[0], raw[1:]) if named else ("", raw)
    if isinstance(name, (int, Decimal, dt.date)) and not isinstance(name, bool):
        name = str(name) if isinstance(name, dt.date) else number_text(name)
    if named and not isinstance(name, str):
        raise Invalid("每行第一格应为费用名称", "the first cell of a row is the name of the cost", at=(0,))
    amounts = []
    for i, cell in enumerate(cells, start=1 if named else 0):
        try:
            amounts.append(_money(cell))
        except Invalid as e:
            raise Invalid(f"第 {i + 1} 格：{e.zh}", f"cell {i + 1}: {e.en}", at=(i,)) from None
    return str(name), tuple(amounts)


def _schedule_row(raw: object) -> ScheduleRow:
    if isinstance(raw, ScheduleRow):
        return raw
    name, amounts = _cells(raw, named=True)
    return ScheduleRow(name, amounts[:-1], amounts[-1])


def _schedule_total(raw: object) -> ScheduleRow:
    if isinstance(raw, ScheduleRow):
        return raw
    _, amounts = _cells(raw, named=False)
    return ScheduleRow("", amounts[:-1], amounts[-1])


_ROW_SCHEMA = {"type": "array", "prefixItems": [{"type": "string"}], "items": _MONEY_SCHEMA, "minItems": 3}
def _row_cells(row: ScheduleRow) -> list[str]:
    """A plan row as written: [name, one amount per year…, total] (a total row has no name)."""
    return [*([row.name] if row.name else []), *map(str, row.values), str(row.total)]


PlanRow = Annotated[ScheduleRow, PlainValidator(_schedule_row), PlainSerializer(_row_cells),
                    WithJsonSchema(_ROW_SCHEMA)]
PlanTotal = Annotated[ScheduleRow, PlainValidator(_schedule_total), PlainSerializer(_row_cells),
                      WithJsonSchema({"type": "array", "items": _MONEY_SCHEMA, "minItems": 2})]


class Schedule(Model):
    """A multi-year plan: 序号 / 费用名称 / one column per year / 合计."""

    unit: Unit = Field(WAN, description="不带单位的数字的单位")
    years: list[int] = Field(min_length=1, description="年度列，如 [2021, 2023]")
    header: list[str] | None = Field(None, description="表头：序号、费用名称、各年、合计；不写则用模板的默认表头")
    rows: list[PlanRow] = Field(min_length=1, description="每行 [费用名称, 各年金额…, 合计]")
    total: PlanTotal | None = Field(None, description="合计行 [各年金额…, 合计]（可选）")
    total_label: str | None = Field(None, description="合计行的名称，默认由模板给出")

    @model_validator(mode="after")
    def _shape(self) -> Schedule:
        width = len(self.years)
        if self.header is not None and len(self.header) != width + 3:
            raise Invalid(f"表头应有 {width + 3} 栏（序号、费用名称、{width} 个年度、合计），实有 {len(self.header)} 栏",
                          f"the header needs {width + 3} labels (number, name, {width} year(s), total), "
                          f"it has {len(self.header)}")
        for i, row in enumerate([*self.rows, *([self.total] if self.total else [])], start=1):
            if len(row.values) != width:
                where, where_en = (f"第 {i} 行", f"row {i}") if i <= len(self.rows) else ("合计行", "the total row")
                raise Invalid(f"{where}应有 {width} 个年度金额和 1 个合计，实有 {len(row.values) + 1} 个金额",
                              f"{where_en} needs {width} yearly amount(s) and a total, it has {len(row.values) + 1} "
                              "amount(s)")

        def fix(row: ScheduleRow) -> ScheduleRow:
            return ScheduleRow(row.name, tuple(a.in_unit(self.unit) for a in row.values),
                               row.total.in_unit(self.unit))

        self.rows = [fix(r) for r in self.rows]
        self.total = self.total and fix(self.total)
        return self


SECTIONS = ("overview", "basis", "subject", "approach", "period", "arrangement", "goals")


class SubItem(Model):
    """One sub-item （一）（二）… of 项目经费情况说明, with its seven sections."""

    title: str = Field(description="子项目名称")
    sep: str = Field("、", description="编号（一）与名称之间的符号，默认“、”，不要时写 \"\"")
    classified: bool = Field(False, description="涉密：未写的部分显示“涉密项目，根据相关要求，暂不公开。”")
    budget: Money = Field(description="预算资金（子项目总额）")
    annual: Money | None = Field(None, description="本年度预算资金；不写则等于 budget")
    start: YearMonth | None = Field(None, description="实施周期开始，YYYY-MM")
    end: YearMonth | None = Field(None, description="实施周期结束，YYYY-MM")
    overview: str | None = Field(None, description="1、项目概述")
    basis: str | None = Field(None, description="2、立项依据")
    subject: str | None = Field(None, description="3、实施主体")
    approach: str | None = Field(None, description="4、实施方案（明细表 lines 接在其后）")
    period: str | None = Field(None, description="5、实施周期；不写则由 start/end 生成")
    arrangement: str | None = Field(None, description="6、年度预算安排（多年度计划表 schedule 接在其后）")
    goals: str | None = Field(None, description="7、绩效目标；不写则为“详见单位的项目绩效目标表。”")
    lines: Lines | None = Field(None, description="项目组成明细表")
    schedule: Schedule | None = Field(None, description="多年度资金计划表")

    @model_validator(mode="after")
    def _units(self) -> SubItem:
        self.budget = self.budget.in_unit(YUAN)
        self.annual = self.annual.in_unit(YUAN) if self.annual else None
        return self

    @property
    def annual_amount(self) -> Amount:
        return self.annual or self.budget


def _or_shorthand(schema: dict) -> None:
    """The schema of a mapping that may also be written as just its value."""
    whole = dict(schema)
    schema.clear()
    schema.update(title=whole.pop("title"), description=whole.get("description"),
                  anyOf=[whole, {"type": ["string", "number"], "description": "年度指标值，如 =56850 份、>=90%、应修尽修"}])


class Indicator(Model):
    """A 三级指标's target, with optional link to a line item and 绩效标准."""

    model_config = ConfigDict(json_schema_extra=_or_shorthand)  # merged with Model's

    value: IndicatorValue = Field(description="年度指标值")
    link: str | None = Field(None, description="所核对的明细行：<项目组成>.qty|price|amount")
    standard: str | None = Field(None, description="绩效标准（计划标准/行业标准/历史标准），供有此栏的模板使用")

    @model_validator(mode="before")
    @classmethod
    def _shorthand(cls, data: object) -> object:
        return data if isinstance(data, dict) else {"value": data}


Indicators = dict[str, dict[str, dict[str, Indicator]]]
ROW_KEYS = ("first", "second", "name")  # what places an indicator written as a row: 一级, 二级, 三级指标
_ROWS_SCHEMA = {
    "type": "array",
    "description": "或按表中的顺序逐行列出（一级、二级指标可重复出现）",
    "items": {"type": "object", "required": ["first", "second", "name", "value"],
              "properties": {"first": {"type": "string", "description": "一级指标"},
                             "second": {"type": "string", "description": "二级指标"},
                             "name": {"type": "string", "description": "三级指标"},
                             "value": {"type": ["string", "number"], "description": "年度指标值"}}},
}


def _or_rows(schema: dict) -> None:
    """The indicator tree, or a list of rows in the form's own order (their other keys are the form's)."""
    whole = dict(schema)
    schema.clear()
    schema.update(title=whole.pop("title", "Indicators"), description=whole.get("description"),
                  anyOf=[whole, _ROWS_SCHEMA])


class Project(File):
    """One project: the fields every form has; form.py makes each form's model from it."""

    form: ClassVar[Any] = None  # the form.Form this model was made from (form.py)
    dates_from: ClassVar[str | None] = None  # a period field giving start and end when they are not written

    name: str = Field(description="项目名称")
    department: str | None = Field(None, description="主管部门；不写则用申报表的 department")
    unit: str | None = Field(None, description="实施单位；不写则用申报表的 unit")
    start: Date | None = Field(None, description="计划开始日期")  # required unless the form says otherwise (form.py)
    end: Date | None = Field(None, description="计划完成日期")
    funding: Funding = Field(description="项目资金")
    goals: Goals = Field(description="项目绩效目标")
    items: list[SubItem] = Field([], description="项目经费情况说明的子项目（一）（二）…")
    indicators: Indicators = Field(description="绩效指标：一级指标 → 二级指标 → 三级指标: 年度指标值",
                                   json_schema_extra=_or_rows)
    _order: list[tuple[str, str, str]] | None = PrivateAttr(None)  # the rows' order, if written as a list

    @property
    def indicator_rows(self) -> list[tuple[str, str, str, Indicator]]:
        """Every 三级指标 as (一级, 二级, 三级, indicator), in the order written: the rows' order when
        they are written as a list (a form that repeats 一级 and 二级 in its own order), else the tree's."""
        tree = self.indicators
        if self._order is not None:
            return [(f, s, n, tree[f][s][n]) for f, s, n in self._order if n in tree.get(f, {}).get(s, {})]
        return [(f, s, n, i) for f, seconds in tree.items() for s, thirds in seconds.items() for n, i in thirds.items()]

    @model_validator(mode="after")
    def _dates(self) -> Project:
        period = getattr(self, self.dates_from) if self.dates_from else None
        if isinstance(period, Period):
            self.start, self.end = self.start or period.start, self.end or period.end
        return self


Severity = Literal["error", "warning", "off"]


class Summary(Model):
    """绩效目标设置情况 as stated, when the declaration publishes only part of its projects."""

    projects: int | None = Field(None, ge=1, le=100_000, description="编报绩效目标的项目个数（含未收入本文件夹的）")
    amount: Money | None = Field(None, description="涉及项目预算资金，如 1099.22万元（不带单位的数字以万元计）")

    @model_validator(mode="after")
    def _unit(self) -> Summary:
        self.amount = self.amount and self.amount.in_unit(WAN)
        return self


class Declaration(File):
    """A unit's 年度财政支出项目绩效目标申报表: the declaration.yaml file."""

    unit: str = Field(description="预算单位名称")
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR, description="申报年度")
    department: str = Field(description="主管部门")
    budget_units: int = Field(1, ge=1, le=100_000, description="预算单位个数（绩效目标设置情况）")
    summary: Summary | None = Field(None, description="只公开部分项目时，绩效目标设置情况中的项目个数和预算资金；"
                                                      "不写则由本文件夹的项目计算")
    framework: str = Field("shanghai-2023",
                           description="指标体系：内置名称，或本文件夹内的指标体系文件（如 frameworks/my.yaml）")
    template: str = Field("shanghai-2023", description="模板：内置模板名，或本文件夹内的模板文件夹")
    output: str | None = Field(None, description="输出文件路径（本文件夹内），默认 build/<文件夹名>.docx")
    projects: list[str] = Field(min_length=1, description="项目文件，按顺序")
    rules: dict[str, Severity] = Field({}, description="规则设置：代码 → error / warning / off")
    qualitative_share: int = Field(30, ge=0, le=100, description="每个项目定性指标值所占比例的上限（%），超过则提示（PD410）")
    previous: str | None = Field(None, description="上一年度的申报：文件夹（相对本文件夹，如 ../2022-songjiang）或 git 版本")

    @field_validator("rules", mode="before")
    @classmethod
    def _off(cls, raw: object) -> object:
        # YAML 1.1 reads a bare `off` as false.
        return {k: "off" if v is False else v for k, v in raw.items()} if isinstance(raw, dict) else raw

    @field_validator("rules")
    @classmethod
    def _known(cls, rules: dict[str, str]) -> dict[str, str]:
        for code in rules:
            if code not in RULES:
                raise Invalid(f"未知的规则代码：{code}（perfdecl rules 列出全部规则）",
                              f"unknown rule code: {code} ('perfdecl rules' lists them all)", at=(code,))
            if code < "PD100":  # nothing can be checked or rendered from a file that did not load
                raise Invalid(f"读取类错误不能关闭，也不能改变级别：{code}",
                              f"{code} is a loading error: it cannot be turned off or changed", at=(code,))
        return rules


complete((Declaration,))  # the other models are validated as parts of a form's project model (form.py)
