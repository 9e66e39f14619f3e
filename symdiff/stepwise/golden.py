"""The derivations in ``docs/derivations/``: the seed tutorials' worked examples, step by step.

Regenerate them after changing a rule or a renderer (a test checks they are up to date)::

    python -m symdiff.stepwise.golden docs/derivations
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import steps
from .record import Detail


@dataclass(frozen=True)
class Example:
    name: str
    title: str
    expression: str
    wrt: str
    detail: Detail = "full"
    at: Mapping[str, Any] | None = field(default=None)

    def call(self) -> str:
        """The Python call that writes this derivation."""
        options = "" if self.detail == "full" else f", detail={self.detail!r}"
        options += "" if self.at is None else f", at={dict(self.at)!r}"
        return f"symdiff.steps({self.expression!r}, {self.wrt!r}{options})"


TANH_NETWORK = "h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2"
SIGMOID_NETWORK = "h = sigmoid(w1*x); y = sigmoid(w2*h); L = (y - t)^2"
NETWORK_POINT = {"x": 1.5, "t": 0.25, "w1": 0.5, "w2": -0.75}

EXAMPLES: tuple[Example, ...] = (
    Example("polynomial", "f(x) = 3x² − 4x + 5, and f′(3) = 14", "3x^2 - 4x + 5", "x", at={"x": 3}),
    Example("abc-a", "d = ab + c with respect to a", "d = a*b + c", "a"),
    Example("abc-b", "d = ab + c with respect to b", "d = a*b + c", "b"),
    Example("abc-c", "d = ab + c with respect to c", "d = a*b + c", "c"),
    Example("tanh-network", "Two tanh layers and a squared error, by backpropagation", TANH_NETWORK, "w1"),
    Example(
        "tanh-network-at-a-point",
        "The same network at a point: every factor's value",
        TANH_NETWORK,
        "w1",
        "compact",
        NETWORK_POINT,
    ),
    Example("sigmoid-network", "output = σ(w₂·σ(w₁·x)) with a squared error", SIGMOID_NETWORK, "w1", "compact"),
    Example("product-rule", "x² sin x: product rule", "x^2 sin(x)", "x"),
    Example("cot-cot-full", "cot(cot x) in full detail", "cot(cot(x))", "x"),
    Example("cot-cot-compact", "cot(cot x) in compact detail", "cot(cot(x))", "x", "compact"),
)


def documents() -> dict[str, str]:
    """File name → content of every golden derivation (Markdown and LaTeX)."""
    files: dict[str, str] = {}
    for example in EXAMPLES:
        derivation = steps(example.expression, example.wrt, detail=example.detail, at=example.at)
        files[f"{example.name}.tex"] = derivation.to_latex() + "\n"
        files[f"{example.name}.md"] = (
            f"# {example.title}\n\n`{example.call()}.to_markdown()`\n\n{derivation.to_markdown()}\n"
        )
    return files


def main(argv: list[str]) -> int:
    directory = Path(argv[0] if argv else "docs/derivations")
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in documents().items():
        (directory / name).write_text(content, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
