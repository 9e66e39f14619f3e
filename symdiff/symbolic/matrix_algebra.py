"""The algebra that keeps matrix formulas readable: every node is built already simplified.

Running the registry's VJP rules on tensor nodes gives correct but clumsy formulas:
``1 * g``, ``(Aᵀ)ᵀ``, ``0 + g``, ``xᵀ Aᵀ`` for a vector x, ``(2‖r‖)/‖r‖``. ``build(op, args)``
is ``arrays.apply`` with local rewrites, the ones a teacher does without saying so:

* numbers fold (``2 * 3``, ``b - 1`` with b = 2), 0 and 1 disappear, and a zero argument of a
  linear operation makes the whole a zero; numbers and scalars move to the front of a product
  (``2(y - t) h``), a sign moves out (``-(a b)``);
* ``𝟏 ⊙ a`` is ``a``, ``I A`` is ``A``, ``diag(v) a`` is ``v ⊙ a``, ``(Aᵀ)ᵀ`` is ``A``; a
  transpose moves inward, onto leaves (``(A B)ᵀ = Bᵀ Aᵀ``), and a vector times a matrix is
  written as the matrix's transpose times the vector (``xᵀA`` is ``Aᵀ x``);
* ``a/a`` and ``(c a)/a`` cancel, ``A x + B x`` is ``(A + B) x``, and a product over a sum is
  multiplied out when that makes the formula smaller (``p ⊙ (𝟏 s - y/p)`` is ``s p - y``).

Every rewrite keeps the node's shape, which ``build`` asserts: a rule that cannot keep it
does not apply. ``simplify`` rebuilds a raw graph (what the rules built with ``+ - * /`` on
nodes) this way, bottom up, leaving the program's own nodes as they are.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, MutableMapping, Sequence
from typing import Any

import sympy as sp

from ..language.arrays import Operation, Tensor, apply, constant, postorder
from ..primitives import registry
from ..primitives.arrays import ArrayPrimitive
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape

ZERO = constant(0)
ONE = constant(1)

Rule = Callable[[Tensor, Sequence[Tensor]], "Tensor | None"]


def lift(value: Any) -> Tensor:
    """A node as it is; a number as an exact constant (the rules' 0.5 is 1/2)."""
    if isinstance(value, Tensor):
        return value
    if isinstance(value, float):
        exact = sp.Rational(value)
        return constant(exact if exact.q <= 1024 else sp.Float(value))
    return constant(value)


def op(name: str) -> Primitive | ArrayPrimitive:
    return registry.BY_NAME[name] if name in registry.BY_NAME else registry.ARRAYS[name]


def node(name: str, *args: Any, literals: Sequence[int] = ()) -> Tensor:
    """``build`` by the operation's name: ``node("mul", a, b)``."""
    return build(op(name), [lift(a) for a in args], literals)


# -- what a node is ---------------------------------------------------------------------------


def is_op(t: Tensor, *names: str) -> bool:
    return t.kind == "op" and t.primitive.name in names


def is_number(t: Tensor, value: Any = None) -> bool:
    return t.kind == "const" and (value is None or t.value == value)


def is_zero(t: Tensor) -> bool:
    """0, or zeros of a shape (written ``0 𝟏``)."""
    return is_number(t, 0) or (is_op(t, "mul") and is_number(t.args[0], 0) and is_op(t.args[1], "ones"))


def is_ones(t: Tensor) -> bool:
    return is_number(t, 1) or is_op(t, "ones")


def zeros(shape: Shape) -> Tensor:
    return ZERO if not shape else Tensor(op("mul"), (ZERO, ones(shape)), shape)


def ones(shape: Shape) -> Tensor:
    return ONE if not shape else build(op("ones"), [], shape)


def eye(n: int) -> Tensor:
    return build(op("eye"), [], (n,))


def onehot(n: int, i: int) -> Tensor:
    return build(op("onehot"), [], (n, i % n))


def scalar_factor(t: Tensor) -> tuple[Tensor, Tensor] | None:
    """``(s, x)`` when ``t`` is a scalar ``s`` times an array ``x``."""
    if is_op(t, "mul") and not t.args[0].shape and t.args[1].shape == t.shape:
        return t.args[0], t.args[1]
    return None


def scalar_divisor(t: Tensor) -> tuple[Tensor, Tensor] | None:
    """``(x, s)`` when ``t`` is an array ``x`` divided by a scalar ``s``."""
    if is_op(t, "div") and not t.args[1].shape and t.args[0].shape == t.shape:
        return t.args[0], t.args[1]
    return None


def size(t: Tensor) -> int:
    """How many distinct operations the formula has (constants such as 1 or 𝟏 not counted): what
    'smaller' means when a product is multiplied out."""
    return sum(1 for each in postorder(t) if each.args)


# -- building ---------------------------------------------------------------------------------


def build(operation: Operation, args: Sequence[Tensor], literals: Sequence[int] = ()) -> Tensor:
    """The node ``operation(args)``, rewritten by the first rule that applies (its shape kept)."""
    raw = apply(operation, args, literals)
    if isinstance(operation, Primitive) and args and all(a.kind == "const" for a in args):
        folded = _fold(operation, args)
        if folded is not None:
            return folded
    rule = _RULES.get(operation.name)
    result = rule(raw, raw.args) if rule is not None else None
    if result is None and _linear(raw) and any(is_zero(a) for a in _linear_args(raw)):
        result = zeros(raw.shape)
    if result is None:
        return raw
    assert result.shape == raw.shape, f"a rewrite of {raw!r} changed its shape to {result.shape}"
    return result


def _fold(operation: Primitive, args: Sequence[Tensor]) -> Tensor | None:
    value = operation.sympy(*(a.value for a in args))
    return constant(value) if value.is_number and value.is_finite and value.is_extended_real else None


def _linear(t: Tensor) -> bool:
    p = t.primitive
    return p.linear if isinstance(p, ArrayPrimitive) else p.name in ("mul", "div", "neg")


def _linear_args(t: Tensor) -> Iterable[Tensor]:
    """The arguments a zero of which makes ``t`` zero (the numerator of a quotient, either factor of a product)."""
    return t.args[:1] if is_op(t, "div") else t.args


def simplify(root: Tensor, memo: MutableMapping[Tensor, Tensor]) -> Tensor:
    """``root`` rebuilt bottom up with ``build``; a node in ``memo`` (a program line, a node already
    simplified) is replaced by what it maps to, and its arguments are not visited again."""
    stack: list[tuple[Tensor, bool]] = [(root, False)]
    while stack:
        each, expanded = stack.pop()
        if each in memo:
            continue
        if each.kind == "const":  # the rules' 0.5, through Python's operators, is a float
            memo[each] = lift(float(each.value)) if isinstance(each.value, sp.Float) else each
        elif each.kind != "op":
            memo[each] = each
        elif expanded:
            memo[each] = build(each.op, [memo[a] for a in each.args], each.literals)  # type: ignore[arg-type]
        else:
            stack.append((each, True))
            stack.extend((a, False) for a in each.args if a not in memo)
    return memo[root]


# -- the rules --------------------------------------------------------------------------------
# Each takes the raw node and its arguments and returns a replacement, or None.


def _add(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_zero(a) and b.shape == t.shape:
        return b
    if is_zero(b) and a.shape == t.shape:
        return a
    if a == b:
        return node("mul", 2, a)
    if is_op(b, "neg"):
        return node("sub", a, b.args[0])
    if is_op(a, "neg"):
        return node("sub", b, a.args[0])
    return _factor_products("add", a, b)


def _sub(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_zero(b) and a.shape == t.shape:
        return a
    if is_zero(a) and b.shape == t.shape:
        return node("neg", b)
    if a == b:
        return zeros(t.shape)
    if is_op(b, "neg"):
        return node("add", a, b.args[0])
    return _factor_products("sub", a, b)


def _factor_products(name: str, a: Tensor, b: Tensor) -> Tensor | None:
    """``A x ± B x`` as ``(A ± B) x``, ``A B ± A C`` as ``A (B ± C)``, ``diag(a) ± diag(b)`` as ``diag(a ± b)``."""
    if is_op(a, "matmul") and is_op(b, "matmul"):
        (p, q), (r, s) = a.args, b.args
        if q == s and p.shape == r.shape:
            return node("matmul", node(name, p, r), q)
        if p == r and q.shape == s.shape:
            return node("matmul", p, node(name, q, s))
    if is_op(a, "diag") and is_op(b, "diag"):
        return node("diag", node(name, a.args[0], b.args[0]))
    return None


def _neg(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (a,) = args
    if is_op(a, "neg"):
        return a.args[0]
    if is_op(a, "mul") and is_number(a.args[0]):
        return node("mul", -a.args[0].value, a.args[1])
    if is_op(a, "sub"):
        return node("sub", a.args[1], a.args[0])
    return None


def _mul(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_zero(a) or is_zero(b):
        return zeros(t.shape)
    for one, other in ((a, b), (b, a)):
        if is_ones(one) and other.shape == t.shape:
            return other
    if is_number(a, -1):
        return node("neg", b)
    if (is_number(b) and not is_number(a)) or (not b.shape and a.shape):
        return node("mul", b, a)  # numbers, then scalars, first: 2(y - t) h
    if is_op(a, "neg"):
        return node("neg", node("mul", a.args[0], b))
    if is_op(b, "neg"):
        return node("neg", node("mul", a, b.args[0]))
    if a == b:
        return node("pow", a, 2)
    for power, base in ((a, b), (b, a)):  # a^k a = a^(k + 1)
        if is_op(power, "pow") and power.args[0] == base and is_number(power.args[1]) and power.shape == t.shape:
            return node("pow", base, power.args[1].value + 1)
    if is_number(a) and is_op(b, "mul") and is_number(b.args[0]):
        return node("mul", a.value * b.args[0].value, b.args[1])
    if not is_number(a):
        inner = scalar_factor(b)  # a (s x) = s (a x), scalars to the front
        if inner is not None and (is_number(inner[0]) or a.shape):
            return node("mul", inner[0], node("mul", a, inner[1]))
    if a.shape and b.shape:
        inner = scalar_factor(a)  # (s x) ⊙ b = s (x ⊙ b)
        if inner is not None:
            return node("mul", inner[0], node("mul", inner[1], b))
    for x, quotient in ((a, b), (b, a)):  # a (b / c) = (a b) / c, which cancels when c is a
        if is_op(quotient, "div") and broadcast_to(quotient.args[1].shape, t.shape):
            return node("div", node("mul", x, quotient.args[0]), quotient.args[1])
    for x, unit in ((a, b), (b, a)):  # x ⊙ eᵢ = xᵢ eᵢ
        if is_op(unit, "onehot") and x.shape == unit.shape:
            return node("mul", node("index", x, literals=unit.literals[1:]), unit)
    return _distribute("mul", t, a, b)


def _div(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_number(b, 1) and a.shape == t.shape:
        return a
    if is_op(a, "div") and broadcast_to(a.args[1].shape, t.shape) and broadcast_to(b.shape, t.shape):
        return node("div", a.args[0], node("mul", a.args[1], b))
    if a == b:
        return ones(t.shape)
    if is_op(a, "neg"):
        return node("neg", node("div", a.args[0], b))
    cancelled = _cancel(a, b, t.shape)
    if cancelled is not None:
        return cancelled
    if is_op(a, "mul") and is_number(a.args[0]) and is_number(b):
        return node("mul", a.args[0].value / b.value, a.args[1])
    return None


def broadcast_to(shape: Shape, target: Shape) -> bool:
    """Does an array of ``shape`` broadcast to ``target`` without changing it (a scalar, or the same shape)?"""
    return not shape or shape == target


def factors(t: Tensor) -> list[Tensor]:
    """The factors of an element-wise product (``a ⊙ (b c)`` is a, b, c), in order."""
    found, stack = [], [t]
    while stack:
        each = stack.pop()
        if is_op(each, "mul"):
            stack.extend(reversed(each.args))
        else:
            found.append(each)
    return found


def _cancel(numerator: Tensor, denominator: Tensor, shape: Shape) -> Tensor | None:
    """``(c a b) / (3 a)`` as ``c b / 3``: factors common to both sides removed (the shape kept)."""
    above, below = factors(numerator), factors(denominator)
    common = [f for f in below if f in above]
    if not common:
        return None
    for factor in common:
        above.remove(factor)
        below.remove(factor)
    result = _product(above)
    if below:
        result = node("div", result, _product(below))
    return result if result.shape == shape else None


def _product(parts: Sequence[Tensor]) -> Tensor:
    result = ONE
    for factor in parts:
        result = node("mul", result, factor)
    return result


def _pow(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_number(b, 1) and a.shape == t.shape:
        return a
    if is_number(b, 0):
        return ones(t.shape)
    return None


def _distribute(name: str, t: Tensor, a: Tensor, b: Tensor) -> Tensor | None:
    """``a (b ± c)`` multiplied out, when a product simplifies and the result is smaller.

    Only then: ``(A + B) x`` is what ``A x + B x`` is factored into, and must stay so.
    """
    operation = op(name)
    for position, other in ((1, b), (0, a)):
        if not is_op(other, "add", "sub") or (name == "matmul" and other.args[0].shape != other.args[1].shape):
            continue
        products = []
        for term in other.args:
            factors = [a, term] if position == 1 else [term, b]
            products.append((build(operation, factors), apply(operation, factors)))
        if all(built == raw for built, raw in products):
            continue
        candidate = node(other.primitive.name, products[0][0], products[1][0])
        if candidate.shape == t.shape and size(candidate) < size(t):
            return candidate
    return None


def _transpose(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (a,) = args
    if len(a.shape) < 2 or is_op(a, "eye", "diag"):
        return a
    if is_op(a, "transpose"):
        return a.args[0]
    if is_op(a, "ones"):
        return ones(t.shape)
    if is_op(a, "outer"):
        return node("outer", a.args[1], a.args[0])
    if is_op(a, "neg"):
        return node("neg", node("transpose", a.args[0]))
    if is_op(a, "add", "sub"):
        x, y = a.args
        if x.shape == y.shape:
            return node(a.primitive.name, node("transpose", x), node("transpose", y))
    if is_op(a, "mul") and not a.args[0].shape:
        return node("mul", a.args[0], node("transpose", a.args[1]))
    divided = scalar_divisor(a)
    if divided is not None:
        return node("div", node("transpose", divided[0]), divided[1])
    if is_op(a, "matmul") and len(a.args[0].shape) == len(a.args[1].shape) == 2:
        return node("matmul", node("transpose", a.args[1]), node("transpose", a.args[0]))
    return None


def _matmul(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    a, b = args
    if is_op(a, "eye"):
        return b
    if is_op(b, "eye"):
        return a
    for scaled, other in ((a, b), (b, a)):  # (s I) B = s B
        inner = scalar_factor(scaled)
        if inner is not None and is_op(inner[1], "eye"):
            return node("mul", inner[0], other)
    if len(a.shape) == 1 and len(b.shape) == 2:
        return node("matmul", node("transpose", b), a)  # xᵀ A is Aᵀ x
    for position, factor in ((0, a), (1, b)):
        if is_op(factor, "neg"):
            return node("neg", node("matmul", *_replace(args, position, factor.args[0])))
        if is_op(factor, "mul") and is_number(factor.args[0]) and factor.args[1].shape == factor.shape:
            return node("mul", factor.args[0], node("matmul", *_replace(args, position, factor.args[1])))
    if is_op(a, "diag") and len(b.shape) == 1:
        return node("mul", a.args[0], b)
    if is_op(a, "diag") and is_op(b, "diag"):
        return node("diag", node("mul", a.args[0], b.args[0]))
    if is_op(b, "diag") and is_op(a, "matmul") and is_op(a.args[1], "diag"):  # (A diag(u)) diag(v) = A diag(u ⊙ v)
        return node("matmul", a.args[0], node("diag", node("mul", a.args[1].args[0], b.args[0])))
    if is_op(b, "outer"):  # A (u vᵀ) = (A u) vᵀ
        return node("outer", node("matmul", a, b.args[0]), b.args[1])
    if is_op(a, "outer") and len(b.shape) == 1:  # (u vᵀ) x = (vᵀ x) u
        return node("mul", node("matmul", a.args[1], b), a.args[0])
    if is_op(a, "outer") and len(b.shape) == 2:  # (u vᵀ) B = u (Bᵀ v)ᵀ
        return node("outer", a.args[0], node("matmul", node("transpose", b), a.args[1]))
    return _distribute("matmul", t, a, b)


def _replace(args: Sequence[Tensor], position: int, value: Tensor) -> list[Tensor]:
    replaced = list(args)
    replaced[position] = value
    return replaced


def _outer(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    for position, factor in enumerate(args):
        if is_op(factor, "neg"):
            return node("neg", node("outer", *_replace(args, position, factor.args[0])))
        if is_op(factor, "mul") and is_number(factor.args[0]) and factor.args[1].shape == factor.shape:
            return node("mul", factor.args[0], node("outer", *_replace(args, position, factor.args[1])))
        divided = scalar_divisor(factor)
        if divided is not None:
            return node("div", node("outer", *_replace(args, position, divided[0])), divided[1])
    return None


def _dot(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    return node("matmul", *args)  # one way of writing aᵀ b, so that equal products are one node


def _sum(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (x,) = args
    axis = t.literals[0] if t.literals else None
    if not x.shape:
        return x
    if axis is not None and len(x.shape) == 1:
        return node("sum", x)
    if is_op(x, "neg"):
        return node("neg", node("sum", x.args[0], literals=t.literals))
    inner = scalar_factor(x)
    if inner is not None:
        return node("mul", inner[0], node("sum", inner[1], literals=t.literals))
    divided = scalar_divisor(x)
    if divided is not None:
        return node("div", node("sum", divided[0], literals=t.literals), divided[1])
    if is_op(x, "onehot") and axis is None:
        return ONE
    if is_op(x, "eye"):
        return ones(t.shape) if axis is not None else constant(x.shape[0])
    if is_op(x, "ones"):
        count = 1
        for k, n in enumerate(x.shape):
            count *= n if axis is None or k == axis % len(x.shape) else 1
        return node("mul", count, ones(t.shape))
    if is_op(x, "diag"):
        return x.args[0] if axis is not None else node("sum", x.args[0])
    if is_op(x, "mul") and len(x.shape) == 1 and is_op(x.args[1], "onehot") and not x.args[0].shape:
        return x.args[0]  # Σ s eᵢ = s
    if is_op(x, "outer") and axis is not None:  # Σ over an axis of u vᵀ where the other factor is 𝟏
        kept, summed = (x.args[1], x.args[0]) if axis % 2 == 0 else (x.args[0], x.args[1])
        if is_op(summed, "ones"):
            return node("mul", summed.shape[0], kept)
    return None


def _diag(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (v,) = args
    if is_op(v, "ones"):
        return eye(v.shape[0])
    inner = scalar_factor(v)
    if inner is not None:
        return node("mul", inner[0], node("diag", inner[1]))
    return None


def _trace(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (a,) = args
    if is_op(a, "eye"):
        return constant(a.shape[0])
    if is_op(a, "outer"):
        return node("matmul", *a.args)
    inner = scalar_factor(a)
    if inner is not None:
        return node("mul", inner[0], node("trace", inner[1]))
    return None


def _index(t: Tensor, args: Sequence[Tensor]) -> Tensor | None:
    (x,) = args
    inner = scalar_factor(x)
    if inner is not None:
        return node("mul", inner[0], node("index", inner[1], literals=t.literals))
    return None


_RULES: dict[str, Rule] = {
    "add": _add,
    "sub": _sub,
    "neg": _neg,
    "mul": _mul,
    "div": _div,
    "pow": _pow,
    "transpose": _transpose,
    "matmul": _matmul,
    "outer": _outer,
    "dot": _dot,
    "sum": _sum,
    "diag": _diag,
    "trace": _trace,
    "index": _index,
}
