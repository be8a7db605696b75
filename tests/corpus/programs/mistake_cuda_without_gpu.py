# Learner mistake: a script written on a GPU machine, run on a laptop without CUDA.
import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(4, 2), nn.ReLU())
print(model)
x = torch.randn(3, 4)
print(x.device, next(model.parameters()).device)
model = model.cuda()
