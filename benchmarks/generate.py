"""Write synthetic declarations that look like real ones, for benchmarks.

    python benchmarks/generate.py OUTDIR --projects N [--seed S] [--faults K] [--declarations M]

OUTDIR becomes one declaration folder of N projects, or, with --declarations M,
holds M folders d001, d002, ... of N projects each. Each project has 2-5
sub-items built from the phrase bank (phrases.py), line-item tables whose
quantity x price = amount, some multi-year plans, funding figures that add up
to the sub-items, and 15-30 indicators of the shanghai-2023 framework.

The output is valid by default. --faults K plants K arithmetic faults (a wrong
line amount, a broken funding identity, a wrong total), one per sub-item or
funding block, and prints each as `path:line:col: kind: what` on stdout. The
same seed gives the same files, byte for byte.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import sys
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
from phrases import (BASIS_TAIL, DISTRICTS, FRAMEWORK, GENERIC, KINDS,  # noqa: E402
                     PROJECT_NAMES, SUBJECT_TAIL, UNITS)

SCALE = {"元": Decimal(1), "万元": Decimal(10000)}
SCHEMA_LINE = "# yaml-language-server: $schema=../../schemas/{}.schema.json"
STREETS = ["岳阳街道", "永丰街道", "方松街道", "中山街道", "广富林街道", "九里亭街道", "泗泾镇", "佘山镇",
           "车墩镇", "新桥镇", "洞泾镇", "九亭镇", "泖港镇", "石湖荡镇", "新浜镇", "叶榭镇", "小昆山镇"]


@dataclass
class Money:
    """An amount as it will be written: its value in 元, the unit it is shown in, and how."""

    yuan: Decimal
    unit: str  # the unit the number is expressed in
    suffix: bool = True  # write the unit ("2元"); False: a bare number in its table's unit
    space: bool = False  # "13.57 万元" rather than "13.57万元"
    places: int | None = None  # fixed decimals ("165700.00"); None: as few as needed

    def number(self) -> str:
        value = self.yuan / SCALE[self.unit]
        if self.places is not None:
            return f"{value:.{self.places}f}"
        return format(value.normalize(), "f")

    def text(self) -> str:
        return self.number() + ((" " if self.space else "") + self.unit if self.suffix else "")


class Text(str):
    """A text written as a `|` block, one paragraph a line."""


class Block(list):
    """A list of scalars written one per line (`projects:`)."""


class Flow(dict):
    """A mapping written on one line: {value: …, link: …}."""


# ---------------------------------------------------------------- YAML writing

_RESOLVER = yaml.resolver.Resolver()


def _scalar(value: object, flow: bool = False) -> str:
    if isinstance(value, Money):
        value = value.text() if value.suffix else Decimal(value.number())
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, dt.date)):
        return str(value)
    s = str(value)
    typed = _RESOLVER.resolve(yaml.ScalarNode, s, (True, False)) != "tag:yaml.org,2002:str"
    risky = (not s or s[0] in "-?:,[]{}#&*!|>'\"%@`<" or s != s.strip() or ": " in s or " #" in s
             or s.endswith(":") or (flow and any(c in s for c in ",[]{}")))
    return json.dumps(s, ensure_ascii=False) if typed or risky else s


def _inline(value: object) -> str:
    if isinstance(value, Flow):
        return "{" + ", ".join(f"{k}: {_scalar(v, True)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v, True) for v in value) + "]"
    return _scalar(value)


def _mapping(data: dict, indent: int, out: list[str]) -> None:
    pad = " " * indent
    for key, value in data.items():
        if value is None:
            continue
        if isinstance(value, dict) and not isinstance(value, Flow):
            out.append(f"{pad}{_scalar(key)}:")
            _mapping(value, indent + 2, out)
        elif isinstance(value, Block) or (isinstance(value, list) and value and isinstance(value[0], (dict, list))):
            out.append(f"{pad}{key}:")
            for i, element in enumerate(value):
                if isinstance(element, dict):
                    if i:
                        out.append("")
                    body: list[str] = []
                    _mapping(element, indent + 4, body)
                    out.append(f"{pad}  - {body[0].lstrip()}")
                    out.extend(body[1:])
                else:
                    out.append(f"{pad}  - {_inline(element)}")
        elif isinstance(value, Text):
            out.append(f"{pad}{key}: |")
            out.extend(f"{pad}  {line}" for line in value.splitlines())
        else:
            out.append(f"{pad}{_scalar(key)}: {_inline(value)}")


def dump(data: dict, schema: str) -> str:
    out = [SCHEMA_LINE.format(schema)]
    _mapping(data, 0, out)
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------- content

def _fill(text: str, ctx: dict) -> str:
    return text.format(**ctx) if "{" in text else text


def _price(rng: random.Random, low: float, high: float) -> Decimal:
    if isinstance(low, float) or isinstance(high, float):  # cents, e.g. 0.35 元 a page
        return Decimal(rng.randint(int(low * 100), int(high * 100))) / 100
    step = 1000 if low >= 100000 else 100 if low >= 5000 else 10 if low >= 300 else 1
    return Decimal(rng.randint(low // step, high // step) * step)


def _lines(rng: random.Random, spec: dict) -> tuple[dict, list[dict]]:
    """A line-item table and its rows' facts (name, qty, qty unit, price, amount)."""
    unit = spec["unit"]
    catalog = spec["rows"]
    chosen = sorted(rng.sample(range(len(catalog)), rng.randint(min(2, len(catalog)), len(catalog))))
    suffix = unit == "元" and rng.random() < 0.5
    facts, rows = [], []
    for i in chosen:
        name, qunit, (plo, phi), (qlo, qhi) = catalog[i]
        qty = rng.randint(qlo, qhi)
        price = Money(_price(rng, plo, phi), unit, suffix)
        amount = Money(price.yuan * qty, unit, suffix)
        facts.append(dict(name=name, qty=qty, qunit=qunit, price=price, amount=amount))
        rows.append([name, qty, price, amount])
    table: dict = {"unit": unit}
    if "header" in spec:
        table["header"] = list(spec["header"])
    if rng.random() < spec.get("hidden", 0):
        table["show"] = False
    table["rows"] = rows
    if rng.random() < 0.5:
        table["total"] = Money(sum(f["amount"].yuan for f in facts), unit, False)
    return table, facts


