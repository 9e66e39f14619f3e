"""Exact derivatives with SymPy: partial by default, every other variable held constant.

Results are *classical* derivatives: SymPy's distributional terms (``DiracDelta`` from
differentiating sign or a step) are zero wherever the derivative exists, so they are dropped;
where it does not exist the registry says so and the comparison layer explains it. Small
results are tidied (see ``tidy``); large ones are returned as differentiated, because
simplifying them costs more than it helps. Large gradients and Hessians are computed in
reverse mode over the expression's graph, with shared definitions (``symdiff.symbolic.gradient``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

import sympy as sp
from sympy.core.cache import cacheit

from ..errors import LimitError, SymdiffError, check_choice, describe
from ..language.arrays import ArrayProgram
from ..language.dag import dag_size, expanded_size, free_symbols, postorder, substitute, tree_size
from ..language.forms import derivative
from ..language.lexer import name_problem
from ..language.parser import (
    Program,
    as_expression,
    caller_expression,
    natural_key,
    parse_program,
    symbol,
    variable_names,
)
from ..language.symbols import ELEMENT_TYPES, Canonical, key_of
from ..language.unknown import check_variables, has_unknowns, is_derivative_of_unknown
from ..limits import DEFAULT_LIMITS, Limits, serialized, sympy_recursion_guard
from ..primitives import registry
from ..primitives.primitive import Primitive
from .gradient import SymbolicGradient, SymbolicHessian, resolve, reverse_gradient, reverse_hessian
from .higher import taylor_derivative, written_out_is_small
from .reverse import Definition

if TYPE_CHECKING:
    from .matrix_result import MatrixDerivative, MatrixGradient

ExprLike: TypeAlias = "str | sp.Basic | Program | ArrayProgram"
VariableLike: TypeAlias = "str | sp.Basic"
Method = Literal["auto", "reverse", "diff"]
WRT_FORMS = "a variable (a name or a SymPy Symbol), (variable, order), or a list of variables for a mixed partial"


def variable(name: VariableLike) -> sp.Symbol:
    """symdiff's real symbol for a variable given by name or as a SymPy symbol (or element, ``A[0, 0]``)."""
    if isinstance(name, sp.Symbol):
        return symbol(name.name)
    if isinstance(name, ELEMENT_TYPES):
        return symbol(key_of(name))
    if isinstance(name, str) and name_problem(name) is None:
        return symbol(name)
    if isinstance(name, sp.Basic) and not name.is_number:
        raise SymdiffError(
            f"cannot differentiate with respect to {sp.sstr(name)[:60]}: give a Symbol; "
            f"for a function or an expression substitute one first, e.g. expr.subs({sp.sstr(name)[:40]}, u)"
        )
    raise SymdiffError(f"not a variable name: {describe(name)}")


def _name(v: VariableLike) -> str:
    return variable(v).name


def _sequence(wrt: VariableLike | Sequence[VariableLike]) -> Sequence[VariableLike]:
    return [wrt] if isinstance(wrt, (str, sp.Basic)) else wrt


def variable_list(wrt: VariableLike | Sequence[VariableLike]) -> list[sp.Symbol]:
    """One variable (a name, a symbol or an element) or a list of them, as symbols; anything else is an error."""
    if isinstance(wrt, (str, sp.Basic)):
        return [variable(wrt)]
    if not isinstance(wrt, (list, tuple)):
        raise SymdiffError(f"expected a variable or a list of variables, got {describe(wrt)}")
    if not wrt:
        raise SymdiffError("no variable to differentiate with respect to")
    return [variable(v) for v in wrt]


def _order(value: Any) -> int | None:
    """``value`` as an order written after a variable (``diff(f, x, 2)``, ``(x, 2)``), or None if it is none."""
    return int(value) if isinstance(value, (int, sp.Integer)) and not isinstance(value, bool) else None


