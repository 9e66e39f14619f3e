"""Matrix calculus, Matrix Cookbook style: each identity symbolically (the formula symdiff writes)
and numerically (against NumPy written by hand from the textbook formula, and against finite
differences of the element-wise expansion, with their error bounds).

Includes SymPy's known wrong matrix derivatives: a sum of two norms differentiating to 0
(sympy#26585), ``Trace(X@A)`` giving ``3*A.T`` (sympy#15614), ``(Trace(E) + 1).diff(E)`` giving
0 (sympy#26561), ``Trace(X**2*B)`` (sympy#15136), ``Trace(F.T*F) - 3`` (sympy#25118) and
``Trace(x.T@w) + b`` (sympy#24725).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import symdiff as sd
from symdiff.errors import SymdiffError
from symdiff.language.parser import parse_program
from symdiff.symbolic import matrix_algebra
from symdiff.tape.expansion import expand

P = dict[str, Any]


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max())
    return e / e.sum()


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-z))


def _e(n: int, i: int) -> np.ndarray:
    return np.eye(n)[i]


# (program, variable, the formula symdiff writes, the textbook formula in NumPy)
GRADIENTS: dict[str, tuple[str, str, str, Callable[[P], Any]]] = {
    "a'x by x": ("x: 3; a: 3; L = a' x", "x", "a", lambda p: p["a"]),
    "x'a by x": ("x: 3; a: 3; L = x' a", "x", "a", lambda p: p["a"]),
    "x'x by x": ("x: 3; L = x' x", "x", "2x", lambda p: 2 * p["x"]),
    "x'Ax by x": ("x: 3; A: 3x3; L = x' A x", "x", "(Aᵀ + A) x", lambda p: (p["A"] + p["A"].T) @ p["x"]),
    "x'Ax by A": ("x: 3; A: 3x3; L = x' A x", "A", "x xᵀ", lambda p: np.outer(p["x"], p["x"])),
    "a'Xb by X": ("a: 3; X: 3x4; b: 4; L = a' X b", "X", "a bᵀ", lambda p: np.outer(p["a"], p["b"])),
    "a'X'b by X": ("a: 4; X: 3x4; b: 3; L = a' X' b", "X", "b aᵀ", lambda p: np.outer(p["b"], p["a"])),
    "tr X": ("X: 3x3; L = trace(X)", "X", "I", lambda p: np.eye(3)),
    "tr AX": ("A: 3x3; X: 3x3; L = trace(A X)", "X", "Aᵀ", lambda p: p["A"].T),
    "tr XA (sympy#15614)": ("A: 3x3; X: 3x3; L = trace(X A)", "X", "Aᵀ", lambda p: p["A"].T),
    "tr X'A": ("A: 3x3; X: 3x3; L = trace(X' A)", "X", "A", lambda p: p["A"]),
    "tr AX'": ("A: 3x3; X: 3x3; L = trace(A X')", "X", "A", lambda p: p["A"]),
    "tr X'AX (sympy#15614)": (
        "A: 3x3; X: 3x3; L = trace(X' A X)",
        "X",
        "(Aᵀ + A) X",
        lambda p: (p["A"] + p["A"].T) @ p["X"],
    ),
    "tr XXB (sympy#15136)": (
        "X: 3x3; B: 3x3; L = trace(X X B)",
        "X",
        "Bᵀ Xᵀ + Xᵀ Bᵀ",
        lambda p: (p["X"] @ p["B"] + p["B"] @ p["X"]).T,
    ),
    "tr X'X - 3 (sympy#25118)": ("X: 3x2; L = trace(X' X) - 3", "X", "2X", lambda p: 2 * p["X"]),
    "tr E + 1 (sympy#26561)": ("E: 3x3; L = trace(E) + 1", "E", "I", lambda p: np.eye(3)),
    "(tr E)^2": ("E: 3x3; L = trace(E)^2", "E", "2 trace(E) I", lambda p: 2 * np.trace(p["E"]) * np.eye(3)),
    "x'w + b (sympy#24725)": ("x: 3; w: 3; b: scalar; L = x' w + b", "w", "x", lambda p: p["x"]),
    "two norms by U (sympy#26585)": (
        "A: 3x4; U: 3x2; V: 2x4; L = 0.5 norm(A - U V)^2 + 0.5 norm(U)^2",
        "U",
        "U + (U V - A) Vᵀ",
        lambda p: p["U"] - (p["A"] - p["U"] @ p["V"]) @ p["V"].T,
    ),
    "two norms by V (sympy#26585)": (
        "A: 3x4; U: 3x2; V: 2x4; L = 0.5 norm(A - U V)^2 + 0.5 norm(U)^2",
        "V",
        "Uᵀ (U V - A)",
        lambda p: -p["U"].T @ (p["A"] - p["U"] @ p["V"]),
    ),
    "two traces (sympy#26585)": (
        "A: 3x4; U: 3x2; V: 2x4; L = 0.5 trace((A - U V)' (A - U V)) + 0.5 trace(A' A)",
        "U",
        "(U V - A) Vᵀ",
        lambda p: -(p["A"] - p["U"] @ p["V"]) @ p["V"].T,
    ),
    "|x|^2": ("x: 3; L = norm(x)^2", "x", "2x", lambda p: 2 * p["x"]),
    "|x|": ("x: 3; L = norm(x)", "x", "x / L", lambda p: p["x"] / np.linalg.norm(p["x"])),
    "|Ax - b|^2 by x": (
        "A: 4x3; x: 3; b: 4; L = norm(A x - b)^2",
        "x",
        "2Aᵀ (A x - b)",
        lambda p: 2 * p["A"].T @ (p["A"] @ p["x"] - p["b"]),
    ),
    "|Ax - b|^2 by A": (
        "A: 4x3; x: 3; b: 4; L = norm(A x - b)^2",
        "A",
        "2(A x - b) xᵀ",
        lambda p: 2 * np.outer(p["A"] @ p["x"] - p["b"], p["x"]),
    ),
    "|Ax - b|^2 by b": (
        "A: 4x3; x: 3; b: 4; L = norm(A x - b)^2",
        "b",
        "-2(A x - b)",
        lambda p: -2 * (p["A"] @ p["x"] - p["b"]),
    ),
    "|X|_F^2": ("X: 2x3; L = norm(X)^2", "X", "2X", lambda p: 2 * p["X"]),
    "sum X": ("X: 2x3; L = sum(X)", "X", "𝟏", lambda p: np.ones((2, 3))),
    "sum Wx by W": ("W: 2x3; x: 3; L = sum(W x)", "W", "𝟏 xᵀ", lambda p: np.outer(np.ones(2), p["x"])),
    "sum exp x": ("x: 3; L = sum(exp(x))", "x", "exp(x)", lambda p: np.exp(p["x"])),
    "-log softmax(z)_k": (
        "z: 4; L = -log(softmax(z)[2])",
        "z",
        "softmax(z) - e₂",
        lambda p: _softmax(p["z"]) - _e(4, 2),
    ),
    "cross-entropy of softmax": (
        "z: 4; y: 4; L = cross_entropy(softmax(z), y)",
        "z",
        "sum(y) softmax(z) - y",
        lambda p: p["y"].sum() * _softmax(p["z"]) - p["y"],
    ),
    "binary cross-entropy of sigmoid": (
        "z: 3; y: 3; L = binary_cross_entropy(sigmoid(z), y)",
        "z",
        "σ(z) ⊙ (1 - y) / 3 - (1 - σ(z)) ⊙ y / 3",
        lambda p: (_sigmoid(p["z"]) - p["y"]) / 3,
    ),
    "(a'x)^2": ("x: 3; a: 3; L = (a' x)^2", "x", "2(aᵀ x) a", lambda p: 2 * (p["a"] @ p["x"]) * p["a"]),
    "mse of a layer": (
        "W: 2x3; x: 3; t: 2; L = mse(W x, t)",
        "W",
        "(W x - t) xᵀ",
        lambda p: np.outer(p["W"] @ p["x"] - p["t"], p["x"]),
    ),
    "relu layer by b": (
        "W: 2x3; x: 3; b: 2; L = sum(relu(W x + b))",
        "b",
        "H(W x + b)",
        lambda p: (p["W"] @ p["x"] + p["b"] > 0).astype(float),
    ),
    "tanh layer by W": (
        "W: 2x3; x: 3; L = sum(tanh(W x))",
        "W",
        "(1 - tanh(W x)^2) xᵀ",
        lambda p: np.outer(1 - np.tanh(p["W"] @ p["x"]) ** 2, p["x"]),
    ),
    "sigmoid layer by W": (
        "W: 2x3; x: 3; v: 2; L = v' sigmoid(W x)",
        "W",
        "(v ⊙ σ(W x) ⊙ (1 - σ(W x))) xᵀ",
        lambda p: np.outer(p["v"] * _sigmoid(p["W"] @ p["x"]) * (1 - _sigmoid(p["W"] @ p["x"])), p["x"]),
    ),
    "tr AB by A": ("A: 2x3; B: 3x2; L = trace(A B)", "A", "Bᵀ", lambda p: p["B"].T),
    "tr AXB by X": ("A: 2x3; X: 3x4; B: 4x2; L = trace(A X B)", "X", "Aᵀ Bᵀ", lambda p: p["A"].T @ p["B"].T),
    "a'XXa by X": (
        "X: 2x2; a: 2; L = a' X X a",
        "X",
        "(Xᵀ a) aᵀ + a (X a)ᵀ",
        lambda p: p["X"].T @ np.outer(p["a"], p["a"]) + np.outer(p["a"], p["a"]) @ p["X"].T,
    ),
    "an element of a matrix": ("X: 2x3; L = X[0, 1]", "X", "e₀ e₁ᵀ", lambda p: np.outer(_e(2, 0), _e(3, 1))),
    "an element of a vector": ("x: 3; L = x[1]", "x", "e₁", lambda p: _e(3, 1)),
    "mean x": ("x: 4; L = mean(x)", "x", "𝟏 / 4", lambda p: np.full(4, 0.25)),
    "sum sqrt(x^2 + 1)": (
        "x: 3; L = sum(sqrt(x^2 + 1))",
        "x",
        "x / √(x^2 + 1)",
        lambda p: p["x"] / np.sqrt(p["x"] ** 2 + 1),
    ),
    "the seed's first layer": (
        "x: 2; W1: 3x2; b1: 3; w2: 3; b2, t: scalar\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2",
        "W1",
        "(2(y - t) w2 ⊙ H(W1 x + b1)) xᵀ",
        lambda p: np.outer(
            2
            * (p["w2"] @ np.maximum(p["W1"] @ p["x"] + p["b1"], 0) + p["b2"] - p["t"])
            * p["w2"]
            * (p["W1"] @ p["x"] + p["b1"] > 0),
            p["x"],
        ),
    ),
}

JACOBIANS: dict[str, tuple[str, str, str, Callable[[P], Any]]] = {
    "Ax": ("A: 2x3; x: 3; f = A x", "x", "A", lambda p: p["A"]),
    "x'A": ("A: 3x2; x: 3; f = x' A", "x", "Aᵀ", lambda p: p["A"].T),
    "softmax": (
        "z: 3; p = softmax(z)",
        "z",
        "diag(p) - p pᵀ",
        lambda p: np.diag(_softmax(p["z"])) - np.outer(_softmax(p["z"]), _softmax(p["z"])),
    ),
    "x ⊙ x": ("x: 3; f = x * x", "x", "2 diag(x)", lambda p: 2 * np.diag(p["x"])),
    "s x by s": ("x: 3; s: scalar; f = s * x", "s", "x", lambda p: p["x"]),
    "sum(x) x": (
        "x: 3; f = sum(x) * x",
        "x",
        "sum(x) I + x 𝟏ᵀ",
        lambda p: p["x"].sum() * np.eye(3) + np.outer(p["x"], np.ones(3)),
    ),
    "sigmoid": (
        "z: 3; f = sigmoid(z)",
        "z",
        "diag(f ⊙ (1 - f))",
        lambda p: np.diag(_sigmoid(p["z"]) * (1 - _sigmoid(p["z"]))),
    ),
    "a ⊙ x": ("a: 3; x: 3; f = a * x", "x", "diag(a)", lambda p: np.diag(p["a"])),
    "x / |x|": (
        "x: 3; f = x / norm(x)",
        "x",
        "I / norm(x) - x xᵀ / norm(x)^3",
        lambda p: np.eye(3) / np.linalg.norm(p["x"]) - np.outer(p["x"], p["x"]) / np.linalg.norm(p["x"]) ** 3,
    ),
    "log_softmax": (
        "z: 3; f = log_softmax(z)",
        "z",
        "I - 𝟏 exp(f)ᵀ",
        lambda p: np.eye(3) - np.outer(np.ones(3), _softmax(p["z"])),
    ),
    "a layer by its input": (
        "W: 2x3; x: 3; b: 2; h = relu(W x + b)",
        "x",
        "diag(H(W x + b)) W",
        lambda p: np.diag((p["W"] @ p["x"] + p["b"] > 0).astype(float)) @ p["W"],
    ),
    "tanh layer by its input": (
        "W: 2x3; x: 3; f = tanh(W x)",
        "x",
        "diag(1 - f^2) W",
        lambda p: np.diag(1 - np.tanh(p["W"] @ p["x"]) ** 2) @ p["W"],
    ),
}

HESSIANS: dict[str, tuple[str, tuple[str, ...], str, Callable[[P], Any]]] = {
    "x'Ax": ("x: 3; A: 3x3; L = x' A x", ("x",), "Aᵀ + A", lambda p: p["A"] + p["A"].T),
    "least squares": ("A: 4x3; x: 3; b: 4; L = norm(A x - b)^2", ("x",), "2Aᵀ A", lambda p: 2 * p["A"].T @ p["A"]),
    "half least squares": ("A: 4x3; x: 3; b: 4; L = 0.5 sum((A x - b)^2)", ("x",), "Aᵀ A", lambda p: p["A"].T @ p["A"]),
    "a linear function": ("x: 3; a: 3; L = a' x", ("x",), "0", lambda p: np.zeros((3, 3))),
    "sum exp x": ("x: 3; L = sum(exp(x))", ("x",), "diag(exp(x))", lambda p: np.diag(np.exp(p["x"]))),
    "x'Ay by x and y": ("x: 3; y: 2; A: 3x2; L = x' A y", ("x", "y"), "A", lambda p: p["A"]),
    "|x|": (
        "x: 3; L = norm(x)",
        ("x",),
        "I / L - x xᵀ / L^3",
        lambda p: np.eye(3) / np.linalg.norm(p["x"]) - np.outer(p["x"], p["x"]) / np.linalg.norm(p["x"]) ** 3,
    ),
    "(sum x)^2": ("x: 3; L = sum(x)^2", ("x",), "2 𝟏 𝟏ᵀ", lambda p: 2 * np.ones((3, 3))),
    "cross-entropy of softmax": (
        "z: 3; y: 3; L = cross_entropy(softmax(z), y)",
        ("z",),
        "sum(y) diag(softmax(z)) - (sum(y) softmax(z)) softmax(z)ᵀ",
        lambda p: p["y"].sum() * (np.diag(_softmax(p["z"])) - np.outer(_softmax(p["z"]), _softmax(p["z"]))),
    ),
}


def _point(text: str, seed: int = 7) -> dict[str, np.ndarray]:
    program = parse_program(text)
    rng = np.random.default_rng(seed)
    return {n: rng.uniform(0.2, 0.9, size=s) * rng.choice([-1.0, 1.0], size=s) for n, s in program.shapes.items()}


def _finite_differences(text: str, point: P, outputs: str, wrt: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Values and error bounds by the scalar finite-difference machinery on the element-wise expansion."""
    expansion = expand(parse_program(text))
    at = expansion.point(point)
    names = [[s.name for s in expansion.symbols[w].ravel()] for w in wrt]
    if len(wrt) == 2:
        block = sd.fd_hessian(expansion.expression, at, wrt=names[0] + names[1])
        n = len(names[0])
        return block.value[:n, n:], block.error_bound[:n, n:]
    if outputs == "hessian":
        block = sd.fd_hessian(expansion.expression, at, wrt=names[0])
        return block.value, block.error_bound
    rows = expansion.elements.ravel() if outputs == "jacobian" else [expansion.expression]
    values, bounds = [], []
    for row in rows:
        variables = {s.name for s in row.free_symbols}
        results = sd.fd_gradient(row, {n: at[n] for n in variables}, wrt=[n for n in names[0] if n in variables])
        values.append([results[n].value if n in results else 0.0 for n in names[0]])
        bounds.append([results[n].error_bound if n in results else 0.0 for n in names[0]])
    return np.array(values), np.array(bounds)


