"""Indicator frameworks: which 一级/二级指标 a declaration may use.

A framework is a YAML file holding `levels` (一级 → its 二级, in order),
`required` (一级 every project needs), `quantitative` (二级 whose values
should be figures) and `timeliness` (二级 whose values may be dates), with an
optional `name`, `title` and `title_en`. The built-in ones lie beside this
module, `<name>.yaml`; a declaration names one with `framework: <name>`, or
its own file inside the declaration folder with `framework: frameworks/my.yaml`
(a value holding `/`, `\\` or `.` is a path, as for `template:`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ..diagnostics import Diagnostic, Position, diag, has_errors
from ..resources import frameworks_dir

KEYS = ("name", "title", "title_en", "levels", "required", "quantitative", "timeliness")


@dataclass(frozen=True, slots=True)
class Framework:
    name: str
    title: str
    levels: dict[str, tuple[str, ...]]
    required: tuple[str, ...]
    quantitative: frozenset[str]
    timeliness: frozenset[str]

    def parent_of(self, second: str) -> str | None:
        """The 一级指标 that lists `second` as one of its 二级指标."""
        return next((first for first, seconds in self.levels.items() if second in seconds), None)


def names() -> list[str]:
    return sorted(p.stem for p in frameworks_dir().glob("*.yaml"))


def is_path(name: str) -> bool:
    """Whether `framework:` (or `template:`) names a path in the folder rather than a built-in."""
    return re.search(r"[/\\.]", name) is not None


@lru_cache(maxsize=None)
def get(name: str) -> Framework | None:
    """The built-in framework called `name`, or None if there is none."""
    if name not in names():
        return None
    import yaml

    data = yaml.safe_load((frameworks_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
    return _framework(data, name)


def _framework(data: dict, name: str) -> Framework:
    return Framework(
        name=str(data.get("name") or name),
        title=str(data.get("title") or name),
        levels={first: tuple(seconds) for first, seconds in data["levels"].items()},
        required=tuple(data.get("required") or ()),
        quantitative=frozenset(data.get("quantitative") or ()),
        timeliness=frozenset(data.get("timeliness") or ()),
    )


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
    problems = [diag("PD310", pos, file=display, why=why, why_en=why_en)
                for pos, why, why_en in _shape(data, source)]
    return (None if problems else _framework(data, path.stem)), (*diags, *problems)


def _shape(data: object, source) -> list[tuple[Position, str, str]]:
    """What makes `data` no framework: (position, why, why_en)."""
    if not isinstance(data, dict) or not isinstance(data.get("levels"), dict) or not data["levels"]:
        return [(source.at("levels"), "应有 levels：一级指标 → 其二级指标的列表",
                 "needs levels: each first-level indicator with the list of its second levels")]
    found = [(source.key_at(key), f"未知的键“{key}”，可用：{'、'.join(KEYS)}", f"unknown key '{key}'; known: {', '.join(KEYS)}")
             for key in data if key not in KEYS]
    for key in ("name", "title", "title_en"):
        if key in data and not isinstance(data[key], str):
            found.append((source.at(key), f"{key} 应为文字", f"{key} must be text"))
    seconds: set[str] = set()
    for first, listed in data["levels"].items():
        if not _texts(listed) or not listed:
            found.append((source.at("levels", first), f"“{first}”的二级指标应为非空的文字列表",
                          f"the second levels of '{first}' must be a non-empty list of texts"))
        else:
            seconds |= set(listed)
    for key, allowed, what, what_en in (("required", set(data["levels"]), "一级指标", "first-level indicator"),
                                        ("quantitative", seconds, "二级指标", "second-level indicator"),
                                        ("timeliness", seconds, "二级指标", "second-level indicator")):
        listed = data.get(key) or []
        if not _texts(listed):
            found.append((source.at(key), f"{key} 应为文字列表", f"{key} must be a list of texts"))
            continue
        found += [(source.at(key, i), f"{key} 中的“{name}”不是 levels 中的{what}",
                   f"'{name}' in {key} is not a {what_en} of levels") for i, name in enumerate(listed)
                  if name not in allowed]
    return found


def _texts(value: object) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
