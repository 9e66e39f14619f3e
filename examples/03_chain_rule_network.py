"""The chain rule through a tiny network, the seed's backpropagation example.

    output = σ(w₂·σ(w₁·x)),   L = ½(output − y)²

The seed writes the gradient of the first weight as a product of local derivatives:

    ∂L/∂w₁ = ∂L/∂output · ∂output/∂hidden · ∂hidden/∂w₁
           = (predicted − actual) · σ′(z₂) · w₂ · σ′(z₁) · x

Here that formula is evaluated by hand and checked against the symbolic derivative, the
tape and finite differences; the derivation is written out step by step through the named
intermediate values, and the computational graph is drawn (DOT, and SVG when Graphviz is
installed). Last, the same chain with layers instead of single units (x: 3 inputs, 4 hidden
units): the chain rule becomes backpropagation in matrix form, δ of each layer from the one
above and ∂L/∂W₁ = δ₁ xᵀ.

    python examples/03_chain_rule_network.py [--out DIR]
"""

from __future__ import annotations

import argparse
import math
import shutil
from pathlib import Path

import symdiff as sd
from symdiff.render.files import write_graph

NETWORK = "z1 = w1*x; h = sigmoid(z1); z2 = w2*h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2"
LAYERS = (
    "x: 3; W1: 4x3; w2: 4; y: scalar; z1 = W1 x; h = sigmoid(z1); z2 = w2 h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2"
)
POINT = {"w1": 0.7, "w2": -1.3, "x": 1.5, "y": 0.2}


def sigmoid(u: float) -> float:
    return 1 / (1 + math.exp(-u))


def seed_formula(w1: float, w2: float, x: float, y: float) -> float:
    """(predicted − actual) · σ′(z₂) · w₂ · σ′(z₁) · x, exactly as the seed writes it."""
    z1 = w1 * x
    z2 = w2 * sigmoid(z1)
    predicted = sigmoid(z2)
    return (predicted - y) * sigmoid(z2) * (1 - sigmoid(z2)) * w2 * sigmoid(z1) * (1 - sigmoid(z1)) * x


def main(out: Path) -> dict[str, float]:
    by_hand = seed_formula(**POINT)
    comparison = sd.compare(NETWORK, at=POINT, wrt=["w1"])
    row = comparison.rows[0]
    print("the network, as a symdiff program:")
    print("\n".join(f"  {line.strip()}" for line in NETWORK.split(";")))
    print(f"the seed's formula by hand: ∂L/∂w1 = {by_hand:.15g}")
    print()
    print(comparison)
    print()
    derivation = sd.steps(NETWORK, "w1", detail="key", at=POINT)
    print("the chain rule written out (key steps), every step verified:", derivation.verified)
    print(derivation.to_text())
    print()
    tape = sd.Tape(NETWORK)
    print("the tape, as backpropagation sees it:")
    print(tape.trace(POINT))
    out.mkdir(parents=True, exist_ok=True)
    dot = tape.to_dot(POINT)
    written = write_graph(out / "network.dot", dot)
    if shutil.which("dot"):
        written = write_graph(out / "network.svg", dot)
    print(f"the computational graph: {written}")
    print()
    layered = sd.steps(LAYERS, "W1")
    print("the same chain with layers (x: 3 inputs, 4 hidden units), every step verified:", layered.verified)
    print(layered.to_text())
    return {"by_hand": by_hand, "reference": float(row.reference), "autodiff": row.autodiff.value}  # type: ignore[union-attr]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("examples/output"), help="where to save the graph")
    main(parser.parse_args().out)
