"""Layering (issue 11): no module-level import cycle among our modules, and the core imports no feature app.

The graph is read from the source with `ast`, as Python runs it when a module is first imported: the imports
at the top level of a module (also inside a top-level `if`, `try`, `with` or class body), not those inside a
function and not those under `if TYPE_CHECKING:`. An import inside a function to dodge a cycle hides the cycle
from this test, and STYLE.md ("Stop these") asks to move the code instead; the core has none at all.
"""

import ast
from collections.abc import Iterator
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIRST_PARTY = ("portal", "committees", "tasks_registry", "certificates")
FEATURE_APPS = ("committees", "tasks_registry", "certificates", "portal.indicators", "portal.dashboards")
CORE = "portal.core"


@cache
def modules() -> dict[str, Path]:
    """Every first-party module by dotted name (a package by its own name, for its __init__.py)."""
    found = {}
    for package in FIRST_PARTY:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _top_level_imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    for node in body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        elif isinstance(node, ast.If):
            if not _is_type_checking(node.test):
                yield from _top_level_imports(node.body)
            yield from _top_level_imports(node.orelse)
        elif isinstance(node, ast.Try):
            for block in (node.body, *(handler.body for handler in node.handlers), node.orelse, node.finalbody):
                yield from _top_level_imports(block)
        elif isinstance(node, (ast.With, ast.ClassDef)):
            yield from _top_level_imports(node.body)


def _every_import(tree: ast.Module) -> Iterator[ast.Import | ast.ImportFrom]:
    yield from (node for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom)))


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> Iterator[str]:
    """The first-party modules an import statement loads: `from a.b import c` is a.b.c when that is a module,
    else a.b (where c is defined)."""
    known = modules()
    if isinstance(node, ast.Import):
        yield from (alias.name for alias in node.names if alias.name in known)
        return
    base = node.module or ""
    if node.level:  # relative: from the module's package
        package = module if modules()[module].name == "__init__.py" else module.rpartition(".")[0]
        for _ in range(node.level - 1):
            package = package.rpartition(".")[0]
        base = f"{package}.{base}" if base else package
    for alias in node.names:
        if f"{base}.{alias.name}" in known:
            yield f"{base}.{alias.name}"
        elif base in known:
            yield base


def import_graph(*, top_level_only: bool = True) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for module, path in modules().items():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        nodes = _top_level_imports(tree.body) if top_level_only else _every_import(tree)
        graph[module] = {target for node in nodes for target in _targets(module, node) if target != module}
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph as a path (first module repeated at the end), or None."""
    state: dict[str, str] = {}  # "open" while on the current path, "done" once every path from it is explored
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = "open"
        path.append(module)
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                return [*path[path.index(target):], target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[module] = "done"
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            return cycle
    return None


def _within(module: str, packages: tuple[str, ...]) -> bool:
    return any(module == package or module.startswith(f"{package}.") for package in packages)


def test_the_graph_is_read_from_every_first_party_package() -> None:
    graph = import_graph()
    assert {module.partition(".")[0] for module in graph} == set(FIRST_PARTY)
    assert "portal.core.grants" in graph["portal.core.scoping"], "a module-level import the test must see"


def test_the_cycle_finder_reports_the_path() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def test_no_module_level_import_cycle() -> None:
    cycle = find_cycle(import_graph())
    assert cycle is None, "module-level import cycle: " + " -> ".join(cycle or [])


def test_the_core_imports_no_feature_app() -> None:
    """The chokepoint and its plumbing serve every app: they import none of them (not even inside a function)."""
    wrong = {
        f"{module} -> {target}"
        for module, targets in import_graph(top_level_only=False).items() if _within(module, (CORE,))
        for target in targets if _within(target, FEATURE_APPS)
    }
    assert not wrong, f"portal.core imports a feature app: {sorted(wrong)}"


def test_the_organisation_import_does_not_know_the_indicators() -> None:
    """Indicators subscribe to `import_applied` (portal/core/signals.py); committees never call them."""
    wrong = {
        f"{module} -> {target}"
        for module, targets in import_graph(top_level_only=False).items() if _within(module, ("committees",))
        for target in targets if _within(target, ("portal.indicators", "portal.dashboards"))
    }
    assert not wrong, f"committees imports the indicators: {sorted(wrong)}"
