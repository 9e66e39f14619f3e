"""Every registry entry, checked against independent sources.

Parametrized over the registry: a primitive added tomorrow is tested by these the moment
it is added. Derivative rules are written independently of SymPy; here they meet
``sympy.diff`` and mpmath.
"""

from __future__ import annotations

import importlib
import math
import sys

import mpmath
import numpy as np
import pytest
import sympy as sp

from symdiff.language.parser import parse
from symdiff.primitives import registry, special
from symdiff.primitives.primitive import Primitive
from symdiff.render.gradient import helper_source
from tests.conftest import assert_close, comfortable_points, sympy_value

PRIMITIVES = registry.PRIMITIVES
IDS = [p.name for p in PRIMITIVES]
SYMBOLS = sp.symbols("a0 a1", real=True)


def _node(p: Primitive) -> tuple[sp.Expr, tuple[sp.Symbol, ...]]:
    """``p`` applied to symbols (a whole-number argument too: the points give it a value)."""
    args = SYMBOLS[: p.arity]
    return p.sympy(*args), args


def nondifferentiable_point(p: Primitive) -> tuple[float, ...]:
    """The registry's example of a point where ``p`` is not differentiable, one value per argument."""
    example = p.nondiff.example  # type: ignore[union-attr]
    return example if len(example) == p.arity else example * p.arity


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
def test_rules_match_sympy_diff(p: Primitive, rng: np.random.Generator) -> None:
    """Each partial rule, run on NumPy floats, equals sympy.diff to 1e-12 relative."""
    node, args = _node(p)
    m = registry.NAMESPACES["numpy"]
    for point in comfortable_points(p, rng, 25):
        values = dict(zip(args, point, strict=True))
        out = p.numpy(*map(np.float64, point))
        for i in p.variable_positions:
            expected = sympy_value(sp.diff(node, args[i]), values)
            actual = p.partials[i](m, *map(np.float64, point), out)
            assert_close(actual, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
@pytest.mark.parametrize("backend", ["scalar", "numpy", "mpmath"])
def test_implementations_match_sympy(p: Primitive, backend: str, rng: np.random.Generator) -> None:
    """The float, NumPy and mpmath implementations all compute the SymPy function."""
    node, args = _node(p)
    implementation = p.implementation(backend)  # type: ignore[arg-type]
    rtol = 1e-30 if backend == "mpmath" else 1e-13
    for point in comfortable_points(p, rng, 25):
        expected = sympy_value(node, dict(zip(args, point, strict=True)))
        with mpmath.workdps(40):
            inputs = [mpmath.mpf(v) for v in point] if backend == "mpmath" else list(point)
            if backend == "numpy":
                inputs = [np.float64(v) for v in point]
            actual = implementation(*inputs)
            error = abs(mpmath.mpf(actual) - expected)
        assert error <= rtol * max(abs(expected), 1e-15), f"{p.name}{point}: {actual} vs {expected}"


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
def test_symbolic_backend_rules_equal_sympy_diff(p: Primitive) -> None:
    """Run on SymPy symbols, each rule is the same function as SymPy's own derivative."""
    node, args = _node(p)
    m = registry.NAMESPACES["sympy"]
    examples = {w.position: w.examples[-1] for w in p.whole}
    point = {a: sp.Integer(examples[k]) if k in examples else sp.Rational(7, 5) + k for k, a in enumerate(args)}
    for i in p.variable_positions:
        ours = sp.sympify(p.partials[i](m, *args, node))
        theirs = sp.diff(node, args[i]).replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)
        if p.domain is None or np.all(p.domain(*[float(v) for v in point.values()])):
            assert abs(complex(sp.N((ours - theirs).xreplace(point), 30))) < 1e-25


@pytest.mark.parametrize("p", [p for p in PRIMITIVES if not p.analytic], ids=lambda p: p.name)
def test_non_analytic_primitives_say_where_they_are_not_differentiable(p: Primitive) -> None:
    assert p.nondiff is not None


