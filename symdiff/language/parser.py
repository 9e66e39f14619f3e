"""Read expression text into SymPy, safely: nothing the user writes is ever evaluated as Python.

The grammar, from loosest to tightest binding::

    program   := line ((';' | newline) line)*
    line      := NAME '=' sum | sum
    sum       := product (('+' | '-') product)*
    product   := signed (('*' | '/') signed | implicit)*     implicit: 2x, 2(x+1), (a+b)(a-b), 2pi x
    signed    := ('-' | '+') signed | power                   -x^2 is -(x^2)
    power     := atom (('^' | '**') signed)?                  right-associative: 2^3^2 = 2^9
    atom      := NUMBER | NAME | NAME '(' sum (',' sum)* ')' | '(' sum ')'

Numbers are exact: ``0.1`` is 1/10. Names are real symbols. Functions are those of the
registry. SymPy nodes are built directly from the registry's constructors.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import sympy as sp
from sympy.core.cache import cacheit
from sympy.core.function import AppliedUndef

from ..errors import ParseError, SymdiffError
from ..limits import DEFAULT_LIMITS, Limits, serialized, sympy_recursion_guard
from ..primitives import registry
from ..primitives.shapes import Shape, ShapeError, checked_shapes, parse_shape, shape_text
from .arrays import ArrayProgram
from .dag import depth as tree_depth
from .dag import free_symbols, postorder, substitute
from .lexer import Token, name_problem, shortened, tokenize
from .printing import integer_from_digits
from .symbols import ELEMENT_TYPES, Canonical, canonical
from .unknown import declaration, dependent, derivative_at, is_derivative_of_unknown, is_unknown, parameters, unknown

CONSTANTS: dict[str, sp.Expr] = {"pi": sp.pi, "e": sp.E}
ARRAY_PROGRAM_HERE = (
    "this is a program over arrays (it declares vectors or matrices); this function takes scalar expressions: "
    "for arrays use symdiff.gradient, symdiff.diff, symdiff.steps, symdiff.Tape, symdiff.compare or "
    "symdiff.check_gradient"
)
_ARRAYS_ONLY = "{what} needs vectors or matrices: declare their shapes first, e.g. W: 3x2 or x: 2 on a line of its own"
_FUNCTIONS = registry.text_functions()
_PRIMITIVES = registry.text_primitives()
_ARRAY_ONLY_FUNCTIONS = frozenset(registry.array_only_names())
_UNDEFINED = (sp.zoo, sp.nan, sp.oo, -sp.oo)


@dataclass(frozen=True)
class Definition:
    """One line ``name = expression`` of a program; ``expression`` refers to earlier names."""

    name: str
    expression: sp.Expr
    source: str


@dataclass(frozen=True)
class Program:
    """Named definitions in order; the last one is the output.

    Attributes:
        definitions: the lines, each in terms of the inputs and of earlier names.
        expression: the output with every definition substituted: a plain SymPy expression.
        source: the text the program was read from.
        inputs: the output's free variables, in natural order.
        resolved: each definition with the earlier ones substituted (the last is ``expression``).
        written: every variable the text names, also one SymPy's reading drops (x in x - x + y).
    """

    definitions: tuple[Definition, ...]
    expression: sp.Expr
    source: str = ""
    inputs: tuple[str, ...] = field(default=())
    resolved: tuple[sp.Expr, ...] = field(default=(), repr=False)
    written: tuple[str, ...] = field(default=(), repr=False)

    @property
    def output(self) -> Definition:
        return self.definitions[-1]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(d.name for d in self.definitions)

    def __str__(self) -> str:
        return "\n".join(f"{d.name} = {d.source}" for d in self.definitions)


def natural_key(name: str) -> tuple[object, ...]:
    """Sort key putting x2 before x10."""
    parts: list[object] = []
    for chunk in _split_digits(name):
        parts.append((0, int(chunk), "") if chunk.isdigit() else (1, 0, chunk))
    return tuple(parts)


def _split_digits(name: str) -> list[str]:
    chunks: list[str] = []
    for ch in name:
        if chunks and chunks[-1][-1].isdigit() == ch.isdigit():
            chunks[-1] += ch
        else:
            chunks.append(ch)
    return chunks


def variable_names(expr: sp.Basic) -> tuple[str, ...]:
    """The free variables of ``expr`` in natural order."""
    return tuple(sorted((s.name for s in free_symbols(expr)), key=natural_key))


def symbol(name: str) -> sp.Symbol:
    """The real SymPy symbol symdiff uses for ``name``."""
    return sp.Symbol(name, real=True)


def python_int_digits() -> int:
    """How many digits Python converts between text and int (``sys.set_int_max_str_digits``; 0 is no limit)."""
    limit = getattr(sys, "get_int_max_str_digits", lambda: 0)()
    return limit or 10**18


# Intermediate integers SymPy may build for an exact power: a million digits take milliseconds.
_WORK_DIGITS = 1_000_000


def _about_digits(binary_digits: int) -> str:
    """The decimal digits of a number with this many binary digits, as "4343" or "10^434"."""
    if binary_digits < 10**6:
        return f"{binary_digits * math.log10(2):.0f}"
    return f"10^{(binary_digits.bit_length() - 1) * math.log10(2) + math.log10(math.log10(2)):.0f}"


def _close(name: str, names: frozenset[str], cutoff: float) -> list[str]:
    """The function name closest to ``name``, if one is close (difflib: imported only for misspellings)."""
    import difflib

    return difflib.get_close_matches(name, sorted(names), n=1, cutoff=cutoff)


class _Parser:
    """Recursive descent over a token list. ``depth`` bounds the recursion (and SymPy's)."""

    function_names: frozenset[str] = frozenset(_FUNCTIONS)  # the names a call may use

    def __init__(self, text: str, limits: Limits):
        self.text = text
        self.limits = limits
        self.tokens = tokenize(text)
        self.pos = 0
        self.depth = 0
        self.defined: dict[str, int] = {}  # program names → offset of their definition
        self.used: dict[str, int] = {}  # names read so far → offset of first use
        self.current: str | None = None  # the name being defined on this line
        self.last_line_offset = 0  # where the line being read starts
        self.output_offset = 0  # where a bare last line (the output) starts
        self.unknown: dict[str, Any] = {}  # declared unknown functions (f: function) → SymPy function
        self.depends: dict[str, sp.Expr] = {}  # declared dependent variables (x: depends on t) → x(t)
        self.lambdas: dict[str, sp.Lambda] = {}  # functions defined on a line: f(u) = u^2
        self.arities: dict[str, int] = {}  # how many arguments each unknown function was first called with

    # -- token helpers -------------------------------------------------------------------

    @property
    def token(self) -> Token:
        return self.tokens[self.pos]

    def advance(self) -> Token:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def at(self, *texts: str) -> bool:
        return self.token.kind == "op" and self.token.text in texts

    def error(self, message: str, token: Token | None = None) -> ParseError:
        token = token or self.token
        return ParseError(message, self.text, token.offset, max(1, len(token.text)))

    def expect_operand(self, after: Token) -> None:
        token = self.token
        if token.kind in ("end", "sep"):
            raise self.error(
                f"expected something after '{after.text}', found the end of the "
                + ("input" if token.kind == "end" else "line"),
                after,
            )
        if token.kind == "op" and token.text not in ("(", "-", "+"):
            raise self.error(f"expected something after '{after.text}', found '{token.text}'")

    # -- grammar ---------------------------------------------------------------------------

    def program(self) -> Any:
        definitions: list[Any] = []
        while True:
            while self.token.kind == "sep":
                self.advance()
            if self.token.kind == "end":
                break
            line = self.line()
            if line is not None:
                definitions.append(line)
            if self.token.kind not in ("sep", "end"):
                raise self.error(self._unexpected())
        if not definitions and self.lambdas:
            name, body = next(reversed(self.lambdas.items()))
            call = f"{name}({', '.join(map(str, body.variables))})"
            raise ParseError(
                f"{call} = … defines a function, and no line uses it: add one, e.g. '{self.text.strip()}; {call}'",
                self.text,
                0,
            )
        if not definitions:
            # Blank text has no position worth showing: "" and "   " get the same message.
            raise ParseError("the expression is empty", self.text if self.text.strip() else "", 0)
        return self._link(definitions)

    def line(self) -> Definition | None:
        """One line: ``name = expression``, a bare expression, or a declaration (read beforehand)."""
        start, begin = self.token, self.pos
        self.last_line_offset = start.offset
        while self.token.kind == "name" and self.tokens[self.pos + 1].text == ",":
            self.pos += 2  # the names of a declaration: x, y: 10
        if self.token.kind == "name" and self.tokens[self.pos + 1].kind == "shape":
            self.pos += 2
            return None
        self.pos = begin
        if start.kind == "name" and self._defines_function():
            self.function_definition()
            return None
        name: str | None = None
        if start.kind == "name" and self.tokens[self.pos + 1].text == "=":
            name = self._definition_name(self.advance())
            self.expect_operand(self.advance())
        self.current = name
        expression = self.sum()
        if self.at("="):
            raise self.error("only one '=' per line: name = expression" if name else self._unexpected())
        end = self.tokens[self.pos - 1].end
        source = (
            self.text[start.offset : end].split("=", 1)[-1].strip() if name else self.text[start.offset : end].strip()
        )
        if name is None:
            name = ""
        else:
            self.defined[name] = start.offset
        return Definition(name, expression, source)

    def _defines_function(self) -> bool:
        """Does the line read ``name(u, v, …) =``: a function defined on a line of its own?"""
        k = self.pos + 1
        if self.tokens[k].text != "(":
            return False
        k += 1
        while self.tokens[k].kind == "name" and self.tokens[k + 1].text in (",", ")"):
            if self.tokens[k + 1].text == ")":
                return self.tokens[k + 2].text == "="
            k += 2
        return False

    def function_definition(self) -> None:
        """``f(u) = u^2 + 1``: f is then known, and every call f(a) is a^2 + 1."""
        name = self.advance()
        if name.text in _FUNCTIONS or name.text in CONSTANTS or name.text in self.lambdas:
            what = "defined twice" if name.text in self.lambdas else "a function or constant of symdiff's own"
            raise self.error(f"'{name.text}' is {what}; give the function another name", name)
        if name.text in self.used or name.text in self.defined:
            raise self.error(f"'{name.text}' is already a variable or a line; give the function another name", name)
        self.advance()  # (
        params = []
        while self.token.kind == "name":
            params.append(self.advance().text)
            self.advance()  # , or )
        if len(set(params)) != len(params):
            raise self.error(f"the parameters of {name.text}(…) must be different names", name)
        self.advance()  # =
        self.expect_operand(self.tokens[self.pos - 1])
        self.current = None  # no line is being defined: a parameter may share a line's name
        body = self.sum()
        for param in params:  # the parameters are local to the definition; its other names are used
            if self.used.get(param, -1) > name.offset:
                del self.used[param]
        self.lambdas[name.text] = sp.Lambda(parameters(params), body)
        self.unknown.pop(name.text, None)

    def sum(self) -> Any:
        # Terms are collected and added once: adding one at a time is quadratic in SymPy.
        start = self.token
        terms = [self.product()]
        signs: list[Token] = []  # the + or - before each later term
        while self.at("+", "-"):
            op = self.advance()
            self.expect_operand(op)
            terms.append(self.product())
            signs.append(op)
        return terms[0] if len(terms) == 1 else self.added(terms, start, signs)

    def product(self) -> Any:
        """Factors and how each joins the ones before it: ``*``, ``/``, ``@`` or nothing (implicit)."""
        start = self.token
        items: list[tuple[str, Any, Token]] = [("", self.signed(), start)]
        while True:
            if self.at("*", "/", "@"):
                op = self.advance()
                self.expect_operand(op)
                items.append((op.text, self.signed(), op))
            elif self.token.kind == "name" or self.at("("):
                token = self.token
                items.append(("", self.power(implicit=True), token))  # implicit: 2x, 2(x+1), (a+b)(a-b), W x
            elif self.token.kind == "number":
                raise self.error(f"missing operator before '{self.token.text}'")
            else:
                return items[0][1] if len(items) == 1 else self.multiplied(items, start)

    def signed(self) -> Any:
        if self.at("-", "+"):
            op = self.advance()
            self.expect_operand(op)
            with self.nested(op):
                operand = self.signed()
            return self.negated(operand, op) if op.text == "-" else operand
        return self.power()

    def power(self, *, implicit: bool = False) -> Any:
        base = self.postfix(self.atom(implicit=implicit))
        if not self.at("^", "**"):
            return base
        op = self.advance()
        self.expect_operand(op)
        with self.nested(op):
            if self.token.kind == "name" and self.token.text == "T" and self.transposes_by_t(base):
                self.advance()
                return self.transposed(base, op)
            exponent = self.signed()
        return self.powered(base, exponent, op)

    def postfix(self, base: Any) -> Any:
        """``W'`` (transpose) and ``y[1]``, ``A[0, 2]`` (elements), after an operand."""
        while self.at("'", "["):
            mark = self.advance()
            if mark.text == "'":
                base = self.transposed(base, mark)
                continue
            indices = [self.index_literal(mark)]
            while self.at(","):
                indices.append(self.index_literal(self.advance()))
            if not self.at("]"):
                raise self.error("'[' is never closed; elements are written y[0] or A[0, 1]", mark)
            self.advance()
            base = self.indexed(base, indices, mark)
        return base

    def index_literal(self, after: Token) -> int:
        negative = self.at("-")
        if negative:
            self.advance()
        token = self.token
        if token.kind != "number" or not token.text.isdigit():
            raise self.error("an index is a whole number (counting from 0), e.g. y[0] or A[1, 2]", token)
        self.advance()
        return -int(token.text) if negative else int(token.text)

    def atom(self, *, implicit: bool = False) -> Any:
        """A number, a name, a call or a parenthesized sum.

        ``implicit``: the atom continues an implicit product (``2x(x+1)``), where a name that
        is not a function, followed by ``(``, multiplies as a person means it. At the start of a
        product ``f(x)`` still reads as a call, so a misspelt function gets its suggestion.
        """
        token = self.token
        if token.kind == "number":
            self.advance()
            return self.numeral(token)
        if token.kind == "name" and self._is_rate(token):
            return self.rate()
        if token.kind == "name":
            self.advance()
            if self.at("'") and (token.text in self.unknown or token.text in self.lambdas):
                return self.primed(token)
            if self.at("(") and not (implicit and self._multiplies(token)):
                return self.call(token)
            return self.name(token)
        if self.at("("):
            self.advance()
            with self.nested(token):
                inner = self.sum()
            if not self.at(")"):
                raise self.error("'(' is never closed", token)
            self.advance()
            return inner
        raise self.error(self._unexpected())

    def _is_rate(self, token: Token) -> bool:
        """Does ``dx/dt`` start here, x declared to depend on t?"""
        dependent = self.depends.get(token.text[1:]) if token.text.startswith("d") else None
        if dependent is None or self.tokens[self.pos + 1].text != "/":
            return False
        return self.tokens[self.pos + 2].text == f"d{sp.sstr(dependent.args[0])}"

    def rate(self) -> sp.Expr:
        """``dx/dt``: the derivative of a variable declared to depend on t, as symdiff writes it."""
        dependent = self.depends[self.advance().text[1:]]
        self.advance()  # /
        self.advance()  # dt
        return derivative_at(dependent.func, dependent.args, [0])  # a value, not a goal of a derivation

    def primed(self, name: Token) -> sp.Expr:
        """``f'(u)``, ``f''(u)``: a derivative of a function of one argument, at u."""
        primes = 0
        while self.at("'"):
            self.advance()
            primes += 1
        if not self.at("("):
            raise self.error(
                f"{name.text}{chr(39) * primes} is a derivative: write it at a point, e.g. {name.text}'(x)"
            )
        args = self.call_arguments(name)
        if len(args) != 1:
            raise self.error(f"{name.text}' is the derivative of a function of one argument; write one argument", name)
        self.check_arity(name, 1)
        lam = self.lambdas.get(name.text)
        if lam is None:  # f′(u) of an unknown f: a value, as symdiff writes it
            return derivative_at(self.unknown[name.text], args, [0] * primes)
        u = sp.Dummy("u", real=True)
        return self.checked(sp.diff(lam(u), u, primes).xreplace({u: args[0]}), name)

    def check_arity(self, name: Token, count: int) -> None:
        """An unknown or defined function takes the same number of arguments at every call."""
        expected = len(self.lambdas[name.text].variables) if name.text in self.lambdas else self.arities.get(name.text)
        if expected is None:
            self.arities[name.text] = count
        elif expected != count:
            plural = "s" if expected != 1 else ""
            raise self.error(
                f"{name.text} takes {expected} argument{plural} (as defined or first used), got {count}", name
            )

    def call(self, name: Token) -> Any:
        if name.text in self.depends:
            return self._dependent_call(name, self.call_arguments(name))
        builder, fewest, most = self.function(name)
        args = self.call_arguments(name)
        if len(args) < fewest or (most is not None and len(args) > most):
            raise self.error(f"{name.text} takes {_count(fewest, most)}, got {len(args)}", name)
        return self.applied(name, builder, args)

    def call_arguments(self, name: Token) -> list[Any]:
        """The arguments of a call, from its '(' to its ')'."""
        open_paren = self.advance()
        args: list[Any] = []
        with self.nested(open_paren):
            if not self.at(")"):
                args.append(self.argument())
                while self.at(","):
                    comma = self.advance()
                    self.expect_operand(comma)
                    args.append(self.argument())
        if not self.at(")"):
            raise self.error(f"'(' of {name.text}( is never closed", open_paren)
        self.advance()
        return args

    # -- what the grammar builds: SymPy expressions (an array program overrides these) ----

    def negated(self, operand: sp.Expr, op: Token) -> sp.Expr:
        return self.checked(-operand, op)

    def added(self, terms: list[sp.Expr], start: Token, signs: list[Token]) -> sp.Expr:
        signed = [terms[0]] + [
            t if op.text == "+" else self.negated(t, op) for t, op in zip(terms[1:], signs, strict=True)
        ]
        return self.checked(sp.Add(*signed), start)

    def multiplied(self, items: list[tuple[str, sp.Expr, Token]], start: Token) -> sp.Expr:
        factors = []
        for op, factor, token in items:
            if op == "@":
                raise self.error(_ARRAYS_ONLY.format(what="'@' (a matrix product)"), token)
            if op == "/":
                if factor.is_zero:
                    raise self.error("division by zero", token)
                factor = self.checked(1 / factor, token)
            factors.append(factor)
        return self.checked(sp.Mul(*factors), start)

    def powered(self, base: sp.Expr, exponent: sp.Expr, op: Token) -> sp.Expr:
        self.check_power_size(base, exponent, op)
        if base.is_zero and exponent.is_extended_negative:
            raise self.error("division by zero: 0 to a negative power", op)
        return self.checked(sp.Pow(base, exponent), op)

    def transposes_by_t(self, base: sp.Expr) -> bool:
        """``x^T`` is a power of x here: only an array program has transposes."""
        return False

    def transposed(self, base: sp.Expr, mark: Token) -> sp.Expr:
        raise self.error(_ARRAYS_ONLY.format(what="a transpose (')"), mark)

    def indexed(self, base: sp.Expr, indices: list[int], mark: Token) -> sp.Expr:
        raise self.error(_ARRAYS_ONLY.format(what="an element (y[0])") + "; for an indexed name write x_1 or x1", mark)

    def numeral(self, token: Token) -> sp.Expr:
        return self.number(token)

    def applied(self, name: Token, builder: Callable[..., Any], args: list[Any]) -> sp.Expr:
        self.check_whole(name, args)
        if name.text in self.unknown or name.text in self.lambdas:
            self.check_arity(name, len(args))
        try:
            node = builder(*args)
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise self.error(f"cannot build {name.text}(…): {exc}", name) from None
        return self.checked(node, name)

    def check_whole(self, name: Token, args: list[Any]) -> None:
        """Refuse polygamma(y, x), LambertW(x, 1), nthroot(x, 2.5): arguments that must be whole numbers."""
        p = _PRIMITIVES.get(name.text)
        if p is not None and p.whole:
            try:
                registry.operands(p, args, f"{name.text}(…)")
            except SymdiffError as error:
                raise self.error(str(error), name) from None

    def argument(self) -> sp.Expr:
        if self.token.kind == "name" and self.tokens[self.pos + 1].text == "=":
            raise self.error(f"keyword arguments are not allowed ('{self.token.text}=')")
        return self.sum()

    def function(self, name: Token) -> tuple[Callable[..., sp.Expr], int, int | None]:
        entry = _FUNCTIONS.get(name.text)
        if entry is not None:
            return entry
        if name.text in self.lambdas:
            lam = self.lambdas[name.text]
            return lam, len(lam.variables), len(lam.variables)
        if name.text in self.unknown:
            return self.unknown[name.text], 1, None
        if name.text in _ARRAY_ONLY_FUNCTIONS:
            raise self.error(_ARRAYS_ONLY.format(what=f"{name.text}(…)"), name)
        if name.text in CONSTANTS:
            raise self.error(f"'{name.text}' is a constant, not a function; to multiply write {name.text}*(…)", name)
        hint = _close(name.text, self.function_names, 0.6)
        suggestion = (
            f"; did you mean '{hint[0]}'?"
            if hint
            else f"; to multiply write {name.text}*(…); for a function nobody wrote out, declare {name.text}: function"
        )
        raise self.error(f"unknown function '{name.text}'{suggestion}", name)

    def _dependent_call(self, name: Token, args: list[sp.Expr]) -> sp.Expr:
        """x(t) for a variable declared to depend on t: the same as x."""
        dependent = self.depends[name.text]
        if tuple(args) != dependent.args:
            raise self.error(
                f"{name.text} depends on {sp.sstr(dependent.args[0])}: write {name.text} or {sp.sstr(dependent)}", name
            )
        return dependent

    def _multiplies(self, name: Token) -> bool:
        """A name before '(' inside an implicit product is a factor unless it is (or nearly is) a function."""
        if name.text in self.unknown or name.text in self.lambdas or name.text in self.depends:
            return False  # a declared or defined function: 2f(x) is 2·f(x)
        if name.text in self.function_names or name.text in CONSTANTS:
            return name.text in CONSTANTS  # 2pi(x+1) is 2π(x+1); e(x) after a factor too
        return not _close(name.text, self.function_names, 0.75)

    def name(self, token: Token) -> sp.Expr:
        text = token.text
        if text in CONSTANTS:
            return CONSTANTS[text]
        if text in _FUNCTIONS:
            raise self.error(f"'{text}' is a function; call it with parentheses: {text}(…)", token)
        if text == self.current:
            raise self.error(f"'{text}' is used in its own definition", token)
        if text in self.depends:
            return self.depends[text]  # x, declared to depend on t, is x(t)
        if text in self.unknown or text in self.lambdas:
            raise self.error(f"'{text}' is a function; call it with its arguments: {text}(x)", token)
        self.used.setdefault(text, token.offset)
        return symbol(text)

    def number(self, token: Token) -> sp.Expr:
        mantissa, _, exponent_text = token.text.lower().partition("e")
        whole, _, fraction = mantissa.partition(".")
        digits = (whole + fraction).lstrip("0") or "0"
        exponent_digits = len(exponent_text.lstrip("+-").lstrip("0"))
        if exponent_digits > len(str(self.limits.max_digits)) + 1:  # checked before int(): 1e<5000 nines>
            raise self.error(
                f"number {shortened(token.text)} has about 10^{exponent_digits - 1} digits; "
                f"the limit is {self.limits.max_digits} (max_digits)",
                token,
            )
        exponent = int(exponent_text or "0") - len(fraction)
        size = len(digits) + max(exponent, -exponent - len(digits), 0)
        if size > self.limits.max_digits:
            raise self.error(
                f"number {shortened(token.text)} has about {size} digits; "
                f"the limit is {self.limits.max_digits} (max_digits)",
                token,
            )
        value = integer_from_digits(digits)
        return sp.Integer(value * 10**exponent) if exponent >= 0 else sp.Rational(value, 10**-exponent)

    # -- checks ----------------------------------------------------------------------------

    @contextlib.contextmanager
    def nested(self, token: Token) -> Iterator[None]:
        """Count one level of nesting; refuse to go past ``max_depth``."""
        self.depth += 1
        try:
            if self.depth > self.limits.max_depth:
                raise self.error(
                    f"the expression is nested more than {self.limits.max_depth} levels deep (max_depth)", token
                )
            yield
        finally:
            self.depth -= 1

    def checked(self, node: sp.Expr, token: Token) -> sp.Expr:
        """Refuse a node that is undefined, not real, or a number too large to hold."""
        if node in _UNDEFINED:
            raise self.error(
                f"'{self.text[token.offset : token.end] or token.text}' makes the expression undefined ({node})", token
            )
        if node.is_Rational:
            bits = max(abs(node.p).bit_length(), node.q.bit_length())
            if bits * math.log10(2) > self.limits.max_digits:
                raise self.error(f"a number here has more than {self.limits.max_digits} digits (max_digits)", token)
        elif node.is_number:
            if node.is_extended_real is False:
                raise self.error(f"{sp.sstr(node)} is not a real number; symdiff works over the reals", token)
            self.check_magnitude(node, token)
        return node

    def check_magnitude(self, node: sp.Expr, token: Token) -> None:
        """Refuse a constant such as exp(exp(1000)) whose size alone has more than max_digits digits.

        SymPy keeps it unevaluated, but printing or evaluating anything built on it later fails
        deep inside mpmath (exp(exp(exp(1000))) overflows the precision arithmetic itself).
        """
        try:
            value = node.evalf(5)
        except (ArithmeticError, ValueError, RecursionError):  # mpmath's own arithmetic gave up
            raise self.error("a constant here is too large to evaluate", token) from None
        if not value.is_Number:  # acsc(7/10) evaluates to 1.57 - 0.9i, though SymPy cannot tell beforehand
            raise self.error(f"{sp.sstr(node)} is not a real number; symdiff works over the reals", token)
        if not value.is_Float:
            return
        _, mantissa, exponent, bits = value._mpf_
        binary_digits = abs(exponent + bits) if mantissa else 0  # an int of any size: no float arithmetic
        if binary_digits > self.limits.max_digits / math.log10(2):  # int against float: exact, never overflows
            # the size's own digit count, from its bit length (no float conversion of a huge int)
            size = _about_digits(binary_digits)
            limit = self.limits.max_digits
            raise self.error(f"a constant here has about {size} digits, more than {limit} (max_digits)", token)

    def check_power_size(self, base: sp.Expr, exponent: sp.Expr, op: Token) -> None:
        """Refuse exact powers like 9^9^9 before SymPy tries to compute them.

        For a fractional exponent p/q SymPy first raises the base to the p-th power and then looks
        for a q-th root, so the cost follows p: 0.5^0.1234 is (1/2)^(617/5000), a 186-digit
        power, while (5.8e-164)^0.1247 would need a 590,000-digit one. A product is raised
        factor by factor, so (2755x)^1799904 computes 2755^1799904 and (√2·x)^n computes 2^(n/2).
        """
        if not exponent.is_Rational:
            return
        for factor in sp.Mul.make_args(base):
            number, power = (factor.base, factor.exp) if factor.is_Pow else (factor, sp.S.One)
            if number.is_Rational and power.is_Rational and number not in (0, 1, -1):
                self._check_rational_power(number, power * exponent, base, exponent, op)

    def _check_rational_power(
        self, number: sp.Rational, power: sp.Rational, base: sp.Expr, exponent: sp.Expr, op: Token
    ) -> None:
        magnitude = max(math.log10(abs(number.p)) if number.p else 0.0, math.log10(number.q))
        # SymPy writes (p/q)^(a/b) as p^(a/b)·q^((b-a)/b)/q and takes the root prime by prime,
        # with integers of up to b·log10(q) digits: (7e-174)^(1e-12) would need 10^14 of them.
        # In logarithms, since b can have hundreds of digits itself (2.2e-313 as an exponent).
        if number.q != 1 and power.q != 1:
            log_work = math.log10(math.log10(number.q)) + math.log10(power.q)
            if log_work > math.log10(_WORK_DIGITS):
                size = f"{10**log_work:.3g}" if log_work < 15 else f"10^{math.floor(log_work)}"
                raise self.error(
                    f"{_operand(base)}^{_operand(exponent)} would need an integer of about {size} digits "
                    "to write exactly; use a shorter exponent",
                    op,
                )
        # In logarithms: 1e308^1e308 has about 10^310 digits, more than a float holds.
        log_digits = math.log10(abs(power.p)) + math.log10(magnitude) if power.p and magnitude else -math.inf
        if log_digits > math.log10(self.limits.max_digits):
            digits = f"{10**log_digits:.3g}" if log_digits < 15 else f"10^{math.floor(log_digits)}"
            raise self.error(
                f"{_operand(base)}^{_operand(exponent)} would have about {digits} digits; "
                f"the limit is {self.limits.max_digits} (max_digits)",
                op,
            )

    def _definition_name(self, token: Token) -> str:
        text = token.text
        if text in CONSTANTS or text in _FUNCTIONS or text in self.unknown or text in self.lambdas:
            kind = "constant" if text in CONSTANTS else "function"
            raise self.error(f"'{text}' is a {kind} and cannot be assigned", token)
        if text in self.depends:
            raise self.error(
                f"'{text}' is declared to depend on {sp.sstr(self.depends[text].args[0])}; give the line another name",
                token,
            )
        if text in self.defined:
            raise self.error(f"'{text}' is defined twice", token)
        if text in self.used:
            raise ParseError(f"'{text}' is used before it is defined", self.text, self.used[text], len(text))
        return text

    def _unexpected(self) -> str:
        token = self.token
        if token.kind == "end":
            return "unexpected end of input"
        if token.kind == "sep":
            return "unexpected ';'" if token.text == ";" else "unexpected end of line"
        if token.text == ")":
            return "')' has no matching '('"
        if token.text == "=":
            return "'=' must follow a name at the start of a line: name = expression"
        if token.text == ",":
            return "',' is only allowed between function arguments"
        if token.text == "[":
            return "a list ('[') is not allowed; an element is written after a vector or matrix: y[0], A[1, 2]"
        if token.text in ("]", "'", "@"):
            return f"'{token.text}' must follow a vector or matrix (y[0], W', A @ x)"
        return f"unexpected '{token.text}'"

    # -- programs --------------------------------------------------------------------------

    def _link(self, definitions: list[Definition]) -> Program:
        for index, d in enumerate(definitions[:-1]):
            if not d.name:
                raise ParseError(
                    f"line {index + 1} needs a name, e.g. h = {d.source}; only the last line may be a bare expression",
                    self.text,
                    0,
                )
        if not definitions[-1].name:
            self.output_offset = self.last_line_offset
            taken = {d.name for d in definitions} | {s.name for d in definitions for s in free_symbols(d.expression)}
            taken |= {*self.unknown, *self.depends, *self.lambdas}  # f(x) = f(x) would read as a definition
            definitions[-1] = Definition(fresh_output_name(taken), definitions[-1].expression, definitions[-1].source)
        resolved: dict[sp.Symbol, sp.Expr] = {}
        with sympy_recursion_guard("reading the program"):
            for d in definitions:
                expr = d.expression.xreplace(resolved)
                if tree_depth(expr) > self.limits.max_depth:
                    # SymPy's printer and differentiation recurse on the substituted tree.
                    start = self.defined.get(d.name, self.output_offset)
                    raise ParseError(
                        f"with the definitions above substituted, '{d.name}' is nested {tree_depth(expr)} levels "
                        f"deep, more than {self.limits.max_depth} (max_depth; SymPy recurses on deep trees, "
                        "so raise it only to about 120)",
                        self.text,
                        start,
                        len(d.name),
                    )
                resolved[symbol(d.name)] = expr
        output = resolved[symbol(definitions[-1].name)]
        written = tuple(name for name in self.used if name not in self.defined)
        return Program(tuple(definitions), output, self.text, variable_names(output), tuple(resolved.values()), written)


def _count(fewest: int, most: int | None) -> str:
    if most is None:
        return f"at least {fewest} arguments"
    if fewest == most:
        return f"{fewest} argument{'s' if fewest != 1 else ''}"
    return f"{fewest} to {most} arguments"


def _operand(expr: sp.Expr) -> str:
    """``expr`` shortened for a message, in parentheses unless it is a number, a name or a call."""
    text = _shown(expr)
    return text if (expr.is_Atom and not expr.is_Rational) or expr.is_Integer or expr.is_Function else f"({text})"


def fresh_output_name(taken: set[str]) -> str:
    """A name for a program's bare last line that no name of the program already is (f, out, …, f_out2)."""
    candidates = itertools.chain(("f", "out", "output", "f_out"), (f"f_out{k}" for k in itertools.count(2)))
    return next(name for name in candidates if name not in taken)


@serialized
def parse_program(
    text: str,
    *,
    shapes: Mapping[str, Any] | None = None,
    functions: Sequence[str] = (),
    depends: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Program | ArrayProgram:
    """Read a program: named definitions separated by ``;`` or newlines, the last one the output.

    A program that declares vectors or matrices (a line ``W: 64x10``, or ``shapes={"W": (64, 10)}``)
    is an ``ArrayProgram`` of tensor nodes; any other is a ``Program`` of SymPy expressions.

    Unknown functions and declared dependence (see docs/unknown-functions.md): ``functions=["f", "g"]``
    is the line ``f, g: function`` (f(x), g(x, y), f(g(x)) are then calls of functions nobody wrote
    out), ``depends={"x": "t"}`` the line ``x: depends on t`` (every x is x(t), and the derivative
    by t is the total one, with dx/dt).

    Example:
        >>> prog = parse_program("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2")
        >>> prog.names
        ('h', 'y', 'L')
        >>> prog.expression
        (-t + tanh(w2*tanh(w1*x)))**2
        >>> parse_program("W: 2x3; x: 3; y = W x").shapes
        {'W': (2, 3), 'x': (3,)}
        >>> parse_program("f(g(x))", functions=["f", "g"]).expression
        f(g(x))

    Raises:
        ParseError: with the line and column of the first problem.
    """
    if not isinstance(text, str):
        raise SymdiffError(f"expected expression text, got {type(text).__name__}")
    if len(text) > limits.max_length:
        raise ParseError(
            f"the input is {len(text)} characters long; the limit is {limits.max_length} (max_length)", text[:200], 0
        )
    declared = tuple(checked_shapes(shapes).items())  # hashable: the remembered reading depends on it
    given = _given_functions(functions, depends)
    if len(text) > _REMEMBERED_LENGTH:
        return _read(text, declared, limits, given)
    return _read_remembered(text, declared, limits, given)


def _given_functions(functions: Sequence[str], depends: Mapping[str, str] | None) -> tuple[tuple[str, str], ...]:
    """``functions=["f"]`` and ``depends={"x": "t"}`` as the declarations they stand for: (name, right-hand side)."""
    if isinstance(functions, str) or not all(isinstance(f, str) for f in functions):
        raise SymdiffError(f"functions must be a sequence of names such as ['f', 'g'], got {functions!r:.60}")
    if depends is not None and not (
        isinstance(depends, Mapping) and all(isinstance(k, str) and isinstance(v, str) for k, v in depends.items())
    ):
        raise SymdiffError(f"depends maps names to the variable they depend on, e.g. {{'x': 't'}}; got {depends!r:.60}")
    given = [(name, "function") for name in functions]
    given += [(name, f"depends on {on}") for name, on in (depends or {}).items()]
    for name, _ in given:
        if not name.isidentifier() or name.startswith("_"):
            raise SymdiffError(f"not a name for a function or variable: {name!r}")
    return tuple(given)


# Texts up to this long are remembered (in SymPy's cache, with its bound and ``clear_cache``):
# a loop that calls diff or compare on the same text parses it once. A Program is immutable.
_REMEMBERED_LENGTH = 10_000


def _read(
    text: str, shapes: tuple[tuple[str, Shape], ...], limits: Limits, given: tuple[tuple[str, str], ...] = ()
) -> Program | ArrayProgram:
    with sympy_recursion_guard("reading the expression"):
        parser = _Parser(text, limits)
        for name, declared_as in given:  # functions=… and depends=…, as if declared on a line
            kind = declaration(declared_as)
            assert kind is not None
            _declare_functions(parser, [Token("name", name, 0)], kind, Token("shape", declared_as, 0))
        declared = _declarations(parser, dict(shapes))
        if any(declared.values()):
            from .array_parser import ArrayParser

            if parser.unknown or parser.depends:
                raise ParseError("unknown functions and declared dependence are for scalar expressions", text, 0)

            array_parser = ArrayParser(text, limits, declared)
            program: Program | ArrayProgram = array_parser.program()
            return program
        return parser.program()


def _declarations(parser: _Parser, given: dict[str, Shape]) -> dict[str, Shape]:
    """The shapes declared by lines such as ``W1: 64x10`` or ``b, c: scalar``, with the caller's ``shapes``."""
    declared = dict(given)
    tokens = parser.tokens
    for k, token in enumerate(tokens):
        if token.kind != "shape":
            continue
        declared_kind = declaration(token.text)
        if declared_kind is not None:
            _declare_functions(parser, _declared_names(tokens, k), declared_kind, token)
            continue
        try:
            shape = parse_shape(token.text, "the declared shape")
        except ShapeError as error:
            start = token.offset + len(token.text) - len(token.text.lstrip())
            raise ParseError(str(error), parser.text, start, max(1, len(token.text.strip()))) from None
        for name in _declared_names(tokens, k):
            if name.text in CONSTANTS or name.text in _FUNCTIONS:
                raise ParseError(
                    f"'{name.text}' is a constant or a function, not a variable to declare",
                    parser.text,
                    name.offset,
                    len(name.text),
                )
            if name.text in declared and declared[name.text] != shape:
                raise ParseError(
                    f"{name.text} is declared twice, as {shape_text(declared[name.text])} and {shape_text(shape)}",
                    parser.text,
                    name.offset,
                    len(name.text),
                )
            declared[name.text] = shape
    return declared


def _declared_names(tokens: list[Token], k: int) -> list[Token]:
    """The names before the declaration at token k: ``x, y`` of ``x, y: 10``."""
    names = []
    j = k - 1
    while j >= 0 and tokens[j].kind == "name":
        names.append(tokens[j])
        j -= 2 if j >= 1 and tokens[j - 1].text == "," else 1
        if j >= 0 and tokens[j].kind != "name":
            break
    return names


def _declare_functions(parser: _Parser, names: list[Token], kind: tuple[str, str], token: Token) -> None:
    """``f, g: function`` or ``x, y: depends on t``, recorded on the parser."""
    what, on = kind
    if what == "depends" and not (on.isidentifier() and on not in CONSTANTS and on not in _FUNCTIONS):
        start = token.offset + token.text.find(on) if on else token.offset
        raise ParseError(
            f"'depends on' takes the name of a variable, e.g. x: depends on t; got {on!r}",
            parser.text,
            start,
            max(1, len(on)),
        )
    for name in names:
        text = name.text
        if (what == "function" and text in parser.unknown) or (
            what == "depends" and text in parser.depends and parser.depends[text].args == (symbol(on),)
        ):
            continue  # declared the same way twice (--function f and a line f: function): no conflict
        problem = ""
        if text in CONSTANTS or text in _FUNCTIONS:
            problem = f"'{text}' is a constant or a function of symdiff's own; declare another name"
        elif text in parser.unknown or text in parser.depends:
            problem = f"{text} is declared twice"
        elif what == "depends" and text == on:
            problem = f"{text} cannot depend on itself"
        elif what == "depends" and (chain := _dependence_chain(parser, text, on)):
            problem = chain
        if problem:
            raise ParseError(problem, parser.text, name.offset, len(text))
        if what == "function":
            parser.unknown[text] = unknown(text)
        else:
            parser.depends[text] = dependent(text)(symbol(on))


def _dependence_chain(parser: _Parser, text: str, on: str) -> str:
    """Why ``text: depends on on`` would chain two dependences (b on a, a on t), or "" when it does not.

    A dependent variable is x(t) with t a plain symbol, so b(a) with a itself a(t) would hold a
    constant a, and d/dt of b would be 0: refused, with the spelling that means b(a(t)).
    """
    if on in parser.depends:
        b, a, t = text, on, sp.sstr(parser.depends[on].args[0])
    else:
        b = next((name for name, x in parser.depends.items() if x.args == (symbol(text),)), "")
        if not b:
            return ""
        a, t = text, on
    return (
        f"{b} depends on {a}, which depends on {t}: a chain of dependences is not supported; "
        f"declare {b}: function and write {b}({a})"
    )


_read_remembered = cacheit(_read)


@serialized
def parse(
    text: str,
    *,
    functions: Sequence[str] = (),
    depends: Mapping[str, str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> sp.Expr:
    """Read expression text into a SymPy expression, without ever evaluating it as Python.

    Accepts implicit multiplication (``3x^2 - 4x + 5``), ``^`` or ``**`` for powers, the
    constants ``pi`` and ``e``, every registry function, and programs (whose output, with the
    definitions substituted, is returned).

    Example:
        >>> parse("3x^2 - 4x + 5")
        3*x**2 - 4*x + 5

    Raises:
        ParseError: a ``ValueError`` whose message names the problem and its column;
            ``error.caret()`` draws the offending line with a caret under the problem.
    """
    return parse_program(text, functions=functions, depends=depends, limits=limits).expression


def as_expression(expr: str | sp.Basic | Program, *, limits: Limits = DEFAULT_LIMITS) -> sp.Expr:
    """Text, a Program or a SymPy expression, as a SymPy expression over symdiff's real symbols."""
    return caller_expression(expr, limits=limits, elements=False).expression


def caller_expression(
    expr: str | sp.Basic | Program, *, limits: Limits = DEFAULT_LIMITS, elements: bool = True
) -> Canonical:
    """``as_expression``, with the way back to a SymPy caller's own symbols (see ``symbols``).

    A SymPy expression is held to what the language can write (see ``check_language``).
    ``elements``: matrix and indexed elements (``A[0, 0]``) are variables (the symbolic layer)
    rather than refused (the numeric layers).
    """
    if isinstance(expr, str):
        expr = parse_program(expr, limits=limits)
    if isinstance(expr, ArrayProgram):
        raise SymdiffError(ARRAY_PROGRAM_HERE)
    if isinstance(expr, Program):
        return Canonical(expr.expression, names={name: symbol(name) for name in expr.inputs})
    if isinstance(expr, sp.Basic) and not isinstance(expr, sp.MatrixBase):
        expr = _adopted(expr)
        functions = _real_unknowns(expr)
        expr = substitute(expr, {}, functions)
        check_language(expr, limits, symbolic=elements)
        return replace(canonical(expr, elements=elements), functions={v: k for k, v in functions.items()})
    raise SymdiffError(f"expected expression text or a SymPy expression, got {type(expr).__name__}")


def _adopted(expr: sp.Basic) -> sp.Basic:
    """``expr`` with SymPy's own floor, ceiling and frac read as symdiff's (which SymPy can differentiate).

    One walk of the distinct nodes, and a rebuild only when there is one: SymPy's ``replace``
    walks the tree (5.5 million nodes for a tenth derivative through ceil).
    """
    if not any(type(node) in registry.ADOPTED for node in postorder(expr)):
        return expr
    return substitute(expr, {}, registry.ADOPTED)


def _real_unknowns(expr: sp.Basic) -> dict[type, type]:
    """The caller's ``Function("f")`` → symdiff's real unknown function of that name, for each one not real."""
    return {n.func: unknown(n.func.__name__) for n in postorder(expr) if is_unknown(n) and not n.is_real}


def check_language(expr: sp.Basic, limits: Limits = DEFAULT_LIMITS, *, symbolic: bool = False) -> None:
    """Refuse a SymPy expression the language could not have written: the parser's rules, for SymPy input.

    Every node must be a real number (no I, zoo, nan, oo; at most ``max_digits`` digits), a
    constant such as pi, a commutative symbol with a valid name, a sum, product or power, or a
    registry function. Anything else (booleans, sets, matrices, Derivative, Integral, a
    function SymPy does not define) would reach code that cannot handle it, or give a
    plausible wrong answer (``diff(sympy.I, "x")`` was 0). ``symbolic``: for the symbolic layer,
    which also takes an undefined function ``g(x)`` (SymPy differentiates it by the chain rule);
    numbers need its definition.
    """
    if isinstance(expr, sp.Tuple):  # a Jacobian's expressions, checked together
        for item in expr.args:
            check_language(item, limits, symbolic=symbolic)
        return
    if not isinstance(expr, sp.Expr) or isinstance(expr, sp.MatrixExpr):
        kind = "a matrix expression" if isinstance(expr, sp.MatrixExpr) else f"a {type(expr).__name__}"
        raise SymdiffError(f"expected an expression of real numbers, got {kind}: {_shown(expr)}")
    seen: set[sp.Basic] = {expr}
    stack = [expr]
    while stack:  # from the top down, so that the outermost problem is the one reported
        node = stack.pop()
        if symbolic and _rate(node, limits):
            continue
        problem = _node_problem(node, limits, symbolic)
        if problem:
            raise SymdiffError(problem if node is expr else f"{problem}, in {_shown(expr)}")
        if isinstance(node, ELEMENT_TYPES):
            continue  # A[0, 0], w[1]: variables of the symbolic layer, refused by the numeric ones (symbols.canonical)
        for arg in node.args:
            # Only expressions are walked: a Piecewise's conditions are for SymPy to judge.
            if isinstance(arg, sp.Expr) and arg not in seen:
                seen.add(arg)
                stack.append(arg)


def _rate(node: sp.Basic, limits: Limits) -> bool:
    """g′(x) or dx/dt as symdiff's own derivatives hold it (``unknown.derivative_at``): a Subs at a
    bound ξ. SymPy's bare Derivative stays refused: the step engine would take it for a goal."""
    if not (isinstance(node, sp.Subs) and is_derivative_of_unknown(node)):
        return False
    check_language(sp.Tuple(*node.point), limits, symbolic=True)
    return True


def _shown(expr: sp.Basic) -> str:
    """``expr`` for a one-line message: shortened, control characters replaced, never raising."""
    try:
        text = shortened(sp.sstr(expr))
    except (ValueError, RecursionError):  # an integer beyond Python's 4,300-digit conversion, a deep tree
        return f"a {type(expr).__name__}"
    return "".join(ch if ch.isprintable() else "?" for ch in text)


def _node_problem(node: sp.Basic, limits: Limits, symbolic: bool) -> str | None:
    if isinstance(node, ELEMENT_TYPES):
        return None
    if node in _UNDEFINED or node is sp.nan:
        return f"{node} is not a real number"
    if isinstance(node, sp.Symbol):
        if not node.is_commutative:
            return f"{node.name} is a non-commutative symbol; symdiff's variables are real numbers"
        return name_problem(node.name)
    if node.is_Number:
        if not node.is_finite:
            return f"{node} is not a real number"
        if node.is_Rational and max(abs(node.p).bit_length(), node.q.bit_length()) * math.log10(2) > limits.max_digits:
            return f"a number here has more than {limits.max_digits} digits (max_digits)"
        return None
    if node.is_NumberSymbol or node.is_Add or node.is_Mul or node.is_Pow:
        return None
    if node is sp.I or isinstance(node, sp.Number):
        return f"{node} is not a real number; symdiff works over the reals"
    if registry.for_sympy_node(node) is not None:
        return None
    if isinstance(node, AppliedUndef) and not symbolic:  # SymPy differentiates g(x); numbers need its definition
        return f"{_shown(node)} is a function with no definition; write it out, e.g. sin(x) or x^2 + 1"
    if isinstance(node, sp.Function):  # registry functions, and SymPy's own (which sympy.diff knows)
        return None
    return f"{type(node).__name__} is not part of symdiff's language ({_shown(node)}); see docs/language.md"
