"""Stencil weights are exact, and their error constants are right.

Weights are checked against published tables (Fornberg 1988) and against the moment
conditions that define them, for many orders; Peano kernel constants against the textbook
ones and against a brute-force integral of the kernel.
"""

from __future__ import annotations

import itertools
import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symdiff import SymdiffError
from symdiff.finite.stencils import make, richardson_column, stencil, weights

# Fornberg (1988), Table 1: central and one-sided weights, exact.
TABLES = [
    ("central", 1, 2, [-1, 1], ["-1/2", "1/2"]),
    ("central", 1, 4, [-2, -1, 1, 2], ["1/12", "-2/3", "2/3", "-1/12"]),
    ("central", 1, 6, [-3, -2, -1, 1, 2, 3], ["-1/60", "3/20", "-3/4", "3/4", "-3/20", "1/60"]),
    ("central", 2, 2, [-1, 0, 1], ["1", "-2", "1"]),
    ("central", 2, 4, [-2, -1, 0, 1, 2], ["-1/12", "4/3", "-5/2", "4/3", "-1/12"]),
    ("central", 2, 6, [-3, -2, -1, 0, 1, 2, 3], ["1/90", "-3/20", "3/2", "-49/18", "3/2", "-3/20", "1/90"]),
    ("forward", 1, 1, [0, 1], ["-1", "1"]),
    ("forward", 1, 2, [0, 1, 2], ["-3/2", "2", "-1/2"]),
    ("forward", 1, 3, [0, 1, 2, 3], ["-11/6", "3", "-3/2", "1/3"]),
    ("forward", 1, 4, [0, 1, 2, 3, 4], ["-25/12", "4", "-3", "4/3", "-1/4"]),
    ("forward", 2, 1, [0, 1, 2], ["1", "-2", "1"]),
    ("forward", 2, 2, [0, 1, 2, 3], ["2", "-5", "4", "-1"]),
    ("backward", 1, 1, [-1, 0], ["-1", "1"]),
    ("backward", 1, 2, [-2, -1, 0], ["1/2", "-2", "3/2"]),
]


@pytest.mark.parametrize(("kind", "derivative", "accuracy", "offsets", "expected"), TABLES)
def test_weights_match_published_tables(
    kind: str, derivative: int, accuracy: int, offsets: list[int], expected: list[str]
) -> None:
    s = stencil(kind, derivative, accuracy)  # type: ignore[arg-type]
    assert s.offsets == tuple(Fraction(o) for o in offsets)
    assert s.weights == tuple(Fraction(w) for w in expected)
    assert s.accuracy == accuracy and s.derivative == derivative


@pytest.mark.parametrize("kind", ["forward", "backward", "central"])
@pytest.mark.parametrize("derivative", [1, 2])
@pytest.mark.parametrize("accuracy", range(1, 11))
def test_moment_conditions_hold_exactly_for_many_orders(kind: str, derivative: int, accuracy: int) -> None:
    """Σ wᵢ sᵢᵏ = d!·[k = d] for k < p + d, and the next moment is the leading error term."""
    if kind == "central" and accuracy % 2:
        pytest.skip("central stencils have even accuracy")
    s = stencil(kind, derivative, accuracy)  # type: ignore[arg-type]
    for k in range(accuracy + derivative):
        moment = sum(w * o**k for w, o in zip(s.weights, s.offsets, strict=True))
        assert moment == (math.factorial(derivative) if k == derivative else 0), f"moment {k}"
    q = accuracy + derivative
    assert s.coefficient == sum(w * o**q for w, o in zip(s.weights, s.offsets, strict=True)) / math.factorial(q)
    assert s.coefficient != 0


@pytest.mark.parametrize(
    ("kind", "derivative", "accuracy", "kernel"),
    [
        ("forward", 1, 1, Fraction(1, 2)),  # h·f''/2
        ("backward", 1, 1, Fraction(1, 2)),
        ("central", 1, 2, Fraction(1, 6)),  # h²·f'''/6
        ("central", 2, 2, Fraction(1, 12)),  # h²·f''''/12
        ("central", 1, 4, Fraction(1, 30)),
        ("forward", 1, 2, Fraction(1, 3)),
    ],
)
def test_kernel_constants_are_the_textbook_ones(kind: str, derivative: int, accuracy: int, kernel: Fraction) -> None:
    s = stencil(kind, derivative, accuracy)  # type: ignore[arg-type]
    assert s.kernel == pytest.approx(float(kernel), rel=1e-15)
    assert s.kernel >= float(kernel)  # rounded up, never down


