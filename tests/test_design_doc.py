"""The design page (docs/design.md) and the code that points to it stay in step.

Code, tests and the other docs cite its sections by anchor; a renamed heading or a
citation of the old out-of-repository brief would send the reader nowhere. The ticket
life and the push events are checked against the code that defines them, so a new
transition or event cannot be added without the page saying so.
"""

from __future__ import annotations

import re
from pathlib import Path

from server.domain.ticket_log import TRANSITIONS
from shared import events
from tools import import_graph as graph

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "design.md"
SKIPPED = {".venv", "node_modules", ".git", "instance"}
# Spelled apart so that this file does not cite it itself.
OLD_BRIEF = "DESIGN" + ".md"


def _sources() -> list[Path]:
    return [
        path
        for pattern in ("*.py", "*.md", "*.js", "*.html")
        for path in ROOT.rglob(pattern)
        if not SKIPPED & set(path.relative_to(ROOT).parts)
    ]


def _slug(heading: str) -> str:
    """The anchor a Markdown renderer gives a heading (GitHub's rule)."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower())
    return text.replace(" ", "-")


def _anchors() -> set[str]:
    text = DESIGN.read_text(encoding="utf-8")
    return {_slug(m.group(1)) for m in re.finditer(r"^#{2,4} (.+)$", text, re.M)}


def _section(title: str) -> str:
    text = DESIGN.read_text(encoding="utf-8")
    start = text.index(f"\n## {title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_every_citation_of_the_design_page_names_one_of_its_sections() -> None:
    anchors = _anchors()
    cited = {
        (path.relative_to(ROOT).as_posix(), anchor)
        for path in _sources()
        for anchor in re.findall(r"design\.md#([\w-]+)", path.read_text(encoding="utf-8"))
    }
    assert cited, "nothing cites docs/design.md"
    assert [c for c in sorted(cited) if c[1] not in anchors] == []


def test_nothing_cites_the_old_design_brief_any_more() -> None:
    citing = [
        path.relative_to(ROOT).as_posix()
        for path in _sources()
        if OLD_BRIEF in path.read_text(encoding="utf-8")
    ]
    assert citing == []


def _table_rows(section: str) -> list[list[str]]:
    rows = [line.strip().strip("|").split("|") for line in section.splitlines()]
    return [[cell.strip() for cell in row] for row in rows if len(row) > 2 and "---" not in row[0]]


def test_the_ticket_life_table_has_every_transition_and_no_other() -> None:
    documented: dict[str, tuple[set[str], str]] = {}
    for cells in _table_rows(_section("Ticket life"))[1:]:
        action = cells[0].strip("`")
        before, after = cells[1].split("→")
        froms = {s for s in re.split(r",| or ", before) if s.strip() not in ("", "–")}
        documented[action] = ({s.strip() for s in froms}, after.strip())
    allowed: dict[str, tuple[set[str], str]] = {}
    for (state, action), target in TRANSITIONS.items():
        froms, _ = allowed.setdefault(action, (set(), target.value))
        if state is not None:
            froms.add(state.value)
    assert set(documented) == set(allowed)
    for action, (froms, target) in documented.items():
        assert target == allowed[action][1], action
        assert froms <= allowed[action][0], action


def test_the_push_protocol_names_every_event() -> None:
    section = _section("Push protocol")
    assert [name for name in events.ALL_EVENTS if f"`{name}`" not in section] == []


def test_the_layers_drawing_is_the_code_s_import_structure() -> None:
    assert graph.drawing_in_design_doc() == graph.drawing(), (
        "regenerate it: .venv/bin/python tools/import_graph.py"
    )


def test_the_drawn_layers_have_no_circle_and_no_adapter_into_the_rest_api() -> None:
    edges: set[tuple[str, str]] = graph.layer_edges(graph.module_graph())
    assert {("web", "api"), ("realtime", "api"), ("application", "realtime")} & edges == set()
    assert {("api", "application"), ("assembly", "api")} <= edges  # read from real imports
    # Kahn's algorithm: the boxes can be put in an order only if no arrow goes back.
    boxes = {box for edge in edges for box in edge}
    incoming = {box: {a for a, b in edges if b == box} for box in boxes}
    ordered: list[str] = []
    ready = sorted(box for box in boxes if not incoming[box])
    while ready:
        box = ready.pop()
        ordered.append(box)
        for other in sorted(boxes):
            if box in incoming[other]:
                incoming[other].discard(box)
                if not incoming[other] and other not in ordered and other not in ready:
                    ready.append(other)
    assert sorted(ordered) == sorted(boxes), f"a circle among {set(boxes) - set(ordered)}"
