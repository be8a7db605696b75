import torch
from torch import nn, optim

torch.manual_seed(7)
data = torch.randn(12, 3)
target = data @ torch.tensor([[1.0], [-2.0], [0.5]]) + 0.1
model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 1))
loss_fn = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
batch_size = 4
history = []
for epoch in range(5):
    total = 0.0
    for start in range(0, len(data), batch_size):
        batch, batch_target = data[start:start + batch_size], target[start:start + batch_size]
        optimizer.zero_grad()
        loss = loss_fn(model(batch), batch_target)
        loss.backward()
        optimizer.step()
        total += loss.item() * len(batch)
    history.append(round(total / len(data), 4))
print(history)
with torch.no_grad():
    print(model(data[:2]).squeeze(1))
