"""Views of an answer check: text, JSON, LaTeX and Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..language.printing import derivative_latex, derivative_text, name_latex, to_latex, to_text
from .jsonutil import dumps

if TYPE_CHECKING:
    from ..comparison.answer import AnswerCheck, Counterexample


def _where(point: dict[str, Any]) -> str:
    return ", ".join(f"{name} = {to_text(value)}" for name, value in point.items())


def _symbol(check: AnswerCheck) -> str:
    return derivative_text("f", check.wrt, len(check.variables) <= 1)


def verdict_line(check: AnswerCheck) -> str:
    """One line: ✓ or ✗ and why."""
    if check.verdict == "equivalent" and check.how == "symbolic":
        return "✓ equivalent: their difference simplifies to 0"
    note = f" ({check.note})" if check.note else ""
    if check.verdict == "equivalent":
        return (
            f"✓ equivalent at every one of {check.points} points of f's domain tried (to 30 digits), "
            f"though SymPy could not simplify their difference to 0{note}"
        )
    if check.verdict == "undecided":
        return f"? undecided: {check.note}"
    assert check.counterexample is not None
    return "✗ not equivalent: " + _counter(check.counterexample, _symbol(check)) + note


def _counter(c: Counterexample, symbol: str) -> str:
    where = _where(c.point)
    if c.answer is None:
        return f"at {where}, {symbol} = {to_text(c.derivative)} but the answer is undefined there"
    return (
        f"at {where}, {symbol} = {to_text(c.derivative)} but the answer is {to_text(c.answer)} "
        f"(off by {to_text(c.difference)})"
    )


def text(check: AnswerCheck) -> str:
    variables = ", ".join(check.variables)
    lines = [
        f"f({variables}) = {to_text(check.expression)}",
        f"{_symbol(check)} = {to_text(check.derivative)}",
        f"answer: {to_text(check.answer)}",
        verdict_line(check),
    ]
    return "\n".join(lines)


def data(check: AnswerCheck) -> dict[str, Any]:
    result: dict[str, Any] = {
        "expression": to_text(check.expression),
        "wrt": list(check.wrt),
        "derivative": to_text(check.derivative),
        "answer": to_text(check.answer),
        "verdict": check.verdict,
        "how": check.how,
        "points": check.points,
        "equivalent": check.ok,
    }
    c = check.counterexample
    if c is not None:
        result["counterexample"] = {
            "at": {name: to_text(v) for name, v in c.point.items()},
            "derivative": to_text(c.derivative),
            "answer": None if c.answer is None else to_text(c.answer),
            "difference": None if c.difference is None else to_text(c.difference),
        }
    return result


def json_text(check: AnswerCheck) -> str:
    return dumps(data(check))


def latex(check: AnswerCheck) -> str:
    symbol = derivative_latex("f", check.wrt, len(check.variables) <= 1)
    rows = [rf"{symbol} &= {to_latex(check.derivative)}", rf"\text{{answer}} &= {to_latex(check.answer)}"]
    c = check.counterexample
    if c is not None:
        where = ", ".join(f"{name_latex(n)} = {to_latex(v)}" for n, v in c.point.items())
        shown = r"\text{undefined}" if c.answer is None else to_latex(c.answer)
        rows.append(rf"\text{{at }} {where}: \quad {to_latex(c.derivative)} &\ne {shown}")
    body = " \\\\\n".join(rows)
    return "\\begin{aligned}\n" + body + "\n\\end{aligned}"


def markdown(check: AnswerCheck) -> str:
    return f"$$\n{latex(check)}\n$$\n\n{verdict_line(check)}"
