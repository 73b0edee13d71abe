"""Indicator frameworks: which 一级/二级指标 a declaration may use.

Each framework is a data file beside this module, `<name>.yaml`, holding
`levels` (一级 → its 二级, in order), `required` (一级 every project needs),
`quantitative` (二级 whose values should be figures) and `timeliness`
(二级 whose values may be dates). The declaration names one with
`framework: <name>`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from ..resources import frameworks_dir


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


@lru_cache(maxsize=None)
def get(name: str) -> Framework | None:
    """The built-in framework called `name`, or None if there is none."""
    if name not in names():
        return None
    import yaml

    data = yaml.safe_load((frameworks_dir() / f"{name}.yaml").read_text(encoding="utf-8"))
    return Framework(
        name=data["name"],
        title=data.get("title", name),
        levels={first: tuple(seconds) for first, seconds in data["levels"].items()},
        required=tuple(data.get("required", ())),
        quantitative=frozenset(data.get("quantitative", ())),
        timeliness=frozenset(data.get("timeliness", ())),
    )
