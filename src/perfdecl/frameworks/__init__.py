"""Indicator frameworks: which 一级/二级指标 a declaration may use.

A framework is a YAML file holding `levels` (一级 → its 二级, in order),
`required` (一级 every project needs), `quantitative` (二级 whose values
should be figures), `timeliness` (二级 whose values may be dates) and
`operator` (false when a figure may be written without its operator, `985米`,
as many forms do; default true), with an
optional `name`, `title` and `title_en`. The built-in ones lie beside this
module, `<name>.yaml`; a declaration names one with `framework: <name>`, or
its own file inside the declaration folder with `framework: frameworks/my.yaml`
(a value holding `/`, `\\` or `.` is a path, as for `template:`).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Position, diag, has_errors
from ..paths import OUTSIDE_SHARED, display, frameworks_dir, inside, is_path, shared_root
from ..positions import Source
from ..text import Text, listing

KEYS = ("name", "title", "title_en", "levels", "required", "quantitative", "timeliness", "operator")


@dataclass(frozen=True, slots=True)
class Framework:
    name: str
    title: str
    levels: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    quantitative: frozenset[str]
    timeliness: frozenset[str]
    operator: bool = True  # whether a quantitative value needs its operator (=985 米), or 985米 will do

    def parent_of(self, second: str) -> str | None:
        """The 一级指标 that lists `second` as one of its 二级指标."""
        return next((first for first, seconds in self.levels.items() if second in seconds), None)


def names() -> list[str]:
    return sorted(p.stem for p in frameworks_dir().glob("*.yaml"))


@lru_cache(maxsize=None)
def get(name: str) -> Framework | None:
    """The built-in framework called `name`, or None if there is none."""
    if name not in names():
        return None
    from ..yamlload import builtin

    data = builtin((frameworks_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
    return _framework(data, name)


def _framework(data: dict, name: str) -> Framework:
    return Framework(
        name=str(data.get("name") or name),
        title=str(data.get("title") or name),
        levels={first: tuple(seconds) for first, seconds in data["levels"].items()},
        required=tuple(data.get("required") or ()),
        quantitative=frozenset(data.get("quantitative") or ()),
        timeliness=frozenset(data.get("timeliness") or ()),
        operator=data.get("operator", True) is not False,
    )


def declared(name: str, folder: Path, where: Position) -> tuple[Framework | None, list[Diagnostic]]:
    """The framework `framework:` names, or None and why: a built-in by name, or a file in the declaration folder."""
    if not is_path(name):
        frame = get(name)
        return frame, [] if frame else [diag("PD301", where, name=name, known=listing(names()))]
    path = inside(shared_root(folder), folder.absolute() / name)  # a file shared in the repository will do
    try:
        found = path is not None and path.is_file()
    except OSError:
        found = False
    if path is None or not found:
        why = OUTSIDE_SHARED if path is None else Text("找不到该文件", "not found")
        return None, [diag("PD310", where, file=name, why=why)]
    frame, problems = from_file(path, display(path))
    return frame, list(problems)


def from_file(path: Path, display: str) -> tuple[Framework | None, tuple[Diagnostic, ...]]:
    """A declaration's own framework file, or the problems that make it unusable (positioned in it)."""
    try:
        stamp = path.stat()
    except OSError:
        stamp = None
    return _read(path, display, stamp and (stamp.st_mtime_ns, stamp.st_size))


@lru_cache(maxsize=16)  # three rules ask for the same file in one run
def _read(path: Path, display: str, _stamp: object) -> tuple[Framework | None, tuple[Diagnostic, ...]]:
    from ..yamlload import load

    data, source, diags = load(path, display)
    if has_errors(diags):
        return None, tuple(diags)
    problems = [diag("PD310", pos, file=display, why=why) for pos, why in _shape(data, source)]
    if problems or not isinstance(data, dict):
        return None, (*diags, *problems)
    return _framework(data, path.stem), tuple(diags)


def _shape(data: object, source: Source) -> list[tuple[Position, Text]]:
    """What makes `data` no framework: (position, why)."""
    if not isinstance(data, dict) or not isinstance(data.get("levels"), dict) or not data["levels"]:
        return [(source.at("levels"), Text("应有 levels：一级指标 → 其二级指标的列表",
                                           "needs levels: each first-level indicator with the list of its second levels"))]
    unknown = Text("未知的键“{key}”，可用：{known}", "unknown key '{key}'; known: {known}")
    found = [(source.key_at(key), unknown.fill(key=key, known=listing(KEYS))) for key in data if key not in KEYS]
    for key in ("name", "title", "title_en"):
        if key in data and not isinstance(data[key], str):
            found.append((source.at(key), Text(f"{key} 应为文字", f"{key} must be text")))
    if "operator" in data and not isinstance(data["operator"], bool):
        found.append((source.at("operator"), Text("operator 应为 true 或 false", "operator must be true or false")))
    seconds: set[str] = set()
    for first, listed in data["levels"].items():
        if not _texts(listed) or not listed:
            found.append((source.at("levels", first), Text(f"“{first}”的二级指标应为非空的文字列表",
                                                           f"the second levels of '{first}' must be a non-empty list of texts")))
        else:
            seconds |= set(listed)
    for key, allowed, what in (("required", set(data["levels"]), Text("一级指标", "first-level indicator")),
                               ("quantitative", seconds, Text("二级指标", "second-level indicator")),
                               ("timeliness", seconds, Text("二级指标", "second-level indicator"))):
        listed = data.get(key) or []
        if not _texts(listed):
            found.append((source.at(key), Text(f"{key} 应为文字列表", f"{key} must be a list of texts")))
            continue
        found += [(source.at(key, i), Text(f"{key} 中的“{name}”不是 levels 中的{what.zh}",
                                           f"'{name}' in {key} is not a {what.en} of levels"))
                  for i, name in enumerate(listed) if name not in allowed]
    return found


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
