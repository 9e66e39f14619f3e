"""The command line: ``python -m symdiff EXPR [options]``.

Exit status: 0 all methods agree (or nothing to compare), 1 a disagreement was found (or a
derivation written with --steps did not verify), 2 bad input (one-line message on stderr, no
traceback; with --format json also a JSON object ``{"error": …}`` on stdout), 3 an internal
error (a bug; run again with --debug for the traceback and please report it), 4 the output
could not be written (a full disk, a closed stream).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import re
import sys
from collections.abc import Sequence
from typing import Any, TextIO, cast

import sympy as sp

from .errors import LimitError, ParseError, SymdiffError
from .finite import METHODS, Method
from .language.arrays import ArrayProgram
from .language.parser import parse_program, variable_names
from .limits import DEFAULT_LIMITS, Limits

# Everything else is imported by the function that needs it: printing a symbolic derivative
# (the most common request) loads neither NumPy nor finite differences, the comparison or plots.

EXAMPLES = """\
examples:
  python -m symdiff "a*b + c" --wrt a          ∂f/∂a = b
  python -m symdiff "3x^2 - 4x + 5" --wrt x    df/dx = 6x - 4
  python -m symdiff "a*b + c"                  all first partials
  python -m symdiff "x^3" --wrt x --order 2    second derivative
  python -m symdiff "x*y^2" --hessian          matrix of second partials
  python -m symdiff "h = tanh(w1*x); L = (h - t)^2" --wrt w1
  python -m symdiff "sin(x)/x" --format latex
  python -m symdiff "x^2 sin(x)" --wrt x --steps --format latex   a verified derivation
  python -m symdiff "a*b + c" --at a=2,b=-3,c=10             all methods side by side
  python -m symdiff "a*b + c" --at a=2,b=-3,c=10 --autodiff   backpropagation at a point
  python -m symdiff "h = tanh(w1*x); L = (h - t)^2" --tape --at w1=0.5,x=2,t=0.3
  python -m symdiff "a*b + c" --at a=2,b=-3,c=10 --graph graph.svg
  python -m symdiff "3x^2 - 4x + 5" --at x=3 --fd forward --h 0.001 --explain
  python -m symdiff "3x^2 - 4x + 5" --wrt x --at x=3 --plot tangent.png   f, its tangent, f'
  python -m symdiff "exp(x)" --at x=1 --plot-steps sweep.png   error against step h

