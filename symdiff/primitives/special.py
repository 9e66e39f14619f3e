"""Float, NumPy and mpmath implementations of the special functions the registry holds.

Python's ``math`` has the gamma function but neither its logarithm accurately near 1 and 2
(``math.lgamma(1 + 1e-6)`` is a million ulps off), nor polygamma, LambertW or real binomials,
and NumPy has none of them (SciPy is not a dependency). Those are computed here by mpmath
with digits to spare and rounded once, so each float is within an ulp of the true value and
the interval extensions built on them (``intervals``) may say so. That costs some
microseconds a value: correctness first, for functions a calculus course uses at a few points.
On complex arguments (complex-step differentiation) mpmath keeps enough digits to resolve a
tiny imaginary part.

None of these turns a nan into a number; outside the real domain they give nan.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import mpmath

from .lazy import numpy_module

if TYPE_CHECKING:
    import numpy as np
else:
    np = numpy_module()

SPARE_DIGITS = 30  # mpmath works at this many digits before rounding to a float: within an ulp


def _float(value: Any) -> float:
    """An mpmath result as a float: nan where it is not real."""
    if isinstance(value, mpmath.mpc):
        return float(value.real) if value.imag == 0 else math.nan
    return float(value)


def rounded(f: Callable[..., Any]) -> Callable[..., float]:
    """``f`` (an mpmath function) on floats: evaluated with digits to spare and rounded once.

    Remembered: an enclosure of a high derivative asks for ψ⁽ⁿ⁾ at the same ends of the same
    boxes in every term (a Richardson Hessian of lgamma(asinh(zy)) made 21,000 calls, 0.3 ms each).
    """

    @functools.lru_cache(maxsize=2**16)
    def at(*args: float) -> float:
        with mpmath.workdps(SPARE_DIGITS):
            try:
                return _float(f(*(mpmath.mpf(a) for a in args)))
            except (ValueError, ZeroDivisionError, ArithmeticError):
                return math.nan  # a pole or outside the domain

    @functools.wraps(f)
    def on_floats(*args: float) -> float:
        if any(a != a for a in args):
            return math.nan
        return at(*args)  # -0.0 and 0.0 share an entry: both are mpmath's one zero

    return on_floats


def _complex(f: Callable[..., Any], *args: complex) -> complex:
    """``f`` at complex arguments, with enough digits for an imaginary part as small as complex step's 1e-200."""
    z = [complex(a) for a in args]
    digits = max(
        (math.log10(abs(a.real)) - math.log10(abs(a.imag)) for a in z if a.imag and a.real and math.isfinite(a.real)),
        default=0.0,
    )
    with mpmath.workdps(SPARE_DIGITS + max(0, int(digits))):
        try:
            return complex(f(*(mpmath.mpc(a) if a.imag else mpmath.mpf(a.real) for a in z)))
        except (ValueError, ZeroDivisionError, ArithmeticError, TypeError):
            return complex(math.nan, math.nan)


@functools.cache
def _ufunc(f: Callable[..., Any], arity: int) -> Any:
    return np.frompyfunc(f, arity, 1)


def elementwise(real: Callable[..., float], analytic: Callable[..., Any] | None = None) -> Callable[..., Any]:
    """A float function (and, for complex arrays, the mpmath one) applied to each element of NumPy arrays."""

    complex_f = functools.partial(_complex, analytic) if analytic is not None else None

    def on_arrays(*args: Any) -> Any:
        if complex_f is not None and any(np.iscomplexobj(a) for a in args):
            return np.asarray(_ufunc(complex_f, len(args))(*args), dtype=complex)[()]
        floats = [np.asarray(a, dtype=float) for a in args]
        return np.asarray(_ufunc(real, len(args))(*floats), dtype=float)[()]

    return on_arrays


# -- the gamma function and its relatives -------------------------------------------------


def gamma_sign(x: float) -> float:
    """The sign of Γ(x) off the poles: + for x > 0, then alternating between the poles (− on (−1, 0))."""
    return 1.0 if x > 0 or math.floor(x) % 2 == 0 else -1.0


