import torch

X = torch.tensor([1.0, 2.0, 3.0, 4.0])
Y = torch.tensor([2.0, 4.0, 6.0, 8.0])
w = torch.tensor(0.0, requires_grad=True)


def forward(x):
    return w * x


def loss_of(y, y_predicted):
    return ((y_predicted - y) ** 2).mean()


learning_rate = 0.01
for epoch in range(20):
    loss = loss_of(Y, forward(X))
    loss.backward()
    with torch.no_grad():
        w -= learning_rate * w.grad
    w.grad.zero_()
    if epoch % 4 == 0:
        print(f"epoch {epoch + 1}: w = {w:.3f}, loss = {loss:.8f}")
print(f"Prediction after training: f(5) = {forward(5):.3f}")