def wrt_variables(wrt: Sequence[Any], order: int, limits: Limits) -> list[sp.Symbol]:
    """The variables to differentiate by, in order, as SymPy reads them.

    ``x`` once; ``x, 2`` or ``(x, 2)`` twice; ``[x, y]`` (a list or tuple of variables) for the mixed
    partial ∂²/∂x∂y. ``order`` repeats a single variable. Every order is checked against the
    limit before anything is built from it: (x,) * 10**26 is refused, not attempted.
    """
    variables: list[sp.Symbol] = []
    items = list(wrt)
    k = 0
    while k < len(items):
        item = items[k]
        after = _order(items[k + 1]) if k + 1 < len(items) else None
        k += 1 if after is None else 2
        if _order(item) is not None:
            raise SymdiffError(f"an order ({item}) must follow a variable; give {WRT_FORMS}")
        if isinstance(item, (tuple, list)) and len(item) == 2 and _order(item[1]) is not None:
            item, after = item[0], _order(item[1])
        elif isinstance(item, (tuple, list)):  # a mixed partial; an order after it (the old signature) repeats one
            variables += wrt_variables(item, 1 if after is None else after, limits)
            continue
        count = 1 if after is None else after
        limits.check_order(count)
        variables += [variable(item)] * count
    if not variables:
        raise SymdiffError(f"no variable to differentiate with respect to; give {WRT_FORMS}")
    limits.check_order(order)
    if order != 1:
        if len(variables) != 1:
            raise SymdiffError("give either a sequence of variables (a mixed partial) or an order, not both")
        variables = variables * order
    limits.check_order(len(variables))
    return variables


def checked_names(canon: Canonical, wrt: object) -> None:
    """Refuse a Symbol to differentiate by that is not the expression's own of that name."""
    stack = [wrt]
    while stack:
        item = stack.pop()
        if isinstance(item, (tuple, list)):
            stack.extend(item)
        elif isinstance(item, (sp.Symbol, *ELEMENT_TYPES)):
            canon.name_of(item)


@serialized
def diff(
    expr: ExprLike,
    *wrt: VariableLike | Sequence[VariableLike] | int,
    order: int | str | sp.Symbol = 1,
    distributions: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> sp.Expr | MatrixGradient | MatrixDerivative:
    """The partial derivative of ``expr``, written in the caller's own symbols.

    Args:
        expr: expression text, a program, or a SymPy expression.
        wrt: what to differentiate by, as ``sympy.diff`` reads it: ``x``; ``x, 2`` or
            ``(x, 2)`` for a second derivative; ``x, y`` or ``[x, y]`` for the mixed partial
            ∂²f/∂x∂y. A variable is a name or a SymPy Symbol (or a matrix element, ``A[0, 0]``).
        order: how many times to differentiate with respect to a single ``wrt``; a name (``"n"``)
            asks for the n-th derivative with n a symbol, written for the functions whose every
            derivative has a closed form (x^k, e^(ax), sin, cos, ln; see ``symbolic.nth``).
        distributions: keep the Dirac deltas of jumps (``sign(x)`` has the derivative
            ``2*DiracDelta(x)``): the derivative in the sense of distributions. By default they
            are dropped, which is the derivative wherever it exists (``0`` for sign).

    SymPy symbols keep their assumptions: the derivative is taken over the reals and returned
    in the caller's symbols, so ``diff(sqrt(x**2 + 1), x)`` works with SymPy's ``subs``,
    ``solve`` and ``==`` as ``sympy.diff``'s result does.

    For a program over arrays the result is a matrix formula: ``diff(program, "W1")`` is a
    ``MatrixGradient`` with the one entry ∂L/∂W1; a second derivative (``order=2``, or two
    variables) is the Hessian or its block, a ``MatrixDerivative``.

    Example:
        >>> diff("a*b + c", "a")
        b
        >>> diff("x^3", "x", order=2)
        6*x
        >>> diff("x^3", "x", 2)
        6*x
        >>> print(diff("x: 3; A: 3x3; L = x' A x", "x", order=2).formula_text())
        Aᵀ + A
        >>> diff("x*heaviside(x)", "x", distributions=True)
        x*DiracDelta(x) + Heaviside(x)
        >>> diff("x^k", "x", order="n")
        x**(k - n)*FallingFactorial(k, n)
    """
    if isinstance(order, (str, sp.Symbol)):
        return _nth(_source(expr, limits), wrt[0] if len(wrt) == 1 else wrt, order, limits)
    limits.check_order(order)  # before any arithmetic: True * 1 would pass as the order 1
    source = _source(expr, limits)
    if isinstance(source, ArrayProgram):
        if distributions:
            raise SymdiffError("distributional derivatives are written for scalar expressions only")
        return _array_diff(source, wrt, order, limits)
    canon = caller_expression(source, limits=limits)
    if not wrt:
        wrt = (_only_variable(canon),)
    checked_names(canon, wrt)
    variables = wrt_variables(wrt, order, limits)
    f = canon.expression
    check_variables(f, [v.name for v in variables])
    if distributions:
        _check_distributions(f)
    return canon.restore(_derivative(f, tuple(variables), limits, distributions))


@cacheit  # in SymPy's cache, as sympy.diff's own steps are: the same derivative asked twice is found
def _derivative(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], limits: Limits, distributions: bool = False
) -> sp.Expr:
    result = expr
    with sympy_recursion_guard("differentiating"):
        if len(variables) > 1 and len(set(variables)) == 1 and not distributions:
            definitions, result = higher(result, variables[0], len(variables), limits)
            return result.xreplace(resolve(definitions)) if definitions else result
        for v in variables:
            result = _differentiate(result, v, limits, keep_deltas=distributions)
        return tidy(result, limits)


