"""Differentiation cases transcribed from five peers' own test suites, as plain data.

Each case names where it comes from (``source``: "owner/repo path") and says what the peer
expects. Symbolic cases (mathjs, GiNaC, SymPy, Symbolics.jl) give the expression in symdiff's
language, what to differentiate by, and the peer's answer: as text in symdiff's language (the
peer's own answer, transcribed) or built in Python with SymPy's classes and ``sympy.diff``
(never read from text). Numeric cases (numdifftools) give a function, a point, the order and
the value the peer expects, with the tolerance the peer's own test allows for its value.

A case symdiff deliberately refuses (it is outside the language: complex numbers, matrices,
operators, user-defined Julia functions) carries ``refused="why"``; the test holds symdiff to
refusing it with a one-line ``SymdiffError``.

``tests/test_peer_suites.py`` runs every case; ``benchmarks/peer_suites.py`` counts them.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import sympy as sp


@dataclass(frozen=True)
class Symbolic:
    """One symbolic derivative a peer's suite checks.

    Attributes:
        source: "owner/repo path" of the peer's test file.
        expr: the expression (or program) in symdiff's language.
        wrt: the variable; a tuple of variables is the mixed partial by each in turn.
        expected: the peer's answer, as text in symdiff's language (read with the case's
            declarations) or a function building it in SymPy; None for a refused case.
        order: the order of the derivative by ``wrt`` (a name such as ``"n"`` for the n-th).
        at: a point at which every method is compared (``symdiff.compare``).
        functions, depends: the case's declarations (unknown functions, declared dependence).
        domain: where random points for the numeric equality check are drawn (every variable).
        implicit: the dependent variable of an implicit equation (``symdiff.implicit``).
        distributions: keep Dirac deltas (``symdiff.diff(..., distributions=True)``).
        refused: why symdiff refuses the case; empty when it must answer.
        disputed: why the peer's own answer (``peer_answer``) is wrong; ``expected`` is then the
            right one, built with ``sympy.diff``, and symdiff must give it, not the peer's.
    """

    source: str
    expr: str
    wrt: str | tuple[str, ...]
    expected: str | Callable[[], sp.Expr] | None
    order: int | str = 1
    at: Mapping[str, float] | None = None
    functions: tuple[str, ...] = ()
    depends: Mapping[str, str] | None = None
    domain: tuple[float, float] = (0.1, 0.45)
    implicit: str = ""
    distributions: bool = False
    refused: str = ""
    disputed: str = ""
    peer_answer: str = ""


@dataclass(frozen=True)
class Numeric:
    """One numeric derivative a peer's suite checks (numdifftools).

    Attributes:
        source: "owner/repo path" of the peer's test file.
        expr: the function in symdiff's language.
        at: the point.
        wrt: the variable (``kind="derivative"``), or the variables of a gradient or Hessian.
        order: the order of the derivative (``kind="derivative"``).
        expected: the peer's value: a number, a tuple for a gradient, a tuple of tuples for a
            Hessian.
        kind: "derivative", "gradient" or "hessian".
        tol: how far from ``expected`` the peer's own test lets a right answer be (the digits it
            printed, its ``atol``); symdiff's error bound is added to it.
        refused: why symdiff refuses the case; empty when it must answer.
    """

    source: str
    expr: str
    at: Mapping[str, float]
    expected: float | tuple[float, ...] | tuple[tuple[float, ...], ...] | None
    wrt: str | tuple[str, ...] = "x"
    order: int = 1
    kind: str = "derivative"
    tol: float = 0.0
    refused: str = ""


x, y, z, a, b, c, t = sp.symbols("x y z a b c t", real=True)

# --- mathjs ---------------------------------------------------------------------------------

MATHJS_SOURCE = "josdejong/mathjs test/unit-tests/function/algebra/derivative.test.js"


def _mathjs(expr: str, expected: str | Callable[[], sp.Expr] | None, wrt: str = "x", **options: object) -> Symbolic:
    return Symbolic(MATHJS_SOURCE, expr, wrt, expected, **options)  # type: ignore[arg-type]


# mathjs's own answers, unsimplified, are valid symdiff text as they stand.
MATHJS: tuple[Symbolic, ...] = (
    _mathjs("1", "0"),
    _mathjs("10000000", "0"),
    _mathjs("2x", "2"),
    _mathjs("sin(2x)", "2 * cos(2 x)", at={"x": 0.3}),
    _mathjs("x", "1"),
    _mathjs("(1)", "(0)"),
    _mathjs("(x)", "(1)"),
    _mathjs("f(x) = 5x + x + 2; f(x)", "5 * 1 + 1 + 0"),
    _mathjs("f(x) = 5 + 2; f(x)", "0"),
    _mathjs("f(y) = 5y + 2; f(y)", "0"),
    _mathjs(
        "f(x) = 5x + x + 2",
        None,
        refused="a function definition alone has no expression to differentiate: write f(x) after it",
    ),
    _mathjs("f(u) = u + 2; 5x + f(x)", "5 * 1 + 1 + 0"),
    _mathjs("1 + 2", "0"),
    _mathjs("-100^2 + 3*3/2 - 12", "0"),
    _mathjs("3 * 7^4 * 123.124", "0"),
    _mathjs("-4x", "-4 * 1"),
    _mathjs("+4x", "+4 * 1"),
    _mathjs("3 * x * sin(x)", "3 * (1 * sin(x) + x * 1 * cos(x))", at={"x": 0.3}),
    _mathjs("5x + x + 2", "5 * 1 + 1 + 0"),
    _mathjs("5x - x - 2", "5 * 1 - 1 - 0"),
    _mathjs("x + sin(x) + 5x", "1 + 1 * cos(x) + 5 * 1"),
    _mathjs(
        "x * sin(x) * 5x",
        "1 * sin(x) * 5 x + x * 1 * cos(x) * 5 x + x * sin(x) * 5 * 1",
        at={"x": 0.3},
    ),
    _mathjs("2(x + x)", "2 * (1 + 1)"),
    _mathjs("(x + x)*2", "2 * (1 + 1)"),
    _mathjs("5x*3x", "5 * 1 * 3 x + 5 x * 3 * 1"),
    _mathjs("7x / 2", "7 * 1 / 2"),
    _mathjs("5 / (3x)", "-5 * (3 * 1) / (3 x) ^ 2", at={"x": 0.3}),
    _mathjs("(2x) / (3x + 2)", "((2 * 1) * (3 x + 2) - (2 x) * (3 * 1 + 0)) / (3 x + 2) ^ 2", at={"x": 0.3}),
    _mathjs("0^(2^x + x^3 + 2)", "0"),
    _mathjs("1^(2^x + x^3 + 2)", "0"),
    _mathjs("10^(2x + 2)", "10 ^ (2 x + 2) * log(10) * (2 * 1 + 0)", at={"x": 0.3}),
    _mathjs("(x^x^x^x)^0", "0"),
    _mathjs("(x+2)^1", "(1 + 0)"),
    _mathjs("2x^2", "2 * 2 * 1 * x ^ (2 - 1)"),
    _mathjs("2x^-2", "2 * -2 * 1 * x ^ (-2 - 1)", at={"x": 0.3}),
    _mathjs(
        "(x^3 + x)^(5x + 2)",
        "(x ^ 3 + x) ^ (5 x + 2) * ((3 * 1 * x ^ (3 - 1) + 1) * (5 x + 2) / (x ^ 3 + x)"
        " + (5 * 1 + 0) * log((x ^ 3 + x)))",
        at={"x": 0.3},
    ),
    _mathjs("-x", "-1"),
    _mathjs("1 - (-x)", "0 - (-1)"),
    _mathjs("cbrt(6x)", "6 * 1 / (3 * (6 x) ^ (2 / 3))", at={"x": 0.3}),
    _mathjs("sqrt(6x)", "6 * 1 / (2 * sqrt(6 x))", at={"x": 0.3}),
    # mathjs's nthRoot(a) is the square root; symdiff's nthroot always names its index
    _mathjs("nthroot(6x, 2)", "6 * 1 / (2 * sqrt(6 x))", at={"x": 0.3}),
    _mathjs("nthroot(6x, 3)", "1 / 3 * 6 * 1 * (6 x) ^ (1 / 3 - 1)", at={"x": 0.3}),
    _mathjs(
        "nthroot(6x, 2x)",
        None,
        refused="nthroot's index must be a whole number (the real n-th root); a variable index is a power",
    ),
    # the same function as a power, with mathjs's answer for nthRoot((6x), (2x))
    _mathjs(
        "(6x)^(1/(2x))",
        "(6 x) ^ (1 / (2 x)) * ((6 * 1) * 1 / (2 x) / (6 x) + (0 * (2 x) - 1 * (2 * 1)) / (2 x) ^ 2 * log((6 x)))",
        at={"x": 0.3},
    ),
    _mathjs("log((6*x))", "(6 * 1) / (6 * x)", at={"x": 0.3}),
    _mathjs("log10((6x))", "(6 * 1) / ((6 x) * log(10))", at={"x": 0.3}),
    _mathjs("log((6x), 10)", "(6 * 1) / ((6 x) * log(10))", at={"x": 0.3}),
    _mathjs(
        "log((2x), (3x))",
        "((2 * 1) / (2 x) * log((3 x)) - log((2 x)) * (3 * 1) / (3 x)) / log((3 x)) ^ 2",
        at={"x": 0.7},
        domain=(0.4, 2.0),
    ),
    _mathjs("log(x)", "1 / x", at={"x": 0.3}),
    _mathjs("sin(2x)", "2 * 1 * cos(2 x)"),
    _mathjs("cos(2x)", "2 * 1 * -sin(2 x)", at={"x": 0.3}),
    _mathjs("tan(2x)", "2 * 1 * sec(2 x) ^ 2", at={"x": 0.3}),
    _mathjs("sec(2x)", "2 * 1 * sec(2 x) * tan(2 x)", at={"x": 0.3}),
    _mathjs("csc(2x)", "-(2 * 1) * csc(2 x) * cot(2 x)", at={"x": 0.3}),
    _mathjs("cot((2x))", "-(2 * 1) * csc((2 x)) ^ 2", at={"x": 0.3}),
    _mathjs("asin((2x))", "(2 * 1) / sqrt(1 - (2 x) ^ 2)", at={"x": 0.3}),
    _mathjs("acos((2x))", "-(2 * 1) / sqrt(1 - (2 x) ^ 2)", at={"x": 0.3}),
    _mathjs("atan((2x))", "(2 * 1) / ((2 x) ^ 2 + 1)", at={"x": 0.3}),
    _mathjs("asec((2x))", "(2 * 1) / (abs((2 x)) * sqrt((2 x) ^ 2 - 1))", at={"x": 0.7}, domain=(0.55, 2.0)),
    _mathjs("acsc((2x))", "-(2 * 1) / (abs((2 x)) * sqrt((2 x) ^ 2 - 1))", at={"x": 0.7}, domain=(0.55, 2.0)),
    _mathjs("acot((2x))", "-(2 * 1) / ((2 x) ^ 2 + 1)", at={"x": 0.3}),
    _mathjs("sinh(2x)", "2 * 1 * cosh(2 x)", at={"x": 0.3}),
    _mathjs("cosh(2x)", "2 * 1 * sinh(2 x)", at={"x": 0.3}),
    _mathjs("tanh(2x)", "2 * 1 * sech(2 x) ^ 2", at={"x": 0.3}),
    _mathjs("sech(2x)", "-(2 * 1) * sech(2 x) * tanh(2 x)", at={"x": 0.3}),
    _mathjs("csch(2x)", "-(2 * 1) * csch(2 x) * coth(2 x)", at={"x": 0.3}),
    _mathjs("coth(2x)", "-(2 * 1) * csch(2 x) ^ 2", at={"x": 0.3}),
    _mathjs("asinh((2x))", "(2 * 1) / sqrt((2 x) ^ 2 + 1)", at={"x": 0.3}),
    _mathjs("acosh((2x))", "(2 * 1) / sqrt((2 x) ^ 2 - 1)", at={"x": 0.7}, domain=(0.55, 2.0)),
    _mathjs("atanh((2x))", "(2 * 1) / (1 - (2 x) ^ 2)", at={"x": 0.3}),
    _mathjs("asech((2x))", "-(2 * 1) / ((2 x) * sqrt(1 - (2 x) ^ 2))", at={"x": 0.3}),
    _mathjs("acsch((2x))", "-(2 * 1) / (abs((2 x)) * sqrt((2 x) ^ 2 + 1))", at={"x": 0.3}),
    _mathjs(
        "acoth((2x))",
        lambda: sp.diff(sp.acoth(2 * x), x),
        at={"x": 0.7},
        domain=(0.55, 2.0),
        disputed="d/du acoth(u) is 1/(1 - u^2), as for atanh; mathjs's rule has the sign flipped",
        peer_answer="-(2 * 1) / (1 - (2 x) ^ 2)",
    ),
    _mathjs("abs(2x)", "2 * 1 * abs(2 x) / (2 x)", at={"x": 0.3}),
    _mathjs("abs(2x)", "2 * 1 * abs(2 x) / (2 x)", at={"x": -0.3}, domain=(-2.0, -0.1)),
    _mathjs("pow(0, 2^x + x^3 + 2)", "0"),
    _mathjs("pow(1, 2^x + x^3 + 2)", "0"),
    _mathjs("pow(10, 2x + 2)", "10 ^ (2 x + 2) * log(10) * (2 * 1 + 0)", at={"x": 0.3}),
    _mathjs("pow(x^x^x^x, 0)", "0"),
    _mathjs("pow(x + 2, 1)", "1 + 0"),
    _mathjs("2 * pow(x, 2)", "2 * 2 * 1 * x ^ (2 - 1)"),
    _mathjs("2 * pow(x, -2)", "2 * -2 * 1 * x ^ (-2 - 1)"),
    _mathjs(
        "pow(x^3 + x, 5x + 2)",
        "(x ^ 3 + x) ^ (5 x + 2) * ((3 * 1 * x ^ (3 - 1) + 1) * (5 x + 2) / (x ^ 3 + x)"
        " + (5 * 1 + 0) * log(x ^ 3 + x))",
        at={"x": 0.3},
    ),
    _mathjs("exp(2x)", "2 * 1 * exp(2 x)", at={"x": 0.3}),
    _mathjs("x + y", "1 + 0"),
    _mathjs("x + log(y)*y", "1 + 0"),
    _mathjs("x + y + z", "1 + 0 + 0"),
    _mathjs("x + log(y)*z", "1 + 0"),
    _mathjs("x + log(y)*x", "1 + log(y) * 1", at={"x": 0.3, "y": 0.4}),
    _mathjs("x^2 + x*y + y^2", "2 * 1 * x ^ (2 - 1) + y * 1 + 0", at={"x": 0.3, "y": -0.4}),
    _mathjs("2x^3", "2 * 3 * 1 * x ^ (3 - 1)"),
    _mathjs("x^2", "2 * x"),
    # mathjs's errors: symdiff refuses the same inputs
    _mathjs("x << 2", None, refused="a bit shift is not arithmetic"),
    _mathjs("subset(x)", None, refused="an unknown function, not declared"),
    _mathjs("sqrt()", None, refused="a wrong number of arguments"),
    _mathjs("sqrt(12, 2x)", None, refused="a wrong number of arguments"),
    _mathjs("[1, 2; 3, 4]", None, refused="a matrix literal: matrices are declared by shape, not written out"),
    _mathjs("x + [1, 2; 3, 4]", None, refused="a matrix literal: matrices are declared by shape, not written out"),
    _mathjs("42", None, wrt="42", refused="a number is not a variable to differentiate by"),
)

# --- GiNaC ----------------------------------------------------------------------------------

GINAC_SOURCE = "AlexeiSheplyakov/GiNaC check/exam_differentiation.cpp"

# exam_differentiation1: a bivariate Laurent polynomial, GiNaC's answers read by its parser
GINAC_POLYNOMIAL = "(3x^-2 + 5x^-1 + 7 + 11x + 13x^2)*(5y^-2 + 7y^-1 + 11 + 13y + 17y^2)"
GINAC_POLY_DX = (
    "121-55/x^2-66/x^3-30/x^3/y^2-42/x^3/y-78/x^3*y-102/x^3*y^2-25/x^2/y^2-35/x^2/y-65/x^2*y"
    "-85/x^2*y^2+77/y+143*y+187*y^2+130*x/y^2+182/y*x+338*x*y+442*x*y^2+55/y^2+286*x"
)
GINAC_POLY_DY = (
    "91-30/x^2/y^3-21/x^2/y^2+39/x^2+102/x^2*y-50/x/y^3-35/x/y^2+65/x+170/x*y-77*x/y^2+143*x"
    "+374*x*y-130/y^3*x^2-91/y^2*x^2+169*x^2+442*x^2*y-110/y^3*x-70/y^3+238*y-49/y^2"
)
GINAC_POLY_DX2 = (
    "286+90/x^4/y^2+126/x^4/y+234/x^4*y+306/x^4*y^2+50/x^3/y^2+70/x^3/y+130/x^3*y+170/x^3*y^2"
    "+130/y^2+182/y+338*y+442*y^2+198/x^4+110/x^3"
)
GINAC_POLY_DY2 = (
    "238+90/x^2/y^4+42/x^2/y^3+102/x^2+150/x/y^4+70/x/y^3+170/x+330*x/y^4+154*x/y^3+374*x"
    "+390*x^2/y^4+182*x^2/y^3+442*x^2+210/y^4+98/y^3"
)


def _e1() -> sp.Expr:
    return y * x**2 + a * x + b


def _ginac_outer(inner: str) -> str:
    """GiNaC's e = b*e2^2 + y*e2 + a with e2 = inner(e1), e1 = y*x^2 + a*x + b, as a program."""
    return f"e1 = y*x^2 + a*x + b; e2 = {inner}(e1); b*e2^2 + y*e2 + a"


