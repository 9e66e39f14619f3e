"""The peers' own differentiation tests, run through symdiff (``tests/data/peer_cases.py``).

mathjs, GiNaC, SymPy and Symbolics.jl: symdiff's derivative equals the peer's answer (at random
points to 30 digits, or by ``sympy.simplify`` for Dirac deltas), and where the case gives a
point every method agrees there or the disagreement is explained. numdifftools: symdiff's
finite differences (its automatic choice, and plain float64 Richardson) hold the peer's value
within their own error bound. A case outside symdiff's language must be refused with a
one-line ``SymdiffError``; one symdiff answers when it should refuse it fails, so the data
cannot go stale. ``benchmarks/peer_suites.py`` prints the counts.
"""

from __future__ import annotations

import pytest

from tests.data.peer_cases import PEERS, Numeric, Symbolic
from tests.peer_check import run

CASES = [
    pytest.param(case, id=f"{peer}-{i}-{case.expr[:40]}")  # type: ignore[attr-defined]
    for peer, cases in PEERS.items()
    for i, case in enumerate(cases)
]


@pytest.mark.parametrize("case", CASES)
def test_peer_case(case: Symbolic | Numeric) -> None:
    outcome = run(case)
    expected = "refused" if case.refused else "right"
    assert outcome.status == expected, f"{case.source}: {case.expr!r} by {case.wrt}: {outcome.detail}"


def test_every_peer_has_cases_and_every_case_a_source() -> None:
    assert set(PEERS) == {"mathjs", "GiNaC", "SymPy", "Symbolics.jl", "numdifftools"}
    for cases in PEERS.values():
        assert len(cases) >= 20
        for case in cases:
            owner_repo, path = case.source.split(" ")
            assert owner_repo.count("/") == 1 and path
            assert case.refused or case.expected is not None, case


@pytest.mark.parametrize(
    "case",
    [
        Symbolic("a test of the test", "sin(2x)", "x", "2*cos(2x) + x^11/1e9"),
        Symbolic("a test of the test", "sin(x)", "x", "cos(x)", order="n"),  # n = 0 is sin, not cos
        Symbolic("a test of the test", "sin(x)", "x", "cos(x)", refused="should have been refused"),
        Symbolic("a test of the test", "f: function; f(x)^2", "x", "2f'(x)"),
        Symbolic("a test of the test", "acoth(2x)", "x", "2/(1 - 4x^2)", disputed="d", peer_answer="2/(1 - 4x^2)"),
        Numeric("a test of the test", "exp(x)", {"x": 1.0}, 2.7182818284, tol=1e-12),
    ],
)
def test_a_wrong_answer_is_caught(case: Symbolic | Numeric) -> None:
    assert run(case).status == "wrong"
