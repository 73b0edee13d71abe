"""The package's import graph: no cycle, and every import points down the layers.

Imports are read from the source with the AST, those inside functions too
(a lazy import is still a dependency). Importing `a.b.c` also runs the
packages `a.b` and `a`, so those count as imported as well.
"""
from __future__ import annotations

import ast
import graphlib
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "perfdecl"

# Lowest first. A module belongs to the layer of the longest name listed that is
# its own name or one of its packages; it may import its own layer and the ones below.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("perfdecl", "perfdecl.text", "perfdecl.paths", "perfdecl.positions", "perfdecl.cache", "perfdecl.revision"),
    ("perfdecl.codes",),  # rule records: leaf data
    ("perfdecl.diagnostics",),
    ("perfdecl.yamlload", "perfdecl.money", "perfdecl.values", "perfdecl.textexpr", "perfdecl.schema_errors",
     "perfdecl.frameworks", "perfdecl.modelcache"),
    ("perfdecl.model", "perfdecl.form"),
    ("perfdecl.load", "perfdecl.match", "perfdecl.walks"),
    ("perfdecl.rules",),
    ("perfdecl.pipeline", "perfdecl.parallel", "perfdecl.office"),
    ("perfdecl.render", "perfdecl.output", "perfdecl.serve_page", "perfdecl.diff", "perfdecl.importer"),
    ("perfdecl.commands",),
    ("perfdecl.cli",),
    ("perfdecl.main", "perfdecl.__main__"),
)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(name: str, source: str, package: bool, known: set[str]) -> set[str]:
    """The package's modules that module `name` imports anywhere in `source`, with their packages."""
    here = name.split(".") if package else name.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = here[:len(here) - node.level + 1] if node.level else []
            stem = ".".join(base + ([node.module] if node.module else []))
            targets = [stem, *(f"{stem}.{alias.name}" for alias in node.names)]
        else:
            continue
        for target in targets:
            parts = target.split(".")
            found |= {".".join(parts[:n]) for n in range(1, len(parts) + 1)} & known
    return found - {name}


def graph() -> dict[str, set[str]]:
    known = modules()
    return {name: imports(name, path.read_text(encoding="utf-8"), path.name == "__init__.py", set(known))
            for name, path in known.items()}


def layer(name: str) -> int:
    owners = [(len(prefix), i) for i, group in enumerate(LAYERS) for prefix in group
              if name == prefix or name.startswith(prefix + ".")]
    assert owners, f"{name} is in no layer: add it to LAYERS in {Path(__file__).name}"
    return max(owners)[1]


def test_every_import_points_down() -> None:
    upward = [f"{name} (layer {layer(name)}) imports {target} (layer {layer(target)})"
              for name, targets in sorted(graph().items()) for target in sorted(targets)
              if layer(target) > layer(name)]
    assert upward == []


def test_the_check_sees_lazy_relative_imports() -> None:
    """A relative import inside a function, of a higher layer, is found: the check can fail."""
    known = set(modules())
    source = "def f() -> None:\n    from ..commands import build\n"
    found = imports("perfdecl.rules.arithmetic", source, False, known)
    assert found == {"perfdecl", "perfdecl.commands", "perfdecl.commands.build"}
    assert layer("perfdecl.commands.build") > layer("perfdecl.rules.arithmetic")


def test_no_import_cycle() -> None:
    """Importing a package's parent counts too; a cycle shows as the modules in it."""
    deps = graph()
    for name in deps:  # a package importing its own modules (a registry) is the one loop allowed
        deps[name] = {t for t in deps[name] if not name.startswith(t + ".")}
    try:
        list(graphlib.TopologicalSorter(deps).static_order())
    except graphlib.CycleError as e:
        pytest.fail(f"import cycle: {' -> '.join(e.args[1])}")


TOOL = SRC.parents[1] / "shared" / "tools" / "import_cycles.py"


@pytest.mark.skipif(not TOOL.is_file(), reason="the team's tools are not beside this checkout")
def test_the_teams_tool_finds_no_cycle() -> None:
    result = subprocess.run([sys.executable, str(TOOL), str(SRC), "perfdecl"], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout
    assert result.stdout.strip().splitlines()[-1].startswith("import cycles=0 ")
