"""Text, JSON, LaTeX and Markdown views of an ``ArrayComparison``. They format; they never compute."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import mpmath

from ..language.printing import name_latex
from ..primitives.shapes import shape_text
from .jsonutil import dumps, number

if TYPE_CHECKING:
    from ..comparison.array_check import ArrayGradientCheck
    from ..comparison.arrays import ArrayComparison, Check, TensorRow

REFERENCE_DIGITS = 20  # of the reference, in JSON
_WORDS = {"agree": "agrees", "explained": "explained", "unconfirmed": "unconfirmed", "disagree": "disagrees"}
_MARKS = {"agree": "✓", "explained": "✓ explained", "unconfirmed": "? unconfirmed", "disagree": "✗"}


def _e(value: float) -> str:
    if math.isnan(value):
        return "n/a"
    return "0" if value == 0 else f"{value:.2g}"


def _checked_along(row: TensorRow) -> str:
    if row.mode == "elements":
        count = len(row.checks)
        return "the scalar" if row.checks[0].element == () else f"all {count} elements"
    return f"{len(row.checks)} random directions"


def _finite_cells(check: Check) -> tuple[str, str]:
    fd = check.finite
    if fd is None:
        return "refused", ""
    if not math.isfinite(float(fd.error_bound)):
        return _e(check.finite_error), "no bound"
    return _e(check.finite_error), _e(float(fd.error_bound))


def _point_text(cmp: ArrayComparison) -> str:
    parts = []
    for name, shape in cmp.shapes.items():
        value = cmp.point[name]
        samples = len(getattr(value, "shape", ())) > len(shape)
        where = f"{len(value)} samples of {shape_text(shape)}" if samples else shape_text(shape) if shape else ""
        parts.append(f"{name} {where}".rstrip())
    summed = f" (the sum over {cmp.samples} samples)" if cmp.samples else ""
    return f"at {', '.join(parts)}: {cmp.function} = {cmp.value:.6g}{summed}"


HEADER = (
    "",
    "shape",
    "checked along",
    "symbolic error",
    "autodiff error",
    "allowed",
    "finite difference error",
    "bound",
    "",
)


def _rows(cmp: ArrayComparison) -> list[tuple[str, ...]]:
    """One row per input: the largest errors along its checks (each method's own worst), and the verdict."""
    rows: list[tuple[str, ...]] = []
    for row in cmp.rows:
        worst = row.worst
        symbolic = max((c.symbolic_error for c in row.checks), default=math.nan)
        fd_error, bound = _finite_cells(max(row.checks, key=lambda c: _fd_ratio(c)))
        rows.append(
            (
                f"∂{cmp.function}/∂{row.name}",
                shape_text(row.shape),
                _checked_along(row),
                _e(symbolic),
                _e(worst.autodiff_error),
                _e(worst.allowance),
                fd_error,
                bound,
                _MARKS[row.verdict],
            )
        )
    return rows


def _heading(cmp: ArrayComparison) -> str:
    """``L = (y - t)^2 where h = …; y = …``: the output's line, then the lines it is written in."""
    *lines, output = cmp.source.splitlines()
    name, _, source = output.partition(" = ")
    return f"{name} = {source}" + (f" where {'; '.join(lines)}" if lines else "")


def _fd_ratio(check: Check) -> float:
    fd = check.finite
    if fd is None or not math.isfinite(float(fd.error_bound)):
        return math.inf
    bound = float(fd.error_bound)
    return check.finite_error / bound if bound > 0 else 0.0


def text(cmp: ArrayComparison) -> str:
    lines = [_heading(cmp), _point_text(cmp), ""]
    if any(row.formula for row in cmp.rows):
        lines += [*cmp.definitions, *(f"∂{cmp.function}/∂{row.name} = {row.formula}" for row in cmp.rows), ""]
    body = _rows(cmp)
    widths = [max(len(r[k]) for r in (HEADER, *body)) for k in range(len(HEADER))]
    for r in (HEADER, *body):
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2])]
        cells += [c.rjust(w) for c, w in zip(r[3:8], widths[3:8], strict=True)] + [r[8]]
        lines.append("  ".join(cells).rstrip())
    lines.append("")
    lines.append(
        f"errors against the {cmp.dps}-digit reference, the largest of each row; "
        f"finite differences by {_method(cmp)} along each direction (seed {cmp.seed})"
    )
    if cmp.symbolic_note:
        lines.append(f"no symbolic gradient: {cmp.symbolic_note}")
    for row in cmp.rows:
        for check in row.checks:
            if check.explanation or check.verdict == "disagree":
                lines.append(
                    f"∂{cmp.function}/∂{row.name}, {check.direction}: {check.explanation or _disagreement(check)}"
                )
    lines.append(verdict(cmp))
    return "\n".join(lines)


def _method(cmp: ArrayComparison) -> str:
    details = {c.finite.method for row in cmp.rows for c in row.checks if c.finite is not None}
    return ", ".join(sorted(details)) or cmp.method


