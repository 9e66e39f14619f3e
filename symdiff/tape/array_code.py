"""Straight-line NumPy for an array tape: forward, then backward, one line per tensor operation.

The registry's rules (element-wise partials and array VJPs) are run once, at generation time,
on ``Val`` objects: Python text that knows the declared shape it holds and whether it carries
a leading sample axis. Which inputs carry one is fixed per generated function, so every line
is plain NumPy written for exactly those shapes: for ``W x`` over a batch of samples the
forward line is ``x @ W.T`` and ∂L/∂W is ``g.T @ x`` (the samples summed inside the product),
with no per-sample loop and no shape test at run time.

Values are names (``v3``), constants too (``c2``), so the same forward code also runs on
arrays of mpmath numbers (the high-precision reference) or of SymPy expressions (the
element-wise expansion the tests compare against): only the namespace changes.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sympy as sp

from ..primitives import registry
from ..primitives.arrays import ArrayPrimitive
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape, broadcast
from .array_graph import ArrayGraph
from .codegen import literal

# Binding strength of the text a Val holds, loosest first.
_SUM, _PRODUCT, _SIGN, _POWER, _ATOM = 1, 2, 3, 4, 5
_OPERATORS = {"+": _SUM, "-": _SUM, "*": _PRODUCT, "/": _PRODUCT, "**": _POWER}


@dataclass(frozen=True)
class Val:
    """A NumPy expression under construction: its text, declared shape, sample axis and binding."""

    text: str
    shape: Shape
    batched: bool
    strength: int = _ATOM
    number: float | None = None  # a known number (folded away in products and sums)

    @property
    def rank(self) -> int:
        return len(self.shape)

    def __add__(self, other: Any) -> Val:
        return _binary(self, "+", other)

    def __radd__(self, other: Any) -> Val:
        return _binary(other, "+", self)

    def __sub__(self, other: Any) -> Val:
        return _binary(self, "-", other)

    def __rsub__(self, other: Any) -> Val:
        return _binary(other, "-", self)

    def __mul__(self, other: Any) -> Val:
        return _binary(self, "*", other)

    def __rmul__(self, other: Any) -> Val:
        return _binary(other, "*", self)

    def __truediv__(self, other: Any) -> Val:
        return _binary(self, "/", other)

    def __rtruediv__(self, other: Any) -> Val:
        return _binary(other, "/", self)

    def __pow__(self, other: Any) -> Val:
        if _number(other) == 2 and self.strength == _ATOM:
            return _binary(self, "*", self)  # v * v: cheaper than v ** 2.0
        return _binary(self, "**", other)

    def __rpow__(self, other: Any) -> Val:
        return _binary(other, "**", self)

    def __neg__(self) -> Val:
        if self.number is not None:
            return number(-self.number)
        return Val(f"-{_wrap(self, _SIGN)}", self.shape, self.batched, _SIGN)


def number(value: float) -> Val:
    return Val(literal(value), (), False, _ATOM if value >= 0 else _SIGN, number=value)


def _lift(x: Any) -> Val:
    return x if isinstance(x, Val) else number(float(x))


def _number(x: Any) -> float | None:
    if isinstance(x, Val):
        return x.number
    return float(x)


def _wrap(v: Val, needed: int) -> str:
    return v.text if v.strength >= needed else f"({v.text})"


def aligned(v: Val, rank: int) -> str:
    """``v``'s text ready to broadcast against a value of declared ``rank``.

    A sample axis comes first, so a batched value of lower rank needs new axes after it:
    256 samples of a scalar (shape (256,)) against a vector (256, 64) are ``v[:, None]``.
    """
    if not v.batched or v.rank >= rank:
        return _wrap(v, _POWER + 1) if v.strength < _ATOM else v.text
    return f"{_wrap(v, _ATOM)}[:{', None' * (rank - v.rank)}]"


def _binary(left: Any, op: str, right: Any) -> Val:
    a, b = _lift(left), _lift(right)
    if a.number is not None and b.number is not None:
        return number(_fold(a.number, op, b.number))
    if b.number is not None:
        if (b.number == 0 and op in "+-") or (b.number == 1 and op in ("*", "/", "**")):
            return a
        if b.number == -1 and op == "*":
            return -a
    if a.number is not None:
        if (a.number == 0 and op == "+") or (a.number == 1 and op == "*"):
            return b
        if a.number == 0 and op == "-":
            return -b
    shape = broadcast(a.shape, b.shape)
    assert shape is not None, f"shapes {a.shape} and {b.shape} were checked when the program was read"
    strength = _OPERATORS[op]
    rank = len(shape)
    left_text = aligned(a, rank)
    right_text = aligned(b, rank)
    if a.strength < strength or (op == "**" and a.strength == strength):
        left_text = f"({a.text})" if not (a.batched and a.rank < rank) else left_text
    if b.strength < strength or (b.strength == strength and op in ("-", "/", "**")):
        right_text = f"({b.text})" if not (b.batched and b.rank < rank) else right_text
    return Val(f"{left_text} {op} {right_text}", shape, a.batched or b.batched, strength)


def _fold(a: float, op: str, b: float) -> float:
    try:
        return {"+": a + b, "-": a - b, "*": a * b}[op] if op in "+-*" else (a / b if op == "/" else a**b)
    except (ZeroDivisionError, OverflowError, ValueError):
        return math.nan


class Backend:
    """The ``m`` that rules see while code is generated: each operation returns NumPy text.

    ``into`` (on matmul, outer and scale) is the value a contribution is for: when it has no
    sample axis and the product does, the samples are summed inside the product.
    """

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.pi, self.e = math.pi, math.e
        self._temporaries = 0
        for p in registry.PRIMITIVES:
            setattr(self, p.name, self._elementwise(p))

    def _elementwise(self, p: Primitive) -> Callable[..., Val]:
        def emit(*args: Any) -> Val:
            vals = [_lift(a) for a in args]
            if all(v.number is not None for v in vals):
                try:  # known numbers: compute now where the float is the exact value (sqrt(4) is 2.0);
                    # log(2) stays a call, which the mpmath reference evaluates at its own precision
                    value = float(p.scalar(*(v.number for v in vals)))
                    if math.isfinite(value) and sp.Rational(value) == p.sympy(*(sp.Rational(v.number) for v in vals)):
                        return number(value)
                except (ArithmeticError, ValueError):
                    pass
            shape: Shape = ()
            for v in vals:
                joined = broadcast(shape, v.shape)
                assert joined is not None
                shape = joined
            texts = ", ".join(aligned(v, len(shape)) for v in vals)
            return Val(f"{p.name}({texts})", shape, any(v.batched for v in vals))

        return emit

    # -- products --------------------------------------------------------------------------

    def _transposed(self, a: Val) -> str:
        """The text of aᵀ for an unbatched matrix: ``W.T``, or ``W`` when ``a`` is ``W.T`` itself."""
        if a.text.endswith(".T") and _plain(a.text[:-2]):
            return a.text[:-2]
        return f"{_wrap(a, _ATOM)}.T"

    def matmul(self, a: Val, b: Val, into: Val | None = None) -> Val:
        shape = a.shape[:-1] + b.shape[1:]
        batched = a.batched or b.batched
        ranks = (a.rank, b.rank)
        ta, tb = _wrap(a, _ATOM), _wrap(b, _ATOM)
        if ranks == (1, 1):
            if a.batched and b.batched:
                text = f"np.sum({ta} * {tb}, axis=-1)"
            else:
                text = f"{tb} @ {ta}" if b.batched else f"{ta} @ {tb}"
        elif ranks == (2, 1):
            if not a.batched:
                text = f"{tb} @ {self._transposed(a)}"
            else:
                text = f"{ta} @ {tb}" if not b.batched else f"({ta} @ {tb}[..., None])[..., 0]"
        elif ranks == (1, 2):
            text = f"{ta} @ {tb}" if not (a.batched and b.batched) else f"({ta}[..., None, :] @ {tb})[..., 0, :]"
        else:
            text = f"{ta} @ {tb}"
        result = Val(text, shape, batched, _PRODUCT)
        return self._summed(result, into)

    def outer(self, a: Val, b: Val, into: Val | None = None) -> Val:
        shape = (a.shape[0], b.shape[0])
        ta, tb = _wrap(a, _ATOM), _wrap(b, _ATOM)
        if into is not None and not into.batched and (a.batched or b.batched):
            if a.batched and b.batched:
                return Val(f"{ta}.T @ {tb}", shape, False, _PRODUCT)  # Σ over samples of a bᵀ, in one product
            a_sum = f"np.sum({a.text}, axis=0)" if a.batched else ta
            b_sum = f"np.sum({b.text}, axis=0)" if b.batched else tb
            return Val(f"np.outer({a_sum}, {b_sum})", shape, False)
        if not (a.batched or b.batched):
            return Val(f"np.outer({ta}, {tb})", shape, False)
        return Val(f"{ta}[..., :, None] * {tb}[..., None, :]", shape, True, _PRODUCT)

    def scale(self, s: Val, x: Val, into: Val | None = None) -> Val:
        """The scalar-shaped ``s`` times the array ``x``."""
        if into is not None and not into.batched and s.batched:
            ts, tx = _wrap(s, _ATOM), _wrap(x, _ATOM)
            if x.batched:  # Σ over samples of s x, in one product
                text = f"{ts} @ {tx}" if x.rank == 1 else f"np.tensordot({ts}, {tx}, axes=1)"
                return Val(text, x.shape, False, _PRODUCT if x.rank == 1 else _ATOM)
            return Val(f"np.sum({s.text}) * {tx}", x.shape, False, _PRODUCT)
        return self._summed(s * x, into)

    def _summed(self, result: Val, into: Val | None) -> Val:
        if into is not None and result.batched and not into.batched:
            return Val(f"np.sum({result.text}, axis=0)", result.shape, False)
        return result

    def transpose(self, a: Val) -> Val:
        if a.rank < 2:
            return a
        text = f"np.swapaxes({a.text}, -1, -2)" if a.batched else self._transposed(a)
        return Val(text, a.shape[::-1], a.batched)

    def trace(self, a: Val) -> Val:
        return Val(f"np.trace({a.text}, axis1=-2, axis2=-1)", (), a.batched)

    def eye(self, n: int) -> Val:
        return Val(f"np.eye({n})", (n, n), False)

    def ones(self, shape: Shape) -> Val:
        return Val(f"np.ones({tuple(shape)})", tuple(shape), False)

    # -- reductions ------------------------------------------------------------------------

    def _axes(self, x: Val, axes: tuple[int, ...] | None) -> tuple[tuple[int, ...], Shape]:
        """Actual NumPy axes for declared ``axes`` (None: all), and the declared shape left."""
        declared = tuple(range(x.rank)) if axes is None else tuple(k % x.rank for k in axes)
        offset = 1 if x.batched else 0
        kept = tuple(n for k, n in enumerate(x.shape) if k not in declared)
        return tuple(k + offset for k in declared), kept

    def total(self, x: Val, axes: tuple[int, ...] | None) -> Val:
        if x.number is not None:  # a known number summed over a shape: the shape's size times it
            return x
        actual, kept = self._axes(x, axes)
        if not actual:
            return x
        where = str(actual[0]) if len(actual) == 1 else str(actual)
        return Val(f"np.sum({x.text}, axis={where})", kept, x.batched)

    def shift(self, x: Val) -> Val:
        """The largest element along the last axis (subtracted before exp, so that exp cannot overflow)."""
        return Val(f"shift({x.text})", x.shape[:-1], x.batched)

    def spread(self, g: Val, x: Val, axes: tuple[int, ...] | None) -> Val:
        """``g``, reduced over ``axes`` of ``x``, broadcast back to ``x``'s shape (a view, not a copy)."""
        declared = set(range(x.rank)) if axes is None else {k % x.rank for k in axes}
        text = g.text
        if g.number is None and (g.rank > 0 or g.batched):
            # New axes where x had the reduced ones (after the sample axis, if any): g[:, None], g[None, :].
            index = [":"] * g.batched + ["None" if k in declared else ":" for k in range(x.rank)]
            if ("None" in index and not all(i == "None" for i in index[g.batched :])) or g.batched:
                text = f"{_wrap(g, _ATOM)}[{', '.join(index)}]"
        if x.batched or not g.batched:
            target = f"np.shape({x.text})" if x.batched else str(x.shape)
        else:
            target = f"np.shape({g.text})[:1] + {x.shape}"
        return Val(f"np.broadcast_to({text}, {target})", x.shape, g.batched or x.batched)

    # -- elements --------------------------------------------------------------------------

    def index(self, x: Val, index: tuple[int, ...]) -> Val:
        where = ", ".join(map(str, index))
        prefix = ":, " if x.batched else ""
        return Val(f"{_wrap(x, _ATOM)}[{prefix}{where}]", x.shape[len(index) :], x.batched)

    def scatter(self, g: Val, x: Val, index: tuple[int, ...]) -> Val:
        """Zeros shaped like ``x`` with ``g`` at ``index``."""
        name = self.temporary()
        shape = f"np.shape({x.text})" if x.batched or not g.batched else f"np.shape({g.text})[:1] + {x.shape}"
        batched = g.batched or x.batched
        prefix = ":, " if batched else ""
        self.lines.append(f"{name} = np.zeros({shape})")
        self.lines.append(f"{name}[{prefix}{', '.join(map(str, index))}] = {g.text}")
        return Val(name, x.shape, batched)

    def sum_to(self, c: Val, target: Val) -> Val:
        """A contribution summed (or broadcast) back to ``target``'s shape and sample axis."""
        text, strength, batched = c.text, c.strength, c.batched
        axes = []
        offset = 1 if batched else 0  # the sample axis, while the array still has it
        if batched and not target.batched:
            axes.append(0)
            batched = False
        extra = c.rank - target.rank
        axes += [offset + k for k in range(extra)]
        reduced = [offset + extra + k for k, n in enumerate(target.shape) if n == 1 and c.shape[extra + k] != 1]
        if axes:
            where = str(axes[0]) if len(axes) == 1 else str(tuple(axes))
            text, strength = f"np.sum({text}, axis={where})", _ATOM
        if reduced:
            shift = len(axes)
            where = str(tuple(k - shift for k in reduced))
            text = f"np.sum({text}, axis={where}, keepdims=True)"
            strength = _ATOM
        result = Val(text, target.shape, batched, strength, c.number if not axes and not reduced else None)
        full = result.shape == target.shape and result.batched == target.batched and result.number is None
        if full and not _smaller(c, target):
            return result
        return Val(f"np.broadcast_to({result.text}, np.shape({target.text}))", target.shape, target.batched)

    def temporary(self) -> str:
        self._temporaries += 1
        return f"t{self._temporaries}"


