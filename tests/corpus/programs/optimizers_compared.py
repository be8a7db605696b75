# The same least-squares problem solved by each optimizer; the final loss of each.
import torch

torch.manual_seed(0)
A = torch.randn(8, 3)
target = torch.randn(8)
makers = {
    "SGD": lambda p: torch.optim.SGD(p, lr=0.01),
    "SGD momentum": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
    "SGD nesterov": lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, nesterov=True),
    "SGD weight decay": lambda p: torch.optim.SGD(p, lr=0.01, weight_decay=0.1),
    "Adam": lambda p: torch.optim.Adam(p, lr=0.05),
    "AdamW": lambda p: torch.optim.AdamW(p, lr=0.05),
    "RMSprop": lambda p: torch.optim.RMSprop(p, lr=0.01),
    "Adagrad": lambda p: torch.optim.Adagrad(p, lr=0.5),
}
for name, make in makers.items():
    x = torch.zeros(3, requires_grad=True)
    optimizer = make([x])
    for _ in range(50):
        optimizer.zero_grad()
        loss = ((A @ x - target) ** 2).mean()
        loss.backward()
        optimizer.step()
    print(f"{name:>16}: loss {loss.item():.4f}  x {[round(v, 3) for v in x.tolist()]}")
opt = torch.optim.RMSprop([{"params": [torch.zeros(2, requires_grad=True)]},
                           {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.5}], lr=0.1, momentum=0.5)
print(opt)
print([group["lr"] for group in opt.param_groups])
