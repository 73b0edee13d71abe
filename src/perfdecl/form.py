"""A form is data: the fields, money figures, identities and sections a template declares.

A template's `template.yaml` holds `form:` (or names a YAML file of its folder
holding it); a template with `base:` inherits its base's form unless it
declares its own. From a form definition this module builds the pydantic
model of the template's project files (`Form.project_model()`, made once per
definition), so that validation, did-you-mean, positions and the JSON Schema
follow the form.

The API other code uses:

- `bundle.form` (load.Bundle) or `form_of(project)`: a project's `Form`;
- `form.figures_of(project)`: its money figures, `Figure(key, label, value: Amount)`, in form order;
- `form.fields_of(project)`: its form fields beyond the core, `(FieldSpec, value)`;
- `form.fields` / `form.funding.figures` / `form.funding.identities`: the definition itself;
- `form.role("annual")` / `form.role("total")`: the key of the figure playing that part, or None;
- `form.kind_of(project)`: the values of the fields the form says name the project's kind (类别/性质).
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from decimal import Decimal, localcontext
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal, NamedTuple

from pydantic import (BaseModel, BeforeValidator, Field, PlainValidator, ValidationError, WithJsonSchema, create_model,
                      field_validator, model_validator)

from .diagnostics import Diagnostic, Invalid, Position, diag, has_errors
from .money import Amount
from .model import (ROW_KEYS, Date, Funding, Goals, Indicator, Model, Money, OptionalMoney, PeriodField, Project, Quantity,
                    SubItem, Unit, YearMonth)
from .modelcache import complete
from .paths import OUTSIDE_SHARED, display, inside, is_regular, shared_root, templates_dir
from .schema_errors import translated
from .text import Text
from .yamlload import load as load_yaml

META, MAIN = "template.yaml", "document.xml.j2"
DEFAULT_TEMPLATE = "shanghai-2023"
_NAME = re.compile(r"[A-Za-z0-9][\w.-]*")
_KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")
FieldType = Literal["text", "multiline", "date", "month", "period", "money", "integer", "number", "choice", "table",
                    "group"]
_LEAF_TYPES = ("text", "multiline", "date", "month", "period", "money", "integer", "number", "choice")
_COLUMN_TYPES = ("text", "multiline", "number", "choice")  # what an indicator column may be
Common = Literal["start", "end", "goals.total", "goals.annual"]  # the common fields a form may lack


def _label_shorthand(raw: object) -> object:
    """In a mapping of definitions, `key: 标签` stands for `key: {label: 标签}`."""
    if not isinstance(raw, dict):
        return raw
    return {key: {"label": value} if isinstance(value, str) else value for key, value in raw.items()}


Labelled = BeforeValidator(_label_shorthand)


def _check_keys(keys: dict, what: str, owner: type[BaseModel]) -> None:
    """Each key is a name the model made from it (an `owner` subclass) can take as a field."""
    for key in keys:
        if not _KEY.fullmatch(key):
            raise Invalid(f"{what}的键“{key}”应由小写字母、数字和下划线组成，以字母开头",
                          f"{what} key '{key}' must be lower-case letters, digits and '_', starting with a letter",
                          at=(key,))
        if key in owner.model_fields:
            raise Invalid(f"“{key}”是所有表单共有的字段，不能再定义", f"'{key}' is a field every form has",
                          at=(key,))
        if hasattr(owner, key):  # copy, json, form, source …: names the model itself uses
            raise Invalid(f"“{key}”是保留的名称（模型自己使用它），请换一个键，例如 {key}_name",
                          f"'{key}' is a reserved name (the model itself uses it); choose another key, e.g. {key}_name",
                          at=(key,))


class TotalsSpec(Model):
    """A table's total rows, known by the text in one of its columns (合计, 小计 …)."""

    label: str = Field(description="写“合计”“小计”等的文字列，如 name")
    rows: list[str] = Field(["合计", "总计"], description="合计行：加总其上的各行（在表首时其下的各行）")
    subtotals: list[str] = Field(["小计"], description="小计行：加总自上一个小计或合计以来的各行")
    columns: list[str] | None = Field(None, description="合计行加总的列（money 或 number）；不写则为所有这样的列")
    place: Literal["below", "above"] = Field("below", description="below：合计、小计行在所计各行之后（默认）；above：在其前")


