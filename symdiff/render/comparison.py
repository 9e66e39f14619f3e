"""Text, JSON, LaTeX and Markdown views of a ``Comparison``. They format; they never compute."""

from __future__ import annotations

import math
from decimal import Decimal, localcontext
from typing import TYPE_CHECKING, Any

import mpmath

from ..language.printing import (
    derivative_latex,
    derivative_text,
    formula_latex,
    formula_text,
    latex_names,
    name_latex,
    scientific,
    to_latex,
    to_text,
)
from .jsonutil import dumps, formula_data, number
from .latex_text import latex_text

if TYPE_CHECKING:
    from ..comparison.compare import Comparison, MethodValue, Row

METHODS = ("symbolic", "autodiff", "finite difference", "reference")


def value_text(value: float) -> str:
    """A method's value: enough digits to see where methods part (14.0030000000017)."""
    if math.isnan(value) or math.isinf(value):
        return str(value)
    return str(int(value)) if value == int(value) and abs(value) < 1e15 else f"{value:.15g}"


def reference_text(value: mpmath.mpf, digits: int = 15) -> str:
    if not mpmath.isfinite(value):
        return "nan" if mpmath.isnan(value) else ("inf" if value > 0 else "-inf")
    # |value| first: int() of 2e678219 would build a 678219-digit integer.
    return value_text(float(value)) if abs(value) < 1e15 and value == int(value) else mpmath.nstr(value, digits)


def error_text(method: MethodValue) -> str:
    if math.isnan(method.absolute_error):
        return "n/a"
    return "0" if method.absolute_error == 0 else f"{method.absolute_error:.2g}"


def _finite_cells(row: Row) -> tuple[str, str]:
    fd, error = row.finite, row.finite_error
    if fd is None or error is None:
        return "not applicable", ""
    if not row.finite_certified:
        # Not certified (the reason is given below the table); where f is undefined the number is noise.
        return ("n/a" if row.finite_is_noise else value_text(fd.value)), "no bound"
    verdict = "" if error.agrees else " ✗ outside"
    return value_text(fd.value), f"{error_text(error)}, bound {fd.error_bound:.2g}{verdict}"


# A derivative whose formula is longer than this is written above the table, not in it.
_INLINE_FORMULA = 36


def _formula(cmp: Comparison, row: Row) -> str:
    return f"{derivative_text(cmp.function, row.wrt, cmp.ordinary)} = {formula_text(row.derivative)}"


def _label(cmp: Comparison, formula: str, row: Row) -> str:
    return formula if len(formula) <= _INLINE_FORMULA else derivative_text(cmp.function, row.wrt, cmp.ordinary)


def point_value_text(value: Any) -> str:
    """A coordinate as given: π/4 stays pi/4, 3/10 reads 0.3, a float prints in its shortest form."""
    if getattr(value, "is_Float", False):
        return repr(float(value)) if math.isfinite(float(value)) else scientific(mpmath.mpf(value), 6)
    # More than 15 digits, compared as integers: str() of a 5,000-digit integer is refused by Python.
    if getattr(value, "is_Rational", False) and max(abs(value.p), value.q) >= 10**15:
        return scientific(mpmath.mpf(value.p) / value.q if value.q != 1 else mpmath.mpf(value.p), 6)
    if getattr(value, "is_Rational", False) and not value.is_Integer and _terminates(value.q):
        with localcontext() as context:
            context.prec = len(str(value.p)) + 2 * len(str(value.q))  # enough for the exact expansion
            decimal = format(Decimal(value.p) / Decimal(value.q), "f")
        if len(decimal) <= 24:
            return decimal
    return to_text(value)


def _terminates(denominator: int) -> bool:
    """A fraction p/q has a finite decimal expansion when q has no prime factor but 2 and 5."""
    for prime in (2, 5):
        while denominator % prime == 0:
            denominator //= prime
    return denominator == 1


def _point_text(cmp: Comparison) -> str:
    return ", ".join(f"{name} = {point_value_text(value)}" for name, value in cmp.point.items())