def higher(
    f: sp.Expr, v: sp.Symbol, order: int, limits: Limits, *, prefix: str | None = None, start: int = 1
) -> tuple[tuple[Definition, ...], sp.Expr]:
    """The ``order``-th derivative of f by ``v``: (), SymPy's derivative, while it stays small enough to write
    out; else Taylor mode's definitions and the derivative in terms of them (see ``symbolic.higher``).

    Each order costs SymPy several times the one before: it is differentiated again only while the
    derivative so far is small, so the cost is bounded before it is paid.
    """
    result = f
    for _ in range(order):
        if _repeats(result, limits) or not written_out_is_small(result):
            return taylor_derivative(f, v, order, limits, prefix=prefix, start=start)
        result = _differentiate(result, v, limits, large_in_reverse=False)
    return (), tidy(result, limits)


def _only_variable(canon: Canonical) -> sp.Symbol:
    names = sorted(canon.names, key=natural_key)
    if len(names) != 1:
        raise SymdiffError(f"give the variable to differentiate by (the expression's variables: {', '.join(names)})")
    return symbol(names[0])


def _check_distributions(expr: sp.Expr) -> None:
    """Refuse a jump whose Dirac delta SymPy does not write (floor's comb of deltas, acot's at 0).

    Only sign and the Heaviside step differentiate to deltas in SymPy; for any other function
    with a jump the distributional derivative would silently miss its deltas.
    """
    for node in postorder(expr):
        p = registry.for_sympy_node(node)
        if p is not None and p.nondiff is not None and p.nondiff.kind == "jump" and not _writes_delta(p):
            raise SymdiffError(
                f"the derivative of {p.name} as a distribution has Dirac deltas at its jumps ({p.nondiff.note}) "
                "that symdiff does not write; only sign and heaviside differentiate to DiracDelta"
            )


@functools.cache
def _writes_delta(p: Primitive) -> bool:
    """Does SymPy's derivative of ``p`` carry the Dirac delta of its jump?"""
    args = sp.symbols(f"a:{p.arity}", real=True)
    node = p.sympy(*args)
    return any(sp.diff(node, a).has(sp.DiracDelta) for a in args if node.has(a))


def _nth(source: sp.Basic | Program | ArrayProgram, wrt: object, order: str | sp.Symbol, limits: Limits) -> sp.Expr:
    from .nth import nth_derivative, order_symbol

    if isinstance(source, ArrayProgram) or not isinstance(wrt, (str, sp.Symbol)):
        raise SymdiffError("a symbolic order (order='n') takes a scalar expression and one variable")
    name = order.name if isinstance(order, sp.Symbol) else order
    if not name.isidentifier():
        raise SymdiffError(f"order must be a whole number or the name of one, such as 'n'; got {order!r}")
    with sympy_recursion_guard("differentiating"):
        return nth_derivative(as_expression(source, limits=limits), variable(wrt), order_symbol(name))


def _array_diff(
    program: ArrayProgram, wrt: tuple[VariableLike | Sequence[VariableLike] | int, ...], order: int, limits: Limits
) -> MatrixGradient | MatrixDerivative:
    from . import matrix as matrix_calculus  # the matrix machinery, loaded when an array program needs it

    names = [v.name for v in wrt_variables(wrt, order, limits)]
    if len(names) > 2:
        raise SymdiffError(
            "for a program over arrays symdiff writes first derivatives and Hessians: higher derivatives "
            "are tensors of three or more indices"
        )
    if len(names) == 1:
        return matrix_calculus.matrix_gradient(program, names)
    return matrix_calculus.matrix_hessian(program, names)


