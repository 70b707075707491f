"""The server's layers, read from its imports: adapters (REST, console pages, sockets,
jobs, CLI) lean on one application layer, never on each other's modules, and no two
modules import each other round a circle."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.import_graph import imports_of, module_name

ROOT = Path(__file__).resolve().parents[2]
ADAPTERS_BESIDE_API = ("server.web", "server.realtime", "server.jobs", "server.cli")


def _graph() -> dict[str, set[str]]:
    """The server's modules and the server modules each imports when it runs (the reader
    is the one that draws docs/design.md#layers)."""
    files = {
        module_name(p): p for p in (ROOT / "server").rglob("*.py") if "migrations" not in p.parts
    }
    return {name: imports_of(path, name) & files.keys() - {name} for name, path in files.items()}


GRAPH = _graph()


def test_the_graph_is_read_from_the_real_modules() -> None:
    assert "server.commands" in GRAPH["server.api.tickets"]
    assert "server.principal" in GRAPH["server.realtime"]


@pytest.mark.parametrize("adapter", ADAPTERS_BESIDE_API)
def test_no_adapter_reaches_into_the_rest_api(adapter: str) -> None:
    reaching = {
        (module, target)
        for module, targets in GRAPH.items()
        if module == adapter or module.startswith(adapter + ".")
        for target in targets
        if target == "server.api" or target.startswith("server.api.")
    }
    assert reaching == set()


def test_the_application_layer_imports_no_adapter() -> None:
    layer = ("server.commands", "server.principal", "server.principal_cache", "server.login")
    adapters = ("server.api", "server.web", "server.realtime", "server.jobs", "server.cli")
    for module in (*layer, "server.report_requests", "server.state", "server.push"):
        assert not {t for t in GRAPH[module] if t.startswith(adapters)}, module


def test_the_domain_imports_no_adapter_and_no_framework() -> None:
    for module, targets in GRAPH.items():
        if module.startswith("server.domain"):
            outside = {t for t in targets if not t.startswith("server.domain")}
            assert outside <= {"server.models"}, (module, outside)


def test_no_import_cycle() -> None:
    """Tarjan's strongly connected components: any component of two or more modules is
    a circle of imports (a package importing its own submodules is not counted)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[set[str]] = []

    def edges(module: str) -> set[str]:
        return {t for t in GRAPH[module] if not t.startswith(module + ".")}

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in edges(module):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == module:
                    break
            if len(component) > 1:
                circles.append(component)

    for module in sorted(GRAPH):
        if module not in index:
            visit(module)
    assert circles == []
