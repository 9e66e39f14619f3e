"""How expressions look: plain text a person can type back in, and LaTeX for documents.

``to_text`` writes ``6x - 4``, ``x^2``, ``abs(x)``, ``sigmoid(x)``: the same language the
parser reads, so any output can be pasted back as input. ``to_latex`` is SymPy's LaTeX
printer configured the way textbooks write (``\\ln``, ``\\arcsin``). The notation helpers
write ∂f/∂a (or df/dx when there is only one variable) for text and LaTeX alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import groupby
from typing import Any

import mpmath
import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from ..primitives import registry
from .unknown import is_dependent, unknown_derivative

# A factor that would glue onto a number as an exponent (3 e2 → 3e2 = 300) or as a missing
# one (2 e → 2e, which the parser refuses as ambiguous): such products keep their '*'.
_EXPONENT_LIKE = re.compile(r"[eE]([+-]?\d|(?![A-Za-z0-9_]))")


class _LogToBase(sp.Function):
    """ln(u)/ln(b) while it is printed, as log_b(u): a stand-in that never leaves this module."""

    nargs = 2

    def _sympystr(self, printer: Any) -> str:
        u, base = (printer._print(a) for a in self.args)
        return f"log{base}({u})" if self.args[1] in (2, 10) else f"log({u}, {base})"

    def _latex(self, printer: Any, exp: str | None = None) -> str:
        name = rf"\log_{{{printer._print(self.args[1])}}}" + (f"^{{{exp}}}" if exp else "")
        return rf"{name}{{\left({printer._print(self.args[0])} \right)}}"


def _with_log_bases(expr: sp.Mul) -> sp.Expr | None:
    """``expr`` with ln(u)/ln(b) as log_b(u) for an integer base b ≥ 2; None when there is none.

    SymPy keeps log2(x) and log(x, b) as ln(x)/ln(b), which, printed as it is, reads as a
    quotient of two logarithms. Only one ln(u) factor and one 1/ln(b): anything else prints as it is.
    """
    logs = [f for f in expr.args if isinstance(f, sp.log)]
    bases = [
        f
        for f in expr.args
        if isinstance(f, sp.Pow) and f.exp == -1 and isinstance(f.base, sp.log) and f.base.args[0].is_Integer
    ]
    if len(logs) != 1 or len(bases) != 1 or bases[0].base.args[0] < 2:
        return None
    rest = [f for f in expr.args if f is not logs[0] and f is not bases[0]]
    return sp.Mul(*rest, _LogToBase(logs[0].args[0], bases[0].base.args[0]))


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def _notation(node: sp.Basic, print_: Any, latex: bool) -> str | None:
    """f′(g(x)), dx/dt, ∂f/∂x(x, y) or ∂₁f(g(x), y) (and their LaTeX) for a derivative of an unknown function."""
    found = unknown_derivative(node)
    if found is None:
        return None
    func, args, slots = found
    name = func.__name__
    shown = name_latex(name) if latex else name
    order = len(slots)
    arguments = ", ".join(print_(a) for a in args)
    call = rf"\left({arguments}\right)" if latex else f"({arguments})"
    if getattr(func, "dependent", False) and len(args) == 1:  # x(t): dx/dt
        t = print_(args[0])
        if latex:
            power = f"^{{{order}}}" if order > 1 else ""
            return rf"\frac{{d{power} {shown}}}{{d {t}{power}}}"
        power = _superscript(order) if order > 1 else ""
        return f"d{power}{name}/d{t}{power}"
    if len(args) == 1:
        if latex:
            primes = "'" * order if order <= 3 else f"^{{({order})}}"
            return f"{shown}{primes}{call}"
        primes = "'" * order if order <= 3 else f"⁽{_superscript(order)}⁾"
        return f"{name}{primes}{call}"
    variables = [args[i] for i in slots]
    if all(isinstance(v, sp.Symbol) for v in variables):  # ∂²f/∂x∂y(x, y)
        return (
            derivative_latex(name, [v.name for v in variables])
            if latex
            else derivative_text(name, [v.name for v in variables])
        ) + call
    positions = "".join(str(i + 1) for i in slots)
    return rf"\partial_{{{positions}}} {shown}{call}" if latex else f"∂{positions.translate(_SUBSCRIPTS)}{name}{call}"


class TextPrinter(StrPrinter):
    """SymPy's str printer, changed to write symdiff's input language."""

    def parenthesize(self, item: Any, level: int, strict: bool = False) -> str:
        found = unknown_derivative(item) if level > PRECEDENCE["Mul"] else None
        if found is not None and getattr(found[0], "dependent", False):
            return f"({self._print(item)})"  # dx/dt is a quotient: (dx/dt)^2
        return str(super().parenthesize(item, level, strict))

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        if expr.exp.is_Rational and expr.exp.is_negative and expr.exp != -1:
            return f"1/{self.parenthesize(sp.Pow(expr.base, -expr.exp), PRECEDENCE['Mul'], strict=True)}"
        text: str = super()._print_Pow(expr, rational)
        if "**" not in text:
            return text  # sqrt(x), 1/x, 1/sqrt(x)
        prec = precedence(expr)
        base = self.parenthesize(expr.base, prec, strict=False)
        exponent = self.parenthesize(expr.exp, prec, strict=False)
        return f"{base}^{exponent}"

    def _print_Mul(self, expr: sp.Mul) -> str:
        # An integer times one factor is written the way people write it: 6x, 3x^2, 2sin(x).
        based = _with_log_bases(expr)
        if based is not None:
            return str(self._print(based))
        coeff, rest = expr.as_coeff_Mul()
        if coeff.is_Integer and abs(coeff) != 1 and not rest.is_Mul and not rest.is_Number:
            factor = self.parenthesize(rest, PRECEDENCE["Mul"], strict=False)
            # Only before a name or a parenthesis: 2 1/x would glue into 21/x.
            if (factor[0].isalpha() or factor[0] == "(") and not _EXPONENT_LIKE.match(factor):
                return f"{self._print(coeff)}{factor}"
        return str(super()._print_Mul(expr))

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Function(self, expr: Any) -> str:
        if is_dependent(expr):
            return str(expr.func.__name__)  # x, declared to depend on t, is written x
        name = registry.text_name(expr) or expr.func.__name__
        args = getattr(expr, "pargs", expr.args)  # Heaviside(x) keeps a hidden H0 = 1/2
        return f"{name}({self.stringify(args, ', ')})"

    def _print_Derivative(self, expr: Any) -> str:
        return _notation(expr, self._print, latex=False) or str(super()._print_Derivative(expr))

    def _print_Subs(self, expr: Any) -> str:
        return _notation(expr, self._print, latex=False) or str(super()._print_Subs(expr))

    _print_Heaviside = _print_Function
    _print_Max = _print_Function
    _print_Min = _print_Function


class TexPrinter(LatexPrinter):
    """SymPy's LaTeX printer with textbook settings: ln, arcsin, implicit products."""

    def __init__(self, settings: dict[str, Any] | None = None):
        super().__init__({"ln_notation": True, "inv_trig_style": "full", **(settings or {})})
        self.variables_shown: frozenset[str] = frozenset()

    def doprint(self, expr: Any) -> str:
        # A function written as a letter (σ for sigmoid) is spelt out where a variable prints as that letter.
        symbols = expr.free_symbols if isinstance(expr, sp.Basic) else ()
        self.variables_shown = frozenset(self._print(s) for s in symbols)
        return str(super().doprint(expr))

    def _print_Mul(self, expr: sp.Mul) -> str:
        based = _with_log_bases(expr)
        return str(super()._print_Mul(expr) if based is None else self._print(based))

    def _print_Derivative(self, expr: Any) -> str:
        return _notation(expr, self._print, latex=True) or str(super()._print_Derivative(expr))

    def _print_Subs(self, subs: Any) -> str:
        return _notation(subs, self._print, latex=True) or str(super()._print_Subs(subs))

    def _print_Function(self, expr: Any, exp: str | None = None) -> str:
        if is_dependent(expr):  # x, declared to depend on t, is written x
            name = name_latex(expr.func.__name__)
            return name if exp is None else f"{name}^{{{exp}}}"
        return str(super()._print_Function(expr, exp))

    def _print_Heaviside(self, expr: Any, exp: str | None = None) -> str:
        # SymPy writes θ(x), which reads as a variable theta times (x): theta*relu(theta) as θθ(θ).
        name = registry.for_sympy_node(expr).latex  # type: ignore[union-attr]
        tex = rf"{name}\left({self._print(expr.pargs[0])}\right)"
        return tex if exp is None else rf"\left({tex}\right)^{{{exp}}}"


