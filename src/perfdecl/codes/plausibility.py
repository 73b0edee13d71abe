"""PD2xx: what a reviewer questions although nothing fails to add up.

The records only (code, severity, texts, documentation with examples);
the checks that report them are in perfdecl/rules/plausibility.py.
"""
from __future__ import annotations

from .rule import Example, Rule

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
    Rule("PD212", W, "不可见的格式字符", "invisible format character",
         "文字中有不可见的格式字符 {chars}（双向控制符、零宽字符等），会原样进入文档",
         "the text holds invisible format characters {chars} (bidi controls, zero-width characters, …), "
         "which go into the document as they are",
         """Characters that show nothing but change how text reads: bidi
controls (U+202A–U+202E, U+2066–U+2069) that reorder what is displayed,
zero-width spaces and joiners (U+200B–U+200D, U+2060), soft hyphens and the
other format characters (Unicode category Cf), and the Hangul fillers.
Usually pasted in unseen; the finding points at the first one on each line.""",
         hint="删除该处不可见字符（可在编辑器中显示不可见字符后删除）",
         hint_en="delete the invisible character (make your editor show invisible characters)",
         passing=(Example("overview: 维护两台设备。", ITEM),),
         failing=(Example("overview: 维护两台\u200b设备。", ITEM),)),
)
