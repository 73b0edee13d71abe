"""PD4xx: what reviewers send declarations back for, beyond arithmetic and plausibility.

Instructions and quotes left in texts, goals and targets that do not say what
this year delivers, indicators that cannot be measured, a project that names
another department or no implementing unit. Warnings, each with a reason a
unit may record with `# perfdecl: ignore[PD4xx]`.
"""
from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from ..diagnostics import Diagnostic, diag
from ..load import Bundle, declared_framework
from ..match import indicators
from ..model import Project
from ..money import SCALE, WAN, YUAN, show
from ..values import Value
from ..walks import indicator_at, planned, strings, written
from .check import emits

IndicatorEntry = tuple[tuple, Value]


def _indicators(project: Project) -> Iterator[IndicatorEntry]:
    """Each indicator's YAML path and target."""
    for path, value in indicators(project):
        yield ("indicators", *path), value


# -- texts -----------------------------------------------------------------------------------------------

# A bracket (at most 120 characters, no nested bracket) that points elsewhere, asks to fill in, or trails off.
_INSTRUCTION = re.compile(r"[（(][^（）()\n]{0,120}?(?:具体见|详见表|请填|请根据|填写|填报|…|\.{3})[^（）()\n]{0,120}?[)）]")


@emits("PD401")
def check_instructions(bundle: Bundle) -> Iterator[Diagnostic]:
    """Bracketed 填报说明 left in texts."""
    for project in bundle.projects:
        for path, text, is_key in strings(project):
            if is_key:
                continue
            for m in _INSTRUCTION.finditer(text):
                yield diag("PD401", project.source.locate(path, text, m.start(), m.end()), text=m.group(0))


@emits("PD402")
def check_quotes(bundle: Bundle) -> Iterator[Diagnostic]:
    """Texts wrapped whole in straight double quotes (a cell pasted from Excel)."""
    for project in bundle.projects:
        for path, text, is_key in strings(project):
            stripped = text.strip()
            if len(stripped) > 2 and stripped[0] == stripped[-1] == '"':
                where = project.source.key_at(*path) if is_key else project.source.at(*path)
                yield diag("PD402", where, text=_short(stripped))


def _short(text: str) -> str:
    return text if len(text) <= 30 else text[:29] + "…"


@emits("PD403")
def check_goals(bundle: Bundle) -> Iterator[Diagnostic]:
    """A multi-year project's total goal is not word for word its annual goal."""
    for project in bundle.projects:
        total, annual, period = project.goals.total, project.goals.annual, planned(project)
        if period is None or total is None or annual is None or period[0].year == period[1].year:
            continue
        if "".join(total.split()) == "".join(annual.split()):
            yield diag("PD403", project.source.at("goals", "annual"), start=project.start, end=project.end)


# -- indicators ------------------------------------------------------------------------------------------

_WHOLE_NAME = re.compile(r"竣工|完工|验收|全长|全部|全面完成|整体完成|(?:项目|工程|建设)完成|^完成(?!年度|本年|当年|\d)")
_WHOLE_VALUE = re.compile(r"竣工|完工|验收|全长|全部|全面完成|整体完成")
OUTPUT = "产出"


@emits("PD404")
def check_annual_output(bundle: Bundle) -> Iterator[Diagnostic]:
    """Output targets of a project ending after the declaration year do not claim the whole project."""
    year = bundle.declaration.year
    for project in bundle.projects:
        if project.end is None or project.end.year <= year:
            continue
        for path, value in _indicators(project):
            if OUTPUT in path[1] and (_WHOLE_NAME.search(path[3]) or _WHOLE_VALUE.search(value.text)):
                yield diag("PD404", indicator_at(project, path), name=path[3], value=value.text, end=project.end,
                           year=year)


ECONOMIC_COST, COST_FIRST = "经济成本指标", "成本指标"
COST = "成本"


@emits("PD405", "PD406")
def check_costs(bundle: Bundle) -> Iterator[Diagnostic]:
    """经济成本指标 present where the framework has them; money-valued cost targets within the annual amount."""
    frame, _ = declared_framework(bundle)
    wanted = frame is not None and any(ECONOMIC_COST in seconds for seconds in frame.levels.values())
    annual_key = bundle.form.role("annual")
    for project in bundle.projects:
        entries = list(_indicators(project))
        misplaced = any(COST_FIRST in seconds for seconds in project.indicators.values())  # PD303 says where
        if wanted and not misplaced and not any(path[2] == ECONOMIC_COST for path, _ in entries):
            yield diag("PD405", project.source.key_at("indicators"), framework=frame.name)  # type: ignore[union-attr]
        if annual_key is None:
            continue
        annual = getattr(project.funding, annual_key)
        for path, value in entries:
            unit = value.unit.strip()
            if (COST in path[1] or COST in path[2]) and value.number is not None and unit in (YUAN, WAN, "万"):
                if value.number * SCALE[WAN if unit.startswith("万") else YUAN] > annual.yuan:
                    yield diag("PD406", indicator_at(project, path), name=path[3], value=value.text,
                               annual=show(annual))


_WHEN = re.compile(r"(?:时间|日期|时限|期限|时点)$")
_TIME = re.compile(r"\d{4}|[年月日时季周天]|期|及时|按时|准时|限|前|底|末|内|进度|小时|分钟|秒|时间|当[年月日]")


