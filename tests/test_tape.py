"""The reverse-mode tape, checked against symbolic derivatives evaluated by mpmath."""

from __future__ import annotations

import math
import re
import shutil
import subprocess

import mpmath
import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff.language.parser import symbol
from symdiff.primitives import registry
from symdiff.primitives.primitive import Primitive
from symdiff.tape import reference
from symdiff.tape.tape import Tape
from tests.conftest import assert_close, comfortable_points, on_symbols, sympy_value, variable_values
from tests.expressions import VARIABLES, exact_gradient, float_gradient, random_expression


def test_seed_partials() -> None:
    tape = Tape("a*b + c")
    assert tape.value(a=2, b=-3, c=10) == 4.0
    assert tape.gradient(a=2, b=-3, c=10) == {"a": -3.0, "b": 2.0, "c": 1.0}
    assert tape.gradient({"a": 2, "b": -3, "c": 10}) == {"a": -3.0, "b": 2.0, "c": 1.0}


def test_seed_network_matches_the_chain_rule_formula() -> None:
    """∂L/∂w₁ = (ŷ − y)·σ′(z₂)·w₂·σ′(z₁)·x for output = σ(w₂·σ(w₁·x)) and L = ½(ŷ − y)²."""
    tape = Tape("z1 = w1*x; h = sigmoid(z1); z2 = w2*h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2")
    w1, w2, x, y = 0.7, -1.3, 1.5, 0.2

    def s(u: float) -> float:
        return 1 / (1 + math.exp(-u))

    z1 = w1 * x
    z2 = w2 * s(z1)
    yhat = s(z2)
    formula = (yhat - y) * s(z2) * (1 - s(z2)) * w2 * s(z1) * (1 - s(z1)) * x
    gradient = tape.gradient(w1=w1, w2=w2, x=x, y=y)
    assert gradient["w1"] == pytest.approx(formula, rel=1e-14)


PRIMITIVES = list(registry.PRIMITIVES)


@pytest.mark.parametrize("p", PRIMITIVES, ids=[p.name for p in PRIMITIVES])
def test_every_primitive_on_the_tape_matches_the_symbolic_derivative(p: Primitive, rng: np.random.Generator) -> None:
    expr, names = on_symbols(p)
    if not expr.free_symbols >= {symbol(n) for n in names}:
        pytest.skip("SymPy simplified the node away")
    tape = Tape(expr)
    partials = {n: sd.diff(expr, n) for n in names}
    points = [variable_values(p, point) for point in comfortable_points(p, rng, 10, vary_whole=False)]
    for point in points:
        values = dict(zip(names, point, strict=True))
        gradient = tape.gradient(values)
        for n in names:
            expected = sympy_value(partials[n], {symbol(k): v for k, v in values.items()})
            assert_close(gradient[n], expected, rtol=1e-12, atol=1e-15)
    arrays = {n: np.array([pt[k] for pt in points]) for k, n in enumerate(names)}
    batch = tape.per_sample_gradient(arrays)
    for j, point in enumerate(points):
        single = tape.gradient(dict(zip(names, point, strict=True)))
        for n in names:
            assert batch[n][j] == pytest.approx(single[n], rel=1e-13, abs=1e-300)


@pytest.mark.parametrize("seed", range(70))
def test_random_expressions_match_the_symbolic_gradient(seed: int) -> None:
    rng = np.random.default_rng(seed)
    expr = random_expression(rng)
    names = sorted(s.name for s in expr.free_symbols)
    if not names:
        pytest.skip("constant expression")
    tape = Tape(expr)
    symbolic = sd.gradient(expr)
    point = {n: float(rng.uniform(-1.5, 1.5)) for n in names}
    exact = exact_gradient(symbolic, point)
    floats = float_gradient(symbolic, point)  # an independent float64 evaluation: its error measures conditioning
    for n, value in tape.gradient(point).items():
        error = abs(mpmath.mpf(value) - exact[n])
        conditioning = abs(mpmath.mpf(floats[n]) - exact[n])
        assert error <= 1e-12 * abs(exact[n]) + 16 * conditioning + 1e-300, f"{expr} at {point}: {n}"
    expected_value = float(sympy_value(expr, {symbol(k): v for k, v in point.items()}))
    assert tape.value(point) == pytest.approx(expected_value, rel=1e-12)


