"""perfdecl init: a new declaration folder that passes `perfdecl check` and builds.

Writes `declaration.yaml`, one project file with one sub-item (all seven
sections, a line-item table whose figures add up, an indicator for every
一级/二级 of the framework) and `.schemas/`, the JSON Schemas the first line
of each file points editors at. Sample wording is plausible text a user
replaces; guidance is in YAML comments, so nothing trips the residue rule.
Never overwrites: if any file to be written exists, nothing is written.
Exit codes: 0 written, 2 refused (unknown template or framework, existing files).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from string import Template as Pattern

import click

from ..paths import display
from ..text import Text, listing
from .messages import NO_TEMPLATE, refuse, say

PROJECT_FILE = "01-project.yaml"
SCHEMAS = ".schemas"
DEFAULT_UNIT, DEFAULT_DEPARTMENT = "示例单位", "示例主管部门"

# One sample 三级指标 per 二级指标 of the built-in frameworks: (name, value, 绩效标准).
# The sample project maintains four self-service terminals and buys printer
# supplies; values agree with its line items. A link is added to 数量指标.
SAMPLES: dict[str, tuple[str, str, str]] = {
    "数量指标": ("自助服务终端维护数量", "=4 台", "计划标准"),
    "质量指标": ("设备完好率", ">=98%", "行业标准"),
    "时效指标": ("全年维护完成时间", "$year 年 12 月底前", "计划标准"),
    "成本指标": ("单台终端年维护费用", "<=6000 元/台", "历史标准"),
    "经济成本指标": ("单台终端年维护费用", "<=6000 元/台", "历史标准"),
    "社会成本指标": ("维护对窗口服务的影响", "不影响正常办事", "计划标准"),
    "生态环境成本指标": ("废旧耗材对环境的影响", "无污染", "行业标准"),
    "经济效益指标": ("终端平均使用年限", ">=5 年", "历史标准"),
    "社会效益指标": ("群众自助办事平均等候时间", "<=10 分钟", "计划标准"),
    "生态效益指标": ("废旧耗材回收处置率", "=100%", "行业标准"),
    "可持续影响指标": ("设备维护制度健全性", "健全有效", "计划标准"),
    "服务对象满意度指标": ("办事群众满意度", ">=90%", "行业标准"),
}
LINKED = ("数量指标", "自助服务终端维护.qty")

DECLARATION = """\
# yaml-language-server: $$schema=./$schemas/declaration.schema.json
# 申报材料：本文件 + 每个项目一个 YAML 文件（格式说明见 perfdecl 的 docs/format.md）。
# 把示例内容改成本单位的，然后运行 perfdecl check 本文件夹，再 perfdecl build 本文件夹。
# 第一行让编辑器（VS Code 的 YAML 扩展等）按 $schemas/ 中的 JSON Schema 补全和校验；
# 升级 perfdecl 后用 perfdecl schema -o 本文件夹/$schemas 更新这些文件。
unit: $unit  # 预算单位名称（也是各项目默认的实施单位）
year: $year  # 申报年度
department: $department  # 主管部门（各项目默认）
budget_units: 1  # 预算单位个数，用于“绩效目标设置情况”一段
framework: $framework  # 指标体系；perfdecl templates 列出可用的
template: $template  # 模板：内置模板名，或本文件夹内的模板文件夹
projects:  # 项目文件，按顺序；新增项目时复制一个项目文件，并在这里加上它的文件名
  - $project
# rules:  # 可选：调整规则的级别 error / warning / off（perfdecl rules 列出全部规则）
#   PD306: warning
"""

PROJECT = """\
# yaml-language-server: $$schema=./$schemas/project.schema.json
# 一个项目：项目经费情况说明 + 绩效目标表。示例文字均可直接改写。
name: 政务服务设备运行维护  # 项目名称
category: 经常性项目  # 项目类别，如 经常性项目、一次性项目、阶段性项目
# department: 主管部门，不写则用 declaration.yaml 的 department
# unit: 实施单位，不写则用 declaration.yaml 的 unit
start: $year-01-01  # 计划开始日期 YYYY-MM-DD
end: $year-12-31  # 计划完成日期
funding:  # 项目资金（表中的两栏数字）
  unit: 元  # 金额单位：元 或 万元
  total: 30000  # 项目资金总额 = fiscal + other；多年项目为全部年度的资金
  fiscal: 30000  # 其中：财政资金
  other: 0  # 其他资金
  annual: 30000  # 年度资金申请总额 = appropriation + carryover + annual_other = 各子项目本年度预算之和
  appropriation: 30000  # 其中：当年财政拨款
  carryover: 0  # 上年结转资金
  annual_other: 0  # 其他资金（本年度）
