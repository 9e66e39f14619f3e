"""Derive step by step: take the first derivative still to do, apply its rule, repeat.

A line of the derivation is a SymPy expression with derivative operators still in it (see
``forms``). The loop takes the first one a reader meets, asks ``rules.rewrite`` how to take
it one step further, writes the new line, and goes on until no operator is left; then one
last step simplifies. In ``full`` detail the chain rule names the inner function (u = x²),
derives du/dx and df/du as steps of their own and puts u back; ``compact`` writes it in one
line, f'(g)·g', and cites a derivative already derived instead of deriving it again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

import mpmath
import sympy as sp

from ..errors import EvaluationError, LimitError
from ..language.dag import dag_size, postorder, tree_size
from ..language.forms import (
    Factors,
    drop_zero_terms,
    first_goal,
    goal,
    goals,
    plain,
    rebuild,
    replace_goal,
    sibling_goals,
    substitute,
)
from ..language.parser import symbol
from ..language.printing import name_latex, terminating_decimal, to_text
from ..limits import DEFAULT_LIMITS
from ..symbolic.derivatives import tidy
from ..symbolic.exact import exact_value
from . import numeric, rules
from .numeric import DIGITS
from .record import Detail, Section, Step

_SUBSTITUTION_NAMES = ("u", "v", "w")


SHOWN_DIGITS = 6  # significant digits a value at a point is written with (as the renderers do)


class Builder:
    """Writes one derivation: numbered steps in sections, substitution names, citations.

    The state is local to one derivation; nothing is shared between calls.
    """

    def __init__(
        self,
        detail: Detail,
        taken: Iterable[str],
        budget: int = DEFAULT_LIMITS.max_ops,
        exact: Mapping[str, sp.Expr] | None = None,
    ):
        self.compact = detail != "full"
        self.budget = budget  # nodes the derivation may write (max_ops)
        self.exact = exact  # the point in exact numbers (x = π), when it was given so
        self.taken = set(taken)
        self.substitutions: dict[sp.Symbol, sp.Expr] = {}
        self.sections: list[Section] = []
        self.count = 0
        self._lhs: sp.Expr = sp.S.Zero
        self._steps: list[Step] = []
        self._pending: dict[sp.Symbol, sp.Symbol] = {}  # substitution name not yet put back → its variable
        self._first: dict[sp.Derivative, tuple[int, sp.Expr]] = {}  # goal → (step, what it became)

    # -- sections and steps -------------------------------------------------------------

    def open(self, lhs: sp.Expr) -> None:
        """Start a new chain of equalities ``lhs = …``."""
        self.close()
        self._lhs = lhs

    def close(self) -> None:
        if self._steps:
            self.sections.append(Section(self._lhs, tuple(self._steps)))
        self._steps = []

    def record(
        self,
        rewrite: rules.Rewrite,
        target: sp.Expr,
        wrt: sp.Symbol,
        before: sp.Expr,
        after: sp.Expr,
        cites: int | None = None,
    ) -> Step:
        self.count += 1
        step = Step(
            number=self.count,
            rule=rewrite.rule,
            name=rewrite.name,
            target=target,
            wrt=wrt.name,
            before=before,
            after=after,
            constants=rewrite.constants,
            where=tuple((name.name, expr) for name, expr in rewrite.where),
            cites=cites,
            replacement=rewrite.replacement,
        )
        self._steps.append(step)
        return step

    # -- the loop -------------------------------------------------------------------------

    def derive(self, line: sp.Expr) -> sp.Expr:
        """Work out every derivative operator in ``line``; return the last line."""
        self._check_size(line)
        while (target := first_goal(line)) is not None:
            line = self._step(line, target)
        return line

    def _check_size(self, line: sp.Expr) -> None:
        """Refuse, before any step, a derivation that would write more than ``budget`` nodes.

        Each step writes the whole line before and after it, and a derivation takes about two
        steps per distinct sub-expression: 999 terms sin(kx) would be minutes of steps.
        """
        steps, written = 2 * dag_size(line), tree_size(line)
        if 2 * steps * written > self.budget:
            raise LimitError(
                f"the derivation would take about {steps:,} steps of about {written:,} nodes each, "
                f"above the limit of {self.budget:,} nodes written (max_ops); derive a part of the expression"
            )

    def _step(self, line: sp.Expr, target: sp.Derivative) -> sp.Expr:
        (x,) = target.variables
        earlier = self._first.get(target) if self.compact else None
        together = [target]
        if earlier is not None:
            rewrite = rules.Rewrite("reuse", "derived before", self._solved(target))
        else:
            rewrite = rules.rewrite(target.expr, x, None if self.compact else self._fresh)
        if rewrite.rule == "held-constant":  # b and c are constants: one step for the whole sum
            together = [g for g in sibling_goals(line, target) if g.variables == (x,) and _held(g.expr, x)]
            rewrite = rules.constant(sp.Add(*(g.expr for g in together)))
        after = line
        for g in together:
            after = replace_goal(after, g, rewrite.replacement, every=self.compact)
        acted_on = sp.Add(*(g.expr for g in together))  # held constants: the whole group the step rewrote
        step = self.record(rewrite, acted_on, x, line, after, cites=earlier[0] if earlier else None)
        for g in together:
            self._first.setdefault(g, (step.number, rewrite.replacement))
        for name, inner in rewrite.where:
            self.substitutions[name] = inner
            self._pending[name] = x
        if rewrite.rule in {"constant", "held-constant"}:
            after = self._drop_zeros(after, x)
        return self._put_back(after, x)

    def _drop_zeros(self, line: sp.Expr, x: sp.Symbol) -> sp.Expr:
        """Leave out the zeros a constant left in a sum, while derivatives remain to be taken
        (in the last line, the final simplification does it)."""
        if first_goal(line) is None:
            return line
        after = drop_zero_terms(line)
        if after != line:
            self.record(rules.Rewrite("zero-terms", "leave out the zero terms", after), sp.S.Zero, x, line, after)
        return after

    def _put_back(self, line: sp.Expr, x: sp.Symbol) -> sp.Expr:
        """Once df/du is derived, write u's expression back in its place."""
        if x not in self._pending or any(g.has(x) for g in goals(line)):
            return line
        wrt = self._pending.pop(x)
        if not line.has(x):
            return line  # df/du was 0 (heaviside's): u is gone, and a step that changes nothing is noise
        inner = self.substitutions[x]
        after = substitute(line, {x: inner})
        self.record(rules.Rewrite("substitute", "substitute back", after, where=((x, inner),)), x, wrt, line, after)
        return after

    def _fresh(self) -> sp.Symbol:
        """A substitution name that neither is nor looks like one of the user's: u, v, w, then
        u_1, u_2, … (u_1 is ruled out by a user's u1: both print as u₁ in LaTeX)."""
        shown = {form for name in self.taken for form in _printed(name)}
        candidates = [*_SUBSTITUTION_NAMES, *(f"u_{i}" for i in range(1, len(self.taken) + 2))]
        name = next(c for c in candidates if shown.isdisjoint(_printed(c)))
        self.taken.add(name)
        return symbol(name)

    def _solved(self, target: sp.Derivative) -> sp.Expr:
        """What an earlier sub-derivation of ``target`` came to."""
        _, replacement = self._first[target]
        return rebuild(replacement, lambda node: self._solved(node) if isinstance(node, sp.Derivative) else None)

    # -- the last step --------------------------------------------------------------------

    def finish(self, line: sp.Expr, wrt: sp.Symbol) -> sp.Expr:
        """Simplify the last line, or only write it in the usual order (y^2·3x^2 as 3x^2 y^2)
        when that is all there is to do; return the result."""
        result = tidy(plain(line))
        if not _reorders_only(line, result):
            self.record(rules.Rewrite("simplify", "simplify", result), line, wrt, line, result)
        elif _factors_out_of_order(line):
            self.record(rules.Rewrite("reorder", "in the usual order", result), line, wrt, line, result)
        return result

    def value(self, line: sp.Expr, wrt: sp.Symbol, point: Mapping[sp.Symbol, mpmath.mpf]) -> mpmath.mpf:
        """One more step: the last line's value at ``point``."""
        with mpmath.workdps(DIGITS):
            number = numeric.evaluate(line, point)
        if number is None:
            raise EvaluationError(f"the derivative {to_text(line)} is not a real number at the point")
        exact = None if self.exact is None else exact_value(line, self.exact, number)
        name = "at the point"
        shown: sp.Expr = sp.Float(number, DIGITS)
        decimal = None if exact is None else terminating_decimal(exact, SHOWN_DIGITS)
        if decimal is not None:
            shown = sp.Float(decimal, DIGITS)  # -17/5 at x = 0.1 is written -3.4, exactly
        elif exact is not None:
            shown = exact
            if not exact.is_Integer:
                name = f"at the point (≈ {mpmath.nstr(number, SHOWN_DIGITS)})"
        self.record(rules.Rewrite("value", name, shown), line, wrt, line, shown)
        return number


