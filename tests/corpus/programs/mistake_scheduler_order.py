# Learner slip: scheduler.step() before optimizer.step() (torch warns on stderr; lrs still print).
import torch

w = torch.nn.Parameter(torch.tensor([1.0, -1.0]))
optimizer = torch.optim.SGD([w], lr=0.1)
scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=0.5)
for epoch in range(3):
    scheduler.step()
    optimizer.zero_grad()
    (w ** 2).sum().backward()
    optimizer.step()
    print(epoch, scheduler.get_last_lr(), w.data)