expressions: numbers (3, 0.001, 1e-3), names (x, w1, x_1, alpha), pi and e,
+ - * / and ^ or ** for powers, implicit products (2x, 2(x+1), (a+b)(a-b)),
functions such as sin, exp, log (log(x, b) for base b), sqrt, tanh, sigmoid, relu,
softplus, abs, max, min; several lines separated by ';' or newlines define names.
"""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        # argparse's default prints the whole usage; one line is kinder in a pipeline.
        self.exit(2, f"symdiff: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="symdiff",
        description="Differentiate an expression symbolically (partial derivatives by default).",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("expression", metavar="EXPR", help="the expression (quote it for the shell)")
    parser.add_argument(
        "--wrt",
        metavar="VARS",
        action="append",
        help="variables to differentiate with respect to, comma-separated (default: all)",
    )
    parser.add_argument(
        "--order",
        metavar="N",
        type=_order,
        default=1,
        help="order of the derivative (default 1); a name such as n for the n-th derivative as a formula",
    )
    parser.add_argument("--hessian", action="store_true", help="also print the matrix of second partials")
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="the one mixed partial by every --wrt variable in turn: --wrt x,y --mixed is ∂²f/∂x∂y",
    )
    parser.add_argument(
        "--function",
        metavar="NAMES",
        action="append",
        default=[],
        help="unknown functions, comma-separated: --function f,g reads f(x), g(x, y), f(g(x)) "
        "(or a line f, g: function)",
    )
    parser.add_argument(
        "--depends",
        metavar="NAMES:VAR",
        action="append",
        default=[],
        help="declared dependence: --depends x,y:t makes every x and y a function of t, so --wrt t is the "
        "total derivative (or a line x, y: depends on t)",
    )
    parser.add_argument(
        "--check",
        metavar="ANSWER",
        help="is ANSWER the derivative? decided symbolically, else at points, with a counterexample when it is not",
    )
    parser.add_argument(
        "--implicit",
        metavar="Y",
        help='implicit differentiation: "x^2 + y^2 = 25" --implicit y --wrt x is dy/dx (any --order); with --at x=3 '
        "(y found on the curve) or --at x=3,y=4, checked against mpmath.diff of the implicit function",
    )
    parser.add_argument(
        "--distributions",
        action="store_true",
        help="keep the Dirac deltas of sign and heaviside: derivatives as distributions (symbolic only)",
    )
    parser.add_argument(
        "--shape",
        metavar="NAME=SIZES,...",
        action="append",
        default=[],
        help="declare vectors and matrices, e.g. --shape W1=64x10,b1=64,t=scalar (or a line W1: 64x10 in the text)",
    )
    parser.add_argument(
        "--random",
        metavar="SEED",
        type=int,
        nargs="?",
        const=0,
        help="give every variable that --at leaves out a value drawn from a standard normal (seed 0 by default)",
    )
    parser.add_argument(
        "--at",
        metavar="NAME=VALUE,...",
        action="append",
        default=[],
        help="the point, e.g. --at a=2,b=-3 or --at x=pi/4 (repeatable)",
    )
    parser.add_argument("--autodiff", action="store_true", help="with --at: the reverse-mode tape's value and gradient")
    parser.add_argument(
        "--tape",
        action="store_true",
        help="print the tape (one operation per line); with --at, every node's value and adjoint",
    )
    parser.add_argument(
        "--graph", metavar="FILE", help="write the computational graph: .dot, or .svg/.png with Graphviz"
    )
    parser.add_argument(
        "--fd", metavar="METHOD", choices=METHODS, help=f"finite-difference method: {', '.join(METHODS)} (default auto)"
    )
    parser.add_argument(
        "--h",
        metavar="STEP",
        type=float,
        help="finite-difference step, used as given (teaching mode); needs a fixed --fd (not auto or mpmath)",
    )
    parser.add_argument(
        "--dps", metavar="DIGITS", type=int, help="digits of the mpmath reference, and of --fd mpmath (default 50)"
    )
    parser.add_argument(
        "--explain", action="store_true", help="with --at: the finite difference taken apart (truncation, rounding)"
    )
    parser.add_argument(
        "--plot",
        metavar="FILE",
        help="with --at: draw f, its tangent at the point and f' (.png, .svg, .pdf; needs matplotlib)",
    )
    parser.add_argument(
        "--plot-range",
        metavar="LO,HI",
        type=_plot_range,
        help="with --plot: the interval of x to draw (default: the point ± max(3, |x|/4), where f is defined)",
    )
    parser.add_argument(
        "--plot-steps",
        metavar="FILE",
        help="with --at: draw the finite differences' error against the step h (.png, .svg, .pdf)",
    )
    parser.add_argument(
        "--force", action="store_true", help="let --graph and --plot replace a symbolic link (never written through)"
    )
    parser.add_argument(
        "--format",
        choices=("text", "json", "latex", "markdown"),
        default="text",
        help="output format (default text); --tape and --autodiff write text or json, --explain and --plot-steps text",
    )
    parser.add_argument("--steps", action="store_true", help="write the derivation step by step, every step verified")
    parser.add_argument(
        "--detail",
        choices=("full", "compact", "key"),
        default="full",
        help="with --steps: every step (full), the chain rule in one line and no repeats (compact), "
        "or only the product, quotient and chain rule steps (key)",
    )
    parser.add_argument(
        "--limit",
        metavar="NAME=VALUE",
        action="append",
        default=[],
        help="raise a resource limit, e.g. --limit max_order=20 (see docs/limits.md)",
    )
    parser.add_argument("--debug", action="store_true", help="show the traceback of an error")
    return parser


def _depends(texts: list[str]) -> dict[str, str]:
    """--depends x,y:t (repeatable) as {"x": "t", "y": "t"}."""
    depends: dict[str, str] = {}
    for text in texts:
        names, sep, on = text.partition(":")
        if not sep or not on.strip():
            raise SymdiffError(f"--depends expects NAMES:VARIABLE, e.g. --depends x,y:t; got {text!r}")
        for name in names.split(","):
            depends[name.strip()] = on.strip()
    return depends


def _order(text: str) -> int | str:
    """--order 3, or --order n (the n-th derivative, n a symbol)."""
    text = text.strip()
    if text.isidentifier():
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or a name such as n, got {text!r}") from None


def _plot_range(text: str) -> tuple[float, float]:
    """--plot-range -1,7."""
    text = text.strip()  # " -1,7": see _expressions_may_start_with_minus
    try:
        lo, hi = (float(part) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected two numbers LO,HI such as -1,7, got {text!r}") from None
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise argparse.ArgumentTypeError(f"expected finite LO < HI, got {text!r}")
    return lo, hi


def _wrt(values: list[str] | None) -> list[str] | None:
    if values is None:
        return None
    names = [name.strip() for value in values for name in value.split(",")]
    bad = [n for n in names if not n.isidentifier() or n.startswith("_")]
    if bad or not names:
        raise SymdiffError(f"--wrt expects variable names separated by commas, got {','.join(values)!r}")
    return names


def _limits(overrides: list[str]) -> Limits:
    limits = DEFAULT_LIMITS
    for text in overrides:
        limits = limits.with_overrides(text)
    return limits


# Which output formats each kind of request can write; anything else is refused, never ignored.
_FORMATS = {
    "tape": ("text", "json"),
    "autodiff": ("text", "json"),
    "explain": ("text",),
    "plot_steps": ("text",),
}


def _check_options(args: argparse.Namespace) -> None:
    """Options that cannot be honoured are input errors (exit 2), not silently dropped."""
    if args.h is not None:
        if not (math.isfinite(args.h) and args.h > 0):
            raise SymdiffError(f"--h must be a positive finite step, got {args.h!r}")
        if args.fd in (None, "auto", "mpmath"):
            raise SymdiffError(
                "--h is used as given only with a fixed method: add --fd central (or forward, backward, "
                "richardson, complex)"
            )
    numeric = args.at or args.random is not None or args.steps or args.hessian or args.mixed or args.format == "json"
    if isinstance(args.order, str) and numeric:
        raise SymdiffError(
            f"--order {args.order} writes the n-th derivative as a formula only (text, latex or markdown): "
            "for values give the order as a number"
        )
    if args.mixed:
        if not args.wrt or len(_wrt(args.wrt) or []) < 2:
            raise SymdiffError("--mixed needs two or more variables: --wrt x,y --mixed is ∂²f/∂x∂y")
        if args.order != 1 or args.hessian:
            raise SymdiffError("--mixed is one mixed partial: leave out --order and --hessian")
    if args.distributions and (args.at or args.random is not None or args.hessian or args.steps):
        raise SymdiffError(
            "--distributions writes symbolic derivatives only: a Dirac delta has no value at a point to compare, "
            "and no steps; leave out --at, --hessian and --steps"
        )
    asked = {
        "tape": args.tape,
        "autodiff": args.autodiff,
        "explain": args.explain,
        "plot_steps": args.plot_steps is not None,
    }
    for request, given in asked.items():
        if given and args.format not in _FORMATS[request]:
            allowed = " or ".join(_FORMATS[request])
            raise SymdiffError(f"--{request.replace('_', '-')} writes {allowed}, not --format {args.format}")
    if args.plot_range is not None and args.plot is None:
        raise SymdiffError("--plot-range is the interval of x that --plot draws: add --plot FILE")


def run(args: argparse.Namespace) -> int:
    """Do what the arguments ask; return the exit status."""
    limits = _limits(args.limit)
    if not isinstance(args.order, str):  # a name (--order n) is the n-th derivative's, checked there
        limits.check_order(args.order)  # before any use: (x,) * 10**26 is no way to find out
    if args.dps is not None:
        limits.check_dps(args.dps)  # --dps 0 is an error, not the default
    _check_options(args)
    if args.implicit is not None:
        return show_implicit(args, limits)  # an equation, not an expression: read by its own reader
    from .primitives.shapes import parse_shape_options

    args.source = parse_program(
        args.expression,
        shapes=parse_shape_options(args.shape) or None,
        functions=[name.strip() for text in args.function for name in text.split(",")],
        depends=_depends(args.depends),
        limits=limits,
    )
    point = _without_cancelled(args.source, _point(args.at, limits))
    if args.random is not None:
        from .tape.points import random_point

        point = random_point(args.source, point, args.random)
    if args.graph is not None:  # --graph "" is an error, not no graph
        _write_graph(args, point, limits)
    if args.plot is not None:  # --plot "" is an error too
        _write_tangent(args, point, limits)
    if args.check is not None:
        return show_check(args, point, limits)
    if args.steps:
        return show_steps(args, point, limits)
    if args.explain or args.plot_steps is not None:
        return show_finite(args, point, limits)
    if args.tape:
        return show_tape(args, point, limits)
    if args.autodiff:
        return show_autodiff(args, point, limits)
    if point:
        return show_comparison(args, point, limits)
    if args.graph is not None or args.plot is not None:
        return 0  # the graph or the picture was the whole request
    return show_derivatives(args, limits)


def _point(at: list[str], limits: Limits) -> dict[str, sp.Expr]:
    if not at:
        return {}
    from .tape.points import parse_point

    return parse_point(at, limits=limits)


def _without_cancelled(source: Any, point: dict[str, sp.Expr]) -> dict[str, sp.Expr]:
    """The point without the values of variables the text uses but its expression lost as SymPy
    read it (x in x - x + y; x and z in max(2, y, frac(z - x - e)), since frac < 1 < 2), with a note.

    Those names are not typos, so their values are not an error; a name the text never uses is.
    """
    if not point or isinstance(source, ArrayProgram):
        return point
    lost = [name for name in point if name in source.written and name not in source.inputs]
    if not lost:
        return point
    from .language.printing import to_text

    verb, its = ("cancels", "its value is") if len(lost) == 1 else ("cancel", "their values are")
    formula = to_text(source.expression)
    shown = f" (f = {formula})" if len(formula) <= 60 else ""  # the note stays one line
    print(
        f"symdiff: note: {', '.join(lost)} {verb} out of the expression as SymPy reads it{shown}; {its} not used",
        file=sys.stderr,
    )
    return {name: value for name, value in point.items() if name not in lost}


def show_comparison(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """Every method side by side at the point; exit status 1 when they really disagree."""
    from .comparison.compare import compare
    from .tape.tape import Tape

    wrt: list[Any] | None = _wrt(args.wrt)
    if args.mixed:
        wrt = [wrt]
    if args.hessian:
        names = wrt or list(Tape(args.source).variables)  # --wrt orders the matrix
        wrt = [[a, b] for i, a in enumerate(names) for b in names[i:]]
    fd = cast(Method, args.fd or "auto")  # argparse has checked it against METHODS
    cmp = compare(
        args.source,
        point,
        wrt,
        args.order,
        fd=fd,
        h=args.h,
        dps=50 if args.dps is None else args.dps,
        limits=limits,
    )
    render = {"text": cmp.to_text, "json": cmp.to_json, "latex": cmp.to_latex, "markdown": cmp.to_markdown}
    print(render[args.format]())
    return 0 if cmp.agree else 1


def _floats(point: dict[str, Any]) -> dict[str, Any]:
    """The point in float64: exact numbers as floats, arrays (from lists or --random) as they are."""
    return {name: float(sp.N(value, 20)) if isinstance(value, sp.Basic) else value for name, value in point.items()}


def _expression_text(tape: Any) -> str:
    """The tape's function in the input language (an array program: its output, where its lines)."""
    from .language.printing import to_text

    if isinstance(tape.expression, sp.Basic):
        return to_text(tape.expression)
    *lines, output = tape.program.definitions
    where = "; ".join(f"{d.name} = {d.source}" for d in lines)
    return output.source + (f" where {where}" if where else "")