# the answers of exam_differentiation2..4, written as GiNaC's C++ writes them
def _sin_dx() -> sp.Expr:
    e1, e2 = _e1(), sp.sin(_e1())
    return 2 * b * e2 * sp.cos(e1) * (2 * x * y + a) + y * sp.cos(e1) * (2 * x * y + a)


def _sin_dx2() -> sp.Expr:
    e1, e2 = _e1(), sp.sin(_e1())
    return (
        2 * b * sp.cos(e1) ** 2 * (2 * x * y + a) ** 2
        + 4 * b * y * e2 * sp.cos(e1)
        - 2 * b * e2**2 * (2 * x * y + a) ** 2
        - y * e2 * (2 * x * y + a) ** 2
        + 2 * y**2 * sp.cos(e1)
    )


def _sin_dy() -> sp.Expr:
    e1, e2 = _e1(), sp.sin(_e1())
    return 2 * b * e2 * sp.cos(e1) * x**2 + e2 + y * sp.cos(e1) * x**2


def _sin_dy2() -> sp.Expr:
    e1, e2 = _e1(), sp.sin(_e1())
    return 2 * b * sp.cos(e1) ** 2 * x**4 - 2 * b * e2**2 * x**4 + 2 * sp.cos(e1) * x**2 - y * e2 * x**4