def _held(expr: sp.Expr, x: sp.Symbol) -> bool:
    """A term the derivative by x holds constant: it has variables, none of them x."""
    return not expr.has(x) and bool(expr.free_symbols)


def _printed(name: str) -> tuple[str, str]:
    """How a name looks in text and in LaTeX: two names collide when either form does."""
    return name, name_latex(name)


def _reorders_only(line: sp.Expr, result: sp.Expr) -> bool:
    """Writing ``line`` as ``result`` only reorders terms and factors: no arithmetic to show."""
    return _layout(line) == _layout(result)


def _factors_out_of_order(line: sp.Expr) -> bool:
    """A product in ``line`` with a number that is not in front (y^2·3x^2 for 3x^2 y^2) or a
    denominator out of order (1/(ln b·x) for 1/(x ln b)).

    Other orders are left as the rules wrote them: f'(g)·g' with no number in it and the
    terms of a sum (2x·sin(x) + x^2·cos(x)) read as well as SymPy's order.
    """
    for node in postorder(line):
        if isinstance(node, Factors):
            leaves = _leaves(node)
            usual = list(sp.Mul(*leaves).as_ordered_factors())
            if any(f.is_Number for f in leaves[1:]) or _denominators(leaves) != _denominators(usual):
                return True
    return False