def _differentiate(
    expr: sp.Expr, v: sp.Symbol, limits: Limits, *, large_in_reverse: bool = True, keep_deltas: bool = False
) -> sp.Expr:
    # sympy.diff costs about a millisecond per term it builds (assumption queries on each new
    # node): 4 s for a sum of 999 sines, which reverse mode differentiates in 0.1 s. Not for a
    # higher derivative (``large_in_reverse=False``): there each order is small written out, and
    # reverse mode's expanded result would make the next order swell. Reverse mode runs on the
    # registry's rules, which neither keep Dirac deltas nor know unknown functions.
    in_reverse = _repeats(expr, limits) or (large_in_reverse and dag_size(expr) > limits.reverse_ops)
    if in_reverse and not keep_deltas and not has_unknowns(expr):
        result = reverse_gradient(expr, [v.name], limits=limits).expand()[v.name]
    else:
        if keep_deltas:
            _check_written_size(expr, limits)
        result = derivative(expr, v, keep_deltas=keep_deltas)
    gave_up = (sp.Derivative, sp.Subs)  # SymPy's answer when it cannot differentiate, except of an unknown function
    if any(isinstance(node, gave_up) and not is_derivative_of_unknown(node) for node in postorder(result)):
        raise SymdiffError(f"SymPy could not differentiate {sp.sstr(expr)[:60]} with respect to {v}")
    size = dag_size(result)
    if size > limits.max_ops:
        raise LimitError(
            f"the derivative has grown to {size} distinct sub-expressions, "
            f"above the limit of {limits.max_ops} (max_ops)"
        )
    return result


def _check_written_size(expr: sp.Expr, limits: Limits) -> None:
    """Refuse before sympy.diff walks a tree too large to walk in good time.

    With Dirac deltas kept, each order is sympy.diff's, whose cost follows the written-out
    size, and that about doubles with each order: the tenth derivative of
    tanh(sigmoid(max(y, z, z·x))) was a minute.
    """
    written, most = tree_size(expr), limits.max_ops // 40
    if written > most:
        raise LimitError(
            f"with Dirac deltas kept, sympy.diff differentiates the expression written out, and it has grown to "
            f"{written:,} nodes, above {most:,} (max_ops / 40); ask for a lower order or leave out the deltas"
        )


def _repeats(expr: sp.Expr, limits: Limits) -> bool:
    """Does ``expr`` repeat sub-expressions so much that SymPy's tree walks would explode?

    ``e = sin(e)*e + e`` ten times over has 40 distinct nodes but a tree of 100,000:
    ``sympy.diff`` and its assumption queries walk the tree, reverse mode walks the graph.
    """
    return tree_size(expr) > 2 * dag_size(expr) + limits.tidy_ops


def tidy(expr: sp.Expr, limits: Limits = DEFAULT_LIMITS) -> sp.Expr:
    """Combine fractions, or multiply out products, when that makes a small expression clearly shorter.

    ``x/(x+1)`` differentiates to ``-x/(x + 1)^2 + 1/(x + 1)``, which reads better as
    ``1/(x + 1)^2``; binary cross-entropy after a sigmoid differentiates to
    ``-y*(1 - σ(z)) + (1 - y)*σ(z)``, which is ``σ(z) - y``. The product-rule shape
    ``x^2*cos(x) + 2*x*sin(x)`` is kept: it is what a textbook writes, so a rewriting must save
    a quarter of the operations to be used. Powers of sums are never expanded.
    """
    # SymPy's walks visit a shared node once per path: the size that bounds their cost is the tree's.
    if tree_size(expr) > limits.tidy_ops or _huge_power(expr, limits):
        return expr
    size = sp.count_ops(expr)
    combined = sp.together(expr)
    candidates = [combined]
    # Multiplying out is tried only when its result would be small: the derivative of
    # (x+1)(x+2)…(x+60) expands into a 60-term polynomial with 80-digit coefficients.
    candidates += [sp.expand_mul(e) for e in (expr, combined) if expanded_size(e) <= limits.tidy_ops]
    shorter = [c for c in candidates if sp.count_ops(c) <= 0.75 * size]
    return _textbook(min(shorter, key=sp.count_ops) if shorter else expr, limits)


