"""PD2xx: what a reviewer questions although nothing fails to add up.

Totals that cannot be right side by side, planned periods that do not cover
the year or the work, texts whose figures, dates and years say something else
than the data, template residue, table labels naming the wrong unit. These are
warnings (a start after its end is an error): each may have a reason, which
`# perfdecl: ignore[PD2xx]` on the reported line records.
"""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from decimal import ROUND_HALF_UP, Decimal

from ..diagnostics import Diagnostic, diag
from ..load import Bundle
from ..model import Project, SubItem
from ..money import SCALE, WAN, YUAN, Amount
from . import Example, Rule
from .common import (amounts, declared_framework, figure, indicator_at, item_amounts, item_texts,
                     key_text_at, locate, month, project_texts, show, strings, ym)

E, W = "error", "warning"

ITEM = ("items", 0)  # where a sub-item's examples are written: the first sub-item
_LINES = "lines:\n  unit: 万元\n  rows:\n    - [彩色带, 6, 0.098, 0.588]\n    - [配件更换, 1, 2.412, 2.412]\n"

RULES = (
    Rule("PD201", W, "项目资金总额小于年度资金申请总额", "project total below the annual request",
         "项目资金总额 {total} 小于年度资金申请总额 {annual}",
         "the project total {total} is below the annual request {annual}",
         """项目资金总额 is the project's whole amount over all its years; it cannot
be less than what is asked for this one year (年度资金申请总额). The two are
equal for a one-year project, and need not be for a multi-year one.""",
         passing=(Example("funding: {total: 50000, fiscal: 50000, annual: 30000, appropriation: 30000}"),),
         failing=(Example("funding: {total: 20000, fiscal: 20000, annual: 30000, appropriation: 30000}"),)),
    Rule("PD202", W, "项目资金总额与多年度计划不符", "project total differs from the multi-year plan",
         "项目资金总额 {total}，多年度计划及各子项目预算合计 {plan}",
         "the project total is {total}, the multi-year plan and the sub-items' budgets add up to {plan}",
         """When a sub-item has a multi-year plan (`schedule`), the project's
项目资金总额 should be the plan's total (plus the budgets of sub-items without
a plan).""",
         hint="项目资金总额应为项目全部年度的资金，与多年度计划一致",
         hint_en="the project total is the money for all its years, as the plan shows",
         passing=(Example("""
             funding: {total: 30000, fiscal: 30000, annual: 20000, appropriation: 20000}
             items:
               - title: 设备维护费
                 budget: 3 万元
                 annual: 2 万元
                 schedule: {unit: 万元, years: [2022, 2023], rows: [[设备维护, 1, 2, 3]]}
             """),),
         failing=(Example("""
             funding: {total: 20000, fiscal: 20000, annual: 20000, appropriation: 20000}
             items:
               - title: 设备维护费
                 budget: 3 万元
                 annual: 2 万元
                 schedule: {unit: 万元, years: [2022, 2023], rows: [[设备维护, 1, 2, 3]]}
             """),)),
    Rule("PD203", W, "计划起止日期不含申报年度", "planned dates do not reach the declaration year",
         "计划期 {start} 至 {end} 不含申报年度 {year} 年",
         "the planned period {start} to {end} does not reach the declaration year {year}",
         """A project declared for a year must be planned to run in that year.""",
         passing=(Example("start: 2023-01-01\nend: 2023-12-31", note="year: 2023"),),
         failing=(Example("start: 2021-01-01\nend: 2022-12-31", note="year: 2023"),)),
    Rule("PD204", W, "子项目实施周期超出项目计划期", "sub-item period outside the project's planned dates",
         "子项目实施周期 {item_start} 至 {item_end} 超出项目计划期 {start} 至 {end}",
         "the sub-item runs {item_start} to {item_end}, outside the project's planned {start} to {end}",
         """Each sub-item's 实施周期 (`start`/`end`) must lie within the project's
计划开始日期 and 计划完成日期.""",
         passing=(Example("""
             start: 2023-01-01
             end: 2023-12-31
             items:
               - {title: 设备维护费, budget: 3万元, start: 2023-01, end: 2023-12}
             """),),
         failing=(Example("""
             start: 2023-01-01
             end: 2023-12-31
             items:
               - {title: 设备维护费, budget: 3万元, start: 2023-08, end: 2024-07}
             """),)),
    Rule("PD205", E, "开始晚于结束", "start after end",
         "开始 {start} 晚于结束 {end}", "start {start} is after end {end}",
         """A planned period (the project's start/end or a sub-item's 实施周期)
must not start after it ends.""",
         passing=(Example("start: 2023-01-01\nend: 2023-12-31"),),
         failing=(Example("start: 2023-12-31\nend: 2023-01-01"), Example("start: 2023-12\nend: 2023-01", ITEM))),
    Rule("PD206", W, "时效指标的日期不在计划期内", "timeliness date outside the planned period",
         "时效指标值“{value}”不在项目计划期 {start} 至 {end} 内",
         "timeliness target '{value}' is outside the planned period {start} to {end}",
         """A 时效指标 value that is a date (`2023 年 10 月底`, `2023-10-31`) must
fall within the project's planned period.""",
         passing=(Example("时效指标:\n  宣传品发放及时性: 2023 年 10 月底", ("indicators", "产出指标"),
                          note="start: 2023-01-01, end: 2023-12-31"),),
         failing=(Example("时效指标:\n  宣传品发放及时性: 2024 年 3 月底", ("indicators", "产出指标"),
                          note="start: 2023-01-01, end: 2023-12-31"),)),
    Rule("PD207", W, "文字中的金额与数据不符", "a figure in the text contradicts the data",
         "文字中的金额“{stated}”与数据不符（预算资金 {budget}，本年度 {annual}，及表中与项目资金中的金额）",
         "the text states '{stated}', which matches none of the figures (budget {budget}, this year {annual}, "
         "the tables, the project's funding)",
         """A figure that the text gives as a budget (after 预算, 金额, 资金需求, 总额,
申请资金) must be one of the figures of what the text describes: a sub-item's
budget, annual amount, line items and totals, plan cells and totals, and the
project's funding figures and the sums of its sub-items; for the
项目总目标/年度总目标, the project's funding and every sub-item's figures.
After 约 the figure may be rounded. Figures may be written with thousands
separators (`1,357.00 万元`) and in full-width digits. A bare 万 is money
before punctuation, the end of a line, 元, 每, `/` (`88 万/年`) and the like,
not in `2 万平方米` or `3 万人`. Other figures (`人均 22 万/年`) are not
compared. The 立项依据 text is not checked. Where a text states a breakdown,
give it as hidden line items (`lines` with `show: false`).""",
         hint="可写 {{{{ budget }}}}、{{{{ annual }}}} 从数据取数；文字所述的分项金额可写入 lines（show: false）",
         hint_en="write {{{{ budget }}}} or {{{{ annual }}}} to take the figure from the data; give a breakdown "
                 "stated in the text as line items (lines with show: false)",
         passing=(Example("arrangement: 2023 年项目预算金额 3 万，本项目总预算 30,000 元。", ITEM, note="budget: 3万元"),
                  Example("arrangement: 年度预算覆盖 2 万平方米。", ITEM, note="budget: 3万元")),
         failing=(Example("arrangement: 2023 年项目预算金额 4 万。", ITEM, note="budget: 3万元"),
                  Example("arrangement: 本项目总预算 40,000 元。", ITEM, note="budget: 3万元"))),
    Rule("PD208", W, "文字中的起止时间与实施周期不符", "a period in the text contradicts the sub-item's dates",
         "文字中的时间 {stated} 与子项目实施周期 {start} 至 {end} 不符",
         "the text says {stated}, the sub-item runs {start} to {end}",
         """Periods written in a sub-item's texts (`2023年 9月（至 2023年 10月）`,
`拟于 2022 年 8 月至 2023 年 8 月`, `实施周期为 2023年 9月-2023年 10月`) must lie
within its 实施周期, and together the periods in one text must span it.""",
         passing=(Example("start: 2023-09\nend: 2023-10\noverview: 拟于 2023年 9月（至 2023年 10月）实施……", ITEM),),
         failing=(Example("start: 2023-09\nend: 2023-10\noverview: 拟于 2023 年 8 月至 2023 年 10 月实施……", ITEM),)),
    Rule("PD209", W, "文字中的年份不在申报年度或计划期内", "a year in the text is outside the period",
         "“{year}”年既不是申报年度，也不在计划期 {start} 至 {end} 内",
         "the year {year} is neither the declaration year nor within the period {start} to {end}",
         """Years in titles and texts should be the declaration year or within the
planned period (the project's dates, and the sub-item's 实施周期). Cited
documents are not checked: `〔2021〕`, `【2017】`, `[2007]`, titles in `《…》`,
standards such as `GB/T 22239-2019`; nor is the 立项依据 text, which cites
history by nature.""",
         passing=(Example("title: 2023年度设备维护费", ITEM, note="year: 2023"),),
         failing=(Example("title: 2021年度设备维护费", ITEM, note="year: 2023"),)),
    Rule("PD210", W, "模板残留", "template residue",
         "“{text}”像是未填写的模板内容", "'{text}' looks like unfilled template text",
         """Placeholders left from a template: `XX`, `XXX`, `某某`, `待填写`,
`待补充`, `请填写`, `TODO`, a text that is only `…`.""",
         passing=(Example(declaration="unit: 上海市松江区科技创新服务中心"),),
         failing=(Example(declaration="unit: 某某单位"), Example("overview: 待补充", ITEM))),
    Rule("PD211", W, "表头单位与表格单位不符", "a table label names another unit",
         "“{label}”写的单位是{named}，而本表金额的单位是{unit}",
         "'{label}' names {named}, but the table's amounts are in {unit}",
         """A label in a table (`header` cells, `total_label`) that names a unit
must name the table's `unit`.""",
         passing=(Example(_LINES + "  total_label: 合计（万元）", ITEM),),
         failing=(Example(_LINES + "  total_label: 合计（元）", ITEM),)),
)