def _denominators(factors: list[sp.Expr]) -> list[sp.Expr]:
    return [f for f in factors if f.is_Pow and f.exp.is_negative]


def _leaves(product: sp.Expr) -> list[sp.Expr]:
    if isinstance(product, sp.Mul):  # Factors too
        return [leaf for factor in product.args for leaf in _leaves(factor)]
    return [product]


def _layout(expr: sp.Expr) -> object:
    """The terms and factors of ``expr``, nested sums and products flattened, order ignored."""
    if isinstance(expr, sp.Add):  # Terms too
        return ("+", frozenset(Counter(_layout(t) for t in _flat(expr, sp.Add)).items()))
    if isinstance(expr, sp.Mul):  # Factors too
        return ("*", frozenset(Counter(_layout(f) for f in _flat(expr, sp.Mul)).items()))
    return expr


def _flat(expr: sp.Expr, kind: type) -> list[sp.Expr]:
    # A negative factor such as (-sin(x)) stays whole: moving its sign out is arithmetic to show.
    return [leaf for arg in expr.args for leaf in (_flat(arg, kind) if _opens(arg, kind) else [arg])]


def _opens(arg: sp.Expr, kind: type) -> bool:
    if kind is sp.Mul and arg.could_extract_minus_sign():
        return False
    return isinstance(arg, kind)


def derive_expression(
    builder: Builder, f: sp.Expr, variables: Sequence[sp.Symbol], written: int | None = None
) -> sp.Expr:
    """d/dx f, one order at a time: one section per variable in ``variables``, each shown as
    d/dx(f) = …, d²/dx²(f) = …

    ``written``: refuse (``steps_nodes``) to derive again from a derivative whose tree is larger.
    """
    result = f
    for k, x in enumerate(variables):
        size = tree_size(result)
        if written is not None and k > 0 and size > written:
            raise LimitError(
                f"the derivation's derivative of order {k} written out has {size} nodes, above the limit of "
                f"{written} (steps_nodes): each order multiplies it; symdiff.diff gives order {len(variables)} "
                "with shared definitions"
            )
        lhs = goal(f, *variables[: k + 1])
        builder.open(lhs)
        line = goal(result, x)
        if k > 0:
            builder.record(rules.Rewrite("again", "differentiate the derivative above", line), result, x, lhs, line)
        result = builder.finish(builder.derive(line), x)
    return result
