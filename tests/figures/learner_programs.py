"""Learner programs the graph must show whole: loops, many parameters, cuts, a square."""

LINEAR_REGRESSION = """import torch
torch.manual_seed(0)
x = torch.randn(16)
y = 3 * x + 1
w = torch.zeros(1, requires_grad=True)
b = torch.zeros(1, requires_grad=True)
for epoch in range(20):
    pred = x * w + b
    loss = ((pred - y) ** 2).mean()
    loss.backward()
    with torch.no_grad():
        w -= 0.1 * w.grad
        b -= 0.1 * b.grad
    w.grad.zero_()
    b.grad.zero_()
"""

EIGHT_PARAMETERS = """import torch
params = [torch.randn(3, requires_grad=True) for _ in range(8)]
total = params[0] * 1.0
for p in params[1:]:
    total = total + p * p
loss = total.sum()
loss.backward()
"""

MLP_TRAINING = """import torch
import torch.nn as nn
torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 1))
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(32, 4)
y = torch.randn(32, 1)
for step in range(50):
    opt.zero_grad()
    loss = ((model(x) - y) ** 2).mean()
    loss.backward()
    opt.step()
"""

CUTS = """import torch
a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
b = a.detach()
c = (a * 3 + b).sum()
with torch.no_grad():
    d = a * 2
e = (c + d.sum()) * a.mean()
e.backward()
"""

SQUARE = """import torch
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
y = x * x
y.sum().backward()
"""

LEARNER_PROGRAMS = {"linear_regression": LINEAR_REGRESSION, "eight_parameters": EIGHT_PARAMETERS,
                  "mlp_training": MLP_TRAINING, "cuts": CUTS, "square": SQUARE}
