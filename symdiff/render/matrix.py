"""Views of matrix formulas: definitions first, then ∂L/∂W1 = δ₁ xᵀ, in text, LaTeX, Markdown and JSON."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..language.array_printing import tensor_latex, tensor_text
from ..language.arrays import Tensor
from ..language.printing import name_latex
from .jsonutil import dumps

if TYPE_CHECKING:
    from ..symbolic.matrix_check import Verification
    from ..symbolic.matrix_result import MatrixDerivative, MatrixGradient, Notation


def _display(notation: Notation, style: str) -> Callable[[str], str]:
    """How names are shown: shared values as δ₁ (pretty) or \\delta_{1} (LaTeX), others as they are."""
    shown = notation.shown
    if style == "pretty":
        return lambda name: shown[name][0] if name in shown else name
    if style == "latex":
        return lambda name: shown[name][1] if name in shown else name_latex(name)
    return str


def formula_text(notation: Notation, formula: Tensor, pretty: bool = True, *, whole: bool = False) -> str:
    """A formula in terms of the definitions (a formula that is one of them is written by its name)."""
    display = _display(notation, "pretty" if pretty else "text")
    if formula in notation.names and not whole and formula.kind == "op":
        return display(notation.names[formula])
    return tensor_text(formula, notation.names, pretty=pretty, display=display)


def formula_latex(notation: Notation, formula: Tensor, *, whole: bool = False) -> str:
    display = _display(notation, "latex")
    if formula in notation.names and not whole and formula.kind == "op":
        return display(notation.names[formula])
    return tensor_latex(formula, notation.names, display=display)


def _definition_lines(notation: Notation, pretty: bool) -> list[str]:
    display = _display(notation, "pretty" if pretty else "text")
    return [
        f"{display(name)} = {formula_text(notation, node, pretty, whole=True)}" for name, node in notation.definitions
    ]


def _definition_rows(notation: Notation) -> list[str]:
    display = _display(notation, "latex")
    return [f"{display(name)} &= {formula_latex(notation, node, whole=True)}" for name, node in notation.definitions]


def _aligned(rows: Sequence[str]) -> str:
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def gradient_text(g: MatrixGradient, pretty: bool) -> str:
    labels = g.labels()
    lines = _definition_lines(g.notation, pretty)
    lines += [f"{labels[name][0]} = {formula_text(g.notation, formula, pretty)}" for name, formula in g.items()]
    return "\n".join([*lines, g.verification.summary()])


def gradient_latex(g: MatrixGradient) -> str:
    labels = g.labels()
    rows = _definition_rows(g.notation)
    rows += [f"{labels[name][1]} &= {formula_latex(g.notation, formula)}" for name, formula in g.items()]
    return _aligned(rows)


def gradient_markdown(g: MatrixGradient) -> str:
    return f"$$\n{gradient_latex(g)}\n$$\n\n{_sentence(g.verification)}\n"


def _sentence(verification: Verification) -> str:
    summary = verification.summary()
    return summary[0].upper() + summary[1:] + "."


def _definitions_data(notation: Notation) -> list[dict[str, Any]]:
    data = []
    for name, node in notation.definitions:
        data.append(
            {
                "name": name,
                "shape": list(node.shape),
                "expression": formula_text(notation, node, False, whole=True),
                "pretty": formula_text(notation, node, True, whole=True),
                "latex": formula_latex(notation, node, whole=True),
            }
        )
    return data


def _formula_data(notation: Notation, wrt: Sequence[str], formula: Tensor, label: tuple[str, str]) -> dict[str, Any]:
    return {
        "wrt": list(wrt),
        "shape": list(formula.shape),
        "label": label[0],
        "expression": formula_text(notation, formula, False),
        "pretty": formula_text(notation, formula, True),
        "latex": formula_latex(notation, formula),
        "label_latex": label[1],
    }


def _verification_data(verification: Verification) -> dict[str, Any]:
    return {
        "verified": verification.ok,
        "summary": verification.summary(),
        "checks": [
            {"formula": c.formula, "against": c.against, "sizes": c.sizes, "error": c.error, "compared": c.compared}
            for c in verification.checks
        ],
    }


def gradient_json(g: MatrixGradient) -> str:
    labels = g.labels()
    return dumps(
        {
            "expression": str(g.program),
            "function": g.function,
            "variables": list(g),
            "definitions": _definitions_data(g.notation),
            "derivatives": [_formula_data(g.notation, (n,), f, labels[n]) for n, f in g.items()],
            **_verification_data(g.verification),
        }
    )


def derivative_text(d: MatrixDerivative, pretty: bool) -> str:
    lines = _definition_lines(d.notation, pretty)
    lines.append(f"{d.label()[0]} = {formula_text(d.notation, d.formula, pretty)}")
    return "\n".join([*lines, d.verification.summary()])


def derivative_latex(d: MatrixDerivative) -> str:
    return _aligned([*_definition_rows(d.notation), f"{d.label()[1]} &= {formula_latex(d.notation, d.formula)}"])


def derivative_markdown(d: MatrixDerivative) -> str:
    return f"$$\n{derivative_latex(d)}\n$$\n\n{_sentence(d.verification)}\n"


def derivative_json(d: MatrixDerivative) -> str:
    return dumps(
        {
            "expression": str(d.program),
            "function": d.function,
            "definitions": _definitions_data(d.notation),
            "derivative": _formula_data(d.notation, d.wrt, d.formula, d.label()),
            **_verification_data(d.verification),
        }
    )
