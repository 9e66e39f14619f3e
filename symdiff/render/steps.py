"""Text, LaTeX, Markdown and JSON views of a ``Derivation``.

The printers extend symdiff's own (``printing.TexPrinter``, ``printing.TextPrinter``) with
the pieces a derivation line has: derivative operators with their operand in parentheses
(d/dx of an expression, ∂/∂a when the function has several variables), sums and products
in the order a rule wrote them, and ∂y/∂h for a line of a program.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Sequence
from itertools import groupby
from typing import TYPE_CHECKING, Any, ClassVar, TypeGuard, TypeVar, cast

import mpmath
import sympy as sp
from sympy.printing.precedence import PRECEDENCE, precedence

from ..language.forms import Factors, LocalDerivative, Terms, is_template, reading_order
from ..language.printing import TexPrinter, TextPrinter, name_latex, terminating_decimal, to_latex, to_text
from . import matrix_steps
from .jsonutil import dumps
from .latex_text import escaped
from .width import PAGE_WIDTH, fitted, latex_width

if TYPE_CHECKING:
    from ..comparison.explain import Explanation
    from ..stepwise.matrix import MatrixDerivation
    from ..stepwise.record import Derivation, Section, Step

SHOWN_DIGITS = 6  # significant digits of the numbers in a derivation at a point
TEXT_COLUMN = 64  # text output aligns the rule labels after lines up to this long
_LABEL_GAP = 2.0  # between a line and its label, in the units of latex_width

# -- printers ------------------------------------------------------------------------------


def _split_sign(term: sp.Expr) -> tuple[bool, sp.Expr]:
    """(True, t) when ``term`` is −t, so that a sum can show it as a subtraction; (False, t) when it
    is −(−t), which would print as --t."""
    negative, magnitude = _split_one_sign(term)
    if negative:
        twice, inner = _split_one_sign(magnitude)
        if twice:
            return False, inner
    return negative, magnitude


def _split_one_sign(term: sp.Expr) -> tuple[bool, sp.Expr]:
    if isinstance(term, Factors):
        head, *rest = term.args
        if head == -1:
            return True, rest[0] if len(rest) == 1 else Factors(*rest, evaluate=False)
        # -sin(v)·dv/dx starts with a minus sign (a sum such as 1 - tanh(v)^2 does not).
        if not isinstance(head, (sp.Add, Terms)) and head.could_extract_minus_sign():
            return True, Factors(-head, *rest, evaluate=False)
        return False, term
    if isinstance(term, Terms):
        return False, term
    if term.could_extract_minus_sign():
        return True, -term
    return False, term


def _is_denominator(factor: sp.Expr) -> bool:
    return isinstance(factor, sp.Pow) and factor.exp == -1


def _has_denominator(expr: sp.Expr) -> bool:
    return isinstance(expr, Factors) and any(_is_denominator(a) for a in expr.args)


def _grouped(variables: Sequence[sp.Symbol]) -> list[tuple[sp.Symbol, int]]:
    """The denominator of a derivative operator, last variable first: ∂²f/∂x∂y is ∂/∂x(∂f/∂y),
    as SymPy prints Derivative(f, y, x) (differentiated by y, then by x)."""
    return [(v, len(list(run))) for v, run in groupby(reversed(variables))]


class _Layout:
    """How both printers show a rule's layout: sums with their signs, products, fractions.

    Each printer says how it writes parentheses, a product sign and a fraction.
    """

    _times = "*"  # as the text printer writes every other product: one sign throughout
    _minus = "-"
    _fractions_need_parentheses = True  # (a/b)·c in text; a LaTeX \frac needs none

    if TYPE_CHECKING:

        def _print(self, expr: Any, **kwargs: Any) -> str: ...  # from the SymPy printer this is mixed into

    def _wrap(self, text: str) -> str:
        return f"({text})"

    def _as_ordered_terms(self, expr: sp.Expr, order: Any = None) -> list[sp.Expr]:
        return reading_order(list(super()._as_ordered_terms(expr, order)))  # type: ignore[misc]

    def _fraction(self, numerator: Sequence[sp.Expr], denominator: Sequence[sp.Expr]) -> str:
        raise NotImplementedError

    def _print_Terms(self, expr: Terms) -> str:
        parts = []
        for i, term in enumerate(expr.args):
            negative, magnitude = _split_sign(term)
            if not negative:
                parts.append(("" if i == 0 else " + ") + self._print(magnitude))
                continue
            shown = self._wrap(self._print(magnitude)) if isinstance(magnitude, sp.Add) else self._print(magnitude)
            parts.append((self._minus if i == 0 else " - ") + shown)
        return "".join(parts)

    def _print_Factors(self, expr: Factors) -> str:
        negative, magnitude = _split_sign(expr)
        args = magnitude.args if isinstance(magnitude, Factors) else (magnitude,)
        numerator = [a for a in args if not _is_denominator(a)]
        denominator = [a.base for a in args if _is_denominator(a)]
        body = self._fraction(numerator, denominator) if denominator else self._product(numerator)
        return (self._minus if negative else "") + body

    def _product(self, factors: Sequence[sp.Expr]) -> str:
        return self._times.join(
            self._wrap(self._print(f)) if self._needs_parentheses(f, first=i == 0) else self._print(f)
            for i, f in enumerate(factors)
        )

    def _needs_parentheses(self, factor: sp.Expr, first: bool) -> bool:
        if isinstance(factor, sp.Add):  # Terms too
            return True
        if _split_sign(factor)[0]:
            return not first
        if self._fractions_need_parentheses and _has_denominator(factor):
            return True
        return precedence(factor) < PRECEDENCE["Mul"]


class StepTexPrinter(_Layout, TexPrinter):
    """LaTeX for derivation lines."""

    _default_settings: ClassVar[dict[str, Any]] = {**TexPrinter._default_settings, "ordinary": False}
    _times = r" \cdot "
    _minus = "- "
    _fractions_need_parentheses = False

    def _operator(self, variables: Sequence[sp.Symbol], top: str = "") -> str:
        d = "d" if self._settings["ordinary"] else r"\partial"
        order = f"^{{{len(variables)}}}" if len(variables) > 1 else ""
        below = " ".join(f"{d} {self._print(v)}" + (f"^{{{n}}}" if n > 1 else "") for v, n in _grouped(variables))
        return rf"\frac{{{d}{order}{top}}}{{{below}}}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if isinstance(expr.expr, sp.Symbol):  # Leibniz: df/dx, ∂²L/∂a∂b
            return self._operator(expr.variables, f" {self._print(expr.expr)}")
        return rf"{self._operator(expr.variables)}\left({self._print(expr.expr)}\right)"

    def _print_LocalDerivative(self, expr: LocalDerivative) -> str:
        return self._operator([expr.var], f" {self._print(expr.name)}")

    def _wrap(self, text: str) -> str:
        return rf"\left({text}\right)"

    def _fraction(self, numerator: Sequence[sp.Expr], denominator: Sequence[sp.Expr]) -> str:
        top = self._print(numerator[0]) if len(numerator) == 1 else (self._product(numerator) or "1")
        return rf"\frac{{{top}}}{{{self._product(denominator)}}}"

    def _print_Float(self, expr: sp.Float) -> str:
        return str(super()._print_Float(sp.Float(expr, SHOWN_DIGITS)))


class StepTextPrinter(_Layout, TextPrinter):
    """Plain text for derivation lines: d/dx(x^2), ∂/∂a(a*b), ∂L/∂y, products with *."""

    _default_settings: ClassVar[dict[str, Any]] = {**TextPrinter._default_settings, "ordinary": False}

    def _operator(self, variables: Sequence[sp.Symbol], top: str = "") -> str:
        d = "d" if self._settings["ordinary"] else "∂"
        order = _superscript(len(variables)) if len(variables) > 1 else ""
        below = "".join(f"{d}{v.name}" + (_superscript(n) if n > 1 else "") for v, n in _grouped(variables))
        return f"{d}{order}{top}/{below}"

    def _print_Derivative(self, expr: sp.Derivative) -> str:
        if isinstance(expr.expr, sp.Symbol):  # Leibniz: df/dx, ∂²L/∂a∂b
            return self._operator(expr.variables, expr.expr.name)
        return f"{self._operator(expr.variables)}({self._print(expr.expr)})"

    def _print_LocalDerivative(self, expr: LocalDerivative) -> str:
        return self._operator([expr.var], expr.name.name)

    def _fraction(self, numerator: Sequence[sp.Expr], denominator: Sequence[sp.Expr]) -> str:
        return f"{self._operand(numerator)}/{self._operand(denominator)}"

    def _operand(self, factors: Sequence[sp.Expr]) -> str:
        """One side of a fraction: in parentheses unless it is a single tight factor."""
        if not factors:
            return "1"
        if len(factors) > 1:
            return self._wrap(self._product(factors))
        tight = precedence(factors[0]) > PRECEDENCE["Mul"] and not is_template(factors[0])
        return self._print(factors[0]) if tight else self._wrap(self._print(factors[0]))

    def _print_Float(self, expr: sp.Float) -> str:
        return mpmath.nstr(mpmath.mpf(expr), SHOWN_DIGITS)


def _superscript(n: int) -> str:
    return str(n).translate(str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹"))


# While a derivation is rendered, one printer per kind, so that its memo of printed
# sub-expressions serves every line: each line repeats most of the one before it, and
# printing a 300-step derivation line by line afresh took seconds.
_SHARED: contextvars.ContextVar[dict[tuple[type, bool], Any] | None] = contextvars.ContextVar("printers", default=None)


def _printer(kind: type[StepTexPrinter | StepTextPrinter], ordinary: bool) -> Any:
    shared = _SHARED.get()
    if shared is None:
        return kind({"ordinary": ordinary})
    return shared.setdefault((kind, ordinary), kind({"ordinary": ordinary}))


_Render = TypeVar("_Render", bound=Callable[..., Any])


def _sharing_printers(render: _Render) -> _Render:
    @functools.wraps(render)
    def rendered(*args: Any, **kwargs: Any) -> Any:
        if _SHARED.get() is not None:
            return render(*args, **kwargs)
        token = _SHARED.set({})
        try:
            return render(*args, **kwargs)
        finally:
            _SHARED.reset(token)

    return cast(_Render, rendered)


def line_latex(expr: sp.Expr, ordinary: bool) -> str:
    return str(_printer(StepTexPrinter, ordinary).doprint(expr))


def line_text(expr: sp.Expr, ordinary: bool) -> str:
    return str(_printer(StepTextPrinter, ordinary).doprint(expr))


# -- labels --------------------------------------------------------------------------------


def _listed(items: Sequence[str], comma: str, last: str) -> str:
    """a, b and c."""
    return items[0] if len(items) == 1 else comma.join(items[:-1]) + last + items[-1]


def _constant_verb(names: Sequence[str]) -> str:
    return "is a constant" if len(names) == 1 else "are constants"


# Rules whose label is what they say about this step ("c is a constant", "as in step 3").
_SAID_BY_DETAILS = frozenset({"held-constant", "reuse"})


def label_text(step: Step) -> str:
    """The step's rule for people, e.g. "chain rule; u = x^2" or "b and c are constants"."""
    parts = [] if step.rule in _SAID_BY_DETAILS else [step.name]
    if step.constants:
        parts.append(f"{_listed(step.constants, ', ', ' and ')} {_constant_verb(step.constants)}")
    parts.extend(f"{name} = {line_text(expr, False)}" for name, expr in step.where)
    if step.cites is not None:
        parts.append(f"as derived in step {step.cites}")
    if not step.verified:
        parts.append(f"NOT VERIFIED: {step.check}")
    return "; ".join(parts)


