"""Directional derivatives of array programs: every bound holds against an independent exact value.

The exact ∇f·v is SymPy's: the program written out element by element (``expand``), each
element symbol replaced by θᵢ + t·vᵢ with exact rationals, differentiated in t and evaluated
at 60 digits. Every array primitive's examples (those the tape is tested with), for random
and unit directions, every method; relu networks near and at their kinks; batches; the
mpmath reference at 50 digits; and a property over random small programs.
"""

from __future__ import annotations

import functools
import itertools
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import symdiff as sd
from symdiff.errors import EvaluationError, MethodError, SymdiffError
from symdiff.finite.api import FiniteDifferences
from symdiff.finite.array_line import ArrayLine
from symdiff.finite.arrays import DirectionalDerivatives, directional_derivative, directional_reference
from symdiff.language.parser import parse_program
from symdiff.primitives import registry
from symdiff.tape.expansion import expand
from tests.test_array_tape import ELEMENTWISE, EXAMPLES, _point

PROGRAMS = [text for texts in EXAMPLES.values() for text in texts] + ELEMENTWISE
METHODS = ["auto", "central", "forward", "backward", "richardson"]
SEED = "x: 10; W1: 64x10; b1: 64; w2: 64; b2, t: scalar\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"
U = 2.0**-53


@functools.cache
def expansion(text: str) -> Any:
    return expand(parse_program(text))


def inexact_constants(text: str) -> bool:
    """Does the expansion hold a constant that is not the program's (1/3 as the float 0.333…, log 2 as a float)?

    The tape's code writes x/3 with the float 3.0 and SymPy multiplies by the float 1/3: such an
    expansion is exact only to about 1e-16.
    """
    return any(q.q > 2**30 for q in expansion(text).expression.atoms(sp.Rational))


def exact(text: str, point: dict[str, Any], direction: dict[str, Any], samples: int | None = None) -> mpmath.mpf:
    """∇f·v by SymPy at 60 digits (summed over samples: batched values have a leading axis)."""
    if samples is not None:
        total = mpmath.mpf(0)
        shapes = sd.Tape(text).shapes
        for s in range(samples):
            one = {n: (np.asarray(a)[s] if np.ndim(a) > len(shapes[n]) else a) for n, a in point.items()}
            way = {n: (np.asarray(a)[s] if np.ndim(a) > len(shapes[n]) else a) for n, a in direction.items()}
            total += exact(text, one, way)
        return total
    e = expansion(text)
    t = sp.Symbol("t", real=True)
    replace = {}
    for name, symbols in e.symbols.items():
        theta = np.broadcast_to(np.asarray(point[name], dtype=float), symbols.shape)
        v = np.broadcast_to(np.asarray(direction.get(name, 0.0), dtype=float), symbols.shape)
        for index in itertools.product(*map(range, symbols.shape)):
            replace[symbols[index]] = sp.Rational(float(theta[index])) + t * sp.Rational(float(v[index]))
    derivative = sp.diff(e.expression.xreplace(replace), t).subs(t, 0)
    with mpmath.workdps(60):
        return mpmath.mpf(sp.N(derivative, 60))


def assert_holds(result: Any, truth: mpmath.mpf, slack: float = 0.0, what: str = "") -> float:
    """|value - truth| ≤ error_bound (+ the reference's own slack); returns the bound's ratio to the error."""
    with mpmath.workdps(60):
        error = abs(mpmath.mpf(result.value) - truth)
    assert error <= result.error_bound + slack, f"{what}: error {float(error):.3g} > {result}"
    return float(result.error_bound / error) if error else np.inf


def random_direction(shapes: dict[str, tuple[int, ...]], seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.normal(size=shape) for name, shape in shapes.items()}


