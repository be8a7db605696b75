# DataLoader basics: batch sizes, drop_last, len, reshuffling every epoch, default collation.
import torch
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X = torch.arange(20).reshape(10, 2).float()
y = torch.arange(10)
dataset = TensorDataset(X, y)
print(len(dataset), dataset[3])
loader = DataLoader(dataset, batch_size=4, shuffle=True)
print(len(loader))
for epoch in range(2):
    for xb, yb in loader:
        print(epoch, yb.tolist(), xb.shape)
loader = DataLoader(dataset, batch_size=4, drop_last=True)
print(len(loader), [yb.tolist() for _, yb in loader])
pairs = [(i, float(i) / 2, f"item{i}") for i in range(5)]
for batch in DataLoader(pairs, batch_size=2, shuffle=True):
    print(batch)
words = DataLoader(["a", "bb", "ccc"], batch_size=2)
print(list(words))
dicts = [{"x": torch.ones(2) * i, "label": i} for i in range(4)]
print(next(iter(DataLoader(dicts, batch_size=3))))
print(torch.randint(0, 100, (3,)))
