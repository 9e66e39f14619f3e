"""The derivation corpus (tests/data/steps_corpus.txt), read and derived once per test session.

Also an independent check that two expressions are the same function: SymPy's own evalf at
random points, so that the corpus test does not rely on symdiff's verifier alone.
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

import symdiff as sd
from symdiff.language.parser import symbol

CORPUS = Path(__file__).resolve().parent / "data" / "steps_corpus.txt"


@dataclass(frozen=True)
class Case:
    expression: str
    wrt: tuple[str, ...]
    line: int

    @property
    def id(self) -> str:
        return f"{self.line}: {self.expression} | {' '.join(self.wrt)}"


def cases() -> list[Case]:
    found = []
    for number, text in enumerate(CORPUS.read_text(encoding="utf-8").splitlines(), start=1):
        if text.strip() and not text.startswith("#"):
            expression, _, wrt = text.rpartition("|")
            found.append(Case(expression.strip(), tuple(wrt.split()), number))
    return found


@functools.cache
def derived(case: Case, detail: str) -> sd.Derivation:
    wrt = case.wrt[0] if len(case.wrt) == 1 else list(case.wrt)
    return sd.steps(case.expression, wrt, detail=detail)  # type: ignore[arg-type]


def sympy_derivative(case: Case) -> sp.Expr:
    """The reference: sympy.diff itself, DiracDelta terms dropped (classical derivative)."""
    result = sd.parse(case.expression)
    for name in case.wrt:
        result = sp.diff(result, symbol(name))
    return result.replace(lambda e: isinstance(e, sp.DiracDelta), lambda e: sp.S.Zero)


def same_function(a: sp.Expr, b: sp.Expr, domain: sp.Expr, seed: int = 0) -> bool:
    """Equal at two random points where ``domain`` (the function differentiated), a and b are
    real (SymPy evalf at 30 digits); or, failing such points, simplify."""
    rng = random.Random(seed)
    symbols = sorted(a.free_symbols | b.free_symbols | domain.free_symbols, key=lambda s: s.name)
    agreed = 0
    for _ in range(60):
        point = {s: sp.Rational(rng.choice([-1, 1]) * rng.randint(11, 290), 100) for s in symbols}
        left, right, f = (sp.N(e.xreplace(point), 30) for e in (a, b, domain))
        if not all(v.is_real and v.is_finite for v in (left, right, f)):
            continue
        if abs(left - right) > 1e-20 * max(1, abs(left)):
            return False
        agreed += 1
        if agreed == 2 or not symbols:
            return True
    return sp.simplify(a - b) == 0
