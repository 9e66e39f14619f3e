"""The text view of a ``GradientCheck``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..language.dag import not_written, printable
from ..language.printing import to_text
from .comparison import error_text, reference_text, value_text

if TYPE_CHECKING:
    from ..comparison.check import GradientCheck


def text(check: GradientCheck) -> str:
    cmp = check.comparison
    formula = to_text(cmp.expression) if printable(cmp.expression) else not_written(cmp.expression)
    lines = [f"checking a gradient of {cmp.function} = {formula}", ""]
    table = [("", "yours", "reference", "finite difference", "error", "")]
    for partial, row in zip(check.partials, cmp.rows, strict=True):
        mark = {"agree": "ok", "explained": "explained", "disagree": "WRONG"}[partial.verdict]
        table.append(
            (
                f"∂{cmp.function}/∂{partial.variable}",
                value_text(partial.yours.value),
                reference_text(row.reference),
                value_text(row.finite.value) if row.finite else "-",
                error_text(partial.yours),
                mark,
            )
        )
    widths = [max(len(r[k]) for r in table) for k in range(6)]
    for r in table:
        lines.append("  ".join([r[0].ljust(widths[0]), *(r[k].rjust(widths[k]) for k in range(1, 5)), r[5]]).rstrip())
    lines += [f"∂{cmp.function}/∂{row.wrt[0]}: {e.message}" for row in cmp.rows for e in row.explanations]
    lines.append("✓ your gradient agrees" if check.ok else "✗ your gradient is wrong where marked WRONG")
    return "\n".join(lines)
