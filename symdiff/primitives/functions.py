"""SymPy functions that SymPy lacks: the neural-network activations and the real cube root.

They are real SymPy functions (not expanded formulas), so derivatives stay readable:
``diff(sigmoid(x), x) == sigmoid(x)*(1 - sigmoid(x))``. They print as σ(x), ReLU(x),
softplus(x) and ∛x in pretty and LaTeX output, and by their parseable names in plain text.
The registry (``symdiff.primitives.registry``) ties them to their NumPy and mpmath implementations.
"""

from __future__ import annotations

from typing import Any

import sympy as sp

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
            raise SymdiffError(f"{name} takes a SymPy expression, not text; to read text use symdiff.parse('{name}(x)')")
        try:
            expr = sp.sympify(arg, strict=True)
        except sp.SympifyError:
            raise SymdiffError(f"{name} takes a SymPy expression, got {type(arg).__name__}") from None
        if not isinstance(expr, sp.Expr):
            raise SymdiffError(f"{name} takes a real expression, got {type(expr).__name__}")
        converted.append(expr)
    return converted


class _RealFunction(sp.Function):
    """A real function of one real argument, printed with a custom symbol."""

    nargs = 1
    pretty_symbol = ""
    latex_symbol = ""

    def __new__(cls, *args: Any, **options: Any) -> Any:
        return super().__new__(cls, *_expressions(cls.__name__, args), **options)

    def _eval_is_extended_real(self) -> bool | None:
        return self.args[0].is_extended_real

    def _eval_evalf(self, prec: int) -> Any:
        rewritten = self._eval_rewrite_as_exp(self.args[0])
        return rewritten._eval_evalf(prec)

    def _eval_rewrite_as_exp(self, x: sp.Expr, **hints: Any) -> sp.Expr:  # pragma: no cover
        raise NotImplementedError

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        name = self.latex_symbol if exp is None else f"{self.latex_symbol}^{{{exp}}}"
        return rf"{name}\left({printer._print(self.args[0])}\right)"

    def _pretty(self, printer: Any) -> Any:
        return printer._print_Function(self, func_name=self.pretty_symbol)


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
        if x.is_extended_nonnegative:
            return x
        if x.is_extended_nonpositive:
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
