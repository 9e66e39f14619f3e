"""Every LaTeX string symdiff writes renders with KaTeX (throwOnError, display mode, strict).

Needs node and KaTeX: ``npm install --prefix tests/katex`` (``.ci/run`` does it). Without
them the test is skipped and says why.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import symdiff as sd
from symdiff.render.steps import line_latex
from symdiff.stepwise import golden
from symdiff.symbolic.report import derivatives
from tests.steps_corpus import cases, derived

KATEX = Path(__file__).resolve().parent / "katex"
NODE = shutil.which("node")

pytestmark = pytest.mark.skipif(
    NODE is None or not (KATEX / "node_modules" / "katex").is_dir(),
    reason="KaTeX is not installed: run `npm install --prefix tests/katex` (needs node; .ci/run does it)",
)


def render(strings: list[str]) -> list[dict[str, object]]:
    """The strings KaTeX refuses, with its error, all rendered by one node process."""
    result = subprocess.run(
        [NODE, str(KATEX / "render.js")],  # type: ignore[list-item]
        input=json.dumps(strings),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    failures: list[dict[str, object]] = json.loads(result.stdout)
    return [{**failure, "latex": strings[int(failure["index"])]} for failure in failures]  # type: ignore[call-overload]


def test_the_renderer_can_fail() -> None:
    assert [f["index"] for f in render([r"\frac{a}{b}", r"\frac{a", r"\text{x_1}"])] == [1, 2]


def test_golden_latex_renders() -> None:
    documents = golden.documents()
    assert render([text for name, text in sorted(documents.items()) if name.endswith(".tex")]) == []


def test_every_corpus_derivation_renders() -> None:
    strings = []
    for case in cases():
        for detail in ("full", "compact"):
            d = derived(case, detail)
            strings.append(d.to_latex())
            strings.append(line_latex(d.result, d.ordinary))
    assert render(strings) == []


def test_derivative_tables_render() -> None:
    """The LaTeX of plain --format latex output (symdiff.report), Hessians included."""
    strings = [derivatives(case.expression).to_latex() for case in cases()]
    strings += [derivatives(e, with_hessian=True).to_latex() for e in ("a*b + c", "x*y^2 + sin(x y)", "x^3")]
    assert render(strings) == []


def test_derivations_at_a_point_render() -> None:
    d = sd.steps("h = sigmoid(w1*x); y = sigmoid(w2*h); L = (y - t)^2", "w1", at=golden.NETWORK_POINT)
    assert render([d.to_latex(), sd.steps("3x^2 - 4x + 5", "x", at={"x": 3}).to_latex()]) == []


def test_shared_definitions_render() -> None:
    """Reverse-mode gradients and Hessians (definitions, then partials or the matrix), and the table with them."""
    program = "z1 = w11*x1 + w12*x2; z2 = w21*x1 + w22*x2; h1 = tanh(z1); h2 = tanh(z2); L = (c1*h1 + c2*h2 - t)^2"
    hessian = sd.hessian(program, ["c1", "w11", "x1"], method="reverse")
    assert isinstance(hessian, sd.SymbolicHessian)
    strings = [sd.gradient(program, method="reverse").to_latex(), hessian.to_latex()]
    strings.append(derivatives(program, with_hessian=True).to_latex())
    assert render(strings) == []


def test_comparison_latex_and_markdown_math_render() -> None:
    """The comparison's LaTeX table and every inline formula of its Markdown, over the golden cases
    and a few explained ones (kinks, domain errors, mixed partials)."""
    from tests.test_compare_golden import CASES

    cases = [*CASES.values(), ("abs(x - 1) * y", {"x": 1, "y": 2}), ("log(x)", {"x": -1}), ("x^2 y", {"x": 1, "y": 2})]
    strings = []
    for expr, at in cases:
        comparison = sd.compare(expr, at=at)
        strings.append(comparison.to_latex())
        strings += re.findall(r"\$([^$]+)\$", comparison.to_markdown())
    assert render(strings) == []


def test_matrix_formulas_and_backpropagation_in_matrix_form_render() -> None:
    """Every identity of the matrix-calculus suite, and derivations of layered programs, in LaTeX and Markdown."""
    from tests.test_matrix_calculus import GRADIENTS, HESSIANS, JACOBIANS, seed_model
    from tests.test_matrix_steps import CLASSIFIER

    strings = [sd.gradient(text, wrt=[wrt]).to_latex() for text, wrt, _, _ in GRADIENTS.values()]
    strings += [sd.jacobian(text, wrt=wrt).to_latex() for text, wrt, _, _ in JACOBIANS.values()]
    strings += [sd.hessian(text, list(wrt)).to_latex() for text, wrt, _, _ in HESSIANS.values()]
    strings.append(sd.gradient(seed_model()).to_latex())
    for text, wrt in ((seed_model(), "W1"), (seed_model(), "b2"), (CLASSIFIER, "W1"), (CLASSIFIER, "x")):
        d = sd.steps(text, wrt)
        strings.append(d.to_latex())
        strings += re.findall(r"\$\$\n(.*?)\n\$\$", d.to_markdown(), flags=re.S)
        strings += re.findall(r"(?<!\$)\$([^$\n]+)\$(?!\$)", d.to_markdown())
    assert render(strings) == []
