"""Start-up: ``import symdiff`` and a symbolic command load only what they use.

Timings are for ``benchmarks/bench_startup.py``; these tests pin the cause instead, which a
test can check exactly: which modules a process has loaded.
"""

from __future__ import annotations

import ast
import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

import symdiff

ROOT = Path(__file__).resolve().parent.parent

# Loaded when a name is first used, never by ``import symdiff`` or a symbolic command.
HEAVY = (
    "numpy._core",
    "matplotlib",
    "symdiff.finite.api",
    "symdiff.comparison",
    "symdiff.stepwise",
    "symdiff.tape.tape",
)


def loaded_after(code: str) -> list[str]:
    """The modules a fresh interpreter has loaded after running ``code``."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, check=True, timeout=120
    )
    return list(json.loads(result.stdout.splitlines()[-1]))


def test_import_symdiff_loads_nothing_else_of_symdiff_nor_sympy() -> None:
    modules = loaded_after("import symdiff")
    assert [m for m in modules if m.split(".")[0] in ("symdiff", "sympy", "numpy", "mpmath")] == ["symdiff"]


def test_a_symbolic_command_loads_neither_numpy_nor_finite_differences() -> None:
    modules = loaded_after("from symdiff import cli\ncli.main(['a*b + c', '--wrt', 'a'])")
    assert "symdiff.symbolic.derivatives" in modules  # the test watches a run that did the work
    assert [m for m in modules if m.startswith(HEAVY)] == []


def test_numbers_load_numpy_when_they_are_needed() -> None:
    modules = loaded_after("import symdiff\nprint(symdiff.Tape('a*b').gradient(a=1.0, b=2.0))")
    assert "numpy._core" in modules and "symdiff.tape.tape" in modules


@pytest.mark.parametrize("name", sorted(set(symdiff.__all__) - {"__version__"}))
def test_every_public_name_imports_from_its_home(name: str) -> None:
    value = getattr(symdiff, name)
    home = importlib.import_module(symdiff._HOMES[name], "symdiff")
    assert getattr(home, name) is value
    assert name in dir(symdiff)


def _type_checking_imports(path: Path) -> dict[str, str]:
    """name → module (relative, as '.finite.api') of the imports under ``if TYPE_CHECKING:``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    block = next(n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    return {
        alias.name: "." * node.level + (node.module or "")
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }


@pytest.mark.parametrize("package", ["symdiff", "symdiff.finite"])
def test_type_checkers_see_the_names_where_they_are_imported(package: str) -> None:
    """The ``TYPE_CHECKING`` imports (what mypy and IDEs read) and the run-time table agree."""
    module = importlib.import_module(package)
    path = Path(module.__file__ or "")
    assert _type_checking_imports(path) == module._HOMES
    exported = set(module.__all__) - {"__version__", "METHODS", "Method"}
    assert set(module._HOMES) == exported


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'dif'"):
        symdiff.dif  # noqa: B018
    from symdiff import finite

    with pytest.raises(AttributeError, match="no attribute 'stencils_'"):
        finite.stencils_  # noqa: B018
