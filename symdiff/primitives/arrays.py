"""The registry's array primitives: matrix products, reductions, softmax and their kin.

Each ``ArrayPrimitive`` is one entry, like the scalar ``Primitive`` entries of ``registry``:
its shape rule, its computation and one vector-Jacobian product (VJP) rule per argument,
written once against a backend ``m`` and independently of SymPy. A backend is a small
vocabulary of array operations with *declared* shapes:

* ``m.matmul(a, b)``, ``m.transpose(a)``, ``m.outer(a, b)``, ``m.scale(s, x)`` (a scalar times
  an array), ``m.trace(a)``, ``m.eye(n)``, ``m.ones(shape)``;
* ``m.total(x, axes)`` sums over declared axes (``None``: all of them), ``m.spread(g, x, axes)``
  broadcasts a reduced ``g`` back over them, ``m.shift(x)`` is the largest element along the
  last axis (numerically: to keep ``exp`` finite; symbolically 0, which changes nothing);
* ``m.index(x, idx)`` and ``m.scatter(g, x, idx)`` (``g`` placed at ``idx`` in zeros like ``x``);
* ``m.sum_to(c, x)``: a contribution summed back to the shape of ``x``;
* every scalar primitive by name (``m.exp``), applied element-wise, and ``+ - * / **`` with
  NumPy broadcasting.

``into=x`` on ``matmul``, ``outer`` and ``scale`` says the result is a contribution to ``x``:
a backend that evaluates a batch of samples at once may sum over the samples as it multiplies
(``Gᵀ X`` for ∂L/∂W of ``W x``) instead of forming one outer product per sample.

The tape's code generator (``tape.array_code``) and symbolic matrix calculus
(``symbolic.matrix_reverse``) both run these rules, so the numbers and the formulas come from
the same table. The constants ``ones``, ``eye`` and ``onehot`` and the matrix ``diag(v)`` are
what derivatives are written with (∂ sum(x)/∂x = 𝟏, ∂ tr(A)/∂A = I, ∂ y[i]/∂y = eᵢ); people may
write them too.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .shapes import Shape, ShapeError, shape_text

Rule = Callable[..., Any]


@dataclass(frozen=True, eq=False)
class ArrayPrimitive:
    """Everything symdiff knows about one array operation.

    Attributes:
        name: the name the parser accepts and listings show.
        arity: number of array arguments.
        shape: ``shape(*argument_shapes, *literals) -> shape``; raises ``ShapeError`` with a
            message naming both shapes when they do not fit.
        forward: ``forward(m, *args, *literals)``: the value, in the backend vocabulary.
        vjps: one rule per argument, ``rule(m, g, *args, out, *literals)``: the adjoint ``g`` of
            the output pulled back to that argument.
        literals: how many whole-number arguments follow the arrays in the text (an axis, an
            index); they are part of the operation, not variables.
        optional_literals: how many of those may be left out.
        noun: what the operation is called in prose ("the matrix product").
        text: how text output writes a call (``"{0}'"`` for a transpose); empty: ``name(…)``.
        latex: the same for LaTeX.
        linear: the operation is linear in each argument (no kinks, no domain, no curvature
            of its own): finite differences along a line through it are exact up to rounding.
        symbol: how a drawing of the tape shows the operation (``@``, ``ᵀ``); empty: its name.
            For a constant (no array arguments) it is how formulas written for people show it,
            a template of the literals like ``latex`` (``e_{{{1}}}`` for ``onehot(n, i)``).
        sizes: how many of the leading literals are sizes of the result (``ones(3, 2)``, ``eye(3)``,
            the ``n`` of ``onehot(n, i)``), as opposed to axes or indices: the program written at
            other sizes changes them.
    """

    name: str
    arity: int
    shape: Callable[..., Shape]
    forward: Callable[..., Any]
    vjps: tuple[Rule, ...]
    literals: int = 0
    optional_literals: int = 0
    noun: str = ""
    text: str = ""
    latex: str = ""
    linear: bool = False
    symbol: str = ""
    sizes: int = 0

    def __post_init__(self) -> None:
        if len(self.vjps) != self.arity:
            raise ValueError(f"array primitive {self.name}: {self.arity} arguments but {len(self.vjps)} rules")

    def __repr__(self) -> str:
        return f"ArrayPrimitive({self.name!r})"


# ---------------------------------------------------------------------------------------
# Shape rules. Each names both shapes when they do not fit.
# ---------------------------------------------------------------------------------------


def _matmul_shape(a: Shape, b: Shape) -> Shape:
    if not a or not b:
        scalar = "left" if not a else "right"
        raise ShapeError(f"{shape_text(a)} times {shape_text(b)}: the {scalar} side is a scalar; write * to scale")
    if len(a) > 2 or len(b) > 2:
        raise ShapeError(f"{shape_text(a)} times {shape_text(b)}: matrix products take vectors and matrices")
    if a[-1] != b[0]:
        raise ShapeError(
            f"{shape_text(a)} times {shape_text(b)}: the inner sizes differ ({a[-1]} and {b[0]}); "
            "the left operand's columns must match the right operand's rows"
        )
    return a[:-1] + b[1:]


def _transpose_shape(a: Shape) -> Shape:
    return a[::-1] if len(a) == 2 else a


def _outer_shape(a: Shape, b: Shape) -> Shape:
    if len(a) != 1 or len(b) != 1:
        raise ShapeError(f"outer of {shape_text(a)} and {shape_text(b)}: outer products take two vectors")
    return (a[0], b[0])


def _dot_shape(a: Shape, b: Shape) -> Shape:
    if len(a) != 1 or a != b:
        raise ShapeError(f"dot of {shape_text(a)} and {shape_text(b)}: dot takes two vectors of the same size")
    return ()


def _axis(shape: Shape, axis: int | None, what: str) -> int | None:
    if axis is None:
        return None
    if not -len(shape) <= axis < len(shape):
        raise ShapeError(
            f"{what} over axis {axis} of {shape_text(shape)}: it has {len(shape)} axes (0 to {len(shape) - 1})"
        )
    return axis % len(shape)


def _reduced_shape(x: Shape, axis: int | None = None) -> Shape:
    k = _axis(x, axis, "a sum")
    return () if k is None else x[:k] + x[k + 1 :]


def _trace_shape(a: Shape) -> Shape:
    if len(a) != 2 or a[0] != a[1]:
        raise ShapeError(f"trace of {shape_text(a)}: trace takes a square matrix")
    return ()


def _last_axis_shape(z: Shape) -> Shape:
    if not z:
        raise ShapeError("softmax of a scalar: softmax and its kin take a vector (or a matrix, row by row)")
    return z


def _logsumexp_shape(z: Shape) -> Shape:
    return _last_axis_shape(z)[:-1]


def _index_shape(x: Shape, *index: int) -> Shape:
    if not x:
        raise ShapeError("indexing a scalar: only vectors and matrices have elements")
    if len(index) > len(x):
        raise ShapeError(f"{len(index)} indices into {shape_text(x)}, which has {len(x)} axes")
    for i, n in zip(index, x, strict=False):
        if not -n <= i < n:
            raise ShapeError(f"index {i} is out of range for {shape_text(x)} (0 to {n - 1}, or -{n} to -1)")
    return x[len(index) :]


def _sizes_shape(*sizes: int) -> Shape:
    if not sizes:
        raise ShapeError("ones() needs its sizes: ones(3) is a vector of three ones, ones(2, 3) a matrix")
    if any(n < 1 for n in sizes):
        raise ShapeError(f"ones{tuple(sizes)}: every size must be at least 1")
    return tuple(sizes)


def _eye_shape(n: int) -> Shape:
    if n < 1:
        raise ShapeError(f"eye({n}): the size must be at least 1")
    return (n, n)


def _onehot_shape(n: int, i: int) -> Shape:
    if n < 1 or not -n <= i < n:
        raise ShapeError(f"onehot({n}, {i}): the index must be from 0 to {n - 1} (or -{n} to -1)")
    return (n,)


def _diag_shape(v: Shape) -> Shape:
    if len(v) != 1:
        raise ShapeError(f"diag of {shape_text(v)}: diag takes a vector and makes a diagonal matrix")
    return (v[0], v[0])


def _vectors_or_more(what: str) -> Callable[[Shape], Shape]:
    def rule(x: Shape) -> Shape:
        if not x:
            raise ShapeError(f"{what} of a scalar: {what} takes a vector or a matrix")
        return ()

    return rule


# ---------------------------------------------------------------------------------------
# VJP rules. ``g`` has the output's shape; each rule returns ∂L/∂(argument).
# ---------------------------------------------------------------------------------------


def _matmul_left(m: Any, g: Any, a: Any, b: Any, out: Any) -> Any:
    """∂/∂A of A B: g Bᵀ (g bᵀ for a vector b; g·b for two vectors)."""
    ranks = (len(a.shape), len(b.shape))
    if ranks == (1, 1):
        return m.scale(g, b, into=a)
    if ranks == (2, 1):
        return m.outer(g, b, into=a)
    return m.matmul(g, m.transpose(b), into=a)  # (1, 2): B g for a vector a; (2, 2): g Bᵀ


def _matmul_right(m: Any, g: Any, a: Any, b: Any, out: Any) -> Any:
    """∂/∂B of A B: Aᵀ g (a gᵀ for a vector a; g·a for two vectors)."""
    ranks = (len(a.shape), len(b.shape))
    if ranks == (1, 1):
        return m.scale(g, a, into=b)
    if ranks == (1, 2):
        return m.outer(a, g, into=b)
    return m.matmul(m.transpose(a), g, into=b)


def _reduce_axes(x: Any, axis: int | None) -> tuple[int, ...] | None:
    return None if axis is None else (axis % len(x.shape),)


def _elements(x: Any, axis: int | None) -> int:
    count = 1
    for n in x.shape if axis is None else (x.shape[axis],):
        count *= n
    return count


def _softmax(m: Any, z: Any) -> Any:
    e = m.exp(z - m.spread(m.shift(z), z, (-1,)))
    return e / m.spread(m.total(e, (-1,)), e, (-1,))


def _logsumexp(m: Any, z: Any) -> Any:
    top = m.shift(z)
    return top + m.log(m.total(m.exp(z - m.spread(top, z, (-1,))), (-1,)))


ARRAY_PRIMITIVES: tuple[ArrayPrimitive, ...] = (
    ArrayPrimitive(
        name="matmul",
        arity=2,
        shape=_matmul_shape,
        forward=lambda m, a, b: m.matmul(a, b),
        vjps=(_matmul_left, _matmul_right),
        noun="the matrix product",
        text="{0} @ {1}",
        latex="{0} {1}",
        linear=True,
        symbol="@",
    ),
    ArrayPrimitive(
        name="transpose",
        arity=1,
        shape=_transpose_shape,
        forward=lambda m, a: m.transpose(a),
        vjps=(lambda m, g, a, out: m.transpose(g),),
        noun="the transpose",
        text="{0}'",
        latex="{0}^{{\\top}}",
        linear=True,
        symbol="ᵀ",
    ),
    ArrayPrimitive(
        name="outer",
        arity=2,
        shape=_outer_shape,
        forward=lambda m, a, b: m.outer(a, b),
        vjps=(
            lambda m, g, a, b, out: m.matmul(g, b, into=a),
            lambda m, g, a, b, out: m.matmul(a, g, into=b),
        ),
        noun="the outer product",
        latex="{0} {1}^{{\\top}}",
        linear=True,
    ),
    ArrayPrimitive(
        name="dot",
        arity=2,
        shape=_dot_shape,
        forward=lambda m, a, b: m.matmul(a, b),
        vjps=(lambda m, g, a, b, out: m.scale(g, b, into=a), lambda m, g, a, b, out: m.scale(g, a, into=b)),
        noun="the inner product",
        latex="{0}^{{\\top}} {1}",
        linear=True,
    ),
    ArrayPrimitive(
        name="sum",
        arity=1,
        shape=_reduced_shape,
        forward=lambda m, x, axis=None: m.total(x, _reduce_axes(x, axis)),
        vjps=(lambda m, g, x, out, axis=None: m.spread(g, x, _reduce_axes(x, axis)),),
        literals=1,
        optional_literals=1,
        noun="the sum",
        latex="\\textstyle\\sum {0}",
        linear=True,
    ),
    ArrayPrimitive(
        name="mean",
        arity=1,
        shape=_reduced_shape,
        forward=lambda m, x, axis=None: m.total(x, _reduce_axes(x, axis)) / _elements(x, axis),
        vjps=(lambda m, g, x, out, axis=None: m.spread(g, x, _reduce_axes(x, axis)) / _elements(x, axis),),
        literals=1,
        optional_literals=1,
        noun="the mean",
        latex="\\operatorname{{mean}} {0}",
        linear=True,
    ),
    ArrayPrimitive(
        name="trace",
        arity=1,
        shape=_trace_shape,
        forward=lambda m, a: m.trace(a),
        vjps=(lambda m, g, a, out: m.scale(g, m.eye(a.shape[0]), into=a),),
        noun="the trace",
        latex="\\operatorname{{tr}} {0}",
        linear=True,
    ),
    ArrayPrimitive(
        name="norm",
        arity=1,
        shape=_vectors_or_more("norm"),
        forward=lambda m, x: m.sqrt(m.total(x * x, None)),
        vjps=(lambda m, g, x, out: m.scale(g / out, x, into=x),),
        noun="the Euclidean norm",
        text="norm({0})",
        latex="\\left\\lVert {0} \\right\\rVert",
    ),
    ArrayPrimitive(
        name="softmax",
        arity=1,
        shape=_last_axis_shape,
        forward=_softmax,
        vjps=(lambda m, g, z, out: out * (g - m.spread(m.total(g * out, (-1,)), z, (-1,))),),
        noun="the softmax",
        latex="\\operatorname{{softmax}} {0}",
    ),
    ArrayPrimitive(
        name="logsumexp",
        arity=1,
        shape=_logsumexp_shape,
        forward=_logsumexp,
        vjps=(lambda m, g, z, out: m.spread(g, z, (-1,)) * m.exp(z - m.spread(out, z, (-1,))),),
        noun="the log-sum-exp",
        latex="\\operatorname{{logsumexp}} {0}",
    ),
    ArrayPrimitive(
        name="log_softmax",
        arity=1,
        shape=_last_axis_shape,
        forward=lambda m, z: z - m.spread(_logsumexp(m, z), z, (-1,)),
        vjps=(lambda m, g, z, out: g - m.spread(m.total(g, (-1,)), z, (-1,)) * m.exp(out),),
        noun="the log-softmax",
        latex="\\operatorname{{log\\,softmax}} {0}",
    ),
    ArrayPrimitive(
        name="index",
        arity=1,
        shape=_index_shape,
        forward=lambda m, x, *index: m.index(x, index),
        vjps=(lambda m, g, x, out, *index: m.scatter(g, x, index),),
        literals=2,
        optional_literals=1,
        noun="an element",
        text="{0}[{i}]",
        latex="{0}_{{{i}}}",
        linear=True,
        symbol="[·]",
    ),
    # What derivatives are written with: 𝟏, I, eᵢ and diag(v).
    ArrayPrimitive(
        name="ones",
        arity=0,
        shape=_sizes_shape,
        forward=lambda m, *shape: m.ones(shape),
        vjps=(),
        literals=2,
        optional_literals=1,
        noun="a vector (or matrix) of ones",
        latex="\\mathbf{{1}}",
        linear=True,
        symbol="𝟏",
        sizes=2,
    ),
    ArrayPrimitive(
        name="eye",
        arity=0,
        shape=_eye_shape,
        forward=lambda m, n: m.eye(n),
        vjps=(),
        literals=1,
        noun="the identity matrix",
        latex="I",
        linear=True,
        symbol="I",
        sizes=1,
    ),
    ArrayPrimitive(
        name="onehot",
        arity=0,
        shape=_onehot_shape,
        forward=lambda m, n, i: m.index(m.eye(n), (i,)),
        vjps=(),
        literals=2,
        noun="a standard basis vector",
        latex="e_{{{1}}}",
        linear=True,
        symbol="e_{{{1}}}",
        sizes=1,
    ),
    ArrayPrimitive(
        name="diag",
        arity=1,
        shape=_diag_shape,
        forward=lambda m, v: v * m.eye(v.shape[0]),  # the identity's columns scaled: diag(v)
        vjps=(lambda m, g, v, out: m.total(g * m.eye(v.shape[0]), (-1,)),),  # the diagonal of g
        noun="the diagonal matrix",
        latex="\\operatorname{{diag}} {0}",
        linear=True,
    ),
)