def _agree_with_finite_differences(value: np.ndarray, fd: tuple[np.ndarray, np.ndarray]) -> None:
    estimate, bound = fd
    value = np.asarray(value, dtype=float).reshape(estimate.shape)
    assert np.all(np.abs(value - estimate) <= bound + 1e-9 * np.maximum(1, np.abs(estimate))), (value, estimate, bound)


@pytest.mark.parametrize("case", GRADIENTS, ids=list(GRADIENTS))
def test_gradient_identities(case: str) -> None:
    text, wrt, formula, textbook = GRADIENTS[case]
    g = sd.gradient(text, wrt=[wrt])
    assert g.formula_text(wrt) == formula
    assert g.verification.ok
    point = _point(text)
    value = g.evaluate(point)[wrt]
    np.testing.assert_allclose(value, textbook(point), rtol=1e-12, atol=1e-14)
    _agree_with_finite_differences(value, _finite_differences(text, point, "gradient", (wrt,)))


@pytest.mark.parametrize("case", JACOBIANS, ids=list(JACOBIANS))
def test_jacobian_identities(case: str) -> None:
    text, wrt, formula, textbook = JACOBIANS[case]
    d = sd.jacobian(text, wrt=wrt)
    assert d.formula_text() == formula
    assert d.verification.ok
    point = _point(text)
    value = d.evaluate(point)
    np.testing.assert_allclose(value, textbook(point), rtol=1e-12, atol=1e-14)
    _agree_with_finite_differences(value, _finite_differences(text, point, "jacobian", (wrt,)))


