"""PD3xx: the 绩效指标 table against the declaration's indicator framework.

The framework (`framework:` in declaration.yaml: a built-in one in
perfdecl/frameworks, or a file inside the declaration folder) says which
一级指标 exist, which 二级指标 belong under each, which 一级 are required and
which 二级 want figures. Values are checked for form, and a value
linked to a line item (`link: 制作宣传单.qty`) is checked against that line.
"""
from __future__ import annotations

import difflib
from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic, diag
from ..frameworks import Framework
from ..load import Bundle
from ..model import Indicator, LineRow, Project
from ..money import SCALE, WAN, YUAN, number_text
from . import Example, Rule
from .common import declared_framework, indicator_at, show

E, W = "error", "warning"

OUTPUT = ("indicators", "产出指标")  # where indicator examples are written

RULES = (
    Rule("PD301", E, "未知的指标体系", "unknown indicator framework",
         "未知的指标体系“{name}”，可用：{known}", "unknown indicator framework '{name}'; known: {known}",
         """`framework:` in declaration.yaml names a built-in indicator framework
(`perfdecl templates` lists them), or a framework file of the declaration's
own inside its folder (`framework: frameworks/my.yaml`; a value holding `/`,
`\\` or `.` is a path). Such a file is written like the built-in ones
(src/perfdecl/frameworks/*.yaml):

    name: my-framework
    title: 本单位指标体系
    levels:                      # 一级指标 → its 二级指标, in order
      产出指标: [数量指标, 质量指标, 时效指标, 成本指标]
      效益指标: [社会效益指标]
      满意度指标: [服务对象满意度指标]
    required: [产出指标, 效益指标, 满意度指标]   # 一级 every project needs
    quantitative: [数量指标, 成本指标]           # 二级 whose values are figures
    timeliness: [时效指标]                       # 二级 whose values may be dates""",
         passing=(Example(declaration="framework: shanghai-2023"),),
         failing=(Example(declaration="framework: shanghai-2032"),)),
    Rule("PD302", E, "一级指标不在指标体系中", "first-level indicator not in the framework",
         "一级指标“{name}”不在指标体系 {framework} 中{suggest}",
         "first-level indicator '{name}' is not in framework {framework}{suggest_en}",
         """The 一级指标 must be those of the declaration's framework, e.g. for
shanghai-2023: 产出指标, 效益指标, 满意度指标. A 二级指标 of the framework
written as a 一级 is named with the 一级 it belongs under.""",
         hint="可用的一级指标：{allowed}", hint_en="first-level indicators: {allowed}",
         passing=(Example("产出指标:\n  质量指标: {设备完好率: \">=95%\"}", ("indicators",)),),
         failing=(Example("产出指数:\n  质量指标: {设备完好率: \">=95%\"}", ("indicators",)),)),
    Rule("PD303", E, "二级指标不属于该一级指标", "second-level indicator not under its first level",
         "二级指标“{name}”不属于“{first}”{suggest}",
         "second-level indicator '{name}' does not belong under '{first}'{suggest_en}",
         """Each 二级指标 must be one the framework lists under its 一级指标, e.g. for
shanghai-2023 产出指标 → 数量指标, 质量指标, 时效指标, 成本指标. Where the name
is a 一级指标 of the framework (成本指标 in caiyu-2021), the hint says to move
it up to the first level and which 二级指标 go under it.""",
         hint="{advice}", hint_en="{advice_en}",
         passing=(Example("质量指标:\n  设备完好率: \">=95%\"", OUTPUT),
                  Example("成本指标:\n  经济成本指标: {单台维护费用: <=6000 元/台}", ("indicators",),
                          declaration="framework: caiyu-2021")),
         failing=(Example("质量指数:\n  设备完好率: \">=95%\"", OUTPUT),
                  Example("成本指标:\n  单台维护费用: <=6000 元/台", OUTPUT, declaration="framework: caiyu-2021"))),
    Rule("PD304", E, "缺少必需的一级指标", "required first-level indicator missing",
         "缺少一级指标“{name}”（指标体系 {framework} 要求）",
         "first-level indicator '{name}' is missing (required by framework {framework})",
         """Every project needs the framework's required 一级指标 (产出, 效益 and
满意度 in both built-in frameworks).""",
         passing=(Example("""
             indicators:
               产出指标: {数量指标: {设备维护台数: =2 台}}
               效益指标: {社会效益指标: {服务稳定性: 提升}}
               满意度指标: {服务对象满意度指标: {用户满意度: ">=90%"}}
             """),),
         failing=(Example("""
             indicators:
               产出指标: {数量指标: {设备维护台数: =2 台}}
               效益指标: {社会效益指标: {服务稳定性: 提升}}
             """),)),
    Rule("PD305", E, "指标值有运算符却没有数值", "operator without a number",
         "指标值“{value}”以运算符开头，却没有数值", "target '{value}' starts with an operator but has no number",
         """A value starting with =, >=, <=, >, < (or ≥, ≤) needs a number next.""",
         passing=(Example('宣传对象满意度: ">=90%"', ("indicators", "满意度指标", "服务对象满意度指标")),),
         failing=(Example('宣传对象满意度: ">=九成"', ("indicators", "满意度指标", "服务对象满意度指标")),)),
    Rule("PD306", W, "定量指标写成了定性值", "qualitative value in a quantitative indicator",
         "“{second}”应为定量指标值（如 =100 份、<=50 元/册），此处为“{value}”",
         "'{second}' wants a figure (e.g. =100 份, <=50 元/册), not '{value}'",
         """The framework's quantitative 二级指标 (数量指标, 成本指标 …) should hold an
operator, a number and a unit, so the result can be measured.""",
         passing=(Example("数量指标:\n  设备故障维修率: =100%", OUTPUT),),
         failing=(Example("数量指标:\n  设备故障维修率: 应修尽修", OUTPUT),)),
    Rule("PD307", W, "三级指标重名", "duplicate third-level indicator",
         "三级指标“{name}”在本项目中重复（第 {first} 行已有）",
         "third-level indicator '{name}' appears twice in this project (first on line {first})",
         """Within one project each 三级指标 name appears once; a repeated name is
usually a copy-paste slip, and the two targets cannot both be meant.""",
         passing=(Example("""
             产出指标:
               数量指标:
                 宣传品发放数量: =4400 份
             效益指标:
               社会效益指标:
                 市民认知度提升情况: 提升
             """, ("indicators",)),),
         failing=(Example("""
             产出指标:
               数量指标:
                 宣传品发放数量: =4400 份
             效益指标:
               社会效益指标:
                 宣传品发放数量: 提升
             """, ("indicators",)),)),
    Rule("PD308", E, "指标关联的明细行找不到", "linked line item not found",
         "关联“{link}”{why}", "link '{link}': {why_en}",
         """`link: <项目组成>.qty|price|amount` names one line item of this project's
`lines` tables and the figure to compare: quantity, unit price or amount.""",
         passing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", OUTPUT,
                          note="a line item 彩色带, 6 rolls"),),
         failing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩带.qty}", OUTPUT,
                          note="a line item 彩色带, 6 rolls"),)),
    Rule("PD309", E, "指标值与关联的明细行不符", "linked value disagrees with its line item",
         "指标值“{value}”与明细“{line}”的{what} {actual} 不符",
         "target '{value}' does not hold for the {what_en} of '{line}', {actual}",
         """A linked value must hold for its line item: `<=980 元/卷` holds for a
unit price of 980元; `=6 卷` for a quantity of 6. Money is compared in the
indicator's unit: 万元… means the number is in 万元, 元… in 元, otherwise the
line table's unit.""",
         passing=(Example("成本指标:\n  彩色带单价: {value: <=980 元/卷, link: 彩色带.price}", OUTPUT,
                          note="彩色带 at 0.098万元 a roll"),),
         failing=(Example("成本指标:\n  彩色带单价: {value: <=900 元/卷, link: 彩色带.price}", OUTPUT,
                          note="彩色带 at 0.098万元 a roll"),)),
    Rule("PD310", E, "指标体系文件有误", "framework file problem",
         "指标体系文件 {file}：{why}", "framework file {file}: {why_en}",
         """A framework file named by `framework:` (see PD301) must lie inside the
declaration folder, exist and hold `levels`; `required` must name 一级指标 of
its levels, `quantitative` and `timeliness` 二级指标 of its levels.""",
         passing=(Example(declaration="framework: shanghai-2023"),),
         failing=(Example(declaration="framework: frameworks/my.yaml", note="no such file"),
                  Example(declaration="framework: ../frameworks/shanghai-2023.yaml"))),
)

