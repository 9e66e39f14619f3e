"""How a derivation reads: names that cannot be mistaken for the user's, signs, notation, the
result at a point where there is no derivative, what each detail level keeps."""

from __future__ import annotations

import json
import time

import mpmath
import pytest
import sympy as sp

import symdiff as sd
from symdiff.language.parser import symbol
from symdiff.language.printing import name_latex
from symdiff.render import steps as render_steps

# -- substitution names -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "wrt"),
    [("sin(u + v + w + u1)", "u1"), ("sin(u*v*w*x) + cos(u_1 x) + tan(u2 x)", "x"), ("exp(sin(cos(u1)))", "u1")],
)
def test_substitution_names_never_look_like_the_users(expr: str, wrt: str) -> None:
    d = sd.steps(expr, wrt)
    users = set(d.variables)
    introduced = [name for step in d.steps if step.rule == "chain" for name, _ in step.where]
    assert introduced and d.verified
    for name in introduced:
        assert name not in users  # text
        assert name_latex(name) not in {name_latex(u) for u in users}, name  # LaTeX: u_1 and u1 are both u₁


# -- signs inside products ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "detail"), [("exp(cos(2x))", "full"), ("x*cos(x^2)", "compact"), ("exp(cos(x)) * x", "compact")]
)
def test_a_negative_factor_inside_a_product_is_parenthesised(expr: str, detail: str) -> None:
    d = sd.steps(expr, "x", detail=detail)  # type: ignore[arg-type]
    assert r"\cdot -" not in d.to_latex() and "*-" not in d.to_text()
    assert r"\cdot \left(- \sin" in d.to_latex()


def test_minus_a_negative_term_prints_without_a_double_sign() -> None:
    # d/dy(-1/y) is -(-1/y^2): it used to print as (--1/y^2), and \left(- - \frac{1}{y^{2}}\right).
    d = sd.steps("heaviside(-1/8 - 1/y)", "y")
    assert "--" not in d.to_text() and "- -" not in d.to_latex()
    assert "0*(1/y^2)" in d.to_text()


def test_text_writes_every_product_with_one_sign() -> None:
    text = sd.steps("x*y*z", "x").to_text()
    assert "·" not in text and "y*z*∂x/∂x" in text


# -- notation ---------------------------------------------------------------------------------


def test_a_variable_not_in_the_expression_makes_it_partial() -> None:
    d = sd.steps("x^2", "y")
    assert not d.ordinary and d.to_text().startswith("∂/∂y(x^2) = 0")
    assert r"\frac{d" not in d.to_latex()
    assert sd.steps("x^2", "x").ordinary and sd.steps("5", "x").ordinary


def test_mixed_partials_follow_sympys_convention() -> None:
    """∂²f/∂x∂y is ∂/∂x(∂f/∂y): the variable differentiated by last is written first."""
    x, y = symbol("x"), symbol("y")
    assert r"\partial x\partial y" in sp.latex(sp.Derivative(x * y**2, y, x))
    d = sd.steps("x*y^2", ["y", "x"])
    assert r"\frac{\partial^{2}}{\partial x \partial y}\left(x y^{2}\right)" in d.to_latex()
    assert "∂²/∂x∂y(x*y^2)" in d.to_text()
    assert d.result == sp.diff(x * y**2, y, x)


# -- at a point where the derivative does not exist ---------------------------------------------


def one_sided(expr: str, at: dict[str, float], wrt: str) -> tuple[float, float]:
    """Left and right difference quotients at 60 digits: independent of symdiff's own slopes."""
    f = sd.parse(expr)
    with mpmath.workdps(60):
        h = mpmath.mpf(10) ** -25
        point = {symbol(k): sp.Float(v, 60) for k, v in at.items()}
        shifted = {**point, symbol(wrt): point[symbol(wrt)] + sp.Float(h, 60)}
        back = {**point, symbol(wrt): point[symbol(wrt)] - sp.Float(h, 60)}
        value = sp.N(f.subs(point), 60)
        right = (sp.N(f.subs(shifted), 60) - value) / sp.Float(h, 60)
        left = (value - sp.N(f.subs(back), 60)) / sp.Float(h, 60)
    return round(float(left), 12), round(float(right), 12)


