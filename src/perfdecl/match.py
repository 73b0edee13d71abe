"""Two versions of a declaration side by side: what corresponds to what, and which targets got easier.

Used by `perfdecl diff` and by the rules that compare a declaration with
last year's (`previous:`). Names are matched exactly first, then the rest by
similarity (a rename); an indicator target is easier when a lower bound went
down or an upper bound went up.
"""
from __future__ import annotations

from collections.abc import Iterator, Sequence

from .model import Project
from .values import Value

SIMILAR = 0.6  # difflib ratio above which two different names are taken as one thing renamed
MAX_PAIRS = 40_000  # name pairs compared for similarity; beyond it only exact names match
# Comparing two names costs up to the product of their lengths: all the comparisons together may
# cost what MAX_PAIRS pairs of 30-character names do (about a second); beyond it only exact names match.
MAX_WORK = MAX_PAIRS * 30 * 30
COST = "成本"  # a 二级指标 whose name holds this is a cost: lower is harder


def pair(old: Sequence[str], new: Sequence[str]) -> list[tuple[int | None, int | None]]:
    """Indices of old and new names that correspond: exact names first, then similar ones.

    Each name pairs at most once; the unpaired come with None on the other
    side. Pairs are in new order, then the removed ones in old order.
    """
    free_old: dict[str, list[int]] = {}
    for i, name in enumerate(old):
        free_old.setdefault(name, []).append(i)
    to_new: dict[int, int] = {}
    unmatched_new = []
    for j, name in enumerate(new):
        if free_old.get(name):
            to_new[j] = free_old[name].pop(0)
        else:
            unmatched_new.append(j)
    left = sorted(i for rest in free_old.values() for i in rest)
    work = sum(len(old[i]) for i in left) * sum(len(new[j]) for j in unmatched_new)
    if left and unmatched_new and len(left) * len(unmatched_new) <= MAX_PAIRS and work <= MAX_WORK:
        import difflib  # only when some names differ: `check` seldom needs it

        scored = []
        for j in unmatched_new:
            matcher = difflib.SequenceMatcher(None, b=new[j], autojunk=False)
            for i in left:
                matcher.set_seq1(old[i])
                if matcher.real_quick_ratio() >= SIMILAR and matcher.quick_ratio() >= SIMILAR:
                    ratio = matcher.ratio()
                    if ratio >= SIMILAR:
                        scored.append((-ratio, j, i))
        taken: set[int] = set()
        for _, j, i in sorted(scored):
            if j not in to_new and i not in taken:
                to_new[j] = i
                taken.add(i)
    used = set(to_new.values())
    pairs: list[tuple[int | None, int | None]] = [(to_new.get(j), j) for j in range(len(new))]
    return pairs + [(i, None) for i in range(len(old)) if i not in used]


IndicatorPath = tuple[str, str, str]  # 一级, 二级, 三级


def indicators(project: Project) -> list[tuple[IndicatorPath, Value]]:
    """A project's indicators in order, (一级, 二级, 三级) with the target."""
    return [((first, second, third), indicator.value) for first, seconds in project.indicators.items()
            for second, thirds in seconds.items() for third, indicator in thirds.items()]


def paired_indicators(old: Project, new: Project) -> Iterator[tuple[tuple[IndicatorPath, Value] | None,
                                                                    tuple[IndicatorPath, Value] | None]]:
    """The two projects' indicators paired by 三级 name (then by similarity)."""
    before, after = indicators(old), indicators(new)
    for i, j in pair([p[2] for p, _ in before], [p[2] for p, _ in after]):
        yield (before[i] if i is not None else None), (after[j] if j is not None else None)


def easier(old: Value, new: Value, second: str) -> bool:
    """Whether the new target asks less than the old one for the same indicator.

    Both must be figures in the same unit. A lower bound (>=, >) or an exact
    target (=) asks less when its number goes down, an upper bound (<=, <)
    when it goes up; an exact target of a cost (成本) indicator is an upper
    bound. A strict bound loosened to a non-strict one at the same number asks
    less too (> 90% → >= 90%).
    """
    if old.number is None or new.number is None or old.unit.strip() != new.unit.strip():
        return False
    if _direction(old.op, second) != _direction(new.op, second):
        return False
    if _direction(old.op, second) > 0:
        return new.number < old.number or (new.number == old.number and old.op == ">" and new.op != ">")
    return new.number > old.number or (new.number == old.number and old.op == "<" and new.op != "<")


def _direction(op: str | None, second: str) -> int:
    """+1 for a target that asks for more (a lower bound), -1 for one that asks for less."""
    if op in (">=", ">"):
        return 1
    if op in ("<=", "<"):
        return -1
    return -1 if COST in second else 1
