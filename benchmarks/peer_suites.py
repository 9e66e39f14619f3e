"""The peers' own differentiation tests run through symdiff: a table per peer.

    PYTHONPATH=$PWD python benchmarks/peer_suites.py              # every peer
    PYTHONPATH=$PWD python benchmarks/peer_suites.py --peer SymPy # one of them

The cases are ``tests/data/peer_cases.py`` (transcribed from mathjs, GiNaC, SymPy, Symbolics.jl
and numdifftools), judged as ``tests/test_peer_suites.py`` judges them (``tests/peer_check.py``).
Columns: cases; read (symdiff parsed the expression); right (the peer's answer, and every method
agreeing at the case's point; numeric: within symdiff's error bound of the peer's value);
refused (outside symdiff's language, with the reasons below); wrong (must be 0). Disputed: the
peer's own answer is wrong and symdiff gives the right one. Unbounded: finite differences that
claimed no error bound (they confirm nothing; counted apart).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's symdiff and tests

from tests.data.peer_cases import PEERS, Numeric, Symbolic
from tests.peer_check import Outcome, run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peer", choices=sorted(PEERS), help="only this peer")
    args = parser.parse_args()
    wrong_total = 0
    for peer, cases in PEERS.items():
        if args.peer and peer != args.peer:
            continue
        start = time.perf_counter()
        outcomes = [(case, run(case)) for case in cases]
        wrong_total += table(peer, outcomes, time.perf_counter() - start)
    sys.exit(1 if wrong_total else 0)


def table(peer: str, outcomes: Sequence[tuple[Symbolic | Numeric, Outcome]], seconds: float) -> int:
    """Print one peer's counts and refusal reasons; return how many were wrong."""
    status = Counter(outcome.status for _, outcome in outcomes)
    read = sum(outcome.read for _, outcome in outcomes)
    disputed = sum(isinstance(case, Symbolic) and bool(case.disputed) for case, _ in outcomes)
    unbounded = sum(outcome.unbounded for _, outcome in outcomes)
    print(f"## {peer} ({seconds:.1f} s)\n")
    print("| cases | read | right | refused | wrong | disputed | unbounded |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {len(outcomes)} | {read} | {status['right']} | {status['refused']} | {status['wrong']} "
        f"| {disputed} | {unbounded} |\n"
    )
    reasons = Counter(case.refused for case, outcome in outcomes if outcome.status == "refused")
    for reason, count in reasons.most_common():
        print(f"- refused ×{count}: {reason}")
    for case, outcome in outcomes:
        if isinstance(case, Symbolic) and case.disputed:
            print(f"- disputed: {case.expr} ({case.disputed})")
        if outcome.status == "wrong":
            print(f"- WRONG: {case.expr!r} ({case.source}): {outcome.detail}")
    print()
    return status["wrong"]


if __name__ == "__main__":
    main()