@pytest.mark.parametrize("p", [p for p in PRIMITIVES if p.nondiff is not None], ids=lambda p: p.name)
def test_nondifferentiable_points_are_really_bad(p: Primitive) -> None:
    """At a point the registry marks, the two one-sided slopes differ or are infinite."""
    args = nondifferentiable_point(p)
    assert np.all(p.nondiff.where(*args))  # type: ignore[union-attr]
    f = p.mpmath
    with mpmath.workdps(50):
        h = mpmath.mpf("1e-20")
        x = [mpmath.mpf(a) for a in args]
        base = f(*x)
        right = (f(*[x[0] + h, *x[1:]]) - base) / h
        left = (base - f(*[x[0] - h, *x[1:]])) / h
        finite = [abs(s) < 1e10 for s in (left, right) if not isinstance(s, mpmath.mpc)]
        differ = len(finite) < 2 or not all(finite) or abs(left - right) > 1e-6
    assert differ, f"{p.name} looks differentiable at {args}: {left} {right}"


def test_every_text_name_parses_to_its_primitive() -> None:
    primitives = registry.text_primitives()
    for name, (_builder, fewest, _most) in registry.text_functions().items():
        whole = {w.position: w.examples[0] for w in primitives[name].whole} if name in primitives else {}
        args = ", ".join(str(whole[i]) if i in whole else f"x{i}" for i in range(fewest))
        expr = parse(f"{name}({args})")
        assert expr.free_symbols, name


def test_names_are_unique_and_valid_identifiers() -> None:
    names = [n for p in PRIMITIVES for n in (p.name, *p.aliases)] + [m.name for m in registry.MACROS]
    assert len(names) == len(set(names))
    assert all(n.isidentifier() for n in names)


@pytest.mark.parametrize("p", [p for p in PRIMITIVES if p.sympy_class is not None], ids=lambda p: p.name)
def test_sympy_classes_map_back_to_their_primitive(p: Primitive) -> None:
    node, _ = _node(p)
    assert registry.for_sympy_node(node) is p


def test_scalar_implementations_never_hide_nan() -> None:
    """A nan argument gives nan (the tape's float path relies on this to fall back)."""
    for p in PRIMITIVES:
        args = (math.nan,) * p.arity
        try:
            value = p.scalar(*args)
        except (ValueError, ArithmeticError):
            continue
        assert math.isnan(value), p.name


def test_kink_conventions_are_the_symmetric_derivative() -> None:
    """At a corner the rules give the average of the one-sided slopes."""
    m = registry.NAMESPACES["scalar"]
    assert registry.primitive("abs").partials[0](m, 0.0, 0.0) == 0.0
    assert registry.primitive("relu").partials[0](m, 0.0, 0.0) == 0.5
    maximum = registry.primitive("max")
    assert maximum.partials[0](m, 1.0, 1.0, 1.0) == maximum.partials[1](m, 1.0, 1.0, 1.0) == 0.5


def test_complex_inputs_for_analytic_primitives() -> None:
    """Analytic primitives accept complex arrays (complex-step differentiation needs it)."""
    m = registry.NAMESPACES["numpy"]
    h = 1e-200
    for p in PRIMITIVES:
        if not p.analytic or p.arity != 1:
            continue
        x = 0.5 if p.domain is None or np.all(p.domain(0.5)) else 1.5
        if p.domain is not None and not np.all(p.domain(x)):
            continue
        out = p.numpy(np.array([x + 1j * h]))
        slope = out.imag[0] / h
        expected = float(p.partials[0](m, np.float64(x), p.numpy(np.float64(x))))
        assert slope == pytest.approx(expected, rel=1e-12), p.name


# Names NumPy 2.0 added as aliases (np.acos for np.arccos): exported code may run on NumPy 1.x.
_NUMPY_2_ALIASES = {"acos", "acosh", "asin", "asinh", "atan", "atanh", "atan2", "pow", "bitwise_invert"}


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
def test_every_function_says_how_exported_numpy_code_writes_it(p: Primitive) -> None:
    """No primitive without its NumPy source: to_source() of a gradient using it could not be written."""
    if p.infix is not None or p.name == "pow":
        assert p.numpy_source is None  # an operator: Python writes it itself
        return
    source = p.numpy_source
    assert source is not None, f"{p.name} has no numpy_source: exported gradients cannot call it"
    assert all(module in sys.stdlib_module_names for module in source.imports)
    if source.call:
        module, _, name = source.call.partition(".")
        assert module == "np" and callable(getattr(np, name, None)) and name not in _NUMPY_2_ALIASES
        assert not source.imports
        return
    namespace: dict[str, object] = {"np": np, **{m: importlib.import_module(m) for m in source.imports}}
    exec(helper_source(p), namespace)  # what the exported code defines: it must at least compile and run
    with np.errstate(all="ignore"):
        arguments = [np.array([0.5, -2.0]) if i in p.variable_positions else 1.0 for i in range(p.arity)]
        assert np.shape(namespace[p.name](*arguments)) == (2,)


