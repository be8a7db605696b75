# Split a dataset into train and validation sets, train a classifier, report validation accuracy.
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(0)
X = torch.randn(120, 2)
y = (X[:, 0] + X[:, 1] > 0).long()
full = TensorDataset(X, y)
train_set, val_set = random_split(full, [0.75, 0.25])
print(len(train_set), len(val_set), train_set.indices[:5])
a, b, c = random_split(range(10), [3, 3, 4], generator=torch.Generator().manual_seed(42))
print(list(a), list(b), list(c))
model = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Linear(8, 2))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
train_loader = DataLoader(train_set, batch_size=16, shuffle=True)
val_loader = DataLoader(val_set, batch_size=64)
for epoch in range(4):
    model.train()
    for xb, yb in train_loader:
        optimizer.zero_grad()
        loss_fn(model(xb), yb).backward()
        optimizer.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(dim=1) == yb).sum().item()
    print(f"epoch {epoch}: val accuracy {correct / len(val_set):.3f}")
