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

from ..diagnostics import Diagnostic, Position, diag
from ..load import Bundle, declared_framework
from ..model import Project, SubItem
from ..money import SCALE, WAN, YUAN, Amount, figure, show
from ..walks import amounts, indicator_at, item_amounts, item_texts, planned, project_texts, strings
from .check import emits


def month(day: dt.date) -> int:
    """A date's month as one number, for comparing periods month by month."""
    return day.year * 12 + day.month - 1


def ym(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


# -- funding -----------------------------------------------------------------------------------------

@emits("PD201", "PD202")
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

@emits("PD203", "PD204", "PD205")
def check_dates(bundle: Bundle) -> Iterator[Diagnostic]:
    """Planned periods: in order, covering the year, covering each sub-item."""
    year = bundle.declaration.year
    for project in bundle.projects:
        at = project.source.at
        period = planned(project)
        if period is None:  # a form without a period: nothing to compare
            continue
        start, end = period
        if start > end:
            yield diag("PD205", at("start"), start=start, end=end)
            continue
        if end < dt.date(year, 1, 1) or start > dt.date(year, 12, 31):
            where = "end" if end < dt.date(year, 1, 1) else "start"
            yield diag("PD203", at(where), start=start, end=end, year=year)
        for i, item in enumerate(project.items):
            if item.start and item.end and item.start > item.end:
                yield diag("PD205", at("items", i, "start"), start=ym(item.start), end=ym(item.end))
                continue
            early = item.start and month(item.start) < month(start)
            late = item.end and month(item.end) > month(end)
            if early or late:
                yield diag("PD204", at("items", i, "start" if early else "end"), start=start,
                           end=end, item_start=ym(item.start) if item.start else "…",
                           item_end=ym(item.end) if item.end else "…")


_DATE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*+(?:年\s*+(?:(\d{1,2})\s*+月)?|[-/.]\s*+(\d{1,2})(?!\d))")


@emits("PD206")
def check_timeliness(bundle: Bundle) -> Iterator[Diagnostic]:
    """Dates given as 时效指标 values lie within the project's planned period."""
    frame, _ = declared_framework(bundle)
    if frame is None:
        return
    for project in bundle.projects:
        period = planned(project)
        if period is None or period[0] > period[1]:
            continue
        for first, seconds in project.indicators.items():
            for second, thirds in seconds.items():
                if second not in frame.timeliness:
                    continue
                for third, indicator in thirds.items():
                    m = None if indicator.value.quantitative else _DATE.search(indicator.value.text)
                    if m and not _within(m, *period):
                        path = ("indicators", first, second, third)
                        yield diag("PD206", indicator_at(project, path), value=indicator.value.text,
                                   start=period[0], end=period[1])


def _within(m: re.Match, start: dt.date, end: dt.date) -> bool:
    year, mon = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
    if 1 <= mon <= 12:
        return month(start) <= year * 12 + mon - 1 <= month(end)
    return start.year <= year <= end.year


# -- texts against the data --------------------------------------------------------------------------

# Full-width digits, comma and point read as NFKC reads them; one character each, so offsets hold.
_WIDE = str.maketrans("０１２３４５６７８９，．", "0123456789,.")
# A bare 万 is money before punctuation, a line's or the text's end, 元, 每, /, 一年 …; not in 2 万平方米, 3 万人.
_BARE_WAN = r"万(?=[^\S\n]*+(?:[元每]|一[年次期]|左右|以[内下上]|用于|\n|$|[^\w\s㎡㎥㎞％%‰]))"
_STATED = re.compile(r"(?:预算|金额|资金需求|总额|申请资金)(?P<gap>[^\d，。；;,、\n]{0,12}?)"
                     r"(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s*+(?P<unit>万元|元|" + _BARE_WAN + ")")


@emits("PD207")
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


def _stated(project: Project, path: tuple, text: str, known: set[Decimal], budget: Amount,
            annual: Amount) -> Iterator[Diagnostic]:
    for m in _STATED.finditer(text.translate(_WIDE)):
        number, unit = Decimal(m["num"].replace(",", "")), WAN if m["unit"].startswith("万") else YUAN
        if not _matches(number, SCALE[unit], known, approximate="约" in m["gap"]):
            yield diag("PD207", project.source.locate(path, text, m.start("num"), m.end("unit")),
                       stated=text[m.start("num"):m.end("unit")], budget=show(budget), annual=show(annual))


def _matches(number: Decimal, scale: Decimal, known: Iterable[Decimal], approximate: bool) -> bool:
    if number * scale in known:
        return True
    if not approximate:
        return False
    step = Decimal(1).scaleb(int(number.as_tuple().exponent))  # 约 13.6 万元: rounded to 0.1 万元
    return any((k / scale).quantize(step, rounding=ROUND_HALF_UP) == number for k in known)


# Possessive `\s*+` (Python 3.11) wherever blanks are followed by something that is not blank: the
# same matches, but a long run of blanks is crossed once instead of once per way to split it.
_YM = r"((?:19|20)\d\d)\s*+年\s*+(\d{1,2})\s*+月"
_RANGE = re.compile(_YM + r"\s*+[（(]?\s*+(?:至|到|-|－|–|—|~|～)\s*+"  # 2023年 9月（至 2023年 10月）, 2023 年 8 月-10 月
                    r"(?:((?:19|20)\d\d)\s*+年\s*+)?(\d{1,2})\s*+月")


@emits("PD208")
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
                    yield diag("PD208", project.source.locate(path, text, m.start(), m.end()),
                               stated=m.group(0), start=ym(item.start), end=ym(item.end))


def _span(m: re.Match) -> tuple[int, int] | None:
    y1, m1, y2, m2 = int(m[1]), int(m[2]), int(m[3] or m[1]), int(m[4])
    if not (1 <= m1 <= 12 and 1 <= m2 <= 12):
        return None
    return y1 * 12 + m1 - 1, y2 * 12 + m2 - 1


# Cited documents keep their own years: 〔2021〕, 【2017】, [2007], 《…》, GB/T 22239-2019.
# A bracket's text stops at the next opening bracket of its kind, so that many unclosed ones
# are each scanned only up to the next, not to the end of the line.
_CITED = re.compile(r"〔[^〔〕\n]*+〕|【[^【】\n]*+】|\[[^\[\]\n]*+\]|《[^《》\n]*+》"
                    r"|[A-Z]{1,4}(?:/[A-Z]{1,2})?\s*+\d++(?:\.\d++)*+\s*+[-—－]\s*+\d{4}")
_YEAR = re.compile(r"(?<![\d.])((?:19|20)\d\d)(?:\s*+[-－–—~～至]\s*+((?:19|20)\d\d))?(?![\d.])(\s*+年)?")


@emits("PD209")
def check_years(bundle: Bundle) -> Iterator[Diagnostic]:
    """Years in titles and texts are the declaration year or within the planned period."""
    year = bundle.declaration.year
    for project in bundle.projects:
        period = planned(project)
        if period is not None and period[0] > period[1]:
            continue
        period = period or (dt.date(year, 1, 1), dt.date(year, 12, 31))  # a form without a period: the year
        base = {year, *range(period[0].year, period[1].year + 1)}
        everything = set(base)
        for i, item in enumerate(project.items):
            allowed = base | _years(item)
            everything |= allowed
            bounds = _bounds(period, (item.start, item.end))
            texts = [(("items", i, "title"), item.title), *item_texts(item, i, skip=("basis",))]
            for path, text in texts:
                yield from _stray_years(project, path, text, allowed, bounds)
        bounds = _bounds(period, *((item.start, item.end) for item in project.items))
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
                yield diag("PD209", project.source.locate(path, text, m.start(group), m.end(group)),
                           year=m[group], start=bounds[0], end=bounds[1])


# -- form ----------------------------------------------------------------------------------------------

# A line of only … or ..., possibly bracketed; blanks here never cross a line break.
_RESIDUE = re.compile(r"(?<![A-Za-z])(?:[XxＸｘ]{2,}+|TODO|TBD|FIXME)(?![A-Za-z])|某某|待填写|待补充|请填写"
                      r"|^[^\S\n]*+[（(【\[]?[^\S\n]*+(?:…++|\.{3,}+)[^\S\n]*+[)）】\]]?[^\S\n]*+$"
                      r"|[：:][^\S\n]*+(?:…++|\.{3,}+)[^\S\n]*+$", re.M)


# Unicode's format characters (category Cf, as of Unicode 15) and the Hangul fillers, which show as nothing.
INVISIBLE = re.compile("[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u115f\u1160\u180e"
                       "\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u206f\u3164\ufeff\uffa0\ufff9-\ufffb"
                       "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
                       "\U000e0001\U000e0020-\U000e007f]")


@emits("PD212")
def check_invisible(bundle: Bundle) -> Iterator[Diagnostic]:
    """Invisible format characters anywhere in the files as written: texts, names, keys (not escapes)."""
    for shown, source in bundle.sources.items():
        for number, line in enumerate(source.lines, start=1):
            m = INVISIBLE.search(line)
            if m:
                found = sorted({f"U+{ord(ch):04X}" for ch in INVISIBLE.findall(line)})
                yield diag("PD212", Position(shown, number, m.start() + 1), chars=" ".join(found))


@emits("PD210")
def check_residue(bundle: Bundle) -> Iterator[Diagnostic]:
    """Placeholders left from a template."""
    decl = bundle.declaration
    for name in ("unit", "department"):
        for m in _RESIDUE.finditer(getattr(decl, name)):
            yield diag("PD210", decl.source.locate((name,), getattr(decl, name), m.start(), m.end()),
                       text=m.group(0).strip())
    for project in bundle.projects:
        for path, text, is_key in strings(project):
            for m in _RESIDUE.finditer(text):
                where = (project.source.locate_in_key(path, text, m.start(), m.end()) if is_key
                         else project.source.locate(path, text, m.start(), m.end()))
                yield diag("PD210", where, text=m.group(0).strip())


_UNIT_LABEL = re.compile(r"[（(]\s*+(万元|元)\s*+[)）/]|(万元|元)\s*+$")


@emits("PD211")
def check_labels(bundle: Bundle) -> Iterator[Diagnostic]:
    """Table labels that name a unit name the table's unit."""
    for project in bundle.projects:
        for i, item in enumerate(project.items):
            for kind, cells in (("lines", (2, 3)), ("schedule", None)):
                table = getattr(item, kind)
                if table is None:
                    continue
                labels: list[tuple[tuple[object, ...], str]] = [
                    (("items", i, kind, "header", c), cell) for c, cell in enumerate(table.header or ())
                    if cells is None or c in cells]
                if table.total_label:
                    labels.append((("items", i, kind, "total_label"), table.total_label))
                for path, label in labels:
                    m = _UNIT_LABEL.search(label)
                    named = (m[1] or m[2]) if m else None
                    if m and named and named != table.unit:
                        yield diag("PD211", project.source.locate(path, label, m.start(), m.end()),
                                   label=label, named=named, unit=table.unit)