_PARTS = {"qty": ("数量", "quantity"), "price": ("单价", "unit price"), "amount": ("资金需求", "amount")}


def check_framework(bundle: Bundle) -> Iterator[Diagnostic]:
    """The framework exists; 一级/二级 names are its own; the required 一级 are present."""
    frame, problems = declared_framework(bundle)
    yield from problems
    if frame is None:
        return
    for project in bundle.projects:
        yield from _levels(project, frame)


def _levels(project: Project, frame: Framework) -> Iterator[Diagnostic]:
    key_at = project.source.key_at
    for first, seconds in project.indicators.items():
        if first not in frame.levels:
            hint = _suggest(first, list(frame.levels))
            home = frame.parent_of(first)
            if home and not hint["suggest"]:
                hint = {"suggest": f"；它是“{home}”下的二级指标", "suggest_en": f"; it is a second level under '{home}'"}
            yield diag("PD302", key_at("indicators", first), name=first, framework=frame.name,
                       allowed="、".join(frame.levels), **hint)
            continue
        allowed = frame.levels[first]
        for second in seconds:
            if second not in allowed:
                yield diag("PD303", key_at("indicators", first, second), name=second, first=first,
                           **_second_advice(frame, first, second))
    for first in frame.required:
        if first not in project.indicators:
            yield diag("PD304", key_at("indicators"), name=first, framework=frame.name)


