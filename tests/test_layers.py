"""The package's layers, read from the source: data flows model -> engine -> workbook /
report -> mail -> api -> cli, and never back up; no module imports itself in a circle.

Every import counts: at module level, inside functions and under TYPE_CHECKING.
docs/architecture.md describes the layers.
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "ftreport"

# The lowest layer first. A module may import its own layer or lower ones.
LAYERS = (
    ("model", ("ftreport.model", "ftreport.fileio")),
    ("engine", ("ftreport.engine",)),
    ("outputs", ("ftreport.workbook", "ftreport.report", "ftreport.export")),
    ("mail", ("ftreport.mail", "ftreport.prices", "ftreport.cluster")),
    ("api", ("ftreport.api",)),
    ("batch", ("ftreport.batch",)),
    ("cli", ("ftreport.cli", "ftreport.__main__")),
)
# The package's own __init__ re-exports the API lazily (ftreport.run, ftreport.send)
# and holds __version__, which every layer may read.
FACADE = "ftreport"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    return {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path, known: set[str]) -> set[str]:
    """The ftreport modules ``path`` imports. ``from a import b`` counts as a.b when that
    is a module, else as a (a package's own __init__, run on the way to any of its
    modules, is not counted as imported by them)."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rpartition(
        ".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*up, base] if base else up)
            submodules = {f"{base}.{a.name}" for a in node.names} & known
            found |= submodules
            if len(submodules) < len(node.names):
                found.add(base)
    return {m for m in found if m in known}


def layer_of(module: str) -> int:
    for number, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return number
    raise AssertionError(f"{module} is in no layer: add it to LAYERS in tests/test_layers.py")


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {m: imports(p, known) - {m} for m, p in found.items()}


def test_every_module_belongs_to_a_layer() -> None:
    for module in modules():
        if module != FACADE:
            layer_of(module)


def test_no_module_imports_a_higher_layer() -> None:
    upward = []
    for module, targets in graph().items():
        if module == FACADE:
            continue
        for target in targets - {FACADE}:
            if layer_of(target) > layer_of(module):
                upward.append(f"{module} ({LAYERS[layer_of(module)][0]}) imports {target} "
                              f"({LAYERS[layer_of(target)][0]})")
    assert not upward, "\n".join(upward)


def test_no_import_cycles() -> None:
    edges = graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges.get(module, ())):
            if target == FACADE or module == FACADE:
                continue
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(edges):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(" -> ".join(c) for c in cycles)


def test_the_engine_imports_no_file_or_output_libraries() -> None:
    forbidden = {"openpyxl", "weasyprint", "jinja2", "click", "pandas", "smtplib", "sys"}
    found = []
    for module, path in modules().items():
        if module != FACADE and LAYERS[layer_of(module)][0] == "engine":
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                found += [f"{module} imports {n}" for n in names
                          if n.split(".")[0] in forbidden]
    assert not found, "\n".join(found)
