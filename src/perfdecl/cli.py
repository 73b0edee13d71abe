"""Command-line wiring only: each command's work is a function returning an exit code.

Exit codes: 0 clean (or warnings only), 1 problems in the declaration,
2 usage errors and unreadable paths. Heavy imports happen inside commands.
The program starts in perfdecl.main, which runs `check` without click.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any, cast

import click

from . import __version__
from .paths import unusable

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
                    help="消息语言 / message language")
STRICT = click.option("--strict", is_flag=True, help="警告也算失败 / fail on warnings too")


class UserPath(click.Path):
    """A path given on the command line; one the file system cannot even look up is a usage error."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Path:
        path = cast(Path, super().convert(value, param, ctx))  # path_type=Path
        why = unusable(path)
        if why is not None:
            self.fail(f"{path}: {why.zh} / {why.en}", param, ctx)
        return path


PATH = UserPath(path_type=Path)
JOBS = click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
                    help="并行进程数，默认 CPU 数 / parallel processes (default: CPUs)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="perfdecl")
def cli() -> None:
    """perfdecl：由 YAML 编译财政支出项目绩效目标申报表。"""


@cli.command(context_settings={"ignore_unknown_options": True, "help_option_names": []})
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def check(args: tuple[str, ...]) -> None:
    """检查申报材料：PATHS 为申报文件夹或其中的任意文件。"""
    from .commands import check as command  # which parses its own options (see perfdecl.main)

    sys.exit(command.main(list(args)))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATH)
@click.option("-o", "--output", type=PATH, help="输出文件（单个申报时）/ output file")
@click.option("--template", type=PATH, help="模板文件夹 / template folder")
@click.option("--format", "fmt", type=click.Choice(["docx", "html", "xlsx"]), default="docx",
              show_default=True, help="输出格式 / output format")
@click.option("--pdf", is_flag=True, help="另用 LibreOffice 转换为 PDF / also convert to PDF")
@click.option("--split", is_flag=True, help="另按项目分别输出 / also one file per project")
@STRICT
@LANG
@JOBS
def build(paths: tuple[Path, ...], output: Path | None, template: Path | None, fmt: str, pdf: bool,
          split: bool, strict: bool, lang: str, jobs: int | None) -> None:
    """生成申报表文档（.docx，或 .html、.xlsx）。"""
    from .commands import build as command

    sys.exit(command.run(paths, output=output, template=template, fmt=fmt, pdf=pdf, split=split,
                         strict=strict, lang=lang, jobs=jobs))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATH)
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="端口 / port")
@click.option("--host", default="127.0.0.1", show_default=True, help="监听地址 / address to listen on")
@LANG
def serve(paths: tuple[Path, ...], port: int, host: str, lang: str) -> None:
    """在浏览器中实时预览申报表，检查结果标在表中。"""
    from .commands import serve as command

    sys.exit(command.run(paths, host=host, port=port, lang=lang))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=PATH)
@click.option("-o", "--output", type=PATH, help="输出 .xlsx、.csv 或 .md；默认打印 Markdown / output file")
@LANG
@JOBS
def summary(paths: tuple[Path, ...], output: Path | None, lang: str, jobs: int | None) -> None:
    """汇总多份申报：每个项目一行，按单位小计，另列全部问题。"""
    from .commands import summary as command

    sys.exit(command.run(paths, output, lang, jobs))


@cli.command("import-indicators")
@click.argument("workbook", type=PATH)
@click.argument("project", type=PATH)
@click.option("--sheet", default=None, help="工作表名称，默认找第一张指标表 / sheet name")
@LANG
def import_indicators(workbook: Path, project: Path, sheet: str | None, lang: str) -> None:
    """把 Excel 指标表导入项目文件，替换其 indicators（其余内容不变）。"""
    from .commands import import_indicators as command

    sys.exit(command.run(workbook, project, sheet, lang))


@cli.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--format", "fmt", type=click.Choice(["human", "markdown", "json"]), default="human",
              show_default=True, help="输出格式 / output format")
