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
import os
import shlex
from pathlib import Path
from string import Template as Pattern

import click

from ..form import MAIN, META, Form, read_form
from ..paths import display, inside, shared_root
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

SAMPLE = "sample.yaml"  # a template's sample project file, with $year, $schemas and $indicators


def run(directory: Path, unit: str | None = None, year: int | None = None, department: str | None = None,
        framework: str | None = None, template: str = "shanghai-2023") -> int:
    from .. import frameworks
    from ..render import RenderError
    from ..render.templates import builtin, builtin_names, load

    folder = builtin(template) or _folder(Path(template))
    if folder is None:
        return refuse(NO_TEMPLATE.fill(name=template, known=listing(builtin_names())))
    template_name = template if builtin(template) else _named(folder, directory)
    if template_name is None:
        return refuse(Text(f"模板文件夹 {template} 应在新申报文件夹或它所在的 git 仓库内",
                           f"the template folder {template} must lie inside the new declaration or its git repository"))
    try:
        loaded = load(folder)
        sample = loaded.find(SAMPLE)
        if sample is None:
            raise RenderError(f"模板“{template}”没有示例项目文件 {SAMPLE}", f"template '{template}' has no sample project {SAMPLE}")
        project = sample.read_text(encoding="utf-8")
    except RenderError as e:
        return refuse(e.text)
    except (OSError, UnicodeDecodeError) as e:
        return refuse(Text(f"无法读取示例项目文件：{e}", f"cannot read the sample project: {e}"))
    meta = loaded.meta
    form, problems = read_form(folder)
    if problems:
        return refuse(problems[0].text)
    name = framework or str(meta.get("framework") or "shanghai-2023")
    frame = frameworks.get(name)
    if frame is None and Path(name).is_file():  # a framework file of the user's
        frame, found = frameworks.from_file(Path(name), display(Path(name)))
        if frame is None:
            return refuse(found[0].text if found else Text(f"无法读取 {name}", f"cannot read {name}"))
        name = _named(Path(name), directory) or ""
        if not name:
            return refuse(Text(f"指标体系文件 {framework} 应在新申报文件夹或它所在的 git 仓库内",
                               f"the framework file {framework} must lie inside the new declaration or its git repository"))
    if frame is None:
        return refuse(Text("没有指标体系“{name}”，可用：{known}", "no indicator framework '{name}'; known: {known}")
                      .fill(name=name, known=listing(frameworks.names())))
    unit, department = _one_line(unit) or DEFAULT_UNIT, _one_line(department) or DEFAULT_DEPARTMENT
    files = _files(directory, unit, year or dt.date.today().year, department, name, template_name, frame.levels,
                   frame.quantitative, bool(meta.get("standard_column")), project, form)
    refused = write_new(directory, {path: text.encode("utf-8") for path, text in files.items()})
    if refused is not None:
        return refused
    shown = display(directory)
    say(Text(f"已创建 {shown}：declaration.yaml、{PROJECT_FILE}，以及编辑器用的 {SCHEMAS}/",
             f"created {shown}: declaration.yaml, {PROJECT_FILE} and {SCHEMAS}/ for editors"))
    say(Text("把示例内容改成本单位的，然后运行：", "make the sample your unit's, then run:"))
    typed = shlex.quote(shown if not shown.startswith("-") else os.path.join(".", shown))  # as a shell takes it
    click.echo(f"  perfdecl check {typed}\n  perfdecl build {typed}")
    return 0


def _folder(path: Path) -> Path | None:
    """A template folder of the user's: one holding template.yaml or document.xml.j2."""
    return path if path.is_dir() and ((path / META).is_file() or (path / MAIN).is_file()) else None


def _named(path: Path, directory: Path) -> str | None:
    """How declaration.yaml in `directory` names `path`: relative to it, if it may use it (see paths.shared_root)."""
    target = inside(shared_root(directory), path.absolute())
    return None if target is None else Path(os.path.relpath(target, directory.absolute())).as_posix()


def _files(directory: Path, unit: str, year: int, department: str, framework: str, template: str,
           levels: dict[str, tuple[str, ...]], quantitative: frozenset[str], standard: bool,
           project: str, form: Form | None) -> dict[Path, str]:
    """Every file `init` writes, path → text."""
    from .schema import generate

    fields = {"schemas": SCHEMAS, "year": year, "project": PROJECT_FILE,
              "unit": _scalar(unit), "department": _scalar(department), "framework": _scalar(framework),
              "template": _scalar(template)}
    linked = f"[{LINKED[1].split('.')[0]}," in project  # the sample has the line item the link names
    indicators = _indicators(levels, quantitative, standard, year, linked)
    return {
        directory / "declaration.yaml": Pattern(DECLARATION).substitute(fields),
        directory / PROJECT_FILE: Pattern(project).substitute(fields, indicators=indicators),
        **{directory / SCHEMAS / name: text for name, text in generate(form).items()},
    }


def _indicators(levels: dict[str, tuple[str, ...]], quantitative: frozenset[str], standard: bool,
                year: int, linked: bool) -> str:
    """The indicator tree: every 一级 and 二级 of the framework, one sample 三级 each."""
    out = []
    for first, seconds in levels.items():
        out.append(f"  {first}:\n")
        for second in seconds:
            name, value, basis = SAMPLES.get(second) or _fallback(second, second in quantitative)
            fields = {"value": Pattern(value).substitute(year=year)}
            if linked and second == LINKED[0]:
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


def _within(directory: Path, path: Path) -> list[Path]:
    """`path` and its folders below `directory`."""
    return [path, *(p for p in path.parents if p != directory and p.is_relative_to(directory))]


def write_new(directory: Path, files: dict[Path, bytes]) -> int | None:
    """Write `files` into `directory` (made if missing) unless any exists; None when written, else an exit code."""
    try:
        if directory.exists() and not directory.is_dir():
            return refuse(Text(f"{display(directory)} 不是文件夹", f"{display(directory)} is not a folder"))
        # A link, even a broken one, exists: writing through it could write outside `directory`.
        existing = sorted({p for path in files for p in _within(directory, path) if os.path.lexists(p)
                           and (p == path or p.is_symlink())})
        if existing:
            listed = "".join(f"\n  {display(path)}" for path in existing)
            return refuse(Text(f"以下文件已存在，未做任何改动：{listed}", f"these files exist, nothing was written:{listed}"))
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            # O_EXCL: never an existing file nor a link made meanwhile
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_BINARY", 0), 0o666)
            with os.fdopen(fd, "wb") as out:
                out.write(data)
    except OSError as e:
        why = e.strerror or str(e)
        where = display(Path(e.filename)) if e.filename else display(directory)
        return refuse(Text(f"无法写入 {where}：{why}", f"cannot write {where}: {why}"))
    return None
