"""Views of backpropagation in matrix form (a ``MatrixDerivation``): text, LaTeX, Markdown, JSON.

Each line of the program the derivation goes back through is a heading; under it, one row
per step: its symbol, what it stands for (δ₁ = ∂L/∂(W1 x + b1)), its formula in terms of the
steps above, and the rule. The result follows, with how it was verified.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from ..language.array_printing import tensor_latex, tensor_text
from ..language.arrays import Tensor
from ..language.printing import derivative_latex, derivative_text, name_latex
from .jsonutil import dumps, number

if TYPE_CHECKING:
    from ..stepwise.matrix import MatrixDerivation, MatrixStep

TEXT_COLUMN = 54  # the rules line up after formulas this long


def _display(d: MatrixDerivation, latex: bool) -> Callable[[str], str]:
    """Steps by their symbols; in text, ∂L/∂h in parentheses (a product written after it would read as part of it)."""

    def show(name: str) -> str:
        symbol = d.symbols.get(name)
        if symbol is not None:
            return symbol.latex if latex else symbol.text if symbol.meaning else f"({symbol.text})"
        return name_latex(name) if latex else name

    return show


def _text(d: MatrixDerivation, t: Tensor, whole: bool = False) -> str:
    if not whole and t in d.names and t.kind == "op":
        return d.names[t]
    if t.kind == "input" and t.name in d.symbols:  # a step that is another step's value
        return d.symbols[t.name].text
    return tensor_text(t, d.names, pretty=True, display=_display(d, False))


def _latex(d: MatrixDerivation, t: Tensor, whole: bool = False) -> str:
    if not whole and t in d.names and t.kind == "op":
        return name_latex(d.names[t])
    return tensor_latex(t, d.names, display=_display(d, True))


def _line(d: MatrixDerivation, name: str, latex: bool) -> str:
    definition = next(x for x in d.program.definitions if x.name == name)
    if latex:
        return f"{name_latex(name)} = {_latex(d, definition.expression, whole=True)}"
    return f"{name} = {_text(d, definition.expression, whole=True)}"


def _step_text(d: MatrixDerivation, step: MatrixStep) -> str:
    parts = [step.symbol.text, *([step.symbol.meaning] if step.symbol.meaning else []), _text(d, step.formula)]
    return " = ".join(parts)


def _step_latex(d: MatrixDerivation, step: MatrixStep) -> str:
    meaning = [step.symbol.meaning_latex] if step.symbol.meaning_latex else []
    return " = ".join([step.symbol.latex, *meaning, _latex(d, step.formula)])


def _result(d: MatrixDerivation, latex: bool) -> str:
    formula = d.result[d.wrt]
    if latex:
        return f"{derivative_latex(d.function, (d.wrt,))} = {d.result.formula_latex(d.wrt)}"
    return f"{derivative_text(d.function, (d.wrt,))} = {_text(d, formula)}"


def _checked(d: MatrixDerivation) -> str:
    steps = "every step agrees" if all(s.verified for s in d.steps) else "NOT every step agrees"
    return f"{steps} with the tape's adjoints at random values; the result is {d.result.verification.summary()}"


def text(d: MatrixDerivation) -> str:
    lines = [f"{derivative_text(d.function, (d.wrt,))} by backpropagation, one line of the program at a time"]
    lines += [_line(d, x.name, latex=False) for x in d.program.definitions]
    lines.append("")
    for name, steps in d.lines():
        lines.append(f"through {_line(d, name, latex=False)}")
        for step in steps:
            row = f"  ({step.number}) {_step_text(d, step)}"
            lines.append(f"{row.ljust(TEXT_COLUMN)}  {step.name}" if len(row) < TEXT_COLUMN else f"{row}  {step.name}")
    lines += ["", _result(d, latex=False), _checked(d)]
    return "\n".join(lines)


def _escaped(words: str) -> str:
    return words.replace("δ", "$\\delta$").replace("⊙", "$\\odot$")


def latex(d: MatrixDerivation) -> str:
    rows = []
    for name, steps in d.lines():
        rows.append(f"&\\text{{through }} {_line(d, name, latex=True)}")
        rows += [f"&\\quad {_step_latex(d, s)} \\qquad \\text{{{_escaped(s.name)}}}" for s in steps]
    rows.append(f"&{_result(d, latex=True)}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def markdown(d: MatrixDerivation) -> str:
    parts = [f"**{derivative_text(d.function, (d.wrt,))} by backpropagation in matrix form**", ""]
    for name, steps in d.lines():
        parts.append(f"Through ${_line(d, name, latex=True)}$:")
        parts.append("")
        for s in steps:
            parts.append(f"{s.number}. ${_step_latex(d, s)}$ ({s.name})")
        parts.append("")
    parts += ["Result:", "", f"$$\n{_result(d, latex=True)}\n$$", "", _checked(d)[0].upper() + _checked(d)[1:] + "."]
    return "\n".join(parts) + "\n"


def json_text(d: MatrixDerivation) -> str:
    return dumps(data(d))


def json_many(derivations: Sequence[MatrixDerivation]) -> str:
    """Derivations of one program by several variables as one JSON object."""
    first = derivations[0]
    return dumps(
        {
            "expression": str(first.program),
            "variables": list(first.program.shapes),
            "derivations": [data(d) for d in derivations],
            "verified": all(d.verified for d in derivations),
        }
    )


def data(d: MatrixDerivation) -> dict[str, Any]:
    return {
        "expression": str(d.program),
        "function": d.function,
        "wrt": d.wrt,
        "steps": [
            {
                "number": s.number,
                "line": s.line,
                "symbol": s.symbol.text,
                "meaning": s.symbol.meaning,
                "formula": _text(d, s.formula),
                "latex": _step_latex(d, s),
                "expanded": _text(d, s.expanded),
                "rule": s.rule,
                "name": s.name,
                "error": number(s.error),
                "verified": s.verified,
            }
            for s in d.steps
        ],
        "result": {"pretty": _text(d, d.result[d.wrt]), "latex": d.result.formula_latex(d.wrt)},
        "verified": d.verified,
        "verification": d.result.verification.summary(),
    }