def float_gamma(x: float) -> float:
    """Γ(x) on a float, nan at a pole, ±inf where it overflows (``math.gamma`` raises there instead)."""
    try:
        return math.gamma(x)
    except ValueError:
        return math.nan  # a pole, or -inf
    except OverflowError:
        return math.copysign(math.inf, gamma_sign(x))


def _whole(n: Any) -> bool:
    return bool(n == int(n) and n >= 0) if math.isfinite(n) else False


def _mp_polygamma(n: Any, x: Any) -> Any:
    if not _whole(n):
        return mpmath.nan
    if mpmath.re(x) < 0:
        return _reflected_polygamma(int(n), x)
    return mpmath.polygamma(int(n), x)


def _reflected_polygamma(n: int, x: Any) -> Any:
    """ψ⁽ⁿ⁾(x) for Re x < 0 from ψ⁽ⁿ⁾(1 − x): (−1)ⁿ ψ⁽ⁿ⁾(1 − x) − πⁿ⁺¹ cot⁽ⁿ⁾(πx).

    mpmath steps x up to where its series holds one unit at a time: at x = −1e300 it never
    ends. The reflection formula needs πx only modulo π, which ``cospi`` and ``sinpi`` reduce
    exactly; a pole (a whole x ≤ 0) has no value. Ten extra digits cover the cancellation
    between the two terms near a zero of ψ⁽ⁿ⁾.
    """
    with mpmath.extradps(10):
        sine = mpmath.sinpi(x)
        if sine == 0:
            return mpmath.nan
        cot = mpmath.cospi(x) / sine
        derivative = mpmath.polyval(_cot_derivative(n), cot)  # cot⁽ⁿ⁾ as a polynomial in cot
        return (-1) ** n * mpmath.polygamma(n, 1 - x) - mpmath.pi ** (n + 1) * derivative


@functools.cache
def _cot_derivative(n: int) -> tuple[int, ...]:
    """The coefficients (highest first) of Pₙ with dⁿ/dyⁿ cot y = Pₙ(cot y): P₀ = c, Pₖ₊₁ = −(1 + c²) Pₖ′."""
    poly = [1, 0]  # c
    for _ in range(n):
        degree = len(poly) - 1
        derivative = [c * (degree - i) for i, c in enumerate(poly[:-1])] or [0]
        # −(1 + c²)·P′: the coefficients of P′ shifted up by two, plus P′ itself, negated
        product = [0] * (len(derivative) + 2)
        for i, c in enumerate(derivative):
            product[i] -= c
            product[i + 2] -= c
        poly = product
    return tuple(poly)


def _mp_loggamma(x: Any) -> Any:
    if mpmath.re(x) <= 0:
        return mpmath.nan  # log Γ is complex where Γ < 0, and symdiff works over the reals: x > 0 only
    return mpmath.loggamma(x)


def _mp_binomial(n: Any, k: Any) -> Any:
    """Γ(n + 1)/(Γ(k + 1) Γ(n − k + 1)); undefined where n is a negative integer.

    There Γ(n + 1) has a pole and the limit depends on how (n, k) approaches: binomial(-1, 2) is 1
    along k = 2 but 0 along n − k = -3, so the function of two variables is not continuous there.
    """
    if not isinstance(n, mpmath.mpc) and (not mpmath.isfinite(n) or (n < 0 and n == mpmath.floor(n))):
        return mpmath.nan
    if not isinstance(k, mpmath.mpc) and not mpmath.isfinite(k):
        return mpmath.nan
    return mpmath.binomial(n, k)


def _mp_lambertw(x: Any, k: Any) -> Any:
    if k not in (0, -1) or (k == -1 and mpmath.re(x) >= 0):
        return mpmath.nan
    if x == mpmath.inf and k == 0:
        return mpmath.inf
    return mpmath.lambertw(x, int(k))


MP = {
    "polygamma": _mp_polygamma,
    "loggamma": _mp_loggamma,
    "factorial": mpmath.factorial,
    "binomial": _mp_binomial,
    "lambertw": _mp_lambertw,
}
FLOAT = {name: rounded(f) for name, f in MP.items()}
NUMPY = {name: elementwise(f, MP[name]) for name, f in FLOAT.items()}
NUMPY["gamma"] = elementwise(float_gamma, mpmath.gamma)