class FieldSpec(Model):
    """One field of a form: a project key with its Chinese label and type."""

    label: str = Field(description="表上的中文名称")
    type: FieldType = Field("text", description="text、multiline、date、month、period、money、integer、number、choice、table、group")
    required: bool = Field(False, description="true：项目文件必须填写")
    default: str | int | None = Field(None, description="不填时的值")
    values: list[str] | None = Field(None, min_length=1, description="choice 的可选值")
    columns: Annotated[dict[str, FieldSpec] | None, Labelled] = Field(None, description="table 的列（每行一个映射）或 group 的各部分")
    unit: Unit | None = Field(None, description="table：money 列中不带单位的数字的单位，元（默认）或 万元")
    totals: TotalsSpec | None = Field(None, description="table：合计行，各 money、number 列应为所计各行之和（PD115）")
    identities: list[str] = Field([], description="table：每行成立的算式，如 amount = qty * price（PD116）")
    funding: list[str] = Field([], description="table：与资金栏目相符的金额，如 total = amount（该列合计）、"
                                               "basic = 基本支出.amount（该行）（PD117）")

    @model_validator(mode="after")
    def _shape(self) -> FieldSpec:
        if (self.type == "choice") != (self.values is not None):
            raise Invalid("values 只用于 choice，choice 必须有 values", "values belong to a choice, a choice needs values")
        if (self.type in ("table", "group")) != (self.columns is not None):
            raise Invalid("columns 只用于 table 和 group，二者必须有 columns",
                          "columns belong to a table or a group, and both need them")
        if self.columns is not None:
            _check_keys(self.columns, "列", Model)
            for key, column in self.columns.items():
                if column.type not in _LEAF_TYPES:
                    raise Invalid("列的类型不能是 table 或 group", "a column cannot be a table or a group", at=(key, "type"))
        if self.type == "choice" and self.default is not None and self.default not in (self.values or ()):
            raise Invalid(f"默认值“{self.default}”不在 values 中", f"default '{self.default}' is not one of values")
        for key in ("unit", "totals", "identities", "funding"):
            if self.type != "table" and getattr(self, key):
                raise Invalid(f"{key} 只用于 table", f"{key} belongs to a table", at=(key,))
        if self.totals is not None:
            self._check_totals(self.totals)
        for i, text in enumerate(self.identities):
            self._check_identity(text, ("identities", i))
        for i, text in enumerate(self.funding):
            self._check_tie(text, ("funding", i))
        return self

    @property
    def parsed(self) -> list[Identity]:
        """A table's row identities, read."""
        return [parse_identity(text, products=True) for text in self.identities]

    @property
    def ties(self) -> list[Tie]:
        """A table's ties to the form's funding figures, read."""
        return [parse_tie(text) for text in self.funding]

    def _column_types(self) -> dict[str, str]:
        """The type of each column of a table or group."""
        return {key: column.type for key, column in (self.columns or {}).items()}

    def _check_totals(self, totals: TotalsSpec) -> None:
        kinds = self._column_types()
        if kinds.get(totals.label) not in ("text", "multiline", "choice"):
            raise Invalid(f"“{totals.label}”应为本表的文字列", f"'{totals.label}' must be a text column of this table",
                          at=("totals", "label"))
        for i, key in enumerate(totals.columns or ()):
            if kinds.get(key) not in ("money", "number"):
                raise Invalid(f"“{key}”应为本表的 money 或 number 列",
                              f"'{key}' must be a money or number column of this table", at=("totals", "columns", i))

    def _check_tie(self, text: str, at: tuple[object, ...]) -> None:
        """A tie to a funding figure names a money column, and picks a row only by the column naming rows."""
        try:
            tie = parse_tie(text)
        except Invalid as e:
            raise Invalid(e.zh, e.en, at=at) from None
        if self._column_types().get(tie.column) != "money":
            raise Invalid(f"“{text}”中的“{tie.column}”不是本表的 money 列",
                          f"'{text}': '{tie.column}' is not a money column of this table", at=at)
        if tie.row is not None and self.totals is None:
            raise Invalid(f"“{text}”按行名取行：须以 totals: {{label: …}} 指明写行名的列",
                          f"'{text}' picks a row by its name: say which column names rows with totals: {{label: …}}",
                          at=at)

    def _check_identity(self, text: str, at: tuple[object, ...]) -> None:
        """A row identity over the table's money and number columns, whose units agree (no 元 × 元)."""
        try:
            identity = parse_identity(text, products=True)
        except Invalid as e:
            raise Invalid(e.zh, e.en, at=at) from None
        kinds = self._column_types()
        keys = (identity.left, *(k for _, k in identity.terms))
        for key in keys:
            if kinds.get(key) not in ("money", "number"):
                raise Invalid(f"算式“{text}”中的“{key}”不是本表的 money 或 number 列",
                              f"identity '{text}': '{key}' is not a money or number column of this table", at=at)
        money = [kinds[key] == "money" for key in keys]
        agree = sum(money[1:]) == money[0] if identity.product else len(set(money)) == 1
        if not agree:
            raise Invalid(f"算式“{text}”两边的单位不一致：金额只能与金额相加，金额 = 数量 × 金额",
                          f"identity '{text}': its units do not agree; money adds to money, money = number × money",
                          at=at)