# -- funding -----------------------------------------------------------------------------------------

def check_funding(bundle: Bundle) -> Iterator[Diagnostic]:
    """The cumulative total against the annual request and the multi-year plan."""
    total_key, annual_key = bundle.form.role("total"), bundle.form.role("annual")
    if total_key is None:
        return
    for project in bundle.projects:
        f, at = project.funding, project.source.at
        total = getattr(f, total_key)
        if annual_key and total.yuan < getattr(f, annual_key).yuan:
            yield diag("PD201", at("funding", total_key), total=show(total), annual=show(getattr(f, annual_key)))
        if any(item.schedule for item in project.items):
            plan = sum((_plan_total(item) for item in project.items), Decimal(0))
            if plan != total.yuan:
                yield diag("PD202", at("funding", total_key), total=show(total), plan=figure(plan, f.unit))


def _plan_total(item: SubItem) -> Decimal:
    if item.schedule is None:
        return item.budget.yuan
    return sum((row.total.yuan for row in item.schedule.rows), Decimal(0))


# -- dates -------------------------------------------------------------------------------------------

def check_dates(bundle: Bundle) -> Iterator[Diagnostic]:
    """Planned periods: in order, covering the year, covering each sub-item."""
    year = bundle.declaration.year
    for project in bundle.projects:
        at = project.source.at
        if project.start > project.end:
            yield diag("PD205", at("start"), start=project.start, end=project.end)
            continue
        if project.end < dt.date(year, 1, 1) or project.start > dt.date(year, 12, 31):
            where = "end" if project.end < dt.date(year, 1, 1) else "start"
            yield diag("PD203", at(where), start=project.start, end=project.end, year=year)
        for i, item in enumerate(project.items):
            if item.start and item.end and item.start > item.end:
                yield diag("PD205", at("items", i, "start"), start=ym(item.start), end=ym(item.end))
                continue
            early = item.start and month(item.start) < month(project.start)
            late = item.end and month(item.end) > month(project.end)
            if early or late:
                yield diag("PD204", at("items", i, "start" if early else "end"), start=project.start,
                           end=project.end, item_start=ym(item.start) if item.start else "…",
                           item_end=ym(item.end) if item.end else "…")


