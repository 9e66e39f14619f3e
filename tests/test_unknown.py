"""Unknown functions (f(x), g(x, y), f(g(x))) and declared dependence (x, y: depends on t).

Every derivative is checked against sympy.diff of the same expression built in SymPy itself;
the notation (f′(g(x)), ∂g/∂x, dx/dt) in text and LaTeX; the derivations verified; and the
numeric methods refuse with one line that says a definition is needed.
"""

from __future__ import annotations

import pytest
import sympy as sp

import symdiff as sd
from symdiff import cli
from symdiff.language.printing import to_latex, to_text
from symdiff.language.unknown import as_values, made_concrete, witnesses
from symdiff.stepwise.verify import same

t, s, x, y = (sp.Symbol(n, real=True) for n in "tsxy")
f, g = sp.Function("f", real=True), sp.Function("g", real=True)
X = sp.Function("x", real=True, dependent=True)(t)
Y = sp.Function("y", real=True, dependent=True)(t)


def equal(a: sp.Expr, b: sp.Expr) -> bool:
    """Equal symbolically, and for two different choices of concrete functions at two points."""
    if sp.simplify(as_values(a) - as_values(b)) != 0:
        return False
    for seed in (1, 2):
        concrete = witnesses(sp.Add(a, b, evaluate=False), seed)
        difference = made_concrete(a, concrete) - made_concrete(b, concrete)
        symbols = sorted(difference.free_symbols, key=str)
        for value in (sp.Rational(3, 7), sp.Rational(-5, 3)):
            if abs(sp.N(difference.xreplace(dict.fromkeys(symbols, value)), 30)) > 1e-25:
                return False
    return True


CASES = [
    # text, functions, depends, wrt, the same expression in SymPy
    ("f(x)*g(x)", ["f", "g"], {}, ["x"], f(x) * g(x)),
    ("f(g(x))", ["f", "g"], {}, ["x"], f(g(x))),
    ("f(g(x))", ["f", "g"], {}, ["x", "x"], f(g(x))),
    ("f(g(x))", ["f", "g"], {}, ["x", "x", "x"], f(g(x))),
    ("g(x, y)^2", ["g"], {}, ["x"], g(x, y) ** 2),
    ("g(x, y)", ["g"], {}, ["x", "y"], g(x, y)),
    ("f(x^2, y) + x", ["f"], {}, ["x"], f(x**2, y) + x),
    ("f(x^2, y)", ["f"], {}, ["x", "y"], f(x**2, y)),
    ("sin(f(x))/g(x)", ["f", "g"], {}, ["x"], sp.sin(f(x)) / g(x)),
    ("f(x)^g(x)", ["f", "g"], {}, ["x"], f(x) ** g(x)),
    ("exp(f(x y))", ["f"], {}, ["y"], sp.exp(f(x * y))),
    ("x^2 y", [], {"x": "t", "y": "t"}, ["t"], X**2 * Y),
    ("sin(x y)", [], {"x": "t", "y": "t"}, ["t", "t"], sp.sin(X * Y)),
    ("x^2 s + t", [], {"x": "t"}, ["t"], X**2 * s + t),
    ("f(x)", ["f"], {"x": "t"}, ["t"], f(X)),
]


@pytest.mark.parametrize(("text", "functions", "depends", "wrt", "expected"), CASES)
def test_derivatives_equal_sympy_diff(
    text: str, functions: list[str], depends: dict[str, str], wrt: list[str], expected: sp.Expr
) -> None:
    program = sd.parse_program(text, functions=functions, depends=depends)
    variables = [sp.Symbol(w, real=True) for w in wrt]
    got = sd.diff(program, wrt[0], len(wrt)) if len(set(wrt)) == 1 else sd.diff(program, wrt)
    assert equal(got, sp.diff(expected, *variables))


@pytest.mark.parametrize(("text", "functions", "depends", "wrt", "expected"), CASES)
def test_derivations_verify(
    text: str, functions: list[str], depends: dict[str, str], wrt: list[str], expected: sp.Expr
) -> None:
    program = sd.parse_program(text, functions=functions, depends=depends)
    d = sd.steps(program, wrt) if len(set(wrt)) > 1 else sd.steps(program, wrt[0], len(wrt))
    assert d.verified, d.to_text()
    assert equal(d.result, sp.diff(expected, *(sp.Symbol(w, real=True) for w in wrt)))


def test_declaration_lines_and_arguments_read_the_same() -> None:
    assert sd.parse("f, g: function; f(g(x))") == sd.parse("f(g(x))", functions=["f", "g"])
    assert sd.parse("x, y: depends on t\nx^2 y") == sd.parse("x^2 y", depends={"x": "t", "y": "t"})
    assert sd.parse("x: depends on t; x(t)^2") == sd.parse("x: depends on t; x^2")
    assert sd.parse("f: function; 2f(x)") == 2 * f(x)  # a declared function before '(' is a call
    assert sd.parse("2a(x + 1)") == 2 * sp.Symbol("a", real=True) * (x + 1)  # an undeclared name still multiplies


