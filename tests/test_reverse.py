"""Reverse mode over the SymPy graph, checked against sympy.diff, sympy.hessian and the tape."""

from __future__ import annotations

import functools
import json
import re
import subprocess
import sys
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp

import symdiff as sd
from benchmarks.cases import network_case, sum_case
from symdiff import cli
from symdiff.language.parser import symbol
from symdiff.limits import Limits
from symdiff.primitives import registry
from symdiff.primitives.primitive import Primitive
from symdiff.symbolic.reverse import _total
from symdiff.tape.graph import lower, lower_all
from symdiff.tape.interpret import forward
from symdiff.tape.tape import Tape
from tests.conftest import assert_close, comfortable_points, on_symbols, sympy_value, variable_values
from tests.expressions import exact_gradient, float_gradient, random_expression

x, y, z, t, w = (symbol(n) for n in "xyztw")

NETWORK = (
    "z1 = w11*x1 + w12*x2; z2 = w21*x1 + w22*x2; z3 = w31*x1 + w32*x2; "
    "h1 = tanh(z1); h2 = tanh(z2); h3 = tanh(z3); y = c1*h1 + c2*h2 + c3*h3; L = (y - t)^2"
)


def run_source(source: str, name: str, point: dict[str, Any]) -> Any:
    """Execute exported code and call its function at ``point``."""
    namespace: dict[str, Any] = {}
    exec(source, namespace)
    return namespace[name](**point)


def reference(expr: sp.Expr, names: list[str]) -> dict[str, sp.Expr]:
    """sympy.diff once per variable, distributional terms dropped (the classical derivative)."""
    result = {}
    for n in names:
        derivative = sp.diff(expr, symbol(n))
        result[n] = derivative.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
    return result


# -- the public contract -----------------------------------------------------------------------


def test_small_results_are_as_before() -> None:
    g = sd.gradient("a*b + c")
    assert g == {"a": symbol("b"), "b": symbol("a"), "c": 1} and repr(g) == "{'a': b, 'b': a, 'c': 1}"
    assert isinstance(g, sd.SymbolicGradient) and g.definitions == ()
    assert isinstance(sd.hessian("a*b + c"), sp.Matrix)
    assert sd.gradient("a*b + c", method="reverse") == g


def test_auto_uses_reverse_mode_above_the_threshold() -> None:
    assert sd.gradient(NETWORK).definitions  # 16 variables × 36 sub-expressions
    assert not sd.gradient(NETWORK, limits=Limits(reverse_ops=1000)).definitions
    assert sd.gradient("x*y*exp(x*y)", limits=Limits(reverse_ops=1)).definitions
    assert isinstance(sd.hessian(NETWORK, ["c1", "c2"]), sp.Matrix)  # 2 variables: small
    assert isinstance(sd.hessian(NETWORK), sd.SymbolicHessian)


def test_seed_network_reads_like_backpropagation() -> None:
    g = sd.gradient("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2", method="reverse")
    assert [d.name for d, _ in g.definitions] == ["h", "y", "v1", "v2", "v3"]
    assert g.to_text().splitlines() == [
        "h = tanh(w1*x)",
        "y = tanh(h*w2)",
        "v1 = -2t + 2y",
        "v2 = v1*(1 - y^2)",
        "v3 = v2*w2*(1 - h^2)",
        "∂L/∂t = -v1",
        "∂L/∂w1 = v3*x",
        "∂L/∂w2 = h*v2",
        "∂L/∂x = v3*w1",
    ]


# -- equal to sympy.diff -----------------------------------------------------------------------


