"""Hypothesis strategies and helpers for fuzzing the whole pipeline with bad and hostile input."""

from __future__ import annotations

import contextlib
import math
import os
import signal
from collections.abc import Iterator

from hypothesis import strategies as st

from symdiff.primitives import registry

# Examples per fuzz test: small in the normal suite, large when asked for
# (SYMDIFF_FUZZ_EXAMPLES=100000 python -m pytest -m slow tests/test_fuzz.py).
EXAMPLES = int(os.environ.get("SYMDIFF_FUZZ_EXAMPLES", "150"))

ALPHABET = "0123456789.eE+-*/^() ,=;\nxyzabpit_"
NAMES = sorted(registry.text_functions())
VARIABLES = ["x", "y", "z", "w1", "alpha"]


class TimeLimitExceededError(Exception):
    """A single fuzz case ran longer than its limit: something hangs."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (Unix, main thread): a hang fails instead of blocking CI."""

    def interrupt(signum: int, frame: object) -> None:
        raise TimeLimitExceededError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _number() -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(0, 10**6).map(str),
        st.floats(0, 1e6, allow_nan=False, allow_infinity=False).map(lambda v: f"{v:g}"),
        st.sampled_from(["0", "1", "2", "0.5", "1e-3", "2.5E+4", ".5", "1e300", "1e-300", "9" * 30, "pi", "e"]),
    )


def _atom() -> st.SearchStrategy[str]:
    return st.one_of(_number(), st.sampled_from(VARIABLES))


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/", "^", "**", " "]), children).map(
        lambda t: f"({t[0]}){t[1]}({t[2]})" if t[1] != " " else f"{t[0]} ({t[2]})"
    )
    unary = children.map(lambda c: f"-({c})")
    call = st.tuples(st.sampled_from(NAMES), st.lists(children, min_size=1, max_size=3)).map(
        lambda t: f"{t[0]}({', '.join(t[1])})"
    )
    return st.one_of(binary, unary, call)


def expressions() -> st.SearchStrategy[str]:
    """Well-formed (mostly) expression text over the whole registry, including wrong argument counts."""
    return st.recursive(_atom(), _extend, max_leaves=10)


def _argument_counts(name: str) -> list[int]:
    _, fewest, most = registry.text_functions()[name]
    return list(range(fewest, (most or fewest + 1) + 1))


def _extend_correctly(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    call = st.sampled_from(NAMES).flatmap(
        lambda name: st.sampled_from(_argument_counts(name)).flatmap(
            lambda count: st.lists(children, min_size=count, max_size=count).map(
                lambda args: f"{name}({', '.join(args)})"
            )
        )
    )
    return st.one_of(_extend(children), call)


def valid_expressions() -> st.SearchStrategy[str]:
    """Expression text whose every call has a right number of arguments: most cases get past the parser."""
    return st.recursive(_atom(), _extend_correctly, max_leaves=8)


def programs(lines: st.SearchStrategy[str] | None = None) -> st.SearchStrategy[str]:
    """Two or three named lines using earlier names."""
    return st.lists(expressions() if lines is None else lines, min_size=1, max_size=3).map(
        lambda lines: "; ".join(f"h{i} = {line}" + (f" + h{i - 1}" if i else "") for i, line in enumerate(lines))
    )


def point_values() -> st.SearchStrategy[float]:
    """Coordinates that break naive code: zeros, ±1, huge, tiny, negative, nan and inf."""
    return st.one_of(
        st.sampled_from([0.0, -0.0, 1.0, -1.0, 1e308, -1e308, 1e-308, 5e-324, math.nan, math.inf, -math.inf]),
        st.floats(allow_nan=True, allow_infinity=True),
        st.floats(-10, 10),
    )