def _cos_dx() -> sp.Expr:
    e1, e2 = _e1(), sp.cos(_e1())
    return -2 * b * e2 * sp.sin(e1) * (2 * x * y + a) - y * sp.sin(e1) * (2 * x * y + a)


def _cos_dx2() -> sp.Expr:
    e1, e2 = _e1(), sp.cos(_e1())
    return (
        2 * b * sp.sin(e1) ** 2 * (2 * y * x + a) ** 2
        - 4 * b * e2 * sp.sin(e1) * y
        - 2 * b * e2**2 * (2 * y * x + a) ** 2
        - y * e2 * (2 * y * x + a) ** 2
        - 2 * y**2 * sp.sin(e1)
    )


def _cos_dy() -> sp.Expr:
    e1, e2 = _e1(), sp.cos(_e1())
    return -2 * b * e2 * sp.sin(e1) * x**2 + e2 - y * sp.sin(e1) * x**2


def _cos_dy2() -> sp.Expr:
    e1, e2 = _e1(), sp.cos(_e1())
    return -2 * b * e2**2 * x**4 + 2 * b * sp.sin(e1) ** 2 * x**4 - 2 * sp.sin(e1) * x**2 - y * e2 * x**4


def _exp_dx() -> sp.Expr:
    e2 = sp.exp(_e1())
    return 2 * b * e2**2 * (2 * x * y + a) + y * e2 * (2 * x * y + a)


def _exp_dx2() -> sp.Expr:
    e2 = sp.exp(_e1())
    return 4 * b * e2**2 * (2 * y * x + a) ** 2 + 4 * b * e2**2 * y + 2 * y**2 * e2 + y * e2 * (2 * y * x + a) ** 2


def _exp_dy() -> sp.Expr:
    e2 = sp.exp(_e1())
    return 2 * b * e2**2 * x**2 + e2 + y * e2 * x**2


def _exp_dy2() -> sp.Expr:
    e2 = sp.exp(_e1())
    return 4 * b * e2**2 * x**4 + 2 * e2 * x**2 + y * e2 * x**4


def _log_dx() -> sp.Expr:
    e1, e2 = _e1(), sp.log(_e1())
    return 2 * b * e2 * (2 * x * y + a) / e1 + y * (2 * x * y + a) / e1


def _log_dx2() -> sp.Expr:
    e1, e2 = _e1(), sp.log(_e1())
    return (
        2 * b * (2 * x * y + a) ** 2 * e1**-2
        + 4 * b * y * e2 / e1
        - 2 * b * e2 * (2 * x * y + a) ** 2 * e1**-2
        + 2 * y**2 / e1
        - y * (2 * x * y + a) ** 2 * e1**-2
    )


def _log_dy() -> sp.Expr:
    e1, e2 = _e1(), sp.log(_e1())
    return 2 * b * e2 * x**2 / e1 + e2 + y * x**2 / e1


def _log_dy2() -> sp.Expr:
    e1, e2 = _e1(), sp.log(_e1())
    return 2 * b * x**4 * e1**-2 - 2 * b * e2 * e1**-2 * x**4 + 2 * x**2 / e1 - y * x**4 * e1**-2


def _atan2_dx() -> sp.Expr:
    s = (b + y * x**2 + x * a) ** 2 + (y * b + y**2 * x + a) ** 2
    return y**2 / s * (-b - y * x**2 - x * a) + (y * b + y**2 * x + a) * (2 * y * x + a) / s


def _hashing_d2() -> sp.Expr:
    p = x + x**3
    return 6 / p - 18 * x / p**2 - 54 * x**3 / p**2 + 2 / p**3 + 18 * x**2 / p**3 + 54 * x**4 / p**3 + 54 * x**6 / p**3


_GINAC_POINT = {"x": 0.3, "y": 0.4, "a": 0.2, "b": 0.9}