def test_sympy_functions_are_read_as_unknown_functions() -> None:
    big_f, big_g = sp.Function("F"), sp.Function("G")  # not declared real: real inside, the caller's outside
    z = sp.Symbol("z")
    assert sd.diff(big_f(big_g(z)), "z") == sp.diff(big_f(big_g(z)), z)
    assert to_text(sd.diff(big_f(z) ** 2, "z")) == "2*F(z)*F'(z)"


def test_primes_and_rates_read_back() -> None:
    assert to_text(sd.parse("f: function; f'(x) + f''(x^2)")) == "f'(x) + f''(x^2)"
    rate = sd.parse("x: depends on t; t dx/dt")
    assert equal(rate, t * sp.diff(X, t))
    assert sd.parse("f(u) = u^3; f''(x)") == 6 * x  # a defined function's derivative is worked out


def test_text_notation() -> None:
    program = sd.parse_program("f(g(x)) + h(x, y)", functions=["f", "g", "h"])
    assert to_text(sd.diff(program, "x")) == "f'(g(x))*g'(x) + ∂h/∂x(x, y)"
    assert to_text(sd.diff("f: function; f(x^2, y)", "x")) == "2*x*∂₁f(x^2, y)"
    assert to_text(sd.diff("f: function; f(x)", "x", 4)) == "f⁽⁴⁾(x)"
    assert to_text(sd.diff("x: depends on t; x^3", "t", 2)) == "3*x^2*d²x/dt² + 6*x*(dx/dt)^2"


def test_latex_notation() -> None:
    assert to_latex(sd.diff("f, g: function; f(g(x))", "x")) == (r"f'\left(g{\left(x \right)}\right) g'\left(x\right)")
    assert to_latex(sd.diff("g: function; g(x, y)", "x")) == r"\frac{\partial g}{\partial x}\left(x, y\right)"
    assert to_latex(sd.diff("x, y: depends on t; x y", "t")) == r"x \frac{d y}{d t} + y \frac{d x}{d t}"


def test_the_command_line_writes_d_or_partial(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["x^2 y", "--depends", "x,y:t", "--wrt", "t"]) == 0
    assert capsys.readouterr().out.splitlines() == ["f(t) = x^2*y", "df/dt = x^2*dy/dt + 2*x*y*dx/dt"]
    assert cli.main(["x^2 s", "--depends", "x:t", "--wrt", "t"]) == 0  # s is held constant: ∂
    assert capsys.readouterr().out.splitlines() == ["f(s, t) = s*x^2", "∂f/∂t = 2*s*x*dx/dt"]
    assert cli.main(["f(g(x))", "--function", "f,g", "--wrt", "x"]) == 0
    assert capsys.readouterr().out.splitlines() == ["out(x) = f(g(x))", "dout/dx = f'(g(x))*g'(x)"]


