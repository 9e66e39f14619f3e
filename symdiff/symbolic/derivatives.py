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
from typing import TYPE_CHECKING, Literal, TypeAlias

import sympy as sp
from sympy.core.cache import cacheit

from ..errors import LimitError, SymdiffError
from ..language.arrays import ArrayProgram
from ..language.dag import dag_size, expanded_size, free_symbols, postorder, substitute, tree_size
from ..language.parser import Program, as_expression, natural_key, parse_program, symbol, variable_names
from ..limits import DEFAULT_LIMITS, Limits, sympy_recursion_guard
from ..primitives import registry
from ..primitives.primitive import Primitive
from .gradient import SymbolicGradient, SymbolicHessian, reverse_gradient, reverse_hessian

if TYPE_CHECKING:
    from .matrix_result import MatrixDerivative, MatrixGradient

ExprLike: TypeAlias = "str | sp.Basic | Program | ArrayProgram"
VariableLike: TypeAlias = "str | sp.Symbol"
Method = Literal["auto", "reverse", "diff"]


def variable(name: VariableLike) -> sp.Symbol:
    """The real symbol for a variable given by name or as a SymPy symbol."""
    if isinstance(name, sp.Symbol):
        return symbol(name.name)
    if isinstance(name, str) and name.isidentifier() and not name.startswith("_"):
        return symbol(name)
    raise SymdiffError(f"not a variable name: {name!r}")


def _name(v: VariableLike) -> str:
    return variable(v).name


def _sequence(wrt: VariableLike | Sequence[VariableLike]) -> Sequence[VariableLike]:
    return [wrt] if isinstance(wrt, (str, sp.Symbol)) else wrt


def _variables(wrt: VariableLike | Sequence[VariableLike]) -> list[sp.Symbol]:
    if isinstance(wrt, (str, sp.Symbol)):
        return [variable(wrt)]
    names = list(wrt)
    if not names:
        raise SymdiffError("no variable to differentiate with respect to")
    return [variable(v) for v in names]


def diff(
    expr: ExprLike,
    wrt: VariableLike | Sequence[VariableLike],
    order: int | str | sp.Symbol = 1,
    *,
    distributions: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> sp.Expr | MatrixGradient | MatrixDerivative:
    """The partial derivative of ``expr``.

    Args:
        expr: expression text, a program, or a SymPy expression.
        wrt: a variable, or a sequence of variables for a mixed partial
            (``diff(f, ["a", "b"])`` is ∂²f/∂a∂b).
        order: how many times to differentiate with respect to a single ``wrt``; a name (``"n"``)
            asks for the n-th derivative with n a symbol, written for the functions whose every
            derivative has a closed form (x^k, e^(ax), sin, cos, ln; see ``symbolic.nth``).
        distributions: keep the Dirac deltas of jumps (``sign(x)`` has the derivative
            ``2*DiracDelta(x)``): the derivative in the sense of distributions. By default they
            are dropped, which is the derivative wherever it exists (``0`` for sign).

    For a program over arrays the result is a matrix formula: ``diff(program, "W1")`` is a
    ``MatrixGradient`` with the one entry ∂L/∂W1; a second derivative (``order=2``, or two
    variables) is the Hessian or its block, a ``MatrixDerivative``.

    Example:
        >>> diff("a*b + c", "a")
        b
        >>> diff("x^3", "x", order=2)
        6*x
        >>> print(diff("x: 3; A: 3x3; L = x' A x", "x", order=2).formula_text())
        Aᵀ + A
        >>> diff("x*heaviside(x)", "x", distributions=True)
        x*DiracDelta(x) + Heaviside(x)
        >>> diff("x^k", "x", order="n")
        x**(k - n)*FallingFactorial(k, n)
    """
    source = _source(expr, limits)
    if isinstance(order, (str, sp.Symbol)):
        return _nth(source, wrt, order, limits)
    if isinstance(source, ArrayProgram):
        if distributions:
            raise SymdiffError("distributional derivatives are written for scalar expressions only")
        return _array_diff(source, wrt, order)
    variables = _variables(wrt)
    if len(variables) > 1 and order != 1:
        raise SymdiffError("give either a sequence of variables (a mixed partial) or an order, not both")
    limits.check_order(order * len(variables))
    f = as_expression(source, limits=limits)
    if distributions:
        _check_distributions(f)
    return _derivative(f, tuple(variables * order), limits, distributions)


@cacheit  # in SymPy's cache, as sympy.diff's own steps are: the same derivative asked twice is found
def _derivative(
    expr: sp.Expr, variables: tuple[sp.Symbol, ...], limits: Limits, distributions: bool = False
) -> sp.Expr:
    result = expr
    with sympy_recursion_guard("differentiating"):
        for v in variables:
            result = _differentiate(result, v, limits, keep_deltas=distributions)
        return tidy(result, limits)


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
    program: ArrayProgram, wrt: VariableLike | Sequence[VariableLike], order: int
) -> MatrixGradient | MatrixDerivative:
    from . import matrix as matrix_calculus  # the matrix machinery, loaded when an array program needs it

    names = [v.name for v in _variables(wrt)]
    if len(names) > 1 and order != 1:
        raise SymdiffError("give either a sequence of variables (a mixed partial) or an order, not both")
    if order < 1 or len(names) * order > 2:
        raise SymdiffError(
            "for a program over arrays symdiff writes first derivatives and Hessians: higher derivatives "
            "are tensors of three or more indices"
        )
    if len(names) * order == 1:
        return matrix_calculus.matrix_gradient(program, names)
    return matrix_calculus.matrix_hessian(program, names if len(names) == 2 else names * 2)


