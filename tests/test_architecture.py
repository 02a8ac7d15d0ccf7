"""The layout keeps its design: imports point down, no circle, no module past ~400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: The core's parts, lowest first: a part may import only the parts before it.
CORE_PARTS = (
    "common",
    "scenario",
    "identifiers",
    "personas",
    "run",
    "store",
    "authoring",
    "workshop",
    "reports",
    "server",
    "cli",
)
#: The views' families: each may import ``common`` (and the core), never another family.
WIDGET_FAMILIES = ("common", "learner", "facilitator", "trainer")
#: A module holds one idea; past this many lines it holds two.
MAX_LINES = 420


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    found = {}
    for top in ("bacasable", "widgets"):
        for path in sorted((ROOT / top).rglob("*.py")):
            found[_module_name(path)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every project module ``name`` imports, wherever the import stands (types, functions too)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    targets: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            targets.add(source)
            targets.update(f"{source}.{alias.name}" for alias in node.names)
    return {t for t in targets if t in MODULES and t != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _part(module: str) -> tuple[str, str] | None:
    parts = module.split(".")
    if len(parts) < 2:
        return None
    return parts[0], parts[1]


def test_the_parts_are_the_ones_the_map_names() -> None:
    core = {p.name for p in (ROOT / "bacasable").iterdir() if (p / "__init__.py").exists()}
    views = {p.name for p in (ROOT / "widgets").iterdir() if (p / "__init__.py").exists()}
    assert core == set(CORE_PARTS)
    assert views == set(WIDGET_FAMILIES)
    loose = [p.name for p in (ROOT / "bacasable").glob("*.py") if p.name != "__init__.py"]
    loose += [p.name for p in (ROOT / "widgets").glob("*.py") if p.name != "__init__.py"]
    assert loose == [], "every module belongs to a part"


def test_each_part_says_what_it_is_in_one_line() -> None:
    for top, parts in (("bacasable", CORE_PARTS), ("widgets", WIDGET_FAMILIES)):
        for part in parts:
            doc = ast.get_docstring(ast.parse((ROOT / top / part / "__init__.py").read_text()))
            assert doc, f"{top}/{part}/__init__.py has no docstring"


def test_no_import_circle() -> None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for target in sorted(GRAPH[node]):
            if target.startswith(node + "."):
                continue  # a package's __init__ re-exporting its own modules
            if state.get(target) == 1:
                cycle = stack[stack.index(target) :] + [target]
                pytest.fail("import circle: " + " → ".join(cycle))
            if not state.get(target):
                visit(target)
        stack.pop()
        state[node] = 2

    for module in sorted(GRAPH):
        if not state.get(module):
            visit(module)


def test_imports_point_down() -> None:
    wrong = []
    for source, targets in GRAPH.items():
        here = _part(source)
        for target in targets:
            there = _part(target)
            if here is None or there is None or here == there:
                continue
            if here[0] == "bacasable" and there[0] == "widgets":
                wrong.append(f"{source} → {target} (the core never imports a view)")
            elif here[0] == there[0] == "bacasable":
                if CORE_PARTS.index(there[1]) > CORE_PARTS.index(here[1]):
                    wrong.append(f"{source} → {target} (up from {here[1]} to {there[1]})")
            elif here[0] == there[0] == "widgets" and there[1] != "common":
                wrong.append(f"{source} → {target} (a family imports only widgets.common)")
    assert wrong == []


def test_the_core_never_imports_ipywidgets() -> None:
    for name, path in MODULES.items():
        if name.startswith("bacasable"):
            text = path.read_text(encoding="utf-8")
            assert "import ipywidgets" not in text and "import anywidget" not in text, name


@pytest.mark.parametrize(
    "folder, suffixes", [("bacasable", {".py"}), ("widgets", {".py", ".js", ".css"})]
)
def test_no_file_holds_two_ideas(folder: str, suffixes: set[str]) -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in (ROOT / folder).rglob("*")
        if p.suffix in suffixes and "share" not in p.parts
        and (n := len(p.read_text(encoding="utf-8").splitlines())) > MAX_LINES
    }
    assert long == {}


def test_test_files_have_unique_names() -> None:
    # pytest imports the test folders without packages ("rootdir" mode): two test files of the
    # same name in two folders stop the whole collection.
    seen: dict[str, Path] = {}
    twice = []
    for path in sorted((ROOT / "tests").rglob("test_*.py")):
        if path.name in seen:
            twice.append(f"{seen[path.name].relative_to(ROOT)} and {path.relative_to(ROOT)}")
        seen.setdefault(path.name, path)
    assert twice == []