def test_arrays_broadcast_and_gradients_take_their_inputs_shape() -> None:
    tape = Tape("L = (w*x + b - t)^2")
    rng = np.random.default_rng(1)
    x, t = rng.normal(size=50), rng.normal(size=50)
    value, gradient = tape.value_and_gradient(w=0.5, b=-0.1, x=x, t=t)
    assert value.shape == (50,)
    assert np.shape(gradient["w"]) == () and gradient["x"].shape == (50,)
    expected_w = sum(tape.gradient(w=0.5, b=-0.1, x=float(xi), t=float(ti))["w"] for xi, ti in zip(x, t, strict=True))
    assert gradient["w"] == pytest.approx(expected_w, rel=1e-12)
    residual = 0.5 * x - 0.1 - t
    assert gradient["b"] == pytest.approx(np.sum(2 * residual), rel=1e-12)
    np.testing.assert_allclose(gradient["x"], 2 * residual * 0.5, rtol=1e-14)
    per_sample = tape.per_sample_gradient(w=0.5, b=-0.1, x=x, t=t)
    np.testing.assert_allclose(per_sample["w"], 2 * residual * x, rtol=1e-14)
    assert per_sample["b"].shape == (50,)


def test_broadcasting_over_two_axes() -> None:
    tape = Tape("a*b")
    a, b = np.arange(3.0).reshape(3, 1), np.arange(4.0).reshape(1, 4)
    gradient = tape.gradient(a=a, b=b)
    np.testing.assert_allclose(gradient["a"], np.full((3, 1), b.sum()))
    np.testing.assert_allclose(gradient["b"], np.full((1, 4), a.sum()))


def test_gradients_are_never_the_callers_arrays() -> None:
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    gradient = Tape("x*y").gradient(x=x, y=y)
    gradient["x"][:] = 0
    assert y.tolist() == [3.0, 4.0]


def test_dtypes_pass_through() -> None:
    tape = Tape("sin(x)*y")
    single = tape.gradient(x=np.float32(0.5), y=np.float32(2.0))
    assert single["x"].dtype == np.float32
    assert tape.value(x=np.array([0.5], dtype=np.float32), y=np.array([2.0], dtype=np.float32)).dtype == np.float32
    h = 1e-20
    value = tape.value(x=0.5 + 1j * h, y=2.0)  # complex step through the tape
    assert value.imag / h == pytest.approx(2 * math.cos(0.5), rel=1e-15)


def test_missing_and_extra_variables_are_named() -> None:
    tape = Tape("a*b + c")
    with pytest.raises(sd.EvaluationError, match=r"missing a value for c \(the expression's variables: a, b, c\)"):
        tape.gradient(a=1, b=2)
    with pytest.raises(sd.EvaluationError, match="z does not occur in the expression"):
        tape.value(a=1, b=2, c=3, z=4)
    with pytest.raises(sd.EvaluationError, match="must be a number or an array"):
        tape.value(a="one", b=2, c=3)
    with pytest.raises(sd.EvaluationError, match="do not broadcast"):
        tape.value(a=np.ones(2), b=np.ones(3), c=0)


def test_numerical_faults_are_numbers_not_exceptions() -> None:
    tape = Tape("log(x) + sqrt(x)")
    value, gradient = tape.value_and_gradient(x=-1.0)
    assert math.isnan(value) and math.isnan(gradient["x"])
    trace = tape.trace(x=-1.0)
    assert trace.first_nonfinite is not None and trace.first_nonfinite.equation == "v1 = sqrt(x)"
    assert Tape("1/x").value(x=0.0) == math.inf
    assert Tape("exp(x)").gradient(x=1000.0) == {"x": math.inf}
    assert math.isnan(Tape("x/y").value(x=0.0, y=0.0))


def test_kink_conventions_and_trace_marks() -> None:
    tape = Tape("abs(x) + relu(y) + max(x, y)")
    assert tape.gradient(x=0.0, y=0.0) == {"x": 0.5, "y": 1.0}  # 0 + ½ and ½ + ½: symmetric derivatives
    kinks = {row.equation: row.kink for row in tape.trace(x=0.0, y=0.0).kinks}
    assert kinks["v1 = abs(x)"] is not None and kinks["v1 = abs(x)"].slopes == ((-1.0, 1.0),)
    assert kinks["v2 = relu(y)"].slopes == ((0.0, 1.0),)  # type: ignore[union-attr]
    assert kinks["v3 = max(x, y)"].slopes == ((0.0, 1.0), (0.0, 1.0))  # type: ignore[union-attr]
    assert Tape("sign(x)").trace(x=0.0).kinks[0].kink.kind == "jump"  # type: ignore[union-attr]
    assert not Tape("abs(x)").trace(x=1.0).kinks


