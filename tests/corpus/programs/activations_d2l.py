# d2l 5.1: activation functions and their derivatives through autograd.
import torch
from torch import nn

x = torch.arange(-4.0, 4.0, 0.5, requires_grad=True)
y = torch.relu(x)
y.backward(torch.ones_like(x), retain_graph=True)
print(x.grad)
x.grad.data.zero_()
y = torch.sigmoid(x)
y.backward(torch.ones_like(x), retain_graph=True)
print(x.grad)
x.grad.data.zero_()
y = torch.tanh(x)
y.backward(torch.ones_like(x), retain_graph=True)
print(x.grad)
for module in (nn.ReLU(), nn.Sigmoid(), nn.Tanh(), nn.Softmax(dim=0), nn.LogSoftmax(dim=0), nn.Identity()):
    out = module(x[:4])
    print(module, out.grad_fn.name() if out.grad_fn else None)
m = nn.Unflatten(1, (2, 2))
print(m, m(torch.arange(8.0).reshape(2, 4)))
print(nn.Flatten(0)(torch.ones(2, 3)).shape)