@pytest.mark.parametrize("case", HESSIANS, ids=list(HESSIANS))
def test_hessian_identities(case: str) -> None:
    text, wrt, formula, textbook = HESSIANS[case]
    d = sd.hessian(text, list(wrt))
    assert d.formula_text() == formula
    assert d.verification.ok
    point = _point(text)
    value = d.evaluate(point)
    np.testing.assert_allclose(value, textbook(point), rtol=1e-12, atol=1e-14)
    _agree_with_finite_differences(value, _finite_differences(text, point, "hessian", wrt))


def test_there_are_at_least_forty_identities() -> None:
    assert len(GRADIENTS) + len(JACOBIANS) + len(HESSIANS) >= 40


def test_diff_by_a_name_and_to_second_order() -> None:
    text = "x: 3; A: 3x3; L = x' A x"
    assert sd.diff(text, "x").formula_text("x") == "(Aᵀ + A) x"
    assert sd.diff(text, "x", order=2).formula_text() == "Aᵀ + A"
    assert sd.diff("x: 3; y: 2; A: 3x2; L = x' A y", ["x", "y"]).formula_text() == "A"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda: sd.jacobian("A: 2x2; x: 2; F = A * x", wrt="x"),
            "∂F/∂x has 3 indices (a (2, 2) value by a (2,) variable), not a matrix",
        ),
        (
            lambda: sd.hessian("W: 2x3; x: 3; L = sum(W x)^2", "W"),
            "∂²L/∂W² has 4 indices (a (2, 3) gradient by a (2, 3) variable)",
        ),
        (lambda: sd.gradient("x: 3; f = 2x"), "the gradient needs a scalar: f has shape (3,); use symdiff.jacobian"),
        (lambda: sd.gradient("X: 2x2x2; L = sum(X)"), "scalars, vectors and matrices; X in the program has shape"),
        (lambda: sd.diff("x: 3; L = sum(x^3)", "x", order=3), "higher derivatives are tensors"),
        (lambda: sd.gradient("x: 3; h = 2x; L = sum(h)", wrt=["h"]), "h is a line of the program"),
        (lambda: sd.gradient("x: 3; L = sum(x)", wrt=["q"]), "q is not a variable of the program (its variables: x)"),
        (lambda: sd.hessian("x: 3; L = sum(x)"), "give wrt"),
    ],
)
def test_what_is_not_a_matrix_is_refused_in_one_line(call: Callable[[], object], message: str) -> None:
    with pytest.raises(SymdiffError) as error:
        call()
    assert message in str(error.value) and "\n" not in str(error.value)