def test_a_branch_not_taken_has_gradient_zero_not_nan() -> None:
    tape = Tape("sqrt(relu(x)) + x")  # sqrt′(0) is inf, but relu′(−1) is exactly 0
    assert tape.gradient(x=-1.0) == {"x": 1.0}
    np.testing.assert_array_equal(tape.gradient(x=np.array([-1.0, 4.0]))["x"], [1.0, 1.25])
    assert math.isnan(Tape("relu(x) * log(x)").gradient(x=-0.5)["x"])  # the value itself is nan: say so
    assert Tape("relu(-x) * sqrt(x)").gradient(x=4.0) == {"x": 0.0}


def test_listing_reads_like_a_backprop_tutorial() -> None:
    tape = Tape("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2")
    expected = ["inputs: t, w1, w2, x", "v1 = w1 * x", "h = tanh(v1)", "v2 = h * w2", "y = tanh(v2)", "v3 = y - t"]
    assert str(tape).splitlines() == [*expected, "L = v3 ^ 2"]


def test_trace_values_and_adjoints_agree_with_the_gradient() -> None:
    tape = Tape("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2")
    point = {"w1": 0.5, "w2": -1.2, "x": 2.0, "t": 0.3}
    trace = tape.trace(point)
    gradient = tape.gradient(point)
    assert trace.value == pytest.approx(tape.value(point), rel=1e-15)
    for name, value in trace.gradient.items():
        assert value == pytest.approx(gradient[name], rel=1e-14)
    rows = {row.label: row for row in trace.rows}
    assert rows["h"].value == pytest.approx(math.tanh(1.0))
    assert rows["L"].adjoint == 1.0
    assert rows["y"].adjoint == pytest.approx(2 * (rows["y"].value - 0.3))
    text = str(trace)
    assert text.splitlines()[0].split() == ["node", "value", "∂L/∂node"]
    assert re.search(r"h = tanh\(v1\)\s+0\.761594\s+1\.17178", text)


def test_generated_code_holds_no_user_text() -> None:
    tape = Tape("secret_name * other_name + sin(secret_name)")
    body = [line for line in tape.to_source().splitlines() if not line.startswith("#")]
    assert not any("secret_name" in line or "other_name" in line for line in body)
    compile("\n".join(body), "<test>", "exec")  # valid Python


def test_scalar_and_array_paths_agree() -> None:
    tape = Tape("x^3 sin(y) / (1 + z^2) + exp(-x y)")
    point = {"x": 0.3, "y": -1.1, "z": 2.0}
    scalar = tape.gradient(point)
    array = tape.gradient({k: np.array([v]) for k, v in point.items()})
    for k in point:
        assert array[k][0] == pytest.approx(scalar[k], rel=1e-15)


def test_compiled_gradient_is_the_same_gradient() -> None:
    tape = Tape("a*b + c")
    f = tape.compiled_gradient()
    assert f(2.0, -3.0, 10.0) == (4.0, (-3.0, 2.0, 1.0))
    value, partials = f(np.array([2.0, 1.0]), -3.0, 10.0)
    np.testing.assert_array_equal(value, [4.0, 7.0])
    assert partials[1] == 3.0


def test_programs_and_sympy_expressions() -> None:
    x = VARIABLES[0]
    assert Tape(sp.sin(x) ** 2).gradient(x=0.25)["x"] == pytest.approx(math.sin(0.5), rel=1e-15)
    program = sd.parse_program("u = x^2; v = u + 1")
    assert Tape(program).gradient(x=3.0) == {"x": 6.0}
    assert Tape("2").value() == 2.0 and Tape("2").gradient() == {}
    assert Tape("x").gradient(x=5.0) == {"x": 1.0}


def test_a_hundred_thousand_nodes_without_recursion() -> None:
    x, y = symbol("x"), symbol("y")
    count = 14_300  # seven nodes per term

    def term(k: int) -> sp.Expr:  # built unevaluated: SymPy's own simplification would dominate the test
        sin = sp.sin(sp.Mul(k, x, evaluate=False), evaluate=False)
        return sp.Mul(sin, sp.cos(sp.Mul(k, y, evaluate=False), evaluate=False), evaluate=False)

    tape = Tape(sp.Add(*(term(k) for k in range(1, count + 1)), evaluate=False))
    assert len(tape.graph.nodes) > 100_000
    gradient = tape.gradient(x=0.1, y=0.2)
    expected = sum(k * math.cos(k * 0.1) * math.cos(k * 0.2) for k in range(1, count + 1))
    assert gradient["x"] == pytest.approx(expected, rel=1e-9)
    assert tape.value(x=np.array([0.1, 0.2]), y=0.2).shape == (2,)