GINAC: tuple[Symbolic, ...] = (
    Symbolic(GINAC_SOURCE, GINAC_POLYNOMIAL, "x", GINAC_POLY_DX, at={"x": 0.3, "y": 0.4}),
    Symbolic(GINAC_SOURCE, GINAC_POLYNOMIAL, "y", GINAC_POLY_DY),
    Symbolic(GINAC_SOURCE, GINAC_POLYNOMIAL, "x", GINAC_POLY_DX2, order=2, at={"x": 0.3, "y": 0.4}),
    Symbolic(GINAC_SOURCE, GINAC_POLYNOMIAL, "y", GINAC_POLY_DY2, order=2),
    Symbolic(GINAC_SOURCE, _ginac_outer("sin"), "x", _sin_dx, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("sin"), "x", _sin_dx2, order=2, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("sin"), "y", _sin_dy),
    Symbolic(GINAC_SOURCE, _ginac_outer("sin"), "y", _sin_dy2, order=2),
    Symbolic(GINAC_SOURCE, _ginac_outer("cos"), "x", _cos_dx),
    Symbolic(GINAC_SOURCE, _ginac_outer("cos"), "x", _cos_dx2, order=2, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("cos"), "y", _cos_dy),
    Symbolic(GINAC_SOURCE, _ginac_outer("cos"), "y", _cos_dy2, order=2),
    Symbolic(GINAC_SOURCE, _ginac_outer("exp"), "x", _exp_dx, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("exp"), "x", _exp_dx2, order=2),
    Symbolic(GINAC_SOURCE, _ginac_outer("exp"), "y", _exp_dy),
    Symbolic(GINAC_SOURCE, _ginac_outer("exp"), "y", _exp_dy2, order=2, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("log"), "x", _log_dx, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, _ginac_outer("log"), "x", _log_dx2, order=2),
    Symbolic(GINAC_SOURCE, _ginac_outer("log"), "y", _log_dy),
    Symbolic(GINAC_SOURCE, _ginac_outer("log"), "y", _log_dy2, order=2, at=_GINAC_POINT),
    Symbolic(GINAC_SOURCE, "atan2(y*x^2 + a*x + b, x*y^2 + b*y + a)", "x", _atan2_dx, at=_GINAC_POINT),
    # exam_differentiation6: sin's series to order 8, differentiated, is cos's to order 7 (as polynomials)
    Symbolic(GINAC_SOURCE, "x - x^3/6 + x^5/120 - x^7/5040", "x", "1 - x^2/2 + x^4/24 - x^6/720"),
    Symbolic(
        GINAC_SOURCE,
        "series(sin(x), x, 0, 8)",
        "x",
        None,
        refused="a truncated series is not an expression: write the polynomial",
    ),
    # exam_differentiation7: (P'/P)'' with P = x + x^3
    Symbolic(GINAC_SOURCE, "P = x + x^3; (1 + 3x^2)/P", "x", _hashing_d2, order=2, at={"x": 0.3}),
)

# --- SymPy ----------------------------------------------------------------------------------

SYMPY_DIFF = "sympy/sympy sympy/core/tests/test_diff.py"
SYMPY_EXP = "sympy/sympy sympy/functions/elementary/tests/test_exponential.py"
SYMPY_MISC = "sympy/sympy sympy/functions/elementary/tests/test_miscellaneous.py"
SYMPY_COMPLEX = "sympy/sympy sympy/functions/elementary/tests/test_complexes.py"
SYMPY_TRIG = "sympy/sympy sympy/functions/elementary/tests/test_trigonometric.py"
SYMPY_HYPER = "sympy/sympy sympy/functions/elementary/tests/test_hyperbolic.py"
SYMPY_GAMMA = "sympy/sympy sympy/functions/special/tests/test_gamma_functions.py"
SYMPY_FACT = "sympy/sympy sympy/functions/combinatorial/tests/test_comb_factorials.py"
SYMPY_DELTA = "sympy/sympy sympy/functions/special/tests/test_delta_functions.py"
SYMPY_ERF = "sympy/sympy sympy/functions/special/tests/test_error_functions.py"

n, k = sp.symbols("n k", real=True)
W = sp.LambertW

