"""Step-by-step derivations: the rules applied, their layout, detail levels, programs,
values at a point, errors, and verification that catches a broken rule."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import mpmath
import pytest
import sympy as sp

import symdiff as sd
from symdiff.language.forms import terms
from symdiff.language.parser import symbol
from symdiff.primitives import registry
from symdiff.primitives.primitive import Primitive
from symdiff.render.steps import line_text
from symdiff.stepwise import numeric, rules, verify
from tests.conftest import on_symbols

FUNCTIONS = [p for p in registry.PRIMITIVES if p.sympy_class is not None and p.name != "pow"]
TANH_NETWORK = "h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2"
POINT = {"x": 1.5, "t": 0.25, "w1": 0.5, "w2": -0.75}


def lines(d: sd.Derivation) -> list[str]:
    return [line_text(step.after, d.ordinary) for step in d.steps]


def reference_at(expr: str, wrt: str, point: dict[str, float]) -> mpmath.mpf:
    """sympy.diff of the expanded expression, evaluated by SymPy at 30 digits."""
    derivative = sp.diff(sd.parse(expr), symbol(wrt))
    return mpmath.mpf(sp.N(derivative.xreplace({symbol(k): sp.Float(v, 30) for k, v in point.items()}), 30))


# -- the seeds' worked examples ---------------------------------------------------------


def test_seed_polynomial_and_its_slope_at_3() -> None:
    d = sd.steps("3x^2 - 4x + 5", "x", at={"x": 3})
    assert d.rules == (
        "sum",
        "constant-multiple",
        "power",
        "constant-multiple",
        "variable",
        "constant",
        "simplify",
        "value",
    )
    assert lines(d)[:3] == [
        "d/dx(3x^2) - d/dx(4x) + d/dx(5)",
        "3*d/dx(x^2) - d/dx(4x) + d/dx(5)",
        "3*2x - d/dx(4x) + d/dx(5)",
    ]
    assert d.result == sd.parse("6x - 4")
    assert d.value == 14 and d.verified


@pytest.mark.parametrize(
    ("wrt", "expected", "result"),
    [
        ("a", ("sum", "constant-multiple", "variable", "held-constant", "simplify"), "b"),
        ("b", ("sum", "constant-multiple", "variable", "held-constant", "simplify"), "a"),
        ("c", ("sum", "held-constant", "zero-terms", "variable"), "1"),
    ],
)
def test_seed_partial_derivatives_of_ab_plus_c(wrt: str, expected: tuple[str, ...], result: str) -> None:
    d = sd.steps("d = a*b + c", wrt)
    assert d.rules == expected
    assert d.result == sd.parse(result) and d.verified
    assert d.to_text().startswith(f"∂/∂{wrt}(a*b + c) = ")


def test_other_variables_are_held_constant_as_an_explicit_step() -> None:
    d = sd.steps("a*b + c", "c")
    assert lines(d) == ["∂/∂c(a*b) + ∂c/∂c", "0 + ∂c/∂c", "∂c/∂c", "1"]  # the zero goes before ∂c/∂c is taken
    assert d.steps[1].constants == ("a", "b")
    assert "(2) a and b are constants" in d.to_text()
    assert r"\text{(2) }a\text{ and }b\text{ are constants}" in d.to_latex()


# -- rules and their textbook layout ---------------------------------------------------


def test_product_rule_in_textbook_order() -> None:
    d = sd.steps("x^2 sin(x)", "x")
    assert d.rules == ("product", "power", "sin")
    assert lines(d) == ["d/dx(x^2)*sin(x) + x^2*d/dx(sin(x))", "2x*sin(x) + x^2*d/dx(sin(x))", "2x*sin(x) + x^2*cos(x)"]
    assert d.steps[2].name == "derivative of the sine"
    latex = d.to_latex()
    assert r"\frac{d}{d x}\left(x^{2}\right) \cdot \sin{\left(x \right)} + x^{2} \cdot" in latex
    assert latex.startswith("\\begin{aligned}\n") and latex.endswith("\n\\end{aligned}")


def test_quotient_rule_in_textbook_order() -> None:
    d = sd.steps("sin(x)/x^2", "x")
    assert d.rules[0] == "quotient"
    assert lines(d)[0] == "(d/dx(sin(x))*x^2 - sin(x)*d/dx(x^2))/(x^2)^2"
    assert r"\frac{\frac{d}{d x}\left(\sin{\left(x \right)}\right) \cdot x^{2} - " in d.to_latex()


def test_n_ary_product_differentiates_each_factor_in_place() -> None:
    d = sd.steps("x*y*z", "x")
    assert d.rules[:2] == ("constant-multiple", "variable")  # y z is a constant multiple
    three = sd.steps("x sin(x) exp(x)", "x")
    assert lines(three)[0] == "dx/dx*exp(x)*sin(x) + x*d/dx(exp(x))*sin(x) + x*exp(x)*d/dx(sin(x))"


@pytest.mark.parametrize(
    ("expr", "rule", "result"),
    [
        ("x^5", "power", "5x^4"),
        ("x^-2", "power", "-2/x^3"),
        ("x^(2/3)", "power", "2/(3 x^(1/3))"),
        ("sqrt(x)", "root", "1/(2 sqrt(x))"),
        ("x^(1/3)", "root", "1/(3 x^(2/3))"),
        ("2^x", "exponential", "2^x log(2)"),
        ("e^x", "exp", "e^x"),
        ("ln(x)", "log", "1/x"),
        ("1/sin(x)", "reciprocal", "-cos(x)/sin(x)^2"),
        ("log(x, 2)", "log-base", "1/(x log(2))"),
        ("x^x", "log-differentiation", "x^x*(log(x) + 1)"),
    ],
)
def test_first_rule(expr: str, rule: str, result: str) -> None:
    d = sd.steps(expr, "x")
    assert d.rules[0] == rule
    assert sp.simplify(d.result - sd.parse(result)) == 0 and d.verified


def test_symbolic_exponent_is_a_constant_in_partial_mode() -> None:
    d = sd.steps("x^n", "x")
    assert (d.rules, d.steps[0].constants) == (("power",), ("n",))
    assert d.result == sd.parse("n x^(n - 1)")


@pytest.mark.parametrize("p", FUNCTIONS, ids=[p.name for p in FUNCTIONS])
def test_every_registry_function_has_a_named_rule(p: Primitive) -> None:
    """A primitive added to the registry gets its step, named from the registry, at once."""
    assert p.noun, f"{p.name}: give the primitive a noun"
    node, _ = on_symbols(p)
    d = sd.steps(node, "x")
    assert d.steps[0].rule == p.name
    assert d.steps[0].name == f"derivative of {p.noun}"
    assert d.verified


def test_every_primitive_has_a_noun() -> None:
    assert [p.name for p in registry.PRIMITIVES if not p.noun] == []


def test_the_step_engine_names_no_function() -> None:
    """Functions are the registry's business: the step engine and its renderer never name one."""
    root = Path(sd.__file__).parent
    sources = [*(root / "stepwise").glob("*.py"), root / "render" / "steps.py"]
    source = "\n".join(path.read_text(encoding="utf-8") for path in sources)
    for p in FUNCTIONS:
        if p.name == "log":  # f^g = e^(g ln f) and log(x, b) = ln x / ln b are structural
            continue
        for name in (p.name, *p.aliases, p.sympy_class.__name__):  # type: ignore[union-attr]
            for mention in (f"sp.{name}(", f"sp.{name})", f'"{name}"', f"functions.{name}"):
                assert mention not in source, mention