def mp_real(f: Callable[..., Any]) -> Callable[..., Any]:
    """An mpmath function made real: nan where its value is complex (loggamma of a negative)."""

    def real(*args: Any) -> Any:
        value = f(*args)
        if isinstance(value, mpmath.mpc):
            return value.real if value.imag == 0 else mpmath.nan
        return value

    return real


# -- roots and sinc -------------------------------------------------------------------------


def float_nthroot(x: float, n: float) -> float:
    """The real n-th root: odd n of any x, even n of x ≥ 0 (nan otherwise); one Newton step from x^(1/n)."""
    if x != x or n != n or n < 2 or n != int(n) or (x < 0 and n % 2 == 0):
        return math.nan
    size = abs(x)
    root = size ** (1.0 / n)
    if 0 < root < math.inf:
        power = root ** (n - 1)
        if 0 < power < math.inf:
            root -= (power * root - size) / (n * power)  # 1/n is rounded: this recovers the last bits
    return math.copysign(root, x)


def mp_nthroot(x: Any, n: Any) -> Any:
    if n < 2 or n != int(n) or (x < 0 and int(n) % 2 == 0):
        return mpmath.nan
    return mpmath.sign(x) * mpmath.root(abs(x), int(n))


def float_sinc(x: float) -> float:
    """sin(x)/x, 1 at 0 (SymPy's sinc; NumPy's np.sinc is sin(πx)/(πx))."""
    return math.sin(x) / x if x else 1.0


def mp_sinc(x: Any) -> Any:
    return mpmath.sinc(x)


# -- what exported code writes (NumPy and the standard library only; no mpmath) -------------
# Approximations of the values above, to about 1e-11: exported code cannot carry mpmath.

GAMMA_SOURCE = (
    "def one(v):",
    "    try:",
    "        return math.gamma(v)",
    "    except ValueError:  # a pole",
    "        return math.nan",
    "    except OverflowError:",
    "        return math.copysign(math.inf, 1.0 if v > 0 or math.floor(v) % 2 == 0 else -1.0)",
    "return np.vectorize(one, otypes=[float])(x)[()]",
)

LOGGAMMA_SOURCE = (
    "x = np.asarray(x, dtype=float)",
    "positive = np.vectorize(lambda v: math.lgamma(v) if v > 0 else math.nan, otypes=[float])",
    "return positive(x)[()]  # ln Γ(x) for x > 0 (near x = 1 and 2, to about 1e-16 absolute)",
)

FACTORIAL_SOURCE = (*GAMMA_SOURCE[:-1], "return np.vectorize(one, otypes=[float])(np.asarray(x, dtype=float) + 1)[()]")

_BERNOULLI = "(1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)"
POLYGAMMA_SOURCE = (
    "def one(n, x):  # ψ⁽ⁿ⁾(x): x moved right by ψ⁽ⁿ⁾(x) = ψ⁽ⁿ⁾(x + 1) + (-1)ⁿ⁺¹ n!/xⁿ⁺¹, then Stirling's series",
    "    if not (math.isfinite(n) and n >= 0 and n == int(n)) or x != x or x < -1e6 or (x <= 0 and x == int(x)):",
    "        return math.nan",
    "    if x == math.inf:",
    "        return math.inf if n == 0 else 0.0",
    "    n = int(n)",
    "    sign, factorial, total = (-1.0) ** (n + 1), math.factorial(n), 0.0",
    "    while x < 20 + n:",
    "        total += sign * factorial / x ** (n + 1)",
    "        x += 1",
    f"    bernoulli = {_BERNOULLI}",
    "    if n == 0:",
    "        series = sum(b / (2 * k * x ** (2 * k)) for k, b in enumerate(bernoulli, start=1))",
    "        return total + math.log(x) - 1 / (2 * x) - series",
    "    series = sum(",
    "        b * math.factorial(2 * k + n - 1) / (math.factorial(2 * k) * x ** (2 * k + n))",
    "        for k, b in enumerate(bernoulli, start=1)",
    "    )",
    "    return total + sign * (math.factorial(n - 1) / x**n + factorial / (2 * x ** (n + 1)) + series)",
    "return np.vectorize(one, otypes=[float])(a, b)[()]",
)

