"""PD3xx: the 绩效指标 table against the declaration's indicator framework.

The records only (code, severity, texts, documentation with examples);
the checks that report them are in perfdecl/rules/indicators.py.
"""
from __future__ import annotations

from .rule import Example, Rule

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
         "first-level indicator '{name}' is not in framework {framework}{suggest}",
         """The 一级指标 must be those of the declaration's framework, e.g. for
shanghai-2023: 产出指标, 效益指标, 满意度指标. A 二级指标 of the framework
written as a 一级 is named with the 一级 it belongs under.""",
         hint="可用的一级指标：{allowed}", hint_en="first-level indicators: {allowed}",
         passing=(Example("产出指标:\n  质量指标: {设备完好率: \">=95%\"}", ("indicators",)),),
         failing=(Example("产出指数:\n  质量指标: {设备完好率: \">=95%\"}", ("indicators",)),)),
    Rule("PD303", E, "二级指标不属于该一级指标", "second-level indicator not under its first level",
         "二级指标“{name}”不属于“{first}”{suggest}",
         "second-level indicator '{name}' does not belong under '{first}'{suggest}",
         """Each 二级指标 must be one the framework lists under its 一级指标, e.g. for
shanghai-2023 产出指标 → 数量指标, 质量指标, 时效指标, 成本指标. Where the name
is a 一级指标 of the framework (成本指标 in caiyu-2021), the hint says to move
it up to the first level and which 二级指标 go under it.""",
         hint="{advice}", hint_en="{advice}",
         passing=(Example("质量指标:\n  设备完好率: \">=95%\"", OUTPUT),
                  Example("成本指标:\n  经济成本指标: {单台维护费用: <=6000 元/台}", ("indicators",),
                          declaration="framework: caiyu-2021")),
         failing=(Example("质量指数:\n  设备完好率: \">=95%\"", OUTPUT),
                  Example("成本指标:\n  单台维护费用: <=6000 元/台", OUTPUT, declaration="framework: caiyu-2021"))),
    Rule("PD304", E, "缺少必需的一级指标", "required first-level indicator missing",
         "缺少一级指标“{name}”（指标体系 {framework} 要求）",
         "first-level indicator '{name}' is missing (required by framework {framework})",
         """Every project needs the framework's required 一级指标 (产出, 效益 and
满意度 in the built-in frameworks), each with at least one 三级指标: an
empty category (`满意度指标: {}`) does not count.""",
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
             """), Example("""
             indicators:
               产出指标: {数量指标: {设备维护台数: =2 台}}
               效益指标: {社会效益指标: {服务稳定性: 提升}}
               满意度指标: {服务对象满意度指标: {}}
             """))),
    Rule("PD305", E, "指标值有运算符却没有数值", "operator without a number",
         "指标值“{value}”以运算符开头，却没有数值", "target '{value}' starts with an operator but has no number",
         """A value starting with =, >=, <=, >, < (or ≥, ≤) needs a number next.""",
         passing=(Example('宣传对象满意度: ">=90%"', ("indicators", "满意度指标", "服务对象满意度指标")),),
         failing=(Example('宣传对象满意度: ">=九成"', ("indicators", "满意度指标", "服务对象满意度指标")),)),
    Rule("PD306", W, "定量指标写成了定性值", "qualitative value in a quantitative indicator",
         "“{second}”应为定量指标值（如 =100 份、<=50 元/册），此处为“{value}”{advice}",
         "'{second}' wants a figure (e.g. =100 份, <=50 元/册), not '{value}'{advice}",
         """The framework's quantitative 二级指标 (数量指标, 成本指标 …) should hold an
operator, a number and a unit, so the result can be measured. A number with
its unit but no operator (`985米`) is told to write `=985 米`; a framework
with `operator: false` takes it as it is.""",
         passing=(Example("数量指标:\n  设备故障维修率: =100%", OUTPUT),),
         failing=(Example("数量指标:\n  设备故障维修率: 应修尽修", OUTPUT),
                  Example("数量指标:\n  巡查里程: 985米", OUTPUT))),
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
         "关联“{link}”{why}", "link '{link}': {why}",
         """`link: <项目组成>.qty|price|amount` names one line item of this project's
`lines` tables and the figure to compare: quantity, unit price or amount.""",
         passing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩色带.qty}", OUTPUT,
                          note="a line item 彩色带, 6 rolls"),),
         failing=(Example("数量指标:\n  彩色带采购数量: {value: =6 卷, link: 彩带.qty}", OUTPUT,
                          note="a line item 彩色带, 6 rolls"),)),
    Rule("PD309", E, "指标值与关联的明细行不符", "linked value disagrees with its line item",
         "指标值“{value}”与明细“{line}”的{what} {actual} 不符",
         "target '{value}' does not hold for the {what} of '{line}', {actual}",
         """A linked value must hold for its line item: `<=980 元/卷` holds for a
unit price of 980元; `=6 卷` for a quantity of 6. Money is compared in the
indicator's unit: 万元… means the number is in 万元, 元… in 元, otherwise the
line table's unit.""",
         passing=(Example("成本指标:\n  彩色带单价: {value: <=980 元/卷, link: 彩色带.price}", OUTPUT,
                          note="彩色带 at 0.098万元 a roll"),),
         failing=(Example("成本指标:\n  彩色带单价: {value: <=900 元/卷, link: 彩色带.price}", OUTPUT,
                          note="彩色带 at 0.098万元 a roll"),)),
    Rule("PD310", E, "指标体系文件有误", "framework file problem",
         "指标体系文件 {file}：{why}", "framework file {file}: {why}",
         """A framework file named by `framework:` (see PD301) must lie inside the
declaration folder, exist and hold `levels`; `required` must name 一级指标 of
its levels, `quantitative` and `timeliness` 二级指标 of its levels.""",
         passing=(Example(declaration="framework: shanghai-2023"),),
         failing=(Example(declaration="framework: frameworks/my.yaml", note="no such file"),
                  Example(declaration="framework: ../frameworks/shanghai-2023.yaml"))),
)