def test_unknown_functions_get_a_labelled_fallback() -> None:
    d = sd.steps(sp.erfc(symbol("x")), "x")
    assert d.rules == ("fallback",)
    assert d.steps[0].name == "derivative from SymPy (no rule of its own)"
    assert d.verified


# -- the chain rule -----------------------------------------------------------------------


def test_chain_rule_names_the_inner_function_in_full_detail() -> None:
    d = sd.steps("sin(x^2)", "x")
    assert d.rules == ("chain", "sin", "substitute", "power", "reorder")  # cos(x^2)*2x is 2x cos(x^2)
    assert d.steps[0].where == (("u", sd.parse("x^2")),)
    assert lines(d)[:3] == ["d/du(sin(u))*d/dx(x^2)", "cos(u)*d/dx(x^2)", "cos(x^2)*d/dx(x^2)"]
    assert "(1) chain rule; u = x^2" in d.to_text()


def test_chain_rule_in_one_line_in_compact_detail() -> None:
    d = sd.steps("sin(x^2)", "x", detail="compact")
    assert d.rules == ("chain", "power", "reorder")
    assert d.steps[0].name == "chain rule with the derivative of the sine"
    assert lines(d)[0] == "cos(x^2)*d/dx(x^2)"


def test_substitution_names_never_collide_with_the_users() -> None:
    d = sd.steps("sin(u*v*w*x^2) + cos(u_1 x)", "x")
    introduced = [name for step in d.steps if step.rule == "chain" for name, _ in step.where]
    assert introduced == ["u_2", "u_3"]
    assert d.verified