def to_text(expr: sp.Basic) -> str:
    """Plain text in symdiff's input language: ``to_text(parse("3x^2")) == "3x^2"``."""
    return str(TextPrinter().doprint(expr))


def to_latex(expr: sp.Basic, **settings: Any) -> str:
    """LaTeX for ``expr`` (KaTeX and MathJax render it); ``settings`` go to SymPy's printer."""
    return str(TexPrinter(settings).doprint(expr))


def name_latex(name: str) -> str:
    """LaTeX for a variable name: w1 → w_{1}, alpha → \\alpha."""
    return to_latex(sp.Symbol(name))


def _grouped(wrt: Sequence[str]) -> list[tuple[str, int]]:
    return [(name, len(list(run))) for name, run in groupby(wrt)]


def derivative_text(function: str, wrt: Sequence[str], ordinary: bool = False) -> str:
    """∂²f/∂a∂b, or d²f/dx² for a function of one variable."""
    d = "d" if ordinary else "∂"
    order = _superscript(len(wrt)) if len(wrt) > 1 else ""
    below = "".join(f"{d}{name}{_superscript(n) if n > 1 else ''}" for name, n in _grouped(wrt))
    return f"{d}{order}{function}/{below}"


def derivative_latex(function: str, wrt: Sequence[str], ordinary: bool = False) -> str:
    """\\frac{\\partial^{2} f}{\\partial a \\partial b}, or \\frac{d f}{d x} for one variable."""
    d = "d" if ordinary else r"\partial"
    order = f"^{{{len(wrt)}}}" if len(wrt) > 1 else ""
    below = " ".join(f"{d} {name_latex(name)}{f'^{{{n}}}' if n > 1 else ''}" for name, n in _grouped(wrt))
    return rf"\frac{{{d}{order} {name_latex(function)}}}{{{below}}}"


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