SYMPY: tuple[Symbolic, ...] = (
    # test_diff
    Symbolic(SYMPY_DIFF, "1/3", "x", lambda: sp.S.Zero),
    Symbolic(SYMPY_DIFF, "pi", "x", lambda: sp.S.Zero),
    Symbolic(SYMPY_DIFF, "x", "x", None, order=0, refused="order 0 is not a derivative (at least 1)"),
    Symbolic(SYMPY_DIFF, "x^2", "x", lambda: sp.S.Zero, order=3),
    Symbolic(SYMPY_DIFF, "x^2", "x", lambda: sp.Integer(2), order=2),
    Symbolic(SYMPY_DIFF, "x^2", ("x", "y"), lambda: sp.S.Zero),
    Symbolic(SYMPY_DIFF, "x^2", "1", None, refused="a number is not a variable to differentiate by"),
    Symbolic(SYMPY_DIFF, "a*b + b^5", "a", lambda: b),
    Symbolic(SYMPY_DIFF, "a*b + b^5", "b", lambda: a + 5 * b**4, at={"a": 0.5, "b": -1.5}),
    Symbolic(SYMPY_DIFF, "a*b + b^5", ("b", "a"), lambda: sp.Integer(1)),
    Symbolic(SYMPY_DIFF, "a*(b + c)", "a", lambda: b + c),
    Symbolic(SYMPY_DIFF, "a*(b + c)", "b", lambda: a),
    Symbolic(SYMPY_DIFF, "a*(b + c)", ("b", "a"), lambda: sp.Integer(1)),
    Symbolic(SYMPY_DIFF, "c^5", "c", lambda: sp.S.Zero, order=6),
    Symbolic(SYMPY_DIFF, "c^5", "c", lambda: sp.Integer(120), order=5, at={"c": 0.7}),
    Symbolic(SYMPY_DIFF, "c^2", "c", lambda: 2 * c),
    Symbolic(SYMPY_DIFF, "a*b*c", "c", lambda: a * b),
    Symbolic(
        SYMPY_DIFF,
        "3(-2 + x^2) cos(x) + x*(-6 + x^2) sin(x)",
        "x",
        lambda: x**3 * sp.cos(x),
        at={"x": 1.3},
    ),
    Symbolic(SYMPY_DIFF, "(x + 1)^3", "x", lambda: 3 * (x + 1) ** 2),
    Symbolic(SYMPY_DIFF, "x*(x + 1)^3", "x", lambda: (x + 1) ** 3 + 3 * x * (x + 1) ** 2),
    Symbolic(SYMPY_DIFF, "2exp(x*x)x", "x", lambda: 2 * sp.exp(x**2) + 4 * x**2 * sp.exp(x**2), at={"x": 0.3}),
    Symbolic(SYMPY_DIFF, "a*b + sin(b^5)", "a", lambda: b),
    Symbolic(SYMPY_DIFF, "a*b + sin(b^5)", "b", lambda: a + 5 * b**4 * sp.cos(b**5), at={"a": 0.5, "b": 0.8}),
    Symbolic(SYMPY_DIFF, "tan(c)", "c", lambda: 1 + sp.tan(c) ** 2, at={"c": 0.3}),
    Symbolic(SYMPY_DIFF, "c*log(c) - c", "c", lambda: sp.log(c), at={"c": 0.3}),
    Symbolic(SYMPY_DIFF, "log(sin(c))", "c", lambda: sp.cot(c), at={"c": 0.3}),
    Symbolic(SYMPY_DIFF, "2^a/log(2)", "a", lambda: 2**a, at={"a": 0.3}),
    Symbolic(SYMPY_DIFF, "x", "x", None, order=10**8, refused="order 10^8 is above the limit of 10 (max_order)"),
    # test_diff_nth_derivative: the n-th derivative at n = 0, 1, 2, … is the k-th by sympy.diff
    Symbolic(SYMPY_DIFF, "sin(x)", "x", lambda: sp.sin(x), order="n"),
    Symbolic(SYMPY_DIFF, "x", "x", lambda: x, order="n"),
    Symbolic(SYMPY_DIFF, "2x", "x", lambda: 2 * x, order="n"),
    Symbolic(SYMPY_DIFF, "x^2", "x", lambda: x**2, order="n"),
    Symbolic(
        SYMPY_DIFF,
        "x sin(x)",
        "x",
        None,
        order="n",
        refused="a symbolic n-th derivative of a product (SymPy writes a Sum): give n as a number",
    ),
    Symbolic(
        SYMPY_DIFF,
        "2y x sin(x) cos(x) log(x) exp(x)",
        "x",
        None,
        order="n",
        refused="a symbolic n-th derivative of a product (SymPy writes a Sum): give n as a number",
    ),
    Symbolic(
        SYMPY_DIFF,
        "f(x)",
        "x",
        None,
        order="n",
        functions=("f",),
        refused="the n-th derivative of an unknown function for a symbolic n: give n as a number",
    ),
    Symbolic(SYMPY_DIFF, "f(x)", "x", lambda: sp.Function("f")(x).diff(x, 2), order=2, functions=("f",)),
    Symbolic(SYMPY_DIFF, "cos(x) sin(y)", "x", lambda: -sp.sin(x) * sp.sin(y)),
    Symbolic(SYMPY_DIFF, "cos(x) sin(y)", "y", lambda: sp.cos(x) * sp.cos(y)),
    Symbolic(SYMPY_DIFF, "cos(x) sin(y)", "z", lambda: sp.S.Zero),
    # elementary and special functions
    Symbolic(SYMPY_EXP, "lambertw(x^2)", "x", lambda: 2 * W(x**2) / x / (1 + W(x**2)), at={"x": 0.6}),
    Symbolic(
        SYMPY_EXP,
        "lambertw(x, -1)",
        "x",
        lambda: W(x, -1) / x / (1 + W(x, -1)),
        at={"x": -0.2},
        domain=(-0.35, -0.05),
    ),
    Symbolic(
        SYMPY_EXP,
        "lambertw(x, k)",
        "x",
        None,
        refused="a symbolic branch k: the real branches are 0 and -1",
    ),
    Symbolic(SYMPY_MISC, "min(1, x)", "x", lambda: sp.Heaviside(1 - x), at={"x": 0.3}, domain=(-3.0, 3.0)),
    Symbolic(SYMPY_MISC, "min(x, 1)", "x", lambda: sp.Heaviside(1 - x), at={"x": 1.7}, domain=(-3.0, 3.0)),
    Symbolic(
        SYMPY_MISC,
        "min(0, -x, 1 - 2x)",
        "x",
        lambda: -sp.Heaviside(x + sp.Min(0, -2 * x + 1)) - 2 * sp.Heaviside(2 * x + sp.Min(0, -x) - 1),
        at={"x": 0.3},
        domain=(-3.0, 3.0),
    ),
    Symbolic(SYMPY_MISC, "max(1, x)", "x", lambda: sp.Heaviside(x - 1), at={"x": 1.3}, domain=(-3.0, 3.0)),
    Symbolic(SYMPY_MISC, "max(x, 1)", "x", lambda: sp.Heaviside(x - 1), domain=(-3.0, 3.0)),
    Symbolic(
        SYMPY_MISC,
        "max(x^2, 1 + x, 1)",
        "x",
        lambda: 2 * x * sp.Heaviside(x**2 - sp.Max(1, x + 1)) + sp.Heaviside(x - sp.Max(1, x**2) + 1),
        at={"x": 2.5},
        domain=(-3.0, 3.0),
    ),
    Symbolic(SYMPY_COMPLEX, "sign(x)", "x", lambda: 2 * sp.DiracDelta(x), distributions=True, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_COMPLEX, "sign(x)", "x", lambda: sp.S.Zero, at={"x": 0.3}, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_COMPLEX, "abs(x)", "x", lambda: sp.sign(x), at={"x": -0.3}, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_COMPLEX, "abs(x)", "x", lambda: sp.sign(x), at={"x": 0}, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_COMPLEX, "re(i r x)", "r", None, refused="re, im and conjugate: symdiff works over the reals"),
    Symbolic(SYMPY_COMPLEX, "abs(1 + sqrt(-1)*x)", "x", None, refused="a complex number: symdiff works over the reals"),
    Symbolic(SYMPY_DELTA, "heaviside(x)", "x", lambda: sp.DiracDelta(x), distributions=True, domain=(-1.0, 1.0)),
    Symbolic(
        SYMPY_DELTA,
        "DiracDelta(x)",
        "x",
        None,
        refused="the Dirac delta is an output (distributions=True), not a function of the language",
    ),
    Symbolic(SYMPY_GAMMA, "gamma(x)", "x", lambda: sp.gamma(x) * sp.polygamma(0, x), at={"x": 1.7}, domain=(0.2, 4.0)),
    Symbolic(SYMPY_GAMMA, "polygamma(3, 7x)", "x", lambda: 7 * sp.polygamma(4, 7 * x), at={"x": 0.3}),
    Symbolic(SYMPY_GAMMA, "digamma(x)", "x", lambda: sp.polygamma(1, x), at={"x": 0.3}),
    Symbolic(SYMPY_GAMMA, "trigamma(x)", "x", lambda: sp.polygamma(2, x), at={"x": 0.3}),
    Symbolic(SYMPY_GAMMA, "loggamma(x)", "x", lambda: sp.polygamma(0, x), at={"x": 0.3}),
    Symbolic(
        SYMPY_GAMMA,
        "lowergamma(x, y)",
        "y",
        None,
        refused="the incomplete gamma functions are not among symdiff's functions",
    ),
    Symbolic(SYMPY_FACT, "factorial(n)", "n", lambda: sp.gamma(1 + n) * sp.polygamma(0, 1 + n), at={"n": 2.5}),
    Symbolic(
        SYMPY_FACT,
        "factorial(n^2)",
        "n",
        lambda: 2 * n * sp.gamma(1 + n**2) * sp.polygamma(0, 1 + n**2),
        at={"n": 1.2},
    ),
    Symbolic(
        SYMPY_FACT,
        "binomial(n, k)",
        "n",
        lambda: (-sp.polygamma(0, 1 + n - k) + sp.polygamma(0, 1 + n)) * sp.binomial(n, k),
        at={"n": 5.5, "k": 2.25},
        domain=(2.0, 3.0),
    ),
    Symbolic(
        SYMPY_FACT,
        "binomial(n^2, k^3)",
        "n",
        lambda: 2 * n * (-sp.polygamma(0, 1 + n**2 - k**3) + sp.polygamma(0, 1 + n**2)) * sp.binomial(n**2, k**3),
        domain=(1.1, 1.4),
    ),
    Symbolic(
        SYMPY_FACT,
        "binomial(n, k)",
        "k",
        lambda: (-sp.polygamma(0, 1 + k) + sp.polygamma(0, 1 + n - k)) * sp.binomial(n, k),
        at={"n": 5.5, "k": 2.25},
        domain=(2.0, 3.0),
    ),
    Symbolic(
        SYMPY_FACT,
        "binomial(n^2, k^3)",
        "k",
        lambda: 3 * k**2 * (-sp.polygamma(0, 1 + k**3) + sp.polygamma(0, 1 + n**2 - k**3)) * sp.binomial(n**2, k**3),
        domain=(1.1, 1.4),
    ),
    Symbolic(SYMPY_TRIG, "sinc(x)", "x", lambda: sp.cos(x) / x - sp.sin(x) / x**2, at={"x": 0.3}),
    Symbolic(
        SYMPY_TRIG,
        "sinc(x)",
        "x",
        lambda: (-sp.sin(x) - 2 * sp.cos(x) / x + 2 * sp.sin(x) / x**2) / x,
        order=2,
        at={"x": 0.3},
    ),
    # limit(sinc(x).diff(x), x, 0) == 0 and limit(sinc(x).diff(x, x), x, 0) == -1/3: at the point 0 itself
    Symbolic(SYMPY_TRIG, "sinc(x)", "x", lambda: sp.cos(x) / x - sp.sin(x) / x**2, at={"x": 0}),
    Symbolic(
        SYMPY_TRIG,
        "sinc(x)",
        "x",
        lambda: (-sp.sin(x) - 2 * sp.cos(x) / x + 2 * sp.sin(x) / x**2) / x,
        order=2,
        at={"x": 0},
    ),
    Symbolic(SYMPY_TRIG, "asin(x)", "x", lambda: 1 / sp.sqrt(1 - x**2), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "acos(x)", "x", lambda: -1 / sp.sqrt(1 - x**2), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "atan(x)", "x", lambda: 1 / (1 + x**2), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "atan2(y, x)", "x", lambda: -y / (x**2 + y**2), at={"x": -0.5, "y": 0.3}, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_TRIG, "atan2(y, x)", "y", lambda: x / (x**2 + y**2), at={"x": -0.5, "y": -0.3}, domain=(-1.0, 1.0)),
    Symbolic(SYMPY_TRIG, "atan2(x^2, x + 1)", "x", lambda: sp.atan(x**2 / (x + 1)).diff(x), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "acot(x)", "x", lambda: -1 / (1 + x**2), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "sec(x)", "x", lambda: sp.tan(x) * sp.sec(x), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "csc(x)", "x", lambda: -sp.cot(x) * sp.csc(x), at={"x": 0.3}),
    Symbolic(SYMPY_TRIG, "asec(x)", "x", lambda: 1 / (x**2 * sp.sqrt(1 - 1 / x**2)), at={"x": 1.5}, domain=(1.1, 3.0)),
    Symbolic(SYMPY_TRIG, "acsc(x)", "x", lambda: -1 / (x**2 * sp.sqrt(1 - 1 / x**2)), at={"x": 1.5}, domain=(1.1, 3.0)),
    Symbolic(SYMPY_HYPER, "coth(x)", "x", lambda: -(sp.sinh(x) ** -2), at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "sinh(x)", "x", lambda: sp.cosh(x)),
    Symbolic(SYMPY_HYPER, "cosh(x)", "x", lambda: sp.sinh(x)),
    Symbolic(SYMPY_HYPER, "tanh(x)", "x", lambda: -(sp.tanh(x) ** 2) + 1, at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "csch(x)", "x", lambda: -sp.coth(x) * sp.csch(x), at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "sech(x)", "x", lambda: -sp.tanh(x) * sp.sech(x), at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "acoth(x)", "x", lambda: 1 / (-(x**2) + 1), at={"x": 1.5}, domain=(1.1, 3.0)),
    Symbolic(SYMPY_HYPER, "asinh(x)", "x", lambda: 1 / sp.sqrt(x**2 + 1), at={"x": 0.3}),
    Symbolic(
        SYMPY_HYPER, "acosh(x)", "x", lambda: 1 / (sp.sqrt(x - 1) * sp.sqrt(x + 1)), at={"x": 1.5}, domain=(1.1, 3.0)
    ),
    Symbolic(SYMPY_HYPER, "atanh(x)", "x", lambda: 1 / (-(x**2) + 1), at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "asech(x)", "x", lambda: -1 / (x * sp.sqrt(1 - x**2)), at={"x": 0.3}),
    Symbolic(SYMPY_HYPER, "acsch(x)", "x", lambda: -1 / (x**2 * sp.sqrt(1 + x**-2)), at={"x": 0.3}),
    Symbolic(SYMPY_ERF, "erf(x)", "x", lambda: 2 * sp.exp(-(x**2)) / sp.sqrt(sp.pi), at={"x": 0.3}),
    Symbolic(SYMPY_ERF, "erfinv(x)", "x", None, refused="erfinv is not among symdiff's functions"),
    Symbolic(SYMPY_ERF, "li(x)", "x", None, refused="the logarithmic integral is not among symdiff's functions"),
    Symbolic(SYMPY_ERF, "fresnels(x)", "x", None, refused="the Fresnel integrals are not among symdiff's functions"),
)