class ColumnSpec(FieldSpec):
    """A column the form's indicators carry beyond value, link and standard: 权重, 指标方向性 …"""

    total: Decimal | None = Field(None, description="number 栏目：每个项目各指标此栏之和应等于它（PD114），如 100")

    @model_validator(mode="after")
    def _column(self) -> ColumnSpec:
        if self.type not in _COLUMN_TYPES:
            raise Invalid(f"指标栏目的类型应为 {'、'.join(_COLUMN_TYPES)} 之一", f"an indicator column's type is one of "
                          f"{', '.join(_COLUMN_TYPES)}", at=("type",))
        if self.total is not None and self.type != "number":
            raise Invalid("total 只用于 number 栏目", "total belongs to a number column", at=("total",))
        return self


class FigureSpec(Model):
    label: str = Field(description="表上的中文名称，如 项目资金总额")
    required: bool = Field(True, description="false：不填时为 0")


class Identity(NamedTuple):
    """`left = term ± term …`: `terms` are (sign, key), sign +1 or -1; or, with `product`, `left = key × key …`."""

    text: str
    left: str
    terms: tuple[tuple[int, str], ...]
    product: bool = False

    def right(self, value: Callable[[str], Decimal]) -> Decimal:
        """The right side's value, exactly, each key's value given by `value`."""
        with localcontext() as exact:  # a product's digits add up: 28 would round it
            exact.prec = _DIGITS * (len(self.terms) + 1)
            if self.product:
                return math.prod((value(key) for _, key in self.terms), start=Decimal(1))
            return sum((sign * value(key) for sign, key in self.terms), Decimal(0))

    def written(self, shown: Callable[[str], str]) -> str:
        """The right side as a message prints it, each key as `shown` gives it: `数量 6 × 单价 0.098万元`."""
        out = ""
        for i, (sign, key) in enumerate(self.terms):
            op = " × " if self.product else (" + " if sign > 0 else " - ")
            out += (op if i else "" if sign > 0 else "-") + shown(key)
        return out


