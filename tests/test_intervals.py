"""Every primitive's interval extension, checked against mpmath on random boxes.

Parametrized over the registry: a primitive added tomorrow is checked the moment it is added.
An extension must enclose the true values (computed by mpmath at 30 digits) at every sample
of the box, on both backends; claim smoothness only where the primitive is defined and
differentiable on the whole box; and be tight on a single point (a few ulps), so that the
rounding bounds of finite differences built on it are useful.
"""

from __future__ import annotations

import math
from typing import Any

import mpmath
import numpy as np
import pytest

from symdiff.finite.enclosure import NAMESPACES
from symdiff.primitives import intervals, registry
from symdiff.primitives.primitive import Primitive
from tests.conftest import comfortable_points

PRIMITIVES = registry.PRIMITIVES
IDS = [p.name for p in PRIMITIVES]


def _true_value(p: Primitive, args: tuple[float, ...]) -> mpmath.mpf | None:
    """The primitive's exact value at float arguments, or None where it is not a finite real."""
    with mpmath.workdps(30):
        try:
            value = p.mpmath(*(mpmath.mpf(a) for a in args))
        except (ValueError, ZeroDivisionError, ArithmeticError):
            return None
        if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
            return None
        return value


def _defined_and_smooth(p: Primitive, args: tuple[float, ...]) -> bool:
    arrays = [np.float64(a) for a in args]
    with np.errstate(all="ignore"):
        if p.domain is not None and not np.all(p.domain(*arrays)):
            return False
        return p.nondiff is None or not np.any(p.nondiff.where(*arrays))


def _enclose(p: Primitive, backend: str, box: list[tuple[float, float]]) -> tuple[Any, Any, Any]:
    m = NAMESPACES[backend]
    flat = [b for pair in box for b in pair]
    if backend == "numpy":
        flat = [np.float64(b) for b in flat]
    with np.errstate(all="ignore"):
        try:
            return p.interval(m, p.implementation(backend), *flat)  # type: ignore[misc]
        except (ArithmeticError, ValueError):
            assert backend == "scalar", "the NumPy backend never raises"
            return None, None, None


def _random_boxes(
    p: Primitive, rng: np.random.Generator, count: int, anywhere: bool
) -> list[list[tuple[float, float]]]:
    centres = (
        comfortable_points(p, rng, count) if not anywhere else [tuple(rng.normal(0, 3, p.arity)) for _ in range(count)]
    )
    boxes = []
    whole = {w.position: w.examples for w in p.whole}
    for centre in centres:
        box = []
        for i, c in enumerate(centre):
            if i in whole:  # a whole-number argument is a constant: a point, one of the values it takes
                n = float(rng.choice(whole[i]))
                box.append((n, n))
                continue
            c = float(c) * (10 ** rng.uniform(0, 4) if anywhere and rng.random() < 0.2 else 1.0)
            width = 10 ** rng.uniform(-12, 0.3)
            box.append((c - width * rng.random(), c + width * rng.random()))
        boxes.append(box)
    return boxes


def _samples(box: list[tuple[float, float]], rng: np.random.Generator) -> list[tuple[float, ...]]:
    columns = [[lo, hi, *rng.uniform(lo, hi, 6)] for lo, hi in box]
    if len(columns) == 1:
        return [(float(v),) for v in columns[0]]
    return [(float(a), float(b)) for a in columns[0] for b in columns[1]]


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
def test_every_primitive_has_an_interval_extension(p: Primitive) -> None:
    assert p.interval is not None


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
@pytest.mark.parametrize("backend", ["scalar", "numpy"])
@pytest.mark.parametrize("anywhere", [False, True], ids=["inside", "anywhere"])
def test_extension_encloses_true_values(p: Primitive, backend: str, anywhere: bool, rng: np.random.Generator) -> None:
    """At every sample of a random box: lo ≤ f ≤ hi; and smooth only if f is smooth at every sample."""
    for box in _random_boxes(p, rng, 40, anywhere):
        lo, hi, smooth = _enclose(p, backend, box)
        if lo is None:
            continue
        for args in _samples(box, rng):
            value = _true_value(p, args)
            if value is not None and not (math.isnan(lo) or math.isnan(hi)):
                assert lo <= value <= hi, f"{p.name}{args} = {value} outside [{lo!r}, {hi!r}] for box {box}"
            if np.all(smooth):
                assert value is not None, f"{p.name} claims smooth on {box} but is undefined at {args}"
                assert _defined_and_smooth(p, args) or any(
                    a in (lo_, hi_) for a, (lo_, hi_) in zip(args, box, strict=True)
                )