_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:年\s*(?:(\d{1,2})\s*月)?|[-/.]\s*(\d{1,2})(?!\d))")


def check_timeliness(bundle: Bundle) -> Iterator[Diagnostic]:
    """Dates given as 时效指标 values lie within the project's planned period."""
    frame, _ = declared_framework(bundle)
    if frame is None:
        return
    for project in bundle.projects:
        if project.start > project.end:
            continue
        for first, seconds in project.indicators.items():
            for second, thirds in seconds.items():
                if second not in frame.timeliness:
                    continue
                for third, indicator in thirds.items():
                    m = None if indicator.value.quantitative else _DATE.search(indicator.value.text)
                    if m and not _within(m, project.start, project.end):
                        path = ("indicators", first, second, third)
                        yield diag("PD206", indicator_at(project, path), value=indicator.value.text,
                                   start=project.start, end=project.end)


def _within(m: re.Match, start: dt.date, end: dt.date) -> bool:
    year, mon = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if 1 <= mon <= 12:
        return month(start) <= year * 12 + mon - 1 <= month(end)
    return start.year <= year <= end.year


# -- texts against the data --------------------------------------------------------------------------

# Full-width digits, comma and point read as NFKC reads them; one character each, so offsets hold.
_WIDE = str.maketrans("０１２３４５６７８９，．", "0123456789,.")
# A bare 万 is money before punctuation, a line's or the text's end, 元, 每, /, 一年 …; not in 2 万平方米, 3 万人.
_BARE_WAN = r"万(?=[^\S\n]*(?:[元每]|一[年次期]|左右|以[内下上]|用于|\n|$|[^\w\s㎡㎥㎞％%‰]))"
_STATED = re.compile(r"(?:预算|金额|资金需求|总额|申请资金)(?P<gap>[^\d，。；;,、\n]{0,12}?)"
                     r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*(?P<unit>万元|元|" + _BARE_WAN + ")")


def check_figures(bundle: Bundle) -> Iterator[Diagnostic]:
    """Budget figures stated in texts are figures of what the text describes, or of the whole project."""
    for project in bundle.projects:
        whole = _project_figures(project)
        everything = whole | {amount.yuan for amount, _ in amounts(project)}
        for i, item in enumerate(project.items):
            own = _figures(item, i) | whole
            everything |= own
            for path, text in item_texts(item, i, skip=("basis",)):
                yield from _stated(project, path, text, own, item.budget, item.annual_amount)
        for path, text in project_texts(project):
            yield from _stated(project, path, text, everything, *_headline(bundle, project))


def _headline(bundle: Bundle, project: Project) -> tuple[Amount, Amount]:
    """The project's total and annual figures, as its form names them (the first figure otherwise)."""
    figures = bundle.form.figures_of(project)
    first = figures[0].value if figures else Amount(Decimal(0), YUAN, "0")
    total, annual = (bundle.form.role(name) for name in ("total", "annual"))
    return (getattr(project.funding, total) if total else first,
            getattr(project.funding, annual) if annual else first)


def _project_figures(project: Project) -> set[Decimal]:
    """The project's funding figures and what its sub-items add up to."""
    items = project.items
    return {amount.yuan for amount, path in amounts(project) if path[0] == "funding"} | {
        sum((item.budget.yuan for item in items), Decimal(0)),
        sum((item.annual_amount.yuan for item in items), Decimal(0)),
        sum((_plan_total(item) for item in items), Decimal(0)),
    }


def _figures(item: SubItem, i: int) -> set[Decimal]:
    """Every figure the data holds for a sub-item, and the sums its tables imply."""
    known = {amount.yuan for amount, _ in item_amounts(item, i)} | {item.annual_amount.yuan}
    if item.lines:
        known.add(sum((row.amount.yuan for row in item.lines.rows), Decimal(0)))
    if item.schedule:
        rows = item.schedule.rows
        known.add(sum((row.total.yuan for row in rows), Decimal(0)))
        known |= {sum((row.values[c].yuan for row in rows), Decimal(0)) for c in range(len(item.schedule.years))}
    return known


def _stated(project: Project, path: tuple, text: str, known: set[Decimal], budget, annual) -> Iterator[Diagnostic]:
    for m in _STATED.finditer(text.translate(_WIDE)):
        number, unit = Decimal(m["num"].replace(",", "")), WAN if m["unit"].startswith("万") else YUAN
        if not _matches(number, SCALE[unit], known, approximate="约" in m["gap"]):
            yield diag("PD207", locate(project.source, path, text, m.start("num"), m.end("unit")),
                       stated=text[m.start("num"):m.end("unit")], budget=show(budget), annual=show(annual))


def _matches(number: Decimal, scale: Decimal, known: Iterable[Decimal], approximate: bool) -> bool:
    if number * scale in known:
        return True
    if not approximate:
        return False
    step = Decimal(1).scaleb(number.as_tuple().exponent)  # 约 13.6 万元: rounded to 0.1 万元
    return any((k / scale).quantize(step, rounding=ROUND_HALF_UP) == number for k in known)


_YM = r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月"
_RANGE = re.compile(_YM + r"\s*[（(]?\s*(?:至|到|-|－|–|—|~|～)\s*"  # 2023年 9月（至 2023年 10月）, 2023 年 8 月-10 月
                    r"(?:((?:19|20)\d\d)\s*年\s*)?(\d{1,2})\s*月")


def check_periods(bundle: Bundle) -> Iterator[Diagnostic]:
    """Periods written in a sub-item's texts agree with its 实施周期."""
    for project in bundle.projects:
        for i, item in enumerate(project.items):
            if not (item.start and item.end) or item.start > item.end:
                continue
            for path, text in item_texts(item, i, skip=("basis",)):
                found = [(m, *span) for m in _RANGE.finditer(text) if (span := _span(m))]
                if not found:
                    continue
                first, last = month(item.start), month(item.end)
                outside = [f for f in found if f[1] < first or f[2] > last]
                spans = min(f[1] for f in found) == first and max(f[2] for f in found) == last
                if outside or not spans:
                    m = (outside or found)[0][0]
                    yield diag("PD208", locate(project.source, path, text, m.start(), m.end()),
                               stated=m.group(0), start=ym(item.start), end=ym(item.end))


def _span(m: re.Match) -> tuple[int, int] | None:
    y1, m1, y2, m2 = int(m[1]), int(m[2]), int(m[3] or m[1]), int(m[4])
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    return y1 * 12 + m1 - 1, y2 * 12 + m2 - 1


# Cited documents keep their own years: 〔2021〕, 【2017】, [2007], 《…》, GB/T 22239-2019.
_CITED = re.compile(r"〔[^〕\n]*〕|【[^】\n]*】|\[[^\]\n]*\]|《[^》\n]*》"
                    r"|[A-Z]{1,4}(?:/[A-Z]{1,2})?\s*\d+(?:\.\d+)*\s*[-—－]\s*\d{4}")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?:\s*[-－–—~～至]\s*((?:19|20)\d\d))?(?![\d.])(\s*年)?")