def text(cmp: Comparison) -> str:
    """An aligned table: each derivative's value by each method, then each method's error."""
    signature = f"{cmp.function}({', '.join(cmp.variables)})" if cmp.variables else cmp.function
    lines = [
        f"{signature} = {formula_text(cmp.expression)}",
        f"at {_point_text(cmp)}: {cmp.function} = {value_text(cmp.value)}",
    ]
    formulas = [_formula(cmp, row) for row in cmp.rows]  # each written once: printing can be the slow part
    lines += [formula for formula in formulas if len(formula) > _INLINE_FORMULA]
    lines.append("")
    table = [("", *METHODS)]
    for row, formula in zip(cmp.rows, formulas, strict=True):
        autodiff = row.autodiff
        fd_value, fd_error = _finite_cells(row)
        table.append(
            (
                _label(cmp, formula, row),
                value_text(row.symbolic.value),
                value_text(autodiff.value) if autodiff else "-",
                fd_value,
                reference_text(row.reference),
            )
        )
        exact = "" if row.exact is None or row.exact.is_Integer else f"= {to_text(row.exact)}"  # beside the reference
        table.append(("  error", error_text(row.symbolic), error_text(autodiff) if autodiff else "", fd_error, exact))
    widths = [max(len(r[k]) for r in table) for k in range(5)]
    for r in table:
        lines.append("  ".join([r[0].ljust(widths[0]), *(r[k].rjust(widths[k]) for k in range(1, 5))]).rstrip())
    lines.append("")
    lines += _notes(cmp)
    return "\n".join(lines)


def _finite_summary(cmp: Comparison) -> list[str]:
    lines = []
    for row in cmp.rows:
        fd = row.finite
        label = derivative_text(cmp.function, row.wrt, cmp.ordinary)
        if fd is None:
            lines.append(f"{label}: finite difference not applicable: {row.finite_note}")
            continue
        note = f"; {fd.reason}" if fd.reason else ""
        lines.append(f"{label}: finite difference by {fd.detail or fd.method}{note}")
    unique = list(dict.fromkeys(line.split(": finite difference ", 1)[1] for line in lines))
    return [f"finite differences {unique[0]}"] if len(unique) == 1 else lines


def _disagreement(cmp: Comparison, row: Row) -> str:
    off = []
    for name, method in (("symbolic", row.symbolic), ("autodiff", row.autodiff)):
        if method is None or method.agrees:
            continue
        if math.isfinite(method.value) and not math.isfinite(method.absolute_error):
            off.append(f"{name} gives {method.value:.6g}, but no finite number is the derivative here")
        else:
            off.append(f"{name} is off by {method.absolute_error:.3g} (rounding allows {method.tolerance:.2g})")
    if not row.finite_agrees and row.finite is not None:
        off.append(f"the finite difference is outside its error bound {row.finite.error_bound:.2g}")
    return f"{derivative_text(cmp.function, row.wrt, cmp.ordinary)}: DISAGREEMENT: " + "; ".join(off)


def _unconfirmed(row: Row) -> str:
    """Why the finite difference confirms nothing for this row ("" when it confirms the reference)."""
    if row.finite_confirms:
        return ""
    if row.finite is None:
        return "it does not apply"
    if not row.finite_certified:
        return "it has no error bound here"
    return "its error bound is larger than the derivative"


def _verdict(cmp: Comparison) -> str:
    """What was confirmed and what was not: a finite difference without a useful bound never counts as agreeing."""
    if not cmp.agree:
        return f"✗ the methods disagree (reference: {cmp.dps} digits)"
    explained = ", or the difference is explained above" if any(r.verdict == "explained" for r in cmp.rows) else ""
    reasons = [(row, _unconfirmed(row)) for row in cmp.rows]
    if not any(why for _, why in reasons):
        return f"✓ every method agrees with the {cmp.dps}-digit reference{explained}"
    if len({why for _, why in reasons}) == 1:
        why = f" ({reasons[0][1]})"
    else:
        labels = (f"{derivative_text(cmp.function, r.wrt, cmp.ordinary)}: {why}" for r, why in reasons if why)
        why = f" ({'; '.join(labels)})"
    return (
        f"✓ symbolic and autodiff agree with the {cmp.dps}-digit reference{explained}; "
        f"the finite difference confirms nothing{why}"
    )


# -- JSON ---------------------------------------------------------------------------------------


def _method_data(method: MethodValue | None) -> dict[str, Any] | None:
    if method is None:
        return None
    return {
        "absolute": number(method.absolute_error),
        "relative": number(method.relative_error),
        "tolerance": number(method.tolerance),
        "agrees": method.agrees,
    }


