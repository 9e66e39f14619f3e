"""Views of finite differences: the one-line summary, Markdown for notebooks, and the teaching explanation."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING, Any

import mpmath
import numpy as np

from ..language.printing import _superscript, derivative_latex, derivative_text, name_latex, to_latex, to_text
from .comparison import latex_number

if TYPE_CHECKING:
    from ..finite.explain import Explanation, Sample
    from ..finite.result import FiniteDifference
    from ..finite.stencils import Stencil


def number(value: Any) -> str:
    """A float as Python prints it (shortest round trip), whole numbers without ``.0``."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


def small(value: Any, digits: int = 3) -> str:
    """An error or a bound to a few significant digits (mpmath numbers may be far below a float's range)."""
    if value == 0 or not mpmath.isfinite(value):
        return "0" if value == 0 else ("inf" if value > 0 else "-inf")
    if isinstance(value, mpmath.mpf):
        return mpmath.nstr(value, digits)
    return f"{float(value):.{digits}g}"


def exact_text(value: mpmath.mpf) -> str:
    """The exact value: a whole number as such, else 20 significant digits."""
    if mpmath.isfinite(value) and value == mpmath.floor(value) and abs(value) < 10**16:
        return str(int(value))
    return mpmath.nstr(value, 20)


def signed(value: Any) -> str:
    """`` + 5.1e-12`` or `` - 5.2e-12``, for a sum written out."""
    return f" - {small(-value)}" if value < 0 else f" + {small(value)}"


def step_text(h: float) -> str:
    return "2^-664 ≈ 1e-200" if h == 2.0**-664 else number(h)


def summary(r: FiniteDifference) -> str:
    """``14.00300000000243 ± 0.003 (forward difference, accuracy 1, h = 0.001); warning: …``."""
    if np.ndim(r.value):
        size, ok = np.size(r.value), int(np.count_nonzero(r.ok))
        text = f"finite differences at {size} points ({r.detail}): {ok} of {size} ok"
        return text if r.status == "ok" else f"{text}; {r.reason}"
    text = f"{number(r.value)} ± {small(r.error_bound)} ({r.detail}, h = {step_text(r.step)})"
    return text if r.status == "ok" else f"{text}; warning: {r.reason}"


def markdown(r: FiniteDifference) -> str:
    """For a notebook: the estimate with its bound as math, how it was found, and any warning."""
    if np.ndim(r.value):
        return summary(r)
    derivative = derivative_latex("f", r.wrt, ordinary=len(r.point) <= 1)
    estimate = rf"{latex_number(number(r.value))} \pm {latex_number(small(r.error_bound))}"
    at = ", ".join(f"{name_latex(name)} = {latex_number(number(value))}" for name, value in r.point.items())
    lines = [
        f"${derivative} \\approx {estimate}$ at ${at}$, for $f = {to_latex(r.expression)}$",
        "",
        f"{r.detail}, h = {step_text(r.step)}, {r.evaluations} evaluations of f",
    ]
    if r.status != "ok":
        lines += ["", f"**warning:** {r.reason}"]
    return "\n".join(lines)


def _signature(r: FiniteDifference) -> str:
    names = list(r.point)
    at = ", ".join(f"{name} = {number(value)}" for name, value in r.point.items())
    return f"f({', '.join(names)}) = {to_text(r.expression)} at {at}"


def _notation(r: FiniteDifference) -> str:
    return derivative_text("f", r.wrt, ordinary=len(r.point) <= 1)


def _leading(coefficient: Fraction, accuracy: int, order: int) -> str:
    """The leading truncation term as a formula: h·f''(x)/2, h²·f'''(x)/6, …"""
    primes = "'" * order if order <= 3 else f"⁽{_superscript(order)}⁾"
    power = "h" if accuracy == 1 else f"h{_superscript(accuracy)}"
    numerator = "" if abs(coefficient.numerator) == 1 else f"{abs(coefficient.numerator)}·"
    denominator = "" if coefficient.denominator == 1 else f"/{coefficient.denominator}"
    sign = "-" if coefficient < 0 else ""
    return f"{sign}{numerator}{power}·f{primes}(x){denominator}"


def _sum(samples: tuple[Sample, ...], shown: Any) -> str:
    """Σ wᵢ·shown(sample), furthest point first, with the weights scaled to whole numbers."""
    scale = _scale(samples)
    text = ""
    for sample in sorted(samples, key=lambda s: s.offset, reverse=True):
        c = sample.weight * scale
        text_of = shown(sample)
        if text and text_of.startswith("-"):
            text_of = f"({text_of})"  # a - (-6.9) reads better than a - -6.9
        term = f"{'' if abs(c) == 1 else f'{abs(c)}·'}{text_of}"
        text = f"{'-' if c < 0 else ''}{term}" if not text else f"{text} {'-' if c < 0 else '+'} {term}"
    return text


def _scale(samples: tuple[Sample, ...]) -> int:
    scale = 1
    for sample in samples:
        scale = scale * sample.weight.denominator // np.gcd(scale, sample.weight.denominator)
    return scale