def test_a_wrong_formula_is_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    """The checks can fail: with a broken rewrite rule ((Aᵀ)ᵀ = Aᵀ), the result is refused."""
    rules = dict(matrix_algebra._RULES)
    broken = rules["transpose"]

    def wrong(t: Any, args: Any) -> Any:
        (a,) = args
        return a if matrix_algebra.is_op(a, "transpose") else broken(t, args)

    monkeypatch.setitem(matrix_algebra._RULES, "transpose", wrong)
    with pytest.raises(SymdiffError, match="disagrees with the tape"):
        sd.gradient("A: 3x3; X: 3x3; L = trace(X' A)", wrt=["X"])


def seed_model(hidden: int = 64) -> str:
    declarations = f"x: 10; W1: {hidden}x10; b1: {hidden}; w2: {hidden}; b2, t: scalar"
    return declarations + "\nh = relu(W1 x + b1)\ny = w2 h + b2\nL = (y - t)^2"


def test_the_seed_model_in_matrix_form() -> None:
    g = sd.gradient(seed_model())
    assert g.to_text().splitlines()[:-1] == [
        "h = ReLU(W1 x + b1)",
        "y = w2ᵀ h + b2",
        "δ₂ = 2(y - t)",
        "δ₁ = δ₂ w2 ⊙ H(W1 x + b1)",
        "∂L/∂W1 = δ₁ xᵀ",
        "∂L/∂b1 = δ₁",
        "∂L/∂b2 = δ₂",
        "∂L/∂t = -2(y - t)",
        "∂L/∂w2 = δ₂ h",
        "∂L/∂x = W1ᵀ δ₁",
    ]
    assert g.to_text().splitlines()[-1].startswith("verified against the tape at random values of the declared sizes")
    assert g.shapes == {"W1": (64, 10), "b1": (64,), "b2": (), "t": (), "w2": (64,), "x": (10,)}


