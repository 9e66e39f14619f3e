"""Whether the derivative exists at the point of a derivation.

At a kink (abs(x) at 0, relu(x) at 0, max(x, y) where x = y) the rules still give a number
(the registry's sign(0) = 0, heaviside(0) = 1/2): the average of the one-sided slopes, not a
derivative. The comparison layer's detection is reused as it is: the tape's trace says which
node sits on a kink, ``explain`` words it and finds the one-sided slopes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sympy as sp

from ..comparison.explain import NOT_DIFFERENTIABLE, Explanation, exact_values, explain_row
from ..language.parser import Program
from ..tape.reference import Exact, to_mpf
from ..tape.tape import Tape
from .numeric import DIGITS


def not_differentiable(
    source: Program | sp.Expr, derivative: sp.Expr, wrt: Sequence[str], point: Mapping[str, Exact]
) -> tuple[Explanation, ...]:
    """The kinks that make the derivative with respect to ``wrt`` not exist at ``point``."""
    # The output as one expression: a program's lines may use a variable the output does not depend on.
    tape = Tape(source.expression if isinstance(source, Program) else source)
    exact = {name: v for name, v in point.items() if name in tape.variables}
    trace = tape.trace({name: float(to_mpf(v)) for name, v in exact.items()})
    # A corner met with equal slopes on both sides (relu(w·x) at x = 0 is relu(0) whatever w
    # is) is left out by explain_row itself; the exact values find a kink that only the exact
    # point hits (abs(sin(x)) at x = π, which float64 misses).
    found, _ = explain_row(tape.graph, trace, derivative, wrt, exact, DIGITS, exact_values(tape.graph, exact, DIGITS))
    return tuple(e for e in found if e.kind in NOT_DIFFERENTIABLE)
