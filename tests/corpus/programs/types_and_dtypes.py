# Everyday inspection: what kind of object is this?
import torch
from torch import nn

torch.manual_seed(0)
x = torch.randn(2, 3)
print(type(x))
print(type(x.shape), x.shape)
print(type(x.dtype), x.dtype, torch.get_default_dtype())
print(type(torch.device("cpu")))
model = nn.Sequential(nn.Linear(3, 2), nn.Tanh())
print(type(model), type(model[0]), type(model[1]))
print(type(model[0].weight))
print(nn.Linear, nn.MSELoss, torch.optim.SGD)
print(type(torch.optim.Adam(model.parameters())))
print(torch.result_type(torch.tensor([1, 2]), 2.5), torch.result_type(torch.tensor(1), 1))
print(torch.linspace(-10, 10, steps=1), torch.linspace(0, 1, steps=5))


class Net(nn.Module):
    pass


print(type(Net()).__name__, type(model).__name__)