def test_deep_chains() -> None:
    d = sd.steps("sin(sin(sin(sin(x))))", "x")
    assert d.rules.count("chain") == 3 and d.verified
    assert [name for step in d.steps if step.rule == "chain" for name, _ in step.where] == ["u", "v", "w"]


# -- detail levels ----------------------------------------------------------------------------


def test_cot_cot_compact_has_at_most_half_the_lines_of_full() -> None:
    full = sd.steps("cot(cot(x))", "x", detail="full")
    compact = sd.steps("cot(cot(x))", "x", detail="compact")
    # Both end by writing (cot² u + 1)(cot² x + 1) as a textbook does, csc² u csc² x: one step each.
    derived = [[s for s in d.steps if s.rule != "simplify"] for d in (compact, full)]
    assert 2 * len(derived[0]) <= len(derived[1])
    assert compact.steps[-1].rule == full.steps[-1].rule == "simplify"
    for d in (full, compact):  # one line per step (LaTeX may put a label under its line)
        assert len(d.to_text().splitlines()) == len(d.steps) + 1  # and the verdict
        assert d.to_latex().count("&=") == len(d.steps)
        assert all(d.to_latex().count(rf"\text{{({step.number}) ") == 1 for step in d.steps)
    assert compact.result == full.result and compact.verified and full.verified


def test_compact_cites_a_derivative_already_derived() -> None:
    full = sd.steps("sin(x) sin(sin(x))", "x", detail="full")
    compact = sd.steps("sin(x) sin(sin(x))", "x", detail="compact")
    reuse = [step for step in compact.steps if step.rule == "reuse"]
    assert len(reuse) == 1
    cited = compact.steps[reuse[0].cites - 1]  # type: ignore[operator]
    assert (cited.target, cited.wrt) == (reuse[0].target, reuse[0].wrt)
    assert f"as derived in step {cited.number}" in compact.to_text()
    assert full.rules.count("sin") > compact.rules.count("sin")


def test_compact_derives_the_same_derivative_once() -> None:
    d = sd.steps("x sin(x) + sin(x)", "x", detail="compact")
    assert d.rules.count("sin") == 1  # both d/dx(sin(x)) at once
    assert sd.steps("x sin(x) + sin(x)", "x").rules.count("sin") == 2


def test_key_detail_shows_product_quotient_and_chain_steps_and_the_result() -> None:
    d = sd.steps("exp(x^2)/(1 + x^2)", "x", detail="key")
    assert d.rules == ("quotient", "chain", "simplify")
    assert sd.steps("exp(x^2)/(1 + x^2)", "x", detail="compact").rules.count("chain") == 1
    assert [s.number for s in d.steps] == sorted(s.number for s in d.steps)
    assert d.verified


# -- higher orders and mixed partials -------------------------------------------------------


def test_higher_order_derives_one_order_at_a_time() -> None:
    d = sd.steps("x^3", "x", order=2)
    assert [line_text(s.lhs, True) for s in d.sections] == ["d/dx(x^3)", "d²/dx²(x^3)"]
    assert d.sections[1].steps[0].rule == "again"
    assert d.result == sd.parse("6x") and d.wrt == ("x", "x")


def test_mixed_partial() -> None:
    d = sd.steps("x^2 y^3", ["x", "y"])
    # By x, then by y: ∂/∂y(∂f/∂x) is written ∂²f/∂y∂x, the last variable first, as SymPy does.
    assert [line_text(s.lhs, False) for s in d.sections] == ["∂/∂x(x^2*y^3)", "∂²/∂y∂x(x^2*y^3)"]
    assert d.result == sd.parse("6 x y^2") and d.verified
    x, y = symbol("x"), symbol("y")
    sympy_order = sp.latex(sp.Derivative(x**2 * y**3, x, y)).split("}{")[1].split("}")[0]
    assert sympy_order.replace(" ", "") == r"\partialy\partialx"
    assert r"\frac{\partial^{2}}{\partial y \partial x}" in d.to_latex()


