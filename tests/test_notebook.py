"""Jupyter: every result shows itself richly, and docs/notebook.ipynb runs from top to bottom.

The notebook is executed by nbclient with a real kernel; without one (nbclient, nbformat or
ipykernel missing) that test is skipped and says why.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from pathlib import Path
from typing import Any

import pytest

import symdiff as sd
from tests.test_katex import KATEX, NODE, render

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "docs" / "notebook.ipynb"
NETWORK = "h = tanh(w1*x); y = sigmoid(w2*h); L = (y - t)^2"


def _math(markdown: str) -> list[str]:
    """The formulas of a Markdown text: $$…$$ blocks and $…$ inline."""
    blocks = re.findall(r"\$\$(.+?)\$\$", markdown, flags=re.S)
    inline = re.findall(r"(?<!\$)\$([^$]+)\$(?!\$)", re.sub(r"\$\$.+?\$\$", "", markdown, flags=re.S))
    return [*blocks, *inline]


def rich_results() -> dict[str, object]:
    wrong = sd.check_gradient(lambda a, b, c: {"a": b, "b": 2 * a, "c": 1.0}, "a*b + c", {"a": 2, "b": -3, "c": 10})
    return {
        "Comparison": sd.compare("relu(x) + x^2", at={"x": 0}),
        "Derivation": sd.steps(NETWORK, "w1"),
        "GradientCheck": wrong,
        "SymbolicGradient": sd.gradient(NETWORK, method="reverse"),
        "SymbolicHessian": sd.hessian("a*b + c^2", method="reverse"),
        "FiniteDifference": sd.finite_difference("3x^2 - 4x + 5", "x", {"x": 3}, method="forward", h=0.001),
    }


@pytest.mark.parametrize("name", list(rich_results()))
def test_results_show_their_math_in_a_notebook(name: str) -> None:
    result = rich_results()[name]
    shown = [getattr(result, m)() for m in ("_repr_markdown_", "_repr_latex_") if hasattr(result, m)]
    assert shown, f"{name} has no rich repr"
    formulas = [f for text in shown for f in _math(text)]
    assert formulas, f"{name}'s repr has no math"
    if NODE is not None and (KATEX / "node_modules" / "katex").is_dir():  # else test_katex says why
        assert render(formulas) == []


def test_a_gradient_check_marks_the_wrong_partial() -> None:
    markdown = rich_results()["GradientCheck"]._repr_markdown_()  # type: ignore[attr-defined]
    assert "| **WRONG** |" in markdown and markdown.endswith("✗ your gradient is wrong where marked WRONG")
    assert markdown.count("| ok |") == 2


def test_a_finite_difference_shows_its_bound_and_warning() -> None:
    markdown = rich_results()["FiniteDifference"]._repr_markdown_()  # type: ignore[attr-defined]
    assert r"\approx 14.00300000000243 \pm 0.003" in markdown and "**warning:**" in markdown


def test_a_tape_shows_its_listing_and_its_graph() -> None:
    tape = sd.Tape("a*b + c")
    html = tape._repr_html_()
    assert "v1 = a * b" in html and "f = v1 + c" in html
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed: the graph is not drawn (the listing is)")
    svg = tape._repr_svg_()
    assert svg is not None and svg.lstrip().startswith("<svg") and "<svg" in html


def test_without_graphviz_a_tape_shows_its_listing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(shutil, "which", lambda program: None)
    tape = sd.Tape("a*b + c")
    assert tape._repr_svg_() is None
    assert "<svg" not in tape._repr_html_() and "f = v1 + c" in tape._repr_html_()


def test_a_long_tape_is_shown_in_part_and_not_drawn() -> None:
    tape = sd.Tape(" + ".join(f"sin(x{i})*x{i + 1}" for i in range(150)))
    assert tape._repr_svg_() is None
    assert "more lines (print(tape) shows them all)" in tape._repr_html_()


def test_a_step_sweep_shows_each_methods_best_step() -> None:
    sweep = sd.step_sweep("exp(x)", "x", {"x": 1.0})
    html = sweep._repr_html_()
    assert all(f"<td>{method}</td>" in html for method in ("forward", "central", "complex"))
    if importlib.util.find_spec("matplotlib") is not None:
        assert "<svg" in html


# What a notebook shows that must not change unnoticed; HTML and pictures (Graphviz's and
# matplotlib's drawings, which differ by version) are only required to be there.
_COMPARED = ("text/plain", "text/markdown", "text/latex")


def _shown(cell: Any) -> list[dict[str, str]]:
    return [
        {"name": o.name, "text": o.text}
        if o.output_type == "stream"
        else {k: o.data[k] for k in _COMPARED if k in o.data}
        for o in cell.get("outputs", [])
    ]


def test_the_notebook_runs_and_shows_what_it_says() -> None:
    """docs/notebook.ipynb, run by a real kernel, prints what is stored in it.

    After an intended change of output, store the new outputs, then read the diff:
    SYMDIFF_UPDATE_DOCS=1 python -m pytest tests/test_notebook.py -k notebook_runs
    """
    missing = [m for m in ("nbclient", "nbformat", "ipykernel") if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"running the notebook needs {', '.join(missing)}: pip install -e '.[test]'")
    import nbformat
    from jupyter_client.kernelspec import NoSuchKernel
    from nbclient import NotebookClient

    stored = nbformat.read(NOTEBOOK, as_version=4)
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(notebook, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(ROOT)}})
    limit = sys.getrecursionlimit()
    try:
        client.execute()
    except NoSuchKernel:
        pytest.skip("no python3 Jupyter kernel is installed (pip install ipykernel)")
    finally:  # nbclient raises it to 3000 for the whole process, which later tests of deep input rely on
        sys.setrecursionlimit(limit)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    outputs = [output for cell in code for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {kind for o in outputs if o.output_type in ("display_data", "execute_result") for kind in o.data}
    assert {"text/markdown", "text/latex", "text/html"} <= kinds
    if os.environ.get("SYMDIFF_UPDATE_DOCS"):
        nbformat.write(notebook, NOTEBOOK)
        return
    was = [_shown(cell) for cell in stored.cells if cell.cell_type == "code"]
    assert [_shown(cell) for cell in code] == was, "the notebook's outputs are stale: see this test's docstring"
