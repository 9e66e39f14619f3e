"""What a primitive is, and the backends its rules run on.

A derivative rule is a small pure function ``rule(m, *args, out) -> ∂out/∂arg`` where ``m``
is a *backend namespace*: it holds every primitive's implementation for one kind of number
(``m.cos`` is ``math.cos`` for floats, ``numpy.cos`` for arrays, ``mpmath.cos`` for
high precision, ``sympy.cos`` for symbols) plus the constants ``m.pi`` and ``m.e``.
Writing each rule once against ``m`` lets the tape, the symbolic reverse sweep and the
code generator share one table of rules, as HIPS/autograd and JAX do.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, Literal

import mpmath
import sympy as sp

from .lazy import resolved

Rule = Callable[..., Any]
Backend = Literal["scalar", "numpy", "mpmath", "sympy"]
BACKENDS: tuple[Backend, ...] = ("scalar", "numpy", "mpmath", "sympy")

_CONSTANTS: dict[Backend, dict[str, Any]] = {
    "scalar": {"pi": math.pi, "e": math.e},
    "numpy": {"pi": math.pi, "e": math.e},  # numpy.pi and numpy.e are these floats
    "mpmath": {"pi": mpmath.mp.pi, "e": mpmath.mp.e},
    "sympy": {"pi": sp.pi, "e": sp.E},
}


@dataclass(frozen=True)
class NonDifferentiable:
    """Where a primitive has no derivative, and what kind of point it is.

    Attributes:
        where: ``where(m, *args)`` is true (or a boolean mask) at the bad points.
        kind: ``"corner"`` (continuous, two different finite one-sided slopes, like abs at 0),
            ``"jump"`` (discontinuous, like sign at 0) or ``"vertical"`` (infinite slope,
            like sqrt or cbrt at 0).
        note: a short phrase for people, e.g. ``"corner at x = 0"``.
        switch: ``switch(*args)`` on SymPy arguments: the primitive changes branch where this
            changes sign (``u`` for abs(u), ``a - b`` for max(a, b)); None for a vertical tangent.
        branch: ``branch(side, *args)``: the smooth SymPy expression the primitive equals where
            ``switch`` has the sign ``side`` (±1): abs(u) is side·u, max(a, b) is a where a > b.
        example: the arguments of one such point, for tests (0 by default, for every argument).
    """

    where: Callable[..., Any]
    kind: Literal["corner", "jump", "vertical"]
    note: str
    switch: Callable[..., Any] | None = None
    branch: Callable[..., Any] | None = None
    example: tuple[float, ...] = (0.0,)


@dataclass(frozen=True)
class WholeArgument:
    """An argument that must be a whole-number constant: polygamma's order, LambertW's branch, a root's index.

    The parser and the tape refuse anything else (a variable, 2.5, a value outside ``allowed``);
    nothing is differentiated with respect to it, so its rule is the literal 0.

    Attributes:
        position: which argument (0 is the first).
        name: what it is called in messages (``"the order n"``).
        allowed: ``allowed(k)`` for an int k: whether the function takes it.
        values: the values allowed, in words (``"0, 1, 2, …"``).
        default: the value when the SymPy node leaves it out (``LambertW(x)`` is ``LambertW(x, 0)``).
        examples: values tests try.
    """

    position: int
    name: str
    allowed: Callable[[int], bool]
    values: str
    default: int | None = None
    examples: tuple[int, ...] = (0,)


@dataclass(frozen=True)
class NumpySource:
    """How NumPy source exported by symdiff (``SymbolicGradient.to_source()``) writes a call.

    The exported code needs nothing but NumPy (and the standard library), so a primitive that
    NumPy has under no name of its own is written as a call of a small helper defined inline.

    Attributes:
        call: the NumPy function the code calls (``"np.tanh"``); empty for a helper, which the
            code calls by the primitive's name.
        helper: the body lines of ``def name(x):``, the helper's definition; it must follow
            the primitive's NumPy implementation on real numbers, nan and ±inf.
        imports: modules of the standard library the helper uses (``("math",)`` for erf).
        exact: the helper computes what the registry's NumPy implementation does, bit for bit.
            False for the few functions the registry evaluates with mpmath (polygamma, LambertW):
            there the helper, NumPy and ``math`` alone, is an approximation (to about 1e-11).
    """

    call: str = ""
    helper: tuple[str, ...] = ()
    imports: tuple[str, ...] = ()
    exact: bool = True

    def __post_init__(self) -> None:
        if bool(self.call) == bool(self.helper):
            raise ValueError(f"NumPy source {self}: give either a NumPy function or a helper, not both")


@dataclass(frozen=True)
class FrameworkSource:
    """How code exported for PyTorch and JAX (``Tape.to_source("torch")``) writes a primitive.

    Each is one expression in the arguments, named ``x`` (one argument) or ``a, b`` (two), with
    ``torch`` or ``jnp`` (``jax.numpy``), ``jax`` and ``jax.scipy.special`` imported; the exported
    code defines ``def name(x): return <expression>`` for each primitive it calls. A text of several
    lines is the function's body itself, ending in its ``return`` (LambertW iterates). Arguments are
    tensors (arrays), or a Python number for one argument of pow, max and min.
    """

    torch: str
    jax: str


@dataclass(frozen=True, eq=False)
class Primitive:
    """Everything symdiff knows about one primitive operation.

    Attributes:
        name: canonical name: the parser accepts it, text output prints it, the tape shows it.
        arity: number of arguments the tape node takes.
        sympy: builds the SymPy node from SymPy arguments.
        scalar: implementation on Python floats (``math``); may raise on a domain error,
            in which case the caller falls back to ``numpy``.
        numpy: implementation on NumPy arrays (float or complex); gives inf/nan, never raises. A
            ``NumpyFunction`` names a NumPy function without importing NumPy (see ``lazy``).
        mpmath: implementation on mpmath numbers at the current working precision.
        partials: one rule per argument, ``rule(m, *args, out)``, written independently of
            SymPy's own derivative so that comparing the two means something. A rule that
            returns the literal ``0`` contributes nothing.
        analytic: complex-analytic wherever it is differentiable (complex step is valid).
        nondiff: where the derivative does not exist, if anywhere.
        domain: ``domain(m, *args)``: where the real function is defined and finite.
        sympy_class: the SymPy class of the node, for recognising it in an expression tree.
        infix: operator symbol for arithmetic primitives (``"+"``), used by code and listings.
        symbol: how the primitive is shown in listings and graphs (``"σ"``).
        latex: LaTeX for the operator name (``r"\\sin"``).
        aliases: other names the parser accepts (``"arcsin"``).
        parse_arity: (fewest, most) arguments in text; ``None`` for no upper bound.
        noun: what the primitive is called in prose (``"the sine"``); a derivation names the
            step that uses its rule "derivative of the sine".
        interval: ``interval(m, f, *bounds) -> (lo, hi, smooth)``: an enclosure of the values
            over a box of arguments, rounded outward, and where the primitive is smooth on the
            box (see ``symdiff.primitives.intervals``). Finite differences bound their errors with it.
        numpy_source: how exported NumPy source writes the primitive (see ``NumpySource``);
            ``None`` for the operators, which Python writes itself.
        frameworks: how code exported for PyTorch and JAX writes it (see ``FrameworkSource``);
            ``None`` for the operators.
        whole: the arguments that must be whole-number constants (see ``WholeArgument``).
        replaces: SymPy's own classes for the same function, which SymPy cannot differentiate
            (``sympy.floor``): SymPy input using them is read as ``sympy_class``.
        square: ``square(u)``: the primitive of ``u``, squared, in the form a textbook writes
            in derivatives (tan² u = sec² u − 1, so that tan′ reads sec² u); ``tidy`` uses it
            where that is no longer.
    """

    name: str
    arity: int
    sympy: Callable[..., Any]
    scalar: Callable[..., Any]
    numpy: Callable[..., Any]
    mpmath: Callable[..., Any]
    partials: tuple[Rule, ...]
    analytic: bool = True
    nondiff: NonDifferentiable | None = None
    domain: Callable[..., Any] | None = None
    sympy_class: type | None = None
    infix: str | None = None
    symbol: str = ""
    latex: str = ""
    aliases: tuple[str, ...] = ()
    parse_arity: tuple[int, int | None] | None = None
    noun: str = ""
    interval: Callable[..., Any] | None = None
    numpy_source: NumpySource | None = None
    frameworks: FrameworkSource | None = None
    whole: tuple[WholeArgument, ...] = ()
    replaces: tuple[type, ...] = ()
    square: Callable[[Any], Any] | None = None

    def __post_init__(self) -> None:
        if len(self.partials) != self.arity:
            raise ValueError(f"primitive {self.name}: {self.arity} arguments but {len(self.partials)} rules")

    @property
    def variable_positions(self) -> tuple[int, ...]:
        """The arguments a derivative can be taken by (all but the whole-number constants)."""
        constant = {w.position for w in self.whole}
        return tuple(i for i in range(self.arity) if i not in constant)

    @property
    def display(self) -> str:
        return self.symbol or self.name

    @property
    def arg_range(self) -> tuple[int, int | None]:
        return self.parse_arity or (self.arity, self.arity)

    def implementation(self, backend: Backend) -> Callable[..., Any]:
        implementations = {"scalar": self.scalar, "numpy": self.numpy, "mpmath": self.mpmath, "sympy": self.sympy}
        return resolved(implementations[backend])  # the NumPy function itself, not its name

    def __repr__(self) -> str:
        return f"Primitive({self.name!r})"


@dataclass(frozen=True)
class Macro:
    """A name the parser accepts that is not a primitive of its own: ``log2(x)`` is ln x / ln 2.

    Attributes:
        build: the SymPy expression from SymPy arguments (None: only for arrays).
        tensor: ``tensor(b, *args)``: the same for the nodes of an array program, where ``b``
            holds the builders of every primitive (``b.log``, ``b.mean``) and nodes support
            ``+ - * / **`` (None: the SymPy form is not available for arrays).
    """

    name: str
    build: Callable[..., sp.Expr] | None
    arity: int
    note: str = field(default="")
    tensor: Callable[..., Any] | None = None


def build_namespace(primitives: Iterable[Primitive], backend: Backend) -> SimpleNamespace:
    """The namespace ``m`` handed to rules: every primitive's implementation for ``backend``."""
    impls = {p.name: p.implementation(backend) for p in primitives}
    return SimpleNamespace(**impls, **_CONSTANTS[backend])
