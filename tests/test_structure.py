"""The package's structure, read from its source with `ast`: no import cycles among kpidesk's modules, and no
module imports another package's private (`_`) modules or names."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "kpidesk"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_package(module: str) -> bool:
    return MODULES[module].name == "__init__.py"


def _type_checking_only(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node that runs, at import or in a function, leaving out `if TYPE_CHECKING:` blocks."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _type_checking_only(node):
            yield from (n for child in node.orelse for n in (child, *_runtime_nodes(child)))
            continue
        yield node
        yield from _runtime_nodes(node)


def _imports(module: str) -> Iterator[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) for each kpidesk import `module` makes."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    package = module if _is_package(module) else module.rpartition(".")[0]
    for node in _runtime_nodes(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "kpidesk":
                    yield node.lineno, alias.name, None
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if base.split(".")[0] != "kpidesk":
                continue
            for alias in node.names:
                yield node.lineno, base, alias.name


def _target(imported: str, name: str | None) -> str:
    """The module an import loads: `from kpidesk.x import y` loads kpidesk.x.y when y is a module."""
    if name is not None and f"{imported}.{name}" in MODULES:
        return f"{imported}.{name}"
    return imported


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {m: set() for m in MODULES}
    for module in MODULES:
        for _, imported, name in _imports(module):
            target = _target(imported, name)
            if target in MODULES and target != module:
                graph[module].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _private_part(dotted: str) -> str | None:
    """The package that owns the first private part of `dotted` (kpidesk.metrics for
    kpidesk.metrics._compute), or None when every part is public."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            return ".".join(parts[:i])
    return None


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles() -> None:
    graph = _graph()
    assert graph["kpidesk.metrics._compare"], "the import graph reads the metrics modules"
    assert _cycles(graph) == []


def test_compute_and_compare_do_not_import_each_other() -> None:
    graph = _graph()
    assert "kpidesk.metrics._compute" in graph["kpidesk.metrics._compare"]
    assert "kpidesk.metrics._compare" not in graph["kpidesk.metrics._compute"]


def test_no_module_imports_another_packages_private_names() -> None:
    offences = []
    for module in MODULES:
        package = module if _is_package(module) else module.rpartition(".")[0]
        for line, imported, name in _imports(module):
            owner = _private_part(imported if name is None else f"{imported}.{name}")
            if owner is not None and package != owner and not package.startswith(f"{owner}."):
                shown = imported if name is None else f"{imported}.{name}"
                offences.append(f"{MODULES[module].relative_to(PACKAGE.parent)}:{line}: {shown}")
    assert offences == []


@pytest.mark.parametrize(
    ("dotted", "owner"),
    [
        ("kpidesk.metrics._compute.KpiQuery", "kpidesk.metrics"),
        ("kpidesk.metrics._explain", "kpidesk.metrics"),
        ("kpidesk._api.kpis", "kpidesk"),
        ("kpidesk.metrics.KpiQuery", None),
        ("kpidesk.__version__", None),
    ],
)
def test_private_parts_are_owned_by_their_package(dotted: str, owner: str | None) -> None:
    assert _private_part(dotted) == owner