def _textbook(expr: sp.Expr, limits: Limits) -> sp.Expr:
    """The forms a teacher writes, each used only where it is no longer than what it replaces.

    A square the registry writes otherwise (tan² u + 1 is sec² u, so d/dx tan x = sec² x), and
    a sum of fractions as one fraction over its common denominator, the numerator multiplied
    out when it is a polynomial: d/dx (x² + 1)/(x − 1) = (x² − 2x − 1)/(x − 1)², where SymPy
    writes 2x/(x − 1) − (x² + 1)/(x − 1)². The denominator stays factored, as it is written.
    """
    return _one_fraction(_squares(expr), limits)


def _squares(expr: sp.Expr) -> sp.Expr:
    swaps = {}
    for node in postorder(expr):
        p = registry.for_sympy_node(node.base) if node.is_Pow and node.exp == 2 else None
        if p is not None and p.square is not None:
            swaps[node] = p.square(*node.base.args)
    if not swaps:
        return expr
    candidate = substitute(expr, swaps)
    return candidate if sp.count_ops(candidate) <= sp.count_ops(expr) else expr


def _one_fraction(expr: sp.Expr, limits: Limits) -> sp.Expr:
    # Only a sum of fractions: the product rule's e^(-x^2)/(x + 1) - 2x·e^(-x^2)·ln(x + 1) stays.
    combined = sp.together(expr) if expr.is_Add and all(_denominator(term) for term in expr.args) else expr
    numerator, denominator = sp.fraction(combined, exact=True)
    if not _denominator(combined):
        return expr
    # x^2*(x^2 + 3) is kept as it is: only a sum (2x(x - 1) - x^2 - 1) is multiplied out, and
    # a sum of other terms has its common factors taken out (x·e^x − e^x is (x − 1)·e^x).
    if numerator.is_Add and numerator.is_polynomial() and expanded_size(numerator) <= limits.tidy_ops:
        numerator = sp.expand(numerator)
    elif numerator.is_Add:
        numerator = sp.factor_terms(numerator)
    candidate = numerator / denominator
    return candidate if sp.count_ops(candidate) <= sp.count_ops(expr) else expr


def _denominator(term: sp.Expr) -> bool:
    """Does ``term`` divide by something that depends on a variable (not by 3, not by e^x)?"""
    return bool(sp.fraction(term, exact=True)[1].free_symbols)


def _huge_power(expr: sp.Expr, limits: Limits) -> bool:
    """Does ``expr`` raise something to an exponent with more than max_digits/100 digits' worth of size?

    Combining fractions rewrites (x + 1/2)^(10^300) as (2x + 1)^(10^300)/2^(10^300), and SymPy
    then computes 2^(10^300): such expressions are left as they are.
    """
    return any(node.is_Pow and node.exp.is_Rational and abs(node.exp.p) > limits.max_digits for node in postorder(expr))


def _all_variables(exprs: Iterable[sp.Expr]) -> list[sp.Symbol]:
    names = {s.name for e in exprs for s in free_symbols(e)}
    return [symbol(n) for n in sorted(names, key=natural_key)]


def _wrt_list(canon: Canonical, wrt: Sequence[VariableLike] | VariableLike | None) -> list[sp.Symbol]:
    """The variables of first partials: all of them (natural order), one, or a list."""
    if wrt is None:
        return _all_variables([canon.expression])
    checked_names(canon, wrt)
    variables = variable_list(wrt)
    check_variables(canon.expression, [v.name for v in variables])
    return variables


def _reverse(method: Method, f: sp.Expr, variables: Sequence[sp.Symbol], limits: Limits) -> bool:
    """Whether to use reverse mode: asked for, or ``auto`` and the work is above ``limits.reverse_ops``."""
    check_choice("method", method, ("auto", "reverse", "diff"))
    if has_unknowns(f):
        return False  # reverse mode runs on the tape's primitives, and an unknown function is none
    if method == "auto":
        return len(variables) * dag_size(f) > limits.reverse_ops or _repeats(f, limits)
    return method == "reverse"


def _source(expr: ExprLike, limits: Limits) -> sp.Basic | Program | ArrayProgram:
    """Text read as a program, so that reverse mode can use its names."""
    return parse_program(expr, limits=limits) if isinstance(expr, str) else expr


def _prepared(source: sp.Basic | Program, limits: Limits) -> tuple[sp.Expr | Program, Canonical]:
    """What reverse mode lowers (a program keeps its names) and the expression in symdiff's symbols."""
    canon = caller_expression(source, limits=limits)
    return (source if isinstance(source, Program) else canon.expression), canon