# -- programs: backpropagation written out ----------------------------------------------------


def test_program_follows_the_chain_through_named_lines() -> None:
    d = sd.steps(TANH_NETWORK, "w1")
    first = d.sections[0]
    assert line_text(first.lhs, False) == "∂L/∂w1"
    assert line_text(first.steps[0].after, False) == "∂L/∂y*∂y/∂h*∂h/∂w1"
    assert [line_text(s.lhs, False) for s in d.sections] == ["∂L/∂w1", "∂L/∂y", "∂y/∂h", "∂h/∂w1", "∂L/∂w1"]
    factors = [s.steps[-1].after for s in d.sections[1:4]]
    assert [sd.to_text(f) for f in factors] == ["2(-t + y)", "w2*(1 - y^2)", "x*(1 - h^2)"]
    assert d.verified
    assert sp.simplify(d.result - sd.diff(TANH_NETWORK, "w1")) == 0


@mpmath.workdps(30)
def test_factor_values_and_adjoints_at_a_point() -> None:
    d = sd.steps(TANH_NETWORK, "w1", at=POINT)
    h = mpmath.tanh(0.5 * 1.5)
    y = mpmath.tanh(-0.75 * h)
    expected = {"∂L/∂y": 2 * (y - 0.25), "∂y/∂h": -0.75 * (1 - y**2), "∂h/∂w1": 1.5 * (1 - h**2)}
    assert d.factors.keys() == expected.keys()
    for name, value in expected.items():
        assert abs(d.factors[name] - value) < 1e-14
    assert abs(d.values["h"] - h) < 1e-14 and abs(d.values["y"] - y) < 1e-14
    reference = reference_at(TANH_NETWORK, "w1", POINT)
    assert abs(d.adjoints["w1"] - reference) < 1e-20
    assert abs(d.value - reference) < 1e-20
    assert abs(d.adjoints["h"] - d.factors["∂L/∂y"] * d.factors["∂y/∂h"]) < 1e-20
    assert d.verified


@mpmath.workdps(30)
def test_a_name_used_along_several_paths_sums_the_paths() -> None:
    program = "h = w1*x; y = h^2 + sin(h); L = y*h"
    d = sd.steps(program, "w1", at={"w1": 0.3, "x": 2})
    assert line_text(d.steps[0].after, False) == "∂L/∂y*∂y/∂h*∂h/∂w1 + ∂L/∂h*∂h/∂w1"
    assert abs(d.adjoints["w1"] - reference_at(program, "w1", {"w1": 0.3, "x": 2})) < 1e-20
    assert d.verified


def test_only_lines_that_depend_on_the_variable_appear() -> None:
    d = sd.steps("h = tanh(w1*x); g = w2*t; L = (h - g)^2", "w1")
    assert line_text(d.steps[0].after, False) == "∂L/∂h*∂h/∂w1"
    assert d.verified


def test_factors_are_written_with_the_forward_values() -> None:
    d = sd.steps("h = sigmoid(w1*x); y = sigmoid(w2*h); L = (y - t)^2", "w1", detail="compact")
    named = [s for s in d.steps if s.rule == "names"]
    assert [s.after for s in named] == [sd.parse("w2*y*(1 - y)"), sd.parse("h*x*(1 - h)")]


def test_notation_through_a_program() -> None:
    """dy/dh only when every line has one variable; L = a + b makes ∂L/∂b partial."""
    chain = sd.steps("h = sin(x); y = h^2", "x")
    assert line_text(chain.steps[0].after, chain.ordinary) == "dy/dh*dh/dx"
    several = sd.steps("h = x^2; a = h + h^2; L = a + h", "x")
    assert not several.ordinary
    assert line_text(several.steps[0].after, several.ordinary) == "∂L/∂a*∂a/∂h*∂h/∂x + ∂L/∂h*∂h/∂x"
    assert "dL/" not in several.to_text() and r"rac{d " not in several.to_latex()


def test_program_names_are_not_variables() -> None:
    with pytest.raises(sd.SymdiffError, match="h is a line of the program"):
        sd.steps(TANH_NETWORK, "h")


# -- data and output -----------------------------------------------------------------------------