def explanation_text(e: Explanation) -> str:
    r = e.result
    lines = [_signature(r)]
    if r.stencil is not None:
        lines += _stencil_lines(e)
    elif r.method == "complex" and len(r.wrt) == 1:
        lines += [
            f"complex step with h = {step_text(r.step)}:",
            f"  {_notation(r)} ≈ Im f(x + ih) / h = {number(r.value)}",
        ]
    else:
        lines.append(f"{r.detail}, h = {step_text(r.step)}: {_notation(r)} ≈ {number(r.value)}")
        if r.digits:
            lines.append(f"  at full precision: {r.digits}")
    lines.append(f"exact: {_notation(r)} = {to_text(e.derivative)} = {exact_text(e.exact)}")
    lines += _error_lines(e)
    if not np.isfinite(r.error_bound):
        lines.append("error bound: none: the analysis does not apply here (see the status)")
    else:
        bound = f"error bound: {small(mpmath.mpf(r.error_bound), 12)}"
        if r.truncation is not None:
            bound += f" (truncation ≤ {small(r.truncation)}, rounding ≤ {small(r.rounding)})"
        elif r.method == "complex":
            bound += ", certified by enclosing the exact derivative with interval arithmetic"
        lines.append(f"{bound}: {'it holds' if e.held else 'IT DOES NOT HOLD (please report this)'}")
    lines.append(f"status: {r.status}" + (f": {r.reason}" if r.reason else ""))
    return "\n".join(lines)


def _stencil_lines(e: Explanation) -> list[str]:
    r = e.result
    assert r.stencil is not None
    name = r.wrt[0]
    h = number(r.step)
    scale = _scale(e.samples)
    power = "" if r.stencil.derivative == 1 else "²"
    denominator = f"{h}{power}" if scale == 1 else f"({scale}·{h}{power})"
    header = r.detail if r.method != "richardson" else f"Richardson extrapolation, best entry: {r.detail}"
    left, right = formula(r.stencil, variable=name).split(" ≈ ")
    indent = " " * (len(left) + 1)
    return [
        f"{header}, h = {h}:",
        f"  {left} ≈ {right}",
        f"  {indent}= [{_sum(e.samples, lambda s: f'f({number(s.stored)})')}] / {denominator}",
        f"  {indent}= [{_sum(e.samples, lambda s: number(s.value))}] / {denominator}",
        f"  {indent}= {number(r.value)}",
    ]


def _part(label: str, value: Any, text: str) -> str:
    return f"  {label:<10} {small(value):>10}  {text}"


def _error_lines(e: Explanation) -> list[str]:
    r = e.result
    lines = [f"true error: {small(e.true_error, 12)}" + (", made of" if e.truncation is not None else "")]
    if e.truncation is None or e.rounding is None:
        return lines
    if r.stencil is None or e.leading is None or e.step is None:  # the complex step
        lines.append(
            _part("truncation", e.truncation, "≈ -h²·f'''(x)/6: nothing (and no subtraction, no cancellation)")
        )
        lines.append(_part("rounding", e.rounding, "inside f"))
        return lines
    leading = _leading(r.stencil.coefficient, r.stencil.accuracy, r.stencil.accuracy + r.stencil.derivative)
    if e.smooth:
        why = f"the formula itself, in exact arithmetic (≈ {leading} = {small(e.leading)})"
    else:
        why = "the formula across a kink or jump, in exact arithmetic (Taylor's estimate does not apply here)"
    lines.append(_part("truncation", e.truncation, why))
    moved = [s for s in e.samples if mpmath.mpf(s.stored) != s.intended]
    if moved:
        s = moved[0]
        stored = mpmath.nstr(mpmath.mpf(s.stored), 21)
        where = f"{r.wrt[0]} {'-' if s.offset < 0 else '+'} {_offset(s)} = {mpmath.nstr(s.intended, 17)}"
        lines.append(_part("step", e.step, f"{where} is stored as {stored}"))
    else:
        lines.append(_part("step", e.step, "the points are exact floats"))
    lines.append(_part("rounding", e.rounding, "each f value is rounded; subtracting close values loses digits"))
    lines.append(
        f"so {number(r.value)} = {exact_text(e.exact)}{signed(e.truncation)}{signed(e.step + e.rounding)}"
        "  (exact + truncation + rounding)"
    )
    return lines


def _offset(s: Sample) -> str:
    return "h" if abs(s.offset) == 1 else f"{abs(s.offset)}h"


def formula(s: Stencil, name: str = "f", variable: str = "x") -> str:
    """The stencil as a textbook writes it, furthest point forward first: ``f'(x) ≈ [f(x + h) - f(x)] / h``."""
    scale = math.lcm(*(w.denominator for w in s.weights))
    text = ""
    for offset, weight in sorted(zip(s.offsets, s.weights, strict=True), reverse=True):
        coefficient = weight * scale
        shown = "" if abs(coefficient) == 1 else str(abs(coefficient))
        sign = "-" if coefficient < 0 else "+"
        term = f"{shown}{name}({_point(offset, variable)})"
        text = f"{'-' if sign == '-' else ''}{term}" if not text else f"{text} {sign} {term}"
    primes = "'" * s.derivative
    step = "h" if s.derivative == 1 else "h²"
    denominator = f"{scale}{step}" if scale != 1 else step
    return f"{name}{primes}({variable}) ≈ [{text}] / {denominator}"


def _point(offset: Fraction, variable: str) -> str:
    if offset == 0:
        return variable
    magnitude = abs(offset)
    if magnitude == 1:
        shown = "h"
    elif magnitude.denominator == 1:
        shown = f"{magnitude.numerator}h"
    else:
        shown = f"{'' if magnitude.numerator == 1 else magnitude.numerator}h/{magnitude.denominator}"  # h/2, 5h/2
    return f"{variable} {'-' if offset < 0 else '+'} {shown}"
