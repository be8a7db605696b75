# d2l 3.3: concise linear regression with TensorDataset, a shuffling DataLoader and nn.Linear.
import torch
from torch import nn
from torch.utils import data

torch.manual_seed(1)
true_w = torch.tensor([2, -3.4])
true_b = 4.2
X = torch.normal(0, 1, (100, 2))
y = (torch.matmul(X, true_w) + true_b + torch.normal(0, 0.01, (100,))).reshape((-1, 1))


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


data_iter = load_array((X, y), 10)
first_X, first_y = next(iter(data_iter))
print(first_X, first_y, sep="\n")
net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)
for epoch in range(3):
    for Xb, yb in data_iter:
        l = loss(net(Xb), yb)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(X), y)
    print(f"epoch {epoch + 1}, loss {l:f}")
print(len(data_iter), torch.rand(2))