def test_steps_are_plain_data() -> None:
    step = sd.steps("x^2 sin(x)", "x").steps[0]
    assert (step.number, step.rule, step.name, step.wrt) == (1, "product", "product rule", "x")
    assert step.target == sd.parse("x^2 sin(x)")
    assert step.before == sp.Derivative(sd.parse("x^2 sin(x)"), symbol("x"))
    assert sp.simplify(step.after.doit() - step.before.doit()) == 0
    assert (step.verified, step.check) == (True, "identical")


def test_json_has_the_step_records() -> None:
    data = json.loads(sd.steps("a*b + c", "a").to_json())
    assert data["expression"] == "a*b + c" and data["wrt"] == ["a"] and data["verified"] is True
    first = data["sections"][0]["steps"][0]
    assert {k: first[k] for k in ("number", "rule", "name", "target", "before", "after")} == {
        "number": 1,
        "rule": "sum",
        "name": "sum rule",
        "target": "a*b + c",
        "before": "∂/∂a(a*b + c)",
        "after": "∂/∂a(a*b) + ∂c/∂a",
    }
    assert data["result"] == "b"


@mpmath.workdps(30)
def test_json_at_a_point_has_high_precision_values() -> None:
    data = json.loads(sd.steps(TANH_NETWORK, "w1", at=POINT).to_json())
    assert set(data["factors"]) == {"∂L/∂y", "∂y/∂h", "∂h/∂w1"}
    assert abs(mpmath.mpf(data["value"]) - reference_at(TANH_NETWORK, "w1", POINT)) < 1e-25


def test_markdown_wraps_latex_for_mkdocs_and_jupyter() -> None:
    d = sd.steps("x^2 sin(x)", "x")
    md = d.to_markdown()
    assert md.startswith(f"$$\n{d.to_latex()}\n$$\n")
    assert "Rules used: product rule, power rule, derivative of the sine." in md


def test_output_is_deterministic() -> None:
    first = sd.steps(TANH_NETWORK, "w1", at=POINT)
    second = sd.steps(TANH_NETWORK, "w1", at=POINT)
    assert (first.to_latex(), first.to_json()) == (second.to_latex(), second.to_json())


# -- errors ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (lambda: sd.steps("x^2", "x", detail="all"), sd.SymdiffError, "detail must be one of full, compact, key"),
        (lambda: sd.steps("x^2", ["x", "x"], order=2), sd.SymdiffError, "not both"),
        (lambda: sd.steps("x^2", "x", order=0), sd.LimitError, "order must be at least 1"),
        (lambda: sd.steps("x y", "x", at={"x": 1}), sd.EvaluationError, "no value for y"),
        (lambda: sd.steps("x", "x", at={"x": 1, "z": 2}), sd.EvaluationError, "no variable z"),
        (lambda: sd.steps("x", "x", at={"x": "one"}), sd.EvaluationError, "must be a number"),
        (lambda: sd.steps("sqrt(x)", "x", at={"x": 0}), sd.EvaluationError, "not a real number"),
        (lambda: sd.steps("x +", "x"), sd.ParseError, r"expected something after '\+'"),
    ],
)
def test_errors_are_one_line(call: object, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message) as caught:
        call()  # type: ignore[operator]
    assert "\n" not in str(caught.value)


# -- verification catches a broken rule ------------------------------------------------------------


def test_verification_compares_functions_not_forms() -> None:
    x = symbol("x")
    asec_rule = 1 / (sp.Abs(x) * sp.sqrt(x**2 - 1))  # the registry's form; SymPy writes it differently
    assert verify.same(asec_rule, sp.diff(sp.asec(x), x)) == verify.Verdict(True, "numeric")
    assert verify.same(sp.sin(x) ** 2 + sp.cos(x) ** 2, sp.Integer(1)).ok
    wrong = verify.same(sp.cos(x), -sp.cos(x))
    assert not wrong.ok and wrong.how.startswith("differs at x = ")
    far = sp.sqrt(x - 100)  # real only far from 0
    assert verify.same(far, far * sp.sin(x) ** 2 + far * sp.cos(x) ** 2) == verify.Verdict(True, "numeric")