@pytest.mark.parametrize("p", registry.PRIMITIVES, ids=[p.name for p in registry.PRIMITIVES])
def test_every_primitive_matches_sympy_diff(p: Primitive, rng: np.random.Generator) -> None:
    expr, names = on_symbols(p)
    g = sd.gradient(expr, names, method="reverse")
    expanded, expected = g.expand(), reference(expr, names)
    for point in (variable_values(p, pt) for pt in comfortable_points(p, rng, 5, vary_whole=False)):
        values = dict(zip(names, point, strict=True))
        exact = {symbol(k): v for k, v in values.items()}
        floats = run_source(g.to_source(), "gradient", values)
        for n in names:
            want = sympy_value(expected[n], exact)
            assert_close(sympy_value(expanded[n], exact), want, rtol=1e-30, atol=1e-30)
            assert_close(floats[n], want, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("seed", range(60))
def test_random_expressions_match_sympy_diff(seed: int) -> None:
    rng = np.random.default_rng(1000 + seed)
    expr = random_expression(rng, depth=4)
    names = sorted(s.name for s in expr.free_symbols)
    if not names:
        pytest.skip("constant expression")
    g = sd.gradient(expr, method="reverse")
    expected = reference(expr, names)
    point = {n: float(rng.uniform(-1.5, 1.5)) for n in names}
    exact = exact_gradient(expected, point)
    assert exact_gradient(g.expand(), point) == pytest.approx(exact, rel=1e-30, abs=1e-30)
    # The compact form evaluated in float64 (the exported code), within the conditioning of the problem.
    conditioning = float_gradient(expected, point)
    for n, value in run_source(g.to_source(), "gradient", point).items():
        allowed = 1e-12 * abs(exact[n]) + 16 * abs(mpmath.mpf(conditioning[n]) - exact[n]) + 1e-300
        assert abs(mpmath.mpf(value) - exact[n]) <= allowed, f"{expr} at {point}: {n}"


@pytest.mark.parametrize(
    "text",
    [
        "a*b + c",
        "x^2 sin(x)",
        "exp(x y) / (1 + x^2)",
        "sqrt(x^2 + y^2)",
        "sigmoid(w x + b)",
        "log(1 + exp(x)) - tanh(x y)^2",
        "h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2",
        "x^y + atan(x/y)",
        "max(x, y) * relu(x - 1)",
    ],
)
def test_symbolically_equal_on_small_cases(text: str) -> None:
    f = sd.parse(text)
    names = sorted(s.name for s in f.free_symbols)
    expanded, expected = sd.gradient(text, method="reverse").expand(), reference(f, names)
    for n in names:
        assert sp.simplify(expanded[n] - expected[n]) == 0, n


@pytest.mark.parametrize("seed", range(20))
def test_hessian_matches_sympy_hessian(seed: int) -> None:
    rng = np.random.default_rng(2000 + seed)
    expr = random_expression(rng, depth=3)
    names = sorted(s.name for s in expr.free_symbols)
    if not names:
        pytest.skip("constant expression")
    h = sd.hessian(expr, method="reverse")
    assert isinstance(h, sd.SymbolicHessian)
    expanded, expected = h.expand(), sp.hessian(expr, [symbol(n) for n in names])
    point = {n: float(rng.uniform(-1.5, 1.5)) for n in names}
    entries = [(i, j) for i in range(len(names)) for j in range(len(names))]
    actual = exact_gradient({f"{i},{j}": expanded[i, j] for i, j in entries}, point)
    want = exact_gradient({f"{i},{j}": expected[i, j] for i, j in entries}, point)
    assert actual == pytest.approx(want, rel=1e-30, abs=1e-30)
    assert h.matrix == h.matrix.T
    rows = run_source(h.to_source(), "hessian", point)
    for i, j in entries:
        assert_close(rows[i][j], want[f"{i},{j}"], rtol=1e-9, atol=1e-9)


def test_hessian_shares_definitions_with_its_gradient() -> None:
    h = sd.hessian("h = tanh(w*x); L = (h - t)^2", method="reverse")
    assert isinstance(h, sd.SymbolicHessian)
    assert h.definitions[0] == (symbol("h"), sp.tanh(w * x)) and h.gradient.definitions == h.definitions
    assert h.matrix[0, 0] == 2 and h.matrix[0, 1] == h.matrix[1, 0]
    expected = sp.hessian(sd.parse("(tanh(w*x) - t)^2"), (t, w, x))
    assert sp.simplify(h.expand() - expected) == sp.zeros(3, 3)
    assert sp.simplify(h.gradient.expand()["w"] - sd.diff("(tanh(w*x) - t)^2", "w")) == 0


# -- size ----------------------------------------------------------------------------------------


def test_network_gradient_is_a_few_times_the_loss() -> None:
    network = network_case(4, 8)  # the benchmark's network, smaller: 40 parameters
    loss, parameters = network.expression, [s for s in network.symbols if s.name[0] in "Wv"]
    names = [p.name for p in parameters]
    g = sd.gradient(loss, names, method="reverse")
    assert g.count_ops() <= 4 * sp.count_ops(loss)
    per_variable = sum(sp.count_ops(sp.diff(loss, p)) for p in parameters)
    assert per_variable > 5 * g.count_ops()  # what reverse mode avoids
    tape = Tape(loss)
    rng = np.random.default_rng(7)
    point = {n: float(v) for n, v in zip(tape.variables, rng.normal(size=len(tape.variables)), strict=True)}
    exported = run_source(g.to_source(), "gradient", point)
    expected = tape.gradient(point)
    for n in names:
        assert exported[n] == pytest.approx(expected[n], rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("weighted", [False, True])
def test_tanh_chain_is_at_most_four_times_the_function(weighted: bool) -> None:
    f: sp.Expr = x
    for k in range(1, 51):
        f = sp.tanh(symbol(f"w{k}") * f if weighted else f)
    g = sd.gradient(f, method="reverse")
    assert g.count_ops() <= 4 * sp.count_ops(f)
    point = dict.fromkeys(g.variables, 0.9)
    expected = Tape(f).gradient(point)
    exported = run_source(g.to_source(), "gradient", point)
    for n in g:
        assert exported[n] == pytest.approx(expected[n], rel=1e-12, abs=1e-300)


def test_long_sums_stay_linear() -> None:
    case = sum_case(300)
    g = sd.gradient(case.expression, method="reverse")
    assert g.definitions == () and g.count_ops() <= 2 * sp.count_ops(case.expression)
    x1, x2, x3 = case.symbols[:3]
    assert g["x2"] == x3 * sp.cos(x2) + sp.sin(x1) + sp.exp(x2 / 300) / 300


@pytest.mark.parametrize("seed", range(10))
def test_sums_of_contributions_are_what_sympy_builds(seed: int) -> None:
    """The sweep assembles sums itself when no terms combine; the result must be SymPy's own Add."""
    rng = np.random.default_rng(3000 + seed)
    pool = [random_expression(rng, depth=2) for _ in range(6)]
    pool += [sp.Rational(-3, 7), sp.Rational(1, 1000), sp.Float(0.25), -1, 2, sp.exp(x / 1000), sp.sin(y), z, x + y]
    for _ in range(40):
        count = int(rng.integers(2, 6))
        pairs = [(sp.sympify(pool[i]), sp.sympify(pool[j])) for i, j in rng.integers(len(pool), size=(count, 2))]
        expected = sp.Add(*(a * b for a, b in pairs))
        assert _total(pairs) == expected, pairs


# -- names ----------------------------------------------------------------------------------------


def test_definition_names_never_collide_with_variables() -> None:
    g = sd.gradient("exp(v1*v_2) * exp(v1*v_2)^2 + u3", method="reverse")
    assert g.definitions and all(re.fullmatch(r"q\d+", d.name) for d, _ in g.definitions if d.name != "f")
    assert sd.to_latex(g.definitions[0][0]).startswith("q_{")
    program = sd.gradient("v1 = exp(x*y); L = v1*v1 + v1", method="reverse")
    assert [d.name for d, _ in program.definitions] == ["v1", "u1"]  # the program's own name, and a fresh one


@pytest.mark.parametrize(
    "text",
    ["h = 2*x; L = h*sin(h)", "h = x; k = h; L = k*sin(k)*y", "b = x*y; a = x*y; c = a + b; L = c*sin(c) + a"],
)
def test_program_lines_that_compute_nothing_new(text: str) -> None:
    g = sd.gradient(text, method="reverse")
    defined = {d for d, _ in g.definitions}
    for value in [*g.values(), *(v for _, v in g.definitions)]:
        assert value.free_symbols <= defined | {symbol(n) for n in g.variables}, value
    f = sd.parse(text)
    expanded = g.expand()
    for n in g:
        assert sp.simplify(expanded[n] - sp.diff(f, symbol(n))) == 0


def test_expand_gives_plain_sympy_expressions() -> None:
    g = sd.gradient(NETWORK, method="reverse")
    expanded = g.expand()
    assert type(expanded) is dict and set(expanded) == set(g)
    defined = {d for d, _ in g.definitions}
    assert all(not (e.free_symbols & defined) for e in expanded.values())


# -- export ---------------------------------------------------------------------------------------


def test_source_is_readable_and_runs_on_arrays() -> None:
    g = sd.gradient("h = tanh(w*x); L = (h - t)^2", method="reverse")
    assert g.to_source() == (
        "import numpy as np\n"
        "\n"
        "\n"
        "def gradient(t, w, x):\n"
        "    h = np.tanh(w*x)\n"
        "    v1 = 2*h - 2*t\n"
        "    v2 = v1*(1 - h**2)\n"
        "    return {\n"
        '        "t": -v1,\n'
        '        "w": v2*x,\n'
        '        "x": v2*w,\n'
        "    }\n"
    )
    xs = np.linspace(-1, 1, 5)
    arrays = run_source(g.to_source(), "gradient", {"t": 0.3, "w": 0.5, "x": xs})
    np.testing.assert_allclose(arrays["w"], Tape("(tanh(w*x) - t)^2").per_sample_gradient(t=0.3, w=0.5, x=xs)["w"])


def test_source_defines_the_helpers_it_calls_and_broadcasts_constants() -> None:
    source = sd.gradient("a*sigmoid(b) + c", method="reverse").to_source()
    assert source.startswith("import numpy as np\n\n\ndef sigmoid(x):\n") and "symdiff" not in source
    assert "def relu" not in source and '"c": 1 + zero,' in source
    rows = run_source(source, "gradient", {"a": np.ones((2, 1)), "b": np.zeros(3), "c": 5.0})
    assert {n: np.shape(v) for n, v in rows.items()} == dict.fromkeys("abc", (2, 3))
    np.testing.assert_array_equal(rows["a"], np.full((2, 3), 0.5))
    scalars = run_source(source, "gradient", {"a": 1.0, "b": 0.0, "c": 5.0})
    assert all(np.shape(v) == () for v in scalars.values()) and scalars == {"a": 0.5, "b": 0.25, "c": 1.0}


_REAL_ARGUMENTS = [0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 1.5, -2.0, 3.0, 40.0, -40.0, 800.0, -800.0]
_REAL_ARGUMENTS += [float("inf"), -float("inf"), float("nan")]


@pytest.mark.parametrize("p", registry.PRIMITIVES, ids=[p.name for p in registry.PRIMITIVES])
def test_every_function_is_exported_with_the_registry_conventions(p: Primitive) -> None:
    """The exported code's version of each primitive equals the registry's NumPy one (heaviside(0) = 1/2, nan, ±inf)."""
    if p.infix is not None or p.name == "pow":
        pytest.skip("an operator: Python's own")
    node, names = on_symbols(p, ["y", "z"])
    source = sd.gradient(x * node, ["x"], method="reverse").to_source()
    assert "symdiff" not in source
    grid = np.array(np.meshgrid(*[_REAL_ARGUMENTS] * len(names))).reshape(len(names), -1)
    whole = {w.position: w.examples[0] for w in p.whole}
    arguments = iter(grid)
    full = [np.full(grid.shape[1], float(whole[i])) if i in whole else next(arguments) for i in range(p.arity)]
    with np.errstate(all="ignore"):
        expected = np.asarray(p.implementation("numpy")(*full), dtype=float)
        arrays = run_source(source, "gradient", {"x": 1.0, **dict(zip(names, grid, strict=True))})["x"]
        scalars = [
            run_source(source, "gradient", {"x": 1.0, **dict(zip(names, map(float, args), strict=True))})["x"]
            for args in grid.T
        ]
    same = np.testing.assert_array_equal
    if not p.numpy_source.exact:  # type: ignore[union-attr]
        # NumPy alone approximates what the registry computes with mpmath: as close, nan and ±inf where it has them
        same = functools.partial(np.testing.assert_allclose, rtol=1e-11, atol=1e-300)  # type: ignore[assignment]
    same(arrays, expected)
    assert all(np.shape(v) == () for v in scalars)
    same(np.array(scalars, dtype=float), expected)


def test_source_is_what_the_registry_says() -> None:
    """The exporter reads each function's NumPy source from its registry entry, and refuses one without."""
    source = sd.gradient(y * (sp.acos(x) + sp.sec(x) + sp.erf(x)), ["y"], method="reverse").to_source()
    assert source.startswith("import numpy as np\nimport math\n\n\ndef erf(x):\n")
    assert "np.arccos(x)" in source and "np.acos" not in source  # np.acos is new in NumPy 2.0
    sec = registry.primitive("sec")
    original = sec.numpy_source
    assert original is not None and f"def sec(x):\n    {original.helper[0]}\n" in source
    object.__setattr__(sec, "numpy_source", None)  # the entry is frozen: as if it had none
    try:
        with pytest.raises(sd.SymdiffError, match="cannot write sec as NumPy source"):
            sd.gradient(y * sp.sec(x), ["y"], method="reverse").to_source()
    finally:
        object.__setattr__(sec, "numpy_source", original)


_RUN_EXPORTED = """
import json, sys
import numpy as np
job = json.load(sys.stdin)
results = []
for source, name, point in job:
    namespace = {}
    exec(source, namespace)
    value = namespace[name](**{k: np.array(v) if isinstance(v, list) else v for k, v in point.items()})
    entries = list(value.values()) if isinstance(value, dict) else [e for row in value for e in row]
    results.append([[list(np.shape(e)), np.ravel(e).tolist()] for e in entries])
assert "symdiff" not in sys.modules
print(json.dumps(results))
"""

_ACTIVATIONS = (
    "z1 = w1*x + b; z2 = w2*x - b; h1 = tanh(z1); h2 = sigmoid(z2); h3 = relu(z1 - z2); h4 = softplus(z2); "
    "y = c1*h1 + c2*h2 + h3*h4 + abs(c1 - c2)*max(h1, h2); L = (y - t)^2"
)


def test_exported_source_runs_without_symdiff() -> None:
    """Gradient and Hessian source run where only NumPy is importable, on scalars and arrays, as sympy.diff says."""
    g = sd.gradient(_ACTIVATIONS, method="reverse")
    wrt = ["w1", "c2", "x"]
    h = sd.hessian(_ACTIVATIONS, wrt, method="reverse")
    assert isinstance(h, sd.SymbolicHessian) and g.definitions
    names = list(g.variables)
    scalar = dict(zip(names, [0.3, -0.8, 1.1, 0.25, 0.7, 1.3, -0.6], strict=True))
    arrays = {**scalar, "x": [0.4, -1.2, 1.5], "t": [[0.1], [-0.5]]}  # broadcast shape (2, 3)
    jobs = [
        (source, fname, point)
        for point in (scalar, arrays)
        for source, fname in ((g.to_source(), "gradient"), (h.to_source(), "hessian"))
    ]
    run = subprocess.run(
        [sys.executable, "-c", _RUN_EXPORTED], input=json.dumps(jobs), capture_output=True, text=True, check=True
    )
    results = json.loads(run.stdout)
    f = sd.parse_program(_ACTIVATIONS).expression
    first = reference(f, names)
    second = [reference(first[a], [b])[b] for a in wrt for b in wrt]
    for (_, fname, point), entries in zip(jobs, results, strict=True):
        expected = [first[n] for n in g] if fname == "gradient" else second
        shape = (2, 3) if point is arrays else ()
        for k, (entry_shape, values) in enumerate(entries):
            assert tuple(entry_shape) == shape, (fname, k)
            for flat, value in enumerate(values):
                index = np.unravel_index(flat, shape)
                at = {symbol(n): float(np.broadcast_to(v, shape)[index]) for n, v in point.items()}
                assert_close(value, sympy_value(expected[k], at), rtol=1e-12, atol=1e-15)


def test_source_refuses_names_python_cannot_use() -> None:
    with pytest.raises(sd.SymdiffError, match="is a Python keyword"):  # refused on the way in
        sd.gradient(sp.Symbol("lambda") * x, method="reverse").to_source()
    with pytest.raises(sd.SymdiffError, match="also a function or module"):
        sd.gradient(sp.Symbol("sigmoid") * sd.sigmoid(x), method="reverse").to_source()
    with pytest.raises(sd.SymdiffError, match="also a function or module"):
        sd.gradient(sp.Symbol("np") * x, method="reverse").to_source()
    with pytest.raises(sd.SymdiffError, match="not a usable Python name"):
        sd.gradient("x*y").to_source(name="import")
    assert (
        "def gradient(e, pi, tanh, x)"
        in sd.gradient(sp.Symbol("e") * sp.Symbol("pi") * sp.Symbol("tanh") * sp.tanh(x)).to_source()
    )


def test_latex_is_one_aligned_block() -> None:
    g = sd.gradient(NETWORK, method="reverse")
    latex = g.to_latex()
    rows = latex.removeprefix("\\begin{aligned}\n").removesuffix("\n\\end{aligned}").split(" \\\\\n")
    assert latex.startswith("\\begin{aligned}\n") and latex.endswith("\n\\end{aligned}")
    assert len(rows) == len(g.definitions) + len(g) and all(row.count("&=") == 1 for row in rows)
    assert rows[0] == "z_{1} &= w_{11} x_{1} + w_{12} x_{2}"
    assert any(row.startswith("v_{1} &= ") for row in rows)
    assert rows[-1].startswith(r"\frac{\partial L}{\partial x_{2}} &= ")
    assert latex.count("{") == latex.count("}")
    h = sd.hessian(NETWORK, ["c1", "c2", "x1"], method="reverse")
    assert isinstance(h, sd.SymbolicHessian)
    assert h.to_latex().endswith("\\end{matrix}\\right)\n\\end{aligned}")


# -- command line -----------------------------------------------------------------------------------


def test_cli_writes_definitions_first_when_large(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([NETWORK]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1:4] == ["z1 = w11*x1 + w12*x2", "z2 = w21*x1 + w22*x2", "z3 = w31*x1 + w32*x2"]
    assert "y = c1*h1 + c2*h2 + c3*h3" in lines  # every line of the program, as written
    assert "∂L/∂w11 = v4*x1" in lines and "∂L/∂c1 = h1*v1" in lines
    assert cli.main([NETWORK, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["definitions"][0] == {
        "name": "z1",
        "expression": "w11*x1 + w12*x2",
        "latex": "w_{11} x_{1} + w_{12} x_{2}",
    }
    assert {"wrt": ["c1"], "expression": "h1*v1", "latex": "h_{1} v_{1}"} in data["derivatives"]
    assert cli.main([NETWORK, "--wrt", "w11"]) == 0  # one variable: written in full, as before
    assert "v1" not in capsys.readouterr().out


def test_cli_hessian_shares_the_definitions(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main([NETWORK, "--hessian", "--wrt", "c1"]) == 0
    out = capsys.readouterr().out
    assert "∂L/∂c1 = " in out and "Hessian of L" in out
    defined = {line.split(" = ")[0] for line in out.splitlines()[1:] if re.fullmatch(r"\w+ = .*", line)}
    used = set(re.findall(r"\bv\d+\b", out))
    assert used <= defined


# -- errors and limits ---------------------------------------------------------------------------


def test_errors_are_symdiff_errors() -> None:
    with pytest.raises(sd.SymdiffError, match="method must be"):
        sd.gradient("x", method="forward")  # type: ignore[arg-type]
    with pytest.raises(sd.LimitError, match="max_ops"):
        sd.hessian(NETWORK, method="reverse", limits=Limits(max_ops=100))
    with pytest.raises(sd.LimitError, match="max_ops"):
        sd.gradient(NETWORK, method="reverse", limits=Limits(max_ops=10))


# -- the graph it runs on --------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["-2*x*y/z", "x*y/(z*w)", "-x/(y + 1)^2", "max(x, y, z) - 3*x*y"])
def test_every_node_expression_is_the_value_it_computes(text: str) -> None:
    graph = lower(text)
    point = {"x": 0.3, "y": -1.1, "z": 0.7, "w": 1.9}
    values = forward(graph, [point[n] for n in graph.inputs])
    for value, expr in zip(values, graph.expressions, strict=True):
        if expr is not None:
            assert float(expr.subs({symbol(k): v for k, v in point.items()})) == pytest.approx(float(value))


def test_lower_all_shares_sub_expressions() -> None:
    graph, outputs = lower_all([x * y, sp.sin(x * y), x])
    assert [graph.equation(i) for i in outputs] == ["v1 = x * y", "v2 = sin(v1)", "x"]
    assert len(graph.operations) == 2
