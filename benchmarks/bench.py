"""Time perfdecl as a user runs it: whole processes, median wall time, peak memory.

    python benchmarks/bench.py                 # everything, 7 runs each
    python benchmarks/bench.py --quick         # 3 runs, smaller declarations
    python benchmarks/bench.py --only check    # only `perfdecl check` figures
    python benchmarks/bench.py --only scale --only build --runs 3

Groups: example (the Songjiang example, side by side with check-jsonschema),
scale (generated 1,000- and 2,000-project declarations), jobs (100 declarations
of 10 projects, --jobs 1 vs 2). Kinds: check, build. `--only` takes any of
these; groups and kinds combine with AND.

A benchmark that prints figures, not a test: it exits 0 whatever it measures
(2 for bad options). A measured command that fails is reported, not raised.
"""
from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
EXAMPLE = ROOT / "examples" / "2023-songjiang"
GROUPS = ("example", "scale", "jobs")
KINDS = ("check", "build")


@dataclass
class Result:
    """The runs of one measured command (or sequence of commands)."""

    label: str
    seconds: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # user + system seconds of the process and its workers
    rss_kb: list[int] = field(default_factory=list)
    codes: list[int] = field(default_factory=list)
    failure: str | None = None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds and not self.failure else None

    @property
    def peak_mb(self) -> float | None:
        return max(self.rss_kb) / 1024 if self.rss_kb and not self.failure else None


