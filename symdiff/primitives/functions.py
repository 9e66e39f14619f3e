"""SymPy functions that SymPy lacks or cannot differentiate: activations, real roots, accurate exp and log.

They are real SymPy functions (not expanded formulas), so derivatives stay readable:
``diff(sigmoid(x), x) == sigmoid(x)*(1 - sigmoid(x))``. They print as σ(x), ReLU(x),
softplus(x) and ∛x in pretty and LaTeX output, and by their parseable names in plain text.
The registry (``symdiff.primitives.registry``) ties them to their NumPy and mpmath implementations.
"""

from __future__ import annotations

from typing import Any

import mpmath
import sympy as sp
from sympy.core.function import ArgumentIndexError
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects, never text

from ..errors import SymdiffError


def _expressions(name: str, args: tuple[Any, ...]) -> list[sp.Expr]:
    """The arguments as SymPy expressions, refusing text.

    SymPy's ``Function`` would ``sympify`` a string, which evaluates it as Python
    (``sigmoid("__import__('os').system(...)")`` ran the command): strict conversion takes
    numbers and expressions only.
    """
    converted = []
    for arg in args:
        if isinstance(arg, (str, bytes)):
            raise SymdiffError(
                f"{name} takes a SymPy expression, not text; to read text use symdiff.parse('{name}(x)')"
            )
        try:
            expr = arg if isinstance(arg, sp.Basic) else _sympify(arg)
        except sp.SympifyError:
            raise SymdiffError(f"{name} takes a SymPy expression, got {type(arg).__name__}") from None
        if not isinstance(expr, sp.Expr) or expr.is_extended_real is False:
            raise SymdiffError(f"{name} takes a real expression, got {type(expr).__name__} {_shown(expr)}")
        converted.append(expr)
    return converted


def _shown(expr: Any) -> str:
    try:
        text = sp.sstr(expr)
    except (ValueError, RecursionError):
        return ""
    return text if len(text) <= 40 else text[:39] + "…"


class _StrictArguments:
    """Put first among a SymPy function's bases: its arguments are converted by ``_expressions``, never from text."""

    def __new__(cls, *args: Any, **options: Any) -> Any:
        return super().__new__(cls, *_expressions(cls.__name__, args), **options)


class _RealFunction(_StrictArguments, sp.Function):
    """A real function of one real argument, printed with a custom symbol."""

    nargs = 1
    pretty_symbol = ""
    latex_symbol = ""

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_evalf(self, prec: int) -> Any:
        rewritten = self._eval_rewrite_as_exp(self.args[0])
        return rewritten._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:  # pragma: no cover
        raise NotImplementedError

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        symbol = self.latex_symbol
        if symbol in getattr(printer, "variables_shown", ()):  # sigma*sigmoid(sigma) is not σσ(σ)
            symbol = rf"\operatorname{{{type(self).__name__}}}"
        name = symbol if exp is None else f"{symbol}^{{{exp}}}"
        return rf"{name}\left({printer._print(self.args[0])}\right)"

    def _pretty(self, printer: Any) -> Any:
        return printer._print_Function(self, func_name=self.pretty_symbol)


def _known(x: sp.Expr, sign: str) -> bool:
    """Is the sign of ``x`` known to be ``sign`` (``"is_extended_nonnegative"``)? Cheaply: a sum by its terms.

    SymPy's own answer for a sum tries every way to decide and costs milliseconds for a layer's
    w1*x1 + … + w10*x10 + b, which is always undecided; a network of 64 such units took 0.4 s
    to parse. A sum has the sign when all its terms do, which is what SymPy finds in practice.
    """
    if isinstance(x, sp.Add) and not x.is_number:
        return all(getattr(term, sign) for term in x.args)
    return bool(getattr(x, sign))


class sigmoid(_RealFunction):
    """The logistic sigmoid σ(x) = 1/(1 + e^(−x))."""

    pretty_symbol = "σ"
    latex_symbol = r"\sigma"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.S.Half
        if x is sp.S.Infinity:
            return sp.S.One
        if x is sp.S.NegativeInfinity:
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        s = sigmoid(self.args[0])
        return s * (1 - s)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return 1 / (1 + sp.exp(-x))

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_extended_real


