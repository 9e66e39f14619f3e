"""Jacobians and Hessians as matrix formulas: ∂softmax(z)/∂z = diag(p) - p pᵀ, ∇²(xᵀAx) = A + Aᵀ.

Reverse mode gives ``Jᵀ g`` for a cotangent ``g``: a formula linear in ``g``. Writing it as a
matrix times ``g`` (``coefficient``) gives ``Jᵀ``, and its transpose is the Jacobian; a
Hessian is the Jacobian of the gradient's formula. The rules of linear algebra do the rest:
``diag(a) C`` for ``a ⊙ (C g)``, ``A C`` for ``A (C g)``, ``Cᵀ a`` for ``aᵀ (C g)``.

Only what is a matrix is written: the derivative of a scalar or a vector by a scalar or a
vector. A matrix by anything, or anything by a matrix, is a tensor of three or four indices,
and is refused with a message saying so.
"""

from __future__ import annotations

from collections.abc import Collection

from ..errors import SymdiffError
from ..language.arrays import Tensor, postorder
from ..primitives.shapes import shape_text
from .matrix_algebra import ONE, eye, node, ones, zeros
from .matrix_reverse import check_ranks, placeholder, pullback

COTANGENT = "_g"  # the cotangent's name: no variable of a program starts with _


def refuse_tensor(label: str, f_shape: tuple[int, ...], x_shape: tuple[int, ...], value: str = "value") -> None:
    """A derivative that is not a matrix (of a matrix, or by a matrix) is refused; ``label`` is ``∂p/∂z``."""
    if len(f_shape) <= 1 and len(x_shape) <= 1:
        return
    indices = len(f_shape) + len(x_shape)
    raise SymdiffError(
        f"{label} has {indices} indices (a {shape_text(f_shape)} {value} by a {shape_text(x_shape)} variable), "
        "not a matrix; symdiff writes matrix formulas only: differentiate a scalar or a vector by a scalar or "
        "a vector (for a matrix parameter, the gradient of a scalar loss)"
    )


def jacobian_formula(f: Tensor, x: Tensor, keep: Collection[Tensor] = ()) -> Tensor:
    """∂f/∂x with J[i, j] = ∂fᵢ/∂xⱼ, for scalars and vectors ``f`` and ``x``; a scalar's is its gradient."""
    check_ranks(f)
    if not f.shape:
        return pullback(f, [x], keep=keep).gradients[0]
    cotangent = placeholder(COTANGENT, f)
    transposed = pullback(f, [x], seed=cotangent, keep=keep).gradients[0]  # Jᵀ g
    c = coefficient(transposed, cotangent)  # Jᵀ, shaped x.shape + f.shape
    return node("transpose", c) if x.shape else c


def coefficient(e: Tensor, g: Tensor) -> Tensor:
    """The ``C`` with ``e = C g`` for ``e`` linear in ``g`` (``C`` shaped ``e.shape + g.shape``)."""
    found: dict[Tensor, Tensor] = {g: eye(g.shape[0]) if g.shape else ONE}
    depends = {g}
    for each in postorder(e):
        if each in found or not any(a in depends for a in each.args):
            continue
        depends.add(each)
        found[each] = _coefficient(each, found, g)
    return found.get(e, zeros(e.shape + g.shape))


def _not_a_matrix(each: Tensor) -> SymdiffError:
    return SymdiffError(
        f"this derivative passes through a {shape_text(each.shape)} {each.primitive.name} that depends on the "
        "variable; its Jacobian is a tensor of three or more indices, not a matrix formula"
    )


def _coefficient(each: Tensor, found: dict[Tensor, Tensor], g: Tensor) -> Tensor:
    """The coefficient of one node, from its arguments' (the node is linear in those that depend on ``g``)."""
    if len(each.shape) > 1:
        raise _not_a_matrix(each)
    args = each.args
    parts = [found.get(a) for a in args]
    name = each.primitive.name
    if name in ("add", "sub"):
        terms = [_broadcast(c, a.shape, each.shape, g) for a, c in zip(args, parts, strict=True) if c is not None]
        if len(terms) == 1:
            only = terms[0]
            return only if parts[0] is not None or name == "add" else node("neg", only)
        return node(name, *terms)
    if name == "neg":
        return node("neg", parts[0])
    if name in ("mul", "div"):
        if (name == "div" and parts[1] is not None) or all(p is not None for p in parts):
            raise SymdiffError("internal: a cotangent appeared non-linearly in a vector-Jacobian product")
        k = 0 if parts[0] is not None else 1
        factor = args[1 - k] if name == "mul" else node("div", ONE, args[1])
        return _scaled(factor, parts[k], args[k].shape, each.shape, g)  # type: ignore[arg-type]
    if name in ("matmul", "dot"):
        return _product(args, parts, each)
    if name == "transpose":
        return parts[0]  # type: ignore[return-value]
    if name in ("sum", "mean"):
        c = parts[0]
        assert c is not None
        total = node("sum", c, literals=(0,)) if g.shape else node("sum", c)
        return node("div", total, args[0].shape[0]) if name == "mean" else total
    if name == "index" and len(args[0].shape) == 1:
        return node("index", parts[0], literals=each.literals)
    raise _not_a_matrix(each)


def _broadcast(c: Tensor, shape: tuple[int, ...], target: tuple[int, ...], g: Tensor) -> Tensor:
    """The coefficient of a scalar term added to a vector: every row the same (𝟏 cᵀ)."""
    if shape == target:
        return c
    if g.shape:
        return node("outer", ones(target), c)
    return node("mul", c, ones(target))


def _scaled(factor: Tensor, c: Tensor, shape: tuple[int, ...], result: tuple[int, ...], g: Tensor) -> Tensor:
    """The coefficient of ``factor ⊙ e`` from ``e``'s (``shape``), the product shaped ``result``."""
    if not factor.shape:
        return node("mul", factor, c)
    if shape:  # a vector times a vector: diag(a) C
        return node("matmul", node("diag", factor), c) if g.shape else node("mul", factor, c)
    return node("outer", factor, c) if g.shape else node("mul", factor, c)  # a vector times a scalar


def _product(args: tuple[Tensor, ...], parts: list[Tensor | None], each: Tensor) -> Tensor:
    a, b = args
    ca, cb = parts
    if ca is not None and cb is not None:
        raise SymdiffError("internal: a cotangent appeared non-linearly in a vector-Jacobian product")
    if cb is not None and len(a.shape) == 2:
        return node("matmul", a, cb)  # A (C g)
    if ca is not None and len(b.shape) == 2:
        return node("matmul", node("transpose", b), ca)  # (C g)ᵀ B = Bᵀ C g
    if len(a.shape) == len(b.shape) == 1:  # aᵀ (C g) = (Cᵀ a)ᵀ g
        return node("matmul", a, cb) if cb is not None else node("matmul", b, ca)
    raise _not_a_matrix(each)