def _label_parts(step: Step) -> list[str]:
    """The step's label in LaTeX, in parts: the rule, constants, substitutions, …"""
    number = rf"\text{{({step.number}) }}"
    parts = [] if step.rule in _SAID_BY_DETAILS else [rf"\text{{({step.number}) {escaped(step.name)}}}"]
    if step.constants:
        names = [name_latex(name) for name in step.constants]
        listed = _listed(names, r"\text{, }", r"\text{ and }")
        parts.append(rf"{listed}\text{{ {_constant_verb(step.constants)}}}")
    parts.extend(f"{name_latex(name)} = {line_latex(expr, False)}" for name, expr in step.where)
    if step.cites is not None:
        parts.append(rf"\text{{as derived in step {step.cites}}}")
    if not step.verified:
        parts.append(r"\text{NOT VERIFIED}")
    if step.rule in _SAID_BY_DETAILS:  # its number goes before what it says
        return [number + parts[0], *parts[1:]] if parts else [number]
    return parts


_SEPARATOR = r"\text{; }"


def _label_rows(parts: Sequence[str], room: float) -> list[str]:
    """The label's parts on as few rows as fit in ``room`` (a part is never split)."""
    rows: list[list[str]] = [[]]
    for part in parts:
        if rows[-1] and latex_width(_SEPARATOR.join([*rows[-1], part])) > room:
            rows.append([])
        rows[-1].append(part)
    return [_SEPARATOR.join(row) for row in rows]