def _finite_data(row: Row) -> dict[str, Any]:
    fd = row.finite
    if fd is None:
        nothing = number(math.nan)
        return {
            "value": nothing,
            "method": "none",
            "step": nothing,
            "error_bound": nothing,
            "status": "not applicable",
            "reason": row.finite_note,
            "applicable": False,
            "certified": False,
            "within_bound": False,
            "confirms": False,
        }
    error = row.finite_error
    assert error is not None
    return {
        "value": number(math.nan if row.finite_is_noise else fd.value),
        "method": fd.method,
        "step": number(fd.step),
        "error_bound": number(fd.error_bound),
        "status": fd.status,
        "reason": fd.reason,
        "applicable": True,
        "certified": row.finite_certified,
        "within_bound": row.finite_certified and error.agrees,
        "confirms": row.finite_confirms,
        "absolute": number(error.absolute_error),
        "relative": number(error.relative_error),
    }


def row_data(cmp: Comparison, row: Row) -> dict[str, Any]:
    return {
        "wrt": list(row.wrt),
        **formula_data(row.derivative),
        "symbolic": number(row.symbolic.value),
        "autodiff": number(row.autodiff.value) if row.autodiff else None,
        "finite_difference": _finite_data(row),
        "reference": mpmath.nstr(row.reference, cmp.dps)
        if mpmath.isfinite(row.reference)
        else reference_text(row.reference),
        "agree": row.agree,
        "verdict": row.verdict,
        "errors": {
            "symbolic": _method_data(row.symbolic),
            "autodiff": _method_data(row.autodiff),
            "finite_difference": _method_data(row.finite_error),
        },
        "float_reference": reference_text(row.float_reference, 17),
        "exact": None if row.exact is None else to_text(row.exact),
        "explanations": [
            {"kind": e.kind, "message": e.message, "node": e.node, "slopes": list(e.slopes) if e.slopes else None}
            for e in row.explanations
        ],
    }


def data(cmp: Comparison) -> dict[str, Any]:
    return {
        "expression": formula_text(cmp.expression),
        "function": cmp.function,
        "variables": list(cmp.variables),
        "at": {name: number(float(mpmath.mpf(str(value.evalf(20))))) for name, value in cmp.point.items()},
        "value": number(cmp.value),
        "dps": cmp.dps,
        "derivatives": [row_data(cmp, row) for row in cmp.rows],
        "agree": cmp.agree,
    }


def json_text(cmp: Comparison) -> str:
    return dumps(data(cmp))


# -- LaTeX and Markdown -------------------------------------------------------------------------


def latex_number(text: str) -> str:
    """A number as LaTeX: 1.1e-11 becomes 1.1 \\times 10^{-11}."""
    if text in ("nan", "inf", "-inf", "n/a", "-", ""):
        return {"nan": r"\text{nan}", "inf": r"\infty", "-inf": r"-\infty"}.get(
            text, r"\text{" + text + "}" if text else ""
        )
    mantissa, _, exponent = text.partition("e")
    return mantissa if not exponent else rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _names(cmp: Comparison) -> dict[str, str]:
    """LaTeX for the names SymPy would print alike (x1 and x_1): one table, one reading of each name."""
    return latex_names([cmp.function, *cmp.variables])


def _row_latex(cmp: Comparison, row: Row, names: dict[str, str]) -> str:
    return f"{derivative_latex(cmp.function, row.wrt, cmp.ordinary, names)} = {formula_latex(row.derivative, names)}"


def _latex_rows(cmp: Comparison, names: dict[str, str]) -> list[str]:
    rows = []
    for row in cmp.rows:
        label = _row_latex(cmp, row, names)
        fd_value, fd_error = _finite_cells(row)
        cells = [
            value_text(row.symbolic.value),
            value_text(row.autodiff.value) if row.autodiff else "-",
            fd_value,
            reference_text(row.reference),
        ]
        rows.append(" & ".join([label, *(latex_number(c) if c != "not applicable" else r"\text{n/a}" for c in cells)]))
        errors = [error_text(row.symbolic), error_text(row.autodiff) if row.autodiff else "", fd_error]
        exact = "" if row.exact is None or row.exact.is_Integer else f"= {to_latex(row.exact)}"
        cells = [*(latex_text(c) for c in errors), exact or latex_text(row.verdict)]
        rows.append(" & ".join([r"\quad\text{error}", *cells]))
    return rows


