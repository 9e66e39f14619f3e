"""Text and Markdown views of a ``GradientCheck``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language.printing import derivative_latex, formula_text
from .comparison import _function_latex, _names, _point_latex, error_text, reference_text, value_text

if TYPE_CHECKING:
    from ..comparison.check import GradientCheck

_MARKS = {"agree": "ok", "explained": "explained", "disagree": "WRONG"}


def _cells(check: GradientCheck) -> list[tuple[str, str, str, str, str]]:
    """(yours, reference, finite difference, error, mark) per partial derivative."""
    return [
        (
            value_text(partial.yours.value),
            reference_text(row.reference),
            value_text(row.finite.value) if row.finite else "-",
            error_text(partial.yours),
            _MARKS[partial.verdict],
        )
        for partial, row in zip(check.partials, check.comparison.rows, strict=True)
    ]


def _notes(check: GradientCheck) -> list[str]:
    cmp = check.comparison
    return [f"∂{cmp.function}/∂{row.wrt[0]}: {e.message}" for row in cmp.rows for e in row.explanations]


def _verdict(check: GradientCheck) -> str:
    return "✓ your gradient agrees" if check.ok else "✗ your gradient is wrong where marked WRONG"


def text(check: GradientCheck) -> str:
    cmp = check.comparison
    formula = formula_text(cmp.expression)
    lines = [f"checking a gradient of {cmp.function} = {formula}", ""]
    table = [("", "yours", "reference", "finite difference", "error", "")]
    for partial, cells in zip(check.partials, _cells(check), strict=True):
        table.append((f"∂{cmp.function}/∂{partial.variable}", *cells))
    widths = [max(len(r[k]) for r in table) for k in range(6)]
    for r in table:
        lines.append("  ".join([r[0].ljust(widths[0]), *(r[k].rjust(widths[k]) for k in range(1, 5)), r[5]]).rstrip())
    return "\n".join([*lines, *_notes(check), _verdict(check)])


def markdown(check: GradientCheck) -> str:
    """A Markdown table with the derivatives as inline math (for notebooks and documents)."""
    cmp = check.comparison
    names = _names(cmp)
    lines = [f"checking a gradient of ${_function_latex(cmp, names)}$ at ${_point_latex(cmp, names)}$", ""]
    lines += ["| | yours | reference | finite difference | error | |", "|---|---:|---:|---:|---:|---|"]
    for partial, (*numbers, mark) in zip(check.partials, _cells(check), strict=True):
        label = f"${derivative_latex(cmp.function, [partial.variable], cmp.ordinary, names)}$"
        lines.append("| " + " | ".join([label, *numbers, f"**{mark}**" if mark == "WRONG" else mark]) + " |")
    notes = _notes(check)
    lines += ["", *(f"- {note}" for note in notes), ""] if notes else [""]
    return "\n".join([*lines, _verdict(check)])
