"""Run one peer case (``tests/data/peer_cases.py``) through symdiff and judge the answer.

The judgement is independent of symdiff: a symbolic answer must equal the peer's at random
points to 30 digits with mpmath (by ``sympy.simplify`` for Dirac deltas, which have no values),
unknown functions replaced by the same concrete functions on both sides; a numeric answer must
lie within symdiff's own error bound (plus the peer's tolerance) of the peer's value. Used by
``tests/test_peer_suites.py`` and ``benchmarks/peer_suites.py``.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef

import symdiff as sd
from tests.data.peer_cases import Numeric, Symbolic

DIGITS = 30
POINTS = 3  # random points where a symbolic answer must equal the peer's
ORDERS_OF_N = range(6)  # a symbolic n-th derivative is checked at n = 0, 1, …, 5
FD_METHODS = ("auto", "richardson")  # auto picks the most accurate; Richardson is plain float64


@dataclass(frozen=True)
class Outcome:
    """What became of one case.

    status: "right", "refused" (as the case says it must be), or "wrong" (anything else:
    a different answer, an internal error, a refusal of a case it should answer, an answer to
    a case it should refuse, a bound that does not hold, a comparison that disagrees).
    read: symdiff parsed the expression. detail: what went wrong, or symdiff's message.
    unbounded: how many of a numeric case's finite differences claimed no error bound (so
    confirmed nothing; counted, never passed off as right or wrong).
    """

    status: str
    read: bool
    detail: str = ""
    unbounded: int = 0


def run(case: Symbolic | Numeric) -> Outcome:
    """The outcome of ``case``: symdiff's answer judged against the peer's."""
    read = False
    try:
        program = sd.parse_program(case.expr, functions=getattr(case, "functions", ()))
        read = True
        unbounded = 0
        if isinstance(case, Symbolic):
            problem = _symbolic(case, program)
        else:
            problem, unbounded = _numeric(case, program)
    except sd.SymdiffError as error:
        message = str(error)
        if "\n" in message:
            return Outcome("wrong", read, f"a message of more than one line: {message!r}")
        if case.refused:
            return Outcome("refused", read, message)
        return Outcome("wrong", read, f"refused: {type(error).__name__}: {message}")
    except Exception as error:  # an internal error is a finding, whatever the case expects
        return Outcome("wrong", read, f"internal error: {type(error).__name__}: {error}")
    if case.refused:
        return Outcome("wrong", read, f"answered a case symdiff should refuse ({case.refused})")
    return Outcome("wrong" if problem else "right", read, problem, unbounded)


# --- symbolic -------------------------------------------------------------------------------


def _symbolic(case: Symbolic, program: Any) -> str:
    """What is wrong with symdiff's derivative of ``case``; "" when it is the peer's."""
    wrt = list(case.wrt) if isinstance(case.wrt, tuple) else case.wrt
    result = sd.diff(program, wrt, order=case.order, distributions=case.distributions)
    if case.refused:
        return ""  # answered: run() says so
    if isinstance(case.order, str):
        problem = _nth_mismatch(case, result)
    else:
        problem = _mismatch(result, _expected(case), case.domain, case.expr)
    if not problem and case.disputed and not _mismatch(result, _read(case, case.peer_answer), case.domain, case.expr):
        problem = f"gives the peer's disputed answer ({case.disputed})"
    if problem or case.at is None:
        return problem
    return _comparison_problem(case, program)


def _expected(case: Symbolic) -> sp.Expr:
    return case.expected() if callable(case.expected) else _read(case, str(case.expected))


def _read(case: Symbolic, answer: str) -> sp.Expr:
    """An answer in symdiff's language, read with the case's declarations (f: function, x: depends on t)."""
    declarations = "; ".join(line for line in case.expr.split(";") if ":" in line)
    return sd.parse(f"{declarations}; {answer}" if declarations else answer, functions=case.functions)


def _nth_mismatch(case: Symbolic, result: sp.Expr) -> str:
    """The n-th derivative at n = 0, 1, … against sympy.diff of the peer's function k times."""
    assert callable(case.expected)
    base = case.expected()
    n = next((s for s in result.free_symbols if s.name == case.order), None)
    for k in ORDERS_OF_N:
        at_k = result.xreplace({n: sp.Integer(k)}).doit() if n is not None else result
        problem = _mismatch(at_k, sp.diff(base, sp.Symbol(str(case.wrt), real=True), k), case.domain, case.expr)
        if problem:
            return f"at n = {k}: {problem}"
    return ""


def _mismatch(result: sp.Expr, expected: sp.Expr, domain: tuple[float, float], seed: str) -> str:
    """Why ``result`` is not ``expected``: "" when they are equal (at random points, or by simplify)."""
    result, expected = _concrete(_plain(result)), _concrete(_plain(expected))
    difference = result - expected
    if difference == 0:
        return ""
    if difference.has(sp.DiracDelta):  # distributions have no values at points
        simplified = sp.simplify(difference)
        return "" if simplified == 0 else f"differs from the peer's answer by {simplified}"
    rng = random.Random(seed)
    symbols = sorted(result.free_symbols | expected.free_symbols, key=lambda s: s.name)
    checked = 0
    for _ in range(40):
        point = {s: sp.Float(rng.uniform(*domain), DIGITS) for s in symbols}
        got, want = (sp.N(e.xreplace(point), DIGITS) for e in (result, expected))
        if not (_finite_real(got) and _finite_real(want)):
            continue  # outside the domain of one of them
        if abs(got - want) > sp.Float(10) ** (10 - DIGITS) * max(1, abs(want)):
            where = ", ".join(f"{s} = {float(v):.6g}" for s, v in point.items())
            return f"at {where}: symdiff gives {float(got):.15g}, the peer {float(want):.15g}"
        checked += 1
        if checked == POINTS:
            return ""
    return f"no point of {domain} where both are real numbers"