goals:  # 项目绩效目标；每行一段
  total: |  # 项目总目标
    1、保障政务服务大厅 4 台自助服务终端稳定运行，故障及时修复，方便群众自助办事。
  annual: |  # 年度总目标
    1、$year 年完成 4 台自助服务终端的维护和打印耗材采购，设备完好率不低于 98%。
items:  # 子项目（一）（二）…；每个子项目有下面 1～7 七个部分
  - title: 自助服务终端维护及耗材采购  # 子项目名称
    budget: 30000元  # 预算资金（子项目总额），也可写 3万元
    # annual: 本年度预算，不写则等于 budget（多年度子项目时填写）
    start: $year-01  # 实施周期开始 YYYY-MM
    end: $year-12  # 实施周期结束
    overview: |  # 1、项目概述；{{ budget }} 取上面的预算金额
      本单位拟于 $year年 1月（至 $year年 12月）维护政务服务大厅 4 台自助服务终端并采购打印耗材，\
经测算，预算资金约 {{ budget }}。
    basis: |  # 2、立项依据：依据的文件、规定
      根据本单位政务服务大厅设备管理制度，自助服务终端应每季度维护一次，故障应在 2 个工作日内修复。
    subject: |  # 3、实施主体：由谁负责、怎样分工
      本单位综合服务科负责设备日常管理，维护工作由签约服务商按合同实施。
    approach: |  # 4、实施方案；下面的 lines 明细表接在这段文字之后
      服务商每季度上门巡检一次，报修后 2 个工作日内修复；打印耗材按季度采购。明细如下：
    lines:  # 明细表：每行 [项目组成, 数量, 单价, 资金需求]，数量 × 单价 = 资金需求
      unit: 元  # 单价和资金需求的单位
      rows:
        - [自助服务终端维护, 4, 6000, 24000]
        - [打印耗材采购, 60, 100, 6000]
      total: 30000  # 合计行（可选），应等于 budget
    period: |  # 5、实施周期；不写则按 start/end 生成同样的一句
      实施周期为 $year年 1月-$year年 12月。
    arrangement: |  # 6、年度预算安排
      $year 年预算资金 {{ annual }}，其中自助服务终端维护 24000元，打印耗材采购 6000元。
    goals: |  # 7、绩效目标；不写则为“详见单位的项目绩效目标表。”
      设备完好率不低于 98%，办事群众满意度不低于 90%，详见项目绩效目标表。
indicators:  # 绩效指标：一级指标 → 二级指标 → 三级指标: 年度指标值
  # 值写作“运算符 数字 单位”（=4 台、>=98%、<=6000 元/台）或文字（提升、健全有效）；
  # 以 > 或 < 开头的值要加引号。link 把指标与明细行核对：<项目组成>.qty / .price / .amount。
