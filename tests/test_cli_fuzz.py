"""Fuzzing the command line as a whole: random expressions, points and options, every one answered.

Each case is a full ``python -m symdiff`` argument list, run through ``cli.main`` in this process:
it must never end in an internal error (exit 3) and never take more than 5 seconds. Cases are
drawn from a seeded generator (case i from seed i), so a failure names the arguments that
reproduce it. The suite runs a few dozen; the long campaign runs 20,000:

    python -m pytest -m slow tests/test_cli_fuzz.py -s          (SYMDIFF_CLI_FUZZ=N for another count)
"""

from __future__ import annotations

import contextlib
import io
import math
import os
import random
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from symdiff import cli
from symdiff.errors import SymdiffError
from symdiff.language.parser import parse_program, variable_names
from symdiff.primitives import registry
from tests.fuzz import TimeLimitExceededError, time_limit

SECONDS = 5.0
FUNCTIONS = sorted(registry.text_functions().items())
VARIABLES = ["x", "y", "z", "w1", "alpha"]
NUMBERS = ["0", "1", "2", "3", "0.5", "1e-3", "2.5", "pi", "e", "1/3", "1e8", "7"]
POINTS = ["0", "1", "-1", "2", "0.5", "-0.5", "1e-8", "-1e-8", "3", "pi/4", "1/3", "1e300", "-2.5", "10", "1e-300"]
OPERATORS = ["+", "-", "*", "/", "^"]
KINKS = ["abs", "relu", "sign", "heaviside", "max", "min"]


def expression(rng: random.Random, depth: int = 0) -> str:
    """A random well-formed expression over the registry (calls with a right number of arguments)."""
    roll = rng.random()
    if depth >= 4 or roll < 0.3:
        return rng.choice(VARIABLES[:3]) if rng.random() < 0.7 else rng.choice(NUMBERS)
    if roll < 0.6:
        op = rng.choice(OPERATORS)
        right = rng.choice(["2", "3", "0.5", "-1"]) if op == "^" and rng.random() < 0.6 else expression(rng, depth + 1)
        return f"({expression(rng, depth + 1)}){op}({right})"
    name, (_, fewest, most) = FUNCTIONS[rng.randrange(len(FUNCTIONS))] if rng.random() < 0.8 else _kink(rng)
    count = rng.randint(fewest, most if most is not None else fewest + 1)
    return f"{name}({', '.join(expression(rng, depth + 1) for _ in range(count))})"


def _kink(rng: random.Random) -> tuple[str, tuple[object, int, int | None]]:
    name = rng.choice(KINKS)
    return name, registry.text_functions()[name]


def text(rng: random.Random) -> str:
    """An expression, a curve for --implicit y, or a short program of named lines."""
    roll = rng.random()
    if roll < 0.75:
        return expression(rng)
    if roll < 0.8:
        return f"{expression(rng, 2)} = {expression(rng, 2)}"
    lines = [f"h{k} = {expression(rng, 1)}" + (f" + h{k - 1}" if k else "") for k in range(rng.randint(2, 3))]
    return "; ".join(lines)


