"""How expressions look: plain text a person can type back in, and LaTeX for documents.

``to_text`` writes ``6x - 4``, ``x^2``, ``abs(x)``, ``sigmoid(x)``: the same language the
parser reads, so any output can be pasted back as input. ``to_latex`` is SymPy's LaTeX
printer configured the way textbooks write (``\\ln``, ``\\arcsin``). The notation helpers
write ∂f/∂a (or df/dx when there is only one variable) for text and LaTeX alike.
"""

from __future__ import annotations

import decimal
import re
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from typing import Any

import mpmath
import sympy as sp
from sympy.core.sympify import _sympify  # strict: numbers and SymPy objects, never text
from sympy.printing.latex import LatexPrinter
from sympy.printing.precedence import PRECEDENCE, precedence
from sympy.printing.str import StrPrinter

from ..errors import LimitError, SymdiffError
from ..limits import serialized, sympy_recursion_guard
from ..primitives import registry
from .dag import free_symbols, not_written, printable, tree_size
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


# Sums of up to this many terms are printed in SymPy's reading order. Ordering builds a vector
# of exponents per term over every symbol of the sum (terms × symbols: 1.6 GB for 10,000
# names), so longer sums keep the order SymPy stores them in.
ORDERED_TERMS = 32


# Python refuses to write an integer of more than 4,300 digits with str() (a process-wide
# guard against slow conversions); symdiff writes larger ones itself, through decimal.
_HUGE_BITS = 4_000 * 3.32
_EXACT = decimal.Context(prec=decimal.MAX_PREC, Emax=decimal.MAX_EMAX, Emin=decimal.MIN_EMIN)


def integer_text(n: int) -> str:
    """The decimal digits of ``n``, of any size."""
    return str(n) if n.bit_length() < _HUGE_BITS else str(_EXACT.create_decimal(n))


def integer_from_digits(digits: str) -> int:
    """The integer a string of decimal digits writes, of any length (``int()`` stops at 4,300)."""
    return int(digits) if len(digits) < 4_000 else int(_EXACT.create_decimal(digits))


def _huge(expr: sp.Rational) -> bool:
    return max(abs(expr.p).bit_length(), expr.q.bit_length()) >= _HUGE_BITS


class _Linear:
    """What keeps both printers linear in what they write; mixed into each.

    A shared sub-expression is printed once and its text reused: SymPy's printers walk the
    tree, and ordering each sum's terms again on every path cost 67 µs per node written. And
    only short sums are put in reading order (see ``ORDERED_TERMS``).
    """

    def _print(self, expr: Any, **kwargs: Any) -> str:
        if kwargs or not isinstance(expr, sp.Basic):
            return str(super()._print(expr, **kwargs))  # type: ignore[misc]
        memo: dict[sp.Basic, str] = self.__dict__.setdefault("_printed", {})
        if expr not in memo:
            memo[expr] = str(super()._print(expr))  # type: ignore[misc]
        return memo[expr]

    def _as_ordered_terms(self, expr: sp.Expr, order: Any = None) -> Any:
        if len(expr.args) > ORDERED_TERMS:
            order = "none"
        return super()._as_ordered_terms(expr, order)  # type: ignore[misc]

    def _print_Integer(self, expr: sp.Integer, **kwargs: Any) -> str:
        if _huge(expr):
            return integer_text(expr.p)
        # LaTeX prints integers as rationals
        usual = getattr(super(), "_print_Integer", None) or self._print_Rational  # type: ignore[attr-defined]
        return str(usual(expr, **kwargs))


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