def run_once(cmd: list[str], cwd: Path | None = None) -> tuple[float, float, int, int, str]:
    """(wall seconds, CPU seconds, max RSS in KiB, exit code, output tail) of one process.

    os.wait4 gives the child's rusage; its ru_maxrss is the largest resident
    set of the child or of any descendant it waited for (worker processes).
    """
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        try:
            proc = subprocess.Popen(cmd, cwd=cwd, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
        except OSError as e:
            return 0.0, 0.0, 0, 127, f"cannot run {cmd[0]}: {e}"
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, code, text[-3000:]


@dataclass
class Spec:
    """What to measure: commands run one after the other; a run's time is their sum."""

    label: str
    cmds: list[list[str]]
    ok: tuple[int, ...] = (0,)
    cwd: Path | None = None


def measure_all(specs: list[Spec], runs: int, warmup: int = 0) -> list[Result]:
    """Time each spec `runs` times, interleaved (A B A B …) so that a busy
    machine slows the figures being compared alike."""
    results = [Result(spec.label) for spec in specs]
    for i in range(warmup + runs):
        for spec, result in zip(specs, results):
            if not result.failure:
                _run_spec(spec, result, timed=i >= warmup)
    for result in results:
        if result.failure:
            print(f"  {result.label}: FAILED", file=sys.stderr)
        else:
            print(f"  {result.label}: {result.median:.3f} s, {result.peak_mb:.0f} MB", file=sys.stderr)
    return results


def measure(label: str, cmds: list[list[str]], runs: int, ok: tuple[int, ...] = (0,), warmup: int = 0,
            cwd: Path | None = None) -> Result:
    return measure_all([Spec(label, cmds, ok, cwd)], runs, warmup)[0]


def _run_spec(spec: Spec, result: Result, timed: bool) -> None:
    total, cpu, peak, codes = 0.0, 0.0, 0, []
    for cmd in spec.cmds:
        seconds, used, rss, code, text = run_once(cmd, spec.cwd)
        if code not in spec.ok or "Traceback (most recent call last)" in text:
            shown = " ".join(cmd if len(cmd) < 12 else [*cmd[:6], "...", *cmd[-3:]])
            tail = "\n".join(text.rstrip().splitlines()[-15:])
            result.failure = f"$ {shown}\nexit {code}\n{tail}"
            return
        total, cpu, peak = total + seconds, cpu + used, max(peak, rss)
        codes.append(code)
    if timed:
        result.seconds.append(total)
        result.cpu.append(cpu)
        result.rss_kb.append(peak)
        result.codes += codes


# ---------------------------------------------------------------- what to run

def perfdecl() -> list[str]:
    found = None if os.environ.get("PERFDECL_BENCH_TREE") else shutil.which("perfdecl")
    return [found] if found else [sys.executable, "-m", "perfdecl"]


def schemas(tmp: Path, notes: list[str]) -> Path | None:
    """A folder with project.schema.json and declaration.schema.json, or None."""
    names = ("project.schema.json", "declaration.schema.json")
    if all((ROOT / "schemas" / n).is_file() for n in names):
        return ROOT / "schemas"
    out = tmp / "schemas"
    _, _, _, code, _ = run_once([*perfdecl(), "schema", "-o", str(out)])
    if code == 0 and all((out / n).is_file() for n in names):
        notes.append("schemas/ absent: compared against the output of `perfdecl schema -o`")
        return out
    try:  # the command is not there yet: the same pydantic models give the schema
        import json

        from perfdecl.model import Declaration, Project
    except ImportError:
        return None
    out.mkdir(parents=True, exist_ok=True)
    for name, model in zip(names, (Project, Declaration)):
        (out / name).write_text(json.dumps(model.model_json_schema(), ensure_ascii=False), encoding="utf-8")
    notes.append("schemas/ absent and `perfdecl schema` failed: check-jsonschema used "
                 "Project/Declaration.model_json_schema() instead")
    return out


def generated(data: Path, name: str, args: list[str]) -> Path:
    """A generated declaration folder, made once per generator version and arguments."""
    folder = data / name
    code = b"".join((HERE / f).read_bytes() for f in ("generate.py", "phrases.py"))
    stamp = hashlib.sha256(code + " ".join(args).encode()).hexdigest()
    stamp_file = data / f"{name}.stamp"
    if folder.is_dir() and stamp_file.is_file() and stamp_file.read_text() == stamp:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    print(f"  generating {name} ({' '.join(args)})", file=sys.stderr)
    subprocess.run([sys.executable, str(HERE / "generate.py"), str(folder), *args], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    stamp_file.write_text(stamp)
    return folder


# ---------------------------------------------------------------- the table

@dataclass
class Row:
    label: str
    value: str
    peak: str
    target: str
    verdict: str
    spread: str = ""
    cpu: str = ""


def _secs(r: Result) -> str:
    return f"{r.median:.3f} s" if r.median is not None else "error"


def _spread(values: list[float], unit: str = "") -> str:
    """The range of the runs, so that a busy machine shows in the table."""
    return f"{min(values):.3f}-{max(values):.3f}{unit}" if len(values) > 1 else ""


def _mb(r: Result) -> str:
    return f"{r.peak_mb:.0f} MB" if r.peak_mb is not None else "-"


def figure(r: Result, seconds: float | None = None, mb: float | None = None) -> Row:
    """A row for one measurement, judged against time and memory limits if given."""
    limits = [f"< {seconds:g} s"] if seconds else []
    limits += [f"< {mb:g} MB"] if mb else []
    if r.median is None:
        verdict = "FAIL"
    elif not limits:
        verdict = ""
    else:
        good = (not seconds or r.median < seconds) and (not mb or r.peak_mb < mb)
        verdict = "PASS" if good else "FAIL"
    cpu = f"{statistics.median(r.cpu):.3f} s" if r.median is not None and r.cpu else ""
    return Row(r.label, _secs(r), _mb(r), ", ".join(limits), verdict, _spread(r.seconds) if r.median else "", cpu)


def ratio(label: str, top: Result, bottom: Result, limit: float, at_least: bool = False, cpu: bool = False) -> Row:
    """The median of the rounds' ratios: runs are interleaved, so each round's pair saw the same machine.

    With `cpu`, of their CPU times (user + system), which a busy machine disturbs less than wall time.
    """
    target = f"{'>=' if at_least else '<='} {limit:g}x"
    tops, bottoms = (top.cpu, bottom.cpu) if cpu else (top.seconds, bottom.seconds)
    if top.median is None or bottom.median is None or not bottoms or 0 in bottoms:
        return Row(label, "n/a", "", target, "FAIL")
    pairs = [a / b for a, b in zip(tops, bottoms)]
    value = statistics.median(pairs)
    good = value >= limit if at_least else value <= limit
    return Row(label, f"{value:.2f}x", "", target, "PASS" if good else "FAIL", _spread(pairs, "x"))


def table(rows: list[Row]) -> str:
    head = Row("measure", "median", "peak RSS", "target", "result", "range of runs", "CPU")
    cells = [[r.label, r.value, r.cpu, r.peak, r.target, r.verdict, r.spread] for r in (head, *rows)]
    widths = [max(_width(c[i]) for c in cells) for i in range(7)]
    lines = []
    for n, c in enumerate(cells):
        lines.append("  ".join(_pad(c[i], widths[i], right=i in (1, 2, 3)) for i in range(7)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _width(s: str) -> int:
    return sum(2 if ord(ch) > 0x2e7f else 1 for ch in s)


def _pad(s: str, width: int, right: bool) -> str:
    space = " " * (width - _width(s))
    return space + s if right else s + space


# ---------------------------------------------------------------- main

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    parser.add_argument("--runs", type=int, default=None, help="timed runs per figure (default 7; 3 with --quick)")
    parser.add_argument("--quick", action="store_true", help="3 runs, 250/500 projects, 20 declarations")
    parser.add_argument("--only", action="append", default=[], metavar="WHAT",
                        help=f"any of {', '.join(GROUPS + KINDS)}; repeat or comma-separate")
    parser.add_argument("--sizes", default=None, help="project counts for the scale group (default 1000,2000)")
    parser.add_argument("--data", type=Path, default=None,
                        help="keep generated declarations here and reuse them (default: a temporary folder)")
    parser.add_argument("--tree", type=Path, default=None,
                        help="measure the perfdecl sources of this checkout (e.g. an older commit's `git archive`) "
                             "instead of the installed one")
    args = parser.parse_args(argv)
    if args.tree:  # python -m perfdecl, importing the tree's src/ first
        os.environ["PERFDECL_BENCH_TREE"] = str(args.tree)
        os.environ["PYTHONPATH"] = os.pathsep.join([str(args.tree.resolve() / "src"), os.environ.get("PYTHONPATH", "")])
    only = {w.strip() for w in ",".join(args.only).split(",") if w.strip()}
    if only - set(GROUPS + KINDS) or (args.runs is not None and args.runs < 1):
        parser.error(f"--only takes {', '.join(GROUPS + KINDS)}; --runs at least 1")
    groups = [g for g in GROUPS if g in only] or list(GROUPS)
    kinds = [k for k in KINDS if k in only] or list(KINDS)
    runs = args.runs or (3 if args.quick else 7)
    sizes = [int(s) for s in (args.sizes or ("250,500" if args.quick else "1000,2000")).split(",")]
    many = 20 if args.quick else 100

    with tempfile.TemporaryDirectory(prefix="perfdecl-bench-") as tmp_name:
        tmp = Path(tmp_name)
        # perfdecl's cache (schemas, compiled templates) starts empty; the untimed warm-up
        # run of the example fills it, as a user's first run does.
        os.environ["PERFDECL_CACHE_DIR"] = str(tmp / "cache")
        # Users run with bytecode caching on; without it every run compiles perfdecl again.
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        data = args.data or tmp / "data"
        data.mkdir(parents=True, exist_ok=True)
        rows: list[Row] = []
        notes: list[str] = []
        failures: list[Result] = []
        for group in groups:
            print(f"[{group}]", file=sys.stderr)
            new = GROUP_RUNNERS[group](kinds, runs, tmp, data, notes, sizes=sizes, many=many)
            for row, result in new:
                rows.append(row)
                if result is not None and result.failure:
                    failures.append(result)
        print(header())
        print(table(rows))
        print("load average at the end  %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else "")
        for note in notes:
            print(f"note: {note}")
        for r in failures:
            print(f"\n--- {r.label} failed ---\n{r.failure}")
    return 0


def header() -> str:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    _, _, _, _, version = run_once([*perfdecl(), "--version"])
    load = "  load average %.2f %.2f %.2f" % os.getloadavg() if hasattr(os, "getloadavg") else ""
    return (f"perfdecl benchmark  {dt.datetime.now().isoformat(timespec='seconds')}  "
            f"Python {platform.python_version()}  {cpus} CPU(s) of {os.cpu_count()}  {platform.machine()}  "
            f"{version.strip()}{load}\n")


def run_example(kinds, runs, tmp, data, notes, **_) -> list[tuple[Row, Result | None]]:
    out: list[tuple[Row, Result | None]] = []
    pd = perfdecl()
    if "check" in kinds:
        ours_spec = Spec("check example", [[*pd, "check", str(EXAMPLE)]], ok=(0, 1))
        folder = schemas(tmp, notes)
        cjs = shutil.which("check-jsonschema")
        if folder is None or cjs is None:
            notes.append("check-jsonschema comparison skipped: " + ("no schemas" if folder is None
                                                                    else "check-jsonschema not on PATH"))
            ours = measure_all([ours_spec], runs, warmup=1)[0]
            out.append((figure(ours), ours))
        else:
            projects = sorted(str(p) for p in EXAMPLE.glob("*.yaml") if p.name != "declaration.yaml")
            theirs_spec = Spec("check-jsonschema (projects + declaration)", [
                [cjs, "--schemafile", str(folder / "project.schema.json"), *projects],
                [cjs, "--schemafile", str(folder / "declaration.schema.json"), str(EXAMPLE / "declaration.yaml")],
            ], ok=(0, 1))
            ours, theirs = measure_all([ours_spec, theirs_spec], runs, warmup=1)
            out += [(figure(ours), ours), (figure(theirs), theirs)]
            out.append((ratio("  check / check-jsonschema", ours, theirs, 0.3), None))
            out.append((ratio("  the same, CPU time", ours, theirs, 0.3, cpu=True), None))
            if theirs.codes and max(theirs.codes):
                notes.append("check-jsonschema reported schema errors on the example (timed all the same)")
    if "build" in kinds:
        built = measure("build example", [[*pd, "build", str(EXAMPLE), "-o", str(tmp / "example.docx")]],
                        runs, warmup=1)
        out.append((figure(built, seconds=0.35), built))
        imported = measure("import example (the built .docx, then check)",
                           [[*pd, "import", str(tmp / "example.docx"), "-o", str(tmp / "imported"), "--force"]],
                           runs, warmup=1)
        out.append((figure(imported, seconds=1.0), imported))
    return out


def run_scale(kinds, runs, tmp, data, notes, sizes, **_) -> list[tuple[Row, Result | None]]:
    out: list[tuple[Row, Result | None]] = []
    pd = perfdecl()
    folders = {n: generated(data, f"p{n}", ["--projects", str(n), "--seed", "1"]) for n in sizes}
    canonical = {1000, 2000}
    limits = {"check": 3, "build": 15}
    for kind in kinds:
        extra, ok = ([], (0, 1)) if kind == "check" else (["-o", str(tmp / "scale.docx")], (0,))
        specs = [Spec(f"{kind} {n} projects", [[*pd, kind, str(folders[n]), *extra]], ok) for n in sizes]
        results = measure_all(specs, runs)  # sizes interleaved, so their ratio sees the same machine
        for n, r in zip(sizes, results):
            # The time targets are for 1,000 projects; 2,000 is held to memory and to the ratio below.
            out.append((figure(r, limits[kind] if n == 1000 else None, 300 if n in canonical else None), r))
            if kind == "check" and r.codes and max(r.codes):
                notes.append(f"check {n}: exit 1, the generated declaration has findings (see `perfdecl check`)")
        if len(sizes) >= 2:
            small, large = sizes[0], sizes[1]
            out.append((ratio(f"  {kind} {large}/{small}", results[1], results[0], 1.1 * large / small), None))
    return out


def run_jobs(kinds, runs, tmp, data, notes, many, **_) -> list[tuple[Row, Result | None]]:
    if "build" not in kinds:
        return []
    root = generated(data, f"d{many}x10", ["--projects", "10", "--declarations", str(many), "--seed", "2"])
    folders = sorted(str(p) for p in root.iterdir() if p.is_dir())
    pd = perfdecl()
    # Without -o each document goes to the default place (build/ under the working folder): keep it in tmp.
    work = tmp / "jobs"
    work.mkdir(exist_ok=True)
    one, two = measure_all([
        Spec(f"build {many} decl. x 10, --jobs {n}", [[*pd, "build", *folders, "--jobs", str(n)]], cwd=work)
        for n in (1, 2)], runs)
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    if (cpus or 1) < 2:
        notes.append("fewer than 2 CPUs: the --jobs 2 speed-up cannot be reached here")
    if one.median and two.median and one.median / two.median > 2:
        notes.append("a speed-up above 2 with 2 jobs means the machine was busy: rerun on a quiet machine")
    return [(figure(one), one), (figure(two), two), (ratio("  speed-up jobs 1 / jobs 2", one, two, 1.7, True), None)]


GROUP_RUNNERS = {"example": run_example, "scale": run_scale, "jobs": run_jobs}

if __name__ == "__main__":
    sys.exit(main())
