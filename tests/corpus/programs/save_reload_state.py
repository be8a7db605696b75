# Saving and restoring training state the in-memory way: state_dict of model, optimizer and scheduler.
import copy

import torch
from torch import nn

torch.manual_seed(0)
model = nn.Sequential(nn.Linear(3, 3), nn.Sigmoid(), nn.Linear(3, 1))
optimizer = torch.optim.AdamW(model.parameters(), lr=0.01, weight_decay=0.05)
scheduler = torch.optim.lr_scheduler.ExponentialLR(optimizer, gamma=0.5)
x, y = torch.randn(16, 3), torch.randn(16, 1)
for _ in range(3):
    optimizer.zero_grad()
    nn.functional.mse_loss(model(x), y).backward()
    optimizer.step()
    scheduler.step()
saved_model = copy.deepcopy(model.state_dict())
saved_optimizer = copy.deepcopy(optimizer.state_dict())
print(list(saved_model.keys()))
print(saved_optimizer["param_groups"][0]["lr"], sorted(saved_optimizer["state"][0].keys()))
print(saved_optimizer["state"][0]["step"])
restored = nn.Sequential(nn.Linear(3, 3), nn.Sigmoid(), nn.Linear(3, 1))
print(restored.load_state_dict(saved_model))
print(torch.equal(restored[0].weight, model[0].weight), scheduler.get_last_lr())