def _schedule(rng: random.Random, names: list[str], year: int) -> tuple[dict, list[int]]:
    years = rng.choice([[year - 1, year], [year - 1, year, year + 1], [year, year + 1], [year - 2, year - 1, year]])
    chosen = sorted(rng.sample(range(len(names)), rng.randint(2, len(names))))
    rows = []
    for n, i in enumerate(chosen):
        high = 1500000 if n == 0 else 150000  # the construction row dominates, as in real plans
        values = [_norm(Decimal(rng.randint(0 if y != year else 5000, high)) / 1000) for y in years]
        rows.append([names[i], *values, _norm(sum(values))])
    totals = [_norm(sum(row[1 + j] for row in rows)) for j in range(len(years))]
    table = {"unit": "万元", "years": years, "rows": rows, "total": [*totals, _norm(sum(totals))]}
    if rng.random() < 0.3:
        table["total_label"] = "合计（万元）"
    return table, years


def _norm(value: Decimal) -> Decimal:
    """`3757.820` -> `3757.82`, as a person would write it."""
    return Decimal(format(value.normalize(), "f"))


def _wan(yuan: Decimal, space: bool = False) -> Money:
    return Money(yuan, "万元", True, space)


def _budget_money(rng: random.Random, yuan: Decimal) -> Money:
    if yuan % 100 == 0 and rng.random() < 0.7:
        return _wan(yuan, rng.random() < 0.5)
    return Money(yuan, "元", True, False, 2 if yuan % 1 else None)


def _month(d: tuple[int, int]) -> str:
    return f"{d[0]}-{d[1]:02d}"


