# Learning-rate schedules: StepLR, ExponentialLR, CosineAnnealingLR and LambdaLR, read back each epoch.
import torch
from torch.optim.lr_scheduler import CosineAnnealingLR, ExponentialLR, LambdaLR, StepLR

w = torch.nn.Parameter(torch.ones(3))
schedules = (
    lambda o: StepLR(o, step_size=2, gamma=0.5),
    lambda o: ExponentialLR(o, gamma=0.9),
    lambda o: CosineAnnealingLR(o, T_max=4, eta_min=0.001),
    lambda o: LambdaLR(o, lambda e: 1 / (e + 1)),
)
for make in schedules:
    optimizer = torch.optim.SGD([w], lr=0.1)
    scheduler = make(optimizer)
    lrs = []
    for _epoch in range(10):
        optimizer.zero_grad()
        (w ** 2).sum().backward()
        optimizer.step()
        scheduler.step()
        lrs.append(scheduler.get_last_lr()[0])
    print(type(scheduler).__name__, lrs)
    print(optimizer.param_groups[0]["lr"], optimizer.param_groups[0]["initial_lr"], scheduler.last_epoch)
print(w)