def test_steps_write_the_chain_rule_with_rates(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["x^2 y", "--depends", "x,y:t", "--wrt", "t", "--steps"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "d/dt(x^2*y) = d/dt(x^2)*y + x^2*d/dt(y)   (1) product rule",
        "            = 2x*d/dt(x)*y + x^2*d/dt(y)  (2) chain rule with the power rule",
        "            = 2x*dx/dt*y + x^2*d/dt(y)    (3) x depends on t",
        "            = 2x*dx/dt*y + x^2*dy/dt      (4) y depends on t",
        "verified: every step, and the result equals symdiff.diff",
    ]


def test_a_wrong_step_with_unknown_functions_is_caught() -> None:
    fg = sd.diff("f, g: function; f(g(x))", "x")
    assert same(fg, fg).ok
    assert not same(fg, sd.parse("f, g: function; f'(g(x))")).ok  # the inner derivative forgotten
    assert not same(fg, sd.parse("f, g: function; f'(x) g'(x)")).ok  # f′ at the wrong place


NUMERIC = [
    lambda p: sd.Tape(p),
    lambda p: sd.finite_difference(p, "x", at={"x": 1}),
    lambda p: sd.compare(p, at={"x": 1}),
    lambda p: sd.steps(p, "x", at={"x": 1}),
    lambda p: sd.check_gradient(lambda x: {"x": 1.0}, p, at={"x": 1}),
]


@pytest.mark.parametrize("method", NUMERIC)
def test_numeric_methods_say_they_need_a_definition(method: object) -> None:
    program = sd.parse_program("f(x) + x", functions=["f"])
    with pytest.raises(sd.SymdiffError, match=r"^f is an unknown function: .* need its definition; define it"):
        method(program)  # type: ignore[operator]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["f(g(x))", "--function", "f,g", "--at", "x=1"], "is an unknown function"),
        (["x y", "--depends", "x,y:t", "--wrt", "t", "--at", "t=1"], "x is declared to depend on t but has no"),
        (["f(x)", "--function", "f", "--wrt", "x", "--steps", "--at", "x=1"], "f is an unknown function"),
        (["f(x)", "--function", "f", "--fd", "central", "--at", "x=1"], "f is an unknown function"),
        (["x^2 y", "--depends", "x,y:t", "--wrt", "x"], "x is declared to depend on t: differentiate by t"),
        # dx/dt alone holds x at its bound variable (Subs(Derivative(x(ξ), ξ), ξ, t)): it said "depend on _xi1"
        (["x: depends on t; (dx/dt)^2", "--wrt", "x"], "x is declared to depend on t: differentiate by t"),
        (["f(x) y", "--function", "f", "--wrt", "f"], "f is a function, not a variable"),
        (["x^2", "--depends", "x"], "--depends expects NAMES:VARIABLE"),
        (["f: function; f(x) + f(x, y)"], "f takes 1 argument"),
        (["f: function; f + 1"], "'f' is a function; call it"),
        (["x: depends on t; x(s)"], "x depends on t: write x or x(t)"),
        (["x: depends on x; x"], "x cannot depend on itself"),
        (["a: depends on t; b: depends on a; b", "--wrt", "t"], "a chain of dependences is not supported"),
        (["b: depends on a; a: depends on t; a b", "--wrt", "t"], "a chain of dependences is not supported"),
        (["f: function; f = x"], "'f' is a function and cannot be assigned"),
        (["f: function; x: 3; f(x)"], "are for scalar expressions"),
        (["sin: function; sin(x)"], "a function of symdiff's own"),
    ],
)
def test_user_errors_are_one_line_and_status_2(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert cli.main(args) == 2
    err = capsys.readouterr().err
    assert message in err.splitlines()[0] and "Traceback" not in err


def test_a_chain_of_dependences_is_refused_not_differentiated_to_zero() -> None:
    # b: depends on a with a: depends on t read b as b(a) with a constant a, so that db/dt was 0
    # (Symbolics.jl's test/diff.jl: @variables a(t) b(a); D(b) is not 0). The spelling the message
    # suggests is the chain rule, as sympy.diff writes it.
    with pytest.raises(sd.ParseError, match="chain of dependences"):
        sd.diff("a: depends on t; b: depends on a; b", "t")
    suggested = sd.diff("b: function; a: depends on t; b(a)", "t")
    a_t, b = sp.Function("a", real=True)(t), sp.Function("b", real=True)
    assert sp.simplify(suggested.subs(sd.parse("a: depends on t; a"), a_t) - sp.diff(b(a_t), t)) == 0


def test_defined_functions_are_known() -> None:
    program = sd.parse_program("f(u) = u^2 + 1; f(sin(x))")
    assert program.expression == sp.sin(x) ** 2 + 1
    assert sd.parse("u = 3; f(u) = u^2; f(x) + u") == x**2 + 3  # the parameter is local
    with pytest.raises(sd.ParseError, match="'a' is used before it is defined"):
        sd.parse("f(u) = a*u; a = 2; f(x)")  # the body's other names are the program's
    assert sd.compare(program, at={"x": 1}).agree


def test_a_program_gives_the_total_derivative_through_its_names() -> None:
    """Declared dependence and a program's lines are one chain rule: put in x = cos t, y = sin t and they agree."""
    declared = sd.diff("x, y: depends on t; x^2 y", "t")
    program = sd.diff("x = cos(t); y = sin(t); L = x^2 y", "t")
    w = sp.Symbol("w", real=True)
    given = {("x", 1): sp.Lambda(w, sp.cos(w)), ("y", 1): sp.Lambda(w, sp.sin(w))}
    assert sp.simplify(made_concrete(declared, given) - program) == 0


def test_check_answer_with_unknown_functions(capsys: pytest.CaptureFixture[str]) -> None:
    right = sd.check_answer("f, g: function; f(g(x))", "f'(g(x)) g'(x)")
    assert right.verdict == "equivalent" and right.how == "symbolic"
    wrong = sd.check_answer("f, g: function; f(g(x))", "f'(g(x))")
    assert wrong.verdict == "different" and wrong.counterexample is not None
    assert "functions picked at random" in wrong.note
    assert cli.main(["x^2 y", "--depends", "x,y:t", "--wrt", "t", "--check", "2x y dx/dt + x^2 dy/dt"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "✓ equivalent: their difference simplifies to 0"
    assert cli.main(["x^2 y", "--depends", "x,y:t", "--wrt", "t", "--check", "2x dx/dt + x^2 dy/dt"]) == 1


def test_an_answer_is_checked_against_a_derivative_of_a_rate() -> None:
    # f = (dx/dt)^2 holds SymPy's Subs for dx/dt: diff of it was refused, "Subs is not part of symdiff's language"
    wrong = sd.check_answer("x: depends on t; (dx/dt)^2", "0", "t")
    assert wrong.verdict == "different" and wrong.counterexample is not None
    got = sd.diff("x: depends on t; (dx/dt)^2", "t")
    expected = sp.diff(sp.Derivative(X, t) ** 2, t)
    assert sp.simplify(got.doit().subs(sd.parse("x: depends on t; x"), X) - expected) == 0