def arguments(rng: random.Random, directory: Path) -> list[str]:
    """One command line: the expression, sometimes a point, and a random choice of options."""
    source = text(rng)
    args = [source]
    if "=" in source and ";" not in source:
        return (
            args
            + ["--implicit", "y", "--wrt", "x"]
            + (["--at", f"x={rng.choice(POINTS)}"] if rng.random() < 0.5 else [])
        )
    try:
        names = list(variable_names(parse_program(source).expression))
    except SymdiffError:
        names = ["x"]
    if names and rng.random() < 0.3:
        args += ["--wrt", ",".join(rng.sample(names, rng.randint(1, len(names))))]
    if rng.random() < 0.25:
        args += ["--order", str(rng.choice([2, 2, 3, 4, 10, "n"]))]
    if len(names) > 1 and rng.random() < 0.05:
        args += ["--wrt", ",".join(rng.sample(names, 2)), "--mixed"]
    if rng.random() < 0.05:
        args.append("--distributions")
    if rng.random() < 0.05:
        args += ["--check", expression(rng, 2)]
    at = rng.random() < 0.65 and bool(names)
    if at:
        args += ["--at", ",".join(f"{n}={rng.choice(POINTS)}" for n in names)]
    if rng.random() < 0.3:
        method = rng.choice(["auto", "forward", "backward", "central", "richardson", "complex", "mpmath"])
        args += ["--fd", method]
        if method not in ("auto", "mpmath") and rng.random() < 0.3:
            args += ["--h", rng.choice(["0.1", "1e-5", "1e-12", "0.5"])]
    if rng.random() < 0.1:
        args += ["--dps", rng.choice(["15", "30", "60"])]
    roll = rng.random()
    if roll < 0.12:
        args += ["--steps"] + (["--detail", rng.choice(["full", "compact", "key"])] if rng.random() < 0.3 else [])
    elif roll < 0.2:
        args.append("--hessian")
    elif roll < 0.26 and at:
        args.append("--explain")
    elif roll < 0.32:
        args.append(rng.choice(["--tape", "--autodiff"]))
    elif roll < 0.35:
        args += ["--graph", str(directory / "graph.dot")]
    if rng.random() < 0.25:
        args += ["--format", rng.choice(["json", "latex", "markdown"])]
    return args


@dataclass
class Campaign:
    """What a run of cases found: exit statuses, the slowest case, and every failure."""

    statuses: Counter[int] = field(default_factory=Counter)
    failures: list[tuple[list[str], str]] = field(default_factory=list)
    slowest: tuple[float, list[str]] = (0.0, [])
    cases: int = 0

    def run(self, args: list[str]) -> None:
        out, err = io.StringIO(), io.StringIO()
        start = time.perf_counter()
        try:
            with time_limit(2 * SECONDS), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    status = cli.main(args)
                except SystemExit as exit_:  # argparse refusing an option combination
                    status = int(exit_.code or 0)
        except TimeLimitExceededError:
            status = 3
        elapsed = time.perf_counter() - start
        self.cases += 1
        self.statuses[status] += 1
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, args)
        if status == 3 or elapsed > SECONDS:
            self.failures.append((args, f"exit {status} after {elapsed:.1f} s: {err.getvalue()[-300:]}"))

    def summary(self) -> str:
        statuses = ", ".join(f"exit {s}: {n}" for s, n in sorted(self.statuses.items()))
        return (
            f"{self.cases} command lines ({statuses}); {len(self.failures)} failures; "
            f"slowest {self.slowest[0]:.2f} s: {self.slowest[1][:6]}"
        )


def campaign(cases: int, first_seed: int, directory: Path) -> Campaign:
    found = Campaign()
    for seed in range(first_seed, first_seed + cases):
        found.run(arguments(random.Random(seed), directory))
    return found


def _report(found: Campaign) -> str:
    shown = "\n".join(f"  {args}\n    {why}" for args, why in found.failures[:10])
    return f"{found.summary()}\n{shown}"


def test_random_command_lines_are_answered_quickly(tmp_path: Path) -> None:
    found = campaign(max(int(os.environ.get("SYMDIFF_FUZZ_EXAMPLES", "150")) // 3, 30), 0, tmp_path)
    assert not found.failures, _report(found)


@pytest.mark.slow
def test_long_campaign_of_command_lines(tmp_path: Path) -> None:
    found = campaign(int(os.environ.get("SYMDIFF_CLI_FUZZ", "20000")), 1_000_000, tmp_path)
    print(found.summary())
    assert not found.failures, _report(found)
    assert found.cases >= 20_000 or "SYMDIFF_CLI_FUZZ" in os.environ
    assert math.isfinite(found.slowest[0])
