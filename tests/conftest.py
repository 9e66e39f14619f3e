"""Shared test helpers: points inside a primitive's domain, and an independent reference."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import Any

import mpmath
import numpy as np
import pytest
import sympy as sp
from hypothesis import HealthCheck, settings

from symdiff.primitives.primitive import Primitive

# CI explores the same examples on every run, so a red build is never a roll of the dice;
# the "long" profile (and the slow fuzz campaign) explore new random examples.
settings.register_profile("ci", deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("long", deadline=None, max_examples=20_000, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("SYMDIFF_HYPOTHESIS_PROFILE", "ci"))


def comfortable_points(
    p: Primitive, rng: np.random.Generator, count: int, *, vary_whole: bool = True
) -> list[tuple[float, ...]]:
    """Random argument tuples well inside ``p``'s domain and away from where it is not smooth.

    "Well inside" means the domain still holds 0.05 away in every direction, so that
    float64 evaluation of a derivative rule is well conditioned there. Arguments that must be
    whole numbers (polygamma's order) take one of the values the registry gives as examples
    (the first, as ``on_symbols`` writes it, unless ``vary_whole``).
    """
    points: list[tuple[float, ...]] = []
    whole = {w.position: w.examples if vary_whole else w.examples[:1] for w in p.whole}
    while len(points) < count:
        args = tuple(rng.uniform(-3, 3, size=p.arity))
        if p.name == "pow":
            args = (rng.uniform(0.2, 3), rng.uniform(-3, 3))
        args = tuple(float(rng.choice(whole[i])) if i in whole else a for i, a in enumerate(args))
        if all(_smooth_near(p, args, shift) for shift in (-0.05, 0.0, 0.05)) and _smooth_around(p, args):
            points.append(args)
    return points


def _moved(p: Primitive, args: tuple[float, ...], shift: float) -> tuple[float, ...]:
    """The arguments moved by ``shift``, all but the whole numbers."""
    constant = {w.position for w in p.whole}
    return tuple(a if i in constant else a + shift for i, a in enumerate(args))


def _smooth_near(p: Primitive, args: tuple[float, ...], shift: float) -> bool:
    moved = _moved(p, args, shift)
    if p.domain is not None and not np.all(p.domain(*moved)):
        return False
    if p.nondiff is not None:
        for sign in (-1, 1):  # no kink between the point and the shifted point
            nearby = _moved(p, args, sign * abs(shift))
            if np.any(p.nondiff.where(*nearby)) or (len(p.variable_positions) == 2 and abs(args[0] - args[1]) < 0.1):
                return False
        if p.name in ("abs", "relu", "sign", "heaviside", "acot", "cbrt", "sqrt") and abs(args[0]) < 0.1:
            return False
    return True


def _smooth_around(p: Primitive, args: tuple[float, ...]) -> bool:
    """The primitive's own interval extension finds it smooth 0.1 around the point (floor between integers)."""
    from symdiff.finite.enclosure import NAMESPACES

    constant = {w.position for w in p.whole}
    box = [b for i, a in enumerate(args) for b in ((a, a) if i in constant else (a - 0.1, a + 0.1))]
    with np.errstate(all="ignore"):
        _, _, smooth = p.interval(NAMESPACES["numpy"], p.implementation("numpy"), *map(np.float64, box))  # type: ignore[misc]
    return bool(np.all(smooth))


def on_symbols(p: Primitive, names: Sequence[str] = ("x", "y")) -> tuple[sp.Expr, tuple[str, ...]]:
    """``p`` applied to real symbols, a whole-number argument to its first example: (the node, the names used)."""
    from symdiff.language.parser import symbol

    whole = {w.position: w.examples[0] for w in p.whole}
    used = dict(zip(p.variable_positions, names, strict=False))  # the first name for the first variable
    args = [sp.Integer(whole[i]) if i in whole else symbol(used[i]) for i in range(p.arity)]
    return p.sympy(*args), tuple(used.values())


def variable_values(p: Primitive, point: tuple[float, ...]) -> tuple[float, ...]:
    """A point's arguments that are variables (not whole-number constants), for ``on_symbols``' names."""
    return tuple(point[i] for i in p.variable_positions)


def sympy_value(expr: sp.Expr, values: dict[sp.Symbol, float], dps: int = 40) -> mpmath.mpf:
    """``expr`` at ``values``, evaluated by SymPy/mpmath at ``dps`` digits (the reference)."""
    exact = {s: sp.Rational(v) for s, v in values.items()}
    with mpmath.workdps(dps):
        return mpmath.mpf(sp.N(expr.xreplace(exact), dps))


def assert_close(actual: float, expected: float | mpmath.mpf, rtol: float = 1e-12, atol: float = 1e-300) -> None:
    """Relative closeness, with ``atol`` for values that should be zero."""
    expected = float(expected)
    scale = max(abs(expected), atol / rtol)
    assert abs(float(actual) - expected) <= rtol * scale, f"{actual!r} != {expected!r} (rtol {rtol})"


def break_tape(monkeypatch: pytest.MonkeyPatch, wrong: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
    """Make the tape's gradients ``wrong(gradient)`` (SymPy untouched): what the comparison must catch."""
    from symdiff.tape import tape

    original = tape.Tape._value_and_gradient

    def broken(self: tape.Tape, point: Any, per_sample: bool) -> tuple[Any, dict[str, Any]]:
        value, gradient = original(self, point, per_sample)
        return value, wrong(gradient)

    monkeypatch.setattr(tape.Tape, "_value_and_gradient", broken)


def slightly_off(gradient: dict[str, Any]) -> dict[str, Any]:
    """Every partial wrong in its ninth digit: far beyond rounding, far below what a person would see."""
    return {k: v * (1 + 1e-9) for k, v in gradient.items()}


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261122)
