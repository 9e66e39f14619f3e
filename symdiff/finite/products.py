"""Sums and bilinear products of float arrays, each with a rigorous bound on its rounding error.

An interval's midpoint is computed in floats; its radius must cover the rounding. The
textbook bound for a sum of n terms in any order, γₙ·Σ|xᵢ|, is a thousand times the error
actually made on a batch of 256 samples, and it would dominate every finite-difference bound
built on it. So sums here are computed pairwise with every rounding error kept exactly
(Knuth's TwoSum) and added back at the end: the result is nearly correctly rounded and its
bound is about u·|Σxᵢ|. Products of arrays (matrix-vector, dot, outer, element-wise) are
formed term by term and summed that way while the terms fit in memory; beyond that, BLAS does
the product and the bound is γₙ·|A||B| (Rump's midpoint-radius bound).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..primitives import intervals
from ..primitives.intervals import SAFE_HIGH, SAFE_LOW, _product_error
from .lines import two_sum_error

U = intervals.U
ETA = 2.0**-1074  # the smallest subnormal: a product may underflow by half of it
TERMS = 2**22  # products formed term by term up to this many terms; BLAS beyond
CAREFUL, EXACT = 1, 2  # how much care Bilinear.accurate takes (see there)
SHORT = 16  # inner products this short go to BLAS: γₙ ≤ 16u is tight enough, and BLAS is far faster


def gamma(n: int) -> float:
    """γₙ = n·u/(1 - n·u): the relative error of a sum of n rounded terms, in any order."""
    return n * U / (1 - n * U) if n > 0 else 0.0


def accurate_sum(x: Any, axis: int = -1) -> tuple[Any, Any]:
    """Σ x along ``axis`` and a bound on the result's rounding error (about u·|Σx|).

    Pairwise: each level adds neighbours and keeps the exact error of each addition; the
    errors, tiny, are summed plainly (γₙ·Σ|e| bounds that) and added to the result.
    """
    x = np.moveaxis(np.asarray(x, dtype=float), axis, -1)
    n = x.shape[-1]
    if n == 0:
        return np.zeros(x.shape[:-1]), np.zeros(x.shape[:-1])
    errors, sizes = np.zeros(x.shape[:-1]), np.zeros(x.shape[:-1])
    with np.errstate(invalid="ignore", over="ignore"):
        while x.shape[-1] > 1:
            if x.shape[-1] % 2:
                x = np.concatenate([x, np.zeros((*x.shape[:-1], 1))], axis=-1)
            s, e = two_sum_error(x[..., 0::2], x[..., 1::2])
            errors = errors + np.sum(e, axis=-1)
            sizes = sizes + np.sum(np.abs(e), axis=-1)
            x = s
        total = x[..., 0] + errors
        # Every addition exact (all errors 0): so is the sum, and its bound is 0.
        bound = np.where(sizes == 0, 0.0, U * np.abs(total) + 2 * gamma(n) * sizes)
    return total, bound


def two_product(x: Any, y: Any) -> tuple[Any, Any, Any]:
    """x·y rounded, its exact error (Dekker's TwoProduct, no FMA), and where that error is exact.

    Exact where the factors and the product are well inside the floats (no overflow in the
    split, no underflow in the product); elsewhere the error is not known.
    """
    product = x * y
    with np.errstate(all="ignore"):
        error = _product_error(x, y, product)
        safe = (
            (np.abs(product) > SAFE_LOW)
            & (np.abs(product) < SAFE_HIGH)
            & (np.abs(x) < SAFE_HIGH)
            & (np.abs(y) < SAFE_HIGH)
        )
        zero = (product == 0) & ((x == 0) | (y == 0))
    return product, np.where(safe, error, 0.0), safe | zero


@dataclass(frozen=True)
class Bilinear:
    """A bilinear map of two coefficient arrays (boxes, samples, *shape) that sums ``inner`` products.

    Attributes:
        expand: ``expand(x, y)``: views of x and y whose product holds every term.
        axis: the axis of that product that is summed (None: one product per element).
        blas: ``blas(x, y)``, the same map computed by NumPy/BLAS.
        inner: how many products each result element sums.
    """

    expand: Callable[[Any, Any], tuple[Any, Any]]
    axis: int | None
    blas: Callable[[Any, Any], Any]
    inner: int

    def plain(self, x: Any, y: Any) -> Any:
        """The map in floats (for radii: non-negative terms, whose rounding ``inflate`` covers)."""
        return self.blas(x, y)

    def accurate(self, x: Any, y: Any, care: int = 0) -> tuple[Any, Any]:
        """The map and a bound on its rounding error.

        ``care``: 0 (BLAS for short sums, γₙ·|x||y|), ``CAREFUL`` (every sum error-free: at
        points, where rounding is all the width there is) or ``EXACT`` (every product's error
        computed exactly too, so that an exact result, a relu pre-activation that is exactly 0,
        is known to be exact: its bound is 0).
        """
        xe, ye = self.expand(x, y)
        if self.axis is None:
            if care < EXACT:
                product = xe * ye
                return product, U * np.abs(product) + ETA
            product, error, known = two_product(xe, ye)
            return product, np.where(known, np.abs(error), U * np.abs(product) + ETA)
        if not (care or self.inner > SHORT) or np.prod(np.broadcast_shapes(xe.shape, ye.shape)) > TERMS:
            result = self.blas(x, y)
            return result, gamma(self.inner) * self.blas(np.abs(x), np.abs(y)) + self.inner * ETA
        if care < EXACT:
            products = xe * ye
            total, bound = accurate_sum(products, self.axis)
            # Each product rounds too: u·|p| + η, summed (non-negative terms, whose rounding inflate covers).
            return total, bound + U * np.sum(np.abs(products), axis=self.axis) + self.inner * ETA
        products, errors, known = two_product(*np.broadcast_arrays(xe, ye))
        total, bound = accurate_sum(products, self.axis)
        # The products' exact errors are added in (their own sum's rounding bounded plainly);
        # where a product's error is not known, u·|p| + η bounds it.
        correction = np.sum(errors, axis=self.axis)
        unknown = np.sum(np.where(known, 0.0, U * np.abs(products) + ETA), axis=self.axis)
        corrected = total + correction
        rounding = np.where(
            correction == 0, 0.0, U * np.abs(corrected) + gamma(self.inner) * np.sum(np.abs(errors), axis=self.axis)
        )
        return corrected, bound + rounding + unknown


def elementwise(x_rank: int, y_rank: int, rank: int, lead: int) -> Bilinear:
    """x·y element by element, declared ranks aligned to ``rank`` after ``lead`` axes."""

    def expand(x: Any, y: Any) -> tuple[Any, Any]:
        return aligned(x, x_rank, rank, lead), aligned(y, y_rank, rank, lead)

    def product(x: Any, y: Any) -> Any:
        xe, ye = expand(x, y)
        return xe * ye

    return Bilinear(expand, None, product, 1)


def aligned(array: Any, rank: int, to: int, lead: int) -> Any:
    """An array of declared ``rank`` after ``lead`` axes, with new axes so that it broadcasts against rank ``to``.

    Declared shapes broadcast from the right, after the box and sample axes: a scalar per
    sample (boxes, samples) against a vector (boxes, samples, 64) needs (boxes, samples, 1).
    """
    if rank >= to:
        return array
    shape = np.shape(array)
    return np.reshape(array, shape[:lead] + (1,) * (to - rank) + shape[lead:])


def outer() -> Bilinear:
    def expand(x: Any, y: Any) -> tuple[Any, Any]:
        return x[..., :, None], y[..., None, :]

    return Bilinear(expand, None, lambda x, y: x[..., :, None] * y[..., None, :], 1)


def matrix(left: int, right: int, inner: int) -> Bilinear:
    """The product of a matrix or vector (declared rank ``left``) by one of rank ``right``.

    Arrays are (boxes, samples, *shape). For BLAS a matrix without samples against a batch of
    vectors is one (samples × k) @ (k × m) product, not a matrix-vector product per sample.
    """

    def vector_vector(x: Any, y: Any) -> Any:
        return np.einsum("...i,...i->...", x, y)

    def matrix_vector(x: Any, y: Any) -> Any:
        if x.shape[1] == 1:  # one matrix for every sample
            return np.matmul(y, np.swapaxes(x[:, 0], -1, -2))
        return np.matmul(x, y[..., None])[..., 0]

    def vector_matrix(x: Any, y: Any) -> Any:
        if y.shape[1] == 1:
            return np.matmul(x, y[:, 0])
        return np.matmul(x[..., None, :], y)[..., 0, :]

    # The terms x[i, j]·y[j, l] with j on an axis of its own (the one summed).
    expand: dict[tuple[int, int], tuple[Callable[[Any, Any], tuple[Any, Any]], int]] = {
        (1, 1): (lambda x, y: (x, y), -1),
        (2, 1): (lambda x, y: (x, y[..., None, :]), -1),
        (1, 2): (lambda x, y: (x[..., :, None], y), -2),
        (2, 2): (lambda x, y: (x[..., :, :, None], y[..., None, :, :]), -2),
    }
    blas: dict[tuple[int, int], Callable[[Any, Any], Any]] = {
        (1, 1): vector_vector,
        (2, 1): matrix_vector,
        (1, 2): vector_matrix,
        (2, 2): np.matmul,
    }
    terms, axis = expand[(left, right)]
    return Bilinear(terms, axis, blas[(left, right)], inner)