@pytest.mark.parametrize(
    ("expr", "at"),
    [
        ("abs(x)", {"x": 0.0}),
        ("relu(x)", {"x": 0.0}),
        ("max(x, y)", {"x": 1.0, "y": 1.0}),
        ("abs(x - 2) + x", {"x": 2}),
    ],
)
def test_at_a_kink_the_derivation_says_there_is_no_derivative(expr: str, at: dict[str, float]) -> None:
    d = sd.steps(expr, "x", at=at)
    left, right = one_sided(expr, at, "x")
    assert left != right
    (kink,) = d.not_differentiable
    assert kink.slopes == (left, right)
    value = d.steps[-1]
    assert value.rule == "value" and "not differentiable" in value.name
    text = d.to_text()
    assert f"one-sided slopes {left:.6g} (left) and {right:.6g} (right)" in text
    assert r"\text{not differentiable in }x\text{ here}" in d.to_latex()
    assert json.loads(d.to_json())["not_differentiable"][0]["slopes"] == [left, right]
    assert d.verified  # the steps are still right: the rules give the average of the two slopes
    assert float(d.value) == pytest.approx((left + right) / 2)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("expr", "at"),
    [("abs(x)", {"x": 1.0}), ("relu(x)", {"x": -2.0}), ("h = relu(w*x); L = h^2", {"x": 0.0, "w": 1.0})],
)
def test_away_from_a_kink_nothing_is_said(expr: str, at: dict[str, float]) -> None:
    wrt = "w" if "w" in at else "x"
    d = sd.steps(expr, wrt, at=at)  # relu(w·0) does not move with w: differentiable in w
    assert d.not_differentiable == () and d.steps[-1].name == "at the point"
    assert "note:" not in d.to_text() and "not_differentiable" not in json.loads(d.to_json())


# -- detail levels -----------------------------------------------------------------------------


def test_key_detail_at_a_point_keeps_the_derivative_formula() -> None:
    d = sd.steps("x^2 sin(x)", "x", at={"x": 1}, detail="key")
    assert d.rules[0] == "product" and d.rules[-1] == "value"
    formula = d.steps[-2].after
    x = symbol("x")
    assert sp.simplify(formula - sp.diff(x**2 * sp.sin(x), x)) == 0
    assert float(d.value) == pytest.approx(float(sp.diff(x**2 * sp.sin(x), x).subs(x, 1)))  # type: ignore[arg-type]


# -- constants and their zeros -------------------------------------------------------------------


def test_constants_of_one_sum_are_held_in_one_step() -> None:
    d = sd.steps("a*x + b*x^2 + c + d", "x")
    held = [step for step in d.steps if step.rule == "held-constant"]
    assert [step.constants for step in held] == [("c", "d")]
    assert "(6) c and d are constants" in d.to_text()
    assert d.verified and d.result == sd.parse("a + 2b x")


def test_zeros_of_constants_are_left_out_before_going_on() -> None:
    d = sd.steps("x*(a + b + x) + c - d", "x")
    for i, step in enumerate(d.steps[:-1]):
        if step.rule == "held-constant" and d.steps[i + 1].rule != "simplify":
            dropped = d.steps[i + 1]
            assert dropped.rule == "zero-terms" and dropped.before == step.after and dropped.verified
    text = d.to_text()
    assert "0 - 0 +" in text and "0 + 0 +" in text  # shown once, in the step that holds them
    assert text.count("0 + 0") == 1 and text.count("0 - 0") == 1
    network = sd.steps("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2", "w1").to_latex()
    assert "- 0 +" not in network and r"\left(0 +" not in network


