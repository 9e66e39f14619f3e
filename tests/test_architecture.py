"""The package layout is the data flow: each layer imports only the layers before it.

The table below is the one in docs/architecture.md. A module's imports are read with ``ast``:
imports at module level and inside functions count; imports under ``if TYPE_CHECKING:``
(annotations only) do not. Results may import their renderers inside a method (``to_text``
calls the view lazily); renderers never import a result at run time.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symdiff"

# layer → the layers its modules may import at module level.
MAY_IMPORT: dict[str, set[str]] = {
    "errors": set(),
    "limits": {"errors"},
    "primitives": {"errors", "limits"},
    "language": {"errors", "limits", "primitives"},
    "render": {"errors", "limits", "primitives", "language"},
    "tape": {"errors", "limits", "primitives", "language"},
    "symbolic": {"errors", "limits", "primitives", "language", "tape"},
    "finite": {"errors", "limits", "primitives", "language", "tape", "symbolic"},
    "comparison": {"errors", "limits", "primitives", "language", "tape", "symbolic", "finite"},
    "stepwise": {"errors", "limits", "primitives", "language", "tape", "symbolic", "comparison"},
    "cli": {
        "errors",
        "limits",
        "primitives",
        "language",
        "render",
        "tape",
        "symbolic",
        "finite",
        "comparison",
        "stepwise",
    },
}
# Layers whose results call their renderers lazily, from inside a method.
LAZY_VIEWS = {"tape", "symbolic", "finite", "comparison", "stepwise"}


def _layer(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "symdiff"


def _modules() -> Iterator[tuple[str, Path, bool]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        yield ".".join(parts[:-1] if is_package else parts), path, is_package


def _imports(path: Path, module: str, is_package: bool) -> Iterator[tuple[str, bool]]:
    """(imported module, imported at module level) for every symdiff import outside TYPE_CHECKING."""
    package = module.split(".") if is_package else module.split(".")[:-1]
    tree = ast.parse(path.read_text())
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(n) for n in ast.walk(node)}
    top_level = {id(n) for n in tree.body}
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.ImportFrom):
            base = ".".join(package[: len(package) - node.level + 1]) if node.level else ""
            target = ".".join(p for p in (base, node.module or "") if p)
            for alias in node.names:
                candidate = f"{target}.{alias.name}"
                as_module = (ROOT / (candidate.replace(".", "/") + ".py")).exists()
                if (candidate if as_module else target).startswith("symdiff"):
                    yield (candidate if as_module else target), id(node) in top_level
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("symdiff"):
                    yield alias.name, id(node) in top_level


def _edges() -> list[tuple[str, str, str, bool]]:
    edges = []
    for module, path, is_package in _modules():
        for target, top_level in _imports(path, module, is_package):
            source, layer = _layer(module), _layer(target)
            if source != layer and source not in ("symdiff", "__main__"):
                edges.append((source, layer, f"{module} imports {target}", top_level))
    return edges


def test_every_layer_is_a_folder_or_a_module_in_the_table() -> None:
    layers = {_layer(module) for module, _, _ in _modules()} - {"symdiff", "__main__"}
    assert layers == set(MAY_IMPORT)


def test_each_import_follows_the_data_flow() -> None:
    wrong = []
    for source, layer, where, top_level in _edges():
        if layer == "render" and source in LAZY_VIEWS:
            if top_level:
                wrong.append(f"{where} at module level: results call their views lazily")
        elif layer not in MAY_IMPORT[source]:
            wrong.append(f"{where}: {source} may import only {', '.join(sorted(MAY_IMPORT[source]))}")
    assert not wrong, "\n".join(wrong)


def test_renderers_import_no_result_at_run_time() -> None:
    """The table says so for render/; this also catches a lazy import inside a renderer's function."""
    results = {"tape", "symbolic", "finite", "comparison", "stepwise"}
    wrong = [where for source, layer, where, _ in _edges() if source == "render" and layer in results]
    assert not wrong, "\n".join(wrong)


def test_the_allowed_imports_have_no_circle() -> None:
    order: list[str] = []
    pending = dict(MAY_IMPORT)
    while pending:
        ready = [layer for layer, needs in pending.items() if needs <= set(order)]
        assert ready, f"a circle among {sorted(pending)}"
        order += sorted(ready)
        for layer in ready:
            del pending[layer]


def test_the_architecture_page_shows_the_same_table() -> None:
    page = (ROOT / "docs" / "architecture.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)/?` \|[^|]*\| ([^|]*) \|$", page, re.M))
    assert set(rows) == set(MAY_IMPORT)
    for layer, text in rows.items():
        shown = set(re.findall(r"`([a-z_]+)`", text))
        assert shown == MAY_IMPORT[layer], f"docs/architecture.md, row {layer}: {sorted(shown)}"