# --- Symbolics.jl ---------------------------------------------------------------------------

SYMBOLICS_SOURCE = "JuliaSymbolics/Symbolics.jl test/diff.jl"


def _julia(
    expr: str, wrt: str | tuple[str, ...], expected: str | Callable[[], sp.Expr] | None, **options: object
) -> Symbolic:
    return Symbolic(SYMBOLICS_SOURCE, expr, wrt, expected, **options)  # type: ignore[arg-type]


# σ, ρ, β are written sigma, rho, beta (symdiff's names are ASCII; they print as Greek)
LORENZ = ("sigma*(y - x)", "x*(rho - z) - y", "x*y - beta*z")
LORENZ_JACOBIAN = (
    ("-sigma", "sigma", "0"),
    ("rho - z", "-1", "-x"),
    ("y", "x", "-beta"),
)

x1, x2, x3, alpha, beta, delta = sp.symbols("x1 x2 x3 alpha beta delta", real=True)


def _issue_252() -> sp.Expr:
    return beta * (alpha * sp.exp(x1) * x2 ** (alpha - 1) + 1 - delta) / x3


def _rosenbrock() -> sp.Expr:
    return 100 * (b - a**2) ** 2 + (1 - a) ** 2


SYMBOLICS: tuple[Symbolic, ...] = (
    _julia("t", "t", "1"),
    _julia("t", "t", "0", order=2),
    _julia("sin(t)", "t", "cos(t)"),
    _julia("csch(t)", "t", "-coth(t)*csch(t)", at={"t": 0.3}),
    _julia("-7", "t", "0"),
    _julia("sin(2t)", "t", "cos(2t)*2"),
    _julia("sin(t)", "t", "-sin(t)", order=2),
    _julia("sin(2t)", "t", "-sin(2t)*4", order=2, at={"t": 0.3}),
    _julia("t", "t", "0", order=2),
    _julia("5", "t", "0", order=2),
    _julia("sin(sin(t))", "t", "cos(sin(t))*cos(t)", at={"t": 0.3}),
    _julia("sin(t)*t", "t", "t*cos(t) + sin(t)"),
    _julia("sin(t)*cos(t)", "t", "cos(t)^2 - sin(t)^2", at={"t": 0.3}),
    *(_julia(LORENZ[i], ("x", "y", "z")[j], LORENZ_JACOBIAN[i][j]) for i in range(3) for j in range(3)),
    _julia(LORENZ[1], "x", "rho - z", at={"x": 0.3, "y": 0.2, "rho": 28, "z": 0.5}),
    # issue #545 (commented out in the suite, answers as written there)
    _julia("t + t^2", "t", "1 + t*2"),
    _julia("t - 2t", "t", "-1"),
    # @variables a(t) b(a): D(b) is not 0
    _julia(
        "a: depends on t; b: depends on a; b",
        "t",
        None,
        refused="a chain of declared dependences (b on a, a on t): declare b: function and write b(a)",
    ),
    _julia("b: function; a: depends on t; b(a)", "t", "b'(a)*da/dt"),
    _julia("x, y, z: depends on t; x*y", "t", "y*dx/dt + x*dy/dt"),
    _julia("x, y, z: depends on t; 2t", "t", "2"),
    _julia("x, y, z: depends on t; 2x", "t", "2dx/dt"),
    _julia("x, y, z: depends on t; x^2", "t", "2x*dx/dt"),
    _julia("42", "t", "0"),
    *(_julia("42", v, "0") for v in ("x", "y", "z")),
    *(_julia("42", (u, v), "0") for u in ("t", "x") for v in ("t", "x")),
    # jacobian([t, x, 42], [t, x]) with x(t): its row for x is (dx/dt, 1)
    _julia("x: depends on t; x", "t", "dx/dt"),
    _julia(
        "x: depends on t; x",
        "x",
        None,
        refused="differentiating by a variable declared to depend on t (Differential(x) of x(t))",
    ),
    # issue 252
    _julia(
        "beta*(alpha*exp(x1)*x2^(alpha - 1) + 1 - delta)/x3",
        "x1",
        lambda: sp.diff(_issue_252(), x1),
        at={"beta": 0.9, "alpha": 0.3, "x1": 0.5, "x2": 1.5, "delta": 0.1, "x3": 2.0},
    ),
    _julia("beta*(alpha*exp(x1)*x2^(alpha - 1) + 1 - delta)/x3", "x2", lambda: sp.diff(_issue_252(), x2)),
    _julia(
        "beta*(alpha*exp(x1)*x2^(alpha - 1) + 1 - delta)/x3", ("x1", "beta"), lambda: sp.diff(_issue_252(), x1, beta)
    ),
    # L = .5 ∂ₜ(x)^2 − .5 x^2 differentiated by x(t) and by ∂ₜ(x): the Euler–Lagrange operator
    _julia(
        "x: depends on t; 0.5*(dx/dt)^2 - 0.5*x^2",
        "x",
        None,
        refused="differentiating by a variable declared to depend on t (the Euler-Lagrange ∂L/∂x)",
    ),
    _julia(
        "x, x2: depends on t; 2x + x2*x",
        "x",
        None,
        refused="differentiating by a variable declared to depend on t",
    ),
    # the Euler–Lagrange example with x and dx/dt as plain variables: ∂L/∂x = −x
    _julia("0.5*xdot^2 - 0.5*x^2", "x", "-x"),
    _julia("0.5*xdot^2 - 0.5*x^2", "xdot", "xdot"),
    _julia("u: function; u(x, y)", ("y", "x"), lambda: sp.Function("u")(x, y).diff(y, x)),
    _julia("u: function; u(x, y)", "x", lambda: sp.Function("u")(x, y).diff(x, 2), order=2),
    _julia("sin(cos(x))", "x", "-sin(x)*cos(cos(x))", at={"x": 0.3}),
    _julia(
        "no_der: function; hypot(x, no_der(x))",
        "x",
        "x/hypot(x, no_der(x)) + no_der(x)*no_der'(x)/hypot(x, no_der(x))",
    ),
    _julia("hypot(x, y)", "x", "x/hypot(x, y)", at={"x": 0.3, "y": -0.4}),
    *(_julia(LORENZ[0], v, e) for v, e in zip(("x", "y", "z"), ("sigma*-1", "sigma", "0"), strict=True)),
    *(_julia(LORENZ[0], (u, v), "0") for u in ("x", "y", "z") for v in ("x", "y", "z")),
    # rosenbrock([a, b]): its Hessian
    *(
        _julia(
            "100*(b - a^2)^2 + (1 - a)^2",
            (u.name, v.name),
            functools.partial(sp.diff, _rosenbrock(), u, v),
            at={"a": 0.3, "b": 0.7},
        )
        for u, v in ((a, a), (a, b), (b, b))
    ),
    # #96: sin(x[1] + … + x[4]) with every x[i] a function of t
    _julia(
        "x1, x2, x3, x4: depends on t; sin(x1 + x2 + x3 + x4)",
        "t",
        "(dx1/dt + dx2/dt + dx3/dt + dx4/dt)*cos(x1 + x2 + x3 + x4)",
    ),
    _julia(
        "ifelse(signbit(b), b^2, sqrt(b))",
        "b",
        None,
        refused="a conditional expression (ifelse) is not in the language",
    ),
    # the chain rule with functions of functions: x(y(t)), x(y(t), z(t))
    _julia("x, y: function; x(y(t))", "t", "y'(t)*x'(y(t))"),
    _julia(
        "x, y, z: function; x(y(t), z(t))",
        "t",
        lambda: sp.Function("x")(sp.Function("y")(t), sp.Function("z")(t)).diff(t),
    ),
    _julia(
        "foo(x, y, [1.2])*x^2",
        "x",
        None,
        refused="a function of an array literal (a registered Julia function of an Array)",
    ),
    _julia("sqrt(-1)*t", "t", None, refused="the imaginary unit im: symdiff works over the reals"),
    _julia("t^2 + sqrt(-1)*t", "t", None, refused="the imaginary unit im: symdiff works over the reals"),
    _julia("t", "t", None, order=0, refused="order 0 (Differential(t)^0) is not a derivative"),
    # a user-defined function (is_derivative's my_f(x, y) = x^3 + 2y) of variables that depend on t
    _julia("x, y: depends on t; my_f(u, v) = u^3 + 2v; my_f(x, y)", "t", "3x^2*dx/dt + 2dy/dt"),
)

