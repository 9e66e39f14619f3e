"""Check a derivation: each line equals the line before it, and the result equals ``symdiff.diff``.

Two lines are compared as functions. The derivative operators in them are worked out by
SymPy, an independent source (the steps themselves were written by ``rules`` and the
registry), and substitution names (u = x²) and program names (h = tanh(w1*x)) are replaced by
what they stand for. Then:

1. if SymPy builds the same expression for both, they are equal (``"identical"``);
2. otherwise mpmath compares them at 30 digits at three random points (±0.03 to ±1000) where
   both are real (``"numeric"``); a single disagreement is a failure;
3. if no such point turns up, ``sympy.simplify`` of the difference decides (``"simplify"``).
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import mpmath
import sympy as sp

from ..language.dag import dag_size
from ..language.forms import LocalDerivative, classical_diff, rebuild
from ..language.parser import natural_key
from ..language.printing import to_text
from ..language.unknown import has_unknowns, made_concrete, witnesses
from . import numeric
from .numeric import DIGITS
from .record import Section, Step

POINTS = 3
ATTEMPTS = 60
SEARCH = 30  # attempts before giving up on a line that is real nowhere yet ((-3)^(0.6^w) is real nowhere)
TOLERANCE = mpmath.mpf("1e-15")  # relative: a wrong rule is off by far more, rounding by far less
SCALES = (-1.5, 3.0)  # random points are ±10^u for u uniform in this range: 0.03 to 1000
SIMPLIFY_OPS = 400  # beyond this, sympy.simplify may take minutes; the check then says so


@dataclass(frozen=True)
class Verdict:
    ok: bool
    how: str


class Checker:
    """Compares lines of one derivation, remembering the value of each line it has seen."""

    def __init__(self, substitutions: Mapping[sp.Symbol, sp.Expr], definitions: Mapping[sp.Symbol, sp.Expr]):
        self.expansion = _expanded(substitutions)
        self.definitions = definitions
        self._values: dict[sp.Expr, sp.Expr] = {}
        self._derivatives: dict[sp.Basic, sp.Expr] = {}

    def value(self, line: sp.Expr) -> sp.Expr:
        """The line as a function of the inputs alone, its derivatives worked out by SymPy."""
        if line not in self._values:
            self._values[line] = rebuild(line, self._derivative).xreplace(self.expansion)
        return self._values[line]

    def _derivative(self, node: sp.Basic) -> sp.Expr | None:
        """What a derivative operator in a line stands for (None for anything else)."""
        if isinstance(node, sp.Derivative):
            if node not in self._derivatives:
                self._derivatives[node] = classical_diff(node.expr, *node.variables)
            return self._derivatives[node]
        if isinstance(node, LocalDerivative):  # ∂y/∂h: the line defining y, other names held constant
            return classical_diff(self.definitions[node.name], node.var)
        return None

    def step(self, step: Step, point: Mapping[sp.Symbol, mpmath.mpf] | None) -> Step:
        if step.rule == "value" and point is not None:
            verdict = at_point(self.value(step.before), step.after, point)
        else:
            verdict = same(self.value(step.before), self.value(step.after), seed=step.number)
        return dataclasses.replace(step, verified=verdict.ok, check=verdict.how)


def _expanded(substitutions: Mapping[sp.Symbol, sp.Expr]) -> dict[sp.Symbol, sp.Expr]:
    """Each name in terms of the inputs alone (a name's expression may use earlier names)."""
    expanded = dict(substitutions)
    for _ in range(len(expanded)):
        again = {name: expr.xreplace(expanded) for name, expr in expanded.items()}
        if again == expanded:
            break
        expanded = again
    return expanded


def verify_sections(
    sections: tuple[Section, ...],
    substitutions: Mapping[sp.Symbol, sp.Expr],
    definitions: Mapping[sp.Symbol, sp.Expr],
    point: Mapping[sp.Symbol, mpmath.mpf] | None = None,
) -> tuple[Section, ...]:
    """The sections with every step checked."""
    checker = Checker(substitutions, definitions)
    return tuple(Section(s.lhs, tuple(checker.step(step, point) for step in s.steps)) for s in sections)


def same(a: sp.Expr, b: sp.Expr, seed: int = 0) -> Verdict:
    """Whether ``a`` and ``b`` are the same function (of every unknown function in them too)."""
    if a == b or sp.Add(a, -b) == 0:
        return Verdict(True, "identical")
    if has_unknowns(a) or has_unknowns(b):
        # For unknown functions, random concrete ones: equal for them is equal for all, but by a fluke.
        concrete = witnesses(sp.Add(a, b, evaluate=False), seed)
        a, b = made_concrete(a, concrete), made_concrete(b, concrete)
    verdict, real_somewhere = _at_random_points(a, b, seed)
    if verdict is not None:
        return verdict
    if not real_somewhere:
        # Nowhere real where we looked, (-3)^(0.6^w): simplify would toil for seconds over
        # complex values that a derivation over the reals cannot use anyway.
        return Verdict(False, f"not a real number at any of {SEARCH} random points, so nothing to compare")
    if dag_size(a) + dag_size(b) > SIMPLIFY_OPS:
        return Verdict(False, "no point of the domain found to compare at, and too large to simplify")
    if sp.simplify(a - b) == 0:
        return Verdict(True, "simplify")
    return Verdict(False, "no point of the domain found to compare at, and simplify cannot show it is 0")


def _at_random_points(a: sp.Expr, b: sp.Expr, seed: int) -> tuple[Verdict | None, bool]:
    """A verdict from random points (None if too few were in both domains), and whether either side was real at one."""
    rng = random.Random(seed)
    symbols = sorted(a.free_symbols | b.free_symbols, key=lambda s: natural_key(s.name))
    agreed = 0
    real_somewhere = False
    found: dict[sp.Symbol, mpmath.mpf] | None = None
    with mpmath.workdps(DIGITS):
        for attempt in range(ATTEMPTS):
            if attempt == SEARCH and not real_somewhere:
                break  # neither side is real anywhere yet: more points will not find a domain
            point = _random_point(rng, symbols, attempt, found)
            left, right = numeric.evaluate(a, point), numeric.evaluate(b, point)
            real_somewhere = real_somewhere or left is not None or right is not None
            if left is None or right is None:
                continue
            found = point
            if not _close(left, right):
                where = ", ".join(f"{s.name} = {mpmath.nstr(v, 8)}" for s, v in point.items())
                return Verdict(False, f"differs at {where}: {mpmath.nstr(left, 12)} vs {mpmath.nstr(right, 12)}"), True
            agreed += 1
            if agreed == POINTS or not symbols:
                return Verdict(True, "numeric"), True
    return None, real_somewhere


def _random_point(
    rng: random.Random, symbols: Sequence[sp.Symbol], attempt: int, found: Mapping[sp.Symbol, mpmath.mpf] | None
) -> dict[sp.Symbol, mpmath.mpf]:
    """Points of three kinds in turn: over all of SCALES, with random signs; the same below 1 in
    size (acos is real there, and a power of a huge base is not out of reach); and beside the
    last point both sides were real at (a domain is open), or before there is one, positive and
    below 1 (log, sqrt and fractional powers are real there). A line like
    sinh(min(z, y + z))^gamma(z/acos(x)) is real at one wide point in fifteen, and three are needed."""
    if attempt % 3 == 2:
        if found is not None:
            return {s: v * mpmath.mpf(10) ** rng.uniform(-0.3, 0.3) for s, v in found.items()}
        return {s: mpmath.mpf(10 ** rng.uniform(SCALES[0], 0.0)) for s in symbols}
    low, high = (SCALES[0], 0.0) if attempt % 3 == 1 else SCALES
    return {s: mpmath.mpf(rng.choice((-1, 1)) * 10 ** rng.uniform(low, high)) for s in symbols}


def _close(left: mpmath.mpf, right: mpmath.mpf) -> bool:
    return bool(abs(left - right) <= TOLERANCE * max(1, abs(left), abs(right)))


def at_point(expr: sp.Expr, number: sp.Expr, point: Mapping[sp.Symbol, mpmath.mpf]) -> Verdict:
    """Whether ``expr`` at ``point`` is ``number``."""
    with mpmath.workdps(DIGITS):
        computed = numeric.evaluate(expr, point)
        if computed is None:
            return Verdict(False, f"{to_text(expr)} is not a real number at the point")
        shown = mpmath.mpf(sp.N(number, DIGITS + 5)) if isinstance(number, sp.Basic) else mpmath.mpf(number)
        return Verdict(True, "at the point") if _close(computed, shown) else Verdict(False, "wrong value")