class TextPrinter(_Linear, StrPrinter):
    """SymPy's str printer, changed to write symdiff's input language."""

    def parenthesize(self, item: Any, level: int, strict: bool = False) -> str:
        found = unknown_derivative(item) if level > PRECEDENCE["Mul"] else None
        if found is not None and getattr(found[0], "dependent", False):
            return f"({self._print(item)})"  # dx/dt is a quotient: (dx/dt)^2
        return str(super().parenthesize(item, level, strict))

    def _print_Pow(self, expr: sp.Pow, rational: bool = False) -> str:
        # The form is chosen from the exponent, and base and exponent are printed once each:
        # printing them to find out (as SymPy's output) doubles the work per nested power.
        if expr.exp.is_Rational and expr.exp.is_negative and expr.exp != -1:
            return f"1/{self.parenthesize(sp.Pow(expr.base, -expr.exp), PRECEDENCE['Mul'], strict=True)}"
        if not rational and (expr.exp is sp.S.Half or expr.exp is sp.S.NegativeOne):
            return str(super()._print_Pow(expr, rational))  # sqrt(x), 1/x
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

    def _print_Rational(self, expr: sp.Rational) -> str:
        if _huge(expr):
            return f"{integer_text(expr.p)}/{integer_text(expr.q)}"
        return str(super()._print_Rational(expr))

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


class TexPrinter(_Linear, LatexPrinter):
    """SymPy's LaTeX printer with textbook settings: ln, arcsin, implicit products.

    ``names``: LaTeX for the names that SymPy would write alike (see ``latex_names``); by
    default found among the expression's own symbols.
    """

    def __init__(self, settings: dict[str, Any] | None = None, names: Mapping[str, str] | None = None):
        super().__init__({"ln_notation": True, "inv_trig_style": "full", **(settings or {})})
        self.names = names
        self.variables_shown: frozenset[str] = frozenset()

    def doprint(self, expr: Any) -> str:
        symbols = free_symbols(expr) if isinstance(expr, sp.Basic) else ()
        if self.names is None:
            self.names = latex_names(s.name for s in symbols)
        # A function written as a letter (σ for sigmoid) is spelt out where a variable prints as that letter.
        self.variables_shown = frozenset(self._print(s) for s in symbols)
        return str(super().doprint(expr))

    def _print_Symbol(self, expr: sp.Symbol, style: str = "plain") -> str:
        if self.names and expr.name in self.names:
            return self.names[expr.name]
        return str(super()._print_Symbol(expr, style))

    def _print_Rational(self, expr: sp.Rational) -> str:
        if _huge(expr) and expr.q != 1:
            sign = "- " if expr.p < 0 else ""
            return rf"{sign}\frac{{{integer_text(abs(expr.p))}}}{{{integer_text(expr.q)}}}"
        return integer_text(expr.p) if _huge(expr) else str(super()._print_Rational(expr))

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


# Printing writes a shared part once per use: the derivative of an 8-line program whose lines
# reuse each other is 30 million nodes written out (minutes and gigabytes). Beyond this many
# nodes to_text and to_latex refuse, and the views say how large a formula is instead.
PRINT_NODES = 100_000
_DEEP = "print(symdiff.Tape(expr)) lists it one operation per line"


def _printable(expr: Any, what: str, max_nodes: int) -> sp.Basic:
    """``expr`` as a SymPy object no larger than ``max_nodes`` written out, or an error that says so."""
    if isinstance(expr, (str, bytes)):
        raise SymdiffError(f"{what} takes a SymPy expression, not text; to read text use symdiff.parse")
    if not isinstance(expr, sp.Basic):
        try:
            expr = _sympify(expr)  # numbers; never text
        except sp.SympifyError:
            raise SymdiffError(f"{what} takes a SymPy expression, got {type(expr).__name__}") from None
    size = tree_size(expr)
    if size > max_nodes:
        raise LimitError(
            f"{what}: the formula is {size:,} nodes written out (its shared parts repeated), more than "
            f"max_nodes={max_nodes:,}; pass a larger max_nodes to print it anyway"
        )
    return expr


@serialized
def to_text(expr: sp.Basic, *, max_nodes: int = PRINT_NODES) -> str:
    """Plain text in symdiff's input language: ``to_text(parse("3x^2")) == "3x^2"``.

    Raises:
        LimitError: the formula written out has more than ``max_nodes`` nodes, or is nested
            too deeply for SymPy's printer.
    """
    expr = _printable(expr, "to_text", max_nodes)
    with sympy_recursion_guard("to_text", instead=_DEEP):
        return str(TextPrinter().doprint(expr))