class relu(_RealFunction):
    """The rectifier ReLU(x) = max(0, x)."""

    pretty_symbol = "ReLU"
    latex_symbol = r"\operatorname{ReLU}"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if _known(x, "is_extended_nonnegative"):
            return x
        if _known(x, "is_extended_nonpositive"):
            return sp.S.Zero
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        # Heaviside(0) = 1/2: at the kink the symbolic derivative is the average of the
        # one-sided slopes, the same convention the tape uses.
        return sp.Heaviside(self.args[0])

    def _eval_rewrite_as_Max(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.Max(0, x)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.Max(0, x)

    def _eval_is_nonnegative(self) -> bool | None:
        return self.args[0].is_extended_real


class softplus(_RealFunction):
    """The smooth rectifier softplus(x) = ln(1 + e^x)."""

    pretty_symbol = "softplus"
    latex_symbol = r"\operatorname{softplus}"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_zero:
            return sp.log(2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sigmoid(self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_rewrite_as_log(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.log(1 + sp.exp(x))

    def _eval_is_positive(self) -> bool | None:
        return self.args[0].is_extended_real


class cbrt(_RealFunction):
    """The real cube root: cbrt(−8) = −2 (SymPy's ``x**(1/3)`` is the complex principal root)."""

    pretty_symbol = "cbrt"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        if x.is_Rational:
            root = sp.Abs(x) ** sp.Rational(1, 3)
            if root.is_Rational:
                return sp.sign(x) * root
        if x.could_extract_minus_sign():
            return -cls(-x)
        if x.is_Pow and x.exp == 3 and x.base.is_extended_real:
            return x.base
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (3 * cbrt(self.args[0]) ** 2)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        root = rf"\sqrt[3]{{{printer._print(self.args[0])}}}"
        return root if exp is None else rf"\left({root}\right)^{{{exp}}}"


# SymPy's Max and Min compare every pair of their arguments, to drop any that cannot be the
# extreme one: each comparison is an assumptions query, so 100 names take 8 s, and reverse
# mode, which builds max(x0, …, xk) for every k, took minutes. Beyond this many arguments
# only what is linear is done: nested ones flattened, repeats dropped, numbers folded into one.
_PAIRWISE = 8


def _lattice(cls: type, sympy_cls: Any, args: tuple[Any, ...], evaluate: bool, assumptions: Any) -> Any:
    """``sympy_cls(*args)`` (SymPy's Max or Min) for a few arguments; for many, ``cls`` without pairwise comparisons."""
    exprs = _expressions(cls.__name__.lower(), args)
    if not evaluate:
        return sympy_cls.__new__(cls, *exprs, evaluate=False, **assumptions)
    flat = list(dict.fromkeys(a for e in exprs for a in (e.args if isinstance(e, sympy_cls) else (e,))))
    if len(flat) > _PAIRWISE:
        for a in flat:
            if a.is_extended_real is False or (a.is_number and not a.is_comparable):
                raise ValueError(f"the argument {a} is not a real number")
        numbers = [a for a in flat if a.is_number]
        if len(numbers) > 1:
            extreme = max(numbers) if sympy_cls is sp.Max else min(numbers)
            flat = [a for a in flat if not a.is_number] + [extreme]
    if len(flat) <= _PAIRWISE or sympy_cls.zero in flat:
        return sympy_cls(*flat, **assumptions)
    return sympy_cls.__new__(cls, *(a for a in flat if a != sympy_cls.identity), evaluate=False, **assumptions)


class Max(sp.Max):
    """SymPy's Max, built in linear time when it has many arguments (SymPy's is quadratic).

    With up to ``_PAIRWISE`` arguments it *is* SymPy's Max, simplified as SymPy does.
    """

    def __new__(cls, *args: Any, evaluate: bool = True, **assumptions: Any) -> Any:
        return _lattice(cls, sp.Max, args, evaluate, assumptions)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        # SymPy's rebuilds the other arguments with sympy.Max: quadratic again.
        if not 0 < argindex <= len(self.args):
            raise sp.ArgumentIndexError(self, argindex)
        others = [a for i, a in enumerate(self.args) if i != argindex - 1]
        return sp.Heaviside(self.args[argindex - 1] - type(self)(*others))


class Min(sp.Min):
    """SymPy's Min, built in linear time when it has many arguments (see ``Max``)."""

    def __new__(cls, *args: Any, evaluate: bool = True, **assumptions: Any) -> Any:
        return _lattice(cls, sp.Min, args, evaluate, assumptions)

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if not 0 < argindex <= len(self.args):
            raise sp.ArgumentIndexError(self, argindex)
        others = [a for i, a in enumerate(self.args) if i != argindex - 1]
        return sp.Heaviside(type(self)(*others) - self.args[argindex - 1])


class nthroot(_StrictArguments, sp.Function):
    """The real n-th root for a whole n ≥ 2: nthroot(−32, 5) = −2, the real root (SymPy's ``x**(1/5)`` is complex).

    An even n is SymPy's principal root ``x**(1/n)`` (real where x ≥ 0), n = 3 the cube root
    ``cbrt``: only odd n ≥ 5 stay an ``nthroot`` node.
    """

    nargs = 2

    @classmethod
    def eval(cls, x: sp.Expr, n: sp.Expr) -> sp.Expr | None:
        if not (n.is_Integer and n >= 2):
            return None  # the registry refuses it with a message that says where
        if n == 2 or n % 2 == 0:
            return sp.Pow(x, sp.Rational(1, int(n)))
        if n == 3:
            return cbrt(x)
        if x.is_Rational:
            root = sp.Abs(x) ** sp.Rational(1, int(n))
            if root.is_Rational:
                return sp.sign(x) * root
        if x.could_extract_minus_sign():
            return -cls(-x, n)
        if x.is_Pow and x.exp == n and x.base.is_extended_real:
            return x.base
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        if argindex != 1:
            raise ArgumentIndexError(self, argindex)
        x, n = self.args
        return 1 / (n * nthroot(x, n) ** (n - 1))

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_evalf(self, prec: int) -> Any:
        x, n = self.args
        return (sp.sign(x) * sp.Abs(x) ** (1 / n))._eval_evalf(prec)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        x, n = self.args
        root = rf"\sqrt[{printer._print(n)}]{{{printer._print(x)}}}"
        return root if exp is None else rf"\left({root}\right)^{{{exp}}}"


class expm1(_RealFunction):
    """e^x − 1, accurate for small x (``expm1(1e-20)`` is 1e-20, where ``exp(x) - 1`` is 0 in floats)."""

    latex_symbol = r"\operatorname{expm1}"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        value = sp.exp(x)
        return value - 1 if not isinstance(value, sp.exp) else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.exp(self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.exp(x) - 1

    def _eval_evalf(self, prec: int) -> Any:
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_Number:
            return None
        with mpmath.workprec(prec):
            return sp.Float(mpmath.expm1(x._to_mpmath(prec)), precision=prec)


class log1p(_RealFunction):
    """ln(1 + x), accurate for small x (``log1p(1e-20)`` is 1e-20, where ``log(1 + x)`` is 0 in floats)."""

    latex_symbol = r"\operatorname{log1p}"

    @classmethod
    def eval(cls, x: sp.Expr) -> sp.Expr | None:
        value = sp.log(1 + x)
        return value if not isinstance(value, sp.log) else None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return 1 / (1 + self.args[0])

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.log(1 + x)

    def _eval_evalf(self, prec: int) -> Any:
        x = self.args[0]._eval_evalf(prec)
        if x is None or not x.is_Number:
            return None
        with mpmath.workprec(prec):
            value = mpmath.log1p(x._to_mpmath(prec))
            return sp.Float(value, precision=prec) if isinstance(value, mpmath.mpf) else None

    def _eval_is_extended_real(self) -> bool | None:
        # True, False or None: SymPy's S.true from a comparison is not True to the assumptions
        return (self.args[0] + 1).is_positive if self.args[0].is_number else None


class hypot(_StrictArguments, sp.Function):
    """√(a² + b²) without overflow or underflow (``hypot(1e200, 1e200)`` is finite in floats)."""

    nargs = 2

    @classmethod
    def eval(cls, a: sp.Expr, b: sp.Expr) -> sp.Expr | None:
        if a.is_zero:
            return sp.Abs(b)
        if b.is_zero:
            return sp.Abs(a)
        if a.is_number and b.is_number:
            return sp.sqrt(a**2 + b**2)
        return None

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return self.args[argindex - 1] / self

    def _eval_power(self, exponent: sp.Expr) -> sp.Expr | None:
        # hypot(a, b)^2 is a² + b²: the derivative of atan2 reads y/(x² + y²), as a textbook writes it.
        if exponent.is_Integer and exponent % 2 == 0:
            a, b = self.args
            return (a**2 + b**2) ** (exponent / 2)
        return None

    def _eval_is_extended_nonnegative(self) -> bool | None:
        return all(a.is_extended_real for a in self.args) or None

    def _eval_is_extended_real(self) -> bool | None:
        return all(a.is_extended_real for a in self.args) or None

    def _eval_rewrite_as_sqrt(self, a: sp.Expr, b: sp.Expr, **hints: Any) -> sp.Expr:
        return sp.sqrt(a**2 + b**2)

    def _eval_evalf(self, prec: int) -> Any:
        return sp.sqrt(self.args[0] ** 2 + self.args[1] ** 2)._eval_evalf(prec)

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        args = ", ".join(printer._print(a) for a in self.args)
        name = r"\operatorname{hypot}" + (f"^{{{exp}}}" if exp else "")
        return rf"{name}\left({args}\right)"


class floor(_StrictArguments, sp.floor):
    """SymPy's floor ⌊x⌋, with the derivative it has off the integers: 0 (SymPy leaves it unevaluated)."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


class ceiling(_StrictArguments, sp.ceiling):
    """SymPy's ceiling ⌈x⌉, with the derivative it has off the integers: 0."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.Zero


class frac(_StrictArguments, sp.frac):
    """SymPy's fractional part x − ⌊x⌋ (frac(−0.25) = 0.75), with its derivative off the integers: 1."""

    def fdiff(self, argindex: int = 1) -> sp.Expr:
        return sp.S.One

    # SymPy's frac answers frac(x) >= 2 with Python's False, not S.false, and Max(2, frac(x))
    # then fails inside SymPy ('bool' object has no attribute 'is_Relational').
    def __ge__(self, other: Any) -> Any:
        return sp.sympify(super().__ge__(other))

    def __gt__(self, other: Any) -> Any:
        return sp.sympify(super().__gt__(other))


# Past this, SymPy's exact values of gamma's family (and exact work at such points) take too long.
LARGE = 1000


def _large(number: sp.Expr) -> bool:
    return isinstance(number, sp.Number) and (
        abs(number) > LARGE or (isinstance(number, sp.Rational) and number.q > LARGE)
    )


def unevaluated_at_large_numbers(function: Any) -> Any:
    """SymPy's ``function`` (gamma, loggamma, factorial, binomial, polygamma), left unevaluated at large numbers.

    SymPy evaluates them exactly at whole and half-whole numbers: ``loggamma(10**8)`` computes
    the factorial of 99,999,999 and ``polygamma(0, 26193)`` sums 26,192 fractions, each a hang.
    Past 1000 the node stays as written and numbers come from mpmath (the registry).
    """
    name = function.__name__

    def build(*args: Any) -> sp.Expr:
        exprs = _expressions(name, args)
        return function(*exprs, evaluate=not any(_large(e) for e in exprs))

    build.__name__ = build.__qualname__ = name
    return build


gamma = unevaluated_at_large_numbers(sp.gamma)
loggamma = unevaluated_at_large_numbers(sp.loggamma)
factorial = unevaluated_at_large_numbers(sp.factorial)
binomial = unevaluated_at_large_numbers(sp.binomial)
polygamma = unevaluated_at_large_numbers(sp.polygamma)

# What substituting numbers into a formula SymPy built puts in place of SymPy's own classes: the
# derivative of binomial(10**8, x) holds sympy.polygamma, which at x = 2 would sum 10**8 fractions.
GUARDED_AT_LARGE_NUMBERS: dict[Any, Any] = {
    sp.gamma: gamma,
    sp.loggamma: loggamma,
    sp.factorial: factorial,
    sp.binomial: binomial,
    sp.polygamma: polygamma,
}


def left_as_written(node: sp.Basic) -> bool:
    """Whether ``node`` is gamma's family at large numbers only, which SymPy would evaluate if it rebuilt it."""
    return (
        type(node) in GUARDED_AT_LARGE_NUMBERS
        and all(isinstance(a, sp.Number) for a in node.args)
        and any(_large(a) for a in node.args)
    )