def test_the_seed_model_agrees_with_the_tape_to_1e_12() -> None:
    text = seed_model()
    g = sd.gradient(text)
    tape = sd.Tape(text)
    rng = np.random.default_rng(11)
    single = {"W1": rng.normal(size=(64, 10)), "b1": rng.normal(size=64), "w2": rng.normal(size=64), "b2": 0.3}
    single |= {"x": rng.normal(size=10), "t": 0.7}
    batch = {**single, "x": rng.normal(size=(256, 10)), "t": rng.normal(size=256)}
    for point in (single, batch):
        expected = tape.gradient(point)
        for name, value in g.evaluate(point).items():
            np.testing.assert_allclose(value, expected[name], rtol=1e-12, atol=1e-12, err_msg=name)


def test_the_formulas_do_not_depend_on_the_width() -> None:
    narrow, wide = (sd.gradient(seed_model(n), wrt=["W1", "b1"]).to_text().splitlines()[:-1] for n in (4, 4096))
    assert narrow == wide


def test_the_input_language_form_reads_back() -> None:
    """to_text(pretty=False) is a program: read back with the same shapes, it computes the same gradient."""
    g = sd.gradient(seed_model(5), wrt=["W1"])
    lines = g.to_text(pretty=False).splitlines()[:-1]
    assert lines[-1] == "∂L/∂W1 = outer(2(y - t) * w2 * heaviside(W1 @ x + b1), x)"
    program = "x: 10; W1: 5x10; b1: 5; w2: 5; b2, t: scalar\n" + "\n".join(lines[:-1])
    program += "\nG = " + lines[-1].split(" = ", 1)[1]
    point = _point(seed_model(5))
    values = sd.Tape(program).value(point)
    np.testing.assert_allclose(values, g.evaluate(point)["W1"], rtol=1e-14)


