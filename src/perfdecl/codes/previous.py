"""PD42x: the declaration against last year's (`previous:` in declaration.yaml, or `check --previous`).

The records only; the checks are in perfdecl/rules/previous.py. Projects,
sub-items and indicators are matched by name, then by similar names.
"""
from __future__ import annotations

from .rule import Example, Rule

E, W = "error", "warning"

OUTPUT = ("indicators", "产出指标")
_COPIED = "goals:\n  total: 到 2022 年末完成设备维护。\n  annual: 完成设备维护。"

RULES = (
    Rule("PD420", E, "上一年度的申报无法读取", "last year's declaration cannot be read",
         "上一年度的申报“{spec}”无法读取：{why}", "last year's declaration '{spec}' cannot be read: {why}",
         """`previous:` in declaration.yaml (or `perfdecl check --previous`) names last
year's declaration: a folder, relative to this declaration's folder
(`../2022-songjiang`), or a git revision (`HEAD~5`, `v2022:declarations/songjiang`;
a bare revision means this folder at it). It must load without errors for
the PD42x rules to compare with it.""",
         passing=(Example(declaration="previous: ../prev", previous="name: 设备维护"),),
         failing=(Example(declaration="previous: ../nowhere"),)),
    Rule("PD421", W, "指标比上年下调", "a target made easier than last year",
         "指标“{name}”的目标比上年降低了：上年 {old}，今年 {new}",
         "target '{name}' asks less than last year: {old} then, {new} now",
         """For the same indicator of the same project, a lower bound (>=, =) that
went down or an upper bound (<=, or = of a 成本 indicator) that went up asks
less than last year. Reviewers ask why; give the reason, or keep the target.""",
         passing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", OUTPUT,
                          previous="数量指标:\n  彩色带采购数量: =5 卷"),),
         failing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", OUTPUT,
                          previous="数量指标:\n  彩色带采购数量: =8 卷"),)),
    Rule("PD422", W, "上年的指标被删去", "an indicator of last year's dropped",
         "上年的指标“{name}”（{first} › {second}，{value}）今年没有了",
         "last year's indicator '{name}' ({first} › {second}, {value}) is gone",
         """An indicator the same project had last year and has no longer (nor under
a similar name) may have been dropped because it was missed. Keep it, or
say why it no longer applies.""",
         passing=(Example("时效指标:\n  维护完成时间: 2023 年 12 月底", OUTPUT,
                          previous="时效指标:\n  维护完成时间: 2022 年 12 月底"),),
         failing=(Example("时效指标:\n  维护完成时间: 2023 年 12 月底", OUTPUT,
                          previous="时效指标:\n  维护完成时间: 2022 年 12 月底\n  故障响应时间: <=2 小时"),)),
    Rule("PD423", W, "照抄上年的文字，年份未改", "last year's text copied with its year",
         "这段文字与上年的一字不差，仍写着上年的年份“{year}”",
         "this text is word for word last year's and still says {year}",
         """A text (a goal, a sub-item's section) that is exactly last year's and
names last year's year was copied without being updated.""",
         passing=(Example("goals:\n  total: 到 2023 年末完成设备维护。\n  annual: 完成设备维护。", previous=_COPIED),),
         failing=(Example(_COPIED, previous=_COPIED),)),
    Rule("PD424", W, "金额与明细一变一不变", "the amount and the line items disagree on what changed",
         "{what}", "{what}",
         """For a project declared again, the annual amount and the line items
move together: an unchanged amount over changed line items, or a changed
amount over the same line items, means one of them was not updated.""",
         passing=(Example("lines:\n  unit: 万元\n  rows:\n    - [彩色带, 6, 0.098, 0.588]\n"
                          "    - [配件更换, 1, 2.412, 2.412]\n  total: 3", ("items", 0),
                          previous="lines:\n  unit: 万元\n  rows:\n    - [彩色带, 6, 0.098, 0.588]\n"
                                   "    - [配件更换, 1, 2.412, 2.412]\n  total: 3"),),
         failing=(Example("lines:\n  unit: 万元\n  rows:\n    - [彩色带, 6, 0.098, 0.588]\n"
                          "    - [配件更换, 1, 2.412, 2.412]\n  total: 3", ("items", 0),
                          previous="lines:\n  unit: 万元\n  rows:\n    - [彩色带, 5, 0.098, 0.49]\n"
                                   "    - [配件更换, 1, 2.51, 2.51]\n  total: 3"),)),
)