# --- numdifftools ---------------------------------------------------------------------------

ND_SOURCE = "pbrod/numdifftools src/numdifftools/tests/test_numdifftools.py"
ND_EXAMPLES_SOURCE = "pbrod/numdifftools src/numdifftools/tests/test_example_functions.py"
ND_HAMILTONIAN_SOURCE = "pbrod/numdifftools src/numdifftools/tests/hamiltonian.py"

# test_high_order_derivative: every function of example_functions at x = 0.5, orders 1..10,
# against the closed forms there (true_df(0.5), evaluated in float64; None where it gives none)
ND_EXAMPLES: dict[str, tuple[str, tuple[float | None, ...]]] = {
    "cos": ("cos(x)", ((-0.479425538604203, -0.8775825618903728, 0.479425538604203, 0.8775825618903728) * 3)[:10]),
    "sin": ("sin(x)", ((0.8775825618903728, -0.479425538604203, -0.8775825618903728, 0.479425538604203) * 3)[:10]),
    "tan": ("tan(x)", (1.2984464104095248, 1.4186890138709112, 4.9219928425941815, 16.430343835093712)),
    "cosh": ("cosh(x)", (0.5210953054937474, 1.1276259652063807) * 5),
    "sinh": ("sinh(x)", (1.1276259652063807, 0.5210953054937474) * 5),
    "tanh": ("tanh(x)", (0.7864477329659275, -0.7268619813835875, -0.5652092882597707, 3.952219563724583)),
    "arcsinh": ("asinh(x)", (0.8944271909999159, -0.3577708763999663, -0.28621670111997305)),
    "exp": ("exp(x)", (1.6487212707001282,) * 10),
    "expm1": ("expm1(x)", (1.6487212707001282,) * 10),
    "exp2": (
        "exp2(x)",
        (
            0.9802581434685472,
            0.6794631683661498,
            0.47096797944732416,
            0.32645012708792703,
            0.22627798518443243,
            0.1568439474533744,
            0.10871593996519868,
            0.07535614726880174,
            0.052232901017229945,
            0.036205088072559635,
        ),
    ),
    "square": ("x^2", (1.0, 2.0) + (0.0,) * 8),
    "sqrt": (
        "sqrt(x)",
        (0.7071067811865475, -0.7071067811865474, 2.121320343559642, -10.606601717798208, 74.24621202458745),
    ),
    "log": ("log(x)", (2.0, -4.0, 16.0, -96.0)),
    "log1p": (
        "log1p(x)",
        (0.6666666666666666, -0.4444444444444444, 0.5925925925925926, -1.1851851851851851, 3.1604938271604937),
    ),
    "log10": ("log10(x)", (0.8685889638065035, -1.737177927613007, 6.948711710452028, -41.69227026271217)),
    "log2": ("log2(x)", (2.8853900817779268, -5.7707801635558535, 23.083120654223414, -138.4987239253405)),
    "arccos": ("acos(x)", (-1.1547005383792517, -0.7698003589195014, -3.0792014356780055)),
    "arcsin": ("asin(x)", (1.1547005383792517, 0.7698003589195014, 3.0792014356780055)),
    "arctan": ("atan(x)", (0.8, -0.6400000000000001, -0.256, 3.6864000000000003)),
}


def _example_cases() -> tuple[Numeric, ...]:
    return tuple(
        Numeric(ND_EXAMPLES_SOURCE, expr, {"x": 0.5}, value, order=order, tol=1e-14 * max(1.0, abs(value)))
        for expr, values in ND_EXAMPLES.values()
        for order, value in enumerate(values, start=1)
        if value is not None
    )


# test_high_order_derivative_cos: cos at π/2, orders 1..6 (assert_allclose atol=1e-4)
_COS_AT_HALF_PI = (-1.0, 0.0, 1.0, 0.0, -1.0, 0.0)

# test_derivative_of_cos_x: the hypothesis examples, orders 1..7 (rtol 1e-6)
_COS_EXAMPLES = (7.6564547238847105, 8.9428143931508, 2.2204460492503134e-14)


def _cos_x_cases() -> tuple[Numeric, ...]:
    true = (lambda v: -math.sin(v), lambda v: -math.cos(v), math.sin, math.cos) * 2
    return tuple(
        Numeric(
            ND_SOURCE, "cos(x)", {"x": v}, true[order - 1](v), order=order, tol=1e-6 * abs(true[order - 1](v)) + 1e-14
        )
        for v in _COS_EXAMPLES
        for order in range(1, 8)
    )


# the ion trap's potential (hamiltonian.py): 0.5 m w² (x0² + x1²) + C/|x0 − x1| at its minimum
# x0 = −x1 = −s, s = (C/(4 m w²))^(1/3); C = e²/(4π ε0) in SI units (scipy.constants)
_HAMILTONIAN = (
    "m = 39.96*1.66e-27; w = 2*pi*1000000; C = (1.602176634e-19)^2/(4*pi*8.8541878128e-12); "
    "0.5*m*w^2*(x0^2 + x1^2) + C/abs(x0 - x1)"
)


def _hamiltonian_point() -> dict[str, float]:
    m, w = 39.96 * 1.66e-27, 2 * math.pi * 1e6
    coulomb = 1.602176634e-19**2 / (4 * math.pi * 8.8541878128e-12)
    s = (coulomb / (4 * m * w**2)) ** (1 / 3)
    return {"x0": -s, "x1": s}