_TOKEN = re.compile(r"\s*(?:([a-z][a-z0-9_]*)|([=+*×-]))")
_MOST_TERMS = 100  # a longer identity is no form's
_DIGITS = 60  # at most as many digits as a value carries (money.MAX_DIGITS)


def parse_identity(text: str, products: bool = False) -> Identity:
    """`total = fiscal + self_raised - refund` → Identity; with `products`, `amount = qty * price` (or ×) too.

    Invalid if it is not that shape. No eval.
    """
    shape = "key = key + key …" + ("，或 key = key * key …" if products else "")
    tokens: list[str] = []
    pos = 0
    while pos < len(text.rstrip()):
        m = _TOKEN.match(text, pos)
        if not m:
            raise Invalid(f"恒等式“{text}”第 {pos + 1} 个字符无法识别：应写作 {shape}",
                          f"identity '{text}': cannot read character {pos + 1}; write {shape.replace('，或', ' or')}")
        tokens.append(m.group(1) or m.group(2))
        pos = m.end()
        if len(tokens) > 2 * _MOST_TERMS + 1:
            raise Invalid(f"恒等式“{text[:40]}…”过长：最多 {_MOST_TERMS} 项", f"identity '{text[:40]}…' too long: "
                          f"at most {_MOST_TERMS} terms")
    ops = tokens[3::2]
    product = products and bool(ops) and all(op in "*×" for op in ops)
    ok = len(tokens) >= 3 and len(tokens) % 2 == 1 and tokens[1] == "="
    ok = ok and all(_KEY.fullmatch(t) for t in tokens[0::2])
    ok = ok and (product or all(t in "+-" for t in ops))
    if not ok:
        only = "（只用 + 和 -）" if not products else "（只用 + 和 -，或只用 *）"
        raise Invalid(f"恒等式“{text}”应写作 {shape}{only}",
                      f"identity '{text}' must read {shape.replace('，或', ' or')} "
                      f"({'only + and -' if not products else 'only + and -, or only *'})")
    terms = [(1, tokens[2])] + [(-1 if op == "-" else 1, key) for op, key in zip(ops, tokens[4::2])]
    return Identity(text, tokens[0], tuple(terms), product)


class Tie(NamedTuple):
    """`figure = column`: a table column's total is a funding figure; `figure = row.column`: the cell of the row
    so named (in the totals' label column) is."""

    text: str
    figure: str
    row: str | None
    column: str


def parse_tie(text: str) -> Tie:
    """`total = amount` or `basic = 基本支出.amount` → Tie (the row's name may hold dots); Invalid if not that shape."""
    left, equals, right = text.partition("=")
    row, dot, column = right.rpartition(".")
    figure, row, column = left.strip(), row.strip(), column.strip()
    if not (equals and _KEY.fullmatch(figure) and _KEY.fullmatch(column) and (row or not dot)):
        raise Invalid(f"“{text[:60]}”应写作 栏目 = 列（该列合计）或 栏目 = 行名.列，如 total = amount、basic = 基本支出.amount",
                      f"'{text[:60]}' must read figure = column (the column's total) or figure = row name.column, "
                      "such as total = amount, basic = 基本支出.amount")
    return Tie(text, figure, row if dot else None, column)


