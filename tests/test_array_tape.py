"""The array tape against independent sources: SymPy on the element-wise expansion, the scalar tape, batches.

Every array primitive of the registry is exercised in every rank combination it takes (the
test fails when a primitive has no example here), each wrapped in non-linear functions so
that every VJP rule meets a non-trivial adjoint.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from symdiff.errors import EvaluationError, ParseError
from symdiff.language.parser import parse_program
from symdiff.primitives import registry
from symdiff.tape.expansion import expand

# name → programs using it; each program's output is a scalar.
EXAMPLES: dict[str, list[str]] = {
    "matmul": [
        "A: 3x2; x: 2; L = sum(sin(A x))",
        "x: 3; B: 3x2; L = sum(tanh(x' B))",
        "A: 2x3; B: 3x4; L = sum(exp(A B / 4))",
        "x: 3; y: 3; L = sin(x @ y)",
    ],
    "transpose": ["A: 2x3; B: 2x3; L = sum(sigmoid(A' @ B))", "x: 3; L = cos(x' x)"],
    "outer": ["a: 2; b: 3; L = sum(sin(outer(a, b)))"],
    "dot": ["a: 3; b: 3; L = exp(dot(a, b) / 3)"],
    "sum": ["A: 2x3; L = sum(sin(sum(A, 0))) + sum(cos(sum(A, 1)))", "x: 4; L = sum(x)^2"],
    "mean": ["A: 2x3; L = sum(mean(A, 1)^2) + mean(A)^3"],
    "trace": ["A: 3x3; L = sin(trace(A A))"],
    "norm": ["x: 3; L = norm(x)^3", "A: 2x2; L = sin(norm(A))"],
    "softmax": ["z: 4; L = sum(sin(softmax(z)))", "Z: 2x3; L = sum(softmax(Z)^2)"],
    "logsumexp": ["z: 4; L = logsumexp(z)^2", "Z: 2x3; L = sum(sin(logsumexp(Z)))"],
    "log_softmax": ["z: 3; y: 3; L = -sum(y * log_softmax(z))", "Z: 2x3; L = sum(log_softmax(Z)^2)"],
    "index": ["x: 4; L = sin(x[1]) * x[-1]", "A: 2x3; L = sum(tanh(A[1])) + A[0, 2]^2"],
    "ones": ["x: 3; L = sum(sin(x * ones(3)))", "A: 2x3; L = sum(tanh(ones(2, 2) A))"],
    "eye": ["A: 3x3; L = sum(sin(A + 2eye(3)) * A)"],
    "onehot": ["x: 4; L = sin(dot(onehot(4, 1), x)) + cos(dot(onehot(4, -1), x))"],
    "diag": ["v: 3; A: 3x3; L = sum(sin(diag(v) A))", "v: 2; L = sum(exp(diag(v^2)))"],
}

# Element-wise scalar functions and broadcasting, over arrays.
ELEMENTWISE = [
    "x: 3; W: 2x3; b: 2; L = sum(relu(W x + b)^2)",
    "x: 3; s: scalar; L = sum(sigmoid(s * x)) + s^2",
    "A: 2x3; v: 3; L = sum((A - v)^2 / (1 + A^2))",
    "x: 3; y: 3; L = sum(max(x, y) * min(x, y) + abs(x - y) + softplus(x) * log(1 + y^2))",
    "x: 3; L = sum(log2(2 + x) + sqrt(4 + x) + atan(x) * erf(x))",
    "p: 3; t: 3; L = binary_cross_entropy(sigmoid(p), t) + mse(p, t) + cross_entropy(softmax(p), t)",
]


def _point(shapes: dict[str, tuple[int, ...]], seed: int = 0) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {name: rng.uniform(0.2, 0.9, size=shape) * rng.choice([-1, 1], size=shape) for name, shape in shapes.items()}


def _sympy_gradient(program_text: str, point: dict[str, np.ndarray]) -> tuple[float, dict[str, np.ndarray]]:
    """The value and every element's partial derivative by sympy.diff of the element-wise expansion."""
    expansion = expand(parse_program(program_text))
    at = {sp.Symbol(name, real=True): value for name, value in expansion.point(point).items()}
    gradient = {}
    for name, symbols in expansion.symbols.items():
        partials = np.empty(symbols.shape)
        for index in itertools.product(*map(range, symbols.shape)):
            partials[index] = float(sp.diff(expansion.expression, symbols[index]).subs(at).evalf(30))
        gradient[name] = partials
    return float(expansion.expression.subs(at).evalf(30)), gradient