def _brute_kernel_norm(offsets: list[Fraction], derivative: int) -> float:
    """∫|K| by the midpoint rule on a fine grid, the Peano kernel written from its definition."""
    s = make(offsets, derivative)
    q = s.accuracy + derivative
    breaks = sorted({*(float(o) for o in s.offsets), 0.0})
    total = 0.0
    for a, b in itertools.pairwise(breaks):
        t = a + (np.arange(200_000) + 0.5) * (b - a) / 200_000  # midpoints: K may jump at the breaks
        kernel = sum(
            float(w) * np.maximum(float(o) - t, 0) ** (q - 1) for o, w in zip(s.offsets, s.weights, strict=True)
        )
        kernel -= (
            math.factorial(q - 1)
            / math.factorial(q - 1 - derivative)
            * np.where(t < 0, np.abs(t) ** (q - 1 - derivative), 0)
        )
        total += float(np.sum(np.abs(kernel))) * (b - a) / 200_000 / math.factorial(q - 1)
    return total


@pytest.mark.parametrize(
    ("offsets", "derivative"),
    [
        ([Fraction(-2), Fraction(1, 2), Fraction(3)], 2),  # a kernel that changes sign: ∫|K| > |C|
        ([Fraction(-3), Fraction(-5, 2), Fraction(2), Fraction(6)], 1),
        ([Fraction(0), Fraction(1), Fraction(3)], 1),
        ([Fraction(-1), Fraction(1)], 1),
        ([Fraction(-1), Fraction(0), Fraction(1)], 2),
    ],
)
def test_kernel_norm_matches_a_brute_force_integral(offsets: list[Fraction], derivative: int) -> None:
    s = make(offsets, derivative)
    assert s.kernel == pytest.approx(_brute_kernel_norm(offsets, derivative), rel=1e-7)
    assert s.kernel >= float(abs(s.coefficient)) * (1 - 1e-15)


def test_sign_changing_kernel_is_larger_than_the_leading_coefficient() -> None:
    s = make([Fraction(-2), Fraction(1, 2), Fraction(3)], 2)
    assert s.kernel > 1.8 * float(abs(s.coefficient))


@given(st.lists(st.fractions(min_value=-4, max_value=4, max_denominator=4), min_size=2, max_size=6, unique=True))
def test_weights_are_exact_on_polynomials(offsets: list[Fraction]) -> None:
    """The first-derivative stencil on any distinct offsets differentiates xᵏ exactly for k < n."""
    w = weights(offsets, 1)
    for k in range(len(offsets)):
        assert sum(wi * s**k for wi, s in zip(w, offsets, strict=True)) == (1 if k == 1 else 0)


def test_richardson_columns_are_the_richardson_recursion() -> None:
    """Column j equals (4ʲ·T(h/2) - T(h))/(4ʲ - 1) built from column j-1, exactly."""
    previous = richardson_column(0)
    for j in range(1, 5):
        column = richardson_column(j)
        combined: dict[Fraction, Fraction] = {}
        factor = Fraction(4**j)
        for o, w in zip(previous.offsets, previous.weights, strict=True):
            combined[o / 2] = combined.get(o / 2, Fraction(0)) + factor * w * 2 / (
                factor - 1
            )  # T(h/2): f(x + o·h/2) / (h/2)
            combined[o] = combined.get(o, Fraction(0)) - w / (factor - 1)
        assert dict(zip(column.offsets, column.weights, strict=True)) == {o: w for o, w in combined.items() if w}
        assert column.accuracy == 2 * j + 2
        previous = column


def test_formula_reads_like_a_textbook() -> None:
    assert str(stencil("forward")) == "f'(x) ≈ [f(x + h) - f(x)] / h"
    assert str(stencil("central")) == "f'(x) ≈ [f(x + h) - f(x - h)] / 2h"
    assert str(stencil("central", 2)) == "f''(x) ≈ [f(x + h) - 2f(x) + f(x - h)] / h²"
    assert str(richardson_column(1)) == "f'(x) ≈ [-f(x + h) + 8f(x + h/2) - 8f(x - h/2) + f(x - h)] / 6h"


@pytest.mark.parametrize(
    ("kind", "derivative", "accuracy"), [("central", 1, 3), ("forward", 11, 1), ("forward", 1, 0), ("forward", 1, 17)]
)
def test_bad_stencil_requests_are_refused(kind: str, derivative: int, accuracy: int) -> None:
    with pytest.raises(SymdiffError):
        stencil(kind, derivative, accuracy)  # type: ignore[arg-type]