def _smaller(c: Val, target: Val) -> bool:
    """Is the contribution narrower than its target (a size-1 axis where the target has more)?"""
    offset = c.rank - target.rank
    return offset < 0 or any(n == 1 and t != 1 for n, t in zip(c.shape[offset:], target.shape, strict=True))


# ---------------------------------------------------------------------------------------
# Generation.
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Generated:
    source: str
    constants: dict[str, Any]  # c<i> → the constant's SymPy value


def _forward(graph: ArrayGraph, batched: Sequence[bool], lines: list[str]) -> tuple[list[Val], dict[str, Any]]:
    m = Backend(lines)
    values: list[Val] = []
    constants: dict[str, Any] = {}
    flags = dict(zip(graph.input_nodes, batched, strict=True))
    for i, node in enumerate(graph.nodes):
        if node.kind == "input":
            values.append(Val(f"v{i}", node.shape, flags[i]))
            continue
        if node.kind == "const":
            values.append(_constant(node.value, f"c{i}", constants))
            continue
        args = [values[graph.index(a)] for a in node.args]
        op = node.primitive
        result = _apply(m, op, args, node.literals)
        lines.append(f"v{i} = {result.text}")
        values.append(Val(f"v{i}", node.shape, result.batched))
    return values, constants


def _constant(value: Any, name: str, constants: dict[str, Any]) -> Val:
    """A constant as a float literal when the float is exact (2, 0.5), else by name (π, 1/3, log 2):
    the mpmath reference must see every digit."""
    as_float = float(value)
    if math.isfinite(as_float) and sp.Rational(as_float) == value:
        return number(as_float)
    constants[name] = value
    return Val(name, (), False)


