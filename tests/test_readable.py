"""Derivatives written as a teacher writes them, in the plain answer and as the last line of --steps.

Each form is checked against sympy.diff of the same function built with SymPy itself, and the
text must read back through the parser to the same expression (sec and csc included).
"""

from __future__ import annotations

import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli

X = sp.Symbol("x", real=True)

TEXTBOOK = [
    # the quotient rule: one fraction, the numerator multiplied out, the denominator as written
    ("(x^2 + 1)/(x - 1)", (X**2 + 1) / (X - 1), "(x^2 - 2x - 1)/(x - 1)^2"),
    ("(x + 1)/(x - 1)", (X + 1) / (X - 1), "-2/(x - 1)^2"),
    ("x^3/(x^2 + 1)", X**3 / (X**2 + 1), "x^2*(x^2 + 3)/(x^2 + 1)^2"),  # a factored numerator stays so
    ("exp(x)/x", sp.exp(X) / X, "(x - 1)*exp(x)/x^2"),
    ("log(x)/x", sp.log(X) / X, "(1 - log(x))/x^2"),
    # tan and cot: sec² and csc², where SymPy writes tan² + 1 and -cot² - 1
    ("tan(x)", sp.tan(X), "sec(x)^2"),
    ("tan(2x + 1)", sp.tan(2 * X + 1), "2sec(2x + 1)^2"),
    ("x tan(x)", X * sp.tan(X), "x*sec(x)^2 + tan(x)"),
    ("tan(x)^2", sp.tan(X) ** 2, "2*tan(x)*sec(x)^2"),
    ("tan(x) + x", sp.tan(X) + X, "sec(x)^2 + 1"),
    ("cot(x)", sp.cot(X), "-csc(x)^2"),
    ("tan(x) - x", sp.tan(X) - X, "tan(x)^2"),  # sec² - 1 would be longer: kept
    # roots, logarithms of products, exponentials times polynomials
    ("sqrt(1 + x^2)", sp.sqrt(1 + X**2), "x/sqrt(x^2 + 1)"),
    ("sqrt(sin(x))", sp.sqrt(sp.sin(X)), "cos(x)/(2*sqrt(sin(x)))"),
    ("log(x*(x + 1))", sp.log(X * (X + 1)), "(2x + 1)/(x*(x + 1))"),
    ("exp(x) x^2", sp.exp(X) * X**2, "x*(x + 2)*exp(x)"),
    ("x exp(-x)", X * sp.exp(-X), "(1 - x)*exp(-x)"),
    # kept as they are: the product-rule shape, and 1 - tanh² as backpropagation writes it
    ("x^2 sin(x)", X**2 * sp.sin(X), "x^2*cos(x) + 2*x*sin(x)"),
    ("tanh(x)", sp.tanh(X), "1 - tanh(x)^2"),
]


@pytest.mark.parametrize(("text", "f", "readable"), TEXTBOOK, ids=[t for t, _, _ in TEXTBOOK])
def test_the_answer_reads_as_in_a_textbook(text: str, f: sp.Expr, readable: str) -> None:
    derivative = sd.diff(text, "x")
    assert sd.to_text(derivative) == readable
    assert _same(derivative, sp.diff(f, X))
    assert _same(sd.parse(readable), derivative)  # the text reads back


def _same(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal as functions: simplify decides, in sines and cosines where sec² - tan² = 1 is needed."""
    return bool(sp.simplify(a - b) == 0 or sp.simplify((a - b).rewrite(sp.cos)) == 0)


@pytest.mark.parametrize(("text", "f", "readable"), TEXTBOOK, ids=[t for t, _, _ in TEXTBOOK])
def test_the_derivation_ends_where_the_answer_does(text: str, f: sp.Expr, readable: str) -> None:
    derivation = sd.steps(text, "x")
    assert derivation.verified and derivation.result == sd.diff(text, "x")


def test_the_command_line_writes_the_same(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["(x^2+1)/(x-1)", "--wrt", "x"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "df/dx = (x^2 - 2x - 1)/(x - 1)^2"
    assert cli.main(["tan(x)", "--wrt", "x", "--steps"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("d/dx(tan(x)) = tan(x)^2 + 1") and "sec(x)^2" in lines[1] and "simplify" in lines[1]


def test_sec_and_csc_print_and_read_back_in_latex_too() -> None:
    assert sd.to_latex(sd.diff("tan(x)", "x")) == r"\sec^{2}{\left(x \right)}"
    assert sd.parse("sec(x)^2 - csc(x)^2") == sp.sec(X) ** 2 - sp.csc(X) ** 2


def test_a_large_derivative_is_left_as_differentiated() -> None:
    """The textbook forms are tried inside tidy's size guard (limits.tidy_ops): they cost nothing on big results."""
    small = sd.diff("tan(x) + x^3", "x")
    large = sd.diff("tan(x) + " + " + ".join(f"sin({k}x)/{k}" for k in range(1, 80)), "x")
    assert small.has(sp.sec) and not large.has(sp.sec) and large.has(sp.tan(X) ** 2)