def _finite_real(value: sp.Expr) -> bool:
    return value.is_number and value.is_real is True and value.is_finite is True


def _plain(expr: sp.Expr) -> sp.Expr:
    """Every symbol as the real symbol of its name, so that a peer's x and symdiff's x are one."""
    return expr.xreplace({s: sp.Symbol(s.name, real=True) for s in expr.free_symbols})


def _concrete(expr: sp.Expr) -> sp.Expr:
    """Unknown functions (f(x), and x(t) for a dependent x) replaced by concrete ones, by name."""
    if not expr.has(AppliedUndef):
        return expr
    expr = expr.replace(_by_a_function, _at_a_dummy)
    replaced = expr.replace(lambda e: isinstance(e, AppliedUndef), lambda e: _stand_in(e.func.__name__, e.args))
    return replaced.doit()


def _by_a_function(node: sp.Basic) -> bool:
    """A derivative by something other than a symbol: ∂x(y(t))/∂y(t), as symdiff writes f′(g(x))."""
    return isinstance(node, sp.Derivative) and any(not isinstance(v, sp.Symbol) for v in node.variables)


def _at_a_dummy(node: sp.Derivative) -> sp.Expr:
    """The same derivative taken by dummies and evaluated at the functions: Subs(∂x(u)/∂u, u, y(t))."""
    dummies = {v: sp.Dummy(real=True) for v in node.variables if not isinstance(v, sp.Symbol)}
    inner = sp.Derivative(node.expr.xreplace(dummies), *((dummies.get(v, v), k) for v, k in node.variable_count))
    return sp.Subs(inner, tuple(dummies.values()), tuple(dummies))


def _stand_in(name: str, args: Sequence[sp.Expr]) -> sp.Expr:
    """The same smooth function for every unknown called ``name``, picked from its name."""
    rng = random.Random(name)
    total = sp.Integer(0)
    for i, arg in enumerate(args, start=1):
        p, q = (sp.Rational(rng.randint(1, 9), rng.randint(2, 9)) for _ in range(2))
        total += p * sp.sin(q * arg + i) + q * arg**2 / (i + 1)
    return total + sp.Mul(*args) / 3


def _comparison_problem(case: Symbolic, program: Any) -> str:
    """Every method at the case's point: each row must agree or be explained."""
    assert case.at is not None
    if isinstance(case.wrt, tuple):
        comparison = sd.compare(program, at=case.at, wrt=[list(case.wrt)], order=1)
    else:
        comparison = sd.compare(program, at=case.at, wrt=case.wrt, order=int(case.order))
    assert isinstance(comparison, sd.Comparison)  # scalar programs only
    bad = [
        f"{'/'.join(row.wrt)}: {row.verdict}" for row in comparison.rows if row.verdict not in ("agree", "explained")
    ]
    return f"compare at {dict(case.at)}: {', '.join(bad)}" if bad else ""


# --- numeric --------------------------------------------------------------------------------


def _numeric(case: Numeric, program: Any) -> tuple[str, int]:
    """What is wrong with the finite differences of ``case`` ("" when every bound holds), and how many had no bound."""
    unbounded = 0
    for method in FD_METHODS:
        for wrt, expected, result in _finite(case, program, method):
            unbounded += not math.isfinite(float(result.error_bound))
            problem = _outside_bound(result, expected, case.tol)
            if problem:
                return f"{method}, ∂/∂{'∂'.join(wrt)}: {problem}", unbounded
    return "", unbounded


def _finite(case: Numeric, program: Any, method: str) -> list[tuple[tuple[str, ...], float, Any]]:
    """(variables, the peer's value, symdiff's finite difference) for each number the case checks."""
    at = dict(case.at)
    if case.kind == "derivative":
        wrt = (str(case.wrt),) * case.order
        result = sd.finite_difference(program, str(case.wrt), at=at, method=method, order=case.order)  # type: ignore[arg-type]
        assert isinstance(case.expected, float)
        return [(wrt, case.expected, result)]
    names = list(case.wrt)
    if case.kind == "gradient":
        gradient = sd.fd_gradient(program, at=at, wrt=names, method=method)  # type: ignore[arg-type]
        assert isinstance(case.expected, tuple)
        return [((v,), float(e), gradient[v]) for v, e in zip(names, case.expected, strict=True)]  # type: ignore[arg-type]
    hessian = sd.fd_hessian(program, at=at, wrt=names, method=method)  # type: ignore[arg-type]
    assert isinstance(case.expected, tuple)
    return [
        ((u, v), float(case.expected[i][j]), hessian.entries[i][j])  # type: ignore[index]
        for i, u in enumerate(names)
        for j, v in enumerate(names)
    ]


def _outside_bound(result: Any, expected: float, tol: float) -> str:
    """Why ``result`` does not hold the peer's value within its bound; "" when it does, or claims none."""
    value, bound = float(result.value), float(result.error_bound)
    if math.isnan(bound) or math.isinf(bound):
        return ""  # no bound is no claim: nothing to be wrong about
    if abs(value - expected) <= bound + tol:
        return ""
    return f"{value!r} ± {bound:.3g} does not hold the peer's {expected!r} (tolerance {tol:.3g})"