@pytest.mark.parametrize("p", PRIMITIVES, ids=IDS)
@pytest.mark.parametrize("backend", ["scalar", "numpy"])
def test_extension_is_tight_at_a_point(p: Primitive, backend: str, rng: np.random.Generator) -> None:
    """On a single point inside the domain the enclosure is a handful of ulps wide, and contains f."""
    for args in comfortable_points(p, rng, 40):
        box = [(float(a), float(a)) for a in args]
        lo, hi, smooth = _enclose(p, backend, box)
        value = _true_value(p, tuple(float(a) for a in args))
        assert value is not None and lo <= value <= hi
        assert bool(smooth)
        assert hi - lo <= 64 * math.ulp(float(value)) + 1e-300, f"{p.name}{args}: [{lo!r}, {hi!r}] is too wide"


@pytest.mark.parametrize("p", [p for p in PRIMITIVES if p.nondiff is not None], ids=lambda p: p.name)
@pytest.mark.parametrize("backend", ["scalar", "numpy"])
def test_a_box_around_a_non_differentiable_point_is_not_smooth(p: Primitive, backend: str) -> None:
    """Wherever the registry says the primitive is not differentiable, a box straddling that point is not smooth."""
    example = p.nondiff.example  # type: ignore[union-attr]
    candidates = [example if len(example) == p.arity else example * p.arity]
    candidates += [(c,) * p.arity for c in (0.0, 1.0, -1.0)]
    found = [c for c in candidates if np.all(p.nondiff.where(*map(np.float64, c)))]  # type: ignore[union-attr]
    assert found, f"{p.name}: not differentiable neither at its example {example} nor at 0, ±1"
    constant = {w.position for w in p.whole}
    for point in found:
        box = [(c, c) if i in constant else (c - 0.1, c + 0.1) for i, c in enumerate(point)]
        assert not np.all(_enclose(p, backend, box)[2]), f"{p.name} claims to be smooth around {point}"


@pytest.mark.parametrize(
    ("name", "box", "smooth"),
    [
        ("log", (-1.0, 1.0), False),  # leaves the domain
        ("sqrt", (0.0, 1.0), False),  # vertical tangent on the edge
        ("abs", (0.0, 1.0), True),  # a corner on the edge: abs is the identity there
        ("abs", (-1.0, 1.0), False),  # a corner inside
        ("sign", (0.0, 1.0), False),  # a jump on the edge
        ("tan", (1.5, 1.6), False),  # a pole at π/2
        ("tan", (1.5, 1.57), True),
        ("sin", (100.0, 100.001), True),
    ],
)
def test_smoothness_of_boxes(name: str, box: tuple[float, float], smooth: bool) -> None:
    p = registry.primitive(name)
    for backend in ("scalar", "numpy"):
        result = _enclose(p, backend, [box])
        if result[0] is not None:
            assert bool(result[2]) is smooth


def test_sine_over_a_maximum_reaches_one() -> None:
    lo, hi, _ = _enclose(registry.primitive("sin"), "scalar", [(1.0, 2.0)])
    assert 1.0 <= hi <= 1.0 + 4 * intervals.U and lo <= math.sin(1.0)


def test_power_with_whole_exponent_on_negative_base() -> None:
    p = registry.primitive("pow")
    lo, hi, smooth = _enclose(p, "scalar", [(-2.0, 1.0), (2.0, 2.0)])
    assert lo <= 0.0 <= 4.0 <= hi and lo > -1e-300 and smooth
    lo, hi, smooth = _enclose(p, "numpy", [(-2.0, 1.0), (-1.0, -1.0)])
    assert not smooth