def test_json_and_markdown() -> None:
    import json

    g = sd.gradient(seed_model(), wrt=["W1"])
    data = json.loads(g.to_json())
    assert data["derivatives"][0]["pretty"] == "(2(y - t) w2 ⊙ H(W1 x + b1)) xᵀ"
    assert data["derivatives"][0]["shape"] == [64, 10] and data["verified"] is True
    assert [d["name"] for d in data["definitions"]] == ["h", "y"]
    markdown = g.to_markdown()
    assert markdown.startswith("$$\n\\begin{aligned}") and "Verified against the tape" in markdown


def test_each_check_can_fail_on_its_own() -> None:
    """A formula that is wrong by a factor is caught by the tape and, independently, by SymPy."""
    from symdiff.language.arrays import variable
    from symdiff.symbolic import matrix_check as check
    from symdiff.symbolic.matrix_algebra import node

    program = parse_program("x: 3; L = sum(x^2)")
    wrong = {"x": node("mul", 3, variable("x", (3,)))}  # the right one is 2x
    labels = {"x": "∂L/∂x"}
    points = [check.random_point(program.shapes, 0)]
    for checks in (
        check.gradient_checks(program, wrong, labels, points, check.Evaluator()),
        check.expansion_checks(program, wrong, labels, points, check.Evaluator()),
    ):
        (only,) = checks
        assert only.compared > 0 and not only.agrees