def check_years(bundle: Bundle) -> Iterator[Diagnostic]:
    """Years in titles and texts are the declaration year or within the planned period."""
    year = bundle.declaration.year
    for project in bundle.projects:
        if project.start > project.end:
            continue
        base = {year, *range(project.start.year, project.end.year + 1)}
        everything = set(base)
        planned = (project.start, project.end)
        for i, item in enumerate(project.items):
            allowed = base | _years(item)
            everything |= allowed
            bounds = _bounds(planned, (item.start, item.end))
            texts = [(("items", i, "title"), item.title), *item_texts(item, i, skip=("basis",))]
            for path, text in texts:
                yield from _stray_years(project, path, text, allowed, bounds)
        bounds = _bounds(planned, *((item.start, item.end) for item in project.items))
        for path, text in project_texts(project):
            yield from _stray_years(project, path, text, everything, bounds)


def _years(item: SubItem) -> set[int]:
    if item.start and item.end and item.start <= item.end:
        return set(range(item.start.year, item.end.year + 1))
    return {d.year for d in (item.start, item.end) if d}


def _bounds(*periods: tuple[dt.date | None, dt.date | None]) -> tuple[str, str]:
    """The earliest start and latest end of some periods, as YYYY-MM."""
    starts = [start for start, _ in periods if start]
    ends = [end for _, end in periods if end]
    return ym(min(starts)), ym(max(ends))