# The rule each structural step applies, as a formula ({d} is d or ∂, {x} the variable).
# Keyed by rule id, or by (rule id, name) where one id has several uses; the steps of
# _INSTANCE also show their own instance, and a registry function's step shows only that:
# d/du(sin(u)) = cos(u).
_FORMULAS: dict[str | tuple[str, str], str] = {
    "constant": "{d}/{d}{x}(c) = 0",
    "held-constant": "{d}/{d}{x}(c) = 0 for any c that does not depend on {x}",
    "variable": "{d}{x}/{d}{x} = 1",
    "constant-multiple": "{d}/{d}{x}(c*u) = c*{d}u/{d}{x}",
    "sum": "{d}/{d}{x}(u ± v) = {d}u/{d}{x} ± {d}v/{d}{x}",
    "power": "{d}/{d}{x}({x}^n) = n*{x}^(n - 1)",
    "root": "{d}/{d}{x}({x}^(1/n)) = {x}^(1/n - 1)/n",
    "product": "{d}/{d}{x}(u*v) = {d}u/{d}{x}*v + u*{d}v/{d}{x}",
    "quotient": "{d}/{d}{x}(u/v) = ({d}u/{d}{x}*v - u*{d}v/{d}{x})/v^2",
    "reciprocal": "{d}/{d}{x}(1/v) = -({d}v/{d}{x})/v^2",
    "chain": "{d}/{d}{x}(f(g)) = f'(g)*{d}g/{d}{x}",
    ("chain", "chain rule through the program"): "one product of local derivatives per path from the output to {x}",
    ("chain", "chain rule through the program, summed over the paths"): (
        "one product of local derivatives per path from the output to {x}, summed over the paths"
    ),
    ("chain", "multiply the factors"): "each local derivative replaced by what its section found",
    "exponential": "{d}/{d}{x}(a^{x}) = a^{x}*log(a)",
    "log-base": "log(u, b) = log(u)/log(b), a constant multiple of log(u)",
    "log-differentiation": "y = f^g gives log(y) = g*log(f), so {d}y/{d}{x} = y*{d}/{d}{x}(g*log(f))",
    "substitute": "the substitution name replaced by what it stands for",
    ("substitute", "substitute the lines"): "each name of the program replaced by its line",
    "reuse": "the same derivative as in an earlier step",
    "zero-terms": "u + 0 = u",
    "simplify": "the same expression, simplified",
    "reorder": "the same expression, its factors in the usual order",
    "again": "the next order is the derivative of the one before",
    "definition": "the line of the program that defines the name",
    "names": "the forward pass's names for what they stand for",
    "value": "the last line evaluated at the point",
}
_INSTANCE = frozenset({"power", "root", "exponential"})


