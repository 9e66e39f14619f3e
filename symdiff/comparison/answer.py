"""Check my answer: is a derivative someone wrote equal to the derivative of f?

Decided symbolically where SymPy can (their difference simplifies to 0 over the reals), and
numerically otherwise: both are evaluated at 50 digits at points of f's domain, simple ones
first (1, 2, -1, 1/2, …), then random ones. A point where they differ is a counterexample,
shown with both exact values and their difference. Equality is judged where the derivative
exists: an answer that equals it wherever f is defined is right (1/x for ln x, also negative x
aside), one that is undefined where the derivative is not, or that assumes x > 0 (1 for √x²),
is not.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import mpmath
import sympy as sp

from ..errors import SymdiffError
from ..language.dag import postorder, tree_size
from ..language.parser import as_expression, parse, variable_names
from ..language.printing import to_text
from ..language.unknown import as_values, declared_in, has_unknowns, made_concrete, witnesses
from ..limits import DEFAULT_LIMITS, Limits
from ..primitives import registry
from ..symbolic.derivatives import ExprLike, VariableLike, diff, variable
from ..symbolic.exact import SIMPLIFY_FAILURES, at_point, exact_value

Verdict = Literal["equivalent", "different", "undecided"]
How = Literal["symbolic", "numeric"]

DIGITS = 50
AGREEMENT = mpmath.mpf(10) ** -30  # relative: far above 50-digit rounding, far below any real difference
POINTS = 40  # points tried numerically
SIMPLIFY_NODES = 400  # larger differences are not given to sympy.simplify (it can take minutes)
_SIMPLE = [sp.Integer(v) for v in (1, 2, -1, 3, -2)] + [sp.Rational(v) for v in ("1/2", "-1/2", "3/2", "1/3", "5/2")]


@dataclass(frozen=True)
class Counterexample:
    """A point where the answer and the derivative differ, with their exact (or 50-digit) values."""

    point: dict[str, sp.Expr]
    derivative: sp.Expr
    answer: sp.Expr | None  # None: the answer is undefined there
    difference: sp.Expr | None  # the answer minus the derivative


@dataclass(frozen=True)
class AnswerCheck:
    """The verdict on one answer.

    Attributes:
        expression: f.
        wrt: the variables differentiated by, in order (``("x", "x")`` for the second derivative).
        derivative: symdiff's derivative.
        answer: the answer, parsed.
        verdict: ``equivalent``, ``different``, or ``undecided`` (no point of the domain found).
        how: ``symbolic`` (the difference simplified to 0) or ``numeric`` (evaluated at points).
        points: how many points of the domain the two were compared at.
        counterexample: where they differ, when they do.
        note: what else to know (the answer's extra variables, a domain restriction found).
    """

    expression: sp.Expr
    wrt: tuple[str, ...]
    derivative: sp.Expr
    answer: sp.Expr
    verdict: Verdict
    how: How
    points: int
    counterexample: Counterexample | None = None
    note: str = ""
    variables: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.verdict == "equivalent"

    def to_text(self) -> str:
        from ..render import answer

        return answer.text(self)

    def to_json(self) -> str:
        from ..render import answer

        return answer.json_text(self)

    def to_latex(self) -> str:
        from ..render import answer

        return answer.latex(self)

    def to_markdown(self) -> str:
        from ..render import answer

        return answer.markdown(self)

    def __str__(self) -> str:
        return self.to_text()


def check_answer(
    expr: ExprLike,
    answer: str | sp.Basic,
    wrt: VariableLike | Sequence[VariableLike] | None = None,
    order: int = 1,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> AnswerCheck:
    """Is ``answer`` the derivative of ``expr``? Symbolically where possible, else at points, with a counterexample.

    Args:
        expr: the function f (text, a program or a SymPy expression).
        answer: the derivative someone wrote (text or SymPy).
        wrt: the variable (default: f's only one), or several for a mixed partial.
        order: how many times to differentiate by a single ``wrt``.

    Example:
        >>> check_answer("3x^2 - 4x + 5", "6x - 4").verdict
        'equivalent'
        >>> check = check_answer("3x^2 - 4x + 5", "6x + 4")
        >>> check.verdict, check.counterexample.point, check.counterexample.difference
        ('different', {'x': 1}, 8)
        >>> check_answer("sqrt(x^2)", "1").counterexample.point  # √x² is |x|, not x
        {'x': -1}
    """
    f = as_expression(expr, limits=limits)
    names = variable_names(f)
    wanted = _wrt(wrt, names)
    mine = diff(f, wanted[0], order, limits=limits) if len(wanted) == 1 else diff(f, wanted, limits=limits)
    functions, depends = declared_in(f)  # the answer is read with f's declarations: f'(x), dx/dt
    if isinstance(answer, str):
        theirs = parse(answer, functions=functions, depends=depends, limits=limits)
    else:
        theirs = as_expression(answer, limits=limits)
    extra = sorted(set(variable_names(theirs)) - set(names))
    if extra:
        raise SymdiffError(
            f"the answer uses {', '.join(extra)}, which f does not (f's variables: {', '.join(names) or 'none'})"
        )
    wrt_all = tuple(wanted) * (order if len(wanted) == 1 else 1)
    if has_unknowns(f) or has_unknowns(theirs):
        return _with_unknowns(f, wrt_all, mine, theirs, names)
    found = _counterexample(f, mine, theirs, names)
    if isinstance(found, Counterexample):
        return AnswerCheck(f, wrt_all, mine, theirs, "different", "numeric", 0, found, variables=names)
    if _simplifies_to_zero(mine - theirs):
        return AnswerCheck(f, wrt_all, mine, theirs, "equivalent", "symbolic", found, variables=names)
    verdict: Verdict = "equivalent" if found else "undecided"
    note = "" if found else "no point of f's domain was found to compare at"
    return AnswerCheck(f, wrt_all, mine, theirs, verdict, "numeric", found, note=note, variables=names)


def _with_unknowns(
    f: sp.Expr, wrt: tuple[str, ...], mine: sp.Expr, theirs: sp.Expr, names: tuple[str, ...]
) -> AnswerCheck:
    """Unknown functions: symbolically, else with random concrete functions in their place.

    Different for one choice of functions is different; equal at every point for random ones is
    equal but for a coincidence of measure zero.
    """
    if _simplifies_to_zero(as_values(mine) - as_values(theirs)):
        return AnswerCheck(f, wrt, mine, theirs, "equivalent", "symbolic", 0, variables=names)
    concrete = witnesses(sp.Add(f, mine, theirs, evaluate=False), seed=0)
    shown = "; ".join(
        f"{name}({', '.join(map(str, lam.variables))}) = {to_text(lam.expr)}" for (name, _), lam in concrete.items()
    )
    note = f"compared with functions picked at random in place of the unknown ones: {shown}"
    f_made, mine_made, theirs_made = (made_concrete(e, concrete) for e in (f, mine, theirs))
    found = _counterexample(f_made, mine_made, theirs_made, names)
    if isinstance(found, Counterexample):
        decimals = _decimals(found)
        return AnswerCheck(f, wrt, mine, theirs, "different", "numeric", 0, decimals, note=note, variables=names)
    if not found:
        note = "no point of f's domain was found to compare at"
    verdict: Verdict = "equivalent" if found else "undecided"
    return AnswerCheck(f, wrt, mine, theirs, verdict, "numeric", found, note=note, variables=names)


def _decimals(c: Counterexample) -> Counterexample:
    """The counterexample's values to 15 digits: exact ones of functions picked at random say nothing."""

    def decimal(value: sp.Expr) -> sp.Expr:
        return value if value.is_Integer else sp.Float(sp.N(value, 15), 15)

    answer, difference = (None if v is None else decimal(v) for v in (c.answer, c.difference))
    return Counterexample(c.point, decimal(c.derivative), answer, difference)


def _wrt(wrt: VariableLike | Sequence[VariableLike] | None, names: tuple[str, ...]) -> list[str]:
    if wrt is None:
        if len(names) != 1:
            raise SymdiffError(
                f"f has {len(names)} variables ({', '.join(names) or 'none'}): say which the answer differentiates by"
            )
        return [names[0]]
    if isinstance(wrt, (str, sp.Symbol)):
        return [variable(wrt).name]
    return [variable(w).name for w in wrt]


def _simplifies_to_zero(difference: sp.Expr) -> bool:
    """Does the difference simplify to 0 (over the reals: the symbols are real)? Small ones only."""
    if difference == 0:
        return True
    if tree_size(difference) > SIMPLIFY_NODES:
        return False
    try:
        return bool(sp.simplify(difference) == 0)
    except SIMPLIFY_FAILURES:
        return False


def _candidates(names: tuple[str, ...]) -> Iterator[dict[str, sp.Expr]]:
    """Points to try: simple ones first (every variable 1, 2, -1, 1/2, …), then random rationals."""
    simple = itertools.product(_SIMPLE, repeat=len(names))
    for values in itertools.islice(simple, POINTS // 2):
        yield dict(zip(names, values, strict=True))
    rng = random.Random(20261122)  # the same points every run: a verdict is never a roll of the dice
    for _ in range(POINTS - POINTS // 2):
        yield {n: sp.Rational(rng.randint(-400, 400), rng.choice((7, 11, 13, 17))) for n in names}


def _value(expr: sp.Expr, point: Mapping[str, sp.Expr]) -> mpmath.mpf | None:
    """expr at the point to 50 digits; None where it is not a finite real number."""
    try:
        number = sp.N(at_point(expr, point), DIGITS)
    except (TypeError, ValueError, ArithmeticError, RecursionError):
        return None
    if not number.is_number or number.has(sp.zoo, sp.nan, sp.oo, -sp.oo) or not number.is_real:
        return None
    with mpmath.workdps(DIGITS):
        value = mpmath.mpf(number)
    return value if mpmath.isfinite(value) else None


def _counterexample(f: sp.Expr, mine: sp.Expr, theirs: sp.Expr, names: tuple[str, ...]) -> Counterexample | int:
    """The first point of the domain where the two differ; else how many points they agree at."""
    agreed = 0
    for point in _candidates(names):
        if _value(f, point) is None or _at_a_kink(f, point):
            continue  # outside f's domain, or where it has no derivative (abs at 0, though sign(0) = 0)
        expected = _value(mine, point)
        if expected is None:
            continue  # f is not differentiable here (a kink, a vertical tangent)
        got = _value(theirs, point)
        with mpmath.workdps(DIGITS):
            if got is not None and abs(got - expected) <= AGREEMENT * max(1, abs(expected)):
                agreed += 1
                continue
        answer = None if got is None else _exact(theirs, point)
        return Counterexample(point, _exact(mine, point), answer, None if got is None else _exact(theirs - mine, point))
    return agreed


def _at_a_kink(f: sp.Expr, point: Mapping[str, sp.Expr]) -> bool:
    """Is some primitive of f at a point where it is not differentiable (abs(x - 1) at x = 1)?"""
    for node in postorder(f):
        p = registry.for_sympy_node(node)
        if p is None or p.nondiff is None:
            continue
        args = [_value(a, point) for a in registry.operands(p, getattr(node, "pargs", node.args))]
        if any(a is None for a in args) or len(args) != p.arity:
            continue
        if bool(p.nondiff.where(*(float(a) for a in args))):  # type: ignore[arg-type]
            return True
    return False


def _exact(expr: sp.Expr, point: Mapping[str, sp.Expr]) -> sp.Expr:
    """expr at the point, exactly when SymPy finds a short exact form (−π², 1/4), else to 15 digits."""
    value = exact_value(expr, point)
    return value if value is not None else sp.Float(sp.N(at_point(expr, point), 15), 15)