class FundingSpec(Model):
    """The form's money figures and the identities they satisfy."""

    unit: Unit = Field("元", description="金额单位：元 或 万元（项目文件可用 funding.unit 改写）")
    figures: Annotated[dict[str, FigureSpec], Labelled] = Field(description="金额栏目：键 → 中文名称")
    identities: list[str] = Field([], description="恒等式，如 total = fiscal + other")
    total: str | None = Field(None, description="项目资金总额是哪一栏")
    annual: str | None = Field(None, description="年度资金申请总额是哪一栏（与子项目、汇总相比）")
    appropriation: str | None = Field(None, description="当年财政拨款是哪一栏（perfdecl summary 的一列）；不写则按标签找")

    @model_validator(mode="after")
    def _known(self) -> FundingSpec:
        _check_keys(self.figures, "金额栏目", Funding)
        for i, text in enumerate(self.identities):
            try:
                identity = parse_identity(text)
            except Invalid as e:
                raise Invalid(e.zh, e.en, at=("identities", i)) from None
            for key in (identity.left, *(k for _, k in identity.terms)):
                if key not in self.figures:
                    raise Invalid(f"恒等式“{text}”中的“{key}”不是 figures 中的栏目",
                                  f"identity '{text}': '{key}' is not one of figures", at=("identities", i))
        for role in ("total", "annual", "appropriation"):
            key = getattr(self, role)
            if key is not None and key not in self.figures:
                raise Invalid(f"{role}: “{key}”不是 figures 中的栏目", f"{role}: '{key}' is not one of figures",
                              at=(role,))
        return self

    @property
    def parsed(self) -> list[Identity]:
        return [parse_identity(text) for text in self.identities]


class Figure(NamedTuple):
    """One money figure of a project: its key, the form's label and its value."""

    key: str
    label: str
    value: Amount


class Form(Model):
    """A template's form definition (the `form:` of template.yaml)."""

    title: str | None = Field(None, description="表名，如 财政项目支出绩效目标申报表")
    items: Literal["required", "optional", "none"] = Field(
        "required", description="子项目（一）（二）…：required、optional，或 none（此表单没有子项目）")
    fields: Annotated[dict[str, FieldSpec], Labelled] = Field({}, description="共有字段之外的项目字段：键 → 定义")
    dates: str | None = Field(None, description="一个 period 字段：项目不写 start/end 时由它得出")
    optional: list[Common] = Field([], description="此表单没有的共有字段，项目可不写：start、end、goals.total、goals.annual")
    funding: FundingSpec = Field(description="项目资金：金额栏目与恒等式")
    indicator_columns: Annotated[dict[str, ColumnSpec], Labelled] = Field(
        {}, description="每个指标在 value、link、standard 之外的栏目，如 权重、指标方向性：键 → 定义")
    kind: list[str] = Field([], description="说明项目类别/性质的字段（text 或 choice），如 [nature, category]；汇总表的“类别/性质”栏")

    @field_validator("fields")
    @classmethod
    def _free(cls, fields: dict[str, FieldSpec]) -> dict[str, FieldSpec]:
        _check_keys(fields, "字段", Project)
        return fields

    @field_validator("indicator_columns")
    @classmethod
    def _free_columns(cls, columns: dict[str, ColumnSpec]) -> dict[str, ColumnSpec]:
        _check_keys(columns, "指标栏目", Indicator)
        for key in columns:
            if key in ROW_KEYS:  # an indicator row's place (docs/format.md, indicators as rows)
                raise Invalid(f"“{key}”是指标行用来写一级、二级、三级指标的键，请换一个键，例如 {key}_name",
                              f"'{key}' places an indicator row (一级, 二级, 三级); choose another key, e.g. {key}_name",
                              at=(key,))
        return columns

    @model_validator(mode="after")
    def _kind(self) -> Form:
        for i, key in enumerate(self.kind):
            spec = self.fields.get(key)
            if spec is None or spec.type not in ("text", "choice"):
                raise Invalid(f"kind: “{key}”应为 fields 中的 text 或 choice 字段",
                              f"kind: '{key}' must be a text or choice field of fields", at=("kind", i))
        return self

    @model_validator(mode="after")
    def _ties(self) -> Form:
        for key, spec in self.fields.items():
            for i, tie in enumerate(spec.ties):
                if tie.figure not in self.funding.figures:
                    raise Invalid(f"“{tie.text}”中的“{tie.figure}”不是 funding 的 figures 中的栏目",
                                  f"'{tie.text}': '{tie.figure}' is not one of funding's figures",
                                  at=("fields", key, "funding", i))
        return self

    @model_validator(mode="after")
    def _dates(self) -> Form:
        spec = self.fields.get(self.dates or "")
        if self.dates is not None and (spec is None or spec.type != "period" or not spec.required):
            raise Invalid(f"dates: “{self.dates}”应为 fields 中必填的 period 字段",
                          f"dates: '{self.dates}' must be a required period field of fields", at=("dates",))
        return self

    def project_model(self) -> type[Project]:
        """The pydantic model of this form's project files (one class per definition)."""
        return _project_model(self.model_dump_json())

    def role(self, name: str) -> str | None:
        return getattr(self.funding, name)

    def figures_of(self, project: Project) -> list[Figure]:
        return [Figure(key, spec.label, getattr(project.funding, key)) for key, spec in self.funding.figures.items()]

    def kind_of(self, project: Project) -> list[str]:
        """The written values of the fields that name the project's kind (`kind:`), in that order."""
        return [str(value) for key in self.kind if (value := getattr(project, key))]

    def fields_of(self, project: Project) -> list[tuple[str, FieldSpec, object]]:
        return [(key, spec, getattr(project, key)) for key, spec in self.fields.items()]