BINOMIAL_SOURCE = (
    "def one(n, k):  # Γ(n + 1) / (Γ(k + 1) Γ(n - k + 1)), with 1/Γ = 0 at its poles",
    "    if not (math.isfinite(n) and math.isfinite(k)) or (n < 0 and n == math.floor(n)):",
    "        return math.nan",
    "    if n == int(n) and k == int(k) and 0 <= n <= 1000:",
    "        return float(math.comb(int(n), int(k))) if 0 <= k <= n else 0.0",
    "    if any(v <= 0 and v == math.floor(v) for v in (k + 1, n - k + 1)):",
    "        return 0.0",
    "    sign = 1.0",
    "    for v in (n + 1, k + 1, n - k + 1):",
    "        sign *= 1.0 if v > 0 or math.floor(v) % 2 == 0 else -1.0",
    "    return sign * math.exp(math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1))",
    "return np.vectorize(one, otypes=[float])(a, b)[()]",
)

_LAMBERTW_ITERATION = (
    "p = {sqrt}({clamp}(2 * (2.718281828459045 * d + 1), 0.0))  # the branch point's series, then Halley's method",
    "s = {sign}",
    "near = -1 + s * p - p * p / 3 + s * 11 / 72 * p**3",
    "far = {far}",
    "w = {where}(d < -0.25, near, far)",
    "for _ in range(40):",
    "    e = {exp}(w)",
    "    f = w * e - d",
    "    w = {where}(f == 0, w, w - f / (e * (w + 1) - (w + 2) * f / (2 * w + 2)))",
)


def _lambertw_lines(m: str, clamp: str, sign: str, far: str) -> list[str]:
    names = {"sqrt": f"{m}.sqrt", "clamp": clamp, "where": f"{m}.where", "exp": f"{m}.exp", "sign": sign, "far": far}
    return [line.format(**names) for line in _LAMBERTW_ITERATION]


def _lambertw_framework(m: str, clamp: str, start: str, detach: str) -> str:
    """The body for PyTorch or JAX: the iteration on the argument without its derivative, then one
    Newton step on the argument itself, whose derivative is W′(x) = 1/(e^W (1 + W))."""
    far = f"{m}.log1p(d) if b == 0 else {m}.log(-d) - {m}.log(-{m}.log(-d))"
    iteration = _lambertw_lines(m, clamp, "1.0 if b == 0 else -1.0", far)
    newton = f"return w - (w * {m}.exp(w) - x) / ({m}.exp(w) * (1 + w))"
    return "\n".join([start, detach, *iteration, newton])


LAMBERTW_TORCH = _lambertw_framework(
    "torch", "torch.clamp", "x = torch.as_tensor(a, dtype=torch.float64)", "d = x.detach()"
).replace("torch.clamp(2 * (2.718281828459045 * d + 1), 0.0)", "torch.clamp(2 * (2.718281828459045 * d + 1), min=0.0)")
LAMBERTW_JAX = _lambertw_framework("jnp", "jnp.maximum", "x = jnp.asarray(a)", "d = jax.lax.stop_gradient(x)")
LAMBERTW_SOURCE = (
    "d, b = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))",
    "with np.errstate(all='ignore'):",
    *(
        "    " + line
        for line in _lambertw_lines(
            "np",
            "np.maximum",
            "np.where(b == 0, 1.0, -1.0)",
            "np.where(b == 0, np.log1p(d), np.log(-d) - np.log(-np.log(-d)))",
        )
    ),
    "bad = (d != d) | ((b != 0) & (b != -1)) | (d < -0.36787944117144233) | ((b == -1) & (d >= 0))",
    "return np.where(bad, np.nan, np.where(d == np.inf, np.inf, w))[()]",
)

NTHROOT_SOURCE = (
    "x, n = np.broadcast_arrays(np.asarray(a, dtype=float), np.asarray(b, dtype=float))",
    "with np.errstate(all='ignore'):",
    "    size = np.abs(x)",
    "    root = size ** (1.0 / n)",
    "    power = root ** (n - 1)",
    "    usable = (root > 0) & np.isfinite(root) & (power > 0) & np.isfinite(power)",
    "    root = np.where(usable, root - (power * root - size) / np.where(usable, n * power, 1.0), root)",
    "    bad = (n < 2) | (n != np.floor(n)) | ((x < 0) & (n % 2 == 0))",
    "    return np.where(bad, np.nan, np.copysign(root, x))[()]",
)