def test_dot_graph(tmp_path: object) -> None:
    tape = Tape("a*b + c")
    dot = tape.to_dot(a=2, b=-3, c=10)
    assert dot.startswith("digraph tape {") and "value 4" in dot and "grad -3" in dot
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    result = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True)
    assert "<svg" in result.stdout


# -- outside the domain, kinks in arrays, dtypes ---------------------------------------------------


def _undefined_points(p: Primitive) -> list[float]:
    """Points where the real function is undefined (value nan, not a pole's inf)."""
    with np.errstate(all="ignore"):
        return [v for v in (-2.0, -0.5, 0.5, 2.0) if not np.all(p.domain(v)) and np.isnan(p.numpy(np.float64(v)))]  # type: ignore[misc]


@pytest.mark.parametrize(
    "p", [p for p in registry.PRIMITIVES if p.domain is not None and p.arity == 1 and _undefined_points(p)], ids=str
)
def test_outside_the_domain_the_derivative_is_nan(p: Primitive) -> None:
    """log at -1 once had gradient -1 (its rule 1/x, evaluated where log is undefined)."""
    tape = Tape(f"{p.name}(x)")
    for v in _undefined_points(p):
        value, gradient = tape.value_and_gradient(x=v)
        assert math.isnan(value) and math.isnan(gradient["x"]), (p.name, v)
        with mpmath.workdps(30):  # the reference agrees that the real function is undefined there
            assert mpmath.isnan(reference.value(f"{p.name}(x)", {"x": v}, 30))
    inside = 0.5 if np.all(p.domain(0.5)) else 2.0  # type: ignore[misc]
    points = np.array([_undefined_points(p)[0], inside])
    gradients = tape.gradient(x=points)["x"]
    assert math.isnan(gradients[0])
    exact = reference.value(sd.diff(f"{p.name}(x)", "x"), {"x": inside}, 30)
    assert gradients[1] == pytest.approx(float(exact), rel=1e-14)


def test_undefined_values_give_nan_gradients_and_branches_not_taken_give_zeros() -> None:
    """The convention: a nan value has a nan gradient; a branch whose adjoint is exactly 0 adds 0."""
    assert math.isnan(Tape("atanh(x)").gradient(x=2.0)["x"])
    assert math.isnan(Tape("acoth(x)").gradient(x=0.5)["x"])
    for expr in ("heaviside(x) * log(x)", "relu(x) * log(x)"):  # 0 · nan is nan: the value is undefined
        value, gradient = Tape(expr).value_and_gradient(x=-1.0)
        assert math.isnan(value) and math.isnan(gradient["x"]), expr
    assert Tape("relu(-x) * sqrt(x)").gradient(x=4.0) == {"x": 0.0}
    assert Tape("sqrt(relu(x)) + x").gradient(x=-1.0) == {"x": 1.0}
    # At a pole the value is infinite, not undefined: the rule's infinite slope stays.
    assert Tape("log(x)").gradient(x=0.0) == {"x": math.inf}
    assert Tape("1/x").gradient(x=0.0) == {"x": -math.inf}
    np.testing.assert_array_equal(Tape("log(x)").gradient(x=np.array([-1.0, 0.5]))["x"], [math.nan, 2.0])


def test_a_kink_in_an_array_names_its_elements_and_their_slopes() -> None:
    kink = Tape("abs(x)").trace(x=np.array([-1.0, 0.0, 1.0])).kinks[0].kink
    assert kink is not None and kink.slopes == ((-1.0, 1.0),) and kink.elements == ((1,),)
    kink = Tape("max(x, y)").trace(x=np.array([[-1.0, 0.0], [2.0, 0.0]]), y=0.0).kinks[0].kink
    assert kink is not None and kink.slopes == ((0.0, 1.0), (0.0, 1.0)) and kink.elements == ((0, 1), (1, 1))
    assert Tape("abs(x)").trace(x=0.0).kinks[0].kink.elements == ()  # type: ignore[union-attr]


def test_float32_inputs_give_float32_gradients() -> None:
    f32 = np.float32
    gradient = Tape("a*b + c").gradient(a=f32(2), b=f32(3), c=f32(1))
    assert all(type(g) is np.float32 for g in gradient.values()), gradient
    assert gradient == {"a": 3.0, "b": 2.0, "c": 1.0}
    batch = Tape("a*b + c").gradient(a=np.ones(3, dtype=f32), b=f32(3), c=f32(1))
    assert batch["a"].dtype == np.float32 and type(batch["c"]) is np.float32 and batch["c"] == 3.0