def _notes(cmp: Comparison) -> list[str]:
    """Below the table, as plain sentences: how each finite difference was taken, explanations, the verdict."""
    lines = _finite_summary(cmp)
    lines += [
        f"{derivative_text(cmp.function, row.wrt, cmp.ordinary)}: {e.message}"
        for row in cmp.rows
        for e in row.explanations
    ]
    lines += [_disagreement(cmp, row) for row in cmp.rows if row.verdict == "disagree"]
    return [*lines, _verdict(cmp)]


def _point_latex(cmp: Comparison, names: dict[str, str]) -> str:
    def latex_value(value: Any) -> str:
        return latex_number(point_value_text(value)) if getattr(value, "is_Float", False) else to_latex(value)

    return ", ".join(f"{name_latex(name, names)} = {latex_value(value)}" for name, value in cmp.point.items())


def _function_latex(cmp: Comparison, names: dict[str, str]) -> str:
    """f = 3 x^{2} - 4 x + 5 = 20: the function, its formula and its value at the point."""
    value = latex_number(value_text(cmp.value))
    return f"{name_latex(cmp.function, names)} = {formula_latex(cmp.expression, names)} = {value}"


def latex(cmp: Comparison) -> str:
    """The point and the function's value over a table; ``gathered`` and ``array`` render in
    KaTeX and MathJax alike (``\\multicolumn`` would not: KaTeX has no such command)."""
    header = r" & \text{symbolic} & \text{autodiff} & \text{finite difference} & \text{reference} \\ \hline"
    names = _names(cmp)
    body = " \\\\\n".join(_latex_rows(cmp, names))
    title = rf"\text{{at }} {_point_latex(cmp, names)}:\quad {_function_latex(cmp, names)}"
    table = f"\\begin{{array}}{{l|rrrr}}\n{header}\n{body}\n\\end{{array}}"
    # Notes in words: ∂ and ✓ are written out, since text mode in KaTeX's strict mode refuses them.
    notes = " \\\\\n".join(latex_text(_plain(line)) for line in _notes(cmp))
    return f"\\begin{{gathered}}\n{title} \\\\[4pt]\n{table} \\\\[4pt]\n{notes}\n\\end{{gathered}}"


_PLAIN = {"∂": "d", "✓": "OK:", "✗": "FAILED:", "²": "^2", "≤": "<=", "≈": "~", "π": "pi", "∞": "inf", "…": "..."}


def _plain(text: str) -> str:
    return "".join(_PLAIN.get(ch, ch) for ch in text)


def markdown_row(cells: list[str]) -> str:
    r"""A Markdown table row. A '|' in a cell (the \left| … \right| of abs) would end the cell; the
    math is written with \vert instead, which renders the same. (Escaping it as '\|' works in
    GitHub's Markdown but reaches MkDocs' math as \|, a double bar.)"""
    return "| " + " | ".join(cell.replace("|", r"\vert{}") for cell in cells) + " |"


def markdown(cmp: Comparison) -> str:
    """A Markdown table with inline math, then explanations and the verdict."""
    names = _names(cmp)
    lines = [f"${_function_latex(cmp, names)}$ at ${_point_latex(cmp, names)}$", ""]
    lines.append("| derivative | symbolic | autodiff | finite difference | reference | verdict |")
    lines.append("|---|---:|---:|---:|---:|---|")
    for row in cmp.rows:
        label = f"${_row_latex(cmp, row, names)}$"
        cells = [
            value_text(row.symbolic.value),
            value_text(row.autodiff.value) if row.autodiff else "-",
            _finite_cells(row)[0],
            reference_text(row.reference),
            row.verdict,
        ]
        lines.append(markdown_row([label, *cells]))
        errors = [error_text(row.symbolic), error_text(row.autodiff) if row.autodiff else "", _finite_cells(row)[1]]
        lines.append(markdown_row(["error", *errors, "", ""]))
    notes = _notes(cmp)
    lines += ["", *(f"- {line}" for line in notes[:-1]), "", notes[-1]]
    return "\n".join(lines)