# -- the final line and the order of terms ------------------------------------------------------


@pytest.mark.parametrize(
    ("expr", "last"),
    [("x^3*y^2", "3 x^{2} y^{2}"), ("log(x, b)", r"\frac{1}{x \ln{\left(b \right)}}"), ("sin(x^2)", "2 x \\cos")],
)
def test_the_last_line_is_in_the_usual_order(expr: str, last: str) -> None:
    d = sd.steps(expr, "x")
    assert d.steps[-1].rule == "reorder" and d.steps[-1].after == d.result and d.verified
    assert d.to_latex().splitlines()[-2].startswith(f" &= {last}")


def test_the_rules_own_order_is_kept_when_it_is_the_textbook_one() -> None:
    assert sd.steps("x^2 sin(x)", "x").rules == ("product", "power", "sin")  # 2x sin x + x^2 cos x
    assert "reorder" not in sd.steps("cot(cot(x))", "x").rules


def test_a_difference_reads_as_typed_not_as_sympy_sorts_it() -> None:
    d = sd.steps("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2", "w1")
    text = d.to_text()
    assert "L = (y - t)^2" in text and "u = y - t" in text and "2(y - t)" in text
    assert "-t + y" not in text and r"- t + y" not in d.to_latex()
    assert d.verified


# -- JSON ----------------------------------------------------------------------------------------


def test_json_explanations_give_the_rule_as_a_formula() -> None:
    data = json.loads(sd.steps("x^2 sin(x)", "x").to_json())
    explanations = [step["explanation"] for step in data["sections"][0]["steps"]]
    assert explanations == [
        "product rule: d/dx(u*v) = du/dx*v + u*dv/dx",
        "power rule: d/dx(x^n) = n*x^(n - 1), here d/dx(x^2) = 2x",
        "derivative of the sine: d/dx(sin(x)) = cos(x)",
    ]


def test_every_corpus_step_has_an_explanation_beyond_its_name() -> None:
    from symdiff.render.steps import explanation, label_text
    from tests.steps_corpus import cases, derived

    for case in cases()[::3]:
        for detail in ("full", "compact"):
            d = derived(case, detail)
            for step in d.steps:
                said = explanation(step, d.ordinary)
                assert said.startswith(label_text(step) + ": ") and len(said) > len(label_text(step)) + 8, said


def test_an_exact_point_is_taken_exactly() -> None:
    """--at x=pi gives SymPy's pi: a kink only the exact point hits is found (float64's π misses it)."""
    (kink,) = sd.steps("abs(sin(x))", "x", at={"x": sp.pi}).not_differentiable
    assert kink.kind == "corner" and kink.slopes == (-1.0, 1.0)
    d = sd.steps("sin(x)", "x", at={"x": sp.pi / 4})
    with mpmath.workdps(40):
        assert abs(d.value - mpmath.cos(mpmath.pi / 4)) < mpmath.mpf(10) ** -25 and d.not_differentiable == ()


def test_a_grouped_constants_step_acts_on_the_whole_group() -> None:
    held = [s for s in sd.steps("a*b + c + d^2", "a").steps if s.rule == "held-constant"]
    assert len(held) == 1 and held[0].target == sp.Symbol("c", real=True) + sp.Symbol("d", real=True) ** 2
    assert held[0].constants == ("c", "d")


def test_a_derivation_that_is_nowhere_real_ends_quickly_unverified() -> None:
    """Found by fuzzing: simplify toiled for 13 s over (-3)^(0.6^w), which is complex almost everywhere."""
    start = time.perf_counter()
    derivation = sd.steps("-(arcosh((-3)^(0.6^w1)))", "w1", order=2)
    assert not derivation.verified
    assert time.perf_counter() - start < 8.0


