"""PyTorch reference for the training loop: reads a problem as JSON on stdin (dense
examples X, initial W, per-step learning rates, weight decay, whether b trains), runs
torch.optim.AdamW full-batch in float32 on the article's model and loss, and prints the
final W, b and loss as JSON. Used by tests/unit/pytorch-reference.test.ts."""
import json
import sys

import torch

problem = json.load(sys.stdin)
X = torch.tensor(problem["X"], dtype=torch.float32)
m, n = problem["m"], problem["n"]
W = torch.tensor(problem["W0"], dtype=torch.float32).reshape(m, n).requires_grad_()
b = torch.zeros(n, dtype=torch.float32, requires_grad=problem["bias"])
params = [W, b] if problem["bias"] else [W]
optimizer = torch.optim.AdamW(params, lr=1.0, betas=(0.9, 0.999), eps=1e-8, weight_decay=problem["weightDecay"])


def loss_of(W, b):
    # Sum over features, mean over examples: the article's loss convention.
    return ((torch.relu(X @ W.T @ W + b) - X) ** 2).sum() / X.shape[0]


for lr in problem["lrs"]:
    for group in optimizer.param_groups:
        group["lr"] = lr
    optimizer.zero_grad()
    loss_of(W, b).backward()
    optimizer.step()

with torch.no_grad():
    json.dump({"W": W.flatten().tolist(), "b": b.tolist(), "loss": loss_of(W, b).item(), "torch": torch.__version__}, sys.stdout)