def _item(rng: random.Random, kind: dict, ctx: dict) -> tuple[dict, list[dict], Decimal, Decimal]:
    """A sub-item, its line facts, its budget and its annual amount in 元."""
    year = ctx["y"]
    title = rng.choice(kind["titles"])
    if rng.random() < 0.2:
        title = f"{year}年度{title}"
    dept = rng.choice(kind["dept"])
    item: dict = {"title": title}
    named = title if title.endswith("项目") else title + "项目"
    if rng.random() < 0.3:
        item["sep"] = ""
    facts: list[dict] = []
    table = schedule = None
    if "lines" in kind:
        table, facts = _lines(rng, kind["lines"])
        budget = annual = sum(f["amount"].yuan for f in facts)
    elif "schedule" in kind:
        schedule, years = _schedule(rng, kind["schedule"], year)
        budget = schedule["total"][-1] * SCALE["万元"]
        annual = schedule["total"][years.index(year)] * SCALE["万元"]
        start, end = (years[0], rng.randint(6, 9)), (years[-1], rng.randint(3, 8))
    else:
        low, high = kind["budget"]
        budget = annual = Decimal(rng.randint(low, high)) * 1000
    if schedule is None:
        first = rng.randint(1, 9)
        start, end = (year, first), (year, rng.randint(max(first, 6), 12))
    item["budget"] = _budget_money(rng, budget)
    if annual != budget:
        item["annual"] = _wan(annual, True)
    item["start"], item["end"] = _month(start), _month(end)
    when = f"{start[0]}年 {start[1]}月（至 {end[0]}年 {end[1]}月）"
    amount = "{{ budget }}" if rng.random() < 0.4 else item["budget"].text()
    item["overview"] = Text(rng.choice([
        f"{dept}拟于 {when}实施{named}，主要实施内容为{_fill(kind['content'], ctx)}，经测算，预算资金约 {amount}。",
        f"{ctx['unit']}拟于 {when}实施{title}，主要实施内容为{_fill(kind['content'], ctx)}。经测算，预算资金约 {amount}。",
    ]))
    item["basis"] = Text(_fill(kind["basis"] + rng.choice(BASIS_TAIL), ctx))
    item["subject"] = Text(dept + _fill(kind["duty"] + rng.choice(SUBJECT_TAIL), ctx))
    item["approach"] = Text(f"{title}实施时间为 {start[0]}年 {start[1]}月-{end[0]}年 {end[1]}月。"
                            + _fill(kind["approach"], ctx))
    if rng.random() < 0.3:
        item["period"] = Text(f"实施周期为 {start[0]} 年 {start[1]} 月-{end[0]} 年 {end[1]} 月。")
    item["arrangement"] = Text(_arrangement(year, item, facts, schedule))
    item["lines"], item["schedule"] = table, schedule
    if rng.random() < 0.03:  # 涉密: only the figures are published
        item = {"title": item["title"], "classified": True, "budget": item["budget"], "annual": item.get("annual"),
                "arrangement": Text(f"{year} 年项目预算金额 {item['budget'].text()}。")}
        facts = []
    return item, facts, budget, annual


def _arrangement(year: int, item: dict, facts: list[dict], schedule: dict | None) -> str:
    if schedule is not None:
        return f"{year} 年项目预算金额 {item['annual'].text()}，项目总金额为 {item['budget'].text()}。"
    if not facts:
        return f"{year} 年项目预算金额 {item['budget'].text()}。"
    parts = "；".join(f"{f['name']}{f['qty']}{f['qunit']}，每{f['qunit']} {_say(f['price'].yuan)}，"
                     f"金额为 {_say(f['amount'].yuan)}" for f in facts)
    return f"根据 {year}年申报情况，年度预算资金需求为 {item['budget'].text()}。其中{parts}。"


def _say(yuan: Decimal) -> str:
    """An amount as prose states it: 万元 for large round figures, else 元."""
    if yuan >= 10000 and yuan % 100 == 0:
        return _wan(yuan).text()
    return Money(yuan, "元", places=2 if yuan % 1 else None).text()


def _indicators(rng: random.Random, kinds: list[dict], facts: list[dict], ctx: dict) -> dict:
    by_name = {f["name"]: f for f in facts}
    own = []
    for kind in kinds:
        for spec in kind["indicators"]:
            value = spec[3]
            if isinstance(value, str) and value.startswith(("qty:", "price:")):
                field, line = value.split(":", 1)
                if line not in by_name:
                    continue
                own.append((*spec[:3], _linked(rng, by_name[line], field)))
            else:
                own.append(spec)
    generic = list(GENERIC)
    rng.shuffle(generic)
    must = [next(s for s in generic if s[0] == level) for level in ("效益指标", "满意度指标")]
    wanted = rng.randint(15, 30)
    chosen: dict[str, tuple] = {}
    for spec in [*must, *own, *generic]:
        if len(chosen) >= wanted:
            break
        chosen.setdefault(spec[2], spec)
    tree: dict = {}
    for level1, seconds in FRAMEWORK.items():
        for level2 in seconds:
            leaves = {s[2]: _value(rng, s[3], ctx) for s in chosen.values() if s[:2] == (level1, level2)}
            if leaves:
                tree.setdefault(level1, {})[level2] = leaves
    return tree


def _linked(rng: random.Random, fact: dict, field: str) -> Flow:
    if field == "qty":
        op = rng.choice(["=", "=", "=", ">=", "<="])
        return Flow(value=f"{op}{fact['qty']} {fact['qunit']}", link=f"{fact['name']}.qty")
    price = fact["price"]
    return Flow(value=f"<={price.number()} {price.unit}/{fact['qunit']}", link=f"{fact['name']}.price")


def _value(rng: random.Random, value: object, ctx: dict) -> object:
    if isinstance(value, list):
        value = rng.choice(value)
    return _fill(value, ctx) if isinstance(value, str) else value