def explanation(step: Step, ordinary: bool) -> str:
    """A sentence for the step: its label and the rule as a formula, e.g.
    "product rule: d/dx(u*v) = du/dx*v + u*dv/dx"."""
    formula = _FORMULAS.get((step.rule, step.name), _FORMULAS.get(step.rule))
    parts = [] if formula is None else [formula.format(d="d" if ordinary else "∂", x=step.wrt)]
    if (formula is None or step.rule in _INSTANCE) and step.replacement is not None:
        target = sp.Derivative(step.target, sp.Symbol(step.wrt), evaluate=False)
        parts.append(f"{line_text(target, ordinary)} = {line_text(step.replacement, ordinary)}")
    return f"{label_text(step)}: {', here '.join(parts)}" if parts else label_text(step)


# -- text ----------------------------------------------------------------------------------


def _definitions(d: Derivation) -> list[tuple[str, sp.Expr, mpmath.mpf | None]]:
    """The lines of a program derived through them (with their values at the point), which the
    derivation refers to by name."""
    if d.program is None:
        return []
    return [(line.name, line.expression, d.values.get(line.name)) for line in d.program.definitions]


def _given(d: Derivation, name: str, value: mpmath.mpf, *, latex: bool = False) -> str:
    """A coordinate of the point as it was given: π when it was, else the number."""
    exact = d.exact_at.get(name)
    if exact is None or exact.is_Float:
        return _number(value)
    decimal = terminating_decimal(exact)  # 0.1 was given, read exactly as 1/10
    if decimal is not None:
        return decimal
    return to_latex(exact) if latex else to_text(exact)


