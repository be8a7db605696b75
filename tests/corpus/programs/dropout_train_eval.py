# Dropout in training and evaluation mode, and the d2l from-scratch version of it.
import torch
from torch import nn

torch.manual_seed(0)
drop = nn.Dropout(p=0.5)
x = torch.ones(2, 8)
print(drop)
print(drop(x))
drop.eval()
print(drop(x))
print(drop.training)


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(dropout_layer(X, 0.0))
print(dropout_layer(X, 0.5))
print(dropout_layer(X, 1.0))
net = nn.Sequential(nn.Flatten(), nn.Linear(8, 4), nn.ReLU(), nn.Dropout(0.2), nn.Linear(4, 2))
print(net)
net.train()
print(net(X).shape, net[3].training)
net.eval()
print(net(X).shape, net[3].training)
