# Autograd mechanics: requires_grad propagation, freezing layers, no_grad, detach, and the optimizer.
import torch
from torch import nn, optim

torch.manual_seed(0)
x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
model = nn.Sequential(nn.Linear(8, 6), nn.ReLU(), nn.Linear(6, 3))
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(6, 2)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
trainable = [name for name, p in model.named_parameters() if p.requires_grad]
print(trainable)
inputs = torch.randn(4, 8)
loss = model(inputs).pow(2).mean()
loss.backward()
print(model[0].weight.grad, model[2].bias.grad.shape)
optimizer.step()
with torch.no_grad():
    out = model(inputs)
print(out.requires_grad, out.grad_fn)
detached = loss.detach()
print(detached.requires_grad, loss.requires_grad, detached.grad_fn)
print(model.training, model.eval().training, type(optimizer).__name__)