def _restored(gradient: SymbolicGradient, canon: Canonical) -> SymbolicGradient:
    """The gradient written in the caller's symbols (its keys are names either way)."""
    if not canon.back:
        return gradient
    definitions = [(s, canon.restore(e)) for s, e in gradient.definitions]
    partials = {name: canon.restore(e) for name, e in gradient.items()}
    return SymbolicGradient(partials, definitions, function=gradient.function, variables=gradient.variables)


@serialized
def gradient(
    expr: ExprLike,
    wrt: Sequence[VariableLike] | None = None,
    *,
    method: Method = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> SymbolicGradient | MatrixGradient:
    """Every first partial derivative, as name → derivative, variables in natural order.

    The result is a ``dict`` (a ``SymbolicGradient``) with ``definitions``, ``expand()``,
    ``to_text()``, ``to_latex()`` and ``to_source()``.

    **When the gradient is large its values use shared definitions**: with ``method="auto"``
    a large gradient (or one of a function with many repeated sub-expressions) comes back in
    reverse mode, and a value such as ``v5*x1`` refers to ``v5`` in ``definitions``. Call
    ``.expand()`` for plain SymPy expressions in the variables only; ``method="diff"`` always
    writes each partial in full. Small gradients never have definitions.

    Args:
        method: ``"diff"`` differentiates once per variable and writes each partial in full;
            ``"reverse"`` sweeps the expression's graph backward once, names the values the
            partials share (``definitions``) and writes each partial in terms of them;
            ``"auto"`` uses reverse mode when variables × distinct sub-expressions is above
            ``limits.reverse_ops`` (200 by default), so small gradients read as before.

    **A program over arrays** (one that declares vectors and matrices) gives a
    ``MatrixGradient``: each ∂L/∂W as a matrix formula (``δ₁ xᵀ``), the shared parts named once,
    every formula checked against the tape and against sympy.diff of the element-wise
    expansion before it is returned (``method`` does not apply).

    Example:
        >>> gradient("a*b + c")
        {'a': b, 'b': a, 'c': 1}
        >>> g = gradient("exp(x*y)", method="reverse")
        >>> g.definitions, g
        (((f, exp(x*y)),), {'x': f*y, 'y': f*x})
        >>> gradient("x: 3; A: 4x3; b: 4; L = norm(A x - b)^2", wrt=["x"])
        {'x': 2Aᵀ (A x - b)}
    """
    source = _source(expr, limits)
    if isinstance(source, ArrayProgram):
        from . import matrix as matrix_calculus  # arrays: the matrix machinery, loaded when used

        return matrix_calculus.matrix_gradient(source, None if wrt is None else [_name(w) for w in wrt])
    source, canon = _prepared(source, limits)
    f = canon.expression
    variables = _wrt_list(canon, wrt)
    if _reverse(method, f, variables, limits):
        return _restored(reverse_gradient(source, [v.name for v in variables], limits=limits), canon)
    with sympy_recursion_guard("differentiating"):
        partials = {v.name: tidy(_differentiate(f, v, limits), limits) for v in variables}
    function = source.output.name if isinstance(source, Program) else "f"
    return _restored(SymbolicGradient(partials, function=function, variables=variable_names(f)), canon)


@serialized
def hessian(
    expr: ExprLike,
    wrt: Sequence[VariableLike] | None = None,
    *,
    method: Method = "auto",
    limits: Limits = DEFAULT_LIMITS,
) -> sp.Matrix | SymbolicHessian | MatrixDerivative:
    """The matrix of second partials ∂²f/∂xᵢ∂xⱼ (variables in natural order unless given).

    Args:
        method: ``"diff"`` returns a ``sympy.Matrix`` of entries written in full;
            ``"reverse"`` returns a ``SymbolicHessian``: shared ``definitions``, the ``matrix``
            in terms of them, ``expand()`` for the plain matrix; ``"auto"`` chooses as
            ``gradient`` does, so small Hessians are a ``sympy.Matrix`` as before. A
            ``SymbolicHessian`` reads like the plain matrix: ``H[i, j]``, ``H.shape``,
            ``H == M`` and ``H.tolist()`` give the entries with the definitions substituted.

    Example:
        >>> hessian("a*b + c")
        Matrix([
        [0, 1, 0],
        [1, 0, 0],
        [0, 0, 0]])
    """
    source = _source(expr, limits)
    if isinstance(source, ArrayProgram):
        if wrt is None:
            raise SymdiffError("the Hessian of a program over arrays is taken by one variable (or two): give wrt")
        from . import matrix as matrix_calculus  # arrays: the matrix machinery, loaded when used

        return matrix_calculus.matrix_hessian(source, [_name(w) for w in _sequence(wrt)])
    source, canon = _prepared(source, limits)
    f = canon.expression
    variables = _wrt_list(canon, wrt)
    _check_entries("the Hessian", len(variables), len(variables), limits)
    if _reverse(method, f, variables, limits):
        shared = reverse_hessian(source, [v.name for v in variables], limits=limits)
        if not canon.back:
            return shared
        return replace(
            shared,
            definitions=tuple((s, canon.restore(e)) for s, e in shared.definitions),
            matrix=shared.matrix.applyfunc(canon.restore),
            gradient=_restored(shared.gradient, canon),
        )
    n = len(variables)
    matrix = sp.zeros(n, n)
    with sympy_recursion_guard("differentiating"):
        for i, vi in enumerate(variables):
            first = _differentiate(f, vi, limits)  # shared by the whole row
            for j in range(i, n):
                matrix[i, j] = matrix[j, i] = tidy(_differentiate(first, variables[j], limits), limits)
    return matrix.applyfunc(canon.restore) if canon.back else matrix


def _check_entries(what: str, rows: int, columns: int, limits: Limits) -> None:
    """A matrix of derivatives costs at least its entries: refuse one larger than max_ops before computing it."""
    if rows * columns > limits.max_ops:
        raise LimitError(
            f"{what} is {rows}×{columns}: {rows * columns:,} entries, above the limit of {limits.max_ops:,} "
            "(max_ops); choose fewer variables (wrt, or --wrt)"
        )


@serialized
def jacobian(
    exprs: Sequence[ExprLike] | str | ArrayProgram,
    wrt: Sequence[VariableLike] | VariableLike | None = None,
    *,
    limits: Limits = DEFAULT_LIMITS,
) -> sp.Matrix | MatrixDerivative:
    """The matrix ∂fᵢ/∂xⱼ of several expressions (all their variables, natural order, unless given).

    A program over arrays whose output is a vector (or a scalar) gives its Jacobian by one
    variable as a matrix formula, ``J[i, j] = ∂fᵢ/∂xⱼ`` (a ``MatrixDerivative``, verified).

    Example:
        >>> jacobian(["x*y", "x + y"])
        Matrix([
        [y, x],
        [1, 1]])
        >>> print(jacobian("W: 2x3; x: 3; f = tanh(W x)", wrt="x").formula_text())
        diag(1 - f^2) W
    """
    source = _source(exprs, limits) if isinstance(exprs, str) else exprs
    if isinstance(source, ArrayProgram):
        if wrt is None:
            raise SymdiffError("the Jacobian of a program over arrays is taken by one variable: give wrt")
        from . import matrix as matrix_calculus  # arrays: the matrix machinery, loaded when used

        return matrix_calculus.matrix_jacobian(source, [_name(w) for w in _sequence(wrt)])
    if isinstance(exprs, (str, sp.Basic, Program, ArrayProgram)):
        raise SymdiffError("jacobian takes a list of expressions; for one expression use gradient")
    if not isinstance(exprs, (list, tuple)):
        raise SymdiffError(f"jacobian takes a list of expressions, got {describe(exprs)}")
    canon = caller_expression(sp.Tuple(*(_one(e, limits) for e in exprs)), limits=limits)
    fs = list(canon.expression.args)
    variables = _all_variables(fs) if wrt is None else _wrt_list(canon, wrt)
    _check_entries("the Jacobian", len(fs), len(variables), limits)
    with sympy_recursion_guard("differentiating"):
        rows = [[canon.restore(tidy(_differentiate(f, v, limits), limits)) for v in variables] for f in fs]
    return sp.Matrix(rows) if rows else sp.zeros(0, len(variables))


def _one(expr: ExprLike, limits: Limits) -> sp.Basic:
    """One of a Jacobian's expressions: text read, SymPy as the caller wrote it (checked together)."""
    if isinstance(expr, sp.Basic) and not isinstance(expr, sp.MatrixBase):
        return expr
    return as_expression(expr, limits=limits)


__all__ = [
    "checked_names",
    "diff",
    "gradient",
    "hessian",
    "jacobian",
    "tidy",
    "variable",
    "variable_names",
    "wrt_variables",
]
