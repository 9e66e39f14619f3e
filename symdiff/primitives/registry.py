"""The registry: the one place that knows each primitive.

Every primitive (sin, exp, log, tanh, sigmoid, relu, abs, max, …, and the arithmetic
operators) is one ``Primitive`` entry below: its SymPy constructor, its float, NumPy and
mpmath implementations, its derivative rules (written independently of SymPy), whether it
is analytic, where it is not differentiable, its domain and its names. The parser, the tape,
finite differences and the step renderer all read this table; none of them names a
function. Adding a function means adding one entry here. The NumPy source that exported
gradients carry (``SymbolicGradient.to_source()``) comes from here too: each entry's
``numpy_source`` says which NumPy function to call, or which small helper to define inline.

Conventions at non-differentiable points (documented in docs/conventions.md): the value
returned is the *symmetric derivative*, the average of the two one-sided slopes, which is
also what a central difference sees: abs'(0) = 0, relu'(0) = 1/2, max'(a, b) = 1/2 at a tie.
At a jump (sign, heaviside at 0) the rule returns 0, as every autodiff framework does.
"""

from __future__ import annotations

import cmath
import dataclasses
import functools
import math
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType, SimpleNamespace
from typing import TYPE_CHECKING, Any

import mpmath
import sympy as sp

from ..errors import SymdiffError
from . import functions, intervals, special
from .arrays import ARRAY_PRIMITIVES, ArrayPrimitive
from .lazy import NumpyFunction, numpy_module
from .primitive import (
    BACKENDS,
    Backend,
    FrameworkSource,
    Macro,
    NonDifferentiable,
    NumpySource,
    Primitive,
    WholeArgument,
    build_namespace,
)

if TYPE_CHECKING:
    import numpy as np
else:
    np = numpy_module()  # imported when a number is first computed: reading the table needs no NumPy

# ---------------------------------------------------------------------------------------
# Implementations that the math / numpy / mpmath modules do not provide directly.
# Float versions may raise on a domain error (the tape then falls back to NumPy, which
# returns inf/nan); none may turn a nan into a number.
# ---------------------------------------------------------------------------------------


def _s_sigmoid(x: float) -> float:
    e = math.exp(-abs(x))  # never overflows
    return 1.0 / (1.0 + e) if x >= 0 else e / (1.0 + e)


def _np_sigmoid(x: Any) -> Any:
    if np.iscomplexobj(x):
        return 1.0 / (1.0 + np.exp(-x))
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))[()]


def _s_softplus(x: float) -> float:
    return max(x, 0.0) + math.log1p(math.exp(-abs(x)))


def _np_softplus(x: Any) -> Any:
    return np.log1p(np.exp(x)) if np.iscomplexobj(x) else np.logaddexp(0.0, x)


def _s_step(x: float) -> float:
    if x > 0:
        return 1.0
    if x < 0:
        return 0.0
    return 0.5 if x == 0 else x  # x is nan


def _np_step(x: Any) -> Any:
    # np.heaviside(x, 0.5), twice as fast (it is relu's derivative on every backward sweep):
    # 0, 1/2 at 0, 1, and nan for nan, from the sign, in place.
    step = np.sign(x) + 1.0
    step *= 0.5
    return step


def _s_sign(x: float) -> float:
    if x > 0:
        return 1.0
    if x < 0:
        return -1.0
    return 0.0 if x == 0 else x  # x is nan


def _s_max(a: float, b: float) -> float:
    if a >= b:
        return a
    return b if b > a else a + b  # a + b is nan when either is


def _s_min(a: float, b: float) -> float:
    if a <= b:
        return a
    return b if b < a else a + b


def _s_cbrt(x: float) -> float:
    return math.copysign(abs(x) ** (1.0 / 3.0), x)


def _np_cbrt(x: Any) -> Any:
    if np.iscomplexobj(x):
        # The analytic continuation of the real cube root on either side of 0.
        return np.where(x.real >= 0, x ** (1.0 / 3.0), -((-x) ** (1.0 / 3.0)))[()]
    return np.cbrt(x)


def _complex_erf(z: complex) -> complex:
    # Complex step puts a 1e-200 imaginary part on a real x: keep enough digits to resolve it.
    z = complex(z)
    if not cmath.isfinite(z):  # erf(±inf + iy) = ±1 for finite y; nan otherwise
        return complex(math.erf(z.real), 0.0) if math.isfinite(z.imag) and not math.isnan(z.real) else cmath.nan
    # Logarithms, not the ratio itself: |x|/|h| overflows at x = 1e308, h = 1e-200.
    digits = math.log10(abs(z.real)) - math.log10(abs(z.imag)) if z.imag and z.real else 0.0
    with mpmath.workdps(20 + max(0, int(digits))):
        return complex(mpmath.erf(mpmath.mpc(z)))


@functools.cache
def _elementwise(f: Callable[[Any], Any]) -> Any:
    """``f`` applied to each element of an array (a NumPy ufunc, made once, on first use)."""
    return np.frompyfunc(f, 1, 1)


def _np_erf(x: Any) -> Any:
    # NumPy has no erf; math.erf per element is exact to an ulp (SciPy is not a dependency).
    if np.iscomplexobj(x):
        return np.asarray(_elementwise(_complex_erf)(x), dtype=complex)[()]
    return np.asarray(_elementwise(math.erf)(x), dtype=float)[()]


def _mp_div(a: Any, b: Any) -> Any:
    if b == 0:
        return mpmath.nan if (a == 0 or mpmath.isnan(a)) else mpmath.inf * mpmath.sign(a)
    return a / b


def _mp_pow(a: Any, b: Any) -> Any:
    if a == 0 and b < 0:
        return mpmath.inf
    return mpmath.power(a, b)


