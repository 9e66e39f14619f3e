"""The seed's PyTorch model, trained with gradients from symdiff's tape.

The backpropagation seed ends with this PyTorch code:

    model = nn.Sequential(nn.Linear(10, 64), nn.ReLU(), nn.Linear(64, 1))
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=0.001)
    for epoch in range(100): forward, loss, zero_grad, backward, step

Here the same model is a symdiff program in matrix form, one line per layer:

    x: 10; W1: 64x10; b1: 64; w2: 64; b2, t: scalar
    h = relu(W1 x + b1)
    y = w2 h + b2
    L = (y - t)^2

The batch of 256 samples goes through the tape at once (x and t carry a leading sample axis),
the MSE is the tape's summed loss divided by 256, and Adam is written out in NumPy: the same
forward / loss / backward / update loop. Before training, every parameter's gradient is
checked: symbolically (the matrix formulas ∂L/∂W1 = δ₁ xᵀ, …), by the tape and by finite
differences along random directions, against a 50-digit reference. When torch is installed,
the same model with the same initial weights is trained by torch itself, and the two runs are
compared step by step.

    python examples/08_pytorch_model.py
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass, field

import numpy as np

import symdiff as sd

INPUTS, HIDDEN = 10, 64
LEARNING_RATE, EPOCHS, SAMPLES = 0.01, 100, 256
PARAMETERS = ("W1", "b1", "w2", "b2")
MODEL = f"""x: {INPUTS}; W1: {HIDDEN}x{INPUTS}; b1: {HIDDEN}; w2: {HIDDEN}; b2, t: scalar
h = relu(W1 x + b1)
y = w2 h + b2
L = (y - t)^2"""


def initial_parameters(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """PyTorch's default initialisation for Linear: uniform in ±1/√fan_in."""
    first, second = 1 / np.sqrt(INPUTS), 1 / np.sqrt(HIDDEN)
    return {
        "W1": rng.uniform(-first, first, size=(HIDDEN, INPUTS)),
        "b1": rng.uniform(-first, first, size=HIDDEN),
        "w2": rng.uniform(-second, second, size=HIDDEN),
        "b2": np.array(rng.uniform(-second, second)),
    }


def regression_data(rng: np.random.Generator) -> dict[str, np.ndarray]:
    """A smooth target of the 10 inputs, for the network to fit: x is (256, 10), t is (256,)."""
    x = rng.normal(size=(SAMPLES, INPUTS))
    t = np.sin(x[:, 0]) + x[:, 1] * x[:, 2] - 0.5 * x[:, 3] ** 2 + 0.3 * x[:, 4:].sum(axis=1)
    return {"x": x, "t": t}


@dataclass
class Adam:
    """torch.optim.Adam's update (default betas and eps), one moment pair per parameter tensor."""

    rate: float
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    step_count: int = 0
    m: dict[str, np.ndarray] = field(default_factory=dict)
    v: dict[str, np.ndarray] = field(default_factory=dict)

    def step(self, parameters: dict[str, np.ndarray], gradient: dict[str, np.ndarray]) -> None:
        self.step_count += 1
        correction1 = 1 - self.beta1**self.step_count
        correction2 = 1 - self.beta2**self.step_count
        for name, g in gradient.items():
            self.m[name] = self.beta1 * self.m.get(name, 0.0) + (1 - self.beta1) * g
            self.v[name] = self.beta2 * self.v.get(name, 0.0) + (1 - self.beta2) * g * g
            m_hat, v_hat = self.m[name] / correction1, self.v[name] / correction2
            parameters[name] = parameters[name] - self.rate * m_hat / (np.sqrt(v_hat) + self.eps)


def train(tape: sd.Tape, parameters: dict[str, np.ndarray], data: dict[str, np.ndarray]) -> list[float]:
    """The seed's loop: forward pass, loss, backward pass, weight update; repeated."""
    parameters = dict(parameters)
    gradient_of = tape.compiled_gradient(wrt=PARAMETERS)  # forward and backward, whole batch, data left out
    optimizer = Adam(LEARNING_RATE)
    losses = []
    for _ in range(EPOCHS):
        loss, gradients = gradient_of(*(parameters.get(name, data.get(name)) for name in tape.variables))
        losses.append(float(np.mean(loss)))  # MSELoss: the mean over the batch
        optimizer.step(parameters, {name: g / SAMPLES for name, g in zip(PARAMETERS, gradients, strict=True)})
    return losses


