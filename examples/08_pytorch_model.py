"""The seed's PyTorch model, trained with gradients from symdiff's tape.

The backpropagation seed ends with this PyTorch code:

    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for epoch in range(100): forward, loss, zero_grad, backward, step

Here the same model is a symdiff program (64 hidden lines, 769 parameters), its MSE over
the whole batch is differentiated by the reverse-mode tape, and Adam is written out in
NumPy: the same forward / loss / backward / update loop. Before training, the tape's
gradient is checked at one sample against the symbolic derivative and finite differences.
When torch is installed, the same model with the same initial weights is trained by torch
itself, and the two runs are compared step by step.

    python examples/08_pytorch_model.py
"""

from __future__ import annotations

import importlib.util
import math
from dataclasses import dataclass

import numpy as np

import symdiff as sd

INPUTS, HIDDEN = 10, 64
LEARNING_RATE, EPOCHS, SAMPLES = 0.01, 100, 256


def model() -> str:
    """Linear(10, 64), ReLU, Linear(64, 1), then the squared error: one line per hidden unit."""
    lines = []
    for j in range(1, HIDDEN + 1):
        weighted = " + ".join(f"W{j}_{i}*x{i}" for i in range(1, INPUTS + 1))
        lines.append(f"h{j} = relu({weighted} + b{j})")
    lines.append("yhat = " + " + ".join(f"v{j}*h{j}" for j in range(1, HIDDEN + 1)) + " + c")
    lines.append("L = (yhat - t)^2")
    return "\n".join(lines)


def initial_parameters(rng: np.random.Generator) -> dict[str, float]:
    """PyTorch's default initialisation for Linear: uniform in ±1/√fan_in."""
    first, second = 1 / np.sqrt(INPUTS), 1 / np.sqrt(HIDDEN)
    parameters = {}
    for j in range(1, HIDDEN + 1):
        for i in range(1, INPUTS + 1):
            parameters[f"W{j}_{i}"] = float(rng.uniform(-first, first))
        parameters[f"b{j}"] = float(rng.uniform(-first, first))
        parameters[f"v{j}"] = float(rng.uniform(-second, second))
    parameters["c"] = float(rng.uniform(-second, second))
    return parameters