@functools.cache
def case(text: str) -> tuple[dict[str, Any], dict[str, Any], mpmath.mpf, float]:
    """An example's point, a random direction, the exact ∇f·v, and the slack its SymPy value needs."""
    shapes = sd.Tape(text).shapes
    point, direction = _point(shapes), random_direction(shapes, 1)
    truth = exact(text, point, direction)
    return point, direction, truth, 2e-16 * float(abs(truth)) if inexact_constants(text) else 0.0


@functools.cache
def estimate(text: str, method: str) -> Any:
    point, direction, _, _ = case(text)
    return directional_derivative(sd.Tape(text), point, direction, method=method)  # type: ignore[arg-type]


# -- every example program, every method ---------------------------------------------------


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("text", PROGRAMS)
def test_the_bound_holds_along_a_random_direction(text: str, method: str) -> None:
    point, direction, truth, slack = case(text)
    result = estimate(text, method)
    assert_holds(result, truth, slack, f"{text} by {method}")
    if method in ("auto", "central", "richardson"):
        assert result.status == "ok", result.reason
    # The tape's gradient, checked against SymPy, gives the same number (to its own rounding).
    gradient = sd.Tape(text).gradient(point)
    dotted = sum(float(np.sum(np.asarray(gradient[n]) * direction[n])) for n in direction)
    assert dotted == pytest.approx(float(truth), rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("text", PROGRAMS)
def test_the_bound_holds_along_every_unit_direction(text: str) -> None:
    """Along e_i, g'(0) = ∂f/∂xᵢ: the element-wise check, one element at a time."""
    tape = sd.Tape(text)
    point = _point(tape.shapes, seed=2)
    derivatives = DirectionalDerivatives(tape)
    slack_scale = 2e-16 if inexact_constants(text) else 0.0
    for name, shape in tape.shapes.items():
        for index in itertools.product(*map(range, shape)):
            unit = np.zeros(shape)
            unit[index] = 1.0
            truth = exact(text, point, {name: unit})
            assert_holds(derivatives(point, {name: unit}), truth, slack_scale * float(abs(truth)), f"∂/∂{name}{index}")


def test_bounds_are_not_absurdly_loose() -> None:
    """Over the examples, the bound is typically within a factor of 100 of the true error, and
    never more than 10⁴ times it (unless the error is below 10 ulps of the value)."""
    ratios = []
    for text in PROGRAMS:
        _, _, truth, slack = case(text)
        for method in ("central", "richardson"):
            result = estimate(text, method)
            ratio = assert_holds(result, truth, slack)
            if result.error_bound > 10 * 2 * U * abs(result.value):
                assert ratio < 1e4, f"{text} by {method}: bound {result.error_bound:.3g} is {ratio:.3g} times the error"
                ratios.append(ratio)
    assert np.median(ratios) < 100


@pytest.mark.parametrize("text", [t for t in PROGRAMS if "relu" not in t and "max" not in t])
def test_the_complex_step_is_used_for_analytic_programs(text: str) -> None:
    _, _, truth, slack = case(text)
    result = estimate(text, "auto")
    assert result.method == "complex" and result.status == "ok"
    assert_holds(result, truth, slack)
    assert result.error_bound <= 1e-13 * max(1.0, abs(result.value))


def test_the_complex_step_is_refused_where_a_primitive_is_not_analytic() -> None:
    with pytest.raises(MethodError, match="relu is not"):
        DirectionalDerivatives(sd.Tape("x: 2; L = sum(relu(x))"), "complex")


# -- the mpmath reference ------------------------------------------------------------------


@pytest.mark.parametrize("text", [t for t in PROGRAMS if not inexact_constants(t)])
def test_the_reference_at_50_digits_is_within_its_bound(text: str) -> None:
    tape = sd.Tape(text)
    point, direction = _point(tape.shapes), random_direction(tape.shapes, 1)
    truth = exact(text, point, direction)
    reference = directional_reference(tape, point, direction, dps=50)
    with mpmath.workdps(60):
        error = abs(reference.value - truth)
        assert error <= reference.error_bound
        assert reference.error_bound <= mpmath.mpf(10) ** -48 * max(1, abs(truth))
    assert len(reference.digits.lstrip("-0.").replace(".", "")) >= 48


def test_the_reference_of_a_program_with_a_constant_function() -> None:
    """log2 is log(x)/log(2): the tape's mpmath code must compute log(2) at 50 digits, not as a float."""
    text = "x: 2; L = sum(log2(2 + x))"
    tape = sd.Tape(text)
    point, direction = {"x": np.array([0.5, 1.5])}, {"x": np.array([1.0, 1.0])}
    reference = directional_reference(tape, point, direction)
    with mpmath.workdps(60):
        truth = sum(1 / ((2 + mpmath.mpf(x)) * mpmath.log(2)) for x in (0.5, 1.5))
        assert abs(reference.value - truth) <= reference.error_bound


def test_the_mpmath_method_gives_a_float_within_half_an_ulp_and_its_bound() -> None:
    text = "x: 3; W: 2x3; b: 2; L = sum(tanh(W x + b)^2)"
    tape = sd.Tape(text)
    point, direction = _point(tape.shapes), random_direction(tape.shapes, 2)
    result = directional_derivative(tape, point, direction, method="mpmath", dps=30)
    truth = exact(text, point, direction)
    assert_holds(result, truth)
    assert result.error_bound <= 2 * U * abs(result.value)


# -- relu networks: kinks near, and at, the point ----------------------------------------------


def test_the_step_keeps_the_stencil_clear_of_a_nearby_relu_kink() -> None:
    """A pre-activation 1e-7 from 0: the stencil must not reach it (the slope changes from 3 to 2 there)."""
    tape = sd.Tape("A: 2x2; x: 2; L = sum(relu(A x))")
    at = {"A": np.array([[1.0, -1.0 + 1e-7], [2.0, 0.5]]), "x": np.array([1.0, 1.0])}
    for method in ("auto", "central", "backward", "richardson"):
        result = directional_derivative(tape, at, {"x": np.array([1.0, 0.0])}, method=method)  # type: ignore[arg-type]
        assert result.status == "ok", result.reason
        assert abs(result.value - 3.0) <= result.error_bound
        assert result.step < 1e-7


def test_a_kink_exactly_at_the_point_is_named_by_node_and_element() -> None:
    tape = sd.Tape("A: 2x2; x: 2; L = sum(relu(A x))")
    at = {"A": np.array([[1.0, -1.0], [2.0, 0.5]]), "x": np.array([1.0, 1.0])}  # (A x)[0] = 0 exactly
    for method in ("auto", "central", "forward"):
        result = directional_derivative(tape, at, {"x": np.array([1.0, 0.0])}, method=method)  # type: ignore[arg-type]
        assert result.status == "warning" and result.error_bound == np.inf
        assert "relu(v1) has a corner at element (0,)" in result.reason, result.reason
    result = directional_derivative(tape, at, {"x": np.array([1.0, 0.0])})
    assert "the one-sided slopes are 2 and 3" in result.reason  # 1 + 2 on the right, 0 + 2 on the left


def test_one_sided_slopes_at_a_kink_among_others() -> None:
    """A kink at t = 0 and others nearby on both sides: each side's slope is right, and named."""
    tape = sd.Tape("x: 2; W: 3x2; b: 3; w: 3; L = w' relu(W x + b)")
    point = {
        "x": np.array([[1.0, 2.0], [0.5, -1.0], [2.0, 0.0]]),
        "W": np.array([[1.0, -1.0], [0.5, 0.5], [-1.0, 2.0]]),
        "b": np.array([1.0, -0.5, 0.25]),  # sample 0, unit 0: 1 - 2 + 1 = 0
        "w": np.array([1.0, -2.0, 3.0]),
    }
    direction = {"W": np.ones((3, 2)), "b": np.array([1.0, 0.0, -1.0])}
    # Along the line, g is piecewise linear: slope 3.5 just right of 0 and -0.5 just left (by hand).
    result = directional_derivative(tape, point, direction)
    assert result.reason.startswith("f is not differentiable here: the one-sided slopes are -0.5 and 3.5")
    assert result.reason.endswith("relu(v3) has a corner at element (0,) of sample 0")
    assert result.value == 1.5 == float(tape.gradient(point)["b"] @ direction["b"] + np.sum(tape.gradient(point)["W"]))


def test_enclosures_come_back_in_the_order_asked() -> None:
    """Intervals are evaluated in batches (sorted, each once): the answers must not be reordered."""
    line = ArrayLine(sd.Tape("x: 2; L = sum(relu(x))"))
    line.aim({"x": np.array([1.0, -1.0])}, {"x": np.array([1.0, 1.0])})
    lo = np.array([0.0, 0.0, -2.0, 0.0, -0.5, -0.25])  # all different: no two share an evaluation
    hi = np.array([4.0, 0.5, 0.0, 2.0, 0.5, 0.25])
    together = line.f.enclose([(lo, hi)])
    for k in range(lo.size):
        alone = line.f.enclose([(lo[k], hi[k])])
        assert (together[0][k], together[1][k], together[2][k]) == alone, k


def test_a_kink_in_a_batch_is_named_with_its_sample() -> None:
    tape = sd.Tape("W: 3x2; x: 2; L = sum(relu(W x))")
    x = np.array([[1.0, 2.0], [1.0, 1.0], [0.5, 0.25]])
    weights = np.array([[1.0, 1.0], [2.0, -2.0], [1.0, 3.0]])  # sample 1, unit 1: 2 - 2 = 0
    result = directional_derivative(tape, {"W": weights, "x": x}, {"W": np.ones((3, 2))}, method="central")
    assert "relu(v1) has a corner at element (1,) of sample 1" in result.reason, result.reason


def test_a_relu_network_with_many_kinks_near_the_line() -> None:
    """The seed model at a small width: 8 hidden units, 16 samples, relu everywhere."""
    text = "x: 3; W1: 8x3; b1: 8; w2: 8; b2, t: scalar\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"
    tape = sd.Tape(text)
    rng = np.random.default_rng(7)
    point = {
        "x": rng.normal(size=(16, 3)),
        "W1": rng.normal(size=(8, 3)),
        "b1": rng.normal(size=8),
        "w2": rng.normal(size=8),
        "b2": 0.1,
        "t": rng.normal(size=16),
    }
    direction = {name: rng.normal(size=np.shape(point[name])) for name in ("W1", "b1", "w2", "b2")}
    truth = exact(text, point, direction, samples=16)
    for method in ("auto", "central", "forward", "richardson"):
        result = directional_derivative(tape, point, direction, method=method)  # type: ignore[arg-type]
        assert_holds(result, truth, what=method)
        if method != "forward":
            assert result.status == "ok", result.reason


# -- batches ------------------------------------------------------------------------------


@pytest.mark.parametrize("moving", ["parameters", "data per sample", "data, one direction for all"])
def test_a_batch_is_the_sum_over_its_samples(moving: str) -> None:
    text = "x: 3; W: 2x3; b: 2; y: 2; L = sum((tanh(W x + b) - y)^2)"
    tape = sd.Tape(text)
    rng = np.random.default_rng(3)
    point = {
        "x": rng.normal(size=(5, 3)),
        "W": rng.normal(size=(2, 3)),
        "b": rng.normal(size=2),
        "y": rng.normal(size=(5, 2)),
    }
    direction = {
        "parameters": {"W": rng.normal(size=(2, 3)), "b": rng.normal(size=2)},
        "data per sample": {"x": rng.normal(size=(5, 3))},
        "data, one direction for all": {"x": rng.normal(size=3)},
    }[moving]
    truth = exact(text, point, direction, samples=5)
    for method in ("auto", "central", "richardson"):
        result = directional_derivative(tape, point, direction, method=method)  # type: ignore[arg-type]
        assert_holds(result, truth, what=method)
        assert result.status == "ok"


# -- the line itself, and what is refused -----------------------------------------------------


def test_the_line_works_with_finite_differences_directly() -> None:
    """ArrayLine is a Function of t: second derivatives (vᵀHv) come for free."""
    text = "x: 2; L = sum(sin(x)) * x[0]"
    line = ArrayLine(sd.Tape(text))
    point, direction = {"x": np.array([0.3, -0.7])}, {"x": np.array([1.0, 2.0])}
    line.aim(point, direction)
    second = FiniteDifferences(line, "t", 2)({"t": 0.0})
    x0, x1 = sp.symbols("x0 x1")
    f = (sp.sin(x0) + sp.sin(x1)) * x0
    v = sp.Matrix([1, 2])
    hessian = sp.hessian(f, (x0, x1)).subs({x0: sp.Rational(0.3), x1: sp.Rational(-0.7)})
    truth = mpmath.mpf(sp.N((v.T * hessian * v)[0], 50))
    assert_holds(second, truth)


def test_a_zero_direction_gives_zero() -> None:
    tape = sd.Tape("x: 3; L = sum(exp(x))")
    for direction in ({"x": np.zeros(3)}, {}):
        for method in METHODS:
            result = directional_derivative(tape, {"x": np.ones(3)}, direction, method=method)  # type: ignore[arg-type]
            assert result.value == 0.0 and result.error_bound < 1e-13 and result.status == "ok"


@pytest.mark.parametrize(
    ("direction", "message"),
    [
        ({"z": np.ones(3)}, "the direction names z, which is not an input"),
        ({"x": np.ones(4)}, "the direction for x must have shape (3,)"),
        ({"x": np.array([1.0, np.nan, 0.0])}, "nan or infinite"),
        ({"x": "abc"}, "must be an array of real numbers"),
    ],
)
def test_bad_directions_are_one_line_errors(direction: dict[str, Any], message: str) -> None:
    with pytest.raises(EvaluationError) as error:
        directional_derivative(sd.Tape("x: 3; L = sum(x)"), {"x": np.ones(3)}, direction)
    assert message in str(error.value) and "\n" not in str(error.value)


def test_explain_points_to_the_reference() -> None:
    result = directional_derivative(sd.Tape("x: 2; L = sum(x^2)"), {"x": np.ones(2)}, {"x": np.ones(2)})
    for call in (result.explain, result.with_exact):
        with pytest.raises(SymdiffError, match=r"compare it with symdiff\.finite\.arrays\.directional_reference"):
            call()


def test_scalar_expressions_are_pointed_to_finite_difference() -> None:
    with pytest.raises(SymdiffError, match="for a scalar expression use finite_difference"):
        DirectionalDerivatives(sd.Tape("x^2"))  # type: ignore[arg-type]


def test_every_scalar_primitive_composes_along_a_line() -> None:
    """Each registry primitive in the Taylor arithmetic (Faà di Bruno with its own derivatives) against SymPy."""
    for p in registry.PRIMITIVES:
        if p.infix is not None or p.arity != 1:
            continue
        text = f"x: 2; L = sum({p.name}(x))"
        tape = sd.Tape(text)
        point = {
            "x": np.array([1.3, 1.7]) if p.name not in ("asin", "acos", "atanh", "asech") else np.array([0.3, 0.6])
        }
        if p.name in ("acosh", "asec", "acsc", "acoth"):
            point = {"x": np.array([1.3, 1.7])}
        direction = {"x": np.array([1.0, -0.5])}
        truth = exact(text, point, direction)
        for method in ("central", "auto"):
            result = directional_derivative(tape, point, direction, method=method)  # type: ignore[arg-type]
            assert_holds(result, truth, what=f"{p.name} by {method}")
            if p.nondiff is None or p.nondiff.kind == "vertical":
                assert result.status == "ok", f"{p.name} by {method}: {result.reason}"


# -- a property over random small programs ---------------------------------------------------

SMOOTH_EVERYWHERE = [
    p.name for p in registry.PRIMITIVES if p.arity == 1 and p.infix is None and p.domain is None and p.name != "acot"
]
TEMPLATES = [
    "x: {n}; W: {m}x{n}; b: {m}; L = sum({f}(W x + b))",
    "x: {n}; W: {m}x{n}; b: {m}; w: {m}; L = {g}(w' {f}(W x + b))",
    "z: {n}; y: {n}; L = -sum(y * log_softmax({f}(z)))",
    "z: {n}; L = logsumexp({f}(z)) + norm(z)^2",
    "A: {n}x{n}; L = trace({f}(A) A') + sum(softmax(A)[0])",
]


@st.composite
def lines(draw: st.DrawFn) -> tuple[str, dict[str, Any], dict[str, Any], str]:
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    f, g = draw(st.sampled_from(SMOOTH_EVERYWHERE)), draw(st.sampled_from(SMOOTH_EVERYWHERE))
    text = draw(st.sampled_from(TEMPLATES)).format(n=n, m=m, f=f, g=g)
    shapes = sd.Tape(text).shapes
    number = st.floats(-2, 2, allow_subnormal=False).map(lambda x: round(x, draw(st.integers(1, 17))))

    def array(shape: tuple[int, ...]) -> np.ndarray:
        return np.array(draw(st.lists(number, min_size=int(np.prod(shape)), max_size=int(np.prod(shape))))).reshape(
            shape
        )

    point = {name: array(shape) for name, shape in shapes.items()}
    direction = {name: array(shape) for name, shape in shapes.items() if draw(st.booleans())}
    return text, point, direction, draw(st.sampled_from(METHODS))


def check_line(text: str, point: dict[str, Any], direction: dict[str, Any], method: str) -> None:
    result = directional_derivative(sd.Tape(text), point, direction, method=method)  # type: ignore[arg-type]
    try:
        truth = exact(text, point, direction)
    except (TypeError, ValueError):  # SymPy finds no value: a kink or a jump exactly at the point
        assert result.error_bound == np.inf
        return
    if not mpmath.isfinite(truth):
        assert result.error_bound == np.inf
        return
    if result.error_bound == np.inf:  # no claim (a jump of sign at the point): it must say why
        assert result.status != "ok" and result.reason, result
        return
    assert_holds(result, truth, what=f"{text} at {point} along {direction} by {method}")


@settings(max_examples=30, deadline=None)
@given(lines())
def test_the_bound_holds_on_random_programs(case: tuple[str, dict[str, Any], dict[str, Any], str]) -> None:
    check_line(*case)


@pytest.mark.slow
@settings(max_examples=600, deadline=None)
@given(lines())
def test_the_bound_holds_on_random_programs_long(case: tuple[str, dict[str, Any], dict[str, Any], str]) -> None:
    check_line(*case)


def test_the_seed_model_at_full_size() -> None:
    """769 parameters, 256 samples: the estimate against the tape's gradient (checked against torch in examples/08)."""
    tape = sd.Tape(SEED)
    rng = np.random.default_rng(0)
    point = {
        "W1": rng.normal(size=(64, 10)) / 3,
        "b1": rng.normal(size=64),
        "w2": rng.normal(size=64) / 8,
        "b2": 0.3,
        "x": rng.normal(size=(256, 10)),
        "t": rng.normal(size=256),
    }
    direction = {name: rng.normal(size=np.shape(point[name])) for name in ("W1", "b1", "w2", "b2")}
    gradient = tape.gradient(point)
    dotted = sum(float(np.sum(gradient[n] * direction[n])) for n in direction)
    result = directional_derivative(tape, point, direction, method="central")
    assert result.status == "ok"
    assert abs(result.value - dotted) <= result.error_bound + 1e-12 * abs(dotted)
