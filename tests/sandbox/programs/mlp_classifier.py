import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import optim


class MLP(nn.Module):
    def __init__(self, sizes, activation=torch.tanh):
        super(MLP, self).__init__()
        self.layers = nn.ModuleList([nn.Linear(a, b) for a, b in zip(sizes, sizes[1:])])
        self.activation = activation

    def forward(self, x):
        for index, layer in enumerate(self.layers):
            x = layer(x)
            if index < len(self.layers) - 1:
                x = self.activation(x)
        return x

    def count_parameters(self):
        return sum(p.numel() for p in self.parameters() if p.requires_grad)


torch.manual_seed(0)
inputs = torch.randn(8, 2)
labels = (inputs[:, 0] * inputs[:, 1] > 0).float().unsqueeze(1)
net = MLP([2, 8, 1])
print(net)
print("parameters:", net.count_parameters())
optimizer = optim.Adam(net.parameters(), lr=0.05)
for epoch in range(30):
    net.train()
    optimizer.zero_grad()
    loss = F.mse_loss(torch.sigmoid(net(inputs)), labels)
    loss.backward()
    optimizer.step()
    if epoch % 10 == 9:
        print(f"epoch {epoch + 1:2d}  loss {loss.item():.4f}")
net.eval()
with torch.no_grad():
    predictions = (torch.sigmoid(net(inputs)) > 0.5).float()
    accuracy = (predictions == labels).float().mean()
print(f"accuracy {accuracy.item():.2f}")
for name, parameter in net.named_parameters():
    print(name, tuple(parameter.shape))
print(sorted(net.state_dict().keys()))