def _inputs(d: Derivation) -> list[tuple[str, mpmath.mpf]]:
    return [(name, value) for name, value in d.values.items() if name in d.variables]


def _in_matrix_form(d: Derivation | MatrixDerivation) -> TypeGuard[MatrixDerivation]:
    """A derivation of a program over arrays (backpropagation in matrix form), which has views of its own."""
    return d.form == "matrix"


def _scalar(d: Derivation | MatrixDerivation) -> TypeGuard[Derivation]:
    return d.form == "scalar"


@_sharing_printers
def text(d: Derivation | MatrixDerivation) -> str:
    if _in_matrix_form(d):
        return matrix_steps.text(d)
    assert _scalar(d)
    given = ", ".join(f"{name} = {_given(d, name, value)}" for name, value in _inputs(d))
    lines = [f"at {given}"] if d.at is not None else []
    for name, expr, value in _definitions(d):
        lines.append(f"{name} = {line_text(expr, d.ordinary)}" + (f" = {_number(value)}" if value is not None else ""))
    rows: list[tuple[str, str]] = []
    for section in d.sections:
        lhs = line_text(section.lhs, d.ordinary)
        for i, step in enumerate(section.steps):
            left = lhs if i == 0 else " " * len(lhs)
            rows.append((f"{left} = {line_text(step.after, d.ordinary)}", f"({step.number}) {label_text(step)}"))
    width = max((len(row) for row, _ in rows if len(row) <= TEXT_COLUMN), default=0)  # long lines push their label
    lines.extend(f"{row.ljust(width)}  {label}" for row, label in rows)
    lines.extend(f"note: {e.message}" for e in d.not_differentiable)
    lines.append(_verdict(d))
    return "\n".join(lines)


def _number(value: mpmath.mpf) -> str:
    return str(mpmath.nstr(value, SHOWN_DIGITS))


def _verdict(d: Derivation) -> str:
    if d.verified:
        return "verified: every step, and the result equals symdiff.diff"
    failed = [str(step.number) for step in d.steps if not step.verified]
    problems = [f"step {', '.join(failed)} not verified"] if failed else []
    if not d.result_verified:
        problems.append(f"the result does not equal symdiff.diff ({d.result_check})")
    return "NOT VERIFIED: " + "; ".join(problems)


# -- LaTeX and Markdown ----------------------------------------------------------------------


@_sharing_printers
def latex(d: Derivation | MatrixDerivation) -> str:
    if _in_matrix_form(d):
        return matrix_steps.latex(d)
    assert _scalar(d)
    rows = []
    if d.at is not None:
        point = r",\; ".join(f"{name_latex(name)} = {_given(d, name, value, latex=True)}" for name, value in _inputs(d))
        rows.append(rf"&\text{{at }} {point}")
    for name, expr, value in _definitions(d):
        shown = "" if value is None else f" = {_number(value)}"
        rows.append(f"{name_latex(name)} &= {line_latex(expr, d.ordinary)}{shown}")
    rows += _step_rows(d)
    for e in d.not_differentiable:
        rows += _kink_rows(e, d.wrt[-1])
    return "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}"


def _step_rows(d: Derivation) -> list[str]:
    """Each step's line and its label: the labels in a column of their own when the derivation
    fits the page that way (``PAGE_WIDTH``), else each label on the rows under its line."""
    lines = []  # (lhs shown, rhs, label parts) per step
    lhs_width = 0.0
    for section in d.sections:
        lhs = line_latex(section.lhs, d.ordinary)
        lhs_width = max(lhs_width, latex_width(lhs))
        lines += [
            (lhs if i == 0 else "", line_latex(step.after, d.ordinary), _label_parts(step))
            for i, step in enumerate(section.steps)
        ]
    if not lines:
        return []
    equals = latex_width("=")
    widest_line = lhs_width + equals + max(latex_width(rhs) for _, rhs, _ in lines)
    widest_label = max(latex_width(_SEPARATOR.join(parts)) for _, _, parts in lines)
    if widest_line + _LABEL_GAP + widest_label <= PAGE_WIDTH:
        return [f"{left} &= {right} && {_SEPARATOR.join(parts)}" for left, right, parts in lines]
    room = PAGE_WIDTH - lhs_width - latex_width(r"\qquad")  # what a row under a line has
    rows = []
    for left, right, parts in lines:
        first, *more = fitted(right, PAGE_WIDTH - lhs_width - equals, room)  # a long line on several rows
        rows += [f"{left} &= {first}", *(rf"&\qquad {piece}" for piece in more)]
        rows += [rf"&\qquad {label}" for label in _label_rows(parts, room)]
    return rows