def _project(rng: random.Random, ctx: dict, used: set[str]) -> tuple[str, dict, list[dict]]:
    """(group, project data, per-item facts) for one project."""
    year = ctx["y"]
    group = rng.choice(list(PROJECT_NAMES))
    name = rng.choice(PROJECT_NAMES[group])
    for _ in range(40):
        if name not in used:
            break
        name = rng.choice(STREETS) + rng.choice(PROJECT_NAMES[group])
    else:
        name = f"{name}（{len(used) + 1}）"
    used.add(name)
    pool = [k for k in KINDS if k["group"] == group]
    rng.shuffle(pool)
    others = [k for k in KINDS if k["group"] != group]
    rng.shuffle(others)
    count = rng.choices([2, 3, 4, 5], weights=[35, 30, 20, 15])[0]
    kinds = pool[:count] + others
    if rng.random() < 0.6:  # keep multi-year plans occasional
        kinds = [k for k in kinds if "schedule" not in k]
    kinds = kinds[:count]
    items, facts, budgets, annuals = [], [], [], []
    for kind in kinds:
        item, item_facts, budget, annual = _item(rng, kind, ctx)
        items.append(item)
        facts.append(item_facts)
        budgets.append(budget)
        annuals.append(annual)
    years = [int(i[k][:4]) for i in items if "start" in i for k in ("start", "end")] or [year]
    first, last = min(years + [year]), max(years + [year])
    total, annual = sum(budgets), sum(annuals)
    project: dict = {
        "name": name,
        "category": "阶段性项目" if total != annual else rng.choice(["经常性项目"] * 4 + ["一次性项目"]),
        "start": dt.date(first, 1, 1),
        "end": dt.date(last, 12, 31),
        "funding": _funding(rng, total, annual),
        "goals": {"total": Text(_goals(rng, items, last, False)), "annual": Text(_goals(rng, items, year, True))},
        "items": items,
        "indicators": _indicators(rng, kinds, [f for fs in facts for f in fs], ctx),
    }
    return group, project, facts


def _funding(rng: random.Random, total: Decimal, annual: Decimal) -> dict:
    other = Decimal(0)
    if rng.random() < 0.15:
        other = (total * Decimal(rng.choice([5, 10, 20])) / 100).quantize(Decimal(1))
    carry = annual_other = Decimal(0)
    if rng.random() < 0.15:
        carry = (annual * Decimal(rng.choice([10, 20, 30])) / 100).quantize(Decimal(1))
    elif other and rng.random() < 0.5:
        annual_other = min(other, annual)
    figure = Money(total, "元", False, places=2)

    def plain(v: Decimal) -> Money:
        return Money(v, "元", False, places=2 if v % 1 else None)

    return {"unit": "元", "total": figure, "fiscal": plain(total - other), "other": plain(other),
            "annual": plain(annual), "appropriation": plain(annual - carry - annual_other),
            "carryover": plain(carry), "annual_other": plain(annual_other)}


def _goals(rng: random.Random, items: list[dict], year: int, annual: bool) -> str:
    lines = []
    for i, item in enumerate(items, start=1):
        if item.get("classified"):
            lines.append(f"{i}、{item['title']}：涉密项目，根据相关要求，暂不公开。")
            continue
        when = "年度内" if annual else f"到 {year} 年末"
        lines.append(f"{i}、{item['title']}：{when}" + rng.choice([
            "按计划完成各项工作任务，保障相关业务平稳有序运行。",
            "做好项目实施、协调、保障工作，完成上级部门的工作要求。",
            "确保服务质量达到合同约定标准，有效支撑本单位业务开展。",
            "健全长效管理制度，提升服务对象满意度。",
        ]))
    return "\n".join(lines)


# ---------------------------------------------------------------- faults

def _fault_targets(project: dict, facts: list[list[dict]]) -> dict[str, list[tuple]]:
    """Where each kind of fault can go: a list of (path, mutate) per kind."""
    targets: dict[str, list[tuple]] = {"line": [], "funding": [], "total": []}
    for name, whole in (("fiscal", "total"), ("appropriation", "annual")):
        targets["funding"].append((("funding", name), f"funding.{whole} no longer equals its parts"))
    for i, item in enumerate(project["items"]):
        lines, schedule = item.get("lines"), item.get("schedule")
        if lines:
            r = len(lines["rows"]) - 1
            targets["line"].append((("items", i, "lines", "rows", r, 3), "amount is not qty x price"))
            targets["total"].append((("items", i, "lines", "total"), "lines total is not the sum of the amounts"))
        if schedule:
            targets["total"].append((("items", i, "schedule", "total", len(schedule["years"])),
                                     "schedule grand total is not the sum of the years"))
    return targets


