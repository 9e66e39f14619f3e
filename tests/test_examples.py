"""Every example runs from the command line in under 30 s and prints its key numbers."""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PLOTTING = importlib.util.find_spec("matplotlib") is not None


def run(name: str, *args: str) -> str:
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, str(ROOT / "examples" / f"{name}.py"), *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert time.perf_counter() - start < 30, f"{name} took too long"
    return result.stdout


def number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not found in:\n{text}"
    return float(match.group(1))


def test_01_derivative_from_the_limit(tmp_path: Path) -> None:
    out = run("01_derivative_from_the_limit", "--out", str(tmp_path))
    assert "symbolic:   df/dx = 6x - 4 = 14 at x = 3" in out
    assert "autodiff:   the tape's backward sweep gives 14" in out
    assert number(r"forward difference, h = 0\.001: (\S+)", out) == pytest.approx(14.003, abs=1e-11)
    assert "so 14.00300000000243 = 14 + 0.003 + 2.43e-12" in out
    assert "auto (complex step): 14.0 ± 0" in out
    assert "tangent to f = 3x^2 - 4x + 5 at x = 3: 14x - 22 (slope 14)" in out
    assert (tmp_path / "step_sweep.png").exists() == PLOTTING
    assert (tmp_path / "seed_tangent.png").exists() == PLOTTING


def test_02_partial_derivatives() -> None:
    out = run("02_partial_derivatives")
    assert "d = a*b + c at a = 2, b = -3, c = 10: d = 4" in out
    assert number(r"  a: (\S+),", out) == pytest.approx(-3.0, rel=1e-12)
    assert number(r"  b: (\S+),", out) == pytest.approx(2.0, rel=1e-12)
    assert number(r"  c: (\S+),", out) == pytest.approx(1.0, rel=1e-12)
    assert re.search(r"∂f/∂a = b\s+-3\s+-3\s+-3\s+-3", out)
    assert out.rstrip().endswith("✓ every method agrees with the 50-digit reference")


def test_03_chain_rule_network(tmp_path: Path) -> None:
    out = run("03_chain_rule_network", "--out", str(tmp_path))
    by_hand = number(r"the seed's formula by hand: ∂L/∂w1 = (\S+)", out)
    reference = number(r"(?m)^∂L/∂w1\s+\S+\s+\S+\s+\S+\s+(\S+)$", out)
    assert by_hand == pytest.approx(reference, rel=1e-14)
    assert "every step verified: True" in out
    assert "✓ every method agrees with the 50-digit reference" in out
    assert "∂L/∂w1 = ∂L/∂yhat*∂yhat/∂z2*∂z2/∂h*∂h/∂z1*∂z1/∂w1" in out
    assert "the same chain with layers (x: 3 inputs, 4 hidden units), every step verified: True" in out
    assert "∂L/∂W1 = δ₁ xᵀ" in out
    assert (tmp_path / "network.dot").exists()


def test_04_losses() -> None:
    out = run("04_losses")
    assert out.count("symbolic, autodiff and finite differences agree: True") == 4
    assert out.count("every step verified: True") == 3  # MSE, cross-entropy and BCE, derived step by step
    assert "∂L/∂p1 = 2*p1/3 - 2*y1/3" in out
    assert number(r"∂L/∂p1 = -y1/p1; at p1 = 0\.7, y1 = 1 it is (\S+)", out) == pytest.approx(-1 / 0.7, rel=1e-5)
    assert number(r"∂L/∂z = \((\S+),", out) == pytest.approx(number(r"p1 - y1 = (\S+):", out), abs=1e-6)
    assert "after p = sigmoid(z): ∂L/∂z = -y + sigmoid(z), that is p - y" in out
    assert number(r"at z = 0\.3, y = 1 it is (\S+),", out) == pytest.approx(number(r"and p - y = (\S+)", out))


def test_05_training(tmp_path: Path) -> None:
    out = run("05_training", "--out", str(tmp_path))
    assert "symbolic, autodiff and finite differences agree on all 33 checks" in out
    assert "∂L/∂W1 = δ₁ xᵀ" in out
    assert number(r"the loss fell (\d+) times", out) >= 10
    assert number(r"training accuracy (\d+)%", out) >= 95
    assert (tmp_path / "training_loss.png").exists() == PLOTTING


def test_06_vanishing_gradients(tmp_path: Path) -> None:
    out = run("06_vanishing_gradients", "--out", str(tmp_path))
    assert number(r"the gradient shrinks (\S+) times", out) > 1e15
    assert number(r"it grows (\S+) times \(exploding\)", out) > 1e9
    scalar_table = out.split("\n\n")[0]
    relu_column = [float(line.split()[3]) for line in scalar_table.splitlines() if re.match(r"\s+\d+\s", line)]
    assert relu_column == [1.5] * 6
    assert number(r"layers of sigmoids: ‖∂L/∂W₁‖ shrinks (\S+) times", out) > 1e15
    assert number(r"relu layers with gain 3: it grows (\S+) times", out) > 1e4
    assert (tmp_path / "vanishing_gradients.png").exists() == PLOTTING


def test_08_pytorch_model() -> None:
    out = run("08_pytorch_model")
    assert "769 parameters" in out and "7 tensor operations" in out
    assert "∂L/∂W1 = δ₁ xᵀ" in out
    assert number(r"the matrix formulas and the tape on the whole batch: equal to (\S+)", out) < 1e-13
    assert "symbolic, autodiff and finite differences agree" in out
    assert number(r"the loss fell (\S+) times in 100 epochs of Adam", out) >= 10
    if importlib.util.find_spec("torch") is not None:  # the seed's own PyTorch code, same weights
        assert number(r"first gradient equal to (\S+) \(relative\)", out) < 1e-12
        assert number(r"losses equal to (\S+) over 100 epochs", out) < 1e-10


def test_07_write_docs(tmp_path: Path) -> None:
    out = run("07_write_docs", "--docs", str(tmp_path))
    assert out.startswith("wrote ")
    assert (tmp_path / "gallery.md").read_text().startswith("# Derivation gallery")
    assert "usage: symdiff" in (tmp_path / "cli.md").read_text()
