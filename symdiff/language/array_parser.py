"""Read a program that declares vectors and matrices into ``Tensor`` nodes.

The grammar is the scalar parser's (``parser._Parser``); only what it builds differs:

* ``W x`` (two arrays side by side) and ``W @ x`` are matrix products; a scalar side by side
  with anything scales it (``2x``, ``lr g``); ``*`` and ``/`` are element-wise, with NumPy
  broadcasting, as are ``+``, ``-``, ``^`` and every scalar function (``relu(W x + b)``);
* ``W'`` or ``W^T`` is the transpose, ``y[0]`` and ``A[1, 2]`` are elements (counted from 0);
* ``sum``, ``mean``, ``dot``, ``outer``, ``norm``, ``trace``, ``softmax``, ``logsumexp``,
  ``log_softmax`` and the losses ``mse``, ``cross_entropy``, ``binary_cross_entropy`` come
  from the registry.

Every input must have a declared shape (``W1: 64x10``, ``t: scalar``, or the caller's
``shapes``): an undeclared name would silently be a scalar. A shape that does not fit is an
error naming both shapes and the column of the operation.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp

from ..errors import ParseError, SymdiffError
from ..limits import Limits
from ..primitives import registry
from ..primitives.primitive import Primitive
from ..primitives.shapes import Shape, ShapeError
from . import arrays
from .arrays import ArrayDefinition, ArrayProgram, Tensor
from .lexer import Token
from .parser import CONSTANTS, Definition, _Parser, fresh_output_name, natural_key

_SCALARS = registry.text_primitives()
_MACROS = {m.name: m for m in registry.MACROS if m.tensor is not None}
_BUILDERS = arrays.builders()
# Array functions whose trailing arguments are whole numbers (an axis), not arrays.
_ARRAY_FUNCTIONS = {p.name: p for p in registry.ARRAY_PRIMITIVES if p.name != "index"}


class ArrayParser(_Parser):
    """The scalar grammar, building tensors: each hook below replaces its SymPy twin."""

    function_names = frozenset(_SCALARS) | frozenset(_ARRAY_FUNCTIONS) | frozenset(_MACROS)

    def __init__(self, text: str, limits: Limits, shapes: Mapping[str, Shape]):
        super().__init__(text, limits)
        self.shapes = dict(shapes)
        self.env: dict[str, Tensor] = {}  # program names → the node their line computes

    def line(self) -> Definition | None:
        definition = super().line()
        if definition is not None and definition.name:
            self.env[definition.name] = definition.expression
        return definition

    # -- leaves --------------------------------------------------------------------------

    def name(self, token: Token) -> Tensor:
        text = token.text
        if text in CONSTANTS:
            return arrays.constant(CONSTANTS[text])
        if text in _SCALARS or text in _ARRAY_FUNCTIONS or text in _MACROS:
            raise self.error(f"'{text}' is a function; call it with parentheses: {text}(…)", token)
        if text == self.current:
            raise self.error(f"'{text}' is used in its own definition", token)
        if text in self.env:
            return self.env[text]
        self.used.setdefault(text, token.offset)
        if text not in self.shapes:
            raise self.error(
                f"{text} has no declared shape; a program with arrays declares every input "
                f"({text}: scalar, {text}: 10 or {text}: 64x10, on a line of its own)",
                token,
            )
        return arrays.variable(text, self.shapes[text])

    def numeral(self, token: Token) -> Tensor:
        return arrays.constant(self.number(token))

    # -- operations ------------------------------------------------------------------------

    def build(
        self, op: Any, args: list[Tensor], token: Token, literals: tuple[int, ...] = (), start: int | None = None
    ) -> Tensor:
        """``op`` applied to ``args``; constants are folded exactly, shapes checked, errors placed.

        A shape error names the operation's text (from ``start``, by default the product or
        line being read, to here) and points at ``token``.
        """
        if isinstance(op, Primitive) and all(a.kind == "const" for a in args):
            values = [a.value for a in args]
            return arrays.constant(self.checked(op.sympy(*values), token))
        try:
            return arrays.apply(op, args, literals)
        except ShapeError as error:
            raise self.error(f"{self.shown(token, start)}: {error}", token) from None

    def shown(self, token: Token, start: int | None = None) -> str:
        """The operation's text for a message: from ``start`` (the product or line being read) to here."""
        begin = min(token.offset, getattr(self, "_product_start", self.last_line_offset) if start is None else start)
        text = " ".join(self.text[begin : self.tokens[self.pos - 1].end].split())
        return text if len(text) <= 40 else text[:39] + "…"

    def negated(self, operand: Tensor, op: Token) -> Tensor:
        return self.build(registry.primitive("neg"), [operand], op)

    def added(self, terms: list[Tensor], start: Token, signs: list[Token]) -> Tensor:
        total = terms[0]
        for term, sign in zip(terms[1:], signs, strict=True):
            op = registry.primitive("sub" if sign.text == "-" else "add")
            total = self.build(op, [total, term], sign, start=start.offset)
        return total

    def multiplied(self, items: list[tuple[str, Tensor, Token]], start: Token) -> Tensor:
        self._product_start = start.offset
        result = items[0][1]
        for op, factor, token in items[1:]:
            if op == "/":
                if factor.kind == "const" and factor.value == 0:
                    raise self.error("division by zero", token)
                result = self.build(registry.primitive("div"), [result, factor], token)
            elif op == "@" or (op == "" and result.shape and factor.shape):
                result = self.matrix_product(result, factor, token)
            else:
                result = self.build(registry.primitive("mul"), [result, factor], token)
        del self._product_start
        return result

    def matrix_product(self, a: Tensor, b: Tensor, token: Token) -> Tensor:
        if len(a.shape) == 1 and _transposed_vector(b):
            raise self.error(
                f"{self.shown(token)}: a vector times a transposed vector is ambiguous with 1-D vectors; "
                "write outer(a, b) for the outer product or dot(a, b) for the inner product",
                token,
            )
        return self.build(registry.array_primitive("matmul"), [a, b], token)

    def powered(self, base: Tensor, exponent: Tensor, op: Token) -> Tensor:
        if base.kind == "const" and exponent.kind == "const":
            self.check_power_size(base.value, exponent.value, op)
            if base.value.is_zero and exponent.value.is_extended_negative:
                raise self.error("division by zero: 0 to a negative power", op)
        return self.build(registry.primitive("pow"), [base, exponent], op)

    def transposes_by_t(self, base: Tensor) -> bool:
        """``W^T`` is a transpose when W is an array and no variable T is declared or defined."""
        return bool(base.shape) and "T" not in self.shapes and "T" not in self.env

    def transposed(self, base: Tensor, mark: Token) -> Tensor:
        if not base.shape:
            raise self.error("a transpose of a scalar: ' and ^T apply to vectors and matrices", mark)
        return self.build(registry.array_primitive("transpose"), [base], mark)

    def indexed(self, base: Tensor, indices: list[int], mark: Token) -> Tensor:
        return self.build(registry.array_primitive("index"), [base], mark, tuple(indices))

    # -- calls -----------------------------------------------------------------------------

    def function(self, name: Token) -> tuple[Callable[..., Any], int, int | None]:
        text = name.text
        if text in _ARRAY_FUNCTIONS:
            p = _ARRAY_FUNCTIONS[text]
            return (lambda *args: ("array", p, args)), p.arity, p.arity + p.literals
        if text in _MACROS:
            macro = _MACROS[text]
            return (lambda *args: ("macro", macro, args)), macro.arity, macro.arity
        if text in _SCALARS:
            scalar = _SCALARS[text]
            lo, hi = scalar.arg_range
            return (lambda *args: ("scalar", scalar, args)), lo, hi
        return super().function(name)  # the suggestions for an unknown name

    def applied(self, name: Token, builder: Callable[..., Any], args: list[Any]) -> Tensor:
        kind, entry, given = builder(*args)
        if kind == "macro":
            try:
                return entry.tensor(_BUILDERS, *given)
            except ShapeError as error:
                raise self.error(f"{name.text}(…): {error}", name) from None
        if kind == "array":
            arguments, literals = list(given[: entry.arity]), given[entry.arity :]
            return self.build(entry, arguments, name, tuple(self.whole(v, name) for v in literals))
        if entry.name == "log" and len(given) == 2:  # log(x, b) = ln x / ln b
            base = self.build(entry, [given[1]], name)
            return self.build(registry.primitive("div"), [self.build(entry, [given[0]], name), base], name)
        if entry.whole:
            given = self.whole_numbers(entry, list(given), name)
        result = given[0]
        if entry.arity == 2 and len(given) > 2:  # max(a, b, c) = max(max(a, b), c)
            for arg in given[1:]:
                result = self.build(entry, [result, arg], name)
            return result
        return self.build(entry, list(given), name)

    def whole_numbers(self, p: Primitive, given: list[Tensor], name: Token) -> list[Tensor]:
        """As for scalars: lambertw(x) is lambertw(x, 0), and polygamma's order must be a whole number."""
        left_out = [w.default for w in p.whole if w.position >= len(given) and w.default is not None]
        given += [arrays.constant(sp.Integer(default)) for default in left_out]
        shown = [a.value if a.kind == "const" else sp.Symbol(a.name or "an array") for a in given]
        try:
            registry.operands(p, shown, f"{name.text}(…)")
        except SymdiffError as error:
            raise self.error(str(error), name) from None
        return given

    def whole(self, value: Tensor, name: Token) -> int:
        """A whole-number argument (an axis): a constant integer."""
        if value.kind != "const" or not value.value.is_Integer:
            raise self.error(f"{name.text}(…): the axis must be a whole number such as 0 or 1", name)
        return int(value.value)

    # -- the program -----------------------------------------------------------------------

    def _link(self, definitions: list[Definition]) -> ArrayProgram:  # type: ignore[override]
        for index, d in enumerate(definitions[:-1]):
            if not d.name:
                raise ParseError(
                    f"line {index + 1} needs a name, e.g. h = {d.source}; only the last line may be a bare expression",
                    self.text,
                    0,
                )
        if not definitions[-1].name:
            last = definitions[-1]
            taken = {d.name for d in definitions} | set(self.shapes) | set(arrays.inputs_of(last.expression))
            definitions[-1] = Definition(fresh_output_name(taken), last.expression, last.source)
        lines = tuple(ArrayDefinition(d.name, d.expression, d.source) for d in definitions)
        used = arrays.inputs_of(lines[-1].expression)
        shapes = {name: used[name] for name in sorted(used, key=natural_key)}
        return ArrayProgram(lines, shapes, self.text, dict(self.shapes))


def _transposed_vector(node: Tensor) -> bool:
    return node.kind == "op" and node.primitive.name == "transpose" and len(node.shape) == 1