SINC_SOURCE = (
    "x = np.asarray(x)",
    "with np.errstate(all='ignore'):",
    "    return np.where(x == 0, 1.0, np.sin(x) / np.where(x == 0, 1.0, x))[()]  # sin(x)/x: np.sinc is sin(πx)/(πx)",
)


def _compiled(name: str, parameters: str, body: tuple[str, ...]) -> Callable[..., Any]:
    """The function exported code defines, compiled from the same lines: the registry's NumPy version is it."""
    source = f"def {name}({parameters}):\n" + "".join(f"    {line}\n" for line in body)
    namespace: dict[str, Any] = {"np": np, "math": math}
    exec(compile(source, f"<symdiff {name}>", "exec"), namespace)  # a constant of this module, never user text
    function: Callable[..., Any] = namespace[name]
    return function


_real_nthroot = _compiled("nthroot", "a, b", NTHROOT_SOURCE)


def numpy_nthroot(x: Any, n: Any) -> Any:
    """The real n-th root on arrays; on complex ones (complex step) its analytic continuation on either side of 0."""
    if np.iscomplexobj(x):
        x = np.asarray(x)
        with np.errstate(all="ignore"):
            return np.where(x.real >= 0, x ** (1.0 / n), -((-x) ** (1.0 / n)))[()]
    return _real_nthroot(x, n)


numpy_sinc = _compiled("sinc", "x", SINC_SOURCE)


# -- PyTorch and JAX: Γ as exp(ln|Γ|) times its sign, polygamma through Hurwitz's zeta ----------


def _poles_left(framework: str, v: str) -> str:
    """How many poles of Γ lie between v and 0 (⌊min(v, 0)⌋, negated): Γ(v) has the sign (-1) to that power."""
    if framework == "torch":
        return f"torch.floor(torch.clamp({v}, max=0.0))"
    return f"jnp.floor(jnp.minimum({v}, 0.0))"


def gamma_framework(framework: str, v: str) -> str:
    """Γ(v) for PyTorch or JAX, which have ln|Γ| (with its derivative ψ) but not Γ itself on negatives."""
    if framework == "torch":
        return f"torch.exp(torch.lgamma({v})) * (1 - 2 * torch.remainder({_poles_left('torch', v)}, 2))"
    return f"jnp.exp(jax.scipy.special.gammaln({v})) * (1 - 2 * jnp.remainder({_poles_left('jax', v)}, 2))"


def binomial_framework(framework: str) -> str:
    if framework == "torch":
        n, k = "torch.as_tensor(a, dtype=torch.float64)", "torch.as_tensor(b, dtype=torch.float64)"
        log_gamma, remainder = "torch.lgamma", "torch.remainder"
        exp = "torch.exp"
    else:
        n, k, log_gamma, remainder, exp = (
            "jnp.asarray(a)",
            "jnp.asarray(b)",
            "jax.scipy.special.gammaln",
            "jnp.remainder",
            "jnp.exp",
        )
    arguments = (f"{n} + 1", f"{k} + 1", f"{n} - {k} + 1")
    logs = " - ".join(f"{log_gamma}({v})" for v in arguments)
    poles = " + ".join(_poles_left(framework, v) for v in arguments)
    return f"{exp}({logs}) * (1 - 2 * {remainder}({poles}, 2))"


# torch's own polygamma(1, x) is good to 1e-10 only, its Hurwitz zeta to an ulp: ψ⁽ⁿ⁾(x) = (-1)ⁿ⁺¹ n! ζ(n + 1, x)
POLYGAMMA_TORCH = (
    "torch.special.digamma(torch.as_tensor(b, dtype=torch.float64)) if a == 0 else "
    "(-1) ** (int(a) + 1) * torch.prod(torch.arange(1, int(a) + 1, dtype=torch.float64)) "
    "* torch.special.zeta(torch.as_tensor(a + 1.0, dtype=torch.float64), torch.as_tensor(b, dtype=torch.float64))"
)