@pytest.mark.parametrize(
    "text",
    [
        "sin(x*y) + exp(y)/x",
        "relu(x - y)*tanh(x) + sigmoid(y)^2",
        "log(1 + x^2) * sqrt(2 + y) - abs(x)*y",
        "max(x, y)^3",
    ],
)
def test_sympy_forward_mode_equals_sympy_diff(text: str) -> None:
    """The check's directional derivatives (SymPy's rule per operation, chained forward) against sympy.diff."""
    import sympy

    from symdiff.symbolic.sympy_forward import directional

    expr = sd.parse(text)
    x, y = sorted(expr.free_symbols, key=str)
    at, u, v = {x: 0.7, y: -0.4}, {x: 0.3, y: -1.2}, {x: -0.8, y: 0.5}
    (d,) = directional([expr], at, u, v)
    gradient = [sympy.diff(expr, s).subs(at) for s in (x, y)]
    hessian = [[sympy.diff(expr, a, b).subs(at) for b in (x, y)] for a in (x, y)]
    assert float(d.u) == pytest.approx(float(gradient[0] * u[x] + gradient[1] * u[y]), rel=1e-13)
    uhv = sum(hessian[i][j] * [u[x], u[y]][i] * [v[x], v[y]][j] for i in range(2) for j in range(2))
    assert float(d.uv) == pytest.approx(float(uhv), rel=1e-12)