def form_of(project: Project) -> Form:
    return type(project).form


def slots(project: Project, kind: type) -> Iterator[tuple[BaseModel, str, tuple]]:
    """(owner, attribute, YAML path) of each value of type `kind` in the project's form fields,
    in groups and table rows too."""
    for key in project.form.fields:
        value = getattr(project, key)
        if isinstance(value, kind):
            yield project, key, (key,)
        for base, row in ([((key, r), row) for r, row in enumerate(value)] if isinstance(value, list)
                          else [((key,), value)]):
            if isinstance(row, BaseModel):
                yield from ((row, column, (*base, column)) for column in type(row).model_fields
                            if isinstance(getattr(row, column), kind))


def text_slots(project: Project) -> Iterator[tuple[BaseModel, str, tuple]]:
    """(owner, attribute, YAML path) of each text of the project's form fields."""
    return slots(project, str)


_ZERO = Amount(Decimal(0), None, "0")
_LEAF: dict[str, Any] = {"text": str, "multiline": str, "date": Date, "month": YearMonth, "period": PeriodField,
                         "money": Money, "integer": int, "number": Quantity}


class Part(Model):
    """A table's row or a group: bare numbers in its money columns are in `money_unit` (a table's `unit`)."""

    money_unit: ClassVar[str | None] = None

    @model_validator(mode="after")
    def _units(self) -> Part:
        unit = type(self).money_unit
        for name in type(self).model_fields:
            value = getattr(self, name)
            if unit and isinstance(value, Amount):
                setattr(self, name, value.in_unit(unit))
        return self


def _annotation(key: str, spec: FieldSpec, made: list[type[BaseModel]]) -> Any:
    """The type of a field; the models it makes for tables and groups are added to `made`."""
    if spec.type == "choice":
        return Literal[tuple(spec.values or ())]
    if spec.type in ("table", "group"):
        row: Any = create_model(f"{key.title().replace('_', '')}{'Row' if spec.type == 'table' else ''}",
                                __base__=Part, **_definitions(spec.columns or {}, made))
        row.money_unit = spec.unit
        made.append(row)
        return list[row] if spec.type == "table" else row
    return _LEAF[spec.type]


def _definitions(fields: Mapping[str, FieldSpec], made: list[type[BaseModel]]) -> dict[str, Any]:
    out = {}
    for key, spec in fields.items():
        tp = _annotation(key, spec, made)
        if spec.required:
            out[key] = (tp, Field(description=spec.label))
        else:
            out[key] = (tp | None, Field(spec.default, description=spec.label))
    return out


def _no_items(raw: object) -> list[SubItem]:
    if raw in (None, []):
        return []
    raise Invalid("此表单没有子项目（一）（二）…：删去 items，内容写在表单的字段中（见模板的 form）",
                  "this form has no sub-items: remove items and write their content in the form's fields")


