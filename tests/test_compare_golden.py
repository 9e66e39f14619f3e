"""Golden outputs: every format of the comparison for the seed cases, byte for byte.

After a deliberate change to the output, regenerate with
    SYMDIFF_UPDATE_GOLDEN=1 python -m pytest tests/test_compare_golden.py
and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import symdiff as sd

GOLDEN = Path(__file__).resolve().parent / "golden" / "comparison"
CASES = {
    "partials": ("a*b + c", {"a": 2, "b": -3, "c": 10}),
    "polynomial": ("3x^2 - 4x + 5", {"x": 3}),
    "kink": ("relu(x) + x^2", {"x": 0}),
    "network": (
        "z1 = w1*x; h = sigmoid(z1); z2 = w2*h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2",
        {"w1": 0.7, "w2": -1.3, "x": 1.5, "y": 0.2},
    ),
}
FORMATS = {"txt": "to_text", "json": "to_json", "tex": "to_latex", "md": "to_markdown"}


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("suffix", FORMATS)
def test_golden(case: str, suffix: str) -> None:
    expr, at = CASES[case]
    rendered = getattr(sd.compare(expr, at=at), FORMATS[suffix])() + "\n"
    path = GOLDEN / f"{case}.{suffix}"
    if os.environ.get("SYMDIFF_UPDATE_GOLDEN"):
        path.write_text(rendered, encoding="utf-8")
    assert rendered == path.read_text(encoding="utf-8")
