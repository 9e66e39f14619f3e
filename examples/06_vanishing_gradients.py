"""Vanishing and exploding gradients, measured: |∂L/∂w₁| against depth.

The seed tutorial's "common issues" table says early layers stop learning with saturating
activations (vanishing gradients) and that gradients can blow up (exploding gradients). Here
a chain of D layers, h_k = act(w_k · h_{k-1}), with loss L = (h_D − t)², is differentiated by
the reverse-mode tape for D = 1 … 30, and the size of the first weight's gradient is printed:

* sigmoid: σ′ ≤ 1/4, so every layer multiplies the gradient by at most w/4: it vanishes;
* tanh: tanh′ ≤ 1, close to 1 near 0: it fades slowly;
* relu with w = 1: relu′ = 1 on the active side: the gradient keeps its size;
* relu with w = 1.5: every layer multiplies by 1.5: it explodes.

Then the same with layers as networks have them, h_k = act(W_k h_{k-1}) with 16 units and
16×16 weight matrices W_k drawn as PyTorch draws them (uniform in ±1/√16): the Frobenius norm
‖∂L/∂W₁‖ against depth tells the same story.

    python examples/06_vanishing_gradients.py [--out DIR]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

import symdiff as sd

WIDTH = 16

DEPTHS = (1, 2, 5, 10, 20, 30)
CHAINS = {
    "sigmoid": ("sigmoid", 1.0),
    "tanh": ("tanh", 1.0),
    "relu, w = 1": ("relu", 1.0),
    "relu, w = 1.5": ("relu", 1.5),
}


def chain(activation: str, depth: int) -> str:
    """The program h1 = act(w1*x); h2 = act(w2*h1); …; L = (h_D - t)^2."""
    lines = [f"h1 = {activation}(w1*x)"]
    lines += [f"h{k} = {activation}(w{k}*h{k - 1})" for k in range(2, depth + 1)]
    return "; ".join([*lines, f"L = (h{depth} - t)^2"])


def first_weight_gradient(activation: str, weight: float, depth: int) -> float:
    """|∂L/∂w₁| at x = 0.5, t = 2, every weight equal to ``weight``."""
    tape = sd.Tape(chain(activation, depth))
    point = {f"w{k}": weight for k in range(1, depth + 1)} | {"x": 0.5, "t": 2.0}
    return abs(tape.gradient(point)["w1"])


def measure(depths: tuple[int, ...] = DEPTHS) -> dict[str, list[float]]:
    return {name: [first_weight_gradient(act, w, d) for d in depths] for name, (act, w) in CHAINS.items()}


def layers(activation: str, depth: int) -> str:
    """The program over arrays: x: 16, W1 … W_D: 16x16, h_k = act(W_k h_{k-1}), L = (sum(h_D) - t)^2."""
    declarations = [f"x: {WIDTH}; t: scalar", *(f"W{k}: {WIDTH}x{WIDTH}" for k in range(1, depth + 1))]
    lines = [f"h1 = {activation}(W1 x)"] + [f"h{k} = {activation}(W{k} h{k - 1})" for k in range(2, depth + 1)]
    return "\n".join([*declarations, *lines, f"L = (sum(h{depth}) - t)^2"])


def layer_gradient_norm(activation: str, gain: float, depth: int) -> float:
    """‖∂L/∂W₁‖ (Frobenius) with every W_k uniform in ±gain/√16, the same draws for every activation."""
    rng = np.random.default_rng(0)
    point = {f"W{k}": gain * rng.uniform(-1, 1, size=(WIDTH, WIDTH)) / np.sqrt(WIDTH) for k in range(1, depth + 1)}
    point |= {"x": rng.uniform(-1, 1, size=WIDTH), "t": 2.0}
    return float(np.linalg.norm(sd.Tape(layers(activation, depth)).gradient(point)["W1"]))


LAYERS = {"sigmoid": ("sigmoid", 1.0), "tanh": ("tanh", 1.0), "relu": ("relu", 1.0), "relu, gain 3": ("relu", 3.0)}


def measure_layers(depths: tuple[int, ...] = DEPTHS) -> dict[str, list[float]]:
    return {name: [layer_gradient_norm(act, g, d) for d in depths] for name, (act, g) in LAYERS.items()}


def plot(results: dict[str, list[float]], path: Path) -> bool:
    """A semilog plot of the table; False when matplotlib is not installed."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    figure, axes = plt.subplots(figsize=(6, 4))
    for name, values in results.items():
        axes.semilogy(DEPTHS, values, marker="o", label=name)
    axes.set_xlabel("depth D (layers between w₁ and the loss)")
    axes.set_ylabel("|∂L/∂w₁|")
    axes.set_title("Vanishing and exploding gradients")
    axes.grid(True, which="both", alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=120)
    plt.close(figure)
    return True


def main(out: Path) -> dict[str, list[float]]:
    results = measure()
    print("|∂L/∂w₁| for h_k = act(w_k·h_{k-1}), L = (h_D - t)², x = 0.5, t = 2")
    print(f"{'depth':>5}  " + "  ".join(f"{name:>13}" for name in results))
    for row, depth in enumerate(DEPTHS):
        print(f"{depth:>5}  " + "  ".join(f"{values[row]:>13.3g}" for values in results.values()))
    sigmoid = results["sigmoid"]
    print(f"sigmoid: the gradient shrinks {sigmoid[0] / sigmoid[-1]:.2g} times from depth 1 to depth 30 (vanishing)")
    explode = results["relu, w = 1.5"]
    print(f"relu with w = 1.5: it grows {explode[-1] / explode[0]:.2g} times (exploding); with w = 1 it stays put")
    matrices = measure_layers()
    print()
    print(f"‖∂L/∂W₁‖ for layers of {WIDTH} units, h_k = act(W_k h_{{k-1}}), W_k uniform in ±gain/√{WIDTH}")
    print(f"{'depth':>5}  " + "  ".join(f"{name:>13}" for name in matrices))
    for row, depth in enumerate(DEPTHS):
        print(f"{depth:>5}  " + "  ".join(f"{values[row]:>13.3g}" for values in matrices.values()))
    layered = matrices["sigmoid"]
    print(f"layers of sigmoids: ‖∂L/∂W₁‖ shrinks {layered[0] / layered[-1]:.2g} times from depth 1 to depth 30")
    grown = matrices["relu, gain 3"]
    print(f"relu layers with gain 3: it grows {grown[-1] / grown[0]:.2g} times")
    out.mkdir(parents=True, exist_ok=True)
    image = out / "vanishing_gradients.png"
    print(f"plot: {image}" if plot(results, image) else "plot: skipped (pip install 'symdiff[plot]')")
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path("examples/output"), help="where to save the plot")
    main(parser.parse_args().out)