def _value_text(value: Any) -> str:
    from .language.printing import to_text
    from .render.tape import number

    return to_text(value) if isinstance(value, sp.Basic) else number(value)


def show_autodiff(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """The tape's value and gradient at the point."""
    from .render.jsonutil import dumps
    from .render.jsonutil import value as json_value
    from .render.tape import autodiff_text
    from .tape.tape import Tape

    if not point and not args.at:
        raise SymdiffError("--autodiff needs a point: --at NAME=VALUE,...")
    tape = Tape(args.source)
    value, gradient = tape.value_and_gradient(_floats(point))
    function = tape.graph.label(tape.graph.output)
    kinks = [row.equation for row in tape.trace(_floats(point)).kinks]
    if args.format == "json":
        data = {
            "expression": _expression_text(tape),
            "variables": list(tape.variables),
            "at": {k: json_value(v) for k, v in _floats(point).items()},
            "value": json_value(value),
            "gradient": {k: json_value(v) for k, v in gradient.items()},
            "kinks": kinks,
        }
        print(dumps(data))
    else:
        shown = {k: _value_text(v) for k, v in point.items()}
        print(autodiff_text(function, _expression_text(tape), shown, value, gradient, kinks))
    return 0


def show_tape(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """The tape's listing; at a point, the trace of values and adjoints."""
    from .render.jsonutil import dumps
    from .render.tape import tape_data
    from .tape.tape import Tape

    tape = Tape(args.source)
    trace = tape.trace(_floats(point)) if point or args.at else None
    if args.format == "json":
        print(dumps(tape_data(tape.graph, trace)))
        return 0
    print(tape)
    if trace is not None:
        print()
        print(trace)
    return 0


def show_finite(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """--explain: each finite difference taken apart; --plot-steps: error against step, drawn to a file."""
    from .finite import finite_difference, step_sweep
    from .render.sweep import plot_step_sweep

    if not point:
        raise SymdiffError("--explain and --plot-steps need a point: --at NAME=VALUE,...")
    at = _floats(point)
    names = _wrt(args.wrt) or list(point)
    if args.plot_steps is not None:
        existed = os.path.lexists(args.plot_steps)
        sweep = step_sweep(args.source, names[0], at, limits=limits)
        written = plot_step_sweep(sweep, args.plot_steps, force=args.force)
        _note_written(written, existed)
    if args.explain:
        method: Method = args.fd or "auto"
        results = [
            finite_difference(args.source, name, at, method, args.h, args.order, args.dps, limits=limits)
            for name in names
        ]
        print("\n\n".join(result.explain() for result in results))
    return 0


def _write_graph(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> None:
    from .render.files import write_graph
    from .tape.tape import Tape

    tape = Tape(args.source)
    existed = os.path.lexists(args.graph)
    source = tape.to_dot(_floats(point)) if point else tape.to_dot()
    nodes = len(tape.graph.nodes)
    written = write_graph(args.graph, source, nodes=nodes, max_drawn=limits.max_drawn_nodes, force=args.force)
    _note_written(written, existed)


def _note_written(path: Any, existed: bool) -> None:
    print(f"symdiff: {'overwrote' if existed else 'wrote'} {path}", file=sys.stderr)


def _write_tangent(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> None:
    """--plot: f along one variable, its tangent at the point and f', drawn to a file."""
    from .comparison.tangent import tangent
    from .render.figures import checked_target

    if isinstance(args.source, ArrayProgram):
        raise SymdiffError("--plot draws a scalar function of one variable; an array program has no such picture")
    variables = variable_names(args.source.expression)
    names = _wrt(args.wrt) or list(variables)
    if len(names) != 1:
        raise SymdiffError(f"--plot draws f along one variable: give it with --wrt (one of {', '.join(names)})")
    if not point:
        raise SymdiffError(f"--plot draws the tangent at a point: give it with --at {names[0]}=VALUE")
    checked_target(args.plot, "--plot")  # before the work, not after
    picture = tangent(args.source, names[0], point, x_range=args.plot_range, limits=limits)
    written = picture.plot(args.plot)
    print(f"symdiff: wrote {written} ({picture})", file=sys.stderr)


def show_derivatives(args: argparse.Namespace, limits: Limits) -> int:
    """No point given: print the symbolic partial derivatives."""
    if isinstance(args.source, ArrayProgram):
        return show_matrix_derivatives(args, limits)
    if isinstance(args.order, str):
        return show_nth(args, limits)
    from .symbolic.report import derivatives

    table = derivatives(
        args.source,
        _wrt(args.wrt),
        args.order,
        with_hessian=args.hessian,
        mixed=args.mixed,
        distributions=args.distributions,
        limits=limits,
    )
    _note_absent(table.absent, table.variables)
    render = {"text": table.to_text, "json": table.to_json, "latex": table.to_latex, "markdown": table.to_markdown}
    print(render[args.format]())
    return 0


def show_implicit(args: argparse.Namespace, limits: Limits) -> int:
    """--implicit Y: dⁿy/dxⁿ of an equation, its derivation, its check at a point; status 1 if one fails."""
    from .comparison.implicit import equation_sides, implicit

    others = {"--hessian": args.hessian, "--mixed": args.mixed, "--check": args.check, "--tape": args.tape}
    others |= {"--autodiff": args.autodiff, "--graph": args.graph, "--plot": args.plot, "--explain": args.explain}
    others |= {"--function": args.function, "--depends": args.depends, "--shape": args.shape}
    given = [name for name, value in others.items() if value]
    if given:
        raise SymdiffError(f"--implicit takes --wrt, --order, --at, --steps and --format; not {', '.join(given)}")
    y, x = args.implicit.strip(), _implicit_variable(args, equation_sides(args.expression, limits), limits)
    point = _point(args.at, limits) or None
    result = implicit(args.expression, y, x, args.order, at=point, limits=limits)
    if not args.steps:
        render = {"text": result.to_text, "json": result.to_json, "latex": result.to_latex}
        print(render.get(args.format, result.to_markdown)())
        return 0 if result.agree else 1
    from .render import implicit as implicit_view
    from .stepwise.implicit import implicit_steps

    if args.order != 1 or args.format == "json":
        raise SymdiffError("--implicit --steps writes the derivation of dy/dx (order 1) as text, latex or markdown")
    derivation = implicit_steps(args.expression, y, x, limits=limits)
    check = result.check
    if args.format == "text":
        lines = (
            []
            if check is None
            else ["", implicit_view.point_line(result, check), implicit_view.verdict_line(result, check)]
        )
        print("\n".join([derivation.to_text(), *lines]))
    else:
        print(derivation.to_latex() if args.format == "latex" else derivation.to_markdown())
    return 0 if derivation.verified and result.agree else 1


def _implicit_variable(args: argparse.Namespace, sides: tuple[sp.Expr, sp.Expr], limits: Limits) -> str:
    """--wrt, or the equation's one variable besides y."""
    wanted = _wrt(args.wrt) or []
    if len(wanted) > 1:
        raise SymdiffError("--implicit differentiates by one variable: --wrt x")
    if wanted:
        return wanted[0]
    names = variable_names(sides[0] - sides[1])
    if args.implicit.strip() not in names:
        raise SymdiffError(
            f"{args.implicit} does not occur in the equation (its variables: {', '.join(names) or 'none'})"
        )
    others = sorted(set(names) - {args.implicit.strip()})
    if len(others) != 1:
        raise SymdiffError(f"say which variable {args.implicit} is a function of: --wrt x")
    return others[0]


def show_check(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """--check ANSWER: is it the derivative? Exit 0 if it is, 1 if not (or undecided)."""
    from .comparison.answer import check_answer

    if isinstance(args.source, ArrayProgram) or point or args.hessian or isinstance(args.order, str):
        raise SymdiffError(
            "--check compares one symbolic derivative of a scalar expression: leave out --at and --hessian"
        )
    names = _wrt(args.wrt)
    if names is not None and len(names) > 1 and not args.mixed:
        raise SymdiffError("--check takes one --wrt variable, or several with --mixed")
    wrt: Any = names if args.mixed else (names[0] if names else None)
    check = check_answer(args.source, args.check, wrt, args.order, limits=limits)
    if args.steps:
        from .render import steps as steps_view
        from .stepwise import steps

        derivation = steps(
            args.source,
            check.wrt if args.mixed else check.wrt[0],
            len(check.wrt) if not args.mixed else 1,
            detail=args.detail,
            limits=limits,
        )
        render = {"text": steps_view.text, "latex": steps_view.latex, "markdown": steps_view.markdown}
        if args.format in render:
            print(render[args.format](derivation))
            print()
    render_check = {
        "text": check.to_text,
        "json": check.to_json,
        "latex": check.to_latex,
        "markdown": check.to_markdown,
    }
    print(render_check[args.format]())
    return 0 if check.ok else 1


def show_nth(args: argparse.Namespace, limits: Limits) -> int:
    """--order n: the n-th derivative with n a symbol, for each --wrt variable."""
    from .language.printing import name_latex, to_latex, to_text
    from .symbolic.derivatives import diff

    f = args.source.expression
    names = _wrt(args.wrt) or list(variable_names(f))
    n = args.order
    rows = [(name, diff(f, name, order=n, limits=limits)) for name in names]
    d = "d" if len(variable_names(f)) <= 1 else "∂"
    if args.format == "text":
        lines = [f"f({', '.join(variable_names(f))}) = {to_text(f)}"]
        lines += [f"{d}^{n}f/{d}{name}^{n} = {to_text(result)}  (for every whole {n} ≥ 1)" for name, result in rows]
        print("\n".join(lines))
        return 0
    tex_d = "d" if d == "d" else r"\partial"
    body = [rf"\frac{{{tex_d}^{{{n}}} f}}{{{tex_d} {name_latex(name)}^{{{n}}}}} &= {to_latex(r)}" for name, r in rows]
    latex = "\\begin{aligned}\n" + " \\\\\n".join(body) + "\n\\end{aligned}"
    print(latex if args.format == "latex" else f"$$\n{latex}\n$$")
    return 0


def show_matrix_derivatives(args: argparse.Namespace, limits: Limits) -> int:
    """A program over arrays: the gradient as matrix formulas (or a Hessian, a block of one), each verified."""
    from .symbolic.derivatives import gradient, hessian

    program = args.source
    wanted = _wrt(args.wrt)
    if args.hessian or args.order == 2:
        result: Any = hessian(program, wanted if wanted else None, limits=limits)
    elif args.order != 1:
        raise SymdiffError(
            "an array program's derivatives are written as matrices up to order 2 (--order 2 or --hessian)"
        )
    else:
        result = gradient(program, wanted, limits=limits)
    render = {"text": result.to_text, "json": result.to_json, "latex": result.to_latex, "markdown": result.to_markdown}
    print(render[args.format]())
    return 0


def show_steps(args: argparse.Namespace, point: dict[str, sp.Expr], limits: Limits) -> int:
    """--steps: print the derivation of each derivative asked for; status 1 if one does not verify."""
    from .render import steps as steps_view
    from .stepwise import steps

    if args.hessian:
        raise SymdiffError("--steps writes one derivative at a time; leave out --hessian and give --wrt")
    program = args.source
    variables = program.inputs if isinstance(program, ArrayProgram) else variable_names(program.expression)
    wanted = _wrt(args.wrt) or list(variables)
    if not wanted:
        raise SymdiffError("the expression has no variables; give the one to differentiate by with --wrt")
    at = point or None  # at a point, each derivation ends in its value (and a program's factors)
    if args.mixed:
        derivations = [steps(program, wanted, detail=args.detail, at=at, limits=limits)]
    else:
        derivations = [steps(program, name, args.order, detail=args.detail, at=at, limits=limits) for name in wanted]
    _note_absent(tuple(name for name in wanted if name not in variables), variables)
    if args.format == "json":
        print(steps_view.json_many(derivations))
    else:
        render = {"text": steps_view.text, "latex": steps_view.latex, "markdown": steps_view.markdown}
        print("\n\n".join(render[args.format](d) for d in derivations))
    return 0 if all(d.verified for d in derivations) else 1


def _note_absent(absent: Sequence[str], variables: Sequence[str]) -> None:
    """A derivative by a name the expression does not use is 0: say so, in case it is a typo."""
    if absent:
        known = ", ".join(variables) or "none"
        print(
            f"symdiff: note: {', '.join(absent)} does not occur in the expression (its variables: {known}); "
            "the derivative is 0",
            file=sys.stderr,
        )


def _print_traceback() -> None:
    import traceback  # only for --debug

    traceback.print_exc()


def _report(error: SymdiffError, as_json: bool) -> None:
    """The one-line message on stderr (with a caret under the problem); for --format json, also an object on stdout."""
    _say(f"symdiff: error: {error}")
    if isinstance(error, ParseError) and error.text:
        for line in error.caret().splitlines():
            _say(f"  {line}")
    if as_json:
        from .render.jsonutil import dumps

        print(dumps(error_data(error)))


def error_data(error: SymdiffError) -> dict[str, Any]:
    """An error as JSON: its message and kind, where it is (text), and the limit it names."""
    data: dict[str, Any] = {"error": str(error), "kind": type(error).__name__}
    if isinstance(error, ParseError) and error.text:
        data |= {"line": error.line, "column": error.column}
    named = re.search(r"\((?:raise it with )?([a-z]+_[a-z_]+)\)", str(error))
    if isinstance(error, LimitError) and named:
        data["limit"] = named.group(1)
    return data


def _say(line: str) -> None:
    """A line on stderr; if stderr itself cannot be written, there is no one left to tell."""
    try:
        print(line, file=sys.stderr)
    except OSError:
        _stop_writing(sys.stderr)


def _expressions_may_start_with_minus(parser: argparse.ArgumentParser, argv: list[str]) -> list[str]:
    """Let ``symdiff "-x^2 + 1"`` work: argparse would take the expression for an option.

    An argument with a single leading '-' that is no option of ours gets a leading space, which
    argparse reads as positional (or as an option's value: --check "-sin(x)", --plot-range -1,7)
    and the expression parser and number conversions ignore. Anything starting with '--' is
    left to argparse, so a misspelt option is still reported.
    """
    options = {o for action in parser._actions for o in action.option_strings}
    return [" " + a if a.startswith("-") and not a.startswith("--") and a not in options else a for a in argv]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")  # ∂ on a terminal that cannot show it
    parser = build_parser()
    args = parser.parse_args(_expressions_may_start_with_minus(parser, sys.argv[1:] if argv is None else list(argv)))
    output = io.StringIO()  # written at the end: a stream that fails then has its own exit status
    with contextlib.redirect_stdout(output):
        status = _run_and_report(args)
    return _write(output.getvalue(), status)


def _run_and_report(args: argparse.Namespace) -> int:
    try:
        return run(args)
    except SymdiffError as error:
        if args.debug:
            _print_traceback()
        _report(error, as_json=args.format == "json")
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # a bug: say so in one line, keep the traceback for --debug
        if args.debug:
            _print_traceback()
        _say(f"symdiff: internal error: {type(error).__name__}: {error} (run with --debug and report it)")
        return 3


def _write(text: str, status: int) -> int:
    """Write the output; a reader that went away is quiet (141), a failed write is status 4."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (symdiff … | head): stop quietly, like other command-line tools.
        _stop_writing(sys.stdout)
        return 141
    except OSError as error:
        _stop_writing(sys.stdout)
        _say(f"symdiff: error: could not write the output: {error.strerror or error}")
        return 4
    return status


def _stop_writing(stream: TextIO) -> None:
    """Point a stream that failed at /dev/null.

    What it still buffers is flushed again when Python exits; on the failed file that would fail
    again and turn our exit status into Python's 120.
    """
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), stream.fileno())