def _plant(rng: random.Random, project: dict, path: tuple) -> None:
    bump = Decimal(rng.choice([1, 10, 100, 1000]))
    if path[0] == "funding":
        cell = project["funding"][path[1]]
        cell.yuan += bump if cell.yuan < bump * 10 or rng.random() < 0.5 else -bump
        return
    item = project["items"][path[1]]
    if path[2] == "lines" and path[3] == "rows":
        row = item["lines"]["rows"][path[4]]
        row[3] = Money(row[3].yuan + row[2].yuan, row[3].unit, row[3].suffix)  # as if one more unit
    elif path[2] == "lines":
        lines = item["lines"]
        right = sum(row[3].yuan for row in lines["rows"])
        lines["total"] = Money(right + bump, lines["unit"], False)
    else:
        totals = item["schedule"]["total"]
        totals[-1] = _norm(totals[-1] + bump / 1000)


def plant_faults(rng: random.Random, projects: list[tuple[Path, dict, list]], count: int) -> list[tuple]:
    """Mutate `count` distinct places; return (file, path, kind, what) for each."""
    by_kind: dict[str, list[tuple]] = {"line": [], "funding": [], "total": []}
    for file, project, facts in projects:
        for kind, places in _fault_targets(project, facts).items():
            by_kind[kind] += [(file, project, path, what) for path, what in places]
    used: set[tuple] = set()
    planted = []
    while len(planted) < count:
        kinds = [k for k, places in by_kind.items() if places]
        if not kinds:
            raise SystemExit(f"generate.py: only {len(planted)} places for faults, {count} asked")
        kind = rng.choice(kinds)
        file, project, path, what = by_kind[kind].pop(rng.randrange(len(by_kind[kind])))
        block = (file, path[:2])  # one fault per sub-item or per funding block
        if block in used:
            continue
        used.add(block)
        _plant(rng, project, path)
        planted.append((file, path, kind, what))
    return planted


# ---------------------------------------------------------------- main

def declaration(rng: random.Random, folder: Path, projects: int, year: int) -> list[tuple[Path, dict, list]]:
    district = rng.choice(DISTRICTS)
    unit, department = (u.format(d=district) for u in rng.choice(UNITS))
    ctx = {"y": year, "d": district, "unit": unit}
    used: set[str] = set()
    out, names = [], []
    for i in range(1, projects + 1):
        group, project, facts = _project(rng, ctx, used)
        name = f"{i:04d}-{group}.yaml"
        names.append(name)
        out.append((folder / name, project, facts))
    head = {"unit": unit, "year": year, "department": department, "budget_units": 1,
            "framework": "shanghai-2023", "template": "shanghai-2023", "projects": Block(names)}
    return [(folder / "declaration.yaml", head, []), *out]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--projects", type=int, required=True, help="projects per declaration")
    parser.add_argument("--declarations", type=int, default=None, help="write M declaration folders")
    parser.add_argument("--faults", type=int, default=0, help="plant K arithmetic faults")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--year", type=int, default=2023)
    args = parser.parse_args(argv)
    if args.projects < 1 or (args.declarations is not None and args.declarations < 1) or args.faults < 0:
        parser.error("--projects and --declarations must be at least 1, --faults at least 0")
    rng = random.Random(args.seed)
    if args.declarations is None:
        folders = [args.outdir]
    else:
        folders = [args.outdir / f"d{i:03d}" for i in range(1, args.declarations + 1)]
    files = [f for folder in folders for f in declaration(rng, folder, args.projects, args.year)]
    faults = plant_faults(rng, [f for f in files if f[0].name != "declaration.yaml"], args.faults)
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for path, data, _ in files:
        path.write_text(dump(data, "declaration" if path.name == "declaration.yaml" else "project"),
                        encoding="utf-8")
    for file, path, kind, what in faults:
        print(f"{_where(file, path)}: {kind}: {what}")
    count = args.projects * len(folders)
    print(f"wrote {len(folders)} declaration(s), {count} project(s), {len(faults)} fault(s) to {args.outdir}",
          file=sys.stderr)
    return 0


def _where(file: Path, path: tuple) -> str:
    """file:line:col of a YAML path, found with perfdecl's own positioned loader."""
    from perfdecl.yamlload import load

    _, source, _ = load(file, str(file))
    pos = source.at(*path)
    return f"{pos.path}:{pos.line}:{pos.col}"


if __name__ == "__main__":
    sys.exit(main())
