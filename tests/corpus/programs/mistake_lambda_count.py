# Learner mistake: one lr_lambda per group, but the wrong number of them.
import torch

a = torch.nn.Parameter(torch.ones(1))
b = torch.nn.Parameter(torch.ones(1))
optimizer = torch.optim.SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
print([g["lr"] for g in optimizer.param_groups])
scheduler = torch.optim.lr_scheduler.LambdaLR(optimizer, [lambda e: 0.9**e])