def test_checks_skip_values_too_large_to_compare() -> None:
    """Found by fuzzing: a check point made mpmath compute 6246^(10^313000) for minutes."""
    start = time.perf_counter()
    derivation = sd.steps("h0 = 171; h1 = x + 6246^((2.22507e-313)^x) + h0", "x", order=2)
    assert derivation.verified
    assert time.perf_counter() - start < 8.0


# -- fitting the page ----------------------------------------------------------------------------


def _rows(latex: str) -> list[str]:
    return latex.split("\n", 1)[1].rsplit("\n", 1)[0].split(" \\\\\n")


def test_every_corpus_derivation_fits_the_page() -> None:
    """Every row of every derivation's LaTeX within PAGE_WIDTH: labels in their column only when
    everything fits so, else under their lines; long lines broken. (The docs test measures the real thing.)"""
    from symdiff.render.width import PAGE_WIDTH, latex_width
    from tests.steps_corpus import cases, derived

    wide = []
    for case in cases():
        for detail in ("full", "compact"):
            for row in _rows(derived(case, detail).to_latex()):
                width = latex_width(row.replace("&&", "&")) + (2.0 if "&&" in row else 0.0)  # the labels' gap
                if width > PAGE_WIDTH:
                    wide.append(f"{width:.1f}: {row}")
    assert not wide, "\n".join(wide[:5])


def test_a_long_line_is_broken_between_terms_then_factors() -> None:
    from symdiff.render.width import fitted, latex_width

    terms = " + ".join(rf"\frac{{d}}{{d x}}\left(\sin{{\left(x^{{{k}}} \right)}}\right)" for k in range(8))
    rows = fitted(terms, 20, 18)
    assert len(rows) > 1 and all(latex_width(row) <= 20 for row in rows)
    assert " ".join(rows) == terms  # broken only between the terms, nothing changed
    product = (
        r"w_{2} x \left(1 - \tanh^{2}{\left(w_{1} x \right)}\right) \left(1 - \tanh^{2}{\left(w_{2} x \right)}\right)"
    )
    _, second = fitted(product, 14, 14)
    assert second.startswith(r"\cdot \left(1 - \tanh^{2}{\left(w_{2}")  # the product written side by side, then ·
    assert fitted(product, 100, 100) == [product]


def test_a_wide_parenthesis_is_broken_inside_with_big_delimiters() -> None:
    from symdiff.render.width import fitted

    inner = " + ".join(rf"\sin{{\left(x^{{{k}}} \right)}} \cos{{\left(x \right)}}" for k in range(6))
    rows = fitted(rf"\cdot \left({inner}\right)", 16, 16)
    assert rows[0].startswith(r"\cdot \Bigl(") and rows[-1].endswith(r"\Bigr)") and len(rows) > 2
    assert r"\left(" + inner not in "".join(rows)


def test_a_wide_derivation_puts_each_label_under_its_line() -> None:
    d = sd.steps("h = tanh(w1*x); y = tanh(w2*h); L = (y - t)^2", "w1")
    rows = _rows(d.to_latex())
    assert not any("&&" in row for row in rows)  # no label column, which would sit past the widest line
    labels = [row for row in rows if row.startswith(r"&\qquad \text{(")]
    assert len(labels) == len(d.steps)
    narrow = sd.steps("a*b + c", "a").to_latex()
    assert narrow.count("&&") == len(sd.steps("a*b + c", "a").steps)  # a narrow one keeps the column


@pytest.mark.parametrize("expr", ["x^x^x", "sin(x)*cos(x)*exp(x^2)/(1 + x^2)", "h = relu(w*x + b); h^2"])
def test_printers_shared_across_lines_print_as_fresh_ones(expr: str) -> None:
    # One printer serves a whole derivation (its memo of sub-expressions is what makes long
    # derivations fast); a sub-expression must print the same in every line it appears in.
    derivation = sd.steps(expr, "x", order=2)
    for render in (render_steps.text, render_steps.latex, render_steps.data):
        assert render(derivation) == render.__wrapped__(derivation)  # type: ignore[attr-defined]