@click.option("--fail-on", type=click.Choice(["lowered"]), default=None,
              help="有指标下调时退出码为 1 / exit 1 when a target was made easier")
@LANG
def diff_(old: str, new: str, fmt: str, fail_on: str | None, lang: str) -> None:
    """比较两个版本的申报：OLD、NEW 为申报文件夹或 git 版本（HEAD~1、main:path）。"""
    from .commands import diff as command

    sys.exit(command.run(old, new, fmt=fmt, fail_on=fail_on, lang=lang))


@cli.command("import")
@click.argument("source", type=PATH)
@click.option("-o", "--output", type=PATH, help="输出文件夹 / output folder")
@click.option("--template", help="内置模板名或模板文件夹，不写则按文档识别 / built-in template or a template folder "
                                "(default: recognised)")
@click.option("--force", is_flag=True, help="写入非空文件夹 / write into a non-empty folder")
@LANG
def import_(source: Path, output: Path | None, template: str | None, force: bool, lang: str) -> None:
    """由 Word 申报表（.docx，或经 LibreOffice 转换的 .doc/.wps）生成 YAML 源文件。"""
    from .commands import importer as command

    sys.exit(command.run(source, output=output, template=template, force=force, lang=lang))


@cli.command("rules")
@LANG
def rules_(lang: str) -> None:
    """列出全部检查规则。"""
    from .commands import rules as command

    sys.exit(command.list_rules(lang))


@cli.command()
@click.argument("code")
@LANG
def explain(code: str, lang: str) -> None:
    """说明一条规则。"""
    from .commands import rules as command

    sys.exit(command.explain(code, lang))


@cli.command()
@click.option("-o", "--output", type=PATH, help="写入的文件夹 / folder to write")
@click.option("--check", "verify", is_flag=True, help="只核对 schemas/ 是否最新 / verify only")
@click.option("--template", default=None, help="只为这个模板（内置名或模板文件夹）生成 / only this template's")
def schema(output: Path | None, verify: bool, template: str | None) -> None:
    """生成 JSON Schema（编辑器补全与校验用）。"""
    from .commands import schema as command

    sys.exit(command.run(output, verify, template))


@cli.command()
@click.argument("directory", type=PATH)
@click.option("--unit", default=None, help="预算单位名称，默认“示例单位” / unit name")
@click.option("--year", type=click.IntRange(1990, 2100), default=None, help="申报年度，默认今年 / year (default: this year)")
@click.option("--department", default=None, help="主管部门，默认“示例主管部门” / competent department")
@click.option("--framework", default=None,
              help="指标体系：内置名称或指标体系文件，默认用模板的 / framework: a name or a file (default: the template's)")
@click.option("--template", "template_name", default="shanghai-2023", show_default=True,
              help="模板：内置模板名（perfdecl templates）或模板文件夹 / template: a built-in name or a folder")
def init(directory: Path, unit: str | None, year: int | None, department: str | None, framework: str | None,
         template_name: str) -> None:
    """新建一份申报材料。"""
    from .commands import init as command

    sys.exit(command.run(directory, unit=unit, year=year, department=department, framework=framework,
                         template=template_name))


@cli.command()
def templates() -> None:
    """列出内置模板和指标体系。"""
    from .commands import templates as command

    sys.exit(command.list_all())


@cli.group()
def template() -> None:
    """模板操作。"""


@template.command("export")
@click.argument("name")
@click.argument("directory", type=PATH)
def template_export(name: str, directory: Path) -> None:
    """把内置模板 NAME 复制到 DIRECTORY 以便修改。"""
    from .commands import templates as command

    sys.exit(command.export(name, directory))


@cli.group()
def framework() -> None:
    """指标体系操作。"""


@framework.command("export")
@click.argument("name")
@click.argument("file", type=PATH)
def framework_export(name: str, file: Path) -> None:
    """把内置指标体系 NAME 写到 FILE 以便修改或共用。"""
    from .commands import templates as command

    sys.exit(command.export_framework(name, file))
