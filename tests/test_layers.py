"""The house has no import circles and its layers point one way: readers → store → retrieval →
answering → backends → the assistant → serving. Every import counts, those inside functions
too (a lazy import is still a dependency); only `if TYPE_CHECKING:` blocks are left out.
Read from the source with `ast`, so nothing is imported to check it."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

PACKAGE = ROOT / "assistant"
# Lower layers may not import higher ones; a layer may import its own and any lower one.
LAYERS = (
    {"errors", "types", "text", "config", "models", "prompts", "language"},  # foundation
    {"readers"},
    {"article", "corpus", "chunking", "embeddings", "manifest"},
    {"store", "index"},
    {"retrieval"},
    {"answering"},
    {"backends"},
    {"core", "chat", "documents", "pages", "integrations", "collections"},
    {"serve", "cli", "cli_collections", "terminal", "__main__", "__init__"},
)


def modules() -> dict[str, tuple[Path, list[str]]]:
    """Dotted name → (file, the package its relative imports start from)."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
            found[".".join(parts)] = (path, parts)
        else:
            found[".".join(parts)] = (path, parts[:-1])
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()

    def known(name: str) -> str | None:
        while name and name not in mods:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in mods}
    for name, (path, package) in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        for node in ast.walk(tree):
            if id(node) in typing_only:
                continue
            for target in _targets(node, package, mods):
                found = known(target) if target.startswith("assistant") else None
                if found and found != name:
                    graph[name].add(found)
    return graph


def _targets(node: ast.AST, package: list[str], mods) -> list[str]:
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    if not isinstance(node, ast.ImportFrom):
        return []
    base = node.module or ""
    if node.level:
        start = ".".join(package[:len(package) - node.level + 1])
        base = f"{start}.{node.module}" if node.module else start
    # `from pkg import mod` depends on pkg.mod (a module), else on pkg itself
    return [f"{base}.{a.name}" if f"{base}.{a.name}" in mods else base for a in node.names]


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each a circle."""
    order, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v: str) -> None:
        order[v] = low[v] = len(order)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in order:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], order[w])
        if low[v] == order[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in sorted(graph):
        if v not in order:
            visit(v)
    return found


def layer_of(module: str) -> int:
    top = module.split(".")[1] if "." in module else "__init__"
    for rank, names in enumerate(LAYERS):
        if top in names:
            return rank
    raise AssertionError(f"assistant.{top} is in no layer: add it to LAYERS in {__file__}")


def test_no_import_circles_in_the_package():
    assert cycles(import_graph()) == []


def test_layers_point_one_way():
    upward = sorted(f"{a} -> {b}" for a, targets in import_graph().items() for b in targets
                    if layer_of(b) > layer_of(a))
    assert upward == []


def test_the_checker_sees_a_circle_and_an_upward_import():
    graph = {"assistant.readers.pdf": {"assistant.store.chroma"},
             "assistant.store.chroma": {"assistant.readers.pdf"}, "assistant.text": set()}
    assert cycles(graph) == [["assistant.readers.pdf", "assistant.store.chroma"]]
    assert layer_of("assistant.store.chroma") > layer_of("assistant.readers.pdf")
    # a lazy import inside a function is an edge too
    tree = ast.parse("def f():\n    from ..store import chroma\n")
    edge = _targets(tree.body[0].body[0], ["assistant", "readers"], {"assistant.store.chroma": 1})
    assert edge == ["assistant.store.chroma"]
