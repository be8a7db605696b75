# A map-style Dataset written as tutorials write one, batched with and without shuffling.
import torch
from torch.utils.data import DataLoader, Dataset


class SquaresDataset(Dataset):
    def __init__(self, n, transform=None):
        self.n = n
        self.transform = transform

    def __len__(self):
        return self.n

    def __getitem__(self, idx):
        x = torch.tensor([float(idx)])
        y = torch.tensor(float(idx) ** 2)
        if self.transform:
            x = self.transform(x)
        return x, y


torch.manual_seed(3)
ds = SquaresDataset(9, transform=lambda t: t / 10)
print(len(ds), ds[4])
for x, y in DataLoader(ds, batch_size=4, shuffle=True):
    print(x.squeeze(1), y)
loader = DataLoader(ds, batch_size=5, shuffle=False, num_workers=0)
x, y = next(iter(loader))
print(x.shape, y.shape, y.dtype)
model = torch.nn.Linear(1, 1)
opt = torch.optim.Adam(model.parameters(), lr=0.1)
for epoch in range(3):
    total = 0.0
    for x, y in DataLoader(ds, batch_size=3, shuffle=True):
        loss = torch.nn.functional.mse_loss(model(x).squeeze(1), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        total += loss.item()
    print(epoch, f"{total:.3f}")