NUMDIFFTOOLS: tuple[Numeric, ...] = (
    *_example_cases(),
    *(
        Numeric(ND_SOURCE, "cos(x)", {"x": math.pi / 2}, value, order=order, tol=1e-4)
        for order, value in enumerate(_COS_AT_HALF_PI, start=1)
    ),
    *_cos_x_cases(),
    # test_fun_with_additional_parameters: b*a*x^3 with a = 1, b = 2
    Numeric(ND_SOURCE, "2*1*x^3", {"x": 0.0}, 0.0, tol=1e-13),
    Numeric(ND_SOURCE, "2*1*x^3", {"x": 1.0}, 6.0, tol=1e-7 * 6),
    Numeric(ND_SOURCE, "2*1*x^3", {"x": 1.0}, 12.0, order=2, tol=1e-7 * 12),
    Numeric(ND_SOURCE, "x^3", {"x": 2.0}, 12.0, tol=1e-8 * 12),  # test_derivative_cube
    Numeric(ND_SOURCE, "exp(x)", {"x": 0.0}, 1.0, tol=1e-8),  # test_derivative_exp
    # test_derivative_sin: 13 points of [0, 2π]
    *(Numeric(ND_SOURCE, "sin(x)", {"x": i * math.pi / 6}, math.cos(i * math.pi / 6), tol=1e-8) for i in range(13)),
    Numeric(ND_SOURCE, "sinh(x)", {"x": 0.0}, 1.0, tol=1e-7),  # test_backward_derivative_on_sinh
    Numeric(ND_SOURCE, "log(x)", {"x": 0.001}, 1000.0, tol=1e-7 * 1000),  # test_central_and_forward_derivative_on_log
    # TestJacobian.test_scalar_to_vector: x, x^2, x^3 (rtol 1e-3, atol 1e-6) at a few values of its range
    *(
        Numeric(ND_SOURCE, f, {"x": v}, d, tol=1e-3 * abs(d) + 1e-6)
        for v in (-1000.0, -0.5, 3.0, 1000.0)
        for f, d in (("x", 1.0), ("x^2", 2 * v), ("x^3", 3 * v**2))
    ),
    Numeric(
        ND_SOURCE,
        "x0*x1*x2 + exp(x0)*x1",
        {"x0": 3.0, "x1": 5.0, "x2": 7.0},
        (135.42768462, 41.08553692, 15.0),
        wrt=("x0", "x1", "x2"),
        kind="gradient",
        tol=1e-7 * 136,
    ),
    # test_on_vector_valued_function: each residual's gradient is 0 at the fitted parameters
    *(
        Numeric(
            ND_SOURCE,
            f"(c0 + c1*exp(c2*{i / 10}) - (1 + 2*exp(0.75*{i / 10})))^2",
            {"c0": 1.0, "c1": 2.0, "c2": 0.75},
            (0.0, 0.0, 0.0),
            wrt=("c0", "c1", "c2"),
            kind="gradient",
            tol=1e-12,
            refused=""
            if i
            else "c2 multiplies xdata[0] = 0 and drops out: a point may name only the variables that occur",
        )
        for i in range(10)
    ),
    # test_on_matrix_valued_function: rows of the Jacobian of (x0² + x1², x0³ + x1³)
    *(
        Numeric(ND_SOURCE, f, {"x0": p0, "x1": p1}, g, wrt=("x0", "x1"), kind="gradient", tol=1e-7 * max(map(abs, g)))
        for p0, p1 in ((1.0, 2.0), (3.0, 4.0))
        for f, g in (("x0^2 + x1^2", (2 * p0, 2 * p1)), ("x0^3 + x1^3", (3 * p0**2, 3 * p1**2)))
    ),
    # TestGradient
    Numeric(
        ND_SOURCE,
        "1/(exp(x0) + cos(x1) + 10)",
        {"x0": 1.0, "x1": 2.0},
        (-0.017961123762187736, 0.0060082083648822),
        wrt=("x0", "x1"),
        kind="gradient",
        tol=1e-7 * 0.018,
    ),
    Numeric(
        ND_SOURCE,
        "x0^2 + x1^2 + x2^2",
        {"x0": 1, "x1": 2, "x2": 3},
        (2.0, 4.0, 6.0),
        wrt=("x0", "x1", "x2"),
        kind="gradient",
        tol=6e-7,
    ),
    # test_directional_diff: rosen (with 105) along (1, -1)/√2 at (2, 3), as d/dt at t = 0
    Numeric(
        ND_SOURCE,
        "x0 = 2 + t/sqrt(2); x1 = 3 - t/sqrt(2); (1 - x0)^2 + 105*(x1 - x0^2)^2",
        {"t": 0.0},
        743.87633380824832,
        wrt="t",
        tol=1e-7 * 744,
    ),
    # TestHessdiag: x0 + x1² + x2³, its second derivatives (the Hessian's diagonal)
    *(
        Numeric(ND_SOURCE, "x0 + x1^2 + x2^3", point, value, wrt=v, order=2, tol=1e-5 * abs(value) + 1e-9)
        for point in (
            {"x0": 1.0, "x1": 2.0, "x2": 3.0},
            {"x0": 0.0, "x1": 16.003907623933742, "x2": 68.02057249966789},
            {"x0": 88.01663712016305, "x1": 88.01663712016305, "x2": 88.01663712016305},
            {"x0": 0.0, "x1": 19.945812226807096, "x2": 54.11322414875562},
            {"x0": 1.2009289063e-314, "x1": 1.2009289063e-314, "x2": 1.2009289063e-314},
        )
        for v, value in (("x0", 0.0), ("x1", 2.0), ("x2", 6 * point["x2"]))
    ),
    # TestHessian
    Numeric(
        ND_SOURCE,
        "cos(x - y)",
        {"x": 0.0, "y": 0.0},
        ((-1.0, 1.0), (1.0, -1.0)),
        wrt=("x", "y"),
        kind="hessian",
        tol=1e-7,
    ),
    Numeric(
        ND_SOURCE,
        "x*y*z + exp(x)*y",
        {"x": 3.0, "y": 5.0, "z": 7.0},
        (
            (5 * math.exp(3.0), math.exp(3.0) + 7, 5.0),
            (math.exp(3.0) + 7, 0.0, 3.0),
            (5.0, 3.0, 0.0),
        ),
        wrt=("x", "y", "z"),
        kind="hessian",
        tol=1e-4,
    ),
    *(
        Numeric(ND_SOURCE, f, {"x": 3.0, "y": 5.0}, h, wrt=("x", "y"), kind="hessian", tol=1e-4)
        for f, h in (
            (
                "cos(x*y)",
                (
                    (-25 * math.cos(15.0), -15 * math.cos(15.0) - math.sin(15.0)),
                    (-15 * math.cos(15.0) - math.sin(15.0), -9 * math.cos(15.0)),
                ),
            ),
            (
                "sin(x*y)",
                (
                    (-25 * math.sin(15.0), math.cos(15.0) - 15 * math.sin(15.0)),
                    (math.cos(15.0) - 15 * math.sin(15.0), -9 * math.sin(15.0)),
                ),
            ),
        )
    ),
    Numeric(
        ND_HAMILTONIAN_SOURCE,
        _HAMILTONIAN,
        _hamiltonian_point(),
        ((5.23748385e-12, -2.61873829e-12), (-2.61873829e-12, 5.23748385e-12)),
        wrt=("x0", "x1"),
        kind="hessian",
        tol=1e-4 * 5.3e-12,
    ),
    # refused: outside symdiff's language
    Numeric(
        ND_SOURCE,
        "sqrt(-1)*(x0^2 + x1^2 + x2^2)",
        {"x0": 0.1, "x1": 0.2, "x2": 0.3},
        None,
        wrt=("x0", "x1", "x2"),
        kind="hessian",
        refused="complex-valued (test_complex_hessian_issue_35: 1j*inner(x, x))",
    ),
)

PEERS: dict[str, tuple[Symbolic, ...] | tuple[Numeric, ...]] = {
    "mathjs": MATHJS,
    "GiNaC": GINAC,
    "SymPy": SYMPY,
    "Symbolics.jl": SYMBOLICS,
    "numdifftools": NUMDIFFTOOLS,
}