def test_every_array_primitive_has_examples() -> None:
    names = {p.name for p in registry.ARRAY_PRIMITIVES}
    assert names == set(EXAMPLES), f"add examples for {sorted(names - set(EXAMPLES))}"


PROGRAMS = [text for texts in EXAMPLES.values() for text in texts] + ELEMENTWISE


@pytest.mark.parametrize("text", PROGRAMS)
def test_value_and_gradient_equal_sympy_on_the_expansion(text: str) -> None:
    tape = sd.Tape(text)
    point = _point(tape.shapes)
    value, gradient = tape.value_and_gradient(point)
    exact_value, exact = _sympy_gradient(text, point)
    assert value == pytest.approx(exact_value, rel=1e-13, abs=1e-14)
    for name, expected in exact.items():
        got = np.asarray(gradient[name])
        assert got.shape == tape.shapes[name]
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-13, err_msg=f"∂L/∂{name} of {text}")


@pytest.mark.parametrize("text", PROGRAMS)
def test_gradient_equals_the_scalar_tape_on_the_expansion(text: str) -> None:
    """The scalar tape's rules know nothing of matmul or softmax: they see sums and products of elements."""
    tape = sd.Tape(text)
    point = _point(tape.shapes, seed=3)
    expansion = expand(parse_program(text))
    scalar_tape = sd.Tape(expansion.expression)
    at = expansion.point(point)
    scalar = scalar_tape.gradient({name: at[name] for name in scalar_tape.variables})
    gradient = tape.gradient(point)
    for name, symbols in expansion.symbols.items():
        for index in itertools.product(*map(range, symbols.shape)):
            expected = scalar.get(symbols[index].name, 0.0)
            assert np.asarray(gradient[name])[index] == pytest.approx(expected, rel=1e-12, abs=1e-13)


@pytest.mark.parametrize("text", PROGRAMS)
def test_a_batch_is_the_sum_of_its_samples(text: str) -> None:
    """Some or all inputs given with a sample axis: a batched input's gradient is one per sample, the
    others' the sum over the samples, and the value one per sample."""
    tape = sd.Tape(text)
    names = list(tape.shapes)
    samples = [_point(tape.shapes, seed=s) for s in range(4)]
    for batched in ({names[0]}, set(names)):
        singles = [{n: (s[n] if n in batched else samples[0][n]) for n in names} for s in samples]
        point = {n: (np.stack([s[n] for s in singles]) if n in batched else samples[0][n]) for n in names}
        values, gradient = tape.value_and_gradient(point)
        each = [tape.value_and_gradient(single) for single in singles]
        np.testing.assert_allclose(values, [v for v, _ in each], rtol=1e-13)
        for n in names:
            per_sample = np.stack([g[n] for _, g in each])
            expected = per_sample if n in batched else per_sample.sum(axis=0)
            np.testing.assert_allclose(gradient[n], expected, rtol=1e-12, atol=1e-13, err_msg=f"∂L/∂{n}")


def test_the_seed_model_in_matrix_form_matches_numpy_backprop_by_hand() -> None:
    tape = sd.Tape("x: 10; W1: 64x10; b1: 64; w2: 64; b2, t: scalar\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2")
    rng = np.random.default_rng(0)
    w1, b1, w2, b2 = rng.normal(size=(64, 10)), rng.normal(size=64), rng.normal(size=64), 0.3
    x, t = rng.normal(size=(256, 10)), rng.normal(size=256)
    point = {"W1": w1, "b1": b1, "w2": w2, "b2": b2, "x": x, "t": t}
    g = tape.gradient(point)
    z = x @ w1.T + b1
    h = np.maximum(z, 0)
    r = h @ w2 + b2 - t
    gz = (2 * r)[:, None] * w2 * (z > 0)
    np.testing.assert_allclose(g["W1"], gz.T @ x, rtol=1e-12)
    np.testing.assert_allclose(g["b1"], gz.sum(axis=0), rtol=1e-12)
    np.testing.assert_allclose(g["w2"], (2 * r) @ h, rtol=1e-12)
    assert g["b2"] == pytest.approx((2 * r).sum(), rel=1e-12)
    f = tape.compiled_gradient(wrt=["W1", "b2"])
    _, (g_w1, gb2) = f(*(point[v] for v in tape.variables))
    np.testing.assert_allclose(g_w1, g["W1"], rtol=1e-14)
    assert gb2 == pytest.approx(g["b2"], rel=1e-14)


def test_per_sample_gradients_keep_one_gradient_per_sample() -> None:
    tape = sd.Tape("w: 3; x: 3; L = sin(w' x)")
    w, x = np.array([0.1, -0.2, 0.3]), np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]])
    g = tape.per_sample_gradient(w=w, x=x)
    assert g["w"].shape == (2, 3)
    np.testing.assert_allclose(g["w"], np.cos(x @ w)[:, None] * x, rtol=1e-14)


