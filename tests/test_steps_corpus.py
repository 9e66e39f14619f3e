"""The derivation corpus: every line derives, with named rules only, every step verified, and
the result equal to sympy.diff (checked here independently of symdiff's own verifier)."""

from __future__ import annotations

import re

import pytest
import sympy as sp

import symdiff as sd
from symdiff.primitives import registry
from tests.steps_corpus import Case, cases, derived, same_function, sympy_derivative

CASES = cases()
DETAILS = ("full", "compact")


def test_the_corpus_is_large_and_covers_every_registry_function() -> None:
    assert len(CASES) >= 200
    used = {rule for case in CASES for detail in DETAILS for rule in derived(case, detail).rules}
    functions = {p.name for p in registry.PRIMITIVES if p.sympy_class is not None and p.name != "pow"}
    assert functions - used == set()
    structural = {"constant", "variable", "held-constant", "constant-multiple", "sum", "power", "root", "product"}
    structural |= {"quotient", "reciprocal", "chain", "exponential", "log-base", "log-differentiation", "reuse"}
    assert structural - used == set()


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_every_step_is_named_and_verified(case: Case) -> None:
    for detail in DETAILS:
        d = derived(case, detail)
        assert "fallback" not in d.rules, f"{detail}: a step without a rule of its own\n{d.to_text()}"
        assert [s.number for s in d.steps if not s.verified] == [], f"{detail}\n{d.to_text()}"
        assert d.result_verified, d.result_check


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_result_equals_sympy_diff(case: Case) -> None:
    d = derived(case, "compact")
    assert same_function(d.result, sympy_derivative(case), sd.parse(case.expression)), d.to_text()
    assert same_function(derived(case, "full").result, d.result, sd.parse(case.expression))


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_notation_follows_the_number_of_variables(case: Case) -> None:
    d = derived(case, "full")
    latex, text = d.to_latex(), d.to_text()
    if d.ordinary:
        assert r"\partial" not in latex and "∂" not in text
    else:  # partial mode: ∂ throughout, never d/dx
        assert not re.search(r"\\frac\{d[ ^}]", latex), latex
        assert not re.search(r"(?<![a-z∂])d[²³]?[a-z]*/d", text), text
    assert not re.search(r"\\log(?!_)", latex)  # natural logarithms are \ln (\log_{2} is to a base)
    assert r"\cdot -" not in latex and "*-" not in text  # a negative factor is parenthesised


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_each_line_follows_from_the_one_before(case: Case) -> None:
    """Within a section, a step starts from the line the step before it ended with, and changes it."""
    d = derived(case, "full")
    for section in d.sections:
        for earlier, later in zip(section.steps, section.steps[1:], strict=False):
            assert later.before == earlier.after, f"steps {earlier.number} and {later.number}"
        for step in section.steps:  # and says something: a line that repeats the one before is noise
            assert step.after != step.before, f"step {step.number} ({step.name})"


@pytest.mark.parametrize("case", CASES[::7], ids=[c.id for c in CASES[::7]])
def test_key_detail_keeps_only_product_quotient_and_chain_steps(case: Case) -> None:
    d = derived(case, "key")
    compact = derived(case, "compact")
    assert d.result == compact.result and d.verified
    for section in d.sections:
        assert all(step.rule in {"product", "quotient", "chain"} for step in section.steps[:-1])
    assert d.steps[-1].after == compact.steps[-1].after


def test_sympy_expressions_are_derived_too() -> None:
    x = sp.Symbol("x")
    d = sd.steps(sp.sin(x) * sp.exp(x), "x")
    assert d.verified and d.rules[0] == "product"