def _apply(m: Backend, op: Primitive | ArrayPrimitive, args: list[Val], literals: tuple[int, ...]) -> Val:
    if isinstance(op, Primitive):
        if op.infix is not None:
            return -args[0] if op.arity == 1 else _binary(args[0], op.infix, args[1])
        if op.name == "pow":
            return args[0] ** args[1]
        return getattr(m, op.name)(*args)
    return op.forward(m, *args, *literals)


def _numbered(graph: ArrayGraph, values: list[Val]) -> list[Val]:
    """Forward values as the backward sweep sees them: constants as their float literals (folded in rules)."""
    result = []
    for i, node in enumerate(graph.nodes):
        result.append(number(float(node.value)) if node.kind == "const" else values[i])
    return result


def _active(graph: ArrayGraph, wanted: Sequence[bool]) -> list[bool]:
    """Which nodes depend on a wanted input (only they carry adjoints)."""
    active = [False] * len(graph.nodes)
    for k, i in enumerate(graph.input_nodes):
        active[i] = wanted[k]
    for i, node in enumerate(graph.nodes):
        if node.kind == "op":
            active[i] = any(active[graph.index(a)] for a in node.args)
    return active


def _backward(
    graph: ArrayGraph, values: list[Val], lines: list[str], careful: bool, wanted: Sequence[bool]
) -> tuple[list[Val | None], dict[int, Val]]:
    """Adjoint lines, last node first.

    Returns each input's gradient (None where the output does not depend on it) and every
    node's adjoint.
    """
    m = Backend(lines)
    m._temporaries = 1000  # temporaries of the backward sweep never meet the forward's
    active = _active(graph, wanted)
    seen = _numbered(graph, values)
    out = values[graph.output]
    seed = number(1.0) if not out.shape else Val(f"np.ones(np.shape({out.text}))", out.shape, out.batched)
    pending: dict[int, list[Val]] = {graph.output: [seed]}
    adjoints: dict[int, Val] = {}
    for i in range(len(graph.nodes) - 1, -1, -1):
        node = graph.nodes[i]
        if i not in pending or node.kind != "op":
            continue
        g = adjoints[i] = _total(pending.pop(i), f"g{i}", lines)
        args = [seen[graph.index(a)] for a in node.args]
        op = node.primitive
        for position, a in enumerate(node.args):
            k = graph.index(a)
            if not active[k]:
                continue
            if isinstance(op, Primitive):
                local = op.partials[position](m, *args, seen[i])
                if _number(local) == 0:
                    continue
                contribution = _strong(g, local, op, args, seen[i]) if careful else g * local
            else:
                contribution = op.vjps[position](m, g, *args, seen[i], *node.literals)
            pending.setdefault(k, []).append(m.sum_to(contribution, values[k]))
    for i in graph.input_nodes:
        if i in pending:
            adjoints[i] = _total(pending[i], f"g{i}", lines)
    return [adjoints.get(i) for i in graph.input_nodes], adjoints


