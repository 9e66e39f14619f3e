"""Views of an implicit derivative: text, JSON, LaTeX and Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mpmath

from ..language.printing import derivative_latex, derivative_text, name_latex, to_latex, to_text
from .jsonutil import dumps

if TYPE_CHECKING:
    from ..comparison.implicit import ImplicitCheck, ImplicitDerivative
    from ..stepwise.implicit import ImplicitDerivation

DIGITS = 15  # shown; the check itself is at 50


def _number(value: mpmath.mpf) -> str:
    """15 digits; a whole number as one (3, not 3.0), and 1e-58 next to numbers of size 1 as 0."""
    with mpmath.workdps(60):
        value = mpmath.chop(value, tol=mpmath.mpf(10) ** -40)
        if mpmath.isint(value) and abs(value) < 10**15:
            return str(int(value))
        return str(mpmath.nstr(value, DIGITS))


def _symbol(d: ImplicitDerivative) -> str:
    return derivative_text(d.y, [d.x] * d.order, ordinary=True)


def equation_text(d: ImplicitDerivative) -> str:
    return f"{to_text(d.lhs)} = {to_text(d.rhs)}"


def point_line(d: ImplicitDerivative, c: ImplicitCheck) -> str:
    how = f"{d.y} found on the curve by findroot" if c.given_y is None else "on the curve"
    if c.given_y is not None and c.given_y != c.y:
        how = f"{d.y} refined to the curve from {_number(c.given_y)}"
    return f"at {d.x} = {_number(c.x)}, {d.y} = {_number(c.y)} ({how})"


def verdict_line(d: ImplicitDerivative, c: ImplicitCheck) -> str:
    if c.agree:
        return f"✓ the formula agrees with mpmath.diff of the implicitly defined {d.y}({d.x}) to 20 digits"
    return f"✗ the formula and mpmath.diff of {d.y}({d.x}) differ by {_number(c.formula - c.numeric)}"


def text(d: ImplicitDerivative) -> str:
    lines = [equation_text(d), f"{_symbol(d)} = {to_text(d.derivative)}"]
    c = d.check
    numeric = f"mpmath.diff of {d.y}({d.x})"
    if c is not None:
        lines += [
            point_line(d, c),
            f"  {'the formula':<{len(numeric)}}  {_number(c.formula)}",
            f"  {numeric}  {_number(c.numeric)}",
            verdict_line(d, c),
        ]
    return "\n".join(lines)


def data(d: ImplicitDerivative) -> dict[str, Any]:
    result: dict[str, Any] = {
        "equation": equation_text(d),
        "y": d.y,
        "x": d.x,
        "order": d.order,
        "derivative": to_text(d.derivative),
        "latex": to_latex(d.derivative),
    }
    c = d.check
    if c is not None:
        with mpmath.workdps(60):
            result["check"] = {
                "x": mpmath.nstr(c.x, 50),
                "y": mpmath.nstr(c.y, 50),
                "y_found": c.given_y is None,
                "formula": mpmath.nstr(c.formula, 50),
                "numeric": mpmath.nstr(c.numeric, 50),
                "agree": c.agree,
            }
    result["agree"] = d.agree
    return result


def json_text(d: ImplicitDerivative) -> str:
    return dumps(data(d))


def latex(d: ImplicitDerivative) -> str:
    rows = [
        rf"{to_latex(d.lhs)} &= {to_latex(d.rhs)}",
        rf"{derivative_latex(d.y, [d.x] * d.order, ordinary=True)} &= {to_latex(d.derivative)}",
    ]
    c = d.check
    if c is not None:
        where = rf"{name_latex(d.x)} = {_number(c.x)},\ {name_latex(d.y)} = {_number(c.y)}"
        rows.append(rf"\text{{at }} {where}: &\quad {_number(c.formula)}")
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def markdown(d: ImplicitDerivative) -> str:
    c = d.check
    return f"$$\n{latex(d)}\n$$" + ("" if c is None else f"\n\n{verdict_line(d, c)}")


def _rate(d: ImplicitDerivation) -> str:
    return derivative_text(d.y, [d.x], ordinary=True)


def steps_text(d: ImplicitDerivation) -> str:
    from . import steps

    left, right = (to_text(side) for side in d.differentiated)
    solved = "verified: it equals -F_x/F_y" if d.solution_verified else "NOT verified: it differs from -F_x/F_y"
    return "\n".join(
        [
            steps.text(d.left),
            steps.text(d.right),
            f"so {left} = {right}",
            f"solved for {_rate(d)}: {_rate(d)} = {to_text(d.solved)}  ({solved})",
        ]
    )


def steps_latex(d: ImplicitDerivation) -> str:
    from . import steps

    left, right = (to_latex(side) for side in d.differentiated)
    rate = derivative_latex(d.y, [d.x], ordinary=True)
    solved = rf"\begin{{aligned}}{left} &= {right} \\ {rate} &= {to_latex(d.solved)}\end{{aligned}}"
    return "\n".join([steps.latex(d.left), steps.latex(d.right), solved])