NoItems = Annotated[list[SubItem], PlainValidator(_no_items), WithJsonSchema({"type": "array", "maxItems": 0})]


def _common(form: Form) -> dict[str, Any]:
    """start, end and the goals' parts: required unless the form makes them optional (or `dates:` gives start and end)."""
    out: dict[str, Any] = {}
    for key, what in (("start", "计划开始日期"), ("end", "计划完成日期")):
        if form.dates:  # the period gives them
            label = form.fields[form.dates].label
            out[key] = (Date | None, Field(None, description=f"{what}；不写则取自 {form.dates}（{label}）"))
        else:
            out[key] = _required_unless(key in form.optional, Date, what)
    parts: dict[str, Any] = {part: _required_unless(f"goals.{part}" in form.optional, str,
                                                    Goals.model_fields[part].description)
                             for part in ("total", "annual")}
    goals = create_model("Goals", __base__=Goals, **parts)
    loose = all(f"goals.{part}" in form.optional for part in parts)
    out["goals"] = (goals, Field(default_factory=goals, description="项目绩效目标") if loose
                    else Field(description="项目绩效目标"))
    return out


def _required_unless(optional: bool, kind: Any, what: str | None) -> tuple[Any, Any]:
    return (kind | None, Field(None, description=what)) if optional else (kind, Field(description=what))


@lru_cache(maxsize=32)
def _project_model(definition: str) -> type[Project]:
    form = Form.model_validate_json(definition)
    figures: dict[str, Any] = {key: (Money, Field(description=spec.label)) if spec.required else
                               (OptionalMoney, Field(_ZERO, description=spec.label))
                               for key, spec in form.funding.figures.items()}
    funding = create_model("Funding", __base__=Funding,
                           unit=(Unit, Field(form.funding.unit, description="金额单位")), **figures)
    described = "项目经费情况说明的子项目（一）（二）…"
    items: Any = {"required": (list[SubItem], Field(min_length=1, description=described)),
                  "optional": (list[SubItem], Field([], description=described)),
                  "none": (NoItems, Field([], description="此表单没有子项目"))}[form.items]
    made: list[type[BaseModel]] = []
    common = _common(form)
    if form.indicator_columns:  # each indicator's model gains the form's columns
        indicator = create_model("Indicator", __base__=Indicator, **_definitions(form.indicator_columns, made))
        made.append(indicator)
        tree = Project.model_fields["indicators"]
        common["indicators"] = (dict[str, dict[str, dict[str, indicator]]],
                                Field(description=tree.description, json_schema_extra=tree.json_schema_extra))
    model = create_model("Project", __base__=Project, funding=(funding, Field(description="项目资金")),
                         items=items, **common, **_definitions(form.fields, made))
    model.form = form
    model.dates_from = form.dates
    complete((*made, funding, common["goals"][0], model), definition=definition.encode())  # from the schema cache when it can
    return model


# -- finding a template and its form ----------------------------------------------------------------

def builtin_template(name: str) -> Path | None:
    folder = templates_dir() / name
    return folder if _NAME.fullmatch(name) and is_regular(folder / META) else None


def builtin_templates() -> list[str]:
    root = templates_dir()
    return sorted(p.name for p in root.iterdir() if (p / MAIN).is_file()) if root.is_dir() else []


def template_folder(root: Path, name: str) -> tuple[Path | None, Text | None]:
    """The folder `template:` names (a built-in, or a folder inside `root` or its repository), or why there is none."""
    found = builtin_template(name)
    if found:
        return found, None
    folder = inside(shared_root(root), root.absolute() / name)  # a template shared in the repository will do
    if folder is None:  # e.g. a symlink named like a built-in
        return None, OUTSIDE_SHARED
    if not is_regular(folder / META) and not is_regular(folder / MAIN):
        names = "、".join(builtin_templates())
        return None, Text(f"找不到模板“{name}”：它不是内置模板（{names}），也不是本文件夹内含 {META} 或 {MAIN} 的文件夹",
                          f"no template '{name}': not a built-in ({names}) nor a folder here holding {META} or {MAIN}")
    return folder, None


