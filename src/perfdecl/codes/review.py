"""PD4xx: what reviewers send back, found in a review of real published 2026 declarations.

The records only (code, severity, texts, documentation with examples);
the checks that report them are in perfdecl/rules/review.py. Each record's
documentation ends with what the rule finds in the two real examples
(examples/2023-songjiang, examples/2026-putuo-cgzf).
"""
from __future__ import annotations

from .rule import Example, Rule

W = "warning"

ITEM = ("items", 0)
OUTPUT = ("indicators", "产出指标")
SATISFACTION = ("indicators", "满意度指标", "服务对象满意度指标")
_CAIYU = "framework: caiyu-2021"
_CAIYU_INDICATORS = """
    indicators:
      成本指标: {经济成本指标: {单台维护费用: <=15000 元/台}}
      产出指标: {数量指标: {设备维护台数: =2 台}}
      效益指标: {社会效益指标: {服务稳定性: 提升}}
      满意度指标: {服务对象满意度指标: {用户满意度: ">=90%"}}
    """

RULES = (
    Rule("PD401", W, "填报说明残留", "form instructions left in",
         "“{text}”像是表格的填报说明，不是填写的内容", "'{text}' looks like the form's instructions, not content",
         """Bracketed instructions copied from the blank form or a template and
never replaced: `（包括总目标、年度目标、分解目标等，具体见表格）`,
`（绩效目标管理工作情况，…）`, `（请填写…）`. A bracket is taken as an
instruction when it points elsewhere (具体见, 详见表), asks to fill in
(请, 填写, 填报), or trails off with `…`. PD210 finds `XX`, `某某` and the like.

Findings in the real examples: none in examples/2023-songjiang; in
examples/2026-putuo-cgzf, its 七、绩效目标 is the form's instruction `（包括总目标、年度目标、分解目标等，具体见表格）`.""",
         passing=(Example("goals:\n  total: 完成 2023 年设备维护（两台设备）。\n  annual: 完成设备维护。"),),
         failing=(Example("goals:\n  total: 完成 2023 年设备维护（包括总目标、年度目标、分解目标等，具体见表格）。\n"
                          "  annual: 完成设备维护。"),
                  Example("overview: 设备维护（绩效目标管理工作情况，…）", ITEM))),
    Rule("PD402", W, "文字两端有多余的英文引号", "a text wrapped in straight quotes",
         "文字两端有英文引号，多半是从 Excel 粘贴带来的：{text}",
         "the text is wrapped in straight quotes, most likely pasted from Excel: {text}",
         """A cell copied out of Excel comes wrapped in `"…"` when it holds a line
break or a comma; the quotes then print in the form (`"1.完成…"`). A text
that starts and ends with a straight double quote is reported; quotes
inside a text are not.

Findings in the real examples: none (examples/2023-songjiang,
examples/2026-putuo-cgzf).""",
         passing=(Example('overview: 维护两台设备，预算资金约 3 万元。', ITEM),),
         failing=(Example("overview: '\"1.维护两台设备，预算资金约 3 万元。\"'", ITEM),)),
    Rule("PD403", W, "多年项目的总目标与年度目标相同", "a multi-year project's total goal is its annual goal",
         "项目计划期 {start} 至 {end} 跨年度，项目总目标却与年度总目标一字不差",
         "the project runs {start} to {end}, yet its total goal is word for word its annual goal",
         """A project planned over more than one year has a total goal (项目总目标)
for the whole period and an annual goal (年度总目标) for the declaration
year: the annual one is a part of the total. Identical texts (spacing
aside) mean one of them was not written.

Findings in the real examples: none in examples/2023-songjiang (every
project runs one year, where the two may be the same); in
examples/2026-putuo-cgzf, 拆违经费 runs 2024-01-01 to 2026-12-31 with the
same four goals as 总目标 and 年度目标.""",
         passing=(Example("end: 2024-12-31\ngoals:\n  total: 两年内完成设备更新和维护。\n  annual: 2023 年完成设备维护。"),),
         failing=(Example("end: 2024-12-31\ngoals:\n  total: 完成设备维护。\n  annual: 完成设备维护。"),)),
    Rule("PD404", W, "年度指标写成了整个项目的产出", "an annual target claims the whole project's output",
         "项目 {end} 才结束，申报年度 {year} 的指标“{name}: {value}”却写成了整个项目的产出",
         "the project ends {end}, yet the {year} target '{name}: {value}' claims the whole project's output",
         """Indicator values are the declaration year's targets. When the project
runs beyond that year, an output target that claims the whole project —
完工, 竣工, 验收, 全长, 全部, 全面完成, 整体完成 — cannot be reached in the
year: write this year's share (e.g. `主体结构完成率 =40%`). A name starting
with 完成 counts as such a claim unless it says the year's (`完成年度计划`).

Findings in the real examples: none (the projects of
examples/2023-songjiang end in 2023, examples/2026-putuo-cgzf's in 2026).""",
         passing=(Example("end: 2024-12-31\nindicators:\n  产出指标:\n    数量指标: {设备维护台数: =2 台}\n"
                          "  效益指标: {社会效益指标: {服务稳定性: 提升}}\n"
                          "  满意度指标: {服务对象满意度指标: {用户满意度: \">=90%\"}}"),),
         failing=(Example("end: 2024-12-31\nindicators:\n  产出指标:\n    质量指标: {工程竣工验收合格率: =100%}\n"
                          "  效益指标: {社会效益指标: {服务稳定性: 提升}}\n"
                          "  满意度指标: {服务对象满意度指标: {用户满意度: \">=90%\"}}"),)),
    Rule("PD405", W, "缺少经济成本指标", "no 经济成本指标",
         "指标体系 {framework} 要求经济成本指标，本项目没有", "framework {framework} asks for 经济成本指标; this project has none",
         """Under 财预〔2021〕101号 (framework caiyu-2021, or any framework that lists
经济成本指标) every project states at least one 经济成本指标: what its
outputs cost (`单台维护费用 <=15000 元/台`). A project whose 成本指标 sits
under another 一级指标 gets PD303 instead, which says where they belong.

Findings in the real examples: none (examples/2023-songjiang uses
shanghai-2023, which has no 经济成本指标; examples/2026-putuo-cgzf has one).""",
         passing=(Example(_CAIYU_INDICATORS, declaration=_CAIYU),),
         failing=(Example(_CAIYU_INDICATORS.replace("成本指标: {经济成本指标: {单台维护费用: <=15000 元/台}}",
                                                    "成本指标: {社会成本指标: {社会影响: 无}}"),
                          declaration=_CAIYU),)),
    Rule("PD406", W, "成本指标超过年度资金", "a cost target above the annual amount",
         "成本指标“{name}: {value}”超过了年度资金申请总额 {annual}",
         "cost target '{name}: {value}' is above the annual request {annual}",
         """A 成本指标 given as a sum of money (its unit `元` or `万元`, not a unit
cost such as `元/台`) cannot exceed what the project asks for in the year.
Usually 元 was meant as 万元 or the reverse.

Findings in the real examples: none (examples/2023-songjiang,
examples/2026-putuo-cgzf).""",
         passing=(Example("成本指标:\n  设备维护总成本: <=3 万元", OUTPUT, note="annual: 30000 元"),),
         failing=(Example("成本指标:\n  设备维护总成本: <=30000 万元", OUTPUT, note="annual: 30000 元"),)),
    Rule("PD407", W, "时效指标没有时间要素", "a timeliness target with no time in it",
         "时效指标“{name}: {value}”没有时间要素（日期、期限、及时）",
         "timeliness target '{name}: {value}' names no time (a date, a deadline, 及时)",
         """A 时效指标 says by when: a date (`2023 年 10 月底`), a deadline (`<=3 个工作日`),
or at least 及时/按时/按期. A name and value without any of these
(`宣传品发放: 完成`) measure nothing about time. A name that asks when
(`项目完成时间`, `…日期`, `…时限`) wants the time in its value: `项目完成时间: 100%`
is reported, `按时完成率: 100%` is not.

Findings in the real examples: none in examples/2023-songjiang; in
examples/2026-putuo-cgzf, `新增违建处置率: =100.00(%)` under 时效指标. Found in a
published 2019 Fujian form: `项目完成时间: 100%`.""",
         passing=(Example("时效指标:\n  维护完成时间: 2023 年 12 月底\n  按时完成率: =100%", OUTPUT),),
         failing=(Example("时效指标:\n  维护完成情况: 完成", OUTPUT), Example("时效指标:\n  项目完成时间: =100%", OUTPUT))),
    Rule("PD408", W, "数量指标写成了百分比", "a percentage under 数量指标",
         "数量指标“{name}”的值是百分比（{value}），百分比属于质量指标；数量指标应写数量（如 =2 台）",
         "数量指标 '{name}' is a percentage ({value}); a percentage is a quality target, a quantity wants a count "
         "(e.g. =2 台)",
         """数量指标 count what is produced (`=56850 份`, `=2 台`); a rate in percent
(`完成率 =100%`) belongs under 质量指标 or 时效指标.

Findings in the real examples: examples/2023-songjiang, 01-citizen-services.yaml
`设备耗材采购完成率: =100%` and 04-operations.yaml `维保工作计划完成率: =100%`,
as published; examples/2026-putuo-cgzf, `完成年度拆违计划: =100.00(%)`.""",
         passing=(Example("数量指标:\n  设备维护台数: =2 台", OUTPUT),),
         failing=(Example("数量指标:\n  设备维护完成率: =100%", OUTPUT),)),
    Rule("PD409", W, "满意度指标不可衡量", "a satisfaction target that cannot be measured",
         "满意度指标“{name}”的值“{value}”无法衡量，建议写作 >=90%",
         "satisfaction target '{name}' is '{value}', which cannot be measured; write e.g. >=90%",
         """A 满意度 target is measured by a survey: give the rate to reach
(`>=90%`), not a word (`满意`, `较高`, `提升`).

Findings in the real examples: examples/2023-songjiang,
01-citizen-services.yaml `用人企业满意度: 满意` and `服务对象满意度: 满意`,
04-operations.yaml `用户满意度: 满意`, as published; none in
examples/2026-putuo-cgzf. A value holding a figure (`全年≤5 次`) is not
reported.""",
         passing=(Example('用户满意度: ">=90%"', SATISFACTION),),
         failing=(Example("用户满意度: 满意", SATISFACTION), Example("用户满意度: 较高", SATISFACTION))),
    Rule("PD410", W, "定性指标过多", "too many qualitative targets",
         "{count} 个指标中有 {qualitative} 个是定性值（{share}%），超过 {limit}%",
         "{qualitative} of {count} targets are qualitative ({share}%), more than {limit}%",
         """Reviewers ask for measurable targets. A project where more than a set
share of the indicator values are words rather than figures (dates of
时效指标 count as measurable) is reported. The share is 30% unless
declaration.yaml sets `qualitative_share: 40` (percent). A value holding a
figure (`>=90%`, `12.5公里`, `2023 年 10 月底`, `全年≤5 次`) counts as
measurable. A project with fewer than six targets is not measured.

Findings in the real examples: examples/2023-songjiang, all four projects:
12 of 24, 8 of 23, 5 of 11 and 10 of 20 values are words (应修尽修, 合理,
提升, 健全有效, 满意 …), as published; examples/2026-putuo-cgzf, 3 of 8
(合理, 提高, 降低).""",
         passing=(Example("效益指标:\n  社会效益指标:\n    服务稳定性: 提升\n    服务覆盖人数: =500 人\n"
                          "    故障平均修复时间: <=2 天", ("indicators",),
                          note="three other targets are figures or dates"),),
         failing=(Example("效益指标:\n  社会效益指标:\n    服务稳定性: 提升\n    服务覆盖面: 扩大\n    服务质量: 良好",
                          ("indicators",), note="three other targets are figures or dates"),)),
    Rule("PD411", W, "比率指标只写提升/降低", "a rate with only 提升 or 降低",
         "“{name}”是可计量的指标，值“{value}”却没有基数和目标值",
         "'{name}' can be measured, yet '{value}' gives neither a baseline nor a target",
         """An indicator whose name ends in 率, 数 or 度 is a figure; `提升`,
`提高`, `降低` without a baseline says nothing measurable. Write the target
(`>=95%`) or the change from a stated baseline.

Findings in the real examples: examples/2023-songjiang,
02-service-management.yaml, three 知晓度 (企业对科技金融政策的知晓度,
企业对科技金融产品的知晓度, 科技金融交流平台的知晓度) whose value is `提升`,
as published; examples/2026-putuo-cgzf, `提升城市环境美化指数: 提高` and
`新增违建发生数: 降低`.""",
         passing=(Example("社会效益指标:\n  服务稳定性: 提升", ("indicators", "效益指标")),),
         failing=(Example("社会效益指标:\n  设备完好率: 提升", ("indicators", "效益指标")),)),
    Rule("PD412", W, "项目主管部门与申报表不符", "the project's department differs from the declaration's",
         "项目的主管部门“{department}”与申报表的主管部门“{declared}”不同",
         "the project's department '{department}' is not the declaration's, '{declared}'",
         """One declaration is one unit's, under one 主管部门; a project whose
`department` names another was usually copied from another unit's file.

Findings in the real examples: none in examples/2023-songjiang; in
examples/2026-putuo-cgzf, the project's 普陀区城市管理行政执法局执法大队 under
the declaration's 上海市普陀区城市管理行政执法局.""",
         passing=(Example("department: 测试主管部门"),),
         failing=(Example("department: 其他主管部门"),)),
    Rule("PD413", W, "实施主体未写明实施单位", "实施主体 does not name the implementing unit",
         "实施主体中没有写明实施单位“{unit}”", "实施主体 does not name the implementing unit '{unit}'",
         """The 3、实施主体 section names who carries the sub-item out: the project's
实施单位 (`unit`, the declaration's by default). The unit's name counts
without its place prefix (上海市, 松江区 …), and a text naming the unit's
kind of body (`…服务中心`) with a part of its name counts too, and so do
`本中心`, `本单位`, `我中心`; a text that
only describes a department's duties does not.

Findings in the real examples: examples/2023-songjiang, seven of the nine
sub-items, whose 实施主体 names only a department (社保卡服务部, 外国专家人才服务部,
政务信息安全部, 科技金融部, 电子政务管理部) and never 上海市松江区科技创新服务中心,
as published; 03's (松江区科技创新服务中心…) and 04's second (区科技创服务中心…)
name it. examples/2026-putuo-cgzf: 三、实施主体 says 普陀区城市管理行政执法局,
the project's 实施单位 is its 执法大队. A form whose 项目经费情况说明 is one
group of sections (shanghai-2026) has its section labelled 实施主体 checked.""",
         passing=(Example("subject: 测试单位负责设备维护。", ITEM, note="unit: 测试单位"),),
         failing=(Example("subject: 设备管理部负责设备维护。", ITEM, note="unit: 测试单位"),)),
    Rule("PD414", W, "比率超过 100%", "a share above 100%",
         "“{name}”是一个比率，值“{value}”却超过 100%", "'{name}' is a share, yet '{value}' exceeds 100%",
         """A 合格率, 完成率, 覆盖率 or 满意度 is a part of a whole and cannot pass
100%: `292%` is a slip (of `≥92%`, say). A rate of change or of return
(增长率, 提升率, 下降率, 超支率, 回报率) may exceed 100% and is not reported, nor is
a ceiling (`<=120%`).

Findings in the real examples: none in examples/2023-songjiang or
examples/2026-putuo-cgzf. Found in a published 2022 Hubei form:
`经常性大型设备更新验收合格率 = 292%`.""",
         passing=(Example("质量指标:\n  验收合格率: \">=92%\"\n  收入增长率: \">=150%\"", OUTPUT),),
         failing=(Example("质量指标:\n  验收合格率: =292%", OUTPUT),)),
)