def _strong(g: Val, local: Any, op: Primitive, args: list[Val], out: Val) -> Val:
    """``g × local`` where an exact zero wins over inf and nan, and nan outside the primitive's domain."""
    local_val = _lift(local)
    rank = max(g.rank, local_val.rank)
    text = f"strong({aligned(g, rank)}, {aligned(local_val, rank)})"
    if op.domain is not None:
        inputs = ", ".join(aligned(a, rank) for a in args)
        guarded = f"undefined_is_nan(domain_{op.name}, ({inputs},), {aligned(out, rank)}, {aligned(local_val, rank)})"
        text = f"strong({aligned(g, rank)}, {guarded})"
    shape = broadcast(g.shape, local_val.shape) or g.shape
    return Val(text, shape, g.batched or local_val.batched)


def _plain(text: str) -> bool:
    return text.isidentifier()


def _total(terms: list[Val], name: str, lines: list[str]) -> Val:
    """The sum of the contributions, bound to a name (unless it is a number or already a name)."""
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    if total.number is not None or _plain(total.text):
        return total
    lines.append(f"{name} = {total.text}")
    return Val(name, total.shape, total.batched)


def generate(
    graph: ArrayGraph,
    batched: Sequence[bool],
    *,
    gradient: bool,
    careful: bool = False,
    keep: bool = False,
    wanted: Sequence[bool] | None = None,
) -> Generated:
    """Source of ``def f(v<input>…)``: the value, and the inputs' gradients when asked.

    ``batched``: which inputs carry a leading sample axis. ``careful``: strong zeros and nan
    outside a primitive's domain (see ``interpret``), for when the plain code gave a nan.
    ``keep``: also return every node's value and adjoint, as two dicts (for traces).
    ``wanted``: which inputs' gradients to compute (default all); the others are None.
    """
    forward: list[str] = []
    values, constants = _forward(graph, batched, forward)
    backward: list[str] = []
    wanted = [True] * len(graph.input_nodes) if wanted is None else list(wanted)
    inputs, adjoints = _backward(graph, values, backward, careful, wanted) if gradient else ([], {})
    params = ", ".join(f"v{i}" for i in graph.input_nodes)
    result = values[graph.output].text
    if gradient:
        items = [a.text if a is not None else "None" for a in inputs]
        result = f"{result}, ({', '.join(items)}{',' if len(items) == 1 else ''})"
    if keep:
        kept_values = ", ".join(f"{i}: {v.text}" for i, v in enumerate(values))
        kept_adjoints = ", ".join(f"{i}: {a.text}" for i, a in sorted(adjoints.items()))
        result = f"{result}, {{{kept_values}}}, {{{kept_adjoints}}}"
    name = "value_and_gradient" if gradient else "value"
    body = [*forward, *backward, f"return {result}"]
    return Generated(f"def {name}({params}):\n" + "".join(f"    {line}\n" for line in body), constants)


def namespace(kind: str, constants: dict[str, Any]) -> dict[str, Any]:
    """What generated code sees: each primitive's implementation for ``kind`` and the constants' values."""
    from . import array_namespaces

    return array_namespaces.build(kind, constants)


def compile_array(
    graph: ArrayGraph,
    batched: Sequence[bool],
    kind: str = "numpy",
    *,
    gradient: bool,
    careful: bool = False,
    keep: bool = False,
    wanted: Sequence[bool] | None = None,
) -> Callable[..., Any]:
    """The generated function, compiled with the namespace of ``kind`` (see ``generate`` for the options)."""
    generated = generate(graph, batched, gradient=gradient, careful=careful, keep=keep, wanted=wanted)
    scope = namespace(kind, generated.constants)
    code = compile(generated.source, "<symdiff array tape>", "exec")
    exec(code, scope)  # built from node indices, registry names and numbers only, never user text
    function: Callable[..., Any] = scope["value_and_gradient" if gradient else "value"]
    return function