def _disagreement(check: Check) -> str:
    parts = []
    if check.autodiff_error > check.allowance or math.isnan(check.autodiff_error):
        parts.append(f"the tape gives {check.autodiff:.15g}, the reference {mpmath.nstr(check.reference, 15)}")
    if check.finite is not None and _fd_ratio(check) > 1:
        value, bound = float(check.finite.value), float(check.finite.error_bound)
        parts.append(f"the finite difference {value:.15g} is outside its bound {bound:.2g}")
    return "; ".join(parts) or "they disagree"


def verdict(cmp: ArrayComparison) -> str:
    verdicts = {row.verdict for row in cmp.rows}
    if "disagree" in verdicts:
        return "✗ a gradient disagrees with the reference where marked ✗"
    if "unconfirmed" in verdicts:
        return "? the tape agrees with the reference; some finite differences could not be bounded (marked ?)"
    if "explained" in verdicts:
        return f"✓ every method agrees with the {cmp.dps}-digit reference, or the difference is explained above"
    return f"✓ every method agrees with the {cmp.dps}-digit reference"


def _check_data(check: Check) -> dict[str, Any]:
    fd = check.finite
    return {
        "direction": check.direction,
        "element": None if check.element is None else list(check.element),
        "symbolic": None if check.symbolic is None else number(check.symbolic),
        "autodiff": number(check.autodiff),
        "finite_difference": None
        if fd is None
        else {
            "value": number(float(fd.value)),
            "method": fd.method,
            "step": number(float(fd.step)),
            "error_bound": number(float(fd.error_bound)),
        },
        "reference": mpmath.nstr(check.reference, REFERENCE_DIGITS),
        "allowance": number(check.allowance),
        "verdict": check.verdict,
        "explanation": check.explanation,
    }


def data(cmp: ArrayComparison) -> dict[str, Any]:
    return {
        "program": cmp.source,
        "definitions": list(cmp.definitions),
        "shapes": {name: list(shape) for name, shape in cmp.shapes.items()},
        "samples": cmp.samples,
        "value": number(cmp.value),
        "gradients": [
            {
                "wrt": row.name,
                "shape": list(row.shape),
                "formula": row.formula,
                "mode": row.mode,
                "verdict": row.verdict,
                "checks": [_check_data(c) for c in row.checks],
            }
            for row in cmp.rows
        ],
        "agree": cmp.agree,
    }


def json_text(cmp: ArrayComparison) -> str:
    return dumps(data(cmp))


def markdown(cmp: ArrayComparison) -> str:
    header = "| " + " | ".join(("gradient", *HEADER[1:-1], "verdict")) + " |"
    lines = [_heading(cmp), "", _point_text(cmp), "", header, "|---|---|---|---:|---:|---:|---:|---:|---|"]
    for r in _rows(cmp):
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in r) + " |")
    lines += ["", verdict(cmp)]
    return "\n".join(lines)


def latex(cmp: ArrayComparison) -> str:
    rows = []
    for r, row in zip(_rows(cmp), cmp.rows, strict=True):
        label = rf"\frac{{\partial {name_latex(cmp.function)}}}{{\partial {name_latex(row.name)}}}"
        cells = [label, *(rf"\text{{{c}}}" for c in r[1:8]), rf"\text{{{_WORDS[row.verdict]}}}"]
        rows.append(" & ".join(cells))
    titles = ("shape", "checked along", "symbolic error", "autodiff error", "allowed", "f.d. error", "bound")
    head = "& " + " & ".join(rf"\text{{{t}}}" for t in titles) + " &"
    return "\\begin{array}{lllllllll}\n" + head + r" \\" + "\n" + " \\\\\n".join(rows) + "\n\\end{array}"


def check_text(check: ArrayGradientCheck) -> str:
    """Your gradient, tensor by tensor: the largest error along the checks, and what it was allowed."""
    cmp = check.comparison
    lines = [f"checking a gradient of {cmp.function}: {cmp.source.replace(chr(10), '; ')}", _point_text(cmp), ""]
    table = [("", "shape", "checked along", "your largest error", "allowed", "")]
    marks = {"agree": "ok", "explained": "explained", "disagree": "WRONG"}
    for tensor, row in zip(check.tensors, cmp.rows, strict=True):
        k = tensor.worst
        where = f" ({row.checks[k].direction})" if len(row.checks) > 1 else ""
        table.append(
            (
                f"∂{cmp.function}/∂{tensor.name}",
                shape_text(tensor.shape),
                _checked_along(row),
                _e(tensor.errors[k]) + where,
                _e(tensor.allowed[k]),
                marks.get(tensor.verdict, tensor.verdict),
            )
        )
    widths = [max(len(r[i]) for r in table) for i in range(6)]
    for r in table:
        cells = [r[0].ljust(widths[0]), r[1].ljust(widths[1]), r[2].ljust(widths[2]), r[3].rjust(widths[3])]
        lines.append("  ".join([*cells, r[4].rjust(widths[4]), r[5]]).rstrip())
    lines.append("✓ your gradient agrees" if check.ok else "✗ your gradient is wrong where marked WRONG")
    return "\n".join(lines)