def regression_data(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A smooth target of the 10 inputs, for the network to fit."""
    x = rng.normal(size=(SAMPLES, INPUTS))
    t = np.sin(x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2 + 0.3 * x[:, 4:].sum(axis=1)
    return {f"x{i + 1}": x[:, i] for i in range(INPUTS)} | {"t": t}


@dataclass
class Adam:
    """torch.optim.Adam's update (default betas and eps), one moment pair per parameter."""

    rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    step_count: int = 0

    def __post_init__(self) -> None:
        self.m: dict[str, float] = {}
        self.v: dict[str, float] = {}

    def step(self, parameters: dict[str, float], gradient: dict[str, float]) -> None:
        self.step_count += 1
        correction1 = 1 - self.beta1**self.step_count
        correction2 = 1 - self.beta2**self.step_count
        for name, g in gradient.items():
            m = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * g
            v = self.beta2 * self.v.get(name, 0.0) + (1 - self.beta2) * g * g
            self.m[name], self.v[name] = m, v
            parameters[name] -= self.rate * (m / correction1) / (math.sqrt(v / correction2) + self.eps)


def train(tape: sd.Tape, parameters: dict[str, float], data: dict[str, np.ndarray]) -> list[float]:
    """The seed's loop: forward pass, loss, backward pass, weight update; repeated."""
    parameters = dict(parameters)
    optimizer = Adam(LEARNING_RATE)
    losses = []
    for _ in range(EPOCHS):
        loss, gradient = tape.value_and_gradient(parameters | data)  # forward and backward, whole batch
        losses.append(float(np.mean(loss)))  # MSELoss: the mean over the batch
        mean_gradient = {name: gradient[name] / SAMPLES for name in parameters}
        optimizer.step(parameters, mean_gradient)
    return losses


def torch_run(parameters: dict[str, float], data: dict[str, np.ndarray]) -> tuple[dict[str, float], list[float]] | None:
    """The seed's own code, in float64, from the same initial weights: the first gradient and the losses.

    None when torch is not installed.
    """
    if importlib.util.find_spec("torch") is None:
        return None
    import torch
    from torch import nn

    net = nn.Sequential(nn.Linear(INPUTS, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1)).double()
    units = range(1, HIDDEN + 1)
    weights = [[parameters[f"W{j}_{i}"] for i in range(1, INPUTS + 1)] for j in units]
    with torch.no_grad():  # float64 throughout: torch.tensor of Python floats would be float32
        net[0].weight.copy_(torch.tensor(weights, dtype=torch.float64))
        net[0].bias.copy_(torch.tensor([parameters[f"b{j}"] for j in units], dtype=torch.float64))
        net[2].weight.copy_(torch.tensor([[parameters[f"v{j}"] for j in units]], dtype=torch.float64))
        net[2].bias.copy_(torch.tensor([parameters["c"]], dtype=torch.float64))
    inputs = torch.tensor(np.stack([data[f"x{i}"] for i in range(1, INPUTS + 1)], axis=1))
    targets = torch.tensor(data["t"]).reshape(-1, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    losses: list[float] = []
    first_gradient: dict[str, float] = {}
    for _ in range(EPOCHS):
        loss = criterion(net(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        if not first_gradient:
            first_gradient = _named(net[0].weight.grad, net[0].bias.grad, net[2].weight.grad, net[2].bias.grad)
        optimizer.step()
        losses.append(loss.item())
    return first_gradient, losses


def _named(weights: object, biases: object, outputs: object, output_bias: object) -> dict[str, float]:
    """torch's gradients under the program's parameter names."""
    w, b, v, c = (np.asarray(t, dtype=float) for t in (weights, biases, outputs, output_bias))
    named = {f"W{j + 1}_{i + 1}": w[j, i] for j in range(HIDDEN) for i in range(INPUTS)}
    named |= {f"b{j + 1}": b[j] for j in range(HIDDEN)} | {f"v{j + 1}": v[0, j] for j in range(HIDDEN)}
    return named | {"c": float(c[0])}


def main() -> dict[str, object]:
    rng = np.random.default_rng(10)
    program = model()
    tape = sd.Tape(program)
    parameters = initial_parameters(rng)
    data = regression_data(rng)
    print(f"the model: {HIDDEN + 2} lines, {len(parameters)} parameters, {SAMPLES} samples")
    print("\n".join(f"  {line[:70]}…" if len(line) > 70 else f"  {line}" for line in program.splitlines()[-3:]))

    sample = {name: float(values[0]) for name, values in data.items()}
    checked = ["W1_1", "b1", "v1", "W64_10", "c"]
    comparison = sd.compare(program, at=parameters | sample, wrt=checked)
    verdict = "agree" if comparison.agree else "DISAGREE"
    print(f"gradient check at one sample ({', '.join(checked)}): symbolic, autodiff and finite differences {verdict}")

    losses = train(tape, parameters, data)
    for epoch in (0, 10, 25, 50, len(losses) - 1):
        print(f"epoch {epoch:>3}: MSE {losses[epoch]:.4f}")
    print(f"the loss fell {losses[0] / losses[-1]:.1f} times in {EPOCHS} epochs of Adam (lr {LEARNING_RATE})")
    reference = torch_run(parameters, data)
    if reference is None:
        print("torch: not installed, so the run is not repeated with the seed's own code")
        return {"losses": losses, "comparison": comparison}
    torch_gradient, torch_losses = reference
    gradient = tape.gradient(parameters | data)
    scale = max(abs(g) for g in torch_gradient.values())
    gap = max(abs(gradient[name] / SAMPLES - g) for name, g in torch_gradient.items()) / scale
    drift = max(abs(a - b) / b for a, b in zip(losses, torch_losses, strict=True))
    print(f"torch, the seed's own code from the same weights: first gradient equal to {gap:.1e} (relative)")
    print(f"  and the two training runs' losses equal to {drift:.1e} over {EPOCHS} epochs")
    return {"losses": losses, "comparison": comparison, "gradient_gap": gap, "loss_drift": drift}


if __name__ == "__main__":
    main()