@lru_cache(maxsize=16)
def _read_form(path: Path, _stamp: object) -> tuple[Form | None, object, tuple[Diagnostic, ...]]:
    """(form or None, `form:` value if it names a file, problems) of one template.yaml or form file."""
    data, source, diags = load_yaml(path, display(path))
    if has_errors(diags):
        return None, None, tuple(diags)
    prefix: tuple[str, ...]
    if path.name == META:
        if not isinstance(data, dict) or "form" not in data:
            return None, None, tuple(diags)
        if isinstance(data["form"], str):
            return None, data["form"], tuple(diags)
        data, prefix = data["form"], ("form",)
    else:
        prefix = ()
    try:
        form = Form.model_validate(data)
    except ValidationError as e:
        errors = [{**err, "loc": (*prefix, *err["loc"])} for err in e.errors()]
        return None, None, (*diags, *(_as_pd016(d) for d in translated(errors, Form, source, diags)))
    try:
        form.project_model()
    except Exception as e:  # anything pydantic refuses in a definition the checks above let through
        return None, None, (*diags, diag("PD016", source.at(*prefix), key="form", why=Text(
            f"无法由它生成项目的模型：{e}", f"cannot make the project model from it: {e}")))
    return form, None, tuple(diags)


def _as_pd016(d: Diagnostic) -> Diagnostic:
    """A validation problem of a form definition (PD010, PD011, PD012), reported as such."""
    args = d.kwargs
    key = args.get("key", "")
    why = args.get("why")
    if d.code == "PD011":
        why = Text(f"缺少“{key}”", f"'{key}' is missing")
    elif not isinstance(why, Text):  # an unknown key, with its did-you-mean
        suggest = args.get("suggest")
        why = Text(f"未知的键“{key}”", f"unknown key '{key}'") + (suggest if isinstance(suggest, Text) else Text("", ""))
    return diag("PD016", d.pos, key=key, why=why)


def read_form(folder: Path) -> tuple[Form | None, list[Diagnostic]]:
    """The form a template folder declares, or inherits from its base; None if it declares none."""
    seen: list[Path] = []
    current: Path | None = folder
    while current is not None and current not in seen:
        seen.append(current)
        meta = current / META
        if not meta.is_file():
            return None, []
        if inside(current, META) is None:  # a symlink out of the folder: not read, as render.templates.find
            return None, [diag("PD016", Position(display(meta), 1, 1), key="form", why=Text(
                f"{META} 指向模板文件夹之外，拒绝读取", f"{META} leads outside the template folder; refusing to read it"))]
        form, named, problems = _read_form(meta, _stamp(meta))
        if form is not None or has_errors(problems):
            return form, list(problems)
        if isinstance(named, str):
            path = inside(current, named)
            if path is None or not path.is_file():
                return None, [diag("PD016", Position(display(meta), 1, 1), key="form",
                                   why=Text(f"找不到模板文件夹内的表单文件“{named}”",
                                            f"no form file '{named}' inside the template folder"))]
            form, _, problems = _read_form(path, _stamp(path))
            return form, list(problems)
        base = _base(meta)
        current = builtin_template(base) if base else None
    return None, []


def _base(meta: Path) -> str | None:
    import yaml

    try:
        data = yaml.safe_load(meta.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return None
    base = data.get("base") if isinstance(data, dict) else None
    return str(base) if base else None


def _stamp(path: Path) -> object:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def default_form() -> Form:
    folder = builtin_template(DEFAULT_TEMPLATE)
    form, _ = read_form(folder) if folder else (None, [])
    if form is None:
        raise RuntimeError(f"the built-in template {DEFAULT_TEMPLATE} has no form")  # a broken installation
    return form


complete((TotalsSpec, FieldSpec, FigureSpec, FundingSpec, Form))
