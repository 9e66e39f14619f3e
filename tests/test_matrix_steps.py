"""Backpropagation in matrix form as a derivation (``symdiff.steps`` on a program over arrays)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

import symdiff as sd
from symdiff.errors import SymdiffError
from symdiff.stepwise import matrix as matrix_steps
from tests.test_matrix_calculus import seed_model

CLASSIFIER = (
    "x: 4; W1: 5x4; b1: 5; W2: 3x5; b2: 3; y: 3\nh = tanh(W1 x + b1)\nz = W2 h + b2\nL = cross_entropy(softmax(z), y)"
)


def test_the_seed_model_layer_by_layer() -> None:
    d = sd.steps(seed_model(), "W1")
    assert isinstance(d, sd.MatrixDerivation)
    assert d.verified
    assert d.to_text().splitlines()[:-1] == [
        "∂L/∂W1 by backpropagation, one line of the program at a time",
        "h = ReLU(W1 x + b1)",
        "y = w2ᵀ h + b2",
        "L = (y - t)^2",
        "",
        "through L = (y - t)^2",
        "  (1) δ₂ = ∂L/∂y = 2(y - t)                             the power, element by element",
        "through y = w2ᵀ h + b2",
        "  (2) ∂L/∂h = δ₂ w2                                     the inner product: times the other vector",
        "through h = ReLU(W1 x + b1)",
        "  (3) δ₁ = ∂L/∂(W1 x + b1) = (∂L/∂h) ⊙ H(W1 x + b1)     the ReLU, element by element: ⊙ its derivative",
        "  (4) ∂L/∂W1 = δ₁ xᵀ                                    the matrix product: δ times the input transposed",
        "",
        "∂L/∂W1 = (2(y - t) w2 ⊙ H(W1 x + b1)) xᵀ",
    ]
    assert d.rules == ("pow", "matmul", "relu", "matmul")


def test_each_delta_comes_from_the_layer_above_and_the_weights_from_delta_times_the_input() -> None:
    d = sd.steps(CLASSIFIER, "W1")
    rows = {s.symbol.text: d.to_text().splitlines()[5 + i] for i, s in enumerate(d.steps)}
    steps = {s.symbol.text: s for s in d.steps}
    assert list(steps) == ["δ₂", "∂L/∂h", "δ₁", "∂L/∂W1"]
    assert steps["δ₂"].symbol.meaning == "∂L/∂z"
    text = d.to_text()
    assert "∂L/∂h = W2ᵀ δ₂" in text and "∂L/∂W1 = δ₁ xᵀ" in text and "(∂L/∂h) ⊙ (1 - h^2)" in text
    assert all(s.verified for s in d.steps), rows


def test_a_bias_and_an_input() -> None:
    assert sd.steps(seed_model(), "b2").to_text().splitlines()[-2] == "∂L/∂b2 = 2(y - t)"
    d = sd.steps(CLASSIFIER, "x")
    assert d.steps[-1].symbol.text == "∂L/∂x" and "W1ᵀ δ₁" in d.to_text()


def test_the_step_checks_can_fail(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the tape's adjoints made wrong, every step that uses them is marked as not verified."""
    real = matrix_steps._tape_adjoints

    def wrong(*args: Any) -> dict[Any, np.ndarray]:
        return {node: value + 1.0 for node, value in real(*args).items()}

    monkeypatch.setattr(matrix_steps, "_tape_adjoints", wrong)
    d = sd.steps(seed_model(4), "W1")
    assert not d.verified and not any(s.verified for s in d.steps)
    assert "NOT every step agrees" in d.to_text()


def test_formats() -> None:
    d = sd.steps(seed_model(), "W1")
    latex = d.to_latex()
    assert latex.startswith("\\begin{aligned}") and "\\delta_{1} x^{\\top}" in latex
    markdown = d.to_markdown()
    assert "Through $h = \\operatorname{ReLU}\\left(W_{1} x + b_{1}\\right)$:" in markdown
    data = json.loads(d.to_json())
    assert [s["symbol"] for s in data["steps"]] == ["δ₂", "∂L/∂h", "δ₁", "∂L/∂W1"]
    assert data["steps"][2]["expanded"] == "2(y - t) w2 ⊙ H(W1 x + b1)"
    assert data["verified"] is True
    assert str(d) == d.to_text()


def test_the_views_of_derivations_take_either_kind() -> None:
    """render.steps (what the CLI prints with) writes a derivation in matrix form with its own views."""
    from symdiff.render import steps as view

    d = sd.steps(seed_model(4), "W1")
    assert (view.text(d), view.latex(d), view.markdown(d)) == (d.to_text(), d.to_latex(), d.to_markdown())
    both = json.loads(view.json_many([d, sd.steps(seed_model(4), "b1")]))
    assert [x["wrt"] for x in both["derivations"]] == ["W1", "b1"] and both["verified"] is True


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"wrt": "W1", "at": {"x": 1}}, "without a point"),
        ({"wrt": "W1", "order": 2}, "first derivative by one variable"),
        ({"wrt": "h"}, "h is a line of the program"),
    ],
)
def test_refusals(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(SymdiffError, match=message):
        sd.steps(seed_model(4), **kwargs)


def test_a_variable_the_output_does_not_use() -> None:
    with pytest.raises(SymdiffError, match="L does not depend on y"):
        sd.steps("x: 3; y: 3; L = sum(x) + 0 * sum(y)", "y")


def test_the_docs_page_shows_the_current_output() -> None:
    """docs/matrix-calculus.md embeds the seed's gradient in LaTeX and its derivation in Markdown, as rendered."""
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "matrix-calculus.md").read_text(encoding="utf-8")
    assert f"$$\n{sd.gradient(seed_model()).to_latex()}\n$$" in page
    assert sd.steps(seed_model(), "W1").to_markdown() in page


def test_three_layers_number_their_deltas_from_the_input_up() -> None:
    text = (
        "x: 4; W1: 6x4; b1: 6; W2: 5x6; b2: 5; W3: 2x5; b3: 2; y: 2\n"
        "h1 = tanh(W1 x + b1)\nh2 = sigmoid(W2 h1 + b2)\nz = W3 h2 + b3\nL = mse(z, y)"
    )
    g = sd.gradient(text, wrt=["W1", "W2", "W3"])
    assert g.to_text().splitlines()[3:8] == [  # δ₁ is used once: written in place, the others keep their layers
        "δ₃ = z - y",
        "δ₂ = W3ᵀ δ₃ ⊙ h2 ⊙ (1 - h2)",
        "∂L/∂W1 = (W2ᵀ δ₂ ⊙ (1 - h1^2)) xᵀ",
        "∂L/∂W2 = δ₂ h1ᵀ",
        "∂L/∂W3 = δ₃ h2ᵀ",
    ]
    assert "δ₁ = W2ᵀ δ₂ ⊙ (1 - h1^2)" in sd.gradient(text).to_text()
    d = sd.steps(text, "W1")
    assert [s.symbol.text for s in d.steps] == ["δ₃", "∂L/∂h2", "δ₂", "∂L/∂h1", "δ₁", "∂L/∂W1"]
    assert d.verified