def scientific(value: mpmath.mpf, digits: int = 6) -> str:
    """A number of any size in scientific notation: 1e400 is 1.0e+400, 0.5^(1e300) is 10^(-3.0103e+299)."""
    if not mpmath.isfinite(value) or value == 0:
        return str(float(value)) if value != 0 else "0"
    with mpmath.workdps(digits + 5):
        exponent = mpmath.log10(abs(value))
        if abs(exponent) < 10**6:
            return mpmath.nstr(value, digits, min_fixed=-4, max_fixed=digits)
        sign = "-" if value < 0 else ""
        return f"{sign}10^({mpmath.nstr(exponent, digits)})"


def terminating_decimal(value: sp.Expr, digits: int = 15) -> str | None:
    """A rational with a finite decimal expansion of at most ``digits`` significant digits as one: -17/5 is -3.4."""
    if not value.is_Rational or value.is_Integer:
        return None
    q = int(value.q)
    twos, fives = 0, 0
    while q % 2 == 0:
        q, twos = q // 2, twos + 1
    while q % 5 == 0:
        q, fives = q // 5, fives + 1
    if q != 1:
        return None
    places = max(twos, fives)
    scaled = abs(int(value.p)) * 10**places // int(value.q)
    if len(str(scaled).rstrip("0")) > digits:
        return None
    whole, fraction = divmod(scaled, 10**places)
    sign = "-" if value < 0 else ""
    return f"{sign}{whole}.{str(fraction).rjust(places, '0').rstrip('0')}"
