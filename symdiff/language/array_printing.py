"""How array programs look: the input language (text that reads back), pretty text, and LaTeX.

``tensor_text`` writes ``relu(W1 @ x + b1)``, ``W'``, ``y[0]``, ``a * b`` (element-wise): the
language the parser reads. ``pretty=True`` writes it the way a backpropagation tutorial does,
``Wᵀ δ``, ``a ⊙ b``, ``2(y - t) h``, ``δ xᵀ``, ``H(z)``; ``tensor_latex`` the same in LaTeX
(``W^{\\top} \\delta``, ``a \\odot b``). A node that a program line names is written by its
name (``names``), so a line reads in terms of the lines above it; ``display`` says how a name
is shown (``delta1`` as ``δ₁``), by default as it is (LaTeX: ``w_{1}``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from ..primitives.arrays import ArrayPrimitive
from ..primitives.primitive import Primitive
from .arrays import Tensor
from .printing import name_latex, to_latex, to_text

# Binding strength, loosest first.
_SUM, _PRODUCT, _SIGN, _POWER, _POSTFIX, _ATOM = range(1, 7)
_INFIX = {"add": ("+", _SUM), "sub": ("-", _SUM), "mul": ("*", _PRODUCT), "div": ("/", _PRODUCT)}


class _Writer:
    """One way of writing nodes (text, pretty text or LaTeX); ``write`` gives (text, binding strength)."""

    def __init__(self, names: Mapping[Tensor, str] | None, style: str, display: Callable[[str], str] | None):
        self.names = names or {}
        self.style = style
        self.latex = style == "latex"
        self.pretty = style == "pretty"
        self.display = display or (name_latex if self.latex else str)
        self.done: dict[Tensor, tuple[str, int]] = {}

    def __call__(self, node: Tensor) -> str:
        self.root = node  # written out even when a line names it
        for each in _postorder(node):  # bottom up: deep programs never recurse
            self.done[each] = self.write(each)
        return self.done[node][0]

    def wrap(self, node: Tensor, needed: int, strict: bool = False) -> str:
        text, strength = self.done[node]
        if strength > needed or (strength == needed and not strict):
            return text
        return rf"\left({text}\right)" if self.latex else f"({text})"

    def write(self, node: Tensor) -> tuple[str, int]:
        if node in self.names and node.kind != "const" and node is not self.root:
            return self.display(self.names[node]), _ATOM
        if node.kind == "input":
            return self.display(node.name), _ATOM
        if node.kind == "const":
            value = node.value
            text = to_latex(value) if self.latex else to_text(value)
            return text, _ATOM if (value.is_Atom and value >= 0) else _SIGN
        if isinstance(node.op, Primitive):
            return self.elementwise(node, node.op)
        return self.array(node)

    def elementwise(self, node: Tensor, op: Primitive) -> tuple[str, int]:
        args = node.args
        if op.name == "mul" and args[0].kind == "const" and args[0].value == 0 and not args[1].args:
            return "0", _ATOM  # zeros of a shape, written as 0 times ones
        if op.name in _INFIX:
            symbol, strength = _INFIX[op.name]
            if op.name == "mul":
                symbol = self.product_sign(args[0], args[1])
            if op.name == "div" and self.latex:
                return rf"\frac{{{self.done[args[0]][0]}}}{{{self.done[args[1]][0]}}}", _ATOM
            left = self.wrap(args[0], strength, strict=op.name == "mul" and self.inner(args[0]))
            right = self.wrap(args[1], strength, strict=op.name in ("sub", "div") or self.inner(args[1]))
            if symbol in ("", " "):
                return f"{left}{symbol}{right}", strength
            return f"{left} {symbol} {right}", strength
        if op.name == "neg":
            return f"-{self.wrap(args[0], _SIGN)}", _SIGN
        if op.name == "pow":
            base, exponent = self.wrap(args[0], _POWER, strict=True), self.done[args[1]][0]
            if self.latex:
                hadamard = r"\circ " if args[0].shape else ""
                return f"{base}^{{{hadamard}{exponent}}}", _POWER
            return f"{base}^{self.wrap(args[1], _POWER)}", _POWER
        inner = ", ".join(self.done[a][0] for a in args)
        if self.pretty and op.symbol:
            shown = op.symbol
            return (shown.replace("·", inner) if "·" in shown else f"{shown}({inner})"), _ATOM
        if not self.latex:
            return f"{op.name}({inner})", _ATOM
        if r"\cdot" in op.latex:  # |·|
            return op.latex.replace(r"\cdot", inner), _ATOM
        if op.latex.startswith(r"\sqrt"):
            return rf"{op.latex}{{{inner}}}", _ATOM
        return rf"{op.latex}\left({inner}\right)", _ATOM

    def inner(self, node: Tensor) -> bool:
        """An inner product (aᵀ b), which a product around it would run into: 2(aᵀ x) a."""
        return (
            (self.pretty or self.latex)
            and node.kind == "op"
            and not node.shape
            and node not in self.names
            and (not isinstance(node.op, Primitive) and node.primitive.name in ("matmul", "dot"))
        )

    def product_sign(self, a: Tensor, b: Tensor) -> str:
        """Between two factors: ⊙ (or *) for two arrays; nothing for a number before a name (or, in
        pretty text, a parenthesis); a space between other factors in pretty text, as people write."""
        if a.shape and b.shape:
            return r"\odot" if self.latex else "⊙" if self.pretty else "*"
        if self.latex:  # 2\left(y - t\right), \delta_{2} w_{2}
            return "" if a.kind == "const" else " "
        written = self.done[b][0]
        right = written[:1]
        if a.kind == "const" and a.value.is_Integer:
            if a.value > 0 and right.isalpha() and not self.pretty:
                return ""
            if self.pretty and (right == "(" or (right.isalpha() and not _CALL.match(written))):
                return ""  # 2h, 2(y - t), 2Aᵀ; but 2 diag(x)
        return " " if self.pretty else "*"

    def array(self, node: Tensor) -> tuple[str, int]:
        op = node.primitive
        args = node.args
        if not args:  # a constant: ones(3), eye(3), onehot(4, 2)
            assert isinstance(op, ArrayPrimitive)
            return self.constant(op, node.literals), _ATOM
        if op.name == "matmul":
            left, right = self.wrap(args[0], _PRODUCT), self.wrap(args[1], _PRODUCT, strict=True)
            if not (self.latex or self.pretty):
                return f"{left} @ {right}", _PRODUCT
            if len(args[0].shape) == 1 and not _transposed(args[0]):  # a row vector: aᵀ b, xᵀ A
                left = self.wrap(args[0], _POSTFIX, strict=True) + (r"^{\top}" if self.latex else "ᵀ")
            return f"{left} {right}", _PRODUCT
        if op.name == "transpose":
            base = self.wrap(args[0], _POSTFIX, strict=True)
            mark = r"^{\top}" if self.latex else "ᵀ" if self.style == "pretty" else "'"
            return base + mark, _POSTFIX
        if op.name == "index":
            base = self.wrap(args[0], _POSTFIX, strict=True)
            where = ", ".join(map(str, node.literals))
            return (f"{base}_{{{where}}}" if self.latex else f"{base}[{where}]"), _POSTFIX
        if op.name in ("outer", "dot") and (self.pretty or self.latex):  # a bᵀ, aᵀ b
            left, right = self.wrap(args[0], _POSTFIX, strict=True), self.wrap(args[1], _POSTFIX, strict=True)
            if self.latex:
                return op.latex.format(left, right), _PRODUCT
            return (f"{left} {right}ᵀ" if op.name == "outer" else f"{left}ᵀ {right}"), _PRODUCT
        inner = ", ".join([self.done[a][0] for a in args] + [str(k) for k in node.literals])
        if not self.latex:
            return f"{op.name}({inner})", _ATOM
        template = op.latex or rf"\operatorname{{{op.name}}} {{0}}"
        if len(args) == 1 and not node.literals:
            return template.format(self.wrap(args[0], _ATOM, strict=True)), _PRODUCT
        return rf"\operatorname{{{op.name}}}\left({inner}\right)", _ATOM

    def constant(self, op: ArrayPrimitive, literals: tuple[int, ...]) -> str:
        """``ones(3)`` in the input language; 𝟏, I, e₂ for people (``symbol``), ``\\mathbf{1}`` in LaTeX."""
        if self.latex:
            return op.latex.format(*literals)
        if self.pretty and op.symbol:
            return _SUBSCRIPT.sub(lambda m: m.group(1).translate(_SUBSCRIPTS), op.symbol.format(*literals))
        return f"{op.name}({', '.join(map(str, literals))})"


_CALL = re.compile(r"[^\W\d]\w*\(")
_SUBSCRIPT = re.compile(r"_\{(-?\d+)\}")
_SUBSCRIPTS = str.maketrans("-0123456789", "₋₀₁₂₃₄₅₆₇₈₉")


def _transposed(node: Tensor) -> bool:
    """A vector written with its transpose already (``x'`` in the program)."""
    return node.kind == "op" and not isinstance(node.op, Primitive) and node.primitive.name == "transpose"


def _postorder(node: Tensor) -> list[Tensor]:
    from .arrays import postorder

    return list(postorder(node))


def tensor_text(
    node: Tensor,
    names: Mapping[Tensor, str] | None = None,
    *,
    pretty: bool = False,
    display: Callable[[str], str] | None = None,
) -> str:
    """The node in symdiff's input language (``pretty``: with ᵀ and ⊙, as tutorials write it)."""
    return _Writer(names, "pretty" if pretty else "text", display)(node)


def tensor_latex(
    node: Tensor, names: Mapping[Tensor, str] | None = None, *, display: Callable[[str], str] | None = None
) -> str:
    """The node in LaTeX: ``W^{\\top}``, ``a \\odot b``, ``\\operatorname{ReLU}\\left(W x + b\\right)``."""
    return _Writer(names, "latex", display)(node)