def _stray_years(project: Project, path: tuple, text: str, allowed: set[int],
                 bounds: tuple[str, str]) -> Iterator[Diagnostic]:
    masked = _CITED.sub(lambda m: " " * len(m.group(0)), text)
    for m in _YEAR.finditer(masked):
        if not (m[2] or m[3]):  # a bare four-digit number is not a year
            continue
        for group in (1, 2):
            if m[group] and int(m[group]) not in allowed:
                yield diag("PD209", locate(project.source, path, text, m.start(group), m.end(group)),
                           year=m[group], start=bounds[0], end=bounds[1])


# -- form ----------------------------------------------------------------------------------------------

_RESIDUE = re.compile(r"(?<![A-Za-z])(?:[XxＸｘ]{2,}|TODO|TBD|FIXME)(?![A-Za-z])|某某|待填写|待补充|请填写"
                      r"|^\s*[（(【\[]?\s*(?:…+|\.{3,})\s*[)）】\]]?\s*$|[：:]\s*(?:…+|\.{3,})\s*$", re.M)


def check_residue(bundle: Bundle) -> Iterator[Diagnostic]:
    """Placeholders left from a template."""
    decl = bundle.declaration
    for name in ("unit", "department"):
        for m in _RESIDUE.finditer(getattr(decl, name)):
            yield diag("PD210", locate(decl.source, (name,), getattr(decl, name), m.start(), m.end()),
                       text=m.group(0).strip())
    for project in bundle.projects:
        for path, text, is_key in strings(project):
            for m in _RESIDUE.finditer(text):
                where = (key_text_at(project.source, path, text, m.start(), m.end()) if is_key
                         else locate(project.source, path, text, m.start(), m.end()))
                yield diag("PD210", where, text=m.group(0).strip())


_UNIT_LABEL = re.compile(r"[（(]\s*(万元|元)\s*[)）/]|(万元|元)\s*$")


def check_labels(bundle: Bundle) -> Iterator[Diagnostic]:
    """Table labels that name a unit name the table's unit."""
    for project in bundle.projects:
        for i, item in enumerate(project.items):
            for kind, cells in (("lines", (2, 3)), ("schedule", None)):
                table = getattr(item, kind)
                if table is None:
                    continue
                labels = [(("items", i, kind, "header", c), cell) for c, cell in enumerate(table.header or ())
                          if cells is None or c in cells]
                if table.total_label:
                    labels.append((("items", i, kind, "total_label"), table.total_label))
                for path, label in labels:
                    m = _UNIT_LABEL.search(label)
                    named = m and (m[1] or m[2])
                    if named and named != table.unit:
                        yield diag("PD211", locate(project.source, path, label, m.start(), m.end()),
                                   label=label, named=named, unit=table.unit)