KINKED = [p for p in PRIMITIVES if p.nondiff is not None and p.nondiff.branch is not None]


@pytest.mark.parametrize("p", KINKED, ids=[p.name for p in KINKED])
def test_each_branch_is_the_primitive_on_its_side_of_the_kink(p: Primitive, rng: np.random.Generator) -> None:
    """abs(u) is side·u where u has that side's sign; max(a, b) is a where a > b: checked at random points."""
    assert p.nondiff is not None and p.nondiff.switch is not None and p.nondiff.branch is not None
    node, args = _node(p)
    switch = p.nondiff.switch(*args)
    for side in (-1, 1):
        branch = sp.sympify(p.nondiff.branch(side, *args))
        checked = 0
        for point in rng.normal(0, 3, size=(200, p.arity)):
            values = dict(zip(args, map(float, point), strict=True))
            if float(switch.subs(values)) * side <= 0:
                continue
            assert_close(sympy_value(branch, values), sympy_value(node, values), rtol=1e-13, atol=1e-15)
            checked += 1
        assert checked > 20


@pytest.mark.parametrize("n", [0, 1, 2, 5])
@pytest.mark.parametrize("x", [-0.3, -2.5, -40.7, -123456789.25, -1e15 - 0.5])
def test_polygamma_left_of_zero_obeys_the_recurrence(n: int, x: float) -> None:
    """ψ⁽ⁿ⁾(x + 1) = ψ⁽ⁿ⁾(x) + (−1)ⁿ n!/xⁿ⁺¹, checked with mpmath where it can still step (|x| small)."""
    polygamma = registry.primitive("polygamma").mpmath
    with mpmath.workdps(40):
        x_ = mpmath.mpf(x)
        left, right = polygamma(n, x_), polygamma(n, x_ + 1)
        step = (-1) ** n * mpmath.factorial(n) / x_ ** (n + 1)
        assert abs(right - left - step) <= mpmath.mpf(10) ** -30 * (abs(left) + abs(step))
        if abs(x) < 100:
            assert abs(left - mpmath.polygamma(n, x_)) <= mpmath.mpf(10) ** -35 * abs(left)
    assert math.isnan(registry.primitive("polygamma").scalar(n, -1e300))  # a whole number: a pole


@pytest.mark.parametrize("name", sorted(special.FLOAT))
def test_remembered_special_values_are_the_values_at_those_floats(name: str) -> None:
    # The float wrappers remember their results (an enclosure asks for the same ends again and
    # again); a remembered value must be the one mpmath gives at exactly those floats, signed zero included.
    f, mp = special.FLOAT[name], special.MP[name]
    firsts = [0.0, -0.0, 0.5, -0.5, 1e-300, -1e-300, 3.0, -2.5, 30.0]
    seconds = {"polygamma": [0, 1, 3], "binomial": [0.5, 2.0, -0.0], "lambertw": [0, -1]}.get(name)
    cases = [(a,) for a in firsts] if seconds is None else [(a, b) for a in firsts for b in seconds]
    for args in cases:
        if name == "polygamma":
            args = args[::-1]  # polygamma(n, x)
        for _ in range(2):  # computed, then remembered
            got = f(*args)
            with mpmath.workdps(special.SPARE_DIGITS):
                try:
                    value = mp(*(mpmath.mpf(a) for a in args))
                    expected = float(value.real) if isinstance(value, mpmath.mpc) and value.imag == 0 else float(value)
                except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):
                    expected = math.nan
            assert (got == expected and math.copysign(1, got) == math.copysign(1, expected)) or (
                math.isnan(got) and math.isnan(expected)
            ), (name, args, got, expected)