def test_verification_finds_a_narrow_domain_and_still_tells_wrong_from_right() -> None:
    # Real only where |x| < 1, z > 0 and y + z > 0, and not too large to evaluate: one wide random
    # point in fifteen. Two steps of its fourth derivative went unverified, and one fell back to
    # sympy.simplify for 4 s; points below 1 in size, and beside a point that was real, find it.
    derivation = sd.steps("sinh(min(y + z, z))^gamma(z/acos(x))", "y", order=4)
    assert derivation.verified, [(s.number, s.check) for s in derivation.steps if not s.verified]
    assert all(s.check != "simplify" for s in derivation.steps)
    x, y, z = symbol("x"), symbol("y"), symbol("z")
    f = sp.sinh(sp.Min(z, y + z)) ** sp.gamma(z / sp.acos(x))
    right, wrong = sp.diff(f, x), sp.diff(f, x) * (1 + sp.Heaviside(-y) / 10**6)
    assert verify.same(right, right * (sp.sin(y) ** 2 + sp.cos(y) ** 2)) == verify.Verdict(True, "numeric")
    assert verify.same(right, wrong).how.startswith("differs at")


def test_numeric_evaluation_uses_the_registry_and_knows_the_domain() -> None:
    x, y, z = symbol("x"), symbol("y"), symbol("z")
    with mpmath.workdps(30):
        assert numeric.evaluate(sd.sigmoid(x), {x: 0}) == mpmath.mpf("0.5")
        assert numeric.evaluate(sp.Max(x, y, z), {x: 1, y: 3, z: 2}) == 3
        assert numeric.evaluate(sp.Heaviside(x), {x: 0}) == mpmath.mpf("0.5")
        assert numeric.evaluate(sp.sqrt(x), {x: -1}) is None  # complex: outside the real domain
        assert numeric.evaluate(1 / x, {x: 0}) is None
        assert abs(numeric.evaluate(sp.gamma(x), {x: mpmath.mpf("0.5")}) - mpmath.sqrt(mpmath.pi)) < 1e-25


def test_a_broken_structural_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    product_rule = rules.product_rule

    def forgetful_product_rule(fs: list[sp.Expr], x: sp.Symbol) -> rules.Rewrite:
        right = product_rule(fs, x)
        return dataclasses.replace(right, replacement=terms(right.replacement.args[0]))  # (fg)' = f'g

    monkeypatch.setattr(rules, "product_rule", forgetful_product_rule)
    d = sd.steps("x^2 sin(x)", "x")
    assert [(s.rule, s.verified) for s in d.steps] == [("product", False), ("power", True)]
    assert d.steps[0].check.startswith("differs at x = ")
    assert not d.result_verified and not d.verified
    assert "NOT VERIFIED" in d.to_text() and r"\text{NOT VERIFIED}" in d.to_latex()


def test_a_broken_registry_rule_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    sine = registry.primitive("sin")
    wrong = dataclasses.replace(sine, partials=(lambda m, x, out: -m.cos(x),))
    original = registry.for_sympy_node
    monkeypatch.setattr(registry, "for_sympy_node", lambda node: wrong if isinstance(node, sp.sin) else original(node))
    d = sd.steps("x^2 sin(x)", "x", detail="compact")
    assert [(s.rule, s.verified) for s in d.steps] == [
        ("product", True),
        ("power", True),
        ("sin", False),
        ("simplify", True),
    ]
    assert not d.verified


@pytest.mark.parametrize(
    ("program", "wrt", "at"),
    [
        (TANH_NETWORK, "w1", POINT),
        (
            "z1 = w1*x; h = sigmoid(z1); z2 = w2*h; yhat = sigmoid(z2); L = (yhat - y)^2 / 2",
            "w1",
            {"w1": 0.7, "w2": -1.3, "x": 1.5, "y": 0.2},
        ),
        ("a = x*y; b = a + x; c = b*a; L = c^2", "x", {"x": 0.3, "y": -1.7}),
    ],
)
def test_values_at_a_point_are_the_tapes_adjoints(program: str, wrt: str, at: dict[str, float]) -> None:
    """Backpropagation written out and backpropagation run: each ∂L/∂name equals the tape's adjoint."""
    derivation = sd.steps(program, wrt, at=at)
    trace = {row.label: row.adjoint for row in sd.Tape(program).trace(at).rows}
    assert derivation.adjoints, "no adjoints at the point"
    for name, adjoint in derivation.adjoints.items():
        assert float(adjoint) == pytest.approx(trace[name], rel=1e-13), name