def _second_advice(frame: Framework, first: str, second: str) -> dict[str, str]:
    """PD303's suggestion and hint: a close name, the 一级 it belongs under, or moving it up a level."""
    allowed = frame.levels[first]
    advice = {"advice": f"“{first}”下可用：{'、'.join(allowed)}", "advice_en": f"under '{first}': {', '.join(allowed)}"}
    if second in frame.levels:  # 成本指标 under 产出指标, in a framework where it is a 一级指标
        below = frame.levels[second]
        return {"suggest": f"；在指标体系 {frame.name} 中它是一级指标",
                "suggest_en": f"; in framework {frame.name} it is a first-level indicator",
                "advice": f"将“{second}”移到第一级（与“{first}”并列），其下的三级指标分别归入二级指标："
                          f"{'、'.join(below)}",
                "advice_en": f"move '{second}' up to the first level (beside '{first}') and sort its indicators "
                             f"into its second levels: {', '.join(below)}"}
    home = frame.parent_of(second)
    hint = _suggest(second, list(allowed))
    if home and not hint["suggest"]:
        hint = {"suggest": f"，它属于“{home}”", "suggest_en": f"; it belongs under '{home}'"}
    return {**hint, **advice}


def _suggest(name: str, choices: list[str]) -> dict[str, str]:
    close = difflib.get_close_matches(name, choices, n=1, cutoff=0.6)
    if not close:
        return {"suggest": "", "suggest_en": ""}
    return {"suggest": f"，是不是“{close[0]}”？", "suggest_en": f"; did you mean '{close[0]}'?"}


def check_values(bundle: Bundle) -> Iterator[Diagnostic]:
    """Values have a number after an operator; quantitative 二级 hold figures; names are unique."""
    frame, _ = declared_framework(bundle)
    quantitative = frame.quantitative if frame else frozenset()
    for project in bundle.projects:
        seen: dict[str, int] = {}
        for path, indicator in _indicators(project):
            value = indicator.value
            where = indicator_at(project, path)
            if value.op and value.number is None:
                yield diag("PD305", where, value=value.text)
            elif path[2] in quantitative and not value.quantitative:
                yield diag("PD306", where, second=path[2], value=value.text)
            name_pos = project.source.key_at(*path)
            if path[-1] in seen:
                yield diag("PD307", name_pos, name=path[-1], first=seen[path[-1]])
            else:
                seen[path[-1]] = name_pos.line


def check_links(bundle: Bundle) -> Iterator[Diagnostic]:
    """Each `link:` names one line item, and the value holds for it."""
    for project in bundle.projects:
        rows: dict[str, list[tuple[LineRow, str]]] = {}
        for item in project.items:
            for row in item.lines.rows if item.lines else ():
                rows.setdefault(row.name.strip(), []).append((row, item.lines.unit))
        for path, indicator in _indicators(project):
            if indicator.link:
                yield from _link(project, path, indicator, rows)


def _link(project: Project, path: tuple, indicator: Indicator, rows) -> Iterator[Diagnostic]:
    name, _, part = indicator.link.strip().rpartition(".")
    found = rows.get(name.strip(), [])
    where = project.source.at(*path, "link")
    if part not in _PARTS or not name:
        yield diag("PD308", where, link=indicator.link, why="应写作 <项目组成>.qty、.price 或 .amount",
                   why_en="write <line name>.qty, .price or .amount")
    elif not found:
        close = difflib.get_close_matches(name, list(rows), n=1, cutoff=0.6)
        yield diag("PD308", where, link=indicator.link,
                   why=f"：本项目的明细表中没有“{name}”" + (f"，是不是“{close[0]}”？" if close else ""),
                   why_en=f"no line item '{name}' in this project" + (f"; did you mean '{close[0]}'?" if close else ""))
    elif len(found) > 1:
        yield diag("PD308", where, link=indicator.link, why=f"：明细表中有 {len(found)} 行名为“{name}”，无法确定",
                   why_en=f"{len(found)} line items are named '{name}'")
    else:
        row, table_unit = found[0]
        value = indicator.value
        if part == "qty":
            actual, shown = row.qty, number_text(row.qty)
        else:
            amount = getattr(row, part)
            unit = WAN if value.unit.startswith("万") else YUAN if value.unit.startswith("元") else table_unit
            actual, shown = amount.yuan / SCALE[unit], show(amount)
        if not value.holds_for(Decimal(actual)):
            yield diag("PD309", indicator_at(project, path), value=value.text, line=row.name, what=_PARTS[part][0],
                       what_en=_PARTS[part][1], actual=shown)


def _indicators(project: Project) -> Iterator[tuple[tuple, Indicator]]:
    for first, seconds in project.indicators.items():
        for second, thirds in seconds.items():
            for third, indicator in thirds.items():
                yield ("indicators", first, second, third), indicator