def _kink_rows(e: Explanation, wrt: str) -> list[str]:
    """Rows saying the derivative does not exist here (the message's expressions are text,
    which LaTeX's \\text cannot take: ^ and _ are math), the slopes on a row of their own."""
    row = rf"&\text{{not differentiable in }}{name_latex(wrt)}\text{{ here}}"
    if e.slopes is None:
        return [row]
    left, right = (f"{s:.6g}" for s in e.slopes)
    return [row + r"\text{:}", rf"&\qquad\text{{one-sided slopes }}{left}\text{{ (left) and }}{right}\text{{ (right)}}"]


def markdown(d: Derivation | MatrixDerivation) -> str:
    if _in_matrix_form(d):
        return matrix_steps.markdown(d)
    assert _scalar(d)
    names = list(dict.fromkeys(step.name for step in d.steps))
    parts = [f"$$\n{latex(d)}\n$$", "Rules used: " + ", ".join(names) + "."]
    parts.extend(f"Note: {e.message}." for e in d.not_differentiable)
    parts.append(_verdict(d).capitalize() + ".")
    return "\n\n".join(parts)


# -- JSON --------------------------------------------------------------------------------------


def _step_data(step: Step, ordinary: bool) -> dict[str, Any]:
    return {
        "number": step.number,
        "rule": step.rule,
        "name": step.name,
        "explanation": explanation(step, ordinary),
        "target": to_text(step.target),
        "wrt": step.wrt,
        "before": line_text(step.before, ordinary),
        "after": line_text(step.after, ordinary),
        "latex": line_latex(step.after, ordinary),
        "constants": list(step.constants),
        "where": {name: to_text(expr) for name, expr in step.where},
        "cites": step.cites,
        "verified": step.verified,
        "check": step.check,
    }


def _section_data(section: Section, ordinary: bool) -> dict[str, Any]:
    return {
        "lhs": line_text(section.lhs, ordinary),
        "latex": line_latex(section.lhs, ordinary),
        "steps": [_step_data(step, ordinary) for step in section.steps],
    }


@_sharing_printers
def data(d: Derivation) -> dict[str, Any]:
    result: dict[str, Any] = {
        "expression": to_text(d.expression),
        "function": d.function,
        "variables": list(d.variables),
        "wrt": list(d.wrt),
        "detail": d.detail,
        "sections": [_section_data(section, d.ordinary) for section in d.sections],
        "result": to_text(d.result),
        "result_latex": to_latex(d.result),
        "verified": d.verified,
    }
    if d.at is not None:
        result["at"] = {name: _decimal(v) for name, v in d.at.items()}
        result["value"] = _decimal(d.value)
        result["values"] = {name: _decimal(v) for name, v in d.values.items()}
    if d.not_differentiable:
        result["not_differentiable"] = [
            {"kind": e.kind, "message": e.message, "slopes": None if e.slopes is None else list(e.slopes)}
            for e in d.not_differentiable
        ]
    if d.factors:
        result["factors"] = {name: _decimal(v) for name, v in d.factors.items()}
        result["adjoints"] = {name: _decimal(v) for name, v in d.adjoints.items()}
    return result


def _decimal(value: mpmath.mpf | None) -> str | None:
    """A high-precision decimal string (as the reference values elsewhere in symdiff)."""
    return None if value is None else mpmath.nstr(value, 30)


def json_text(d: Derivation) -> str:
    return dumps(data(d))


def json_many(derivations: Sequence[Derivation | MatrixDerivation]) -> str:
    """Several derivations of one expression as one JSON object."""
    matrix = [d for d in derivations if _in_matrix_form(d)]
    if matrix:  # of one program: all of them in matrix form
        return matrix_steps.json_many(matrix)
    scalar = [d for d in derivations if _scalar(d)]
    first = scalar[0]
    return dumps(
        {
            "expression": to_text(first.expression),
            "variables": list(first.variables),
            "derivations": [data(d) for d in scalar],
            "verified": all(d.verified for d in derivations),
        }
    )