def test_a_relu_kink_is_named_by_its_element() -> None:
    tape = sd.Tape("W: 2x2; x: 2; L = sum(relu(W x))")
    trace = tape.trace(W=np.array([[1.0, -1.0], [2.0, 0.5]]), x=np.array([1.0, 1.0]))
    (row,) = trace.kinks
    assert row.kink is not None and row.kink.elements == ((0,),)
    assert row.kink.slopes == ((0.0, 1.0),)
    assert "(0,)" not in str(trace) and "element 0" in str(trace)


def test_nan_outside_the_domain_and_strong_zeros() -> None:
    tape = sd.Tape("x: 2; L = sum(log(x))")
    g = tape.gradient(x=np.array([-1.0, 2.0]))
    assert np.isnan(g["x"][0]) and g["x"][1] == 0.5
    tape = sd.Tape("x: 3; L = sum(relu(x) * sqrt(abs(x)))")  # at 0: relu is 0 where sqrt's slope is inf
    g = tape.gradient(x=np.array([0.0, -1.0, 4.0]))
    np.testing.assert_array_equal(g["x"], [0.0, 0.0, 3.0])


@pytest.mark.parametrize(
    ("text", "values", "message"),
    [
        ("W: 2x3; x: 3; L = sum(W x)", {"W": np.ones((3, 2)), "x": np.ones(3)}, "W must have shape (2, 3)"),
        ("x: 3; t: scalar; L = sum(x) * t", {"x": np.ones((4, 3)), "t": np.ones(5)}, "different numbers of samples"),
        ("x: 3; L = sum(x)", {"x": np.ones(3), "y": 1.0}, "y does not occur"),
        ("x: 3; L = sum(x)", {"x": ["a", "b", "c"]}, "must be a number or an array"),
    ],
)
def test_wrong_values_are_one_line_errors(text: str, values: dict[str, object], message: str) -> None:
    with pytest.raises(EvaluationError) as error:
        sd.Tape(text).gradient(values)
    assert message in str(error.value) and "\n" not in str(error.value)


@pytest.mark.parametrize(
    ("text", "message", "column"),
    [
        ("W1: 64x10; x: 12; y = W1 x", "W1 x: (64, 10) times (12,): the inner sizes differ (10 and 12)", 26),
        ("x: 3; y: 4; L = sum(x + y)", "(3,) and (4,) do not broadcast together", 23),
        ("x: 3; L = sum(x) + z", "z has no declared shape", 20),
        ("x: 3; L = x[3]", "index 3 is out of range for (3,)", 12),
        ("a: 3; b: 3; L = a b'", "ambiguous with 1-D vectors", 19),
        ("A: 2x3; L = trace(A)", "trace takes a square matrix", 13),
        ("x: 3x; L = sum(x)", "is not a shape", 4),
        ("x: 3; x: 4; L = sum(x)", "x is declared twice", 7),
        ("x: 2; s: scalar; L = s' + sum(x)", "a transpose of a scalar", 23),
        ("s: scalar; L = s'", "a transpose (') needs vectors or matrices", 17),
    ],
)
def test_bad_shapes_are_refused_with_both_shapes_and_the_column(text: str, message: str, column: int) -> None:
    with pytest.raises(ParseError) as error:
        parse_program(text)
    assert message in str(error.value)
    assert error.value.column == column, str(error.value)


def test_shapes_given_through_the_api() -> None:
    tape = sd.Tape("L = sum(relu(W x))", shapes={"W": (2, 3), "x": "3"})
    assert tape.shapes == {"W": (2, 3), "x": (3,)}
    with pytest.raises(ParseError, match="declared twice"):
        parse_program("W: 3x2; L = sum(W x)", shapes={"W": (2, 3), "x": (2,)})


def test_the_listing_shows_one_line_per_tensor_operation_with_shapes() -> None:
    tape = sd.Tape("x: 10; W1: 64x10; b1: 64; w2: 64; b2, t: scalar; h = relu(W1 x + b1); y = w2 h + b2; L = (y - t)^2")
    assert str(tape).splitlines() == [
        "inputs: W1 (64, 10), b1 (64,), b2 (), t (), w2 (64,), x (10,)",
        "v1 = W1 @ x   (64,)",
        "v2 = v1 + b1  (64,)",
        "h = relu(v2)  (64,)",
        "v3 = w2 @ h   ()",
        "y = v3 + b2   ()",
        "v4 = y - t    ()",
        "L = v4^2      ()",
    ]
