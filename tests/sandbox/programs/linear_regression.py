import torch
import torch.nn as nn
import torch.optim as optim


class LinearRegression(nn.Module):
    def __init__(self, in_features, out_features):
        super().__init__()
        self.linear = nn.Linear(in_features, out_features)

    def forward(self, x):
        return self.linear(x)


torch.manual_seed(42)
X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
Y = torch.tensor([[2.0], [4.0], [6.0], [8.0]])
model = LinearRegression(1, 1)
criterion = nn.MSELoss()
optimizer = optim.SGD(model.parameters(), lr=0.01)

print(f"Prediction before training: f(5) = {model(torch.tensor([5.0])).item():.3f}")
for epoch in range(100):
    y_predicted = model(X)
    loss = criterion(y_predicted, Y)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad()
    if (epoch + 1) % 10 == 0:
        w, b = model.parameters()
        print(f"epoch {epoch + 1}: w = {w[0][0].item():.3f}, loss = {loss.item():.8f}")
print(f"Prediction after training: f(5) = {model(torch.tensor([5.0])).item():.3f}")