@serialized
def to_latex(
    expr: sp.Basic, *, max_nodes: int = PRINT_NODES, names: Mapping[str, str] | None = None, **settings: Any
) -> str:
    """LaTeX for ``expr`` (KaTeX and MathJax render it); ``settings`` go to SymPy's printer.

    Distinct names print distinctly: ``x1*x_1`` is ``x1 x_{1}``, not ``x_{1} x_{1}``. A
    document of several formulas passes ``names=latex_names(all its names)``.

    Raises:
        LimitError: as ``to_text``.
    """
    expr = _printable(expr, "to_latex", max_nodes)
    with sympy_recursion_guard("to_latex", instead=_DEEP):
        return str(TexPrinter(settings, names).doprint(expr))


def latex_names(names: Iterable[str]) -> dict[str, str]:
    """LaTeX for each name that SymPy would print like another of ``names``; the others print as usual.

    SymPy writes x1 and x_1 both as x_{1}, alpha1 and alpha_1 as \\alpha_{1}. Of such names, the
    one spelt with '_' keeps the subscript it asks for; the others are written as spelt
    (``x1``, in upright digits after an italic letter, as \\mathit{x1}).
    """
    candidates: dict[str, list[str]] = {}
    for name in dict.fromkeys(names):
        candidates.setdefault(name.replace("_", ""), []).append(name)  # cheap: a collision needs the same letters
    distinct: dict[str, str] = {}
    for group in candidates.values():
        if len(group) < 2:
            continue
        printed: dict[str, list[str]] = {}
        for name in group:
            printed.setdefault(str(LatexPrinter()._print_Symbol(sp.Symbol(name))), []).append(name)
        for alike in printed.values():
            keep = next((n for n in sorted(alike) if "_" in n), None)
            distinct |= {n: r"\mathit{" + n.replace("_", r"\_") + "}" for n in alike if n != keep and len(alike) > 1}
    return distinct


def formula_text(expr: sp.Basic) -> str:
    """``to_text(expr)``, or a note with its size when it is too long to read (see ``dag.printable``)."""
    return to_text(expr) if printable(expr) else not_written(expr)


def formula_latex(expr: sp.Basic, names: Mapping[str, str] | None = None) -> str:
    """``to_latex(expr)``, or a note with its size when it is too long to read."""
    return to_latex(expr, names=names) if printable(expr) else rf"\text{{{not_written(expr)}}}"


def name_latex(name: str, names: Mapping[str, str] | None = None) -> str:
    """LaTeX for a variable name: w1 → w_{1}, alpha → \\alpha (``names``: see ``latex_names``)."""
    return to_latex(sp.Symbol(name), names=names or {})


def _grouped(wrt: Sequence[str]) -> list[tuple[str, int]]:
    return [(name, len(list(run))) for name, run in groupby(wrt)]


def derivative_text(function: str, wrt: Sequence[str], ordinary: bool = False) -> str:
    """∂²f/∂a∂b, or d²f/dx² for a function of one variable."""
    d = "d" if ordinary else "∂"
    order = _superscript(len(wrt)) if len(wrt) > 1 else ""
    below = "".join(f"{d}{name}{_superscript(n) if n > 1 else ''}" for name, n in _grouped(wrt))
    return f"{d}{order}{function}/{below}"


def derivative_latex(
    function: str, wrt: Sequence[str], ordinary: bool = False, names: Mapping[str, str] | None = None
) -> str:
    """\\frac{\\partial^{2} f}{\\partial a \\partial b}, or \\frac{d f}{d x} for one variable."""
    d = "d" if ordinary else r"\partial"
    order = f"^{{{len(wrt)}}}" if len(wrt) > 1 else ""
    below = " ".join(f"{d} {name_latex(name, names)}{f'^{{{n}}}' if n > 1 else ''}" for name, n in _grouped(wrt))
    return rf"\frac{{{d}{order} {name_latex(function, names)}}}{{{below}}}"


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