def _mp_inverse(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """f(1/x), e.g. acot(x) = atan(1/x), with 1/0 taken as +inf."""
    return lambda x: f(mpmath.inf if x == 0 else 1 / x)


def _mp_reciprocal(f: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """1/f(x), e.g. cot(x) = 1/tan(x), with 1/0 taken as +inf."""

    def reciprocal(x: Any) -> Any:
        return _mp_div(mpmath.mpf(1), f(x))

    return reciprocal


def _mp_step(x: Any) -> Any:
    if mpmath.isnan(x):
        return x
    return mpmath.mpf(1) if x > 0 else mpmath.mpf(0) if x < 0 else mpmath.mpf(0.5)


def _mp_relu(x: Any) -> Any:
    return x if (mpmath.isnan(x) or x > 0) else mpmath.mpf(0)


def _mp_max(a: Any, b: Any) -> Any:
    return a + b if (mpmath.isnan(a) or mpmath.isnan(b)) else max(a, b)


def _mp_min(a: Any, b: Any) -> Any:
    return a + b if (mpmath.isnan(a) or mpmath.isnan(b)) else min(a, b)


def _mp_sigmoid(x: Any) -> Any:
    return 1 / (1 + mpmath.exp(-x))


def _mp_softplus(x: Any) -> Any:
    return mpmath.log1p(mpmath.exp(x))


def _mp_cbrt(x: Any) -> Any:
    return mpmath.sign(x) * mpmath.cbrt(abs(x))


# ---------------------------------------------------------------------------------------
# Predicates on NumPy arrays: where a primitive is non-differentiable or defined.
# ---------------------------------------------------------------------------------------


def _log(x: sp.Expr, base: sp.Expr | None = None) -> sp.Expr:
    """ln(x), or log(x, b) = ln(x)/ln(b). A numeric base must be real, positive and not 1: SymPy
    takes log(x, -2) as ln(x)/(ln(2) + iπ), a complex function, and log(x, 0) as 0."""
    if base is None:
        return sp.log(x)
    if base.is_number:
        value = base.evalf(15)
        if not (value.is_extended_real and value > 0) or base == 1:
            raise ValueError(f"the base of a logarithm must be positive and not 1, got {base}")
    return sp.log(x, base)


def _at_zero(x: Any) -> Any:
    return np.asarray(x) == 0


def _nonzero(x: Any) -> Any:
    return np.asarray(x) != 0


def _not_a_pole(x: Any) -> Any:
    """Off the poles of Γ: x is not 0, -1, -2, …"""
    x = np.asarray(x)
    return (x > 0) | (x != np.floor(x))


def _abs_le_1(x: Any) -> Any:
    return np.abs(x) <= 1


def _abs_ge_1(x: Any) -> Any:
    return np.abs(x) >= 1


def _pow_domain(a: Any, b: Any) -> Any:
    a, b = np.asarray(a), np.asarray(b)
    integral = b == np.round(b)
    return (a > 0) | ((a == 0) & (b >= 0)) | ((a < 0) & integral)


def _exactly_zero(value: Any) -> bool:
    """Is ``value`` a single number that is exactly 0? (An array of several, or generated code, is not one.)"""
    try:
        return bool(value == 0)
    except (TypeError, ValueError):
        return False


def _pow_exponent_partial(m: Any, a: Any, b: Any, out: Any) -> Any:
    """∂(a^b)/∂b = log(a)·a^b. With the base exactly 0, a^b is locally constant (0 where b > 0),
    so the slope is 0 there, not log(0)·0 = nan; out·0 keeps it nan where 0^b is infinite (b < 0)."""
    if _exactly_zero(a):
        return out * 0
    return m.log(a) * out


def _pow_vertical(a: Any, b: Any) -> Any:
    a, b = np.asarray(a), np.asarray(b)
    return (a == 0) & (b < 1) & (b > 0) & (b != np.round(b))


_IN_UNIT = intervals.within(-1, 1, closed=True)
_INSIDE_UNIT = intervals.within(-1, 1, closed=False)
_OUT_UNIT = intervals.outside(-1, 1, closed=True)
_OUTSIDE_UNIT = intervals.outside(-1, 1, closed=False)

CORNER_AT_0 = NonDifferentiable(_at_zero, "corner", "corner at 0")
JUMP_AT_0 = NonDifferentiable(_at_zero, "jump", "jump at 0")


def _branches(kink: NonDifferentiable, branch: Callable[..., Any], switch: Callable[..., Any] | None = None) -> Any:
    """``kink`` with the branches on either side of it (see ``NonDifferentiable``); the switch is the argument."""
    return dataclasses.replace(kink, branch=branch, switch=switch or (lambda u: u))


def _step_branch(side: int, u: Any) -> Any:
    return sp.S.One if side > 0 else sp.S.Zero


def _acot_branch(side: int, u: Any) -> Any:
    """acot(u) = atan(1/u): π/2 - atan(u) for u > 0 and -π/2 - atan(u) for u < 0 (acot(0) = π/2)."""
    return sp.pi / 2 * side - sp.atan(u)


VERTICAL_AT_0 = NonDifferentiable(_at_zero, "vertical", "vertical tangent at 0")
VERTICAL_AT_1 = NonDifferentiable(lambda x: np.abs(x) == 1, "vertical", "vertical tangent at ±1", example=(1.0,))
JUMP_AT_INTEGERS = NonDifferentiable(
    lambda x: np.asarray(x) == np.floor(x), "jump", "jump at every integer", example=(1.0,)
)
TIE = NonDifferentiable(lambda a, b: np.asarray(a) == np.asarray(b), "corner", "tie between the two arguments")


def _tie(larger: bool) -> NonDifferentiable:
    """max (``larger``) or min of a and b: a on one side of a = b, b on the other."""
    return _branches(TIE, lambda side, a, b: a if (side > 0) == larger else b, lambda a, b: a - b)


# ---------------------------------------------------------------------------------------
# The table.
# ---------------------------------------------------------------------------------------


def _fn(
    name: str,
    *,
    sympy_class: Any,
    scalar: Callable[..., Any],
    numpy: Callable[..., Any],
    mpmath: Callable[..., Any],
    derivative: Callable[..., Any],
    latex: str | None = None,
    **options: Any,
) -> Primitive:
    """A function of one argument, a SymPy ``sympy_class`` node; ``options`` as for ``Primitive``."""
    return Primitive(
        name=name,
        arity=1,
        sympy=options.pop("sympy", sympy_class),
        scalar=scalar,
        numpy=numpy,
        mpmath=mpmath,
        partials=(derivative,),
        sympy_class=sympy_class,
        latex=latex if latex is not None else rf"\operatorname{{{name}}}",
        **options,
    )


def _op(
    name: str,
    infix: str,
    *,
    sympy: Callable[..., Any],
    scalar: Callable[..., Any],
    numpy: Any,
    mpmath: Callable[..., Any],
    partials: tuple[Callable[..., Any], ...],
    **options: Any,
) -> Primitive:
    """An arithmetic operator: written infix in code, listings and text; ``options`` as for ``Primitive``."""
    return Primitive(
        name=name,
        arity=len(partials),
        sympy=sympy,
        scalar=scalar,
        numpy=numpy,
        mpmath=mpmath,
        partials=partials,
        infix=infix,
        symbol=infix,
        **options,
    )


PRIMITIVES: tuple[Primitive, ...] = (
    # Arithmetic. SymPy keeps a - b as a + (-1)*b and a/b as a*b**-1; the tape reads them back
    # as sub and div so that a listing looks like what the person wrote.
    _op(
        "add",
        "+",
        sympy=operator.add,
        scalar=operator.add,
        numpy=NumpyFunction("add"),
        mpmath=operator.add,
        partials=(lambda m, a, b, out: 1, lambda m, a, b, out: 1),
        noun="the sum",
        interval=intervals.add,
    ),
    _op(
        "sub",
        "-",
        sympy=operator.sub,
        scalar=operator.sub,
        numpy=NumpyFunction("subtract"),
        mpmath=operator.sub,
        partials=(lambda m, a, b, out: 1, lambda m, a, b, out: -1),
        noun="the difference",
        interval=intervals.sub,
    ),
    _op(
        "mul",
        "*",
        sympy=operator.mul,
        scalar=operator.mul,
        numpy=NumpyFunction("multiply"),
        mpmath=operator.mul,
        partials=(lambda m, a, b, out: b, lambda m, a, b, out: a),
        noun="the product",
        interval=intervals.mul,
    ),
    _op(
        "div",
        "/",
        sympy=operator.truediv,
        scalar=operator.truediv,
        numpy=NumpyFunction("divide"),
        mpmath=_mp_div,
        partials=(lambda m, a, b, out: 1 / b, lambda m, a, b, out: -out / b),
        domain=lambda a, b: _nonzero(b),
        noun="the quotient",
        interval=intervals.div,
    ),
    _op(
        "neg",
        "-",
        sympy=operator.neg,
        scalar=operator.neg,
        numpy=NumpyFunction("negative"),
        mpmath=operator.neg,
        partials=(lambda m, a, out: -1,),
        interval=intervals.neg,
        noun="the negation",
    ),
    Primitive(
        name="pow",
        arity=2,
        sympy=sp.Pow,
        scalar=math.pow,
        numpy=NumpyFunction("power"),
        mpmath=_mp_pow,
        partials=(lambda m, a, b, out: b * a ** (b - 1), _pow_exponent_partial),
        sympy_class=sp.Pow,
        symbol="^",
        latex="^",
        nondiff=NonDifferentiable(_pow_vertical, "vertical", "vertical tangent at 0", example=(0.0, 0.5)),
        domain=_pow_domain,
        noun="the power",
        interval=intervals.power,
        frameworks=FrameworkSource("torch.pow(a, b)", "jnp.power(a, b)"),
    ),
    Primitive(
        name="sqrt",
        arity=1,
        sympy=sp.sqrt,
        scalar=math.sqrt,
        numpy=NumpyFunction("sqrt"),
        mpmath=mpmath.sqrt,
        partials=(lambda m, x, out: 0.5 / out,),
        symbol="√",
        latex=r"\sqrt",
        nondiff=VERTICAL_AT_0,
        domain=lambda x: np.asarray(x) >= 0,
        noun="the square root",
        interval=intervals.increasing(intervals.EXACT, domain=intervals.nonnegative, smooth=intervals.positive),
        numpy_source=NumpySource("np.sqrt"),
        frameworks=FrameworkSource("torch.sqrt(x)", "jnp.sqrt(x)"),
    ),
    _fn(
        "cbrt",
        sympy_class=functions.cbrt,
        scalar=getattr(math, "cbrt", _s_cbrt),
        numpy=_np_cbrt,
        mpmath=_mp_cbrt,
        derivative=lambda m, x, out: 1 / (3 * out**2),
        symbol="∛",
        latex=r"\sqrt[3]",
        nondiff=VERTICAL_AT_0,
        noun="the cube root",
        interval=intervals.increasing(4, smooth=intervals.away_from_zero),
        # The registry's _np_cbrt differs from np.cbrt only on complex numbers (complex step).
        numpy_source=NumpySource("np.cbrt"),
        frameworks=FrameworkSource("torch.sign(x) * torch.abs(x) ** (1 / 3)", "jnp.cbrt(x)"),
    ),
    _fn(
        "exp",
        sympy_class=sp.exp,
        scalar=math.exp,
        numpy=NumpyFunction("exp"),
        mpmath=mpmath.exp,
        derivative=lambda m, x, out: out,
        latex=r"\exp",
        noun="the exponential function",
        interval=intervals.increasing(1),
        numpy_source=NumpySource("np.exp"),
        frameworks=FrameworkSource("torch.exp(x)", "jnp.exp(x)"),
    ),
    _fn(
        "log",
        sympy_class=sp.log,
        sympy=_log,
        scalar=math.log,
        numpy=NumpyFunction("log"),
        mpmath=mpmath.log,
        derivative=lambda m, x, out: 1 / x,
        latex=r"\ln",
        aliases=("ln",),
        parse_arity=(1, 2),
        domain=lambda x: np.asarray(x) > 0,
        noun="the natural logarithm",
        interval=intervals.increasing(1, domain=intervals.positive),
        numpy_source=NumpySource("np.log"),
        frameworks=FrameworkSource("torch.log(x)", "jnp.log(x)"),
    ),
    # Trigonometric.
    _fn(
        "sin",
        sympy_class=sp.sin,
        scalar=math.sin,
        numpy=NumpyFunction("sin"),
        mpmath=mpmath.sin,
        derivative=lambda m, x, out: m.cos(x),
        latex=r"\sin",
        noun="the sine",
        interval=intervals.periodic(1, extrema=((math.pi / 2, 1.0), (3 * math.pi / 2, -1.0))),
        numpy_source=NumpySource("np.sin"),
        frameworks=FrameworkSource("torch.sin(x)", "jnp.sin(x)"),
    ),
    _fn(
        "cos",
        sympy_class=sp.cos,
        scalar=math.cos,
        numpy=NumpyFunction("cos"),
        mpmath=mpmath.cos,
        derivative=lambda m, x, out: -m.sin(x),
        latex=r"\cos",
        noun="the cosine",
        interval=intervals.periodic(1, extrema=((0.0, 1.0), (math.pi, -1.0))),
        numpy_source=NumpySource("np.cos"),
        frameworks=FrameworkSource("torch.cos(x)", "jnp.cos(x)"),
    ),
    _fn(
        "tan",
        sympy_class=sp.tan,
        scalar=math.tan,
        numpy=NumpyFunction("tan"),
        mpmath=mpmath.tan,
        derivative=lambda m, x, out: 1 + out**2,
        latex=r"\tan",
        square=lambda u: sp.sec(u) ** 2 - 1,
        domain=lambda x: np.cos(x) != 0,
        noun="the tangent",
        interval=intervals.periodic(1, pole=(math.pi / 2, math.pi)),
        numpy_source=NumpySource("np.tan"),
        frameworks=FrameworkSource("torch.tan(x)", "jnp.tan(x)"),
    ),
    _fn(
        "sec",
        sympy_class=sp.sec,
        scalar=lambda x: 1.0 / math.cos(x),
        numpy=lambda x: 1.0 / np.cos(x),
        mpmath=mpmath.sec,
        derivative=lambda m, x, out: out * m.tan(x),
        latex=r"\sec",
        domain=lambda x: np.cos(x) != 0,
        noun="the secant",
        interval=intervals.periodic(2, extrema=((0.0, 1.0), (math.pi, -1.0)), pole=(math.pi / 2, math.pi)),
        numpy_source=NumpySource(helper=("return 1 / np.cos(x)",)),
        frameworks=FrameworkSource("1 / torch.cos(x)", "1 / jnp.cos(x)"),
    ),
    _fn(
        "csc",
        sympy_class=sp.csc,
        scalar=lambda x: 1.0 / math.sin(x),
        numpy=lambda x: 1.0 / np.sin(x),
        mpmath=_mp_reciprocal(mpmath.sin),
        derivative=lambda m, x, out: -out * m.cot(x),
        latex=r"\csc",
        domain=lambda x: np.sin(x) != 0,
        noun="the cosecant",
        interval=intervals.periodic(2, extrema=((math.pi / 2, 1.0), (3 * math.pi / 2, -1.0)), pole=(0.0, math.pi)),
        numpy_source=NumpySource(helper=("return 1 / np.sin(x)",)),
        frameworks=FrameworkSource("1 / torch.sin(x)", "1 / jnp.sin(x)"),
    ),
    _fn(
        "cot",
        sympy_class=sp.cot,
        scalar=lambda x: math.cos(x) / math.sin(x),
        numpy=lambda x: np.cos(x) / np.sin(x),
        mpmath=_mp_reciprocal(mpmath.tan),
        derivative=lambda m, x, out: -(1 + out**2),
        latex=r"\cot",
        square=lambda u: sp.csc(u) ** 2 - 1,
        domain=lambda x: np.sin(x) != 0,
        noun="the cotangent",
        interval=intervals.periodic(3, pole=(0.0, math.pi)),
        numpy_source=NumpySource(helper=("return np.cos(x) / np.sin(x)",)),
        frameworks=FrameworkSource("torch.cos(x) / torch.sin(x)", "jnp.cos(x) / jnp.sin(x)"),
    ),
    # Inverse trigonometric.
    _fn(
        "asin",
        sympy_class=sp.asin,
        scalar=math.asin,
        numpy=NumpyFunction("arcsin"),
        mpmath=mpmath.asin,
        derivative=lambda m, x, out: 1 / m.sqrt(1 - x**2),
        latex=r"\arcsin",
        aliases=("arcsin",),
        nondiff=VERTICAL_AT_1,
        domain=_abs_le_1,
        noun="the arcsine",
        interval=intervals.increasing(1, domain=_IN_UNIT, smooth=_INSIDE_UNIT),
        # np.arcsin, not np.asin: the short names are new in NumPy 2.0 and exported code may run on 1.x.
        numpy_source=NumpySource("np.arcsin"),
        frameworks=FrameworkSource("torch.asin(x)", "jnp.arcsin(x)"),
    ),
    _fn(
        "acos",
        sympy_class=sp.acos,
        scalar=math.acos,
        numpy=NumpyFunction("arccos"),
        mpmath=mpmath.acos,
        derivative=lambda m, x, out: -1 / m.sqrt(1 - x**2),
        latex=r"\arccos",
        aliases=("arccos",),
        nondiff=VERTICAL_AT_1,
        domain=_abs_le_1,
        noun="the arccosine",
        interval=intervals.decreasing(1, domain=_IN_UNIT, smooth=_INSIDE_UNIT),
        numpy_source=NumpySource("np.arccos"),
        frameworks=FrameworkSource("torch.acos(x)", "jnp.arccos(x)"),
    ),
    _fn(
        "atan",
        sympy_class=sp.atan,
        scalar=math.atan,
        numpy=NumpyFunction("arctan"),
        mpmath=mpmath.atan,
        derivative=lambda m, x, out: 1 / (1 + x**2),
        latex=r"\arctan",
        aliases=("arctan",),
        noun="the arctangent",
        interval=intervals.increasing(1),
        numpy_source=NumpySource("np.arctan"),
        frameworks=FrameworkSource("torch.atan(x)", "jnp.arctan(x)"),
    ),
    _fn(
        "asec",
        sympy_class=sp.asec,
        scalar=lambda x: math.acos(1.0 / x),
        numpy=lambda x: np.arccos(1.0 / x),
        mpmath=_mp_inverse(mpmath.acos),
        derivative=lambda m, x, out: 1 / (m.abs(x) * m.sqrt(x**2 - 1)),
        latex=r"\operatorname{arcsec}",
        aliases=("arcsec",),
        nondiff=VERTICAL_AT_1,
        domain=_abs_ge_1,
        noun="the arcsecant",
        interval=intervals.after_reciprocal(lambda m: m.acos, -1, 1, domain=_OUT_UNIT, smooth=_OUTSIDE_UNIT),
        # np.divide, not /: 1 / 0.0 raises for a Python float, where NumPy gives inf as the registry does.
        numpy_source=NumpySource(helper=("return np.arccos(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.acos(1 / x)", "jnp.arccos(1 / x)"),
    ),
    _fn(
        "acsc",
        sympy_class=sp.acsc,
        scalar=lambda x: math.asin(1.0 / x),
        numpy=lambda x: np.arcsin(1.0 / x),
        mpmath=_mp_inverse(mpmath.asin),
        derivative=lambda m, x, out: -1 / (m.abs(x) * m.sqrt(x**2 - 1)),
        latex=r"\operatorname{arccsc}",
        aliases=("arccsc",),
        nondiff=VERTICAL_AT_1,
        domain=_abs_ge_1,
        noun="the arccosecant",
        interval=intervals.after_reciprocal(lambda m: m.asin, 1, 1, domain=_OUT_UNIT, smooth=_OUTSIDE_UNIT),
        numpy_source=NumpySource(helper=("return np.arcsin(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.asin(1 / x)", "jnp.arcsin(1 / x)"),
    ),
    _fn(
        "acot",
        sympy_class=sp.acot,
        scalar=lambda x: math.atan(1.0 / x),
        numpy=lambda x: np.arctan(1.0 / x),
        mpmath=_mp_inverse(mpmath.atan),
        derivative=lambda m, x, out: -1 / (1 + x**2),
        latex=r"\operatorname{arccot}",
        aliases=("arccot",),
        nondiff=_branches(JUMP_AT_0, _acot_branch),
        noun="the arccotangent",
        interval=intervals.after_reciprocal(
            lambda m: m.atan,
            1,
            1,
            domain=intervals.everywhere,
            smooth=intervals.away_from_zero,
            across_zero=(-math.pi / 2, math.pi / 2),
        ),
        numpy_source=NumpySource(helper=("return np.arctan(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.atan(1 / x)", "jnp.arctan(1 / x)"),
    ),
    # Hyperbolic.
    _fn(
        "sinh",
        sympy_class=sp.sinh,
        scalar=math.sinh,
        numpy=NumpyFunction("sinh"),
        mpmath=mpmath.sinh,
        derivative=lambda m, x, out: m.cosh(x),
        latex=r"\sinh",
        noun="the hyperbolic sine",
        interval=intervals.increasing(2),
        numpy_source=NumpySource("np.sinh"),
        frameworks=FrameworkSource("torch.sinh(x)", "jnp.sinh(x)"),
    ),
    _fn(
        "cosh",
        sympy_class=sp.cosh,
        scalar=math.cosh,
        numpy=NumpyFunction("cosh"),
        mpmath=mpmath.cosh,
        derivative=lambda m, x, out: m.sinh(x),
        latex=r"\cosh",
        noun="the hyperbolic cosine",
        interval=intervals.turning(0.0, 2, minimum=True),
        numpy_source=NumpySource("np.cosh"),
        frameworks=FrameworkSource("torch.cosh(x)", "jnp.cosh(x)"),
    ),
    _fn(
        "tanh",
        sympy_class=sp.tanh,
        scalar=math.tanh,
        numpy=NumpyFunction("tanh"),
        mpmath=mpmath.tanh,
        derivative=lambda m, x, out: 1 - out**2,
        latex=r"\tanh",
        noun="the hyperbolic tangent",
        interval=intervals.increasing(2),
        numpy_source=NumpySource("np.tanh"),
        frameworks=FrameworkSource("torch.tanh(x)", "jnp.tanh(x)"),
    ),
    _fn(
        "sech",
        sympy_class=sp.sech,
        scalar=lambda x: 1.0 / math.cosh(x),
        numpy=lambda x: 1.0 / np.cosh(x),
        mpmath=mpmath.sech,
        derivative=lambda m, x, out: -out * m.tanh(x),
        latex=r"\operatorname{sech}",
        noun="the hyperbolic secant",
        interval=intervals.turning(0.0, 4, minimum=False),
        numpy_source=NumpySource(helper=("return 1 / np.cosh(x)",)),
        frameworks=FrameworkSource("1 / torch.cosh(x)", "1 / jnp.cosh(x)"),
    ),
    _fn(
        "csch",
        sympy_class=sp.csch,
        scalar=lambda x: 1.0 / math.sinh(x),
        numpy=lambda x: 1.0 / np.sinh(x),
        mpmath=_mp_reciprocal(mpmath.sinh),
        derivative=lambda m, x, out: -out * m.coth(x),
        latex=r"\operatorname{csch}",
        domain=_nonzero,
        noun="the hyperbolic cosecant",
        interval=intervals.decreasing(4, domain=intervals.away_from_zero),
        numpy_source=NumpySource(helper=("return 1 / np.sinh(x)",)),
        frameworks=FrameworkSource("1 / torch.sinh(x)", "1 / jnp.sinh(x)"),
    ),
    _fn(
        "coth",
        sympy_class=sp.coth,
        scalar=lambda x: 1.0 / math.tanh(x),
        numpy=lambda x: 1.0 / np.tanh(x),
        mpmath=_mp_reciprocal(mpmath.tanh),
        derivative=lambda m, x, out: 1 - out**2,
        latex=r"\coth",
        domain=_nonzero,
        noun="the hyperbolic cotangent",
        interval=intervals.decreasing(4, domain=intervals.away_from_zero),
        numpy_source=NumpySource(helper=("return 1 / np.tanh(x)",)),
        frameworks=FrameworkSource("1 / torch.tanh(x)", "1 / jnp.tanh(x)"),
    ),
    # Inverse hyperbolic.
    _fn(
        "asinh",
        sympy_class=sp.asinh,
        scalar=math.asinh,
        numpy=NumpyFunction("arcsinh"),
        mpmath=mpmath.asinh,
        derivative=lambda m, x, out: 1 / m.sqrt(x**2 + 1),
        latex=r"\operatorname{arsinh}",
        aliases=("arcsinh", "arsinh"),
        noun="the inverse hyperbolic sine",
        interval=intervals.increasing(2),
        numpy_source=NumpySource("np.arcsinh"),
        frameworks=FrameworkSource("torch.asinh(x)", "jnp.arcsinh(x)"),
    ),
    _fn(
        "acosh",
        sympy_class=sp.acosh,
        scalar=math.acosh,
        numpy=NumpyFunction("arccosh"),
        mpmath=mpmath.acosh,
        derivative=lambda m, x, out: 1 / m.sqrt(x**2 - 1),
        latex=r"\operatorname{arcosh}",
        aliases=("arccosh", "arcosh"),
        nondiff=NonDifferentiable(lambda x: np.asarray(x) == 1, "vertical", "vertical tangent at 1", example=(1.0,)),
        domain=lambda x: np.asarray(x) >= 1,
        noun="the inverse hyperbolic cosine",
        interval=intervals.increasing(
            2, domain=intervals.within(1, math.inf, closed=True), smooth=intervals.within(1, math.inf, closed=False)
        ),
        numpy_source=NumpySource("np.arccosh"),
        frameworks=FrameworkSource("torch.acosh(x)", "jnp.arccosh(x)"),
    ),
    _fn(
        "atanh",
        sympy_class=sp.atanh,
        scalar=math.atanh,
        numpy=NumpyFunction("arctanh"),
        mpmath=mpmath.atanh,
        derivative=lambda m, x, out: 1 / (1 - x**2),
        latex=r"\operatorname{artanh}",
        aliases=("arctanh", "artanh"),
        domain=lambda x: np.abs(x) < 1,
        noun="the inverse hyperbolic tangent",
        interval=intervals.increasing(2, domain=intervals.within(-1, 1, closed=False)),
        numpy_source=NumpySource("np.arctanh"),
        frameworks=FrameworkSource("torch.atanh(x)", "jnp.arctanh(x)"),
    ),
    _fn(
        "asech",
        sympy_class=sp.asech,
        scalar=lambda x: math.acosh(1.0 / x),
        numpy=lambda x: np.arccosh(1.0 / x),
        mpmath=_mp_inverse(mpmath.acosh),
        derivative=lambda m, x, out: -1 / (x * m.sqrt(1 - x**2)),
        latex=r"\operatorname{arsech}",
        aliases=("arcsech", "arsech"),
        nondiff=NonDifferentiable(lambda x: np.asarray(x) == 1, "vertical", "vertical tangent at 1", example=(1.0,)),
        domain=lambda x: (np.asarray(x) > 0) & (np.asarray(x) <= 1),
        noun="the inverse hyperbolic secant",
        interval=intervals.after_reciprocal(
            lambda m: m.acosh,
            1,
            2,
            domain=intervals.within(0, 1, closed=True),
            smooth=intervals.within(0, 1, closed=False),
        ),
        numpy_source=NumpySource(helper=("return np.arccosh(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.acosh(1 / x)", "jnp.arccosh(1 / x)"),
    ),
    _fn(
        "acsch",
        sympy_class=sp.acsch,
        scalar=lambda x: math.asinh(1.0 / x),
        numpy=lambda x: np.arcsinh(1.0 / x),
        mpmath=_mp_inverse(mpmath.asinh),
        derivative=lambda m, x, out: -1 / (m.abs(x) * m.sqrt(x**2 + 1)),
        latex=r"\operatorname{arcsch}",
        aliases=("arccsch", "arcsch"),
        domain=_nonzero,
        noun="the inverse hyperbolic cosecant",
        interval=intervals.after_reciprocal(lambda m: m.asinh, 1, 2),
        numpy_source=NumpySource(helper=("return np.arcsinh(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.asinh(1 / x)", "jnp.arcsinh(1 / x)"),
    ),
    _fn(
        "acoth",
        sympy_class=sp.acoth,
        scalar=lambda x: math.atanh(1.0 / x),
        numpy=lambda x: np.arctanh(1.0 / x),
        mpmath=_mp_inverse(mpmath.atanh),
        derivative=lambda m, x, out: 1 / (1 - x**2),
        latex=r"\operatorname{arcoth}",
        aliases=("arccoth", "arcoth"),
        domain=lambda x: np.abs(x) > 1,
        noun="the inverse hyperbolic cotangent",
        interval=intervals.after_reciprocal(lambda m: m.atanh, 1, 2, domain=_OUTSIDE_UNIT),
        numpy_source=NumpySource(helper=("return np.arctanh(np.divide(1.0, x))",)),
        frameworks=FrameworkSource("torch.atanh(1 / x)", "jnp.arctanh(1 / x)"),
    ),
    # Piecewise and special.
    _fn(
        "abs",
        sympy_class=sp.Abs,
        scalar=abs,
        numpy=NumpyFunction("abs"),
        mpmath=abs,
        derivative=lambda m, x, out: m.sign(x),
        analytic=False,
        nondiff=_branches(CORNER_AT_0, lambda side, u: side * u),
        aliases=("Abs",),
        symbol="|·|",
        latex=r"\left|\cdot\right|",
        noun="the absolute value",
        interval=intervals.turning(0.0, 0, minimum=True, smooth=intervals.one_side_of_zero),
        numpy_source=NumpySource("np.abs"),
        frameworks=FrameworkSource("torch.abs(x)", "jnp.abs(x)"),
    ),
    _fn(
        "sign",
        sympy_class=sp.sign,
        scalar=_s_sign,
        numpy=NumpyFunction("sign"),
        mpmath=mpmath.sign,
        derivative=lambda m, x, out: 0,
        analytic=False,
        nondiff=_branches(JUMP_AT_0, lambda side, u: sp.Integer(side)),
        aliases=("sgn",),
        latex=r"\operatorname{sign}",
        noun="the sign function",
        interval=intervals.increasing(0, smooth=intervals.away_from_zero),
        numpy_source=NumpySource("np.sign"),
        frameworks=FrameworkSource("torch.sign(x)", "jnp.sign(x)"),
    ),
    _fn(
        "heaviside",
        sympy_class=sp.Heaviside,
        scalar=_s_step,
        numpy=_np_step,
        mpmath=_mp_step,
        derivative=lambda m, x, out: 0,
        analytic=False,
        nondiff=_branches(JUMP_AT_0, _step_branch),
        aliases=("Heaviside", "step"),
        symbol="H",
        latex=r"\operatorname{H}",
        noun="the Heaviside step function",
        interval=intervals.increasing(0, smooth=intervals.away_from_zero),
        numpy_source=NumpySource(helper=("return np.heaviside(x, 0.5)  # 1/2 at 0, as SymPy's Heaviside",)),
        # detach: torch has no derivative of heaviside; it is 0 wherever it exists, and the export writes its own.
        frameworks=FrameworkSource("torch.heaviside(x.detach(), torch.full_like(x, 0.5))", "jnp.heaviside(x, 0.5)"),
    ),
    _fn(
        "erf",
        sympy_class=sp.erf,
        scalar=math.erf,
        numpy=_np_erf,
        mpmath=mpmath.erf,
        derivative=lambda m, x, out: 2 / m.sqrt(m.pi) * m.exp(-(x**2)),
        latex=r"\operatorname{erf}",
        noun="the error function",
        interval=intervals.increasing(2),
        numpy_source=NumpySource(
            helper=("return np.vectorize(math.erf, otypes=[float])(x)[()]  # NumPy has no erf",),
            imports=("math",),
        ),
        frameworks=FrameworkSource("torch.erf(x)", "jax.scipy.special.erf(x)"),
    ),
    # The functions of calculus courses beyond the elementary ones.
    Primitive(
        name="atan2",
        arity=2,
        sympy=sp.atan2,
        scalar=math.atan2,
        numpy=NumpyFunction("arctan2"),
        mpmath=mpmath.atan2,
        # ∂/∂y = x/(x² + y²), written with hypot so that x² + y² cannot overflow (x = 1e200)
        partials=(
            lambda m, y, x, out: x / m.hypot(y, x) / m.hypot(y, x),
            lambda m, y, x, out: -y / m.hypot(y, x) / m.hypot(y, x),
        ),
        analytic=False,  # NumPy's arctan2 takes no complex numbers: no complex step
        nondiff=NonDifferentiable(
            lambda y, x: (np.asarray(y) == 0) & (np.asarray(x) <= 0),
            "jump",
            "jump across the negative x-axis (atan2(y, x) with y = 0, x ≤ 0)",
            example=(0.0, -1.0),
        ),
        domain=lambda y, x: (np.asarray(y) != 0) | (np.asarray(x) != 0),
        sympy_class=sp.atan2,
        latex=r"\operatorname{atan2}",
        aliases=("arctan2",),
        noun="the two-argument arctangent",
        interval=intervals.angle,
        numpy_source=NumpySource("np.arctan2"),
        frameworks=FrameworkSource(
            "torch.atan2(torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64))",
            "jnp.arctan2(a, b)",
        ),
    ),
    Primitive(
        name="hypot",
        arity=2,
        sympy=functions.hypot,
        scalar=math.hypot,
        numpy=NumpyFunction("hypot"),
        mpmath=mpmath.hypot,
        partials=(lambda m, a, b, out: a / out, lambda m, a, b, out: b / out),
        analytic=False,  # NumPy's hypot takes no complex numbers
        nondiff=NonDifferentiable(
            lambda a, b: (np.asarray(a) == 0) & (np.asarray(b) == 0), "corner", "corner at the origin (a cone)"
        ),
        sympy_class=functions.hypot,
        latex=r"\operatorname{hypot}",
        noun="the hypotenuse",
        interval=intervals.norm,
        numpy_source=NumpySource("np.hypot"),
        frameworks=FrameworkSource(
            "torch.hypot(torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64))",
            "jnp.hypot(a, b)",
        ),
    ),
    _fn(
        "floor",
        sympy_class=functions.floor,
        scalar=lambda x: float(math.floor(x)),
        numpy=NumpyFunction("floor"),
        mpmath=mpmath.floor,
        derivative=lambda m, x, out: 0,
        analytic=False,
        nondiff=JUMP_AT_INTEGERS,
        replaces=(sp.floor,),
        latex=r"\operatorname{floor}",
        noun="the floor function",
        interval=intervals.staircase,
        numpy_source=NumpySource("np.floor"),
        frameworks=FrameworkSource("torch.floor(x)", "jnp.floor(x)"),
    ),
    _fn(
        "ceiling",
        sympy_class=functions.ceiling,
        scalar=lambda x: float(math.ceil(x)),
        numpy=NumpyFunction("ceil"),
        mpmath=mpmath.ceil,
        derivative=lambda m, x, out: 0,
        analytic=False,
        nondiff=JUMP_AT_INTEGERS,
        replaces=(sp.ceiling,),
        aliases=("ceil",),
        latex=r"\operatorname{ceiling}",
        noun="the ceiling function",
        interval=intervals.staircase,
        numpy_source=NumpySource("np.ceil"),
        frameworks=FrameworkSource("torch.ceil(x)", "jnp.ceil(x)"),
    ),
    _fn(
        "frac",
        sympy_class=functions.frac,
        scalar=lambda x: x - math.floor(x),
        numpy=lambda x: x - np.floor(x),
        mpmath=mpmath.frac,
        derivative=lambda m, x, out: 1,
        analytic=False,
        nondiff=JUMP_AT_INTEGERS,
        replaces=(sp.frac,),
        noun="the fractional part",
        interval=intervals.fractional,
        numpy_source=NumpySource(helper=("return x - np.floor(x)  # frac(-0.25) = 0.75, as SymPy's frac",)),
        frameworks=FrameworkSource("torch.sub(x, torch.floor(x))", "jnp.subtract(x, jnp.floor(x))"),
    ),
    _fn(
        "gamma",
        sympy_class=sp.gamma,
        sympy=functions.gamma,
        scalar=math.gamma,
        numpy=special.NUMPY["gamma"],
        mpmath=mpmath.gamma,
        derivative=lambda m, x, out: out * m.polygamma(0, x),
        latex=r"\Gamma",
        aliases=("Gamma",),
        domain=_not_a_pole,
        noun="the gamma function",
        interval=intervals.gamma_like(0.0, 8),  # math.gamma: within 5 ulps
        numpy_source=NumpySource(helper=special.GAMMA_SOURCE, imports=("math",)),
        frameworks=FrameworkSource(special.gamma_framework("torch", "x"), special.gamma_framework("jax", "x")),
    ),
    _fn(
        "loggamma",
        sympy_class=sp.loggamma,
        sympy=functions.loggamma,
        scalar=special.FLOAT["loggamma"],
        numpy=special.NUMPY["loggamma"],
        mpmath=special.MP["loggamma"],
        derivative=lambda m, x, out: m.polygamma(0, x),
        latex=r"\ln\Gamma",
        aliases=("lgamma", "lngamma", "gammaln"),
        domain=lambda x: np.asarray(x) > 0,
        noun="the log-gamma function",
        interval=intervals.log_gamma,
        numpy_source=NumpySource(helper=special.LOGGAMMA_SOURCE, imports=("math",), exact=False),
        frameworks=FrameworkSource("torch.lgamma(x)", "jax.scipy.special.gammaln(x)"),
    ),
    _fn(
        "factorial",
        sympy_class=sp.factorial,
        sympy=functions.factorial,
        scalar=special.FLOAT["factorial"],
        numpy=special.NUMPY["factorial"],
        mpmath=mpmath.factorial,
        derivative=lambda m, x, out: out * m.polygamma(0, x + 1),
        latex=r"\operatorname{factorial}",
        domain=lambda x: _not_a_pole(np.asarray(x) + 1),
        noun="the factorial (the gamma function at x + 1)",
        interval=intervals.gamma_like(1.0, 1),
        numpy_source=NumpySource(helper=special.FACTORIAL_SOURCE, imports=("math",), exact=False),
        frameworks=FrameworkSource(special.gamma_framework("torch", "x + 1"), special.gamma_framework("jax", "x + 1")),
    ),
    Primitive(
        name="binomial",
        arity=2,
        sympy=functions.binomial,
        scalar=special.FLOAT["binomial"],
        numpy=special.NUMPY["binomial"],
        mpmath=special.MP["binomial"],
        partials=(
            lambda m, n, k, out: out * (m.polygamma(0, n + 1) - m.polygamma(0, n - k + 1)),
            lambda m, n, k, out: out * (m.polygamma(0, n - k + 1) - m.polygamma(0, k + 1)),
        ),
        # Γ(n + 1) has a pole where n is a negative integer, and there the limit depends on the direction.
        domain=lambda n, k: _not_a_pole(np.asarray(n) + 1),
        sympy_class=sp.binomial,
        latex=r"\operatorname{binomial}",
        aliases=("choose",),
        noun="the binomial coefficient",
        interval=intervals.binomial,
        numpy_source=NumpySource(helper=special.BINOMIAL_SOURCE, imports=("math",), exact=False),
        frameworks=FrameworkSource(special.binomial_framework("torch"), special.binomial_framework("jax")),
    ),
    Primitive(
        name="polygamma",
        arity=2,
        sympy=functions.polygamma,
        scalar=special.FLOAT["polygamma"],
        numpy=special.NUMPY["polygamma"],
        mpmath=special.MP["polygamma"],
        partials=(lambda m, n, x, out: 0, lambda m, n, x, out: m.polygamma(n + 1, x)),
        domain=lambda n, x: _not_a_pole(x),
        sympy_class=sp.polygamma,
        latex=r"\psi",
        noun="the polygamma function",
        interval=intervals.polygamma,
        numpy_source=NumpySource(helper=special.POLYGAMMA_SOURCE, imports=("math",), exact=False),
        frameworks=FrameworkSource(special.POLYGAMMA_TORCH, "jax.scipy.special.polygamma(int(a), b)"),
        # An order past 1000 takes mpmath minutes at a single point (n = 10⁶: 46 s) and no course writes one.
        whole=(WholeArgument(0, "the order n", lambda n: 0 <= n <= 1000, "0, 1, 2, …, 1000", examples=(0, 1, 2)),),
    ),
    Primitive(
        name="lambertw",
        arity=2,
        sympy=sp.LambertW,
        scalar=special.FLOAT["lambertw"],
        numpy=special.NUMPY["lambertw"],
        mpmath=special.MP["lambertw"],
        # W′ = W/(x(1 + W)) = e^(−W)/(1 + W), which holds at x = 0 too (W′(0) = 1)
        partials=(lambda m, x, k, out: m.exp(-out) / (1 + out), lambda m, x, k, out: 0),
        nondiff=NonDifferentiable(
            lambda x, k: np.asarray(x) == intervals.BRANCH_POINT,
            "vertical",
            "vertical tangent at -1/e, where the branches meet",
            example=(intervals.BRANCH_POINT, 0.0),
        ),
        domain=lambda x, k: (np.asarray(x) >= intervals.BRANCH_POINT) & ((np.asarray(k) == 0) | (np.asarray(x) < 0)),
        sympy_class=sp.LambertW,
        latex="W",
        aliases=("LambertW",),
        parse_arity=(1, 2),
        noun="the Lambert W function",
        interval=intervals.lambert,
        numpy_source=NumpySource(helper=special.LAMBERTW_SOURCE, exact=False),
        frameworks=FrameworkSource(special.LAMBERTW_TORCH, special.LAMBERTW_JAX),
        whole=(
            WholeArgument(
                1, "the branch k", lambda k: k in (0, -1), "0 (the principal branch) or -1", default=0, examples=(0, -1)
            ),
        ),
    ),
    _fn(
        "expm1",
        sympy_class=functions.expm1,
        scalar=math.expm1,
        numpy=NumpyFunction("expm1"),
        mpmath=mpmath.expm1,
        derivative=lambda m, x, out: out + 1,
        noun="e^x - 1",
        interval=intervals.increasing(1),
        numpy_source=NumpySource("np.expm1"),
        frameworks=FrameworkSource("torch.expm1(x)", "jnp.expm1(x)"),
    ),
    _fn(
        "log1p",
        sympy_class=functions.log1p,
        scalar=math.log1p,
        numpy=NumpyFunction("log1p"),
        mpmath=mpmath.log1p,
        derivative=lambda m, x, out: 1 / (1 + x),
        domain=lambda x: np.asarray(x) > -1,
        noun="ln(1 + x)",
        interval=intervals.increasing(1, domain=intervals.within(-1, math.inf, closed=False)),
        numpy_source=NumpySource("np.log1p"),
        frameworks=FrameworkSource("torch.log1p(x)", "jnp.log1p(x)"),
    ),
    _fn(
        "sinc",
        sympy_class=sp.sinc,
        scalar=special.float_sinc,
        numpy=special.numpy_sinc,
        mpmath=special.mp_sinc,
        # (cos x − sinc x)/x: 0/0 at x = 0 itself, where the derivative is 0 (SymPy's formula is 0/0 there too)
        derivative=lambda m, x, out: (m.cos(x) - out) / x,
        noun="the sinc function sin(x)/x",
        interval=intervals.sinc,
        numpy_source=NumpySource(helper=special.SINC_SOURCE),
        frameworks=FrameworkSource("torch.sinc(x / 3.141592653589793)", "jnp.sinc(x / jnp.pi)"),
    ),
    Primitive(
        name="nthroot",
        arity=2,
        sympy=functions.nthroot,
        scalar=special.float_nthroot,
        numpy=special.numpy_nthroot,
        mpmath=special.mp_nthroot,
        partials=(lambda m, x, n, out: 1 / (n * out ** (n - 1)), lambda m, x, n, out: 0),
        nondiff=NonDifferentiable(
            lambda x, n: np.asarray(x) == 0, "vertical", "vertical tangent at 0", example=(0.0, 5.0)
        ),
        domain=lambda x, n: (np.asarray(x) >= 0) | (np.asarray(n) % 2 == 1),
        sympy_class=functions.nthroot,
        symbol="ⁿ√",
        latex=r"\sqrt[n]",
        noun="the real n-th root",
        interval=intervals.root,
        numpy_source=NumpySource(helper=special.NTHROOT_SOURCE),
        frameworks=FrameworkSource("torch.sign(a) * torch.abs(a) ** (1 / b)", "jnp.sign(a) * jnp.abs(a) ** (1 / b)"),
        whole=(WholeArgument(1, "the index n", lambda n: n >= 2, "2, 3, 4, …", examples=(5, 7)),),
    ),
    # Neural-network activations.
    _fn(
        "sigmoid",
        sympy_class=functions.sigmoid,
        scalar=_s_sigmoid,
        numpy=_np_sigmoid,
        mpmath=_mp_sigmoid,
        derivative=lambda m, x, out: out * (1 - out),
        symbol="σ",
        latex=r"\sigma",
        aliases=("logistic",),
        noun="the sigmoid",
        interval=intervals.increasing(3),
        numpy_source=NumpySource(
            helper=(
                "e = np.exp(-np.abs(x))  # 1/(1 + exp(-x)) without overflow",
                "return np.where(x >= 0, 1 / (1 + e), e / (1 + e))[()]",
            ),
        ),
        frameworks=FrameworkSource("torch.sigmoid(x)", "jax.nn.sigmoid(x)"),
    ),
    _fn(
        "relu",
        sympy_class=functions.relu,
        scalar=lambda x: max(x, 0.0),
        numpy=lambda x: np.maximum(x, 0.0),
        mpmath=_mp_relu,
        derivative=lambda m, x, out: m.heaviside(x),
        analytic=False,
        nondiff=_branches(CORNER_AT_0, lambda side, u: u if side > 0 else sp.S.Zero),
        symbol="ReLU",
        latex=r"\operatorname{ReLU}",
        aliases=("ReLU",),
        noun="the ReLU",
        interval=intervals.increasing(0, smooth=intervals.one_side_of_zero),
        numpy_source=NumpySource(helper=("return np.maximum(x, 0.0)",)),
        frameworks=FrameworkSource("torch.relu(x)", "jnp.maximum(x, 0.0)"),
    ),
    _fn(
        "softplus",
        sympy_class=functions.softplus,
        scalar=_s_softplus,
        numpy=_np_softplus,
        mpmath=_mp_softplus,
        derivative=lambda m, x, out: m.sigmoid(x),
        latex=r"\operatorname{softplus}",
        noun="the softplus",
        interval=intervals.increasing(3),
        numpy_source=NumpySource(helper=("return np.logaddexp(0.0, x)  # log(1 + exp(x)) without overflow",)),
        frameworks=FrameworkSource("torch.nn.functional.softplus(x)", "jnp.logaddexp(0.0, x)"),
    ),
    Primitive(
        name="max",
        arity=2,
        sympy=functions.Max,
        scalar=_s_max,
        numpy=NumpyFunction("maximum"),
        mpmath=_mp_max,
        partials=(lambda m, a, b, out: m.heaviside(a - b), lambda m, a, b, out: m.heaviside(b - a)),
        analytic=False,
        nondiff=_tie(larger=True),
        sympy_class=sp.Max,
        latex=r"\max",
        aliases=("Max",),
        parse_arity=(2, None),
        noun="the maximum",
        interval=intervals.pairwise(larger=True),
        numpy_source=NumpySource("np.maximum"),
        frameworks=FrameworkSource(
            # float64 as the exported function makes its inputs: as_tensor(0.3) alone would round 0.3 to float32
            "torch.maximum(torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64))",
            "jnp.maximum(a, b)",
        ),
    ),
    Primitive(
        name="min",
        arity=2,
        sympy=functions.Min,
        scalar=_s_min,
        numpy=NumpyFunction("minimum"),
        mpmath=_mp_min,
        partials=(lambda m, a, b, out: m.heaviside(b - a), lambda m, a, b, out: m.heaviside(a - b)),
        analytic=False,
        nondiff=_tie(larger=False),
        sympy_class=sp.Min,
        latex=r"\min",
        aliases=("Min",),
        parse_arity=(2, None),
        noun="the minimum",
        interval=intervals.pairwise(larger=False),
        numpy_source=NumpySource("np.minimum"),
        frameworks=FrameworkSource(
            # float64 as the exported function makes its inputs: as_tensor(0.3) alone would round 0.3 to float32
            "torch.minimum(torch.as_tensor(a, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64))",
            "jnp.minimum(a, b)",
        ),
    ),
)

MACROS: tuple[Macro, ...] = (
    Macro("log2", lambda x: sp.log(x, 2), 1, "logarithm base 2", tensor=lambda b, x: b.log(x) / b.log(2)),
    Macro("log10", lambda x: sp.log(x, 10), 1, "logarithm base 10", tensor=lambda b, x: b.log(x) / b.log(10)),
    Macro("exp2", lambda x: sp.Integer(2) ** x, 1, "2^x", tensor=lambda b, x: 2**x),
    Macro(
        "digamma",
        lambda x: functions.polygamma(0, x),
        1,
        "ψ(x) = polygamma(0, x)",
        tensor=lambda b, x: b.polygamma(0, x),
    ),
    Macro(
        "trigamma",
        lambda x: functions.polygamma(1, x),
        1,
        "ψ′(x) = polygamma(1, x)",
        tensor=lambda b, x: b.polygamma(1, x),
    ),
    # The seed's losses, written as the seed writes them.
    Macro("mse", None, 2, "mean squared error: mean((y - t)^2)", tensor=lambda b, y, t: b.mean((y - t) ** 2)),
    Macro(
        "cross_entropy",
        None,
        2,
        "cross-entropy of probabilities p against targets t: -sum(t*log(p))",
        tensor=lambda b, p, t: -b.sum(t * b.log(p)),
    ),
    Macro(
        "binary_cross_entropy",
        None,
        2,
        "binary cross-entropy: -mean(y*log(p) + (1 - y)*log(1 - p))",
        tensor=lambda b, p, y: -b.mean(y * b.log(p) + (1 - y) * b.log(1 - p)),
    ),
)

ARRAYS: MappingProxyType[str, ArrayPrimitive] = MappingProxyType({p.name: p for p in ARRAY_PRIMITIVES})
BY_NAME: MappingProxyType[str, Primitive] = MappingProxyType({p.name: p for p in PRIMITIVES})
# SymPy's class, and the class symdiff builds instead when that is a different one (functions.Max).
BY_CLASS: MappingProxyType[type, Primitive] = MappingProxyType(
    {cls: p for p in PRIMITIVES for cls in (p.sympy_class, p.sympy, *p.replaces) if isinstance(cls, type)}
)
# SymPy's own classes that symdiff reads as its own (sympy.floor as the floor SymPy can differentiate).
ADOPTED: MappingProxyType[type, type] = MappingProxyType(
    {cls: p.sympy_class for p in PRIMITIVES if p.sympy_class is not None for cls in p.replaces}
)


@functools.cache
def _namespace(backend: Backend) -> SimpleNamespace:
    return build_namespace(PRIMITIVES, backend)


class _Namespaces(Mapping[Backend, SimpleNamespace]):
    """Each backend's namespace ``m`` for the rules, built when first asked for (NumPy's imports NumPy)."""

    def __getitem__(self, backend: Backend) -> SimpleNamespace:
        if backend not in BACKENDS:
            raise KeyError(backend)
        return _namespace(backend)

    def __iter__(self) -> Iterator[Backend]:
        return iter(BACKENDS)

    def __len__(self) -> int:
        return len(BACKENDS)


NAMESPACES: Mapping[Backend, SimpleNamespace] = _Namespaces()


def primitive(name: str) -> Primitive:
    """The primitive called ``name`` (canonical name, not an alias)."""
    return BY_NAME[name]


def array_primitive(name: str) -> ArrayPrimitive:
    """The array primitive called ``name`` (matmul, transpose, sum, softmax, …)."""
    return ARRAYS[name]


def for_sympy_node(node: sp.Basic) -> Primitive | None:
    """The primitive whose SymPy class ``node`` is an instance of, if any."""
    return BY_CLASS.get(type(node))


def operands(p: Primitive, args: Sequence[sp.Expr], where: str | Callable[[], str] = "") -> tuple[sp.Expr, ...]:
    """A SymPy node's arguments as ``p``'s rules take them: left-out defaults filled in, whole numbers checked.

    ``LambertW(x)`` is ``LambertW(x, 0)``; ``polygamma(y, x)`` and ``polygamma(1/2, x)`` are refused
    with a ``SymdiffError`` naming the argument (``where``, for messages: the call as written, or a
    function that writes it: printing a large shared expression costs its tree, so only on error).
    """
    args = tuple(args)
    missing = p.arity - len(args)
    if missing > 0:
        defaults = [w.default for w in p.whole if w.position >= len(args)]
        if len(defaults) == missing and all(d is not None for d in defaults):
            args = (*args, *(sp.Integer(d) for d in defaults))
    for w in p.whole:
        if w.position >= len(args):
            continue
        value = args[w.position]
        if not (isinstance(value, sp.Basic) and value.is_Integer and w.allowed(int(value))):
            shown = (where() if callable(where) else where) or f"{p.name}(…)"
            raise SymdiffError(f"{shown}: {w.name} must be a whole number ({w.values}), not {sp.sstr(value)}")
    return args


def for_power(exponent: sp.Expr) -> Primitive | None:
    """The primitive that SymPy keeps as a power of its argument: sqrt(x) is Pow(x, 1/2)."""
    return BY_NAME["sqrt"] if exponent is sp.S.Half else None


def text_functions() -> dict[str, tuple[Callable[..., sp.Expr], int, int | None]]:
    """Every function name the parser accepts: name → (builder, fewest args, most args)."""
    table: dict[str, tuple[Callable[..., sp.Expr], int, int | None]] = {}
    for p in PRIMITIVES:
        if p.infix is not None:
            continue  # operators are written as operators; pow(a, b) is a^b
        lo, hi = p.arg_range
        for name in (p.name, *p.aliases):
            table[name] = (p.sympy, lo, hi)
    for macro in MACROS:
        if macro.build is not None:
            table[macro.name] = (macro.build, macro.arity, macro.arity)
    return table


def text_primitives() -> dict[str, Primitive]:
    """Every function name the parser accepts for a scalar primitive, aliases included: name → primitive."""
    return {name: p for p in PRIMITIVES if p.infix is None and p.name != "pow" for name in (p.name, *p.aliases)}


def array_only_names() -> tuple[str, ...]:
    """Function names that exist only for arrays (``sum``, ``softmax``, ``mse``): a scalar program is told so."""
    macros = tuple(m.name for m in MACROS if m.build is None)
    return tuple(p.name for p in ARRAY_PRIMITIVES if p.name != "index") + macros


def text_name(node: sp.Basic) -> str | None:
    """The parseable name of a SymPy function node (``Abs`` → ``abs``), if it is a primitive."""
    p = for_sympy_node(node)
    return p.name if p is not None else None
