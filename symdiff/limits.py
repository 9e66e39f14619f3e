"""Resource limits, all in one place.

The defaults keep every command well under a few seconds on a laptop. Each limit can be
raised per call (``limits=Limits(max_order=20)``) or on the command line
(``--limit max_order=20``).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import re
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

from .errors import LimitError, SymdiffError, describe

F = TypeVar("F", bound=Callable[..., Any])
C = TypeVar("C", bound=type)


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
            size several times over), nor once the higher derivatives of one function add up to
            5 × this; the bound falls back on a lower order or on none.
        max_drawn_nodes: nodes of a graph drawn by Graphviz (.svg, .png, .pdf); its layout
            takes minutes beyond a few hundred. A .dot file of any size can still be written.
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
    max_drawn_nodes: int = 300
    steps_nodes: int = 300

    def __post_init__(self) -> None:
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise LimitError(f"Limits({f.name}=…) must be a whole number of at least 1, got {describe(value)}")

    def with_overrides(self, text: str) -> Limits:
        """Return a copy with one ``name=value`` override applied (as given to ``--limit``)."""
        if not isinstance(text, str):
            raise LimitError(f"a limit override is text such as 'max_order=20', got {describe(text)}")
        name, sep, value = text.partition("=")
        name = name.strip()
        fields = {f.name for f in dataclasses.fields(self)}
        if not sep or name not in fields:
            raise LimitError(f"--limit expects NAME=VALUE with NAME one of {', '.join(sorted(fields))}; got {text!r}")
        digits = value.strip()
        if not re.fullmatch(r"[+-]?\d{1,18}", digits):  # also refuses 5,000 digits before int() would
            raise LimitError(f"--limit {name} needs a whole number (at most 18 digits), got {describe(digits)}")
        number = int(digits)
        if number < 1:
            raise LimitError(f"--limit {name} must be at least 1, got {number}")
        return dataclasses.replace(self, **{name: number})

    def check_order(self, order: int) -> None:
        if isinstance(order, bool) or not isinstance(order, int):
            raise LimitError(f"order must be a whole number, got {describe(order)}")
        if order < 1:
            raise LimitError(f"order must be at least 1, got {describe(order)}")
        if order > self.max_order:
            raise LimitError(
                f"order {describe(order)} is above the limit of {self.max_order} (raise it with max_order)"
            )

    def check_dps(self, dps: int) -> None:
        if isinstance(dps, bool) or not isinstance(dps, int):
            raise LimitError(f"dps must be a whole number of digits, got {describe(dps)}")
        if not 15 <= dps <= self.max_dps:
            raise LimitError(
                f"dps must be between 15 and {self.max_dps} digits, got {describe(dps)} "
                "(raise the upper bound with max_dps)"
            )


DEFAULT_LIMITS = Limits()


TAPE_INSTEAD = "the tape (symdiff.Tape) evaluates and differentiates it numerically"


@contextlib.contextmanager
def sympy_recursion_guard(what: str, instead: str | None = TAPE_INSTEAD) -> Iterator[None]:
    """Turn SymPy's RecursionError on a very deep expression into a LimitError.

    The parser's depth limit prevents this for text input; SymPy expressions passed in
    directly can still be arbitrarily deep. ``instead``: what can handle it (None: nothing
    better to suggest, as when the tape itself is the one that failed).
    """
    try:
        yield
    except RecursionError:
        advice = f"; {instead}" if instead else ""
        raise LimitError(
            f"{what}: the expression is nested too deeply for SymPy's recursive algorithms (see docs/limits.md){advice}"
        ) from None


# mpmath's working precision is one setting for the whole process: mpmath.workdps in one
# thread changes it for every other thread (2 threads at 300 digits and 6 at 15 gave
# "300-digit" references right to 15 digits), and SymPy's evalf sets it inside every sp.N.
# A private mpmath context would not help, since SymPy uses the global one. So every public
# entry point holds this one re-entrant lock, and starts from mpmath's default precision
# rather than from whatever the caller (or another library) left set.
_LOCK = threading.RLock()


def serialized(function: F) -> F:
    """``function``, run holding symdiff's lock at mpmath's default precision (53 bits).

    Calls from different threads take turns (the GIL already runs this work one thread at a
    time), and give exactly the results they give alone. Re-entrant: a public function may
    call another.
    """

    @functools.wraps(function)
    def locked(*args: Any, **kwargs: Any) -> Any:
        limits = kwargs.get("limits", DEFAULT_LIMITS)
        if not isinstance(limits, Limits):  # every public function takes limits= by keyword
            raise SymdiffError(f"limits must be a symdiff.Limits, got {describe(limits)}")
        with _LOCK:
            mpmath = sys.modules.get("mpmath")  # not imported yet: nothing has changed its precision
            if mpmath is None or mpmath.mp.prec == 53:  # the usual case, at no cost (the tape's hot path)
                return function(*args, **kwargs)
            with mpmath.workprec(53):
                return function(*args, **kwargs)

    return locked  # type: ignore[return-value]


# Methods of a result that run symdiff's code: the public ones, and these hooks.
_HOOKS = frozenset({"__new__", "__init__", "__call__", "__str__", "__repr__", "__format__", "__getitem__"})


def _serialize_methods(cls: type) -> None:
    for name, attribute in list(vars(cls).items()):
        hook = name in _HOOKS or (name.startswith("_repr_") and name.endswith("_"))
        if name.startswith("_") and not hook:
            continue
        if isinstance(attribute, (staticmethod, classmethod)):
            setattr(cls, name, type(attribute)(serialized(attribute.__func__)))
        elif callable(attribute) and not isinstance(attribute, type):
            setattr(cls, name, serialized(attribute))


def serialized_class(cls: C) -> C:
    """Serialize every public method of ``cls`` (and its hooks: construction, str, repr), and of its subclasses."""
    _serialize_methods(cls)
    base: Any = cls

    def serialize_subclass(subclass: type, **kwargs: Any) -> None:
        super(base, subclass).__init_subclass__(**kwargs)
        _serialize_methods(subclass)

    cls.__init_subclass__ = classmethod(serialize_subclass)  # type: ignore[assignment]
    return cls