def _differentiate(expr: sp.Expr, v: sp.Symbol, limits: Limits, *, keep_deltas: bool = False) -> sp.Expr:
    if _repeats(expr, limits) and not keep_deltas:
        result = reverse_gradient(expr, [v.name], limits=limits).expand()[v.name]
    else:
        result = sp.diff(expr, v)
    deltas = {} if keep_deltas else {node: sp.S.Zero for node in postorder(result) if isinstance(node, sp.DiracDelta)}
    if deltas:
        result = substitute(result, deltas)
    if any(isinstance(node, (sp.Derivative, sp.Subs)) for node in postorder(result)):
        raise SymdiffError(f"SymPy could not differentiate {sp.sstr(expr)[:60]} with respect to {v}")
    size = dag_size(result)
    if size > limits.max_ops:
        raise LimitError(
            f"the derivative has grown to {size} distinct sub-expressions, "
            f"above the limit of {limits.max_ops} (max_ops)"
        )
    return result


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


def _wrt_list(expr: sp.Expr, wrt: Sequence[VariableLike] | VariableLike | None) -> list[sp.Symbol]:
    return _all_variables([expr]) if wrt is None else _variables(wrt)


def _reverse(method: Method, f: sp.Expr, variables: Sequence[sp.Symbol], limits: Limits) -> bool:
    """Whether to use reverse mode: asked for, or ``auto`` and the work is above ``limits.reverse_ops``."""
    if method not in ("auto", "reverse", "diff"):
        raise SymdiffError(f"method must be 'auto', 'reverse' or 'diff', got {method!r}")
    if method == "auto":
        return len(variables) * dag_size(f) > limits.reverse_ops or _repeats(f, limits)
    return method == "reverse"


def _source(expr: ExprLike, limits: Limits) -> sp.Basic | Program | ArrayProgram:
    """Text read as a program, so that reverse mode can use its names."""
    return parse_program(expr, limits=limits) if isinstance(expr, str) else expr


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
    f = as_expression(source, limits=limits)
    variables = _wrt_list(f, wrt)
    if _reverse(method, f, variables, limits):
        return reverse_gradient(source, [v.name for v in variables], limits=limits)
    with sympy_recursion_guard("differentiating"):
        partials = {v.name: tidy(_differentiate(f, v, limits), limits) for v in variables}
    function = source.output.name if isinstance(source, Program) else "f"
    return SymbolicGradient(partials, function=function, variables=variable_names(f))


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
    f = as_expression(source, limits=limits)
    variables = _wrt_list(f, wrt)
    if _reverse(method, f, variables, limits):
        return reverse_hessian(source, [v.name for v in variables], limits=limits)
    n = len(variables)
    matrix = sp.zeros(n, n)
    with sympy_recursion_guard("differentiating"):
        for i, vi in enumerate(variables):
            first = _differentiate(f, vi, limits)  # shared by the whole row
            for j in range(i, n):
                matrix[i, j] = matrix[j, i] = tidy(_differentiate(first, variables[j], limits), limits)
    return matrix


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
    fs = [as_expression(e, limits=limits) for e in exprs]
    variables = _all_variables(fs) if wrt is None else _variables(wrt)
    with sympy_recursion_guard("differentiating"):
        rows = [[tidy(_differentiate(f, v, limits), limits) for v in variables] for f in fs]
    return sp.Matrix(rows) if rows else sp.zeros(0, len(variables))


__all__ = ["diff", "gradient", "hessian", "jacobian", "tidy", "variable", "variable_names"]