def torch_run(
    parameters: dict[str, np.ndarray], data: dict[str, np.ndarray]
) -> tuple[dict[str, np.ndarray], list[float]] | None:
    """The seed's own code, in float64, from the same initial weights: the first gradient and the losses.

    None when torch is not installed.
    """
    if importlib.util.find_spec("torch") is None:
        return None
    import torch
    from torch import nn

    net = nn.Sequential(nn.Linear(INPUTS, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1)).double()
    with torch.no_grad():  # float64 throughout
        net[0].weight.copy_(torch.tensor(parameters["W1"]))
        net[0].bias.copy_(torch.tensor(parameters["b1"]))
        net[2].weight.copy_(torch.tensor(parameters["w2"][None, :]))
        net[2].bias.copy_(torch.tensor(parameters["b2"]).reshape(1))
    inputs = torch.tensor(data["x"])
    targets = torch.tensor(data["t"]).reshape(-1, 1)
    criterion = nn.MSELoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=LEARNING_RATE)
    losses: list[float] = []
    first_gradient: dict[str, np.ndarray] = {}
    for _ in range(EPOCHS):
        loss = criterion(net(inputs), targets)
        optimizer.zero_grad()
        loss.backward()
        if not first_gradient:
            grads = (net[0].weight.grad, net[0].bias.grad, net[2].weight.grad, net[2].bias.grad)
            first_gradient = {
                name: np.asarray(g, dtype=float).reshape(np.shape(parameters[name]))
                for name, g in zip(PARAMETERS, grads, strict=True)
            }
        optimizer.step()
        losses.append(loss.item())
    return first_gradient, losses


def main() -> dict[str, object]:
    rng = np.random.default_rng(10)
    tape = sd.Tape(MODEL)
    parameters = initial_parameters(rng)
    data = regression_data(rng)
    count = sum(np.size(p) for p in parameters.values())
    print(
        f"the model: {len(tape.graph.operations)} tensor operations on the tape, {count} parameters, {SAMPLES} samples"
    )
    print("\n".join(f"  {line}" for line in MODEL.splitlines()))

    formulas = sd.gradient(MODEL, wrt=list(PARAMETERS))
    print("its gradient in matrix form, verified:")
    print("\n".join(f"  {line}" for line in formulas.to_text().splitlines() if line.startswith(("δ", "∂"))))
    sample = {"x": data["x"][0], "t": data["t"][0]}
    comparison = sd.compare(MODEL, at=parameters | sample, wrt=list(PARAMETERS))
    verdict = "agree" if comparison.agree else "DISAGREE"
    worst = max(check.autodiff_error for row in comparison.rows for check in row.checks)
    print(
        f"gradient check at one sample: symbolic, autodiff and finite differences {verdict} "
        f"(largest autodiff error against the 50-digit reference {worst:.1e})"
    )
    symbolic = formulas.evaluate(parameters | data)
    tape_gradient = tape.gradient(parameters | data)
    gap = max(
        float(np.max(np.abs(np.asarray(symbolic[name]) - np.asarray(tape_gradient[name]))))
        / max(float(np.max(np.abs(tape_gradient[name]))), 1e-300)
        for name in PARAMETERS
    )
    print(f"the matrix formulas and the tape on the whole batch: equal to {gap:.1e} (relative)")

    losses = train(tape, parameters, data)
    for epoch in (0, 10, 25, 50, len(losses) - 1):
        print(f"epoch {epoch:>3}: MSE {losses[epoch]:.4f}")
    print(f"the loss fell {losses[0] / losses[-1]:.1f} times in {EPOCHS} epochs of Adam (lr {LEARNING_RATE})")
    reference = torch_run(parameters, data)
    if reference is None:
        print("torch: not installed, so the run is not repeated with the seed's own code")
        return {"losses": losses, "comparison": comparison, "formula_gap": gap}
    torch_gradient, torch_losses = reference
    scale = max(float(np.max(np.abs(g))) for g in torch_gradient.values())
    first = max(float(np.max(np.abs(tape_gradient[n] / SAMPLES - g))) for n, g in torch_gradient.items()) / scale
    drift = max(abs(a - b) / b for a, b in zip(losses, torch_losses, strict=True))
    print(f"torch, the seed's own code from the same weights: first gradient equal to {first:.1e} (relative)")
    print(f"  and the two training runs' losses equal to {drift:.1e} over {EPOCHS} epochs")
    return {"losses": losses, "comparison": comparison, "gradient_gap": first, "loss_drift": drift, "formula_gap": gap}


if __name__ == "__main__":
    main()
