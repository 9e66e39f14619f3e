"""Fuzzing: whatever the input, every public function returns or raises a SymdiffError, quickly.

Never a RecursionError, ZeroDivisionError, OverflowError, KeyError, TypeError or any other
raw exception, and nothing hangs (each case runs under a time limit). The budget here is
small; run the long campaign with

    SYMDIFF_FUZZ_EXAMPLES=100000 python -m pytest -m slow tests/test_fuzz.py
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import symdiff as sd
from tests.fuzz import ALPHABET, EXAMPLES, expressions, point_values, programs, time_limit, valid_expressions

FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
CORRECT_TEXT = st.one_of(valid_expressions(), programs(valid_expressions()))  # calls with right argument counts
POINTS = st.lists(point_values(), min_size=5, max_size=5)


def _parsed(text: str) -> None:
    message = ""
    with time_limit(1.0):
        try:
            sd.parse(text)
        except sd.ParseError as error:
            message = str(error)
    assert "\n" not in message


@FUZZ
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_random_strings_over_the_alphabet(text: str) -> None:
    _parsed(text)


@FUZZ
@given(st.text(max_size=60))
def test_random_unicode(text: str) -> None:
    _parsed(text)


@FUZZ
@given(st.binary(max_size=60))
def test_random_bytes(data: bytes) -> None:
    _parsed(data.decode("utf-8", errors="surrogateescape"))


def _pipeline(text: str, values: list[float]) -> None:
    """Parse, differentiate, build a tape, evaluate its gradient: each step returns or raises SymdiffError."""
    message = ""
    with time_limit(5.0):
        try:
            expr = sd.parse(text)
            gradient = sd.gradient(expr)
            tape = sd.Tape(expr)
            point = dict(zip(tape.variables, values, strict=False))
            if len(point) == len(tape.variables):
                value, partials = tape.value_and_gradient(point)
                assert set(partials) == set(tape.variables)
                assert isinstance(value, float) or np.ndim(value) == 0
                for name, derivative in gradient.expand().items():  # large gradients share definitions
                    assert isinstance(partials[name], float)
                    assert derivative.free_symbols <= set(expr.free_symbols)
        except sd.SymdiffError as error:
            message = str(error)
    assert "\n" not in message


@FUZZ
@given(expressions(), POINTS)
def test_well_formed_expressions_through_the_pipeline(text: str, values: list[float]) -> None:
    _pipeline(text, values)


@FUZZ
@given(programs(), POINTS)
def test_programs_through_the_pipeline(text: str, values: list[float]) -> None:
    _pipeline(text, values)


@dataclass(frozen=True)
class Options:
    """How one fuzz case asks for its derivative: which method, which order, with steps at the point or not."""

    method: str
    order: int
    steps_at_point: bool


OPTIONS = st.builds(
    Options,
    st.sampled_from(["auto", "forward", "backward", "central", "richardson", "complex", "mpmath"]),
    st.sampled_from([1, 1, 2]),
    st.booleans(),
)


def _methods_at_a_point(text: str, values: list[float], options: Options) -> None:
    """diff, hessian, finite differences, the comparison and the derivation at a hostile point.

    Each returns numbers (nan and inf allowed) or raises a SymdiffError with a one-line message.
    """
    message = ""
    with time_limit(10.0):
        try:
            source = sd.parse_program(text)
            f = source.expression
            names = sorted(str(s) for s in f.free_symbols)
            at = dict(zip(names, values, strict=False))
            wrt = names[0] if names else "x"
            assert sd.diff(f, wrt, order=options.order).free_symbols <= f.free_symbols
            if options.order == 2 and len(names) <= 3:
                assert sd.hessian(f).shape == (len(names), len(names))
            fd = sd.finite_difference(f, wrt, at, method=options.method, order=options.order)
            assert fd.status in ("ok", "warning") and isinstance(fd.value, float)
            assert fd.status == "warning" or fd.ok  # never "ok" with a bound above 1e-6 of |value|
            comparison = sd.compare(text, at, wrt=wrt, order=options.order, fd=options.method, dps=30)
            assert comparison.to_json() and str(comparison) and comparison.to_latex()
            derivation = sd.steps(text, wrt, order=options.order, at=at if options.steps_at_point else None)
            assert derivation.to_text() and derivation.to_latex()
        except sd.SymdiffError as error:
            message = str(error)
    assert "\n" not in message


# The comparison evaluates a 30-digit reference and the derivation verifies every step, so
# each case costs far more than a parse: a smaller budget keeps the suite fast.
@settings(FUZZ, max_examples=max(EXAMPLES // 3, 20))
@given(CORRECT_TEXT, POINTS, OPTIONS)
@example(
    text="-(-(polygamma(0, 26193)))",
    values=[0.0, 0.0, 0.0, 0.0, 0.0],
    options=Options("auto", 1, False),
)  # polygamma(0, 26193) was a sum of 26,192 fractions at parse time
def test_every_method_at_any_point(text: str, values: list[float], options: Options) -> None:
    _methods_at_a_point(text, values, options)


@FUZZ
@given(st.lists(point_values(), min_size=2, max_size=2))
def test_any_point_gives_numbers_not_exceptions(values: list[float]) -> None:
    tape = sd.Tape("log(x) * sqrt(y) + x^y + 1/(x - y) + atanh(x) + exp(exp(y))")
    with time_limit(2.0):
        value, gradient = tape.value_and_gradient(x=values[0], y=values[1])
    assert isinstance(value, float) and all(isinstance(g, float) for g in gradient.values())
    trace = tape.trace(x=values[0], y=values[1])
    if not math.isfinite(value) and all(math.isfinite(v) for v in values):
        assert trace.first_nonfinite is not None


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES, 100_000), deadline=None, suppress_health_check=list(HealthCheck))
@given(
    st.one_of(expressions(), programs(), st.text(alphabet=ALPHABET, max_size=80)),
    POINTS,
)
def test_long_campaign(text: str, values: list[float]) -> None:
    _pipeline(text, values)


@pytest.mark.slow
@settings(max_examples=max(EXAMPLES // 5, 20_000), deadline=None, suppress_health_check=list(HealthCheck))
@given(CORRECT_TEXT, POINTS, OPTIONS)
def test_long_campaign_at_points(text: str, values: list[float], options: Options) -> None:
    _methods_at_a_point(text, values, options)
