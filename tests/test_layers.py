"""A folder's place says what it may import: the layers of the tree, checked over every
import statement (function-level ones included), and no import cycle anywhere that ships."""

from __future__ import annotations

import ast
import functools
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("kiosk", "counter_terminal", "display_board", "manager_console")
OURS = ("broker", "config", "drivers", "qtkit", "web", "qms", "tools", *APPS)

# What each layer may import of ours (besides itself). `qms` is the CLI: it may start
# anything; `tools` (tests' and measurements' scripts) may use anything.
ALLOWED: dict[str, set[str]] = {
    "config": set(),
    "broker.core": {"config"},
    "broker.wire": {"broker.core", "config"},
    "broker.mosquitto": {"config"},
    "broker.service": {"broker.core", "broker.wire", "broker.mosquitto", "config"},
    "drivers": {"config"},
    "qtkit": {"broker.wire", "config", "drivers"},
    # The web face says what the paper says (drivers.printer's wait words) and shows what the
    # Qt board shows (display_board's pure model, no Qt; checked below).
    "web": {"broker.core", "broker.wire", "config", "drivers", "display_board"},
    **{app: {"qtkit", "broker.core", "broker.wire", "config", "drivers"} for app in APPS},
}


def layer(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if parts[0] == "broker" and len(parts) > 1 else parts[0]


def modules(top: str) -> Iterator[tuple[str, Path]]:
    for path in sorted((ROOT / top).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        yield ".".join(parts[:-1] if parts[-1] == "__init__" else parts), path


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node but those under `if TYPE_CHECKING:`: hints are not imports at run time."""
    todo = [tree]
    while todo:
        node = todo.pop()
        yield node
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            todo.extend(node.orelse)
        else:
            todo.extend(ast.iter_child_nodes(node))


def imports(module: str, path: Path) -> Iterator[str]:
    """Every module of ours this file imports, at any depth of the file."""
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    for node in _runtime_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from a import b` may name the module a.b: count both, the cycle check keeps
            # only names that are modules.
            names = [base, *(f"{base}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from (n for n in names if n.split(".")[0] in OURS)


@functools.cache
def graph() -> dict[str, set[str]]:
    found = {m: p for top in OURS if (ROOT / top).is_dir() for m, p in modules(top)}
    return {m: {n for n in imports(m, p) if n in found and n != m} for m, p in found.items()}


def shipped() -> list[str]:
    meta = tomllib.loads((ROOT / "pyproject.toml").read_text())
    return [p.rstrip("*") for p in meta["tool"]["setuptools"]["packages"]["find"]["include"]]


def test_every_layer_imports_only_what_its_place_allows():
    wrong = sorted(f"{m} imports {n}" for m, deps in graph().items() for n in deps
                   if layer(m) in ALLOWED and layer(n) != layer(m)
                   and layer(n) not in ALLOWED[layer(m)])
    assert wrong == []


# The tools and tests, and the libraries only `.[dev]` installs (by their import names).
TEST_ONLY = {"tools", "tests", "pytest", "pytestqt", "hypothesis", "playwright", "schemathesis",
             "zxingcpp"}


def test_nothing_that_ships_imports_the_tools_or_test_libraries():
    ships = shipped()
    assert "tools" not in ships and "tests" not in ships
    wrong = []
    for top in ships:
        for module, path in modules(top):
            tree = ast.parse(path.read_text())
            for node in ast.walk(tree):
                names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                         [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                wrong += [f"{module} imports {n}" for n in names
                          if n.split(".")[0] in TEST_ONLY]
    assert wrong == []


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle in the graph, or None (iterative depth-first search)."""
    state: dict[str, int] = {}  # 1: on the path, 2: done
    for start in sorted(edges):
        if start in state:
            continue
        path, stack = [start], [iter(sorted(edges[start]))]
        state[start] = 1
        while stack:
            nxt = next(stack[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                stack.pop()
            elif state.get(nxt) == 1:
                return [*path[path.index(nxt):], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append(iter(sorted(edges.get(nxt, ()))))
    return None


def test_no_import_cycle_between_layers():
    edges: dict[str, set[str]] = {}
    for module, deps in graph().items():
        edges.setdefault(layer(module), set()).update(
            layer(n) for n in deps if layer(n) != layer(module))
    assert _cycle(edges) is None


def test_no_import_cycle_between_modules_that_ship():
    ships = tuple(shipped())
    edges = {m: {n for n in deps if layer(n).split(".")[0] in ships}
             for m, deps in graph().items() if m.split(".")[0] in ships}
    # A package's __init__ importing its own modules is not a cycle of meaning.
    for module in edges:
        edges[module] = {n for n in edges[module] if not module.startswith(n + ".")}
    assert _cycle(edges) is None


@pytest.mark.parametrize("edges, expected", [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, ["a", "b", "c", "a"]),
])
def test_the_cycle_check_finds_a_cycle(edges, expected):
    assert _cycle(edges) == expected


def test_the_web_face_takes_of_the_board_only_its_model_without_qt():
    used = {n for m, deps in graph().items() if layer(m) == "web" for n in deps
            if layer(n) == "display_board"}
    assert used <= {"display_board.model", "display_board.zone"}
    board_model = {n for m, deps in graph().items() if m in used for n in deps}
    assert all(layer(n) in {"broker.wire", "config", "display_board"} for n in board_model)
