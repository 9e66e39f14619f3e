"""Resource limits, all in one place.

The defaults keep every command well under a few seconds on a laptop. Each limit can be
raised per call (``limits=Limits(max_order=20)``) or on the command line
(``--limit max_order=20``).
"""

from __future__ import annotations

import contextlib
import dataclasses
from collections.abc import Iterator
from dataclasses import dataclass

from .errors import LimitError


@dataclass(frozen=True)
class Limits:
    """Bounds on what symdiff will attempt.

    Attributes:
        max_length: characters of expression text.
        max_depth: nesting depth of the expression (parentheses, calls, powers, unary signs).
            SymPy itself recurses on deep trees, so this also protects every later step.
        max_digits: decimal digits of any exact number the parser builds (literals, ``9^9^9``).
        max_order: order of a derivative.
        max_ops: size (SymPy ``count_ops``) of a derivative; stops expression swell. In reverse
            mode: operations of the function, and sweeps × graph nodes of a Hessian.
        max_dps: decimal digits of the high-precision reference.
        tidy_ops: derivatives at most this large are tidied (``together``, ``factor_terms``);
            larger ones are returned as differentiated, because tidying costs more than it helps.
        reverse_ops: gradients and Hessians whose size (variables × distinct sub-expressions of
            the function) is above this are computed in reverse mode and written with shared
            definitions when no method is given (``method="auto"``).
        bound_ops: finite differences bound their error with higher derivatives; one is not
            differentiated again once its tree is larger than this (each order multiplies the
            size several times over), and the bound falls back on a lower order or on none.
        steps_nodes: a derivation writes every step out and checks it: the expression written
            out as a tree may have at most this many nodes (a program that reuses its names
            doubles with every line).
    """

    max_length: int = 10_000
    max_depth: int = 100
    max_digits: int = 1_000
    max_order: int = 10
    max_ops: int = 200_000
    max_dps: int = 1_000
    tidy_ops: int = 200
    reverse_ops: int = 200
    bound_ops: int = 2_000
    steps_nodes: int = 400

    def with_overrides(self, text: str) -> Limits:
        """Return a copy with one ``name=value`` override applied (as given to ``--limit``)."""
        name, sep, value = text.partition("=")
        name = name.strip()
        fields = {f.name for f in dataclasses.fields(self)}
        if not sep or name not in fields:
            raise LimitError(f"--limit expects NAME=VALUE with NAME one of {', '.join(sorted(fields))}; got {text!r}")
        try:
            number = int(value.strip())
        except ValueError:
            raise LimitError(f"--limit {name} needs a whole number, got {value.strip()!r}") from None
        if number < 1:
            raise LimitError(f"--limit {name} must be at least 1, got {number}")
        return dataclasses.replace(self, **{name: number})

    def check_order(self, order: int) -> None:
        if isinstance(order, bool) or not isinstance(order, int):
            raise LimitError(f"order must be a whole number, got {order!r}")
        if order < 1:
            raise LimitError(f"order must be at least 1, got {order}")
        if order > self.max_order:
            raise LimitError(f"order {order} is above the limit of {self.max_order} (raise it with max_order)")

    def check_dps(self, dps: int) -> None:
        if isinstance(dps, bool) or not isinstance(dps, int):
            raise LimitError(f"dps must be a whole number of digits, got {dps!r}")
        if not 15 <= dps <= self.max_dps:
            raise LimitError(
                f"dps must be between 15 and {self.max_dps} digits, got {dps} (raise the upper bound with max_dps)"
            )


DEFAULT_LIMITS = Limits()


@contextlib.contextmanager
def sympy_recursion_guard(what: str) -> Iterator[None]:
    """Turn SymPy's RecursionError on a very deep expression into a LimitError.

    The parser's depth limit prevents this for text input; SymPy expressions passed in
    directly can still be arbitrarily deep.
    """
    try:
        yield
    except RecursionError:
        raise LimitError(
            f"{what}: the expression is nested too deeply for SymPy's recursive algorithms "
            "(see docs/limits.md); the tape (symdiff.Tape) evaluates and differentiates it numerically"
        ) from None