$indicators"""


def run(directory: Path, unit: str | None = None, year: int | None = None, department: str | None = None,
        framework: str | None = None, template: str = "shanghai-2023") -> int:
    from .. import frameworks
    from ..render import RenderError
    from ..render.templates import builtin, builtin_names, load

    folder = builtin(template)
    if folder is None:
        return refuse(NO_TEMPLATE.fill(name=template, known=listing(builtin_names())))
    try:
        meta = load(folder).meta
    except RenderError as e:
        return refuse(e.text)
    name = framework or str(meta.get("framework") or "shanghai-2023")
    frame = frameworks.get(name)
    if frame is None:
        return refuse(Text("没有指标体系“{name}”，可用：{known}", "no indicator framework '{name}'; known: {known}")
                      .fill(name=name, known=listing(frameworks.names())))
    unit, department = _one_line(unit) or DEFAULT_UNIT, _one_line(department) or DEFAULT_DEPARTMENT
    files = _files(directory, unit, year or dt.date.today().year, department, name, template, frame.levels,
                   frame.quantitative, bool(meta.get("standard_column")))
    refused = write_new(directory, {path: text.encode("utf-8") for path, text in files.items()})
    if refused is not None:
        return refused
    shown = display(directory)
    say(Text(f"已创建 {shown}：declaration.yaml、{PROJECT_FILE}，以及编辑器用的 {SCHEMAS}/",
             f"created {shown}: declaration.yaml, {PROJECT_FILE} and {SCHEMAS}/ for editors"))
    say(Text("把示例内容改成本单位的，然后运行：", "make the sample your unit's, then run:"))
    click.echo(f"  perfdecl check {shown}\n  perfdecl build {shown}")
    return 0


def _files(directory: Path, unit: str, year: int, department: str, framework: str, template: str,
           levels: dict[str, tuple[str, ...]], quantitative: frozenset[str], standard: bool) -> dict[Path, str]:
    """Every file `init` writes, path → text."""
    from .schema import generate

    fields = {"schemas": SCHEMAS, "year": year, "project": PROJECT_FILE,
              "unit": _scalar(unit), "department": _scalar(department), "framework": _scalar(framework),
              "template": _scalar(template)}
    indicators = _indicators(levels, quantitative, standard, year)
    return {
        directory / "declaration.yaml": Pattern(DECLARATION).substitute(fields),
        directory / PROJECT_FILE: Pattern(PROJECT).substitute(fields, indicators=indicators),
        **{directory / SCHEMAS / name: text for name, text in generate().items()},
    }


def _indicators(levels: dict[str, tuple[str, ...]], quantitative: frozenset[str], standard: bool,
                year: int) -> str:
    """The indicator tree: every 一级 and 二级 of the framework, one sample 三级 each."""
    out = []
    for first, seconds in levels.items():
        out.append(f"  {first}:\n")
        for second in seconds:
            name, value, basis = SAMPLES.get(second) or _fallback(second, second in quantitative)
            fields = {"value": Pattern(value).substitute(year=year)}
            if second == LINKED[0]:
                fields["link"] = LINKED[1]
            if standard:
                fields["standard"] = basis
            shown = _scalar(fields["value"] if len(fields) == 1 else fields)
            out.append(f"    {second}:\n      {_scalar(name)}: {shown}\n")
    return "".join(out)


def _fallback(second: str, quantitative: bool) -> tuple[str, str, str]:
    """A sample for a 二级指标 the table above does not know (a framework added later)."""
    topic = second.removesuffix("指标")
    if quantitative:
        return f"{topic}目标完成率", "=100%", "计划标准"
    return f"{topic}目标实现情况", "达到预期", "计划标准"


def _one_line(text: str | None) -> str:
    """A name as one line: runs of whitespace (newlines too) become one space."""
    return " ".join((text or "").split())


def _scalar(value: str | dict[str, str]) -> str:
    """`value` as YAML on one line: a scalar (quoted where YAML would read it otherwise) or a flow mapping."""
    import yaml

    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, sort_keys=False, width=1 << 30)
    return text.removesuffix("\n").removesuffix("\n...")


def write_new(directory: Path, files: dict[Path, bytes]) -> int | None:
    """Write `files` into `directory` (made if missing) unless any exists; None when written, else an exit code."""
    try:
        if directory.exists() and not directory.is_dir():
            return refuse(Text(f"{display(directory)} 不是文件夹", f"{display(directory)} is not a folder"))
        existing = [path for path in files if path.exists()]
        if existing:
            listed = "".join(f"\n  {display(path)}" for path in existing)
            return refuse(Text(f"以下文件已存在，未做任何改动：{listed}", f"these files exist, nothing was written:{listed}"))
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
    except OSError as e:
        why = e.strerror or str(e)
        where = display(Path(e.filename)) if e.filename else display(directory)
        return refuse(Text(f"无法写入 {where}：{why}", f"cannot write {where}: {why}"))
    return None