@emits("PD407", "PD408", "PD409", "PD410", "PD411", "PD414")
def check_indicator_forms(bundle: Bundle) -> Iterator[Diagnostic]:
    """时效 targets hold a time, 数量 targets are not percentages, 满意度 targets are measurable,
    rates are not only 提升/降低 nor above 100%, and qualitative values stay below the declaration's share."""
    frame, _ = declared_framework(bundle)
    timeliness = frame.timeliness if frame else frozenset()
    limit = bundle.declaration.qualitative_share
    for project in bundle.projects:
        entries = list(_indicators(project))
        for path, value in entries:
            yield from _form_of(project, path, value, timeliness)
        qualitative = [path for path, value in entries if not value.measurable]
        if len(entries) >= MIN_SHARED and len(qualitative) * 100 > limit * len(entries):
            share = (Decimal(len(qualitative) * 100) / len(entries)).quantize(Decimal(1))
            yield diag("PD410", project.source.key_at("indicators"), count=len(entries),
                       qualitative=len(qualitative), share=share, limit=limit)


MIN_SHARED = 6  # fewer targets make no meaningful share


_RATE = re.compile(r"[率数度]$")
_ONLY_CHANGE = re.compile(r"\s*(?:有所|明显|显著|逐步|进一步|持续)?(?:提升|提高|降低|下降|增加|减少|改善|增长)\s*")
_SATISFACTION = "满意度"
_SHARE = re.compile(r"率|满意度|知晓度")  # a part of a whole, at most 100%
_CHANGE = re.compile(r"增|提|升|降|减|涨|变|超|回报|收益|利润|倍")  # a change or a return may exceed it


def _form_of(project: Project, path: tuple, value: Value, timeliness: frozenset[str]) -> Iterator[Diagnostic]:
    name, where = path[3], indicator_at
    timed = _TIME.search(value.text) or (_TIME.search(name) and not _WHEN.search(name))
    if path[2] in timeliness and not timed:  # a name asking when (完成时间) wants a time as its value
        yield diag("PD407", where(project, path), name=name, value=value.text)
    if "数量" in path[2] and value.number is not None and re.search("[%％]", value.unit):
        yield diag("PD408", where(project, path), name=name, value=value.text)
    if _SATISFACTION in name and value.op is None and not re.search(r"\d", value.text):  # PD305 has the others
        yield diag("PD409", where(project, path), name=name, value=value.text)
    elif _RATE.search(name) and value.number is None and _ONLY_CHANGE.fullmatch(value.text):
        yield diag("PD411", where(project, path), name=name, value=value.text)
    if (value.number is not None and value.number > 100 and value.unit.startswith(("%", "％"))
            and value.op not in ("<", "<=") and _SHARE.search(name) and not _CHANGE.search(name)):
        yield diag("PD414", where(project, path), name=name, value=value.text)


# -- the unit --------------------------------------------------------------------------------------------

_PLACE = re.compile(r"^(?:[^省市区县]{1,8}?(?:省|自治区|市|区|县|镇|乡|街道))+")
_BODY = re.compile(r"(?:服务中心|中心|委员会|管理局|局|办公室|单位|站|所|院|馆|队|处|委|办)$")


@emits("PD412", "PD413")
def check_unit(bundle: Bundle) -> Iterator[Diagnostic]:
    """The project's 主管部门 is the declaration's; each 实施主体 names the 实施单位."""
    decl = bundle.declaration
    for project in bundle.projects:
        if written(project, "department") and project.department and project.department.strip() != decl.department.strip():
            yield diag("PD412", project.source.at("department"), department=project.department,
                       declared=decl.department)
        unit = (project.unit or decl.unit).strip()
        for path, text in _subjects(project):
            if not names_unit(text, unit):
                yield diag("PD413", project.source.at(*path), unit=unit)


SUBJECT = "实施主体"


def _subjects(project: Project) -> Iterator[tuple[tuple, str]]:
    """The 实施主体 texts: each sub-item's, and a form's section so labelled (项目经费情况说明 › 三、实施主体)."""
    for i, item in enumerate(project.items):
        if item.subject:
            yield ("items", i, "subject"), item.subject
    for key, spec, value in type(project).form.fields_of(project):
        for column, part in (spec.columns or {}).items() if spec.type == "group" and value is not None else ():
            text = getattr(value, column, None)
            if SUBJECT in part.label and isinstance(text, str) and text.strip():
                yield (key, column), text


def names_unit(text: str, unit: str) -> bool:
    """Whether `text` names `unit`: in full, without its place prefix, or by its kind of body and a part of its name.

    `上海市松江区科技创新服务中心` is named by `松江区科技创新服务中心`,
    `科技创新服务中心` and `区科创服务中心` (its body 服务中心 after two
    characters of its own name, 科 and 创) and `本中心`, not by `社保卡服务部`.
    """
    core = _PLACE.sub("", unit) or unit
    if unit in text or core in text:
        return True
    body = _BODY.search(core)
    if body is None:
        return False
    if re.search(f"[本我](?:单位|{re.escape(body.group(0)[-2:])})", text):  # 本中心 (a 服务中心), 我单位
        return True
    own = set(core[:body.start()])
    return any(len(own & set(text[max(0, m.start() - 8):m.start()])) >= min(2, len(own))
               for m in re.finditer(re.escape(body.group(0)), text))
