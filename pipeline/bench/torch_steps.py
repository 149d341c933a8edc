"""PyTorch peer for `npm run bench`: the same model, loss and AdamW, written the way a
PyTorch user would (dense float32 tensors, autograd), timed for a few seconds.
Prints one JSON line: steps per second and peak resident memory."""
import json
import resource
import sys
import time

import torch

n, T, m, seconds, threads = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
generator = torch.Generator().manual_seed(0)
# sparse(n, S = 0.999) data as a dense matrix: about ten non-zeros per example.
X = torch.rand(T, n, generator=generator) * (torch.rand(T, n, generator=generator) < 0.001)
X[:, 0] += (X.sum(dim=1) == 0).float()  # no empty rows
X = X / X.norm(dim=1, keepdim=True)
W = (torch.randn(m, n, generator=generator) * (2 / (n + m)) ** 0.5).requires_grad_()
b = torch.zeros(n, requires_grad=True)
optimizer = torch.optim.AdamW([W, b], lr=1e-3, weight_decay=1e-2)


def step():
    optimizer.zero_grad()
    loss = ((torch.relu(X @ W.T @ W + b) - X) ** 2).sum() / T
    loss.backward()
    optimizer.step()


step()  # warm-up
steps, start = 0, time.perf_counter()
while steps < 2 or time.perf_counter() - start < seconds:
    step()
    steps += 1
elapsed = time.perf_counter() - start
print(json.dumps({"stepsPerSecond": steps / elapsed, "steps": steps, "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "torch": torch.__version__}))
